"""The conversation core: one incoming message in, reply models out.

Telegram handlers and the console both call ``Core.handle``; nothing here knows
which transport is used. The core is synchronous (database and CPU work) and is
run in a worker thread by the async transports.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot import actions, guide, places, render
from bot.admin import AdminDesk
from bot.guard import FloodGuard
from bot.i18n import LOCALES, Messages, catalog, pick_locale
from bot.render import esc, local, short
from bot.replies import Button, Reply
from catalog import gtin as gtins
from catalog import labelcodes
from catalog.cards import ProductCard
from catalog.reports import ReportBook
from catalog.scanner import Code, Scanner, ScanProblem
from catalog.service import CatalogService
from catalog.shoppers import ShopperStore
from catalog.stores import StoreDirectory
from catalog.subscriptions import Subscriptions
from catalog.tips import TipBook
from catalog.usage import UsageLog

log = logging.getLogger(__name__)

PAGE = 5
MAX_RESULTS = 50
MAX_QUERY = 200
ADMIN_COMMANDS = ("admin", "export", "reports", "stats")
AWAIT_SECONDS = 10 * 60


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message from a user, whatever the transport."""

    user_id: int
    text: str | None = None
    callback: str | None = None
    image: bytes | None = None
    location: tuple[float, float] | None = None
    language_code: str | None = None
    chat_id: int | None = None  # where daily tips go; the user's own chat when not given
    image_size: int | None = None  # declared size of a photo not downloaded yet
    photo_ref: str | None = None  # the transport's id for the photo (kept with a report)
    document: bytes | None = None  # a file that is not an image (an admin's catalog CSV)
    document_name: str = ""


ButtonHandler = Callable[[Incoming, Messages, Any], list[Reply]]


@dataclass(frozen=True, slots=True)
class InlineCard:
    """A product card for inline mode (shared into another chat)."""

    id: str
    title: str
    description: str
    text: str


@dataclass(slots=True)
class _Session:
    query: str
    product_ids: list[int] = field(default_factory=list)


