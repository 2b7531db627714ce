"""The one-line verdict: which certificate speaks for a product, and how it reads."""

from __future__ import annotations

from datetime import date

from bot import render
from bot.i18n import Messages
from catalog.cards import CertView, ProductCard, validity
from catalog.models import LabelScheme, Product
from catalog.verdict import Status, verdict

TODAY = date(2026, 11, 25)
EU = LabelScheme(code="EU_ORGANIC", kind="organic", name_vi="Hữu cơ EU", name_en="EU organic")
GAP = LabelScheme(code="VIETGAP", kind="good-practice", name_vi="VietGAP", name_en="VietGAP")


def cert(label: LabelScheme, until: date | None, start: date | None = None, no: str = "N-1") -> CertView:
    return CertView(label, no, "Cert body", "", start, until, validity(start, until, TODAY), "", None)


def card(*certs: CertView) -> ProductCard:
    return ProductCard(Product(id=1, key="k", name_vi="Gạo", category="rice"), certs)


def test_a_valid_certificate_speaks_before_an_expired_one() -> None:
    v = verdict(card(cert(GAP, date(2026, 3, 1), no="OLD"), cert(EU, date(2027, 6, 30), no="VN-BIO-149")))
    assert v.status is Status.CERTIFIED and v.cert and v.cert.certificate_no == "VN-BIO-149"
    said = Messages("vi")("verdict.certified", label="Hữu cơ EU", date="06/2027")
    assert render.verdict_line(Messages("vi"), v) == f"{said} · VN-BIO-149"


def test_only_expired_certificates_give_expired_with_the_latest_end() -> None:
    v = verdict(card(cert(GAP, date(2025, 1, 1)), cert(EU, date(2026, 3, 31), no="")))
    assert v.status is Status.EXPIRED and v.cert and v.cert.label is EU
    said = Messages("vi")("verdict.expired", label="Hữu cơ EU", date="03/2026")
    assert render.verdict_line(Messages("vi"), v) == said


def test_expiring_soon_is_still_valid_but_said_so() -> None:
    v = verdict(card(cert(EU, date(2026, 12, 20))))
    assert v.status is Status.EXPIRING and v.ok


def test_no_end_date_is_not_confirmed() -> None:
    v = verdict(card(cert(EU, None)))
    assert v.status is Status.UNCONFIRMED and not v.ok
    assert verdict(card(cert(EU, None), cert(GAP, date(2027, 1, 30)))).status is Status.CERTIFIED


def test_future_certificate_and_empty_cases() -> None:
    v = verdict(card(cert(EU, date(2029, 1, 1), start=date(2027, 2, 1))))
    assert v.status is Status.NOT_YET and v.date == date(2027, 2, 1)
    assert verdict(card()).status is Status.NO_LABEL
    assert verdict(None).status is Status.NOT_FOUND
    assert render.verdict_line(Messages("en"), verdict(None)) == "❔ Not in the catalog"


def test_catalog_text_is_escaped_in_the_chat_line() -> None:
    odd = LabelScheme(code="X", kind="eco-label", name_vi="Nhãn <b>& co", name_en="x")
    line = render.verdict_line(Messages("vi"), verdict(card(cert(odd, date(2027, 1, 30), no="A<1>"))))
    assert "&lt;b&gt;&amp; co" in line and "A&lt;1&gt;" in line
