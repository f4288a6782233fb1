"""tenants.redact_kinds and tenants.redact_audio: which personal data a tenant has masked before
a call's results and audio are stored (issue 13)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redact_kinds", sa.Text(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("redact_audio", sa.String(length=10), nullable=False,
                                      server_default="silence"))


def downgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("redact_audio")
        batch_op.drop_column("redact_kinds")
