"""call_results.acts: the act probabilities a call was scored with (numbers and character
offsets, no text), so that a re-score reuses them instead of reading the stored text again,
which for a redacted call has placeholders where the customer's specifics were (issue 13).
NULL for calls scored before; their next re-score reads the text, as before, and fills it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("call_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_results", schema=None) as batch_op:
        batch_op.drop_column("acts")
