"""The officers' desk: admin commands, catalog upload with confirmation, report triage."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot import actions
from bot.admin import figures
from bot.admin.audit import audit
from bot.admin.import_notes import import_notes
from bot.admin.product_form import ProductForm
from bot.admin.triage import ReportTriage
from bot.admin.uploads import PendingUploads
from bot.data_errors import file_error, row_error
from bot.i18n import Messages
from bot.incoming import Incoming
from bot.render import esc
from bot.replies import Attachment, Button, Reply
from catalog import stats
from catalog.datafile import DataFileError, bytes_opener
from catalog.export import export_csv
from catalog.importing import check_file, import_file
from catalog.reference import categories, known_label_codes
from catalog.reports import ReportBook
from catalog.rows import DataValidationError
from catalog.service import CatalogService
from catalog.shoppers import ShopperStore
from catalog.state import StateStore
from catalog.usage import UsageLog

ADMIN_COMMANDS = ("admin", "export", "reports", "stats")
MAX_SHOWN_ERRORS = 20


class AdminDesk:
    def __init__(
        self,
        engine: Engine,
        catalog: CatalogService,
        reports: ReportBook,
        shoppers: ShopperStore,
        admin_ids: frozenset[int],
        state: StateStore,
        max_upload_bytes: int,
        usage: UsageLog | None = None,
    ) -> None:
        self.engine = engine
        self.usage = usage  # flushed before figures are read, so they include the last seconds
        self.catalog = catalog
        self.admin_ids = admin_ids
        self.triage = ReportTriage(engine, reports, catalog, shoppers)
        self.form = ProductForm(engine, reports, catalog, state, self.triage.notice)
        self.uploads = PendingUploads(state)
        self.max_upload_bytes = max_upload_bytes

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids

    # -- commands ---------------------------------------------------------------------------
    def command(self, user_id: int, t: Messages, name: str, arg: str) -> list[Reply]:
        """One of ``ADMIN_COMMANDS``; the caller has checked ``is_admin``."""
        if name == "admin":
            return [Reply(t("admin.help"))]
        if name == "export":
            return [self._export(user_id, t)]
        if name == "reports":
            return self.triage.listing(user_id, t)
        if name == "stats":
            return self._stats(user_id, t, arg.split())
        raise KeyError(name)

    def _export(self, user_id: int, t: Messages) -> Reply:
        audit(self.engine, user_id, "export")
        data = export_csv(self.engine).encode("utf-8")
        filename = f"ecolabel-{self.catalog.today().isoformat()}.csv"
        caption = t("admin.export_caption", count=self.catalog.product_count())
        return Reply(caption, attachment=Attachment("document", filename, data))

    def _stats(self, user_id: int, t: Messages, args: list[str]) -> list[Reply]:
        """``/stats [from] [to]``: text and chart; ``/stats csv [from] [to]``: a CSV file."""
        as_csv = bool(args) and args[0].lower() == "csv"
        args = args[1:] if as_csv else args
        if len(args) > 2:
            return [Reply(t("admin.stats_bad_dates"))]
        try:
            start, end = stats.period(self.catalog.today(), *args)
        except stats.PeriodTooLong:
            return [Reply(t("admin.stats_too_long", days=stats.MAX_DAYS))]
        except ValueError:
            return [Reply(t("admin.stats_bad_dates"))]
        if self.usage is not None:
            self.usage.flush()
        audit(self.engine, user_id, "stats csv" if as_csv else "stats", f"{start}..{end}")
        result = stats.compute(self.engine, start, end)
        if as_csv:
            data = stats.to_csv(result).encode("utf-8")
            name = f"ecolabel-stats-{start.isoformat()}-{end.isoformat()}.csv"
            caption = t("admin.stats_csv_caption", start=start.isoformat(), end=end.isoformat())
            return [Reply(caption, attachment=Attachment("document", name, data))]
        return figures.stats_replies(t, result, self.catalog.labels())

    def form_input(self, msg: Incoming, t: Messages) -> list[Reply] | None:
        """A typed answer or a photo for the product form the officer has open, else None."""
        if msg.image is not None and msg.photo_ref:
            return self.form.photo(msg.user_id, t, msg.photo_ref, msg.photo_is_file)
        if msg.text is not None and msg.image is None:
            return self.form.text(msg.user_id, t, " ".join(msg.text.split()))
        return None

    def reports_page(self, user_id: int, t: Messages, page: actions.ReportsPage) -> list[Reply]:
        return self.triage.listing(user_id, t, page.kind, page.before)

    def close_report(self, user_id: int, t: Messages, report_id: int, resolve: bool) -> list[Reply]:
        return self.triage.close(user_id, t, report_id, resolve)

    # -- catalog upload ---------------------------------------------------------------------
    def upload(
        self, user_id: int, t: Messages, name: str, data: bytes, size: int | None = None
    ) -> list[Reply]:
        """Check an uploaded catalog CSV and show what it would change, with confirm/cancel.

        ``size`` is the declared size of a file too large to download (``data`` is empty then).
        """
        if not name.lower().endswith(".csv"):
            return [Reply(t("admin.not_csv"))]
        size = len(data) if size is None else size
        if size > self.max_upload_bytes:
            mb, limit = f"{size / 1_000_000:.1f}", self.max_upload_bytes // 1_000_000
            return [Reply(t("admin.upload_too_big", name=name, size=mb, limit=limit))]
        try:
            checked = check_file(
                self.engine,
                bytes_opener(data, self.max_upload_bytes),
                known_label_codes(self.engine),
                categories(),
            )
        except (DataFileError, DataValidationError) as exc:
            return [self._refused(user_id, t, name, exc)]
        report, changes = checked.report, checked.changes
        token, replaced = self.uploads.add(user_id, name, data)
        audit(self.engine, user_id, "upload checked", name)
        text = t("admin.upload_replaces", old=replaced) + "\n\n" if replaced else ""
        text += t(
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
        text += import_notes(t, changes, checked.formula_cells)
        buttons = (
            (
                Button(t("admin.btn_confirm"), actions.ConfirmImport(token).pack()),
                Button(t("admin.btn_cancel"), actions.CancelImport(token).pack()),
            ),
        )
        return [Reply(text, buttons=buttons)]

    def _refused(
        self, user_id: int, t: Messages, name: str, exc: DataFileError | DataValidationError
    ) -> Reply:
        if isinstance(exc, DataFileError):
            audit(self.engine, user_id, "upload rejected", f"{name}: {exc}")
            return Reply(t.raw("admin.import_file_error", name=esc(name), error=file_error(t, exc)))
        audit(self.engine, user_id, "upload rejected", f"{name}: {exc.total} problems")
        shown = "\n".join(row_error(t, e) for e in exc.errors[:MAX_SHOWN_ERRORS])
        more = f"\n… +{exc.total - MAX_SHOWN_ERRORS}" if exc.total > MAX_SHOWN_ERRORS else ""
        return Reply(f"{t('admin.import_errors', name=name, count=exc.total)}\n{shown}{more}")

    def confirm(self, user_id: int, t: Messages, token: str, apply: bool) -> list[Reply]:
        """Apply (or drop) a checked upload; only its sender can, within 15 minutes. The file
        is checked again as it is written, against the catalog as it is now."""
        pending = self.uploads.take(user_id, token)
        if pending is None:
            return [Reply(t("admin.import_expired"), edit=True)]
        if not apply:
            audit(self.engine, user_id, "import cancelled", pending.name)
            return [Reply(t("admin.import_cancelled"), edit=True)]
        try:
            done = import_file(
                self.engine,
                bytes_opener(pending.data, self.max_upload_bytes),
                known_label_codes(self.engine),
                categories(),
            )
        except (DataFileError, DataValidationError) as exc:  # the labels changed meanwhile
            return [self._refused(user_id, t, pending.name, exc)]
        report = done.report
        self.catalog.refresh()
        audit(
            self.engine,
            user_id,
            "import",
            f"{pending.name}: +{report.products_added} ~{report.products_changed}",
        )
        imported = t(
            "admin.imported",
            name=pending.name,
            p_added=report.products_added,
            p_changed=report.products_changed,
        )
        return [Reply(imported, edit=True)]
