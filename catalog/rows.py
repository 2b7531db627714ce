"""One row model per data file the department edits, and the check every loader runs.

Each model's fields are the file's columns (see data/README.md); adding a column means
adding a field here and a line there. A problem in a cell becomes a ``RowError`` with the
line, the column, a code and its values; the bot renders it from the message files
(``data_errors.<code>``), so an officer reads it in their own language.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

from catalog import datafile
from catalog import gtin as gtins
from catalog.clean import ascii_digits, clean_cell, control_char
from catalog.safecsv import restore
from catalog.text import fold

MAX_FIELD_CHARS = 2000
MAX_ERRORS = 1000

# Closed vocabularies: each value has a text in the message files (a test checks it).
LABEL_KINDS = ("organic", "eco-label", "energy", "good-practice", "forest", "seafood", "social", "textile")
STORE_KINDS = ("supermarket", "trade_centre", "market", "organic_shop", "convenience")
BAG_POLICIES = ("no_plastic", "paper", "rent_reusable", "byo", "leaf_wrap")
TIP_TOPICS = ("market", "supermarket", "refill", "street_food", "takeaway", "delivery", "bags", "law")
_TRUE = {"yes", "y", "true", "1", "co", "x"}
_FALSE = {"", "no", "n", "false", "0", "khong"}


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one cell: line number in the file, column name, code and its values."""

    line: int
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"line {self.line}, {self.column}: {self.code}" + (f" ({details})" if details else "")


class DataValidationError(ValueError):
    """Rows with problems (the first ``MAX_ERRORS`` of ``total``); nothing has been written."""

    def __init__(self, errors: list[RowError], total: int, file: str = "") -> None:
        super().__init__(
            f"{file + ': ' if file else ''}{total} problem(s); first: {errors[0] if errors else '-'}"
        )
        self.errors = errors
        self.total = total
        self.file = file


