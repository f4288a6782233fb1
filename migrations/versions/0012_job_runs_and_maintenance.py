"""calls.attempts_base, tenants.rescore_sent_at, maintenance_runs: a re-analysis gets its own
cap on worker deaths, an unsent re-score is sent within a minute, and the orphan sweep and the
retention purge run in one worker of a fleet at a time (issue 11)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts_base", sa.Integer(), nullable=False,
                                      server_default="0"))
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rescore_sent_at", sa.DateTime(timezone=True),
                                      nullable=True))
    op.create_table(
        "maintenance_runs",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=32), nullable=True),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("maintenance_runs")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("rescore_sent_at")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("attempts_base")
