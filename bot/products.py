"""Product answers: the card, a typed or scanned barcode, and a photo to scan."""

from __future__ import annotations

import re

from bot import actions, fmt, render
from bot.i18n import Messages
from bot.links import DeepLinks
from bot.nearby import Nearby
from bot.render import local, short
from bot.replies import Button, Reply
from catalog import gtin as gtins
from catalog import labelcodes
from catalog.alternatives import Alternative
from catalog.cards import ProductCard
from catalog.history import ShopperLists
from catalog.scan_quality import Advice
from catalog.scanner import Code, PhotoScanner, ScanProblem
from catalog.service import CatalogService
from catalog.tips import TipBook
from catalog.usage import UsageLog

_WEB = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)

def qr_link(t: Messages, code: Code, note: str = "") -> Reply:
    """A web address in a QR code: a warning, then the full address as a link button.

    The bot never opens it; the shopper's own browser does, if they choose to.
    """
    url = code.link or code.raw.strip()
    text = t("scan.qr_link", domain=code.domain, url=short(url, 300))
    if code.title:  # a bookmark's title, said after the warning: the code's maker wrote it
        text += "\n" + t("scan.qr_title", title=short(visible(code.title), 200))
    if not _WEB.match(url) or len(url) > 2000:
        return Reply(text)
    return Reply(text, buttons=((Button(short(t("scan.btn_open", domain=code.domain)), url=url),),))


def alternative_rows(t: Messages, found: list[Alternative]) -> tuple[tuple[Button, ...], ...]:
    """One button per greener product: its name, and where it is near the shopper."""
    rows = []
    for alt in found:
        name = render.product_name(alt.card.product, t.locale)
        store = alt.store
        where = ""
        if store is not None and store.distance_m is not None:
            key = "alternatives.where_open" if alt.open_now else "alternatives.where"
            where = t(key, distance=fmt.distance(store.distance_m, t.locale))
        text = t("alternatives.btn", name=name) + where
        rows.append((Button(short(text), actions.ShowProduct(alt.card.id).pack()),))
    return tuple(rows)


def label_code(t: Messages, code: labelcodes.LabelCode) -> Reply:
    """What a label code printed on a pack (typed, or in a photo caption) means."""
    return Reply(t(f"codes.{code.kind}", code=code.code, body=code.body, url=code.url))


_SCAN_PROBLEMS = {
    ScanProblem.NOT_IMAGE: "scan.not_image",
    ScanProblem.TOO_MANY_PIXELS: "scan.too_many_pixels",
}


