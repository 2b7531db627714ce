"""Shopper reports: a barcode the catalog lacks (with an optional photo), or a wrong label.

A report can take two messages (the button, then a photo or a reason); what each user is
in the middle of is kept in the state store for ``AWAIT_SECONDS``, so a restart or another
worker carries the step on.
"""

from __future__ import annotations

from bot import actions
from bot.i18n import Messages
from bot.incoming import Incoming
from bot.replies import Button, Reply
from catalog import gtin as gtins
from catalog.clean import clean_input
from catalog.reports import ReportBook
from catalog.service import CatalogService
from catalog.state import StateStore

AWAIT_SECONDS = 10 * 60


class ShopperReports:
    def __init__(self, reports: ReportBook, catalog: CatalogService, state: StateStore) -> None:
        self.reports = reports
        self.catalog = catalog
        self.state = state

    def awaited(self, user_id: int, what: str) -> int | None:
        """The report step ("photo", "reason") this user is in, if it has not timed out."""
        entry = self.state.get("await", user_id)
        if entry is None or entry["what"] != what:
            return None
        return int(entry["ref"])

    def cancel(self, user_id: int, t: Messages) -> Reply:
        self._forget(user_id)
        return Reply(t("report.cancelled"))

    def missing(self, msg: Incoming, t: Messages, gtin: str) -> list[Reply]:
        """A barcode the catalog does not know; a photo of the pack may follow."""
        if not gtins.is_valid(gtin):  # button data can be forged: a wrong check digit is no barcode
            return [Reply(t("errors.button_expired"))]
        report = self.reports.open_limited(
            "missing", msg.user_id, msg.chat, gtin=gtins.normalise(gtin), **_reporter(msg, t)
        )
        if report is None:
            return [Reply(t("report.too_many"))]
        assert report.id is not None
        self._await(msg.user_id, "photo", report.id)
        return [_thanks(t, report.id, photo=True)]

    def ask_reason(self, user_id: int, t: Messages, product_id: int) -> list[Reply]:
        """A wrong label on a card: ask what is wrong; the next text is the reason."""
        if self.catalog.card(product_id) is None:
            return [Reply(t("errors.button_expired"))]
        self._await(user_id, "reason", product_id)
        return [Reply(t("report.ask_reason"))]

    def wrong_label(self, msg: Incoming, t: Messages, product_id: int, reason: str) -> list[Reply]:
        self._forget(msg.user_id)
        report = self.reports.open_limited(
            "label", msg.user_id, msg.chat, product_id=product_id, text=reason, **_reporter(msg, t)
        )
        if report is None:
            return [Reply(t("report.too_many"))]
        assert report.id is not None
        return [_thanks(t, report.id, photo=False)]

    def add_photo(self, msg: Incoming, t: Messages) -> list[Reply] | None:
        """Attach a photo to the report waiting for one; None when no report waits. A photo
        sent as a file is kept as one: officers get it as a document, uncompressed."""
        report_id = self.awaited(msg.user_id, "photo")
        if report_id is None:
            return None
        self._forget(msg.user_id)
        kind = "document" if msg.photo_is_file else "photo"
        if self.reports.update(report_id, user_id=msg.user_id, photo_ref=msg.photo_ref, photo_kind=kind):
            return [Reply(t("report.photo_added", id=report_id))]
        return None

    def notify_me(self, user_id: int, t: Messages, report_id: int) -> list[Reply]:
        done = self.reports.update(report_id, user_id=user_id, notify=True)
        return [Reply(t("report.notify_on", id=report_id) if done else t("errors.button_expired"))]

    def _await(self, user_id: int, what: str, ref: int) -> None:
        self.state.put("await", user_id, {"what": what, "ref": ref}, AWAIT_SECONDS)

    def _forget(self, user_id: int) -> None:
        self.state.drop("await", user_id)


def _reporter(msg: Incoming, t: Messages) -> dict[str, str]:
    """Who reports, for the officer (name and @username as Telegram gives them), and the
    language to tell them the outcome in."""
    return reporter_fields(msg.user_name, msg.username, t.locale)


def reporter_fields(name: str, username: str, locale: str) -> dict[str, str]:
    """The reporter as a report keeps them; invisible and bidi characters removed, since
    officers read the name."""
    return {
        "reporter_name": " ".join(clean_input(name).split())[:128],
        "reporter_username": clean_input(username).strip()[:64],
        "locale": locale,
    }


def _thanks(t: Messages, report_id: int, photo: bool) -> Reply:
    text = t("report.thanks", id=report_id) + ("\n" + t("report.thanks_photo") if photo else "")
    return Reply(text, buttons=((Button(t("report.btn_notify"), actions.NotifyMe(report_id).pack()),),))