class Core:
    """Routes messages to search, barcodes, the label guide, stores and tips."""

    def __init__(
        self,
        catalog: CatalogService,
        shoppers: ShopperStore,
        usage: UsageLog,
        stores: StoreDirectory,
        tips: TipBook,
        scanner: Scanner | None = None,
        guard: FloodGuard | None = None,
        photo_guard: FloodGuard | None = None,
        subscriptions: Subscriptions | None = None,
        max_image_bytes: int = 10 * 1024 * 1024,
        admin: AdminDesk | None = None,
    ) -> None:
        self.catalog = catalog
        self.shoppers = shoppers
        self.usage = usage
        self.stores = stores
        self.tips = tips
        self.scanner = scanner
        self.subscriptions = subscriptions or Subscriptions(shoppers.engine)
        self.max_image_bytes = max_image_bytes
        self.reports = ReportBook(shoppers.engine)
        self.admin = admin or AdminDesk(shoppers.engine, catalog, self.reports, frozenset())
        self._awaiting: dict[int, tuple[str, int, float]] = {}  # user -> (what, id, until)
        self.guard = guard or FloodGuard(capacity=20, per_second=2)
        self.photo_guard = photo_guard or FloodGuard(capacity=4, per_second=0.2)
        self._sessions: OrderedDict[int, _Session] = OrderedDict()
        self._menu = {
            catalog_text: key.split(".")[1]
            for loc in LOCALES
            for key, catalog_text in _menu_texts(loc).items()
        }
        self._buttons = self._button_handlers()

    # -- entry points -----------------------------------------------------------------------
    def locale_for(self, user_id: int, language_code: str | None) -> str:
        shopper = self.shoppers.get(user_id)
        return pick_locale(shopper.locale if shopper else None, language_code)

    def handle(self, msg: Incoming) -> list[Reply]:
        """Answer one message. Never raises for bad input; flooding users are slowed down."""
        t = Messages(self.locale_for(msg.user_id, msg.language_code))
        guard = self.photo_guard if msg.image is not None else self.guard
        allowed, warn = guard.check(msg.user_id)
        if not allowed:
            return [Reply(t("errors.rate_limited"))] if warn else []
        self.catalog.refresh()  # another process may have changed the catalog
        if msg.callback is not None:
            return self._callback(msg, t)
        if msg.image_size is not None and msg.image_size > self.max_image_bytes:
            mb = f"{msg.image_size / 1_048_576:.1f}"
            return [Reply(t("scan.too_big", size=mb, limit=self.max_image_bytes // 1_048_576))]
        if msg.image is not None:
            return self._photo(msg, t)
        if msg.document is not None:
            if self.admin.is_admin(msg.user_id):
                return self.admin.upload(msg.user_id, t, msg.document_name, msg.document)
            return [Reply(t("errors.unsupported"))]
        if msg.location is not None:
            return self._location(msg, t)
        if msg.text is not None:
            return self._text(msg, t)
        return [Reply(t("errors.unsupported"))]

    def inline(self, user_id: int, query: str, language_code: str | None) -> list[InlineCard]:
        """Up to 50 product cards for inline mode."""
        locale = self.locale_for(user_id, language_code)
        t = Messages(locale)
        query = query.strip()[:MAX_QUERY]
        if len(query) < 2:
            return []
        allowed, _ = self.guard.check(user_id)
        if not allowed:
            return []
        self.catalog.refresh()
        hits = self.catalog.search(query, limit=MAX_RESULTS)
        cards = self.catalog.cards([h.product_id for h in hits])
        self.usage.record(user_id, "inline", bool(cards), locale, product_id=cards[0].id if cards else None)
        return [
            InlineCard(
                str(c.id),
                render.product_name(c.product, locale),
                ", ".join(dict.fromkeys(local(x.label, "name", locale) for x in c.certs)),
                render.card_text(t, c),
            )
            for c in cards
        ]

    # -- text -------------------------------------------------------------------------------
    def _text(self, msg: Incoming, t: Messages) -> list[Reply]:
        text = " ".join((msg.text or "").split())[:MAX_QUERY]
        if text.startswith("/"):
            return self._command(msg, t, text)
        waiting = self._awaited(msg.user_id, "reason")
        if waiting is not None:
            return self._label_report(msg, t, waiting, text)
        action = self._menu.get(text)
        if action:
            return self._menu_action(msg, t, action)
        code = labelcodes.recognise(text)
        if code:
            return [Reply(t(f"codes.{code.kind}", code=code.code, body=code.body, url=code.url))]
        digits = gtins.looks_like_barcode(text)
        if digits:
            return self._gtin(msg, t, digits, kind="barcode")
        area = self.stores.area_query(text)
        if area:
            return [places.in_area(t, *self.stores.in_area(area))]
        return self._search(msg, t, text)

    def _command(self, msg: Incoming, t: Messages, text: str) -> list[Reply]:
        name, _, arg = text[1:].partition(" ")
        name = name.split("@")[0].lower()
        if name == "start":
            return [Reply(t("start.welcome"), keyboard=self._keyboard(t))]
        if name == "help":
            return [Reply(t("help.text"), keyboard=self._keyboard(t))]
        if name in ("lang", "language"):
            choice = arg.strip().lower()
            if choice in LOCALES:
                return self._set_locale(msg, choice)
            return [
                Reply(
                    t("lang.prompt"),
                    buttons=(
                        (
                            Button("Tiếng Việt", actions.SetLanguage("vi").pack()),
                            Button("English", actions.SetLanguage("en").pack()),
                        ),
                    ),
                )
            ]
        if name == "labels":
            return [guide.groups(t, self.catalog.labels())]
        if name == "stores":
            return self._stores_start(msg, t)
        if name == "tips":
            return [self._tip(t, 0, msg.user_id)]
        if name in ADMIN_COMMANDS and self.admin.is_admin(msg.user_id):
            return self.admin.command(msg.user_id, t, name, arg)
        if name == "cancel":
            self._awaiting.pop(msg.user_id, None)
            return [Reply(t("report.cancelled"))]
        if name == "subscribe":
            return [self._subscribe(msg, t, arg.strip())]
        if name == "unsubscribe":
            done = self.subscriptions.unsubscribe(msg.user_id)
            return [Reply(t("tips.unsubscribed" if done else "tips.not_subscribed"))]
        if name == "search":
            return self._search(msg, t, arg) if arg.strip() else [Reply(t("search.prompt"))]
        return [Reply(t("errors.unknown_command"))]

    def _menu_action(self, msg: Incoming, t: Messages, action: str) -> list[Reply]:
        return {
            "search": lambda: [Reply(t("search.prompt"))],
            "scan": lambda: [Reply(t("search.scan_prompt"))],
            "labels": lambda: [guide.groups(t, self.catalog.labels())],
            "stores": lambda: self._stores_start(msg, t),
            "tips": lambda: [self._tip(t, 0, msg.user_id)],
            "language": lambda: self._command(msg, t, "/lang"),
        }[action]()

    def _keyboard(self, t: Messages) -> tuple[tuple[str, ...], ...]:
        return (
            (t("menu.search"), t("menu.scan")),
            (t("menu.labels"), t("menu.stores")),
            (t("menu.tips"), t("menu.language")),
        )

    def _set_locale(self, msg: Incoming, locale: str) -> list[Reply]:
        self.shoppers.set_locale(msg.user_id, locale)
        t = Messages(locale)
        return [Reply(t("lang.set"), keyboard=self._keyboard(t))]

    # -- search -----------------------------------------------------------------------------
    def _search(self, msg: Incoming, t: Messages, query: str) -> list[Reply]:
        if len(query.strip()) < 2:
            return [Reply(t("search.too_short"))]
        hits = self.catalog.search(query, limit=MAX_RESULTS)
        if not hits:
            self.usage.record(msg.user_id, "name", False, t.locale)
            return [Reply(t("search.no_match", query=query))]
        gap = hits[0].score - hits[1].score if len(hits) > 1 else 100.0
        clear = (hits[0].score >= 85 and gap >= 10) or (hits[0].score >= 97 and gap >= 4)
        self.usage.record(msg.user_id, "name", True, t.locale, product_id=hits[0].product_id)
        if clear:
            card = self.catalog.card(hits[0].product_id)
            if card:
                return [self._card_reply(t, card)]
        session = _Session(query, [h.product_id for h in hits])
        self._remember(msg.user_id, session)
        return [self._page(t, session, 0, edit=False)]

    def _remember(self, user_id: int, session: _Session) -> None:
        self._sessions.pop(user_id, None)
        self._sessions[user_id] = session
        if len(self._sessions) > 20_000:
            self._sessions.popitem(last=False)

    def _page(self, t: Messages, session: _Session, offset: int, edit: bool) -> Reply:
        ids = session.product_ids[offset : offset + PAGE]
        cards = self.catalog.cards(ids)
        rows = [
            (
                Button(
                    short(f"{offset + i + 1}. {render.product_name(c.product, t.locale)}"),
                    actions.ShowProduct(c.id).pack(),
                ),
            )
            for i, c in enumerate(cards)
        ]
        if offset + PAGE < len(session.product_ids):
            rows.append((Button(t("search.more"), actions.MoreResults(offset + PAGE).pack()),))
        if offset == 0:
            text = t("search.list_header", count=len(session.product_ids), query=session.query)
        else:
            text = t("search.list_page", start=offset + 1, end=offset + len(cards), query=session.query)
        return Reply(text, buttons=tuple(rows), edit=edit)

    def _card_reply(self, t: Messages, card: ProductCard) -> Reply:
        cat = self.catalog.category(card.product.category)
        extra = ""
        if cat and cat.tip_topic in ("bags", "takeaway"):
            tip = self.tips.for_topic(cat.tip_topic, seed=card.id)
            if tip:
                extra = t("card.alternative", tip=local(tip, "text", t.locale))
        buttons = (
            *render.card_buttons(t, card),
            (Button(t("report.btn_label"), actions.ReportLabel(card.id).pack()),),
        )
        return Reply(render.card_text(t, card, extra), buttons=buttons)

    # -- barcodes ---------------------------------------------------------------------------
    def _gtin(self, msg: Incoming, t: Messages, digits: str, kind: str, unsure: bool = False) -> list[Reply]:
        try:
            barcode = gtins.describe(digits)
        except ValueError:  # includes BadCheckDigitError; typed lengths were checked before
            return [Reply(t("barcode.bad_check", digits=digits))]
        card = self.catalog.by_gtin(barcode.gtin)
        self.usage.record(
            msg.user_id,
            kind,
            card is not None,
            t.locale,
            product_id=card.id if card else None,
            gtin=barcode.gtin,
        )
        if card:
            reply = self._card_reply(t, card)
            if unsure:
                reply = Reply(f"{reply.text}\n\n<i>{t('scan.unsure')}</i>", buttons=reply.buttons)
            return [reply]
        prefix = t(f"prefix.{barcode.kind.value}", usage=barcode.prefix_usage)
        text = "\n".join([t("barcode.not_found", digits=barcode.gtin), prefix, "", t("barcode.next_steps")])
        return [
            Reply(
                text,
                buttons=((Button(t("report.btn_missing"), actions.ReportMissing(barcode.gtin).pack()),),),
            )
        ]

    def _photo(self, msg: Incoming, t: Messages) -> list[Reply]:
        report_id = self._awaited(msg.user_id, "photo")
        if report_id is not None and msg.photo_ref:
            self._awaiting.pop(msg.user_id, None)
            if self.reports.update(report_id, user_id=msg.user_id, photo_ref=msg.photo_ref):
                return [Reply(t("report.photo_added", id=report_id))]
        if self.scanner is None:
            return [Reply(t("errors.unsupported"))]
        result = self.scanner.scan(msg.image or b"")
        captions = [
            Reply(t(f"codes.{c.kind}", code=c.code, body=c.body, url=c.url))
            for c in labelcodes.find_all(msg.text or "")
        ]
        if result.problem is not None:
            key = {
                ScanProblem.NOT_IMAGE: "scan.not_image",
                ScanProblem.TOO_MANY_PIXELS: "scan.too_many_pixels",
                ScanProblem.TOO_LARGE: "scan.not_image",
            }[result.problem]
            return [Reply(t(key)), *captions]
        if not result.codes:
            if captions:  # a photo of a label with its code typed in the caption
                return captions
            self.usage.record(msg.user_id, "photo", False, t.locale)
            return [Reply(t("scan.nothing"))]
        replies: list[Reply] = []
        if len(result.codes) > 1:
            replies.append(Reply(t("scan.several", count=len(result.codes))))
        for code in result.codes[:3]:
            replies.extend(self._code_answer(msg, t, code))
        return replies + captions

    def _code_answer(self, msg: Incoming, t: Messages, code: Code) -> list[Reply]:
        if code.gtin:
            return self._gtin(msg, t, code.gtin, kind="photo", unsure=not code.certain)
        if code.domain:
            return [Reply(t("scan.qr_url", domain=code.domain))]
        return [Reply(t("scan.qr_text", text=short(code.raw, 300)))]

    # -- stores -----------------------------------------------------------------------------
    def _last_location(self, user_id: int) -> tuple[float, float] | None:
        shopper = self.shoppers.get(user_id)
        if shopper and shopper.last_lat is not None and shopper.last_lon is not None:
            return shopper.last_lat, shopper.last_lon
        return None

    def _stores_start(self, msg: Incoming, t: Messages) -> list[Reply]:
        near = self._last_location(msg.user_id)
        if near is None:
            return [Reply(t("stores.intro"))]
        return [places.nearest(t, self.stores.nearest(*near, limit=5))]

    def _location(self, msg: Incoming, t: Messages) -> list[Reply]:
        lat, lon = msg.location or (0.0, 0.0)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return [Reply(t("errors.unsupported"))]
        self.shoppers.set_location(msg.user_id, lat, lon)
        return [places.nearest(t, self.stores.nearest(lat, lon, limit=5))]

    def _where(self, msg: Incoming, t: Messages, product_id: int) -> Reply:
        card = self.catalog.card(product_id)
        if card is None:
            return Reply(t("errors.button_expired"))
        near = self._last_location(msg.user_id)
        hits = self.stores.carrying(product_id, near=near, limit=5)
        return places.where_to_buy(t, render.product_name(card.product, t.locale), hits, near is not None)

    # -- tips -------------------------------------------------------------------------------
    def _tip(self, t: Messages, n: int, user_id: int, edit: bool = False) -> Reply:
        total = len(self.tips)
        if not total:
            return Reply(t("errors.unsupported"))
        n %= total
        tip = self.tips[n]
        self.usage.record(user_id, "tip", True, t.locale)
        text = "\n".join([t("tips.header", n=n + 1, total=total), esc(local(tip, "text", t.locale))])
        return Reply(
            text, buttons=((Button(t("tips.next"), actions.NextTip((n + 1) % total).pack()),),), edit=edit
        )

    def _subscribe(self, msg: Incoming, t: Messages, arg: str) -> Reply:
        if not arg:
            return Reply(t("tips.subscribe_prompt"))
        hour = arg.split(":")[0].removesuffix("h")
        if not hour.isdigit() or not 0 <= int(hour) <= 23:
            return Reply(t("tips.bad_hour"))
        self.subscriptions.subscribe(msg.user_id, msg.chat_id or msg.user_id, int(hour), t.locale)
        return Reply(t("tips.subscribed", hour=f"{int(hour):02d}"))

    def daily_tip(self, user_id: int, locale: str, n: int) -> Reply:
        """The message a subscriber gets once a day."""
        t = Messages(locale)
        self.usage.record(user_id, "tip", True, locale)
        tip = self.tips[n % len(self.tips)]
        return Reply(
            "\n".join([t("tips.daily"), esc(local(tip, "text", t.locale))]),
            buttons=((Button(t("tips.next"), actions.NextTip((n + 1) % len(self.tips)).pack()),),),
        )

    # -- shopper reports --------------------------------------------------------------------
    def _awaited(self, user_id: int, what: str) -> int | None:
        """The report step this user is in the middle of, if it has not timed out."""
        entry = self._awaiting.get(user_id)
        if entry is None or entry[0] != what:
            return None
        if time.monotonic() > entry[2]:
            self._awaiting.pop(user_id, None)
            return None
        return entry[1]

    def _missing_report(self, msg: Incoming, t: Messages, gtin: str) -> list[Reply]:
        if not self.reports.can_report(msg.user_id):
            return [Reply(t("report.too_many"))]
        report = self.reports.open("missing", msg.user_id, msg.chat_id or msg.user_id, gtin=gtin)
        assert report.id is not None
        self._awaiting[msg.user_id] = ("photo", report.id, time.monotonic() + AWAIT_SECONDS)
        return [_thanks(t, report.id, photo=True)]

    def _label_report(self, msg: Incoming, t: Messages, product_id: int, reason: str) -> list[Reply]:
        self._awaiting.pop(msg.user_id, None)
        if not self.reports.can_report(msg.user_id):
            return [Reply(t("report.too_many"))]
        report = self.reports.open(
            "label", msg.user_id, msg.chat_id or msg.user_id, product_id=product_id, text=reason
        )
        assert report.id is not None
        return [_thanks(t, report.id, photo=False)]

    # -- buttons ----------------------------------------------------------------------------
    def _button_handlers(self) -> dict[type[actions.Action], ButtonHandler]:
        """The dispatch table: what each kind of button does."""
        return {
            actions.ShowProduct: lambda msg, t, a: [self._product(t, a.product_id)],
            actions.MoreResults: self._more,
            actions.WhereToBuy: lambda msg, t, a: [self._where(msg, t, a.product_id)],
            actions.ShowLabel: lambda msg, t, a: [guide.entry(t, self.catalog.label(a.code))],
            actions.ShowGroup: lambda msg, t, a: [guide.group(t, self.catalog.labels(), a.group)],
            actions.LabelGroups: lambda msg, t, a: [guide.groups(t, self.catalog.labels(), edit=True)],
            actions.NotFooled: lambda msg, t, a: [guide.fooled(t)],
            actions.NextTip: lambda msg, t, a: [self._tip(t, a.n, msg.user_id, edit=True)],
            actions.SetLanguage: lambda msg, t, a: self._set_locale(msg, a.locale),
            actions.ReportMissing: lambda msg, t, a: self._missing_report(msg, t, a.gtin),
            actions.ReportLabel: self._ask_reason,
            actions.NotifyMe: self._notify_me,
            actions.ResolveReport: lambda msg, t, a: self._close_report(msg, t, a.report_id, resolve=True),
            actions.DismissReport: lambda msg, t, a: self._close_report(msg, t, a.report_id, resolve=False),
            actions.ConfirmImport: lambda msg, t, a: self.admin.confirm(msg.user_id, t, a.token, apply=True),
            actions.CancelImport: lambda msg, t, a: self.admin.confirm(msg.user_id, t, a.token, apply=False),
        }

    def _callback(self, msg: Incoming, t: Messages) -> list[Reply]:
        action = actions.parse(msg.callback or "")
        if action is None or (action.ADMIN and not self.admin.is_admin(msg.user_id)):
            log.info("ignored malformed callback data from user %s", msg.user_id)
            return [Reply(t("errors.button_expired"))]
        return self._buttons[type(action)](msg, t, action)

    def _product(self, t: Messages, product_id: int) -> Reply:
        card = self.catalog.card(product_id)
        return self._card_reply(t, card) if card else Reply(t("errors.button_expired"))

    def _more(self, msg: Incoming, t: Messages, action: actions.MoreResults) -> list[Reply]:
        session = self._sessions.get(msg.user_id)
        if session is None or action.offset >= len(session.product_ids):
            return [Reply(t("errors.button_expired"))]
        return [self._page(t, session, action.offset, edit=True)]

    def _ask_reason(self, msg: Incoming, t: Messages, action: actions.ReportLabel) -> list[Reply]:
        if self.catalog.card(action.product_id) is None:
            return [Reply(t("errors.button_expired"))]
        self._awaiting[msg.user_id] = ("reason", action.product_id, time.monotonic() + AWAIT_SECONDS)
        return [Reply(t("report.ask_reason"))]

    def _notify_me(self, msg: Incoming, t: Messages, action: actions.NotifyMe) -> list[Reply]:
        done = self.reports.update(action.report_id, user_id=msg.user_id, notify=True)
        return [Reply(t("report.notify_on", id=action.report_id) if done else t("errors.button_expired"))]

    def _close_report(self, msg: Incoming, t: Messages, report_id: int, resolve: bool) -> list[Reply]:
        report = self.reports.get(report_id)
        reporter = self.locale_for(report.user_id, None) if report else "vi"
        return self.admin.close_report(msg.user_id, t, report_id, resolve, reporter)


def _thanks(t: Messages, report_id: int, photo: bool) -> Reply:
    text = t("report.thanks", id=report_id) + ("\n" + t("report.thanks_photo") if photo else "")
    return Reply(text, buttons=((Button(t("report.btn_notify"), actions.NotifyMe(report_id).pack()),),))


def _menu_texts(locale: str) -> dict[str, str]:
    return {k: v for k, v in catalog(locale).items() if k.startswith("menu.")}
