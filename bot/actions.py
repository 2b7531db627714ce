"""What an inline button does, packed into Telegram's callback data and read back.

Every button the bot sends carries one of the actions below. ``pack()`` gives the wire
string ("p:12", "lg", ...), never over Telegram's 64 bytes; ``parse()`` turns the data of a
pressed button back into an action, or ``None`` for anything malformed, forged or left
over from an older version of the bot. Adding a button means adding a class here (and
to ``ACTIONS``) and one line in ``bot.routes.BUTTONS``; nothing else knows the format.

Argument patterns use ASCII classes only (``[0-9]``, never ``\\d``, which also matches
fullwidth and other Unicode digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import ClassVar, NamedTuple

MAX_BYTES = 64  # Telegram's limit for callback data


class Arg(NamedTuple):
    """The one argument an action carries: its exact pattern and its longest length."""

    pattern: str
    most: int


NUMBER = Arg(r"[0-9]{1,9}", 9)  # database ids, offsets, tip numbers
GTIN = Arg(r"[0-9]{8,14}", 14)
LABEL_CODE = Arg(r"[A-Z0-9_]{2,32}", 32)
GROUP = Arg(r"[a-z-]{2,20}", 20)
LOCALE = Arg(r"vi|en", 2)
TOKEN = Arg(r"[A-Za-z0-9_-]{8,32}", 32)  # secrets.token_urlsafe
RESULTS_PAGE = Arg(r"[0-9]{1,9}\.[0-9]{1,3}", 13)  # list-id.offset
REPORT_KINDS = ("all", "missing", "label")
REPORT_PAGE = Arg(r"(?:all|missing|label)\.[0-9]{1,9}", 17)  # kind.before-id
FORM_CHOICE = Arg(r"(?:category|label)\.[0-9]{1,3}", 12)  # question.option
FORM_OPTIONAL = Arg(r"brand|certificate|valid_until|photo", 11)


@dataclass(frozen=True, slots=True)
class Action:
    """Base of all button actions. ``ADMIN`` actions are refused to everybody else."""

    TAG: ClassVar[str] = ""
    ARG: ClassVar[Arg | None] = None
    ADMIN: ClassVar[bool] = False

    def __post_init__(self) -> None:
        value = self._arg()
        if self.ARG is None:
            if value is not None:
                raise ValueError(f"{type(self).__name__} takes no argument")
        elif value is None or len(value) > self.ARG.most or not re.fullmatch(self.ARG.pattern, value):
            raise ValueError(f"bad {type(self).__name__} argument: {value!r}")

    def _arg(self) -> str | None:
        values = [getattr(self, f.name) for f in fields(self)]
        return str(values[0]) if values else None

    def pack(self) -> str:
        value = self._arg()
        data = self.TAG if value is None else f"{self.TAG}:{value}"
        if len(data.encode()) > MAX_BYTES:  # cannot happen for a valid action; the tests check it
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data


# -- search and products ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ShowProduct(Action):
    """Open the card of a product from a result list."""

    TAG: ClassVar[str] = "p"
    ARG: ClassVar[Arg | None] = NUMBER
    product_id: int


@dataclass(frozen=True, slots=True)
class MoreResults(Action):
    """The next page of one of the user's result lists: ``list.offset`` (a list id, so a
    button on an older list pages that list, not the latest search)."""

    TAG: ClassVar[str] = "m"
    ARG: ClassVar[Arg | None] = RESULTS_PAGE
    page: str

    @classmethod
    def of(cls, list_id: int, offset: int) -> MoreResults:
        return cls(f"{list_id}.{offset}")

    @property
    def list_id(self) -> int:
        return int(self.page.partition(".")[0])

    @property
    def offset(self) -> int:
        return int(self.page.partition(".")[2])


@dataclass(frozen=True, slots=True)
class WhereToBuy(Action):
    """Partner stores that sell a product."""

    TAG: ClassVar[str] = "w"
    ARG: ClassVar[Arg | None] = NUMBER
    product_id: int


@dataclass(frozen=True, slots=True)
class ScannedCode(Action):
    """Show a barcode read from a photo: one of several codes, or an unsure read the shopper
    has compared with the digits on the pack."""

    TAG: ClassVar[str] = "sc"
    ARG: ClassVar[Arg | None] = GTIN
    gtin: str


@dataclass(frozen=True, slots=True)
class CardDetails(Action):
    """Everything about a product that did not fit on its card."""

    TAG: ClassVar[str] = "pd"
    ARG: ClassVar[Arg | None] = NUMBER
    product_id: int


@dataclass(frozen=True, slots=True)
class ToggleSaved(Action):
    """Star a product (/saved), or unstar it."""

    TAG: ClassVar[str] = "sv"
    ARG: ClassVar[Arg | None] = NUMBER
    product_id: int


@dataclass(frozen=True, slots=True)
class Similar(Action):
    """Certified products of the same category, best label first."""

    TAG: ClassVar[str] = "sim"
    ARG: ClassVar[Arg | None] = NUMBER
    product_id: int


@dataclass(frozen=True, slots=True)
class TryExample(Action):
    """Search for example query number ``n`` (the 🔎 menu button offers three)."""

    TAG: ClassVar[str] = "ex"
    ARG: ClassVar[Arg | None] = NUMBER
    n: int


# -- privacy ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ConfirmForget(Action):
    """Delete everything the bot holds about the user (asked for with /forget)."""

    TAG: ClassVar[str] = "fy"


@dataclass(frozen=True, slots=True)
class CancelForget(Action):
    TAG: ClassVar[str] = "fn"


# -- label guide -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ShowLabel(Action):
    """The guide entry of one label scheme."""

    TAG: ClassVar[str] = "l"
    ARG: ClassVar[Arg | None] = LABEL_CODE
    code: str


@dataclass(frozen=True, slots=True)
class ShowGroup(Action):
    """The label schemes of one group (organic, eco-label, ...)."""

    TAG: ClassVar[str] = "g"
    ARG: ClassVar[Arg | None] = GROUP
    group: str


@dataclass(frozen=True, slots=True)
class LabelGroups(Action):
    """Back to the list of label groups."""

    TAG: ClassVar[str] = "lg"


@dataclass(frozen=True, slots=True)
class NotFooled(Action):
    """How not to be fooled by look-alike labels."""

    TAG: ClassVar[str] = "lf"


# -- tips and language -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NextTip(Action):
    """Tip number ``n`` (wrapping around)."""

    TAG: ClassVar[str] = "t"
    ARG: ClassVar[Arg | None] = NUMBER
    n: int


@dataclass(frozen=True, slots=True)
class SetLanguage(Action):
    TAG: ClassVar[str] = "lang"
    ARG: ClassVar[Arg | None] = LOCALE
    locale: str


# -- shopper reports -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReportMissing(Action):
    """Report a barcode the catalog does not know."""

    TAG: ClassVar[str] = "rm"
    ARG: ClassVar[Arg | None] = GTIN
    gtin: str


@dataclass(frozen=True, slots=True)
class ReportLabel(Action):
    """Report a wrong label on a product card (the reason is asked next)."""

    TAG: ClassVar[str] = "rl"
    ARG: ClassVar[Arg | None] = NUMBER
    product_id: int


@dataclass(frozen=True, slots=True)
class NotifyMe(Action):
    """Tell the reporter when their report is handled."""

    TAG: ClassVar[str] = "rn"
    ARG: ClassVar[Arg | None] = NUMBER
    report_id: int


# -- department officers ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ResolveReport(Action):
    TAG: ClassVar[str] = "ar"
    ARG: ClassVar[Arg | None] = NUMBER
    ADMIN: ClassVar[bool] = True
    report_id: int


@dataclass(frozen=True, slots=True)
class DismissReport(Action):
    TAG: ClassVar[str] = "ad"
    ARG: ClassVar[Arg | None] = NUMBER
    ADMIN: ClassVar[bool] = True
    report_id: int


@dataclass(frozen=True, slots=True)
class ReportsPage(Action):
    """A page of open reports, newest first: ``kind.before`` (all, missing or label; ids
    below ``before``, or the newest when it is 0)."""

    TAG: ClassVar[str] = "arp"
    ARG: ClassVar[Arg | None] = REPORT_PAGE
    ADMIN: ClassVar[bool] = True
    page: str

    @classmethod
    def of(cls, kind: str, before: int = 0) -> ReportsPage:
        return cls(f"{kind}.{before}")

    @property
    def kind(self) -> str:
        return self.page.partition(".")[0]

    @property
    def before(self) -> int:
        return int(self.page.partition(".")[2])


@dataclass(frozen=True, slots=True)
class AddProduct(Action):
    """Start the short form that adds a reported missing product to the catalog."""

    TAG: ClassVar[str] = "afp"
    ARG: ClassVar[Arg | None] = NUMBER
    ADMIN: ClassVar[bool] = True
    report_id: int


@dataclass(frozen=True, slots=True)
class FormChoice(Action):
    """Option ``n`` of one of the form's questions: ``question.n`` (a button of an earlier
    question, pressed late, is recognised as such)."""

    TAG: ClassVar[str] = "afc"
    ARG: ClassVar[Arg | None] = FORM_CHOICE
    ADMIN: ClassVar[bool] = True
    choice: str

    @classmethod
    def of(cls, question: str, n: int) -> FormChoice:
        return cls(f"{question}.{n}")

    @property
    def question(self) -> str:
        return self.choice.partition(".")[0]

    @property
    def n(self) -> int:
        return int(self.choice.partition(".")[2])


@dataclass(frozen=True, slots=True)
class FormSkip(Action):
    """Leave one of the form's optional questions blank."""

    TAG: ClassVar[str] = "afs"
    ARG: ClassVar[Arg | None] = FORM_OPTIONAL
    ADMIN: ClassVar[bool] = True
    question: str


