"""Message catalogs: same keys and placeholders in every language; every key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

from bot.admin import ADMIN_COMMANDS
from bot.i18n import LOCALES, Messages, message_texts, pick_locale, placeholders
from catalog import labelcodes
from catalog.cards import Validity
from catalog.gtin import PrefixKind
from catalog.rows import BAG_POLICIES, LABEL_KINDS, STORE_KINDS
from catalog.verdict import Status
from handlers.app import COMMANDS
from tests.conftest import ROOT


def test_languages_have_the_same_keys_and_placeholders() -> None:
    vi, en = message_texts("vi"), message_texts("en")
    assert set(vi) == set(en)
    for key in vi:
        assert placeholders(vi[key]) == placeholders(en[key]), key


def test_every_key_used_in_code_exists() -> None:
    used: set[str] = set()
    for path in _sources("bot", "handlers"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.-]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "the pattern should find keys"
    for locale in LOCALES:
        missing = used - set(message_texts(locale))
        assert not missing, (locale, missing)


def _sources(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def _data_error_codes() -> set[str]:
    """Codes the data-file checks can raise, read from their source."""
    codes = {"required", "invalid"}
    for path in _sources("catalog"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'(?:problem|DataFileError)\(\s*"([a-z_0-9]+)"', text))
        codes |= set(re.findall(r'problems\.add\([^,]+,[^,]+,\s*"([a-z_0-9]+)"', text))
        codes |= {f"unknown_{kind}" for kind in re.findall(r'known\("([a-z_]+)"\)', text)}
    return codes


# Keys built at run time (t(f"groups.{kind}")): every value each prefix can take.
RUNTIME_KEYS: dict[str, tuple[str, ...]] = {
    "card": tuple(v.value for v in Validity),
    "verdict": tuple(s.value for s in Status),
    "codes": labelcodes.KINDS,
    "prefix": tuple(k.value for k in PrefixKind),
    "groups": LABEL_KINDS,
    "store_kinds": STORE_KINDS,
    "bag_policies": BAG_POLICIES,
    "commands": (*COMMANDS, *ADMIN_COMMANDS),
    "data_errors": tuple(_data_error_codes()),
}


def test_every_key_built_at_run_time_exists() -> None:
    prefixes: set[str] = set()
    for path in _sources("bot", "handlers"):
        prefixes |= set(re.findall(r"""\bf["']([a-z_]+)\.\{""", path.read_text(encoding="utf-8")))
    assert prefixes, "the pattern should find f-string keys"
    assert prefixes <= set(RUNTIME_KEYS), f"list the values of {prefixes - set(RUNTIME_KEYS)} in RUNTIME_KEYS"
    assert len(RUNTIME_KEYS["data_errors"]) > 20
    for locale in LOCALES:
        texts = message_texts(locale)
        missing = {f"{p}.{v}" for p, values in RUNTIME_KEYS.items() for v in values} - set(texts)
        assert not missing, (locale, missing)


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
