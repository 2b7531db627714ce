"""Message catalogs: same keys and placeholders in every language; every key the code uses exists."""

from __future__ import annotations

import re

from bot.i18n import LOCALES, Messages, catalog, pick_locale, placeholders
from tests.conftest import ROOT


def test_languages_have_the_same_keys_and_placeholders() -> None:
    vi, en = catalog("vi"), catalog("en")
    assert set(vi) == set(en)
    for key in vi:
        assert placeholders(vi[key]) == placeholders(en[key]), key


def test_every_key_used_in_code_exists() -> None:
    used: set[str] = set()
    for path in list((ROOT / "bot").glob("*.py")) + list((ROOT / "handlers").glob("*.py")):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.-]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "the pattern should find keys"
    for locale in LOCALES:
        missing = used - set(catalog(locale))
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
