"""The ``lookup`` table is ``usageevent``: it counts tips sent as well as lookups; its
``label_code`` column was never written and is dropped.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXED = ("day", "gtin", "user_id")


def _rename(old: str, new: str) -> None:
    """Rename the table with its indexes (and on PostgreSQL its key and id sequence)."""
    for column in INDEXED:
        op.drop_index(f"ix_{old}_{column}", table_name=old)
    op.rename_table(old, new)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER INDEX {old}_pkey RENAME TO {new}_pkey")
        op.execute(f"ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq")
    for column in INDEXED:
        op.create_index(f"ix_{new}_{column}", new, [column], unique=False)


def upgrade() -> None:
    _rename("lookup", "usageevent")
    with op.batch_alter_table("usageevent", schema=None) as batch_op:
        batch_op.drop_column("label_code")


def downgrade() -> None:
    with op.batch_alter_table("usageevent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_code", sa.String(length=32), nullable=True))
    _rename("usageevent", "lookup")