def too_big_to_download(t: Messages, size: int, limit: int) -> Reply:
    """A file larger than Telegram lets a bot download (its own message, not "photo too large")."""
    return Reply(t("errors.too_big_to_download", size=f"{size / 1_048_576:.1f}", limit=limit // 1_048_576))


def too_big(t: Messages, size: int, limit: int) -> Reply:
    """A photo over the size limit (the transport said so, or the scanner measured it)."""
    return Reply(t("scan.too_big", size=f"{size / 1_048_576:.1f}", limit=limit // 1_048_576))


class Products:
    """Cards by id or barcode, and barcodes read from photos."""

    def __init__(
        self,
        catalog: CatalogService,
        tips: TipBook,
        usage: UsageLog,
        scanner: PhotoScanner | None,
        *,
        lists: ShopperLists,
        nearby: Nearby,
        links: DeepLinks,
    ) -> None:
        self.catalog = catalog
        self.tips = tips
        self.usage = usage
        self.scanner = scanner
        self.lists = lists
        self.nearby = nearby
        self.links = links

    def card(self, user_id: int, t: Messages, card: ProductCard, edit: bool = False) -> Reply:
        """The product card, verdict first, remembered in the shopper's /history.

        A product without a valid label gets up to three certified products of its category
        as buttons; one with a valid label gets a "similar certified products" button.
        """
        self.lists.viewed(user_id, card.id)
        cat = self.catalog.category(card.product.category)
        extra = ""
        if cat and cat.tip_topic in ("bags", "takeaway"):
            tip = self.tips.for_topic(cat.tip_topic, seed=card.id)
            if tip:
                extra = t("card.alternative", tip=local(tip, "text", t.locale))
        alternatives: list[Alternative] = []
        if not card.any_valid:
            alternatives = self.nearby.alternatives(user_id, card.product.category, exclude=card.id)
            if alternatives:
                extra = "\n".join(x for x in (extra, t("alternatives.on_card")) if x)
        text, more = render.card_parts(t, card, extra, self.links.product(card))
        saved = self.lists.is_saved(user_id, card.id)
        star = Button(t("card.btn_saved" if saved else "card.btn_save"), actions.ToggleSaved(card.id).pack())
        rows = [*render.label_buttons(t, card), (render.where_button(t, card), star)]
        extras = []
        if more:
            extras.append(Button(t("card.btn_details"), actions.CardDetails(card.id).pack()))
        if card.any_valid:
            extras.append(Button(t("card.btn_similar"), actions.Similar(card.id).pack()))
        if extras:
            rows.append(tuple(extras))
        rows.extend(alternative_rows(t, alternatives))
        rows.append((Button(t("report.btn_label"), actions.ReportLabel(card.id).pack()),))
        return Reply(text, buttons=tuple(rows), edit=edit)

    def by_id(self, user_id: int, t: Messages, product_id: int, edit: bool = False) -> Reply:
        """A card opened from a list, a link or /history (counted as opened; a redraw is not)."""
        card = self.catalog.card(product_id)
        if card is None:
            return Reply(t("errors.button_expired"))
        if not edit:
            self.usage.record(user_id, "open", True, t.locale, product_id=card.id)
        return self.card(user_id, t, card, edit=edit)

    def details(self, t: Messages, product_id: int) -> Reply:
        card = self.catalog.card(product_id)
        return Reply(render.details_text(t, card)) if card else Reply(t("errors.button_expired"))

    def toggle_saved(self, user_id: int, t: Messages, product_id: int) -> list[Reply]:
        """Star or unstar, then show the card again with the button's new state."""
        if self.catalog.card(product_id) is None:
            return [Reply(t("errors.button_expired"))]
        if self.lists.toggle(user_id, product_id) is None:
            return [Reply(t("saved.full"))]
        return [self.by_id(user_id, t, product_id, edit=True)]

    def similar(self, user_id: int, t: Messages, product_id: int) -> Reply:
        card = self.catalog.card(product_id)
        if card is None:
            return Reply(t("errors.button_expired"))
        found = self.nearby.alternatives(user_id, card.product.category, exclude=card.id, limit=5)
        if not found:
            return Reply(t("alternatives.none"))
        return Reply(t("alternatives.similar"), buttons=alternative_rows(t, found))

    def by_gtin(self, user_id: int, t: Messages, digits: str, kind: str) -> list[Reply]:
        """A typed (``kind="barcode"``) or scanned (``"photo"``) barcode: its card, or what we know."""
        try:
            barcode = gtins.describe(digits)
        except ValueError:  # includes BadCheckDigitError; typed lengths were checked before
            return [Reply(t("barcode.bad_check", digits=digits))]
        card = self.catalog.by_gtin(barcode.gtin)
        self.usage.record(
            user_id, kind, card is not None, t.locale, product_id=card.id if card else None, gtin=barcode.gtin
        )
        if card:
            return [self.card(user_id, t, card)]
        prefix = t(f"prefix.{barcode.kind.value}", usage=barcode.prefix_usage)
        text = "\n".join([t("barcode.not_found", digits=barcode.gtin), prefix, "", t("barcode.next_steps")])
        report = Button(t("report.btn_missing"), actions.ReportMissing(barcode.gtin).pack())
        return [Reply(text, buttons=((report,),))]

    def photo(self, user_id: int, t: Messages, image: bytes, caption: str) -> list[Reply]:
        """Codes found in a photo, and label codes typed in its caption.

        One sure product code gets its card. An unsure one is never shown as a card: the
        shopper gets the digits to compare with the pack and a button to open it. Several
        product codes become a choice. When nothing is read, the advice says why.
        """
        if self.scanner is None:
            return [Reply(t("errors.unsupported"))]
        result = self.scanner.scan(image)
        captions = [label_code(t, c) for c in labelcodes.find_all(caption)]
        if result.problem is ScanProblem.TOO_LARGE:
            return [too_big(t, len(image), self.scanner.max_bytes), *captions]
        if result.problem is not None:
            return [Reply(t(_SCAN_PROBLEMS[result.problem])), *captions]
        if not result.codes:
            if captions:  # a photo of a label with its code typed in the caption
                return captions
            self.usage.record(user_id, "photo", False, t.locale)
            return [Reply(retake(t, result.advice))]
        products = [c for c in result.codes if c.gtin][:MAX_CHOICES]
        others = [c for c in result.codes if not c.gtin][:2]
        replies: list[Reply] = []
        if len(products) > 1:
            replies.append(self._choice(t, products))
        elif products and products[0].certain:
            replies.extend(self.by_gtin(user_id, t, products[0].gtin or "", kind="photo"))
        elif products:
            replies.append(unsure(t, products[0], result.advice))
        for code in others:
            replies.extend(self._code(t, code))
        return replies + captions

    def _choice(self, t: Messages, codes: list[Code]) -> Reply:
        """Two or more product codes in one photo: the shopper picks, by name or by digits."""
        rows = []
        for code in codes:
            card = self.catalog.by_gtin(code.gtin or "")
            name = short(local(card.product, "name", t.locale), 40) if card else t("scan.not_in_catalog")
            mark = "" if code.certain else " ?"
            pick = actions.ScannedCode(code.gtin or "").pack()
            rows.append((Button(f"{printed(code)}{mark} · {name}", pick),))
        return Reply(t("scan.choose", count=len(codes)), buttons=tuple(rows))

    def _code(self, t: Messages, code: Code) -> list[Reply]:
        note = "" if code.certain else f"\n<i>{t('scan.unsure_qr')}</i>"
        if code.domain:
            return [qr_link(t, code, note)]
        return [Reply(t("scan.qr_text", text=visible(short(code.raw, 300))) + note)]


MAX_CHOICES = 4


def printed(code: Code) -> str:
    """The digits grouped as they are printed under the bars, to compare at a glance."""
    digits = code.raw if code.raw.isdigit() else code.gtin or ""
    groups = {13: (1, 6, 6), 12: (1, 5, 5, 1), 8: (4, 4) if code.symbology == "ean8" else (1, 6, 1)}
    out, at = [], 0
    for size in groups.get(len(digits), (len(digits),)):
        out.append(digits[at : at + size])
        at += size
    return " ".join(out)


def visible(text: str) -> str:
    """QR text with its control characters (group separators, tabs in GS1 data) shown as symbols."""
    return "".join(chr(0x2400 + ord(c)) if ord(c) < 32 and c != "\n" else c for c in text)


def retake(t: Messages, advice: list[Advice]) -> str:
    """Nothing read: what to change before taking the photo again."""
    lines = [t("scan.nothing_intro")]
    lines += [t(f"scan.advice_{a.value}") for a in advice or [Advice.FRAME]]
    return "\n".join([*lines, t("scan.type_digits")])


def unsure(t: Messages, code: Code, advice: list[Advice]) -> Reply:
    """A read nothing confirmed: the digits to compare, and a button once they match."""
    tips = [t(f"scan.advice_{a.value}") for a in advice if a is not Advice.FRAME]
    text = "\n".join([t("scan.unsure_check", digits=printed(code)), *tips, t("scan.unsure_else")])
    button = Button(t("scan.btn_digits_match"), actions.ScannedCode(code.gtin or "").pack())
    return Reply(text, buttons=((button,),))
