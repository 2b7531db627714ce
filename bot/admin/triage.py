"""Shopper reports as officers see them: the open ones, resolved or dismissed with a button."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot import actions
from bot.admin.audit import audit
from bot.i18n import Messages, pick_locale
from bot.render import esc, product_name, verdict_line
from bot.replies import Attachment, Button, Reply
from catalog.cards import ProductCard
from catalog.models import Report
from catalog.reports import ReportBook
from catalog.rows import COLUMNS
from catalog.service import CatalogService, hanoi_time
from catalog.shoppers import ShopperStore
from catalog.verdict import verdict

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
        user = reporter(t, r)
        if r.kind == "missing":
            text = t.raw("admin.report_missing", id=r.id, when=when, gtin=r.gtin or "-", user=user)
        else:
            card = self.catalog.card(r.product_id) if r.product_id else None
            product = esc(card.product.name_vi) if card else "-"
            text = t.raw(
                "admin.report_label", id=r.id, when=when, product=product, text=esc(r.text or "-"), user=user
            )
        buttons = (
            (
                Button(t("admin.btn_resolve"), actions.ResolveReport(r.id).pack()),
                Button(t("admin.btn_dismiss"), actions.DismissReport(r.id).pack()),
            ),
        )
        kind = "document" if r.photo_kind == "document" else "photo"  # a file stays a file
        attachment = Attachment(kind, ref=r.photo_ref) if r.photo_ref else None
        return Reply(text, buttons=buttons, attachment=attachment)

    def close(self, admin_id: int, t: Messages, report_id: int, resolve: bool) -> list[Reply]:
        """Resolve or dismiss; a reporter who asked is told what was done, in their language.

        A missing product is "handled" only once it is in the catalog: until then resolving
        says so and offers the ways to add it, and the report stays open."""
        report = self.reports.get(report_id)
        if report is None or report.status != "open":
            return [Reply(t("admin.report_closed", id=report_id))]
        card = self._card_of(report)
        if resolve and report.kind == "missing" and card is None:
            row = ",".join([report.gtin or ""] + [""] * (len(COLUMNS) - 1))
            text = t("admin.not_in_catalog_yet", id=report_id, gtin=report.gtin or "-")
            form = Button(t("admin.btn_form"), actions.AddProduct(report_id).pack())
            csv_row = f"{t('admin.new_entry')}\n<code>{','.join(COLUMNS)}\n{row}</code>"
            return [Reply(f"{text}\n\n{csv_row}", buttons=((form,),))]
        closed = self.reports.close(report_id, admin_id, "resolved" if resolve else "dismissed")
        if closed is None:  # another officer was quicker
            return [Reply(t("admin.report_closed", id=report_id))]
        audit(self.engine, admin_id, "resolve report" if resolve else "dismiss report", str(report_id))
        text = t("admin.resolved" if resolve else "admin.dismissed", id=report_id)
        if not closed.notify:
            return [Reply(text, edit=True)]
        return [Reply(f"{text}\n{t('admin.reporter_told')}", edit=True), self.notice(closed, card, resolve)]

    def _card_of(self, report: Report) -> ProductCard | None:
        if report.kind == "missing":
            return self.catalog.by_gtin(report.gtin) if report.gtin else None
        return self.catalog.card(report.product_id) if report.product_id else None

    def notice(self, report: Report, card: ProductCard | None, resolved: bool) -> Reply:
        """What the reporter is told: the product as the catalog now has it, or that nothing
        changed; in the language they chose, else the one they reported in."""
        shopper = self.shoppers.get(report.user_id)
        rt = Messages(pick_locale(shopper.locale if shopper else None, report.locale))
        if not resolved:
            return Reply(rt("report.dismissed_notice", id=report.id), to_chat=report.chat_id)
        if card is None:  # a label report whose product has left the catalog
            return Reply(rt("report.resolved_removed", id=report.id), to_chat=report.chat_id)
        name = product_name(card.product, rt.locale)
        key = "report.resolved_added" if report.kind == "missing" else "report.resolved_label"
        text = rt.raw(
            key,
            id=report.id,
            gtin=esc(report.gtin or ""),
            product=esc(name),
            verdict=verdict_line(rt, verdict(card)),
        )
        button = Button(rt("report.btn_open"), actions.ShowProduct(card.id).pack())
        return Reply(text, buttons=((button,),), to_chat=report.chat_id)


def reporter(t: Messages, r: Report) -> str:
    """Who reported, as an officer can find them: name, @username and id (escaped HTML)."""
    if not r.user_id:
        return t("admin.reporter_forgotten")
    name = r.reporter_name or (f"@{r.reporter_username}" if r.reporter_username else "")
    if name and r.reporter_username and not name.startswith("@"):
        return t("admin.reporter_named", name=name, username=r.reporter_username, id=r.user_id)
    if name:
        return t("admin.reporter_name_only", name=name, id=r.user_id)
    return t("admin.reporter_id_only", id=r.user_id)
