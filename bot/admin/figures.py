"""Usage figures as the officers read them: one text (also printed by the CLI) and a chart."""

from __future__ import annotations

from bot.i18n import Messages
from bot.render import esc, local
from bot.replies import Attachment, Reply
from catalog import stats as figures
from catalog.models import LabelScheme


def stats_text(t: Messages, s: figures.Stats, labels: list[LabelScheme]) -> str:
    names = {x.code: local(x, "name", t.locale) for x in labels}

    def lines(items: list[tuple[str, int]], names: dict[str, str] | None = None) -> str:
        if not items:
            return t("admin.none")
        return "\n".join(f"{n}. {esc((names or {}).get(k, k))}: {c}" for n, (k, c) in enumerate(items, 1))

    return t.raw(
        "admin.stats",
        start=s.start.isoformat(),
        end=s.end.isoformat(),
        users=s.users,
        new_users=s.new_users,
        lookups=s.lookups,
        hit_rate=round(100 * s.hit_rate),
        by_kind=esc(", ".join(f"{k} {n}" for k, n in s.by_kind.items()) or "-"),
        tips=s.tips_sent,
        reports_opened=s.reports_opened,
        reports_resolved=s.reports_resolved,
        top_products=lines(s.top_products),
        top_labels=lines(s.top_labels, names),
        top_missing=lines(s.top_missing),
    )


def chart(t: Messages, s: figures.Stats) -> bytes:
    """Lookups per day and the hit rate, as PNG."""
    return figures.chart_png(s, f"{s.start} – {s.end}", t("admin.chart_lookups"), t("admin.chart_hit_rate"))


def stats_replies(t: Messages, s: figures.Stats, labels: list[LabelScheme]) -> list[Reply]:
    replies = [Reply(stats_text(t, s, labels))]
    if s.per_day:
        replies.append(Reply("", attachment=Attachment("photo", "stats.png", chart(t, s))))
    return replies
