"""flags.points: the signed points each flag took from or added to the call's score, so the
desk and the API can show a breakdown that adds up (NULL for flags scored before; a re-score
fills them). calls.unreviewed_flags now counts only flags waiting for review (negative, not
the customer's own tone): recounted here for the calls already stored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("points", sa.Float(), nullable=True))
    # the same rule as service.calls.repository.waiting_for_review for flags without points
    op.execute(
        "UPDATE calls SET unreviewed_flags = (SELECT count(*) FROM flags"
        " WHERE flags.call_id = calls.id AND flags.verdict IS NULL"
        " AND flags.polarity = 'negative'"
        " AND NOT (flags.speaker = 'customer'"
        " AND flags.type IN ('raised_volume', 'interruption', 'long_silence')))"
    )


def downgrade() -> None:
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_column("points")
