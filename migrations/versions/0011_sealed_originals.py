"""tenants.keep_original and tenants.data_key_wrapped, calls.original_key: a tenant may keep each
recording as sent, sealed with its own data key, for admins (issue 13)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 20:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        # a constant default, so SQLite adds the column in place rather than copying the table
        batch_op.add_column(sa.Column("keep_original", sa.Boolean(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("data_key_wrapped", sa.Text(), nullable=True))
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_key", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("original_key")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("data_key_wrapped")
        batch_op.drop_column("keep_original")
