"""Product answers: the card, a typed or scanned barcode, and a photo to scan."""

from __future__ import annotations

from bot import actions, render
from bot.i18n import Messages
from bot.render import local, short
from bot.replies import Button, Reply
from catalog import gtin as gtins
from catalog import labelcodes
from catalog.cards import ProductCard
from catalog.scanner import Code, Scanner, ScanProblem
from catalog.service import CatalogService
from catalog.tips import TipBook
from catalog.usage import UsageLog

_SCAN_PROBLEMS = {
    ScanProblem.NOT_IMAGE: "scan.not_image",
    ScanProblem.TOO_MANY_PIXELS: "scan.too_many_pixels",
    ScanProblem.TOO_LARGE: "scan.not_image",
}


def label_code(t: Messages, code: labelcodes.LabelCode) -> Reply:
    """What a label code printed on a pack (typed, or in a photo caption) means."""
    return Reply(t(f"codes.{code.kind}", code=code.code, body=code.body, url=code.url))


class Products:
    """Cards by id or barcode, and barcodes read from photos."""

    def __init__(
        self, catalog: CatalogService, tips: TipBook, usage: UsageLog, scanner: Scanner | None
    ) -> None:
        self.catalog = catalog
        self.tips = tips
        self.usage = usage
        self.scanner = scanner

    def card(self, t: Messages, card: ProductCard) -> Reply:
        """The product card, with a plastic-free tip for bag and takeaway categories."""
        cat = self.catalog.category(card.product.category)
        extra = ""
        if cat and cat.tip_topic in ("bags", "takeaway"):
            tip = self.tips.for_topic(cat.tip_topic, seed=card.id)
            if tip:
                extra = t("card.alternative", tip=local(tip, "text", t.locale))
        report = Button(t("report.btn_label"), actions.ReportLabel(card.id).pack())
        return Reply(render.card_text(t, card, extra), buttons=(*render.card_buttons(t, card), (report,)))

    def by_id(self, t: Messages, product_id: int) -> Reply:
        card = self.catalog.card(product_id)
        return self.card(t, card) if card else Reply(t("errors.button_expired"))

    def by_gtin(self, user_id: int, t: Messages, digits: str, kind: str, unsure: bool = False) -> list[Reply]:
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
            reply = self.card(t, card)
            if unsure:
                reply = Reply(f"{reply.text}\n\n<i>{t('scan.unsure')}</i>", buttons=reply.buttons)
            return [reply]
        prefix = t(f"prefix.{barcode.kind.value}", usage=barcode.prefix_usage)
        text = "\n".join([t("barcode.not_found", digits=barcode.gtin), prefix, "", t("barcode.next_steps")])
        report = Button(t("report.btn_missing"), actions.ReportMissing(barcode.gtin).pack())
        return [Reply(text, buttons=((report,),))]

    def photo(self, user_id: int, t: Messages, image: bytes, caption: str) -> list[Reply]:
        """Codes found in a photo (up to three), and label codes typed in its caption."""
        if self.scanner is None:
            return [Reply(t("errors.unsupported"))]
        result = self.scanner.scan(image)
        captions = [label_code(t, c) for c in labelcodes.find_all(caption)]
        if result.problem is not None:
            return [Reply(t(_SCAN_PROBLEMS[result.problem])), *captions]
        if not result.codes:
            if captions:  # a photo of a label with its code typed in the caption
                return captions
            self.usage.record(user_id, "photo", False, t.locale)
            return [Reply(t("scan.nothing"))]
        replies: list[Reply] = []
        if len(result.codes) > 1:
            replies.append(Reply(t("scan.several", count=len(result.codes))))
        for code in result.codes[:3]:
            replies.extend(self._code(user_id, t, code))
        return replies + captions

    def _code(self, user_id: int, t: Messages, code: Code) -> list[Reply]:
        if code.gtin:
            return self.by_gtin(user_id, t, code.gtin, kind="photo", unsure=not code.certain)
        if code.domain:
            return [Reply(t("scan.qr_url", domain=code.domain))]
        return [Reply(t("scan.qr_text", text=short(code.raw, 300)))]
