"""A shopper Telegram will not deliver to (blocked the bot, account deleted, chat gone) is
marked, so nothing is sent to them until they write again.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shopper", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shopper", schema=None) as batch_op:
        batch_op.drop_column("unreachable_at")
