"""Read models for answers: a product with its certifications and their validity today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from catalog.models import Certification, LabelScheme, Product

EXPIRING_WITHIN = timedelta(days=60)
# Certification.source of rows imported from Open Food Facts: declared on the pack, not verified.
OFF_SOURCE = "openfoodfacts"


class Validity(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"  # still valid, ends within EXPIRING_WITHIN
    EXPIRED = "expired"
    NOT_YET = "not_yet"
    UNKNOWN = "unknown"  # no end date given


def validity(valid_from: date | None, valid_until: date | None, today: date) -> Validity:
    """Whether a certificate holds on ``today``; an expired one is never shown as valid."""
    if valid_from and today < valid_from:
        return Validity.NOT_YET
    if valid_until is None:
        return Validity.UNKNOWN
    if today > valid_until:
        return Validity.EXPIRED
    if valid_until - today <= EXPIRING_WITHIN:
        return Validity.EXPIRING
    return Validity.VALID


@dataclass(frozen=True, slots=True)
class CertView:
    """One label on one product, as a shopper should see it."""

    label: LabelScheme
    certificate_no: str
    certifier: str
    detail: str
    valid_from: date | None
    valid_until: date | None
    validity: Validity
    source: str
    source_date: date | None

    @classmethod
    def of(cls, cert: Certification, label: LabelScheme, today: date) -> CertView:
        return cls(
            label,
            cert.certificate_no,
            cert.certifier,
            cert.label_detail,
            cert.valid_from,
            cert.valid_until,
            validity(cert.valid_from, cert.valid_until, today),
            cert.source,
            cert.source_date,
        )


@dataclass(frozen=True, slots=True)
class ProductCard:
    """A product with its labels, ready to be rendered in any language."""

    product: Product
    certs: tuple[CertView, ...]

    @property
    def id(self) -> int:
        assert self.product.id is not None
        return self.product.id

    @property
    def any_valid(self) -> bool:
        """A certificate confirmed valid today; an unknown expiry date confirms nothing."""
        return any(c.validity in (Validity.VALID, Validity.EXPIRING) for c in self.certs)

    @property
    def any_unknown(self) -> bool:
        return any(c.validity is Validity.UNKNOWN for c in self.certs)


class Verdict(StrEnum):
    """The answer to "is this product certified, by what, still valid?", strongest first."""

    VALID = "valid"
    EXPIRING = "expiring"
    DECLARED = "declared"  # a label with no end date (e.g. declared on the pack): not confirmed
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    NONE = "none"  # no label in the catalog


_ORDER = {
    Validity.VALID: Verdict.VALID,
    Validity.EXPIRING: Verdict.EXPIRING,
    Validity.UNKNOWN: Verdict.DECLARED,
    Validity.NOT_YET: Verdict.NOT_YET,
    Validity.EXPIRED: Verdict.EXPIRED,
}
_RANK = list(Verdict)


@dataclass(frozen=True, slots=True)
class VerdictView:
    """The verdict of a card, the label it is about and how many other labels hold too."""

    verdict: Verdict
    cert: CertView | None = None
    others: int = 0  # further labels with the same verdict


def cert_strength(cert: CertView) -> int:
    return cert.label.strength


def verdict(card: ProductCard) -> VerdictView:
    """The one-line answer for a card, shared by the chat card and the scanning page.

    The best verdict over the product's labels wins (valid before expiring before declared
    before not yet before expired); among labels with that verdict the department's label
    strength decides, then the latest end date.
    """
    if not card.certs:
        return VerdictView(Verdict.NONE)
    best = min((_ORDER[c.validity] for c in card.certs), key=_RANK.index)
    same = [c for c in card.certs if _ORDER[c.validity] is best]
    same.sort(key=lambda c: (cert_strength(c), c.valid_until or date.min), reverse=True)
    distinct = {c.label.code for c in same}
    return VerdictView(best, same[0], len(distinct) - 1)


def strength(card: ProductCard) -> int:
    """The strongest currently valid label of a product (0 when none holds)."""
    return max((cert_strength(c) for c in card.certs if _ORDER[c.validity] in _HOLDS), default=0)


_HOLDS = (Verdict.VALID, Verdict.EXPIRING)  # an unknown end date confirms nothing
