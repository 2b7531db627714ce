"""Plastic-free tips: one at a time on request, and once a day for subscribers."""

from __future__ import annotations

import re

from bot import actions
from bot.i18n import Messages
from bot.render import esc, local
from bot.replies import Button, Reply
from catalog.subscriptions import Subscriptions
from catalog.tips import TipBook
from catalog.usage import UsageLog

# 7, 7h, 7h00, 07:00, 7 giờ, 7g, 7h30: the hour and, when written, the minutes.
_TIME = re.compile(r"(\d{1,2})\s*(?:h|g|giờ|gio|:)?\s*(\d{2})?", re.IGNORECASE)


class Tips:
    def __init__(self, tips: TipBook, usage: UsageLog, subscriptions: Subscriptions) -> None:
        self.tips = tips
        self.usage = usage
        self.subscriptions = subscriptions

    def tip(self, user_id: int, t: Messages, n: int, edit: bool = False) -> Reply:
        """Tip number ``n`` (wrapping around) with a button to the next one."""
        if not len(self.tips):
            return Reply(t("errors.unsupported"))
        n %= len(self.tips)
        self.usage.record(user_id, "tip", True, t.locale)
        text = "\n".join([t("tips.header", n=n + 1, total=len(self.tips)), self._text(t, n)])
        return Reply(text, buttons=self._next(t, n), edit=edit)

    def daily(self, user_id: int, locale: str, n: int) -> Reply:
        """The message a subscriber gets once a day."""
        t = Messages(locale)
        n %= len(self.tips)
        self.usage.record(user_id, "tip", True, locale)
        return Reply("\n".join([t("tips.daily"), self._text(t, n)]), buttons=self._next(t, n))

    def subscribe(self, user_id: int, chat_id: int, t: Messages, arg: str) -> Reply:
        """``/subscribe 7`` (or 7h, 07:00): a tip every day at that hour, Hà Nội time."""
        if not arg:
            return Reply(t("tips.subscribe_prompt"))
        typed = _TIME.fullmatch(arg.strip())
        if not typed or not 0 <= int(typed[1]) <= 23 or int(typed[2] or 0) > 59:
            return Reply(t("tips.bad_hour"))
        hour = int(typed[1])
        if int(typed[2] or 0):  # tips go out on the hour: offer the hours either side
            return Reply(t("tips.on_the_hour", hour=hour, later=(hour + 1) % 24))
        self.subscriptions.subscribe(user_id, chat_id, hour, t.locale)
        return Reply(t("tips.subscribed", hour=f"{hour:02d}"))

    def unsubscribe(self, user_id: int, t: Messages) -> Reply:
        done = self.subscriptions.unsubscribe(user_id)
        return Reply(t("tips.unsubscribed" if done else "tips.not_subscribed"))

    def _text(self, t: Messages, n: int) -> str:
        return esc(local(self.tips[n], "text", t.locale))

    def _next(self, t: Messages, n: int) -> tuple[tuple[Button, ...], ...]:
        return ((Button(t("tips.next"), actions.NextTip((n + 1) % len(self.tips)).pack()),),)
