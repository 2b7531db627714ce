"""What each command, menu button and inline button does: the core's routing tables.

Adding a command is one line in ``COMMANDS``; adding a button is a class in ``bot.actions``
and one line in ``BUTTONS`` (a test checks every action has one). Each entry calls the
feature module that answers; none of them holds logic of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot import actions, guide, menu
from bot.i18n import LOCALES, Messages
from bot.incoming import Incoming
from bot.links import parse as deep_link
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.core import Core

Command = Callable[["Core", Incoming, Messages, str], list[Reply]]
MenuAction = Callable[["Core", Incoming, Messages], list[Reply]]
ButtonHandler = Callable[["Core", Incoming, Messages, Any], list[Reply]]


def start(core: Core, msg: Incoming, t: Messages, payload: str) -> list[Reply]:
    """/start, or a deep link: p_<gtin> a product, l_<label> a label, s_<store> a store."""
    welcome = [Reply(t("start.welcome"), keyboard=menu.keyboard(t))]
    link = deep_link(payload) if payload else None
    if link is None:
        return welcome
    kind, value = link
    if kind == "l":
        return [guide.entry(t, core.catalog.label(value))]
    if kind == "s":
        return [core.places.store(t, value)]
    if value.startswith("i") and value[1:].isdecimal():
        return [core.products.by_id(msg.user_id, t, int(value[1:]))]
    if value.isdecimal():
        return core.products.by_gtin(msg.user_id, t, value, kind="link")
    return welcome


def language(core: Core, msg: Incoming, t: Messages, choice: str) -> list[Reply]:
    return set_locale(core, msg, choice) if choice in LOCALES else [menu.language_prompt(t)]


def set_locale(core: Core, msg: Incoming, locale: str) -> list[Reply]:
    core.shoppers.set_locale(msg.user_id, locale)
    t = Messages(locale)
    return [Reply(t("lang.set"), keyboard=menu.keyboard(t))]


def _search(core: Core, msg: Incoming, t: Messages, arg: str) -> list[Reply]:
    return core.search.answer(msg.user_id, t, arg) if arg.strip() else [Reply(t("search.prompt"))]


COMMANDS: dict[str, Command] = {
    "start": lambda core, msg, t, arg: start(core, msg, t, arg.strip()),
    "help": lambda core, msg, t, arg: [Reply(t("help.text"), keyboard=menu.keyboard(t))],
    "history": lambda core, msg, t, arg: [core.shopper_pages.history(msg.user_id, t)],
    "saved": lambda core, msg, t, arg: [core.shopper_pages.saved(msg.user_id, t)],
    "privacy": lambda core, msg, t, arg: [core.shopper_pages.privacy(t)],
    "forget": lambda core, msg, t, arg: [core.shopper_pages.ask_forget(t)],
    "lang": lambda core, msg, t, arg: language(core, msg, t, arg.strip().lower()),
    "language": lambda core, msg, t, arg: language(core, msg, t, arg.strip().lower()),
    "labels": lambda core, msg, t, arg: [guide.groups(t, core.catalog.labels())],
    "stores": lambda core, msg, t, arg: [core.places.start(msg.user_id, t)],
    "tips": lambda core, msg, t, arg: [core.tip_replies.resume(msg.user_id, t)],
    "cancel": lambda core, msg, t, arg: [core.shopper_reports.cancel(msg.user_id, t)],
    "subscribe": lambda core, msg, t, arg: [
        core.tip_replies.subscribe(msg.user_id, msg.chat, t, arg.strip())
    ],
    "unsubscribe": lambda core, msg, t, arg: [core.tip_replies.unsubscribe(msg.user_id, t)],
    "search": _search,
}

MENU: dict[str, MenuAction] = {  # the reply keyboard's six buttons (bot.menu)
    "search": lambda core, msg, t: [core.search.examples(t)],
    "scan": lambda core, msg, t: [Reply(t("search.scan_prompt"))],
    "labels": lambda core, msg, t: [guide.groups(t, core.catalog.labels())],
    "stores": lambda core, msg, t: [core.places.start(msg.user_id, t)],
    "tips": lambda core, msg, t: [core.tip_replies.resume(msg.user_id, t)],
    "language": lambda core, msg, t: language(core, msg, t, ""),
}

BUTTONS: dict[type[actions.Action], ButtonHandler] = {
    actions.ShowProduct: lambda core, msg, t, a: [core.products.by_id(msg.user_id, t, a.product_id)],
    actions.CardDetails: lambda core, msg, t, a: [core.products.details(t, a.product_id)],
    actions.ToggleSaved: lambda core, msg, t, a: core.products.toggle_saved(msg.user_id, t, a.product_id),
    actions.Similar: lambda core, msg, t, a: [core.products.similar(msg.user_id, t, a.product_id)],
    actions.TryExample: lambda core, msg, t, a: core.search.example(msg.user_id, t, a.n),
    actions.ConfirmForget: lambda core, msg, t, a: [core.shopper_pages.forget(msg.user_id, t)],
    actions.CancelForget: lambda core, msg, t, a: [Reply(t("forget.kept"), edit=True)],
    actions.MoreResults: lambda core, msg, t, a: core.search.more(msg.user_id, t, a.list_id, a.offset),
    actions.WhereToBuy: lambda core, msg, t, a: [core.places.where(msg.user_id, t, a.product_id)],
    actions.ScannedCode: lambda core, msg, t, a: core.products.by_gtin(msg.user_id, t, a.gtin, "photo"),
    actions.ShowLabel: lambda core, msg, t, a: [guide.entry(t, core.catalog.label(a.code))],
    actions.ShowGroup: lambda core, msg, t, a: [guide.group(t, core.catalog.labels(), a.group)],
    actions.LabelGroups: lambda core, msg, t, a: [guide.groups(t, core.catalog.labels(), edit=True)],
    actions.NotFooled: lambda core, msg, t, a: [guide.fooled(t)],
    actions.NextTip: lambda core, msg, t, a: [core.tip_replies.tip(msg.user_id, t, a.n, edit=True)],
    actions.SetLanguage: lambda core, msg, t, a: set_locale(core, msg, a.locale),
    actions.ReportMissing: lambda core, msg, t, a: core.shopper_reports.missing(msg, t, a.gtin),
    actions.ReportLabel: lambda core, msg, t, a: core.shopper_reports.ask_reason(
        msg.user_id, t, a.product_id
    ),
    actions.NotifyMe: lambda core, msg, t, a: core.shopper_reports.notify_me(msg.user_id, t, a.report_id),
    actions.ResolveReport: lambda core, msg, t, a: core.admin.close_report(msg.user_id, t, a.report_id, True),
    actions.DismissReport: lambda core, msg, t, a: core.admin.close_report(
        msg.user_id, t, a.report_id, False
    ),
    actions.ReportsPage: lambda core, msg, t, a: core.admin.reports_page(msg.user_id, t, a),
    actions.AddProduct: lambda core, msg, t, a: core.admin.form.start(msg.user_id, t, a.report_id),
    actions.FormChoice: lambda core, msg, t, a: core.admin.form.choose(msg.user_id, t, a.question, a.n),
    actions.FormSkip: lambda core, msg, t, a: core.admin.form.skip(msg.user_id, t, a.question),
    actions.FormConfirm: lambda core, msg, t, a: core.admin.form.confirm(msg.user_id, t, a.report_id),
    actions.FormCancel: lambda core, msg, t, a: core.admin.form.cancel(msg.user_id, t),
    actions.ConfirmImport: lambda core, msg, t, a: core.admin.confirm(msg.user_id, t, a.token, apply=True),
    actions.CancelImport: lambda core, msg, t, a: core.admin.confirm(msg.user_id, t, a.token, apply=False),
}