@dataclass(frozen=True, slots=True)
class FormConfirm(Action):
    """Write the finished form for this report to the catalog."""

    TAG: ClassVar[str] = "afy"
    ARG: ClassVar[Arg | None] = NUMBER
    ADMIN: ClassVar[bool] = True
    report_id: int


@dataclass(frozen=True, slots=True)
class FormCancel(Action):
    TAG: ClassVar[str] = "afn"
    ADMIN: ClassVar[bool] = True


@dataclass(frozen=True, slots=True)
class ConfirmImport(Action):
    """Apply a checked catalog upload."""

    TAG: ClassVar[str] = "ai"
    ARG: ClassVar[Arg | None] = TOKEN
    ADMIN: ClassVar[bool] = True
    token: str


@dataclass(frozen=True, slots=True)
class CancelImport(Action):
    """Drop a checked catalog upload."""

    TAG: ClassVar[str] = "ax"
    ARG: ClassVar[Arg | None] = TOKEN
    ADMIN: ClassVar[bool] = True
    token: str


ACTIONS: tuple[type[Action], ...] = (
    ShowProduct,
    MoreResults,
    WhereToBuy,
    ScannedCode,
    CardDetails,
    ToggleSaved,
    Similar,
    TryExample,
    ConfirmForget,
    CancelForget,
    ShowLabel,
    ShowGroup,
    LabelGroups,
    NotFooled,
    NextTip,
    SetLanguage,
    ReportMissing,
    ReportLabel,
    NotifyMe,
    ResolveReport,
    DismissReport,
    ReportsPage,
    AddProduct,
    FormChoice,
    FormSkip,
    FormConfirm,
    FormCancel,
    ConfirmImport,
    CancelImport,
)
_BY_TAG = {cls.TAG: cls for cls in ACTIONS}


def parse(data: str) -> Action | None:
    """The action a pressed button carries; ``None`` when the data is not one we sent."""
    if len(data.encode(errors="replace")) > MAX_BYTES:
        return None
    tag, sep, value = data.partition(":")
    cls = _BY_TAG.get(tag)
    if cls is None or (cls.ARG is None) == bool(sep):
        return None
    if cls.ARG is None:
        return cls()
    if not re.fullmatch(cls.ARG.pattern, value):
        return None
    [field] = fields(cls)
    return cls(int(value) if field.type in (int, "int") else value)  # type: ignore[call-arg]
