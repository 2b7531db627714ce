"""Plastic-free tips: one at a time on request, and once a day for subscribers."""

from __future__ import annotations

import re
from datetime import time

from bot import actions, fmt
from bot.i18n import Messages
from bot.render import esc, local
from bot.replies import Button, Reply
from catalog.shoppers import ShopperStore
from catalog.subscriptions import Subscriptions
from catalog.tips import TipBook
from catalog.usage import UsageLog

# "7", "7h", "7h30", "7:30", "07:30", "7 giờ", "7 giờ 30", "7.30"
_TIME = re.compile(r"^(\d{1,2})\s*(?:(?:h|g|giờ|gio|:|\.)\s*(\d{2})?\s*(?:p|phút|phut)?)?$", re.IGNORECASE)


def parse_time(text: str) -> tuple[int, int] | None:
    """Hour and minute of a time a shopper types, or None when it is not one."""
    m = _TIME.match(text.strip())
    if not m:
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    return (hour, minute) if hour <= 23 and minute <= 59 else None


class Tips:
    def __init__(
        self, tips: TipBook, usage: UsageLog, subscriptions: Subscriptions, shoppers: ShopperStore
    ) -> None:
        self.tips = tips
        self.usage = usage
        self.subscriptions = subscriptions
        self.shoppers = shoppers

    def resume(self, user_id: int, t: Messages) -> Reply:
        """/tips: the tip after the last one this shopper read."""
        shopper = self.shoppers.get(user_id)
        return self.tip(user_id, t, shopper.next_tip if shopper else 0)

    def tip(self, user_id: int, t: Messages, n: int, edit: bool = False) -> Reply:
        """Tip number ``n`` (wrapping around) with a button to the next one."""
        if not len(self.tips):
            return Reply(t("errors.unsupported"))
        n %= len(self.tips)
        self.shoppers.set_next_tip(user_id, (n + 1) % len(self.tips))
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
        """``/subscribe 7`` (or 7h, 7h30, 07:30): a tip every day at that time, Hà Nội time."""
        if not arg:
            return Reply(t("tips.subscribe_prompt"))
        when = parse_time(arg)
        if when is None:
            return Reply(t("tips.bad_hour"))
        self.subscriptions.subscribe(user_id, chat_id, when[0], t.locale, minute=when[1])
        return Reply(t("tips.subscribed", time=fmt.clock(time(*when), t.locale)))

    def unsubscribe(self, user_id: int, t: Messages) -> Reply:
        done = self.subscriptions.unsubscribe(user_id)
        return Reply(t("tips.unsubscribed" if done else "tips.not_subscribed"))

    def _text(self, t: Messages, n: int) -> str:
        return esc(local(self.tips[n], "text", t.locale))

    def _next(self, t: Messages, n: int) -> tuple[tuple[Button, ...], ...]:
        return ((Button(t("tips.next"), actions.NextTip((n + 1) % len(self.tips)).pack()),),)
