"""Message catalogs: same keys and placeholders in every language; every key the code uses
exists (also keys built at run time); no message is left unused; plural forms are chosen."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

from bot import chat
from bot.admin import ADMIN_COMMANDS
from bot.i18n import LOCALES, Messages, message_keys, message_texts, pick_locale
from catalog import labelcodes
from catalog.cards import Validity
from catalog.gtin import PrefixKind
from catalog.rows import BAG_POLICIES, LABEL_KINDS, STORE_KINDS
from catalog.scan_quality import Advice
from catalog.verdict import Status
from handlers.app import COMMANDS
from tests.conftest import ROOT


def test_languages_have_the_same_keys_and_placeholders() -> None:
    vi, en = message_keys("vi"), message_keys("en")
    assert set(vi) == set(en)
    for key in vi:
        assert vi[key] == en[key], key


def _code_files() -> list[Path]:
    return [p for folder in ("bot", "handlers", "webapp") for p in sorted((ROOT / folder).glob("**/*.py"))]


def _data_error_codes() -> set[str]:
    """Codes the data-file checks can raise, read from their source."""
    codes = {"required", "invalid"}
    for path in sorted((ROOT / "catalog").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'(?:problem|DataFileError)\(\s*"([a-z_0-9]+)"', text))
        codes |= set(re.findall(r'problems\.add\([^,]+,[^,]+,\s*"([a-z_0-9]+)"', text))
        codes |= {f"unknown_{kind}" for kind in re.findall(r'known\("([a-z_]+)"\)', text)}
    return codes


def _runtime_values() -> dict[str, set[str]]:
    """What each key built at run time (t(f"codes.{kind}")) can become, from its source."""
    return {
        "card.": {v.value for v in Validity},
        "verdict.": {s.value for s in Status},
        "codes.": set(labelcodes.KINDS),
        "prefix.": {k.value for k in PrefixKind},
        "groups.": set(LABEL_KINDS),
        "store_kinds.": set(STORE_KINDS),
        "bag_policies.": set(BAG_POLICIES),
        "commands.": {*COMMANDS, *ADMIN_COMMANDS},
        "data_errors.": _data_error_codes(),
        "scan.advice_": {a.value for a in Advice},
        "chat.": set(chat.INTENTS) - {"help"},  # help answers with help.text
    }


def _keys_in_code() -> tuple[set[str], set[str]]:
    """Literal strings that name a message (section.key), and the f-string prefixes."""
    sections = {key.split(".")[0] for key in message_keys("vi")}
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in _code_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        fstrings = [node for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)]
        in_fstrings = {id(part) for node in fstrings for part in node.values}
        for node in ast.walk(tree):
            plain_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if plain_text and id(node) not in in_fstrings:
                head, dot, rest = node.value.partition(".")
                if dot and head in sections and rest and " " not in rest and not rest.endswith("."):
                    literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and len(node.values) >= 2:
                first = node.values[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    head, dot, rest = first.value.partition(".")
                    if dot and head in sections and " " not in rest:
                        prefixes.add(first.value)
    return literals, prefixes


def test_every_key_the_code_names_exists() -> None:
    literals, _ = _keys_in_code()
    assert len(literals) > 100, "the scan should find the keys"
    for locale in LOCALES:
        missing = literals - set(message_keys(locale))
        assert not missing, (locale, missing)


def test_keys_built_at_run_time_exist() -> None:
    _, prefixes = _keys_in_code()
    values = _runtime_values()
    assert prefixes <= set(values), f"register how these keys are built: {prefixes - set(values)}"
    assert len(values["data_errors."]) > 20
    for locale in LOCALES:
        keys = set(message_keys(locale))
        for prefix in prefixes:
            missing = {prefix + v for v in values[prefix]} - keys
            assert not missing, (locale, missing)


def test_no_message_is_unused() -> None:
    literals, prefixes = _keys_in_code()
    values = _runtime_values()
    used = literals | {p + v for p in prefixes for v in values[p]}
    # menu texts are matched in bulk; the scanning page gets its section and the verdicts whole
    used |= {k for k in message_keys("vi") if k.startswith(("menu.", "webapp.", "verdict."))}
    unused = set(message_keys("vi")) - used
    assert not unused, unused


def test_english_plurals_and_vietnamese_numbers() -> None:
    en, vi = Messages("en"), Messages("vi")
    assert en("search.list_header", count=1, query="x").startswith("I found 1 product matching")
    assert en("search.list_header", count=2, query="x").startswith("I found 2 products matching")
    assert en("stores.area_line", area="Ba Đình", count=1) == "• Ba Đình: 1 store"
    assert vi("search.list_header", count="1.234", query="x").startswith("Mình tìm được 1.234 sản phẩm")


def test_values_are_html_escaped() -> None:
    text = Messages("vi")("search.no_match", query="<b>x</b> & y")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in text


def test_locale_choice() -> None:
    assert pick_locale(None, "vi") == "vi"
    assert pick_locale(None, "vi-VN") == "vi"
    assert pick_locale(None, "en-US") == "en"
    assert pick_locale(None, "fr") == "en"
    assert pick_locale(None, None) == "vi"
    assert pick_locale("en", "vi") == "en"
    assert pick_locale("xx", "vi") == "vi"


def test_help_example_barcode_is_in_the_bundled_catalog() -> None:
    with open(ROOT / "data" / "ecolabel.csv", encoding="utf-8", newline="") as fh:
        gtins = {row["gtin"] for row in csv.DictReader(fh)}
    for locale in LOCALES:
        text = message_texts(locale)["help.text"]
        numbers = [w.strip("<>/i,.") for w in text.split() if sum(ch.isdigit() for ch in w) >= 8]
        assert numbers, locale
        assert all(n in gtins for n in numbers), (locale, numbers)