class Problems:
    """Collects row errors, keeping the first ``MAX_ERRORS`` and counting all."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.total = 0

    def add(self, line: int, column: str, code: str, **params: Any) -> None:
        self.total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, column, code, params))

    def raise_any(self, file: str = "") -> None:
        if self.total:
            raise DataValidationError(self.errors, self.total, file)


def problem(code: str, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(code, code, params)


# -- cell types -------------------------------------------------------------------------------
def _text(value: object) -> str:
    text = str(value or "")
    if text.isprintable():  # the usual cell: no control or invisible character to look for
        text = unicodedata.normalize("NFC", text).strip()  # all clean_cell does to such text
    else:
        bad = control_char(text)
        if bad is not None:
            raise problem("control_char", char=f"U+{ord(text[bad - 1]):04X}", at=bad)
        text = clean_cell(text)
    if text.startswith("'"):
        text = restore(text)  # "'-5%" as exported is "-5%" (catalog.safecsv)
    if len(text) > MAX_FIELD_CHARS:
        raise problem("too_long", limit=MAX_FIELD_CHARS)
    return text


def _required(value: str) -> str:
    if not value:
        raise problem("required")
    return value


def _yes_no(value: object) -> bool:
    folded = fold(str(value or ""))
    if folded not in _TRUE | _FALSE:
        raise problem("not_yes_no", value=value)
    return folded in _TRUE


def _number(value: object) -> float:
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        raise problem("not_number", value=value) from None


def _whole_number(value: object) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise problem("not_number", value=value)
    return int(text)


# Dates a cell may hold. Only unambiguous ones: 03/04/2027 is 3 April in Hà Nội and 4 March
# in a sheet saved with US settings, so a day/month date is taken only when the day is over 12
# (or equals the month); anything else must be written YYYY-MM-DD.
DATE_FORMATS = "YYYY-MM-DD, DD/MM/YYYY"
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def _day(value: object) -> date | None:
    text = _text(value).strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        with contextlib.suppress(ValueError):  # the usual YYYY-MM-DD, read in C
            return date.fromisoformat(text)
    if m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise problem("bad_date", value=text, formats=DATE_FORMATS)
    try:
        found = date(year, month, day)
    except ValueError:
        raise problem("bad_date", value=text, formats=DATE_FORMATS) from None
    if m.re is _DMY and day <= 12 and day != month:
        raise problem("ambiguous_date", value=text, formats=DATE_FORMATS)
    return found


def _gtin(value: object) -> str | None:
    raw = ascii_digits(_text(value)).replace(" ", "").replace("-", "")
    if not raw:
        return None
    if "e+" in raw.lower() or "." in raw:
        raise problem("gtin_mangled", value=raw)
    try:
        return gtins.normalise(raw)
    except gtins.BadCheckDigitError:
        raise problem("gtin_check_digit", value=raw) from None
    except ValueError:
        raise problem("gtin_invalid", value=raw) from None


def one_of(choices: Iterable[str], blank_ok: bool = False) -> AfterValidator:
    allowed = tuple(choices)

    def check(value: str) -> str:
        if value not in allowed and not (blank_ok and not value):
            raise problem("not_one_of", value=value, valid=", ".join(allowed))
        return value

    return AfterValidator(check)


def known(kind: str) -> AfterValidator:
    """A code that must exist elsewhere (``context[kind]``: label or category codes)."""

    def check(value: str, info: ValidationInfo) -> str:
        valid = (info.context or {}).get(kind)
        if value and valid is not None and value not in valid:
            raise problem(f"unknown_{kind}", value=value, valid=", ".join(sorted(valid)))
        return value

    return AfterValidator(check)


def in_range(low: float, high: float) -> AfterValidator:
    def check(value: float) -> float:
        if not low <= value <= high:
            raise problem("out_of_range", value=value, low=low, high=high)
        return value

    return AfterValidator(check)


Text = Annotated[str, BeforeValidator(_text)]
Required = Annotated[str, BeforeValidator(_text), AfterValidator(_required)]
Code = Annotated[str, BeforeValidator(lambda v: _text(v).upper()), AfterValidator(_required)]
YesNo = Annotated[bool, BeforeValidator(_yes_no)]
Number = Annotated[float, BeforeValidator(_number)]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Day = Annotated[date | None, BeforeValidator(_day)]
Gtin = Annotated[str | None, BeforeValidator(_gtin)]


def _not_before_start(value: date | None, info: ValidationInfo) -> date | None:
    start = info.data.get("valid_from")
    if value and start and value < start:
        raise problem("dates_reversed")
    return value


def _pattern(pattern: str) -> AfterValidator:
    def check(value: str) -> str:
        if not re.fullmatch(pattern, value):
            raise problem("bad_code", value=value)
        return value

    return AfterValidator(check)


class Row(BaseModel):
    """A row of a data file; defaults are checked too, so a missing required column is caught."""

    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)
    # Columns that must be in the header (the others may be left out of a file).
    REQUIRED_COLUMNS: ClassVar[tuple[str, ...]] = ()


# -- the files --------------------------------------------------------------------------------
class CatalogRow(Row):
    """data/ecolabel.csv and uploads: one certification of one product."""

    REQUIRED_COLUMNS = ("gtin", "name_vi", "category", "label")

    gtin: Gtin = None
    name_vi: Required
    name_en: Text = ""
    brand: Text = ""
    producer: Text = ""
    category: Annotated[Required, known("category")]
    label: Annotated[Code, known("label")]
    label_detail: Text = ""
    certificate_no: Text = ""
    certifier: Text = ""
    valid_from: Day = None
    valid_until: Annotated[Day, AfterValidator(_not_before_start)] = None
    source: Required
    source_date: Day = None
    sample: YesNo = False


COLUMNS = list(CatalogRow.model_fields)


class LabelRow(Row):
    """data/labels.csv: a label scheme and its guide texts."""

    REQUIRED_COLUMNS = ("code", "kind", "name_vi", "name_en")

    code: Annotated[Code, _pattern(r"[A-Z0-9_]{2,32}")]
    kind: Annotated[Required, one_of(LABEL_KINDS)]
    strength: Annotated[WholeNumber, in_range(1, 5)] = 3
    name_vi: Required
    name_en: Required
    issuer_vi: Text = ""
    issuer_en: Text = ""
    meaning_vi: Text = ""
    meaning_en: Text = ""
    not_vi: Text = ""
    not_en: Text = ""
    looks_vi: Text = ""
    looks_en: Text = ""
    verify_vi: Text = ""
    verify_en: Text = ""
    validity_vi: Text = ""
    validity_en: Text = ""
    source_vi: Text = ""
    source_en: Text = ""


class CategoryRow(Row):
    """data/categories.csv: a shelf category."""

    REQUIRED_COLUMNS = ("code", "name_vi", "name_en")

    code: Annotated[Required, _pattern(r"[a-z0-9_]{2,40}")]
    name_vi: Required
    name_en: Required
    keywords: Text = ""
    tip_topic: Annotated[Text, one_of(TIP_TOPICS, blank_ok=True)] = ""


class TipRow(Row):
    """data/tips.csv: one plastic-free tip."""

    REQUIRED_COLUMNS = ("id", "topic", "text_vi", "text_en")

    id: WholeNumber
    topic: Annotated[Required, one_of(TIP_TOPICS)]
    text_vi: Required
    text_en: Required
    source: Text = ""


class RetailerRow(Row):
    """data/retailers.csv: a partner store."""

    REQUIRED_COLUMNS = ("code", "name", "kind", "lat", "lon")

    code: Required
    name: Required
    kind: Annotated[Required, one_of(STORE_KINDS)]
    address: Text = ""
    ward: Text = ""
    district: Text = ""
    lat: Annotated[Number, in_range(-90, 90)]
    lon: Annotated[Number, in_range(-180, 180)]
    hours: Text = ""
    product_kinds: Text = ""
    bag_policy: Annotated[Required, one_of(BAG_POLICIES)]
    sample: YesNo = False


class RetailerProductRow(Row):
    """data/retailer_products.csv: a store sells a catalog product."""

    REQUIRED_COLUMNS = ("retailer", "gtin")

    retailer: Required
    gtin: Annotated[Gtin, AfterValidator(lambda v: _required(v or ""))]


class OffLabelRow(Row):
    """data/off_labels.csv: an Open Food Facts label tag and the label code it stands for."""

    REQUIRED_COLUMNS = ("tag", "label")

    tag: Required
    label: Annotated[Code, known("label")]


class OffCategoryRow(Row):
    """data/off_categories.csv: an Open Food Facts category tag and our category."""

    REQUIRED_COLUMNS = ("tag", "category")

    tag: Required
    category: Annotated[Required, known("category")]


# -- checking ---------------------------------------------------------------------------------
M = TypeVar("M", bound=Row)


def check(
    model: type[M],
    header: list[str],
    rows: Iterable[datafile.Row],
    problems: Problems,
    context: dict[str, Any] | None = None,
) -> Iterator[tuple[int, M]]:
    """Valid rows with their line numbers; every problem goes to ``problems``."""
    wanted = set(model.model_fields)
    for line, values in rows:
        if len(values) != len(header):
            problems.add(line, "*", "wrong_count", expected=len(header), found=len(values))
            continue
        data = {h: v for h, v in zip(header, values, strict=True) if h in wanted}
        try:
            yield line, model.model_validate(data, context=context)
        except ValidationError as exc:
            for e in exc.errors(include_url=False):
                column = str(e["loc"][0]) if e["loc"] else "*"
                code = "required" if e["type"] == "missing" else e["type"]
                problems.add(line, column, code, **(e.get("ctx") or {}))


def load(path: Path, model: type[M], context: dict[str, Any] | None = None) -> list[M]:
    """Every row of a bundled data file, or an error naming the file, line and column."""
    try:
        text = datafile.decode(datafile.read_bytes(path))
        header, body = datafile.rows(text, model.REQUIRED_COLUMNS, model.model_fields)
        problems = Problems()
        found = [row for _, row in check(model, header, body, problems, context)]
    except datafile.DataFileError as exc:
        exc.file = str(path)
        raise
    problems.raise_any(str(path))
    return found
