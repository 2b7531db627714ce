"""Alembic environment: migrations always run on a connection handed in by catalog.migrate."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import types
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from catalog import models  # noqa: F401  (registers the tables)


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    """New revisions name plain SQLAlchemy types, so they never depend on SQLModel's internals."""
    if kind == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if kind == "type" and isinstance(obj, types.TypeDecorator) and isinstance(obj.impl, types.DateTime):
        return f"sa.DateTime(timezone={obj.impl.timezone})"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
