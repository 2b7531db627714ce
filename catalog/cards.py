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


def strength(card: ProductCard) -> int:
    """The department's strength of the strongest label that holds today (0 when none does)."""
    return max(
        (c.label.strength for c in card.certs if c.validity in (Validity.VALID, Validity.EXPIRING)), default=0
    )
