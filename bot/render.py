"""Turning catalog read models into reply text in one language."""

from __future__ import annotations

import html
from datetime import date

from bot import fmt
from bot.actions import ShowLabel, WhereToBuy
from bot.i18n import Messages
from bot.replies import Button, plain
from catalog.cards import OFF_SOURCE, CertView, ProductCard, Validity
from catalog.clean import strip_invisible
from catalog.models import LabelScheme, Product
from catalog.reference import categories
from catalog.verdict import Verdict, verdict

BUTTON_TEXT = 60


def esc(text: str) -> str:
    """Escape catalog or user text for the HTML reply format, without invisible characters
    (a bidi override would make the rest of the reply read backwards)."""
    return html.escape(strip_invisible(text), quote=False)


def local(obj: object, field: str, locale: str) -> str:
    """``obj.field_vi`` or ``obj.field_en``, falling back to the other language."""
    first, second = (f"{field}_vi", f"{field}_en") if locale == "vi" else (f"{field}_en", f"{field}_vi")
    return getattr(obj, first, "") or getattr(obj, second, "")


def fmt_date(t: Messages, value: date | None) -> str:
    return fmt.day(value, t.locale) if value else ""


def short(text: str, limit: int = BUTTON_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def product_name(product: Product, locale: str) -> str:
    return local(product, "name", locale)


CARD_BUDGET = 600  # characters a one-label card should stay under, as the shopper reads it


def validity_line(t: Messages, cert: CertView) -> str:
    when = cert.valid_from if cert.validity is Validity.NOT_YET else cert.valid_until
    return t(f"card.{cert.validity.value}", date=fmt_date(t, when))


def verdict_line(t: Messages, v: Verdict) -> str:
    """The one-line verdict (HTML-escaped) shared by the chat card and the scanning page."""
    if v.cert is None:
        return t(f"verdict.{v.status.value}")
    label = local(v.cert.label, "name", t.locale)
    when = v.date
    shown = when.strftime(t("verdict.date_format")) if when else ""
    line = t(f"verdict.{v.status.value}", label=label, date=shown)
    return f"{line} · {esc(v.cert.certificate_no)}" if v.cert.certificate_no else line


def cert_block(t: Messages, cert: CertView, number: bool = True) -> str:
    """One label on a card: name and validity to the day, what it means, who certified it."""
    head = f"• <b>{esc(local(cert.label, 'name', t.locale))}</b>"
    if cert.detail:
        head += f" ({esc(cert.detail)})"
    lines = [f"{head}: {validity_line(t, cert)}"]
    meaning = local(cert.label, "meaning", t.locale)
    if meaning:
        lines.append(f"  <i>{esc(meaning)}</i>")
    if cert.certifier:
        key = "card.certified_no" if cert.certificate_no and number else "card.certified"
        lines.append("  " + t(key, no=cert.certificate_no, certifier=cert.certifier))
    return "\n".join(lines)


def provenance(t: Messages, card: ProductCard) -> list[str]:
    """Where the claims come from, said once: sample data, a register, or Open Food Facts."""
    dated: dict[str, date | None] = {}
    for c in card.certs:
        if c.source:
            known = [d for d in (dated.get(c.source), c.source_date) if d]
            dated[c.source] = max(known) if known else None
    lines = []
    if card.product.sample:
        latest = max((d for d in dated.values() if d), default=None)
        key = "card.sample_dated" if latest else "card.sample"
        lines.append(t(key, date=fmt_date(t, latest)))
        dated = {s: d for s, d in dated.items() if s == OFF_SOURCE}
    for source, when in sorted(dated.items()):
        key = "card.source_off" if source == OFF_SOURCE else "card.source"
        lines.append(t(key, source=source, date=fmt_date(t, when)))
    return lines


def detail_lines(t: Messages, card: ProductCard) -> list[str]:
    """Brand, producer, category and barcode, one short line each."""
    p = card.product
    lines = []
    if p.brand:
        lines.append(f"{t('card.brand')}: {esc(p.brand)}")
    if p.producer:
        lines.append(f"{t('card.producer')}: {esc(p.producer)}")
    cat = categories().get(p.category)
    if cat:
        lines.append(f"{t('card.category')}: {esc(local(cat, 'name', t.locale))}")
    if p.gtin:
        lines.append(f"{t('card.gtin')}: <code>{p.gtin}</code>")
    return lines


def card_text(t: Messages, card: ProductCard, extra: str = "", link: str = "") -> str:
    """The product card as a shopper reads it (see ``card_parts``)."""
    return card_parts(t, card, extra, link)[0]


def card_parts(t: Messages, card: ProductCard, extra: str = "", link: str = "") -> tuple[str, bool]:
    """The product card, verdict first; and whether details were left out for the button.

    Order: verdict, name, each label (validity, meaning, certifier), then brand, producer
    and barcode while the card stays under ``CARD_BUDGET`` characters, provenance once, and
    an "open in the bot" link for cards forwarded or shared inline.
    """
    p = card.product
    v = verdict(card)
    head = [verdict_line(t, v), f"<b>{esc(product_name(p, t.locale))}</b>", ""]
    # the deciding certificate's number is on the verdict line already
    labels = [cert_block(t, c, number=c is not v.cert) for c in card.certs] or [t("card.no_labels")]
    if card.any_unknown and not card.any_valid:  # the verdict says "expired" by itself
        labels.append(t("card.none_confirmed"))
    tail = ["", *provenance(t, card)]
    if extra:
        tail += ["", extra]
    if link:
        tail.append(f'<a href="{html.escape(link)}">{t("card.open_in_bot")}</a>')
    details = detail_lines(t, card)
    if p.brand and p.gtin:  # the two a shopper checks against the pack, on one line
        details = [f"{t('card.brand')}: {esc(p.brand)} · {t('card.gtin')}: <code>{p.gtin}</code>"] + [
            d for d in details if not d.startswith((t("card.brand"), t("card.gtin")))
        ]
    shown: list[str] = []
    for line in details:
        if len(plain("\n".join(head + labels + [""] + shown + [line] + tail))) >= CARD_BUDGET:
            break
        shown.append(line)
    body = head + labels + (["", *shown] if shown else []) + tail
    return "\n".join(body), len(shown) < len(details)


def details_text(t: Messages, card: ProductCard) -> str:
    """Everything about a product: details, every certificate with its dates and source."""
    lines = [f"<b>{esc(product_name(card.product, t.locale))}</b>", *detail_lines(t, card), ""]
    for c in card.certs:
        detail = f" ({esc(c.detail)})" if c.detail else ""
        lines.append(f"• <b>{esc(local(c.label, 'name', t.locale))}</b>{detail}")
        if c.certificate_no:
            lines.append("  " + t("card.cert_no", no=c.certificate_no))
        if c.certifier:
            lines.append("  " + t("card.certifier", certifier=c.certifier))
        if c.valid_from or c.valid_until:
            start, end = fmt_date(t, c.valid_from) or "?", fmt_date(t, c.valid_until) or "?"
            lines.append("  " + t("card.period", start=start, end=end))
        lines.append("  " + validity_line(t, c))
    return "\n".join([*lines, "", *provenance(t, card)])


def label_buttons(t: Messages, card: ProductCard) -> list[tuple[Button, ...]]:
    """One button per label (its guide entry), two to a row."""
    seen: dict[str, LabelScheme] = {}
    for c in card.certs:
        seen.setdefault(c.label.code, c.label)
    buttons = [
        Button(short(t("card.btn_label", label=local(s, "name", t.locale))), ShowLabel(code).pack())
        for code, s in seen.items()
    ]
    return [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]


def where_button(t: Messages, card: ProductCard) -> Button:
    return Button(t("card.btn_where"), WhereToBuy(card.id).pack())


def label_entry(t: Messages, scheme: LabelScheme) -> str:
    """The guide entry of one label scheme; unconfirmed facts are said to be so."""
    unknown = t("labels.not_confirmed")
    lines = [f"<b>{esc(local(scheme, 'name', t.locale))}</b>", ""]
    for field, key in (
        ("issuer", "labels.issuer"),
        ("meaning", "labels.meaning"),
        ("not", "labels.not_meaning"),
        ("looks", "labels.looks"),
        ("verify", "labels.verify"),
        ("validity", "labels.validity"),
    ):
        value = local(scheme, field, t.locale)
        if field == "not" and not value:
            continue
        lines.append(f"<b>{t(key)}:</b> {esc(value) if value else '<i>' + unknown + '</i>'}")
    source = local(scheme, "source", t.locale)
    if source:
        lines.append(f"<b>{t('labels.source')}:</b> {esc(source)}")
    return "\n".join(lines)
