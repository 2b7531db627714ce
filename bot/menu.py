"""The main menu (a reply keyboard of six actions) and the language choice."""

from __future__ import annotations

from functools import cache

from bot import actions
from bot.i18n import LOCALES, Messages, message_texts
from bot.replies import Button, Reply

Keyboard = tuple[tuple[str, ...], ...]


def keyboard(t: Messages) -> Keyboard:
    return (
        (t("menu.search"), t("menu.scan")),
        (t("menu.labels"), t("menu.stores")),
        (t("menu.tips"), t("menu.language")),
    )


@cache
def menu_actions() -> dict[str, str]:
    """Menu button text, in every language, to its action ("search", "scan", ...)."""
    return {
        text: key.removeprefix("menu.")
        for locale in LOCALES
        for key, text in message_texts(locale).items()
        if key.startswith("menu.")
    }


def language_prompt(t: Messages) -> Reply:
    choices = (
        Button("Tiếng Việt", actions.SetLanguage("vi").pack()),
        Button("English", actions.SetLanguage("en").pack()),
    )
    return Reply(t("lang.prompt"), buttons=(choices,))
