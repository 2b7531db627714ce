"""Updates recorded before they are acknowledged (pendingupdate).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pendingupdate",
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id"),
    )
    with op.batch_alter_table("pendingupdate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pendingupdate_received_at"), ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pendingupdate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pendingupdate_received_at"))

    op.drop_table("pendingupdate")
