"""Shopper reports as officers see them: the open ones, resolved or dismissed with a button."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot import actions
from bot.admin.audit import audit
from bot.i18n import Messages, pick_locale
from bot.replies import Attachment, Button, Reply
from catalog.models import Report
from catalog.reports import ReportBook
from catalog.rows import COLUMNS
from catalog.service import CatalogService, hanoi_time
from catalog.shoppers import ShopperStore

PAGE_SIZE = 5  # one message per report: a page an officer can read on a phone
FILTER_KEYS = {
    "all": "admin.reports_filter_all",
    "missing": "admin.reports_filter_missing",
    "label": "admin.reports_filter_label",
}
SHOWN_KEYS = {
    "all": "admin.reports_shown_all",
    "missing": "admin.reports_shown_missing",
    "label": "admin.reports_shown_label",
}


class ReportTriage:
    def __init__(
        self, engine: Engine, reports: ReportBook, catalog: CatalogService, shoppers: ShopperStore
    ) -> None:
        self.engine = engine
        self.reports = reports
        self.catalog = catalog
        self.shoppers = shoppers

    def listing(self, admin_id: int, t: Messages, kind: str = "all", before: int = 0) -> list[Reply]:
        """A page of open reports, newest first, then a line saying how many are open of each
        kind with buttons to filter by kind and to see older ones."""
        audit(self.engine, admin_id, "list reports", f"{kind} before {before}" if before else kind)
        counts = self.reports.open_counts()
        if not counts:
            return [Reply(t("admin.no_reports"))]
        page, more = self.reports.open_page(None if kind == "all" else kind, before, PAGE_SIZE)
        replies = [self._entry(t, r) for r in page]
        count = {"all": sum(counts.values()), **counts}
        filters = tuple(
            Button(t(key, count=count.get(k, 0)), actions.ReportsPage.of(k).pack())
            for k, key in FILTER_KEYS.items()
        )
        rows: tuple[tuple[Button, ...], ...] = (filters,)
        if more and page and page[-1].id is not None:
            older = Button(t("admin.reports_older"), actions.ReportsPage.of(kind, page[-1].id).pack())
            rows = ((older,), filters)
        if page:
            text = t(SHOWN_KEYS[kind], shown=len(page), total=count.get(kind, 0))
        else:
            text = t("admin.reports_none")
        return [*replies, Reply(text, buttons=rows)]

    def _entry(self, t: Messages, r: Report) -> Reply:
        assert r.id is not None
        when = hanoi_time(r.created_at).strftime("%Y-%m-%d %H:%M")
        if r.kind == "missing":
            text = t("admin.report_missing", id=r.id, when=when, gtin=r.gtin or "-", user=r.user_id)
        else:
            card = self.catalog.card(r.product_id) if r.product_id else None
            product = card.product.name_vi if card else "-"
            text = t(
                "admin.report_label", id=r.id, when=when, product=product, text=r.text or "-", user=r.user_id
            )
        buttons = (
            (
                Button(t("admin.btn_resolve"), actions.ResolveReport(r.id).pack()),
                Button(t("admin.btn_dismiss"), actions.DismissReport(r.id).pack()),
            ),
        )
        attachment = Attachment("photo", ref=r.photo_ref) if r.photo_ref else None
        return Reply(text, buttons=buttons, attachment=attachment)

    def close(self, admin_id: int, t: Messages, report_id: int, resolve: bool) -> list[Reply]:
        """Resolve or dismiss; a resolved missing barcode gets a catalog row to fill in, and a
        reporter who asked is told, in their own language."""
        report = self.reports.close(report_id, admin_id, "resolved" if resolve else "dismissed")
        if report is None:
            return [Reply(t("admin.report_closed", id=report_id))]
        audit(self.engine, admin_id, "resolve report" if resolve else "dismiss report", str(report_id))
        replies = [Reply(t("admin.resolved" if resolve else "admin.dismissed", id=report_id), edit=True)]
        if resolve and report.kind == "missing" and report.gtin:
            row = ",".join([report.gtin] + [""] * (len(COLUMNS) - 1))
            replies.append(Reply(f"{t('admin.new_entry')}\n<code>{','.join(COLUMNS)}\n{row}</code>"))
        if resolve and report.notify:
            shopper = self.shoppers.get(report.user_id)
            reporter = Messages(pick_locale(shopper.locale if shopper else None, None))
            replies.append(Reply(reporter("report.resolved_notice", id=report_id), to_chat=report.chat_id))
        return replies
