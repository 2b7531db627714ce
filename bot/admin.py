"""Admin features for department officers: catalog upload, export, shopper reports, figures.

Every entry point checks ``is_admin`` first; the core answers non-admins exactly as it
answers an unknown command or an out-of-date button, so nothing leaks.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.actions import CancelImport, ConfirmImport, DismissReport, ResolveReport
from bot.i18n import Messages
from bot.render import esc, local
from bot.replies import Attachment, Button, Reply
from catalog import stats as figures
from catalog.csvio import (
    COLUMNS,
    MAX_FILE_BYTES,
    CatalogFileError,
    CatalogValidationError,
    ParsedCatalog,
    apply_catalog,
    export_csv,
    parse_catalog,
)
from catalog.db import session
from catalog.models import LabelScheme
from catalog.reference import categories
from catalog.reports import ReportBook, log_admin
from catalog.service import CatalogService

log = logging.getLogger("ecolabel.admin")
IMPORT_TTL = 15 * 60
MAX_SHOWN_ERRORS = 20


@dataclass
class _PendingImport:
    admin_id: int
    name: str
    parsed: ParsedCatalog
    created: float


class AdminDesk:
    def __init__(
        self, engine: Engine, catalog: CatalogService, reports: ReportBook, admin_ids: frozenset[int]
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.reports = reports
        self.admin_ids = admin_ids
        self._pending: dict[str, _PendingImport] = {}
        self.max_upload_bytes = MAX_FILE_BYTES
        self._lock = threading.Lock()

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids

    def _audit(self, user_id: int, action: str, detail: str = "") -> None:
        log.info("admin %s: %s %s", user_id, action, detail)
        log_admin(self.engine, user_id, action, detail)

    # -- commands ---------------------------------------------------------------------------
    def command(self, user_id: int, t: Messages, name: str, arg: str) -> list[Reply]:
        if name == "admin":
            return [Reply(t("admin.help"))]
        if name == "export":
            self._audit(user_id, "export")
            data = export_csv(self.engine).encode("utf-8")
            count = self.catalog.product_count()
            filename = f"ecolabel-{self.catalog.today().isoformat()}.csv"
            return [
                Reply(
                    t("admin.export_caption", count=count), attachment=Attachment("document", filename, data)
                )
            ]
        if name == "reports":
            self._audit(user_id, "list reports")
            return self._list_reports(t)
        if name == "stats":
            return self._stats(user_id, t, arg.split())
        raise KeyError(name)

    def _stats(self, user_id: int, t: Messages, args: list[str]) -> list[Reply]:
        today = self.catalog.today()
        try:
            start = date.fromisoformat(args[0]) if args else today - timedelta(days=29)
            end = date.fromisoformat(args[1]) if len(args) > 1 else today
        except ValueError:
            return [Reply(t("admin.stats_bad_dates"))]
        if start > end:
            start, end = end, start
        self._audit(user_id, "stats", f"{start}..{end}")
        s = figures.compute(self.engine, start, end)
        text = self.stats_text(t, s)
        replies = [Reply(text)]
        if s.per_day:
            png = figures.chart_png(
                s, f"{start} – {end}", t("admin.chart_lookups"), t("admin.chart_hit_rate")
            )
            replies.append(Reply("", attachment=Attachment("photo", "stats.png", png)))
        return replies

    def stats_text(self, t: Messages, s: figures.Stats) -> str:
        labels = {x.code: local(x, "name", t.locale) for x in self.catalog.labels()}

        def lines(items: list[tuple[str, int]], names: dict[str, str] | None = None) -> str:
            if not items:
                return t("admin.none")
            return "\n".join(f"{n}. {esc((names or {}).get(k, k))}: {c}" for n, (k, c) in enumerate(items, 1))

        return t.raw(
            "admin.stats",
            start=s.start.isoformat(),
            end=s.end.isoformat(),
            users=s.users,
            new_users=s.new_users,
            lookups=s.lookups,
            hit_rate=round(100 * s.hit_rate),
            by_kind=esc(", ".join(f"{k} {n}" for k, n in s.by_kind.items()) or "-"),
            tips=s.tips_sent,
            reports_opened=s.reports_opened,
            reports_resolved=s.reports_resolved,
            top_products=lines(s.top_products),
            top_labels=lines(s.top_labels, labels),
            top_missing=lines(s.top_missing),
        )

    # -- reports ----------------------------------------------------------------------------
    def _list_reports(self, t: Messages) -> list[Reply]:
        open_reports = self.reports.open_reports()
        if not open_reports:
            return [Reply(t("admin.no_reports"))]
        replies = []
        for r in open_reports:
            when = r.created_at.strftime("%Y-%m-%d %H:%M")
            if r.kind == "missing":
                text = t("admin.report_missing", id=r.id, when=when, gtin=r.gtin or "-", user=r.user_id)
            else:
                card = self.catalog.card(r.product_id) if r.product_id else None
                product = card.product.name_vi if card else "-"
                text = t(
                    "admin.report_label",
                    id=r.id,
                    when=when,
                    product=product,
                    text=r.text or "-",
                    user=r.user_id,
                )
            buttons = (
                (
                    Button(t("admin.btn_resolve"), ResolveReport(r.id).pack()),
                    Button(t("admin.btn_dismiss"), DismissReport(r.id).pack()),
                ),
            )
            attachment = Attachment("photo", ref=r.photo_ref) if r.photo_ref else None
            replies.append(Reply(text, buttons=buttons, attachment=attachment))
        return replies

    def close_report(
        self, user_id: int, t: Messages, report_id: int, resolve: bool, reporter_locale: str
    ) -> list[Reply]:
        report = self.reports.close(report_id, user_id, "resolved" if resolve else "dismissed")
        if report is None:
            return [Reply(t("admin.import_expired"))]
        self._audit(user_id, "resolve report" if resolve else "dismiss report", str(report_id))
        replies = [Reply(t("admin.resolved" if resolve else "admin.dismissed", id=report_id), edit=True)]
        if resolve and report.kind == "missing" and report.gtin:
            row = ",".join([report.gtin] + [""] * (len(COLUMNS) - 1))
            header = ",".join(COLUMNS)
            replies.append(Reply(f"{t('admin.new_entry')}\n<code>{header}\n{row}</code>"))
        if resolve and report.notify:
            replies.append(
                Reply(
                    Messages(reporter_locale)("report.resolved_notice", id=report_id), to_chat=report.chat_id
                )
            )
        return replies

    # -- catalog upload ---------------------------------------------------------------------
    def upload(self, user_id: int, t: Messages, name: str, data: bytes) -> list[Reply]:
        if not name.lower().endswith(".csv"):
            return [Reply(t("admin.not_csv"))]
        with session(self.engine) as db:
            labels = list(db.exec(select(LabelScheme.code)))
        try:
            parsed = parse_catalog(data, labels, categories())
        except CatalogFileError as exc:
            self._audit(user_id, "upload rejected", f"{name}: {exc}")
            return [Reply(t("admin.import_file_error", name=name, error=str(exc)))]
        except CatalogValidationError as exc:
            self._audit(user_id, "upload rejected", f"{name}: {exc.total} problems")
            shown = "\n".join(esc(str(e)) for e in exc.errors[:MAX_SHOWN_ERRORS])
            more = f"\n… +{exc.total - MAX_SHOWN_ERRORS}" if exc.total > MAX_SHOWN_ERRORS else ""
            return [Reply(f"{t('admin.import_errors', name=name, count=exc.total)}\n{shown}{more}")]
        report = apply_catalog(self.engine, parsed, dry_run=True)
        token = secrets.token_urlsafe(12)
        with self._lock:
            now = time.monotonic()
            self._pending = {k: v for k, v in self._pending.items() if now - v.created < IMPORT_TTL}
            self._pending[token] = _PendingImport(user_id, name, parsed, now)
        self._audit(user_id, "upload checked", name)
        text = t(
            "admin.import_summary",
            name=name,
            p_added=report.products_added,
            p_changed=report.products_changed,
            p_same=report.products_unchanged,
            c_added=report.certs_added,
            c_changed=report.certs_changed,
            c_same=report.certs_unchanged,
            c_removed=report.certs_removed,
        )
        return [
            Reply(
                text,
                buttons=(
                    (
                        Button(t("admin.btn_confirm"), ConfirmImport(token).pack()),
                        Button(t("admin.btn_cancel"), CancelImport(token).pack()),
                    ),
                ),
            )
        ]

    def confirm(self, user_id: int, t: Messages, token: str, apply: bool) -> list[Reply]:
        with self._lock:
            pending = self._pending.get(token)
            if (
                pending is None
                or pending.admin_id != user_id
                or time.monotonic() - pending.created > IMPORT_TTL
            ):
                return [Reply(t("admin.import_expired"), edit=True)]
            del self._pending[token]
        if not apply:
            self._audit(user_id, "import cancelled", pending.name)
            return [Reply(t("admin.import_cancelled"), edit=True)]
        report = apply_catalog(self.engine, pending.parsed)
        self.catalog.refresh()
        self._audit(user_id, "import", f"{pending.name}: +{report.products_added} ~{report.products_changed}")
        return [
            Reply(
                t(
                    "admin.imported",
                    name=pending.name,
                    p_added=report.products_added,
                    p_changed=report.products_changed,
                ),
                edit=True,
            )
        ]
