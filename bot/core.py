"""The conversation core: one incoming message in, reply models out.

Telegram handlers and the console both call ``Core.handle``; nothing here knows
which transport is used. The core routes: each feature answers in its own module
(search, products, places, guide, tips, reports, admin). The core is synchronous
(database and CPU work) and is run in a worker thread by the async transports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot import actions, chat, guide, menu, routes
from bot.admin import ADMIN_COMMANDS, AdminDesk
from bot.guard import FloodGuard
from bot.i18n import Messages, pick_locale
from bot.incoming import Incoming
from bot.links import DeepLinks
from bot.nearby import Nearby
from bot.places import Places
from bot.products import Products, label_code, too_big, too_big_to_download
from bot.replies import Reply
from bot.reports import ShopperReports
from bot.search import MAX_QUERY, InlineCard, Search
from bot.shopper import ShopperPages
from bot.tips import Tips
from catalog import gtin as gtins
from catalog import labelcodes
from catalog.clean import clean_input
from catalog.reports import ReportBook
from catalog.scanner import PhotoScanner
from catalog.service import CatalogService
from catalog.shoppers import ShopperStore
from catalog.state import StateStore
from catalog.stores import StoreDirectory
from catalog.subscriptions import Subscriptions
from catalog.tips import TipBook
from catalog.usage import UsageLog

__all__ = ["ADMIN_COMMANDS", "Core", "Incoming", "InlineCard"]

log = logging.getLogger(__name__)


@dataclass(kw_only=True, eq=False)
class Core:
    """Routes messages and button presses to the feature that answers them.

    Every collaborator, the features included, comes ready-made from the composition root
    (``bot.services.build_core``).
    """

    catalog: CatalogService
    shoppers: ShopperStore
    usage: UsageLog
    stores: StoreDirectory
    tips: TipBook
    reports: ReportBook
    subscriptions: Subscriptions
    admin: AdminDesk
    state: StateStore
    links: DeepLinks
    guard: FloodGuard
    photo_guard: FloodGuard
    scanner: PhotoScanner | None
    max_image_bytes: int
    download_limit: int = 0  # the largest file the transport can fetch (0: any)
    # the features, each answering in its own module
    nearby: Nearby
    products: Products
    search: Search
    places: Places
    tip_replies: Tips
    shopper_pages: ShopperPages
    shopper_reports: ShopperReports

    # -- entry points -----------------------------------------------------------------------
    def locale_for(self, user_id: int, language_code: str | None) -> str:
        shopper = self.shoppers.get(user_id)
        return pick_locale(shopper.locale if shopper else None, language_code)

    def handle(self, msg: Incoming) -> list[Reply]:
        """Answer one message. Never raises for bad input; flooding users are slowed down.
        A shopper marked unreachable who writes is reachable again; replies to other chats
        marked unreachable are dropped."""
        if msg.text is not None:  # typed text and captions: digits, invisible characters
            msg = replace(msg, text=clean_input(msg.text))
        shopper = self.shoppers.get(msg.user_id)
        self.shoppers.wrote(shopper)
        t = Messages(pick_locale(shopper.locale if shopper else None, msg.language_code))
        if not msg.admitted:
            refused = self._flooding(msg.user_id, t, photo=msg.image is not None)
            if refused is not None:
                return refused
        return self._deliverable(self._route(msg, t))

    def admit(self, user_id: int, language_code: str | None, photo: bool) -> list[Reply] | None:
        """The flood guard, for a transport to ask before it downloads a photo or a file:
        None when allowed (then ``Incoming.admitted``), else what to answer (maybe nothing)."""
        return self._flooding(user_id, Messages(self.locale_for(user_id, language_code)), photo)

    def _flooding(self, user_id: int, t: Messages, photo: bool) -> list[Reply] | None:
        allowed, warn = (self.photo_guard if photo else self.guard).check(user_id)
        if allowed:
            return None
        return [Reply(t("errors.rate_limited"))] if warn else []

    def _undownloadable(self, size: int | None, own_limit: int | None = None) -> bool:
        """A file over what Telegram lets a bot download (and within our own limit, which
        has its own message): the transport did not fetch it."""
        if size is None or (own_limit is not None and size > own_limit):
            return False
        return 0 < self.download_limit < size

    def _deliverable(self, replies: list[Reply]) -> list[Reply]:
        """Without the replies to other chats that Telegram refused to deliver to before."""
        others = {r.to_chat for r in replies if r.to_chat is not None}
        gone = self.shoppers.unreachable(others) if others else set()
        return [r for r in replies if r.to_chat not in gone] if gone else replies

    def _route(self, msg: Incoming, t: Messages) -> list[Reply]:
        self.catalog.refresh()  # another process may have changed the catalog
        if msg.callback is not None:
            return self._callback(msg, t)
        if msg.image is None and msg.photo_is_file and self._undownloadable(msg.image_size):
            return [too_big_to_download(t, msg.image_size or 0, self.download_limit)]
        if msg.image_size is not None and msg.image_size > self.max_image_bytes:
            return [too_big(t, msg.image_size, self.max_image_bytes)]
        if self.admin.is_admin(msg.user_id) and (answer := self.admin.form_input(msg, t)) is not None:
            return answer  # an officer in the middle of adding a product
        if msg.image is not None:
            if msg.photo_ref and (added := self.shopper_reports.add_photo(msg, t)):
                return added
            return self.products.photo(msg.user_id, t, msg.image, msg.text or "")
        if msg.document is not None or msg.document_size is not None:
            if self.admin.is_admin(msg.user_id):
                size = msg.document_size if msg.document is None else len(msg.document)
                if msg.document is None and self._undownloadable(size, self.admin.max_upload_bytes):
                    return [too_big_to_download(t, size or 0, self.download_limit)]
                return self.admin.upload(msg.user_id, t, msg.document_name, msg.document or b"", size)
            return [Reply(t("errors.unsupported"))]
        if msg.location is not None:
            return [self.places.located(msg.user_id, t, *msg.location)]
        if msg.text is not None:
            return self._text(msg, t)
        return [Reply(t("errors.unsupported"))]

    def inline(self, user_id: int, query: str, language_code: str | None) -> list[InlineCard]:
        """Up to 50 product cards for inline mode."""
        if len(query.strip()) < 2 or not self.guard.check(user_id)[0]:
            return []
        self.catalog.refresh()
        t = Messages(self.locale_for(user_id, language_code))
        return self.search.inline(user_id, t, clean_input(query))

    def daily_tip(self, user_id: int, locale: str, n: int) -> Reply:
        """The message a subscriber gets once a day."""
        return self.tip_replies.daily(user_id, locale, n)

    # -- text -------------------------------------------------------------------------------
    def _text(self, msg: Incoming, t: Messages) -> list[Reply]:
        whole = " ".join((msg.text or "").split())
        text = whole[:MAX_QUERY]
        if text.startswith("/"):
            return self._command(msg, t, text)
        product_id = self.shopper_reports.awaited(msg.user_id, "reason")
        if product_id is not None:
            return self.shopper_reports.wrong_label(msg, t, product_id, text)
        action = menu.menu_actions().get(text)
        if action:
            return routes.MENU[action](self, msg, t)
        if len(whole) > MAX_QUERY:  # a pasted text, not a product name: searching its start would mislead
            return [Reply(t("search.too_long", length=len(whole), limit=MAX_QUERY))]
        said = chat.small_talk(text)
        if said:  # hello, thanks, goodbye: an answer of their own, not a failed search
            help_text = Reply(t("help.text"), keyboard=menu.keyboard(t))
            return [help_text if said == "help" else Reply(t(f"chat.{said}"))]
        asked = chat.label_asked(text, self.catalog.labels())
        if asked:  # "nhãn VietGAP là gì"
            return [guide.entry(t, asked)]
        code = labelcodes.recognise(text)
        if code:
            return [label_code(t, code)]
        digits = gtins.looks_like_barcode(text)
        if digits:
            return self.products.by_gtin(msg.user_id, t, digits, kind="barcode")
        digits = gtins.typed_digits(text)
        if digits:
            return [Reply(t("barcode.wrong_length", digits=digits, count=len(digits)))]
        area = self.places.area(t, text)
        return [area] if area else self.search.answer(msg.user_id, t, text)

    def _command(self, msg: Incoming, t: Messages, text: str) -> list[Reply]:
        name, _, arg = text[1:].partition(" ")
        name = name.split("@")[0].lower()
        if name in ADMIN_COMMANDS and self.admin.is_admin(msg.user_id):
            return self.admin.command(msg.user_id, t, name, arg)
        command = routes.COMMANDS.get(name)
        return command(self, msg, t, arg) if command else [Reply(t("errors.unknown_command"))]

    # -- buttons ----------------------------------------------------------------------------
    def _callback(self, msg: Incoming, t: Messages) -> list[Reply]:
        action = actions.parse(msg.callback or "")
        if action is None or (action.ADMIN and not self.admin.is_admin(msg.user_id)):
            log.info("ignored malformed callback data from user %s", msg.user_id)
            return [Reply(t("errors.button_expired"))]
        return routes.BUTTONS[type(action)](self, msg, t, action)
