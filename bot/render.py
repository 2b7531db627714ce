"""Turning catalog read models into reply text in one language."""

from __future__ import annotations

import html
from datetime import date

from bot.actions import ShowLabel, WhereToBuy
from bot.i18n import Messages
from bot.replies import Button
from catalog.cards import OFF_SOURCE, CertView, ProductCard, Validity
from catalog.clean import strip_invisible
from catalog.models import LabelScheme, Product
from catalog.reference import categories
from catalog.verdict import Verdict

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
    return value.strftime(t("date.format")) if value else ""


def short(text: str, limit: int = BUTTON_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def product_name(product: Product, locale: str) -> str:
    return local(product, "name", locale)


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


def cert_block(t: Messages, cert: CertView) -> str:
    """One label on a card: name, number, certifier, validity and a one-line meaning."""
    head = f"• <b>{esc(local(cert.label, 'name', t.locale))}</b>"
    if cert.detail:
        head += f" ({esc(cert.detail)})"
    facts = []
    if cert.certificate_no:
        facts.append(f"{t('card.cert_no')} <code>{esc(cert.certificate_no)}</code>")
    if cert.certifier:
        facts.append(f"{t('card.certifier')} {esc(cert.certifier)}")
    lines = [head]
    if facts:
        lines.append("  " + ", ".join(facts))
    lines.append("  " + validity_line(t, cert))
    meaning = local(cert.label, "meaning", t.locale)
    if meaning:
        lines.append(f"  <i>{esc(meaning)}</i>")
    return "\n".join(lines)


def card_text(t: Messages, card: ProductCard, extra: str = "") -> str:
    """The product card: name, brand, labels with validity and meaning, provenance."""
    p = card.product
    lines = [f"<b>{esc(product_name(p, t.locale))}</b>"]
    if p.brand:
        lines.append(f"{t('card.brand')}: {esc(p.brand)}")
    if p.producer:
        lines.append(f"{t('card.producer')}: {esc(p.producer)}")
    cat = categories().get(p.category)
    if cat:
        lines.append(f"{t('card.category')}: {esc(local(cat, 'name', t.locale))}")
    if p.gtin:
        lines.append(f"{t('card.gtin')}: <code>{p.gtin}</code>")
    lines.append("")
    if card.certs:
        lines.append(f"<b>{t('card.labels')}</b>")
        lines.extend(cert_block(t, c) for c in card.certs)
        if not card.any_valid:
            lines.append(t("card.none_confirmed" if card.any_unknown else "card.none_valid"))
    else:
        lines.append(t("card.no_labels"))
    sources = sorted({(c.source, c.source_date or date.min) for c in card.certs if c.source})
    if sources:
        lines.append("")
        lines.extend(
            t(
                "card.source_off" if s == OFF_SOURCE else "card.source",
                source=s,
                date=fmt_date(t, d if d != date.min else None),
            )
            for s, d in sources
        )
    if p.sample:
        lines.append(t("card.sample"))
    if extra:
        lines.extend(["", extra])
    return "\n".join(lines)


def card_buttons(t: Messages, card: ProductCard) -> tuple[tuple[Button, ...], ...]:
    """One button per label (guide entry) and a 'where to buy' button."""
    seen: dict[str, LabelScheme] = {}
    for c in card.certs:
        seen.setdefault(c.label.code, c.label)
    label_buttons = [
        Button(short(t("card.btn_label", label=local(s, "name", t.locale))), ShowLabel(code).pack())
        for code, s in seen.items()
    ]
    rows = [tuple(label_buttons[i : i + 2]) for i in range(0, len(label_buttons), 2)]
    rows.append((Button(t("card.btn_where"), WhereToBuy(card.id).pack()),))
    return tuple(rows)


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
