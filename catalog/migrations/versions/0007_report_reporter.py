"""Reports keep the reporter's name, @username and language, and how the pack photo came.

A photo sent as a file is forwarded to officers as a file.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("photo_kind", sa.String(length=12), nullable=False, server_default="photo")
        )
        batch_op.add_column(
            sa.Column("reporter_name", sa.String(length=128), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("reporter_username", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("locale")
        batch_op.drop_column("reporter_username")
        batch_op.drop_column("reporter_name")
        batch_op.drop_column("photo_kind")
