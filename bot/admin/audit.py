"""Every officer action is logged and kept in the database (who did what, when)."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from catalog.reports import log_admin

log = logging.getLogger("ecolabel.admin")


def audit(engine: Engine, user_id: int, action: str, detail: str = "") -> None:
    log.info("admin %s: %s %s", user_id, action, detail)
    log_admin(engine, user_id, action, detail)
