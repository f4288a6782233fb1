"""audit_events (who read or deleted what, without the content) and per-tenant retention
(tenants.retain_audio_days, tenants.retain_call_days), for issue 13

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=250), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("call_id", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_tenant_at", "audit_events", ["tenant_id", "at"])
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retain_audio_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("retain_call_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("retain_call_days")
        batch_op.drop_column("retain_audio_days")
    op.drop_index("ix_audit_tenant_at", table_name="audit_events")
    op.drop_table("audit_events")
