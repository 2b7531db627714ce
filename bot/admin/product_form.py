"""A missing product added from the phone: a short guided form instead of a 15-column CSV row.

The officer answers one question at a time (name, brand, category, label, certificate
number, valid until, and a photo of the pack when the shopper sent none). Every answer is
checked at once, and the finished form becomes one catalog CSV row that goes through the
same validation (``catalog.validate``) and the same write (``catalog.apply``, which bumps
the catalog version) as an uploaded file. Like an import, it is undone only by importing a
corrected row. The form lives in the state store, so a restart or another worker carries on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from bot import actions
from bot.admin.audit import audit
from bot.data_errors import file_error, problem
from bot.i18n import Messages
from bot.render import esc, local, short
from bot.replies import Attachment, Button, Reply
from catalog import safecsv
from catalog.apply import ParsedCatalog, apply_catalog
from catalog.cards import ProductCard
from catalog.datafile import DataFileError
from catalog.models import Report
from catalog.reference import categories, known_label_codes
from catalog.reports import ReportBook
from catalog.rows import COLUMNS, LABEL_KINDS, DataValidationError
from catalog.service import CatalogService
from catalog.state import StateStore
from catalog.validate import parse_catalog

FORM_TTL = 60 * 60  # an hour to finish: an officer may be interrupted
KIND = "product_form"


@dataclass(frozen=True, slots=True)
class Step:
    name: str  # the form's field
    column: str  # the catalog column it fills
    prompt: str  # message key
    optional: bool = False
    choice: str = ""  # "category" or "label": answered with buttons


STEPS = (
    Step("name", "name_vi", "admin.form_ask_name"),
    Step("brand", "brand", "admin.form_ask_brand", optional=True),
    Step("category", "category", "admin.form_ask_category", choice="category"),
    Step("label", "label", "admin.form_ask_label", choice="label"),
    Step("certificate", "certificate_no", "admin.form_ask_certificate", optional=True),
    Step("valid_until", "valid_until", "admin.form_ask_valid_until", optional=True),
    Step("photo", "", "admin.form_ask_photo", optional=True),
)
_BY_NAME = {s.name: s for s in STEPS}


class ProductForm:
    """One form per officer, keyed by their id, for one missing-product report."""

    def __init__(
        self,
        engine: Engine,
        reports: ReportBook,
        catalog: CatalogService,
        state: StateStore,
        notify: Callable[[Report, ProductCard | None, bool], Reply],
    ) -> None:
        self.engine = engine
        self.reports = reports
        self.catalog = catalog
        self.state = state
        self.notify = notify  # the reporter's notice once the report is closed (ReportTriage)

    # -- starting and stopping ----------------------------------------------------------------
    def start(self, admin_id: int, t: Messages, report_id: int) -> list[Reply]:
        report = self.reports.get(report_id)
        if report is None or report.status != "open" or report.kind != "missing" or not report.gtin:
            return [Reply(t("admin.report_closed", id=report_id))]
        if self.catalog.by_gtin(report.gtin) is not None:
            return [Reply(t("admin.form_already", gtin=report.gtin))]
        form = {
            "report": report_id,
            "gtin": report.gtin,
            "step": "name",
            "values": {},
            "has_photo": bool(report.photo_ref),
        }
        self._save(admin_id, form)
        audit(self.engine, admin_id, "form started", str(report_id))
        return [Reply(t("admin.form_start", id=report_id, gtin=report.gtin)), self._ask(t, form)]

    def cancel(self, admin_id: int, t: Messages) -> list[Reply]:
        form = self.state.take(KIND, admin_id)
        if form is None:
            return [Reply(t("admin.form_expired"))]
        audit(self.engine, admin_id, "form cancelled", str(form["report"]))
        return [Reply(t("admin.form_cancelled", id=form["report"]))]

    # -- answers --------------------------------------------------------------------------------
    def text(self, admin_id: int, t: Messages, text: str) -> list[Reply] | None:
        """A typed answer; None when no form is open (the text is then a search, as usual).
        Commands other than /cancel pass through and leave the form where it was."""
        form = self.state.get(KIND, admin_id)
        if form is None:
            return None
        if text.startswith("/"):
            return self.cancel(admin_id, t) if text.split()[0].split("@")[0] == "/cancel" else None
        step = _BY_NAME.get(form["step"])
        if step is None or step.choice or step.name == "photo":
            return [Reply(t("admin.form_use_buttons")), self._ask(t, form)]
        return self._answer(admin_id, t, form, step, text.strip())

    def choose(self, admin_id: int, t: Messages, question: str, n: int) -> list[Reply]:
        form = self.state.get(KIND, admin_id)
        step = _BY_NAME.get(form["step"]) if form else None
        if form is None or step is None or not step.choice:
            return [Reply(t("admin.form_expired"))]
        if step.name != question:  # a button of a question already answered
            return [Reply(t("admin.form_answered")), self._ask(t, form)]
        options = self._options(t, step.choice)
        if n >= len(options):
            return [Reply(t("errors.button_expired"))]
        return self._answer(admin_id, t, form, step, options[n][0])

    def skip(self, admin_id: int, t: Messages, question: str) -> list[Reply]:
        form = self.state.get(KIND, admin_id)
        step = _BY_NAME.get(form["step"]) if form else None
        if form is None or step is None or not step.optional:
            return [Reply(t("admin.form_expired"))]
        if step.name != question:
            return [Reply(t("admin.form_answered")), self._ask(t, form)]
        return self._answer(admin_id, t, form, step, "")

    def photo(self, admin_id: int, t: Messages, ref: str, as_file: bool) -> list[Reply] | None:
        """A photo of the pack for the form's report; None when the form is not asking for one."""
        form = self.state.get(KIND, admin_id)
        if form is None or form["step"] != "photo":
            return None
        form["photo"] = {"ref": ref, "kind": "document" if as_file else "photo"}
        return self._answer(admin_id, t, form, _BY_NAME["photo"], "")

    def _answer(
        self, admin_id: int, t: Messages, form: dict[str, Any], step: Step, value: str
    ) -> list[Reply]:
        if step.column:
            if not value and not step.optional:
                return [Reply(t("admin.form_bad", problem=problem(t, "required", {}))), self._ask(t, form)]
            form["values"][step.column] = value
            try:  # the same checks as an uploaded file, on the row as it stands
                parsed = self._parse(t, form)
                if step.column == "valid_until" and parsed.certs[0].valid_until:  # as read: no doubt
                    form["values"][step.column] = parsed.certs[0].valid_until.isoformat()
            except DataValidationError as exc:
                mine = [e for e in exc.errors if e.column == step.column]
                if mine:
                    form["values"].pop(step.column)
                    bad = problem(t, mine[0].code, mine[0].params)
                    return [Reply(t.raw("admin.form_bad", problem=bad)), self._ask(t, form)]
            except DataFileError as exc:
                form["values"].pop(step.column)
                return [Reply(t.raw("admin.form_bad", problem=file_error(t, exc))), self._ask(t, form)]
        form["step"] = self._next(form, step)
        self._save(admin_id, form)
        return [self._ask(t, form)]

    def _next(self, form: dict[str, Any], step: Step) -> str:
        names = [s.name for s in STEPS if s.name != "photo" or not form["has_photo"]]
        at = names.index(step.name)
        return names[at + 1] if at + 1 < len(names) else "done"

    # -- the end --------------------------------------------------------------------------------
    def confirm(self, admin_id: int, t: Messages, report_id: int) -> list[Reply]:
        """Write the row (as an import would), close the report and tell the reporter."""
        form = self.state.get(KIND, admin_id)
        if form is None or form["report"] != report_id or form["step"] != "done":
            return [Reply(t("admin.form_expired"), edit=True)]
        if self.state.take(KIND, admin_id) is None:  # a double tap: one wins
            return [Reply(t("admin.form_expired"), edit=True)]
        if self.catalog.by_gtin(form["gtin"]) is not None:
            return [Reply(t("admin.form_already", gtin=form["gtin"]), edit=True)]
        try:
            parsed = self._parse(t, form)
        except (DataValidationError, DataFileError):  # checked step by step; the labels changed since
            return [Reply(t("admin.form_expired"), edit=True)]
        report = apply_catalog(self.engine, parsed)
        self.catalog.refresh()
        if form.get("photo"):
            photo = form["photo"]
            self.reports.update(report_id, photo_ref=photo["ref"], photo_kind=photo["kind"])
        audit(
            self.engine,
            admin_id,
            "form import",
            f"report {report_id}: {form['gtin']} +{report.products_added}",
        )
        closed = self.reports.close(report_id, admin_id, "resolved")
        name = form["values"]["name_vi"]
        replies = [Reply(t("admin.form_added", name=name, gtin=form["gtin"], id=report_id), edit=True)]
        if closed is not None and closed.notify:
            replies.append(self.notify(closed, self.catalog.by_gtin(form["gtin"]), True))
        return replies

    # -- helpers --------------------------------------------------------------------------------
    def _parse(self, t: Messages, form: dict[str, Any]) -> ParsedCatalog:
        """The form as one CSV row, through the importer's checks. Columns not asked yet hold
        a valid stand-in, so only the answers given so far can fail."""
        values = {c: "" for c in COLUMNS}
        values.update(
            gtin=form["gtin"],
            category=next(iter(categories())),
            label=sorted(known_label_codes(self.engine))[0],
            name_vi="x",
            source=t("admin.form_source", id=form["report"]),
            source_date=self.catalog.today().isoformat(),
            sample="no",
        )
        values.update(form["values"])
        data = safecsv.to_csv([COLUMNS, [values[c] for c in COLUMNS]]).encode("utf-8")
        return parse_catalog(data, known_label_codes(self.engine), categories())

    def _options(self, t: Messages, choice: str) -> list[tuple[str, str]]:
        """(code, name) of the categories (file order) or labels (grouped as in the label
        guide, then by name) to choose from; the order is stable, as buttons carry positions."""
        if choice == "category":
            return [(code, local(c, "name", t.locale)) for code, c in categories().items()]
        kinds = {kind: n for n, kind in enumerate(LABEL_KINDS)}
        named = [
            (x.code, local(x, "name", t.locale), kinds.get(x.kind, len(kinds))) for x in self.catalog.labels()
        ]
        return [(code, name) for code, name, _ in sorted(named, key=lambda x: (x[2], x[1], x[0]))]

    def _ask(self, t: Messages, form: dict[str, Any]) -> Reply:
        step = _BY_NAME.get(form["step"])
        cancel = Button(t("admin.btn_form_cancel"), actions.FormCancel().pack())
        if step is None:
            return self._summary(t, form, cancel)
        rows: list[tuple[Button, ...]] = []
        if step.choice:
            buttons = [
                Button(short(name, 40), actions.FormChoice.of(step.name, n).pack())
                for n, (_code, name) in enumerate(self._options(t, step.choice))
            ]
            rows.extend(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        if step.optional:
            rows.append((Button(t("admin.btn_skip"), actions.FormSkip(step.name).pack()),))
        rows.append((cancel,))
        return Reply(t(step.prompt), buttons=tuple(rows))

    def _summary(self, t: Messages, form: dict[str, Any], cancel: Button) -> Reply:
        v = form["values"]
        names = {
            "category": dict(self._options(t, "category")),
            "label": dict(self._options(t, "label")),
        }
        empty = t("admin.empty_value")
        text = t.raw(
            "admin.form_summary",
            gtin=form["gtin"],
            name=esc(v.get("name_vi", "")),
            brand=esc(v.get("brand", "")) or empty,
            category=esc(names["category"].get(v.get("category", ""), "")),
            label=esc(names["label"].get(v.get("label", ""), "")),
            certificate=esc(v.get("certificate_no", "")) or empty,
            valid_until=esc(v.get("valid_until", "")) or t("admin.form_no_date"),
        )
        confirm = Button(t("admin.btn_form_confirm"), actions.FormConfirm(form["report"]).pack())
        photo = form.get("photo")
        attachment = Attachment(photo["kind"], ref=photo["ref"]) if photo else None
        return Reply(text, buttons=((confirm,), (cancel,)), attachment=attachment)

    def _save(self, admin_id: int, form: dict[str, Any]) -> None:
        self.state.put(KIND, admin_id, form, FORM_TTL, user_id=admin_id)
