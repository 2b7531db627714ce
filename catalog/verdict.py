"""The one-line label verdict of a product: which certificate decides, and what it says.

The chat card, the scanning page and its offline snapshot all take their verdict from
here, so a shopper never sees two answers for one product.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from catalog.cards import CertView, ProductCard, Validity


class Status(StrEnum):
    CERTIFIED = "certified"  # a label holds today
    EXPIRING = "expiring"  # holds today, ends within EXPIRING_WITHIN
    UNCONFIRMED = "unconfirmed"  # a label without an end date: nothing confirms it holds
    NOT_YET = "not_yet"  # only certificates that start later
    EXPIRED = "expired"  # only certificates that have ended
    NO_LABEL = "no_label"  # in the catalog without any label
    NOT_FOUND = "not_found"  # not in the catalog


# Which certificate speaks for the product: one confirmed to hold today first, then one
# without an end date, then one that starts later, then the most recently expired one.
_RANK = {
    Validity.VALID: 0,
    Validity.EXPIRING: 1,
    Validity.UNKNOWN: 2,
    Validity.NOT_YET: 3,
    Validity.EXPIRED: 4,
}
_STATUS = {
    Validity.VALID: Status.CERTIFIED,
    Validity.UNKNOWN: Status.UNCONFIRMED,
    Validity.EXPIRING: Status.EXPIRING,
    Validity.NOT_YET: Status.NOT_YET,
    Validity.EXPIRED: Status.EXPIRED,
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The status and the certificate it rests on (None for NO_LABEL and NOT_FOUND)."""

    status: Status
    cert: CertView | None = None

    @property
    def ok(self) -> bool:
        return self.status in (Status.CERTIFIED, Status.EXPIRING)

    @property
    def date(self) -> date | None:
        """The date the verdict line shows: the start for NOT_YET, otherwise the end."""
        if self.cert is None:
            return None
        return self.cert.valid_from if self.status is Status.NOT_YET else self.cert.valid_until


def deciding_cert(certs: tuple[CertView, ...]) -> CertView | None:
    """The certificate a one-line verdict is about."""
    if not certs:
        return None

    def key(c: CertView) -> tuple[int, int]:
        ordinal = c.valid_until.toordinal() if c.valid_until else 10**7
        if c.validity is Validity.NOT_YET and c.valid_from:
            ordinal = -c.valid_from.toordinal()  # the one that starts soonest
        return _RANK[c.validity], -ordinal  # latest end first

    return min(certs, key=key)


def verdict(card: ProductCard | None) -> Verdict:
    """The verdict for a product card, or NOT_FOUND when there is no card."""
    if card is None:
        return Verdict(Status.NOT_FOUND)
    cert = deciding_cert(card.certs)
    if cert is None:
        return Verdict(Status.NO_LABEL)
    return Verdict(_STATUS[cert.validity], cert)
