"""Answered updates are kept a day (pendingupdate.answered_at), so a resent one is not answered twice.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pendingupdate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_pendingupdate_answered_at"), ["answered_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pendingupdate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pendingupdate_answered_at"))
        batch_op.drop_column("answered_at")
