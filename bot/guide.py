"""Replies of the label guide: groups, the labels of a group, one label, and how not to be fooled."""

from __future__ import annotations

from bot import render
from bot.actions import LabelGroups, NotFooled, ShowGroup, ShowLabel
from bot.i18n import Messages
from bot.render import local, short
from bot.replies import Button, Reply
from catalog.models import LabelScheme
from catalog.rows import LABEL_KINDS

GROUPS = LABEL_KINDS  # in the order the guide shows them


def groups(t: Messages, schemes: list[LabelScheme], edit: bool = False) -> Reply:
    present = {s.kind for s in schemes}
    buttons = [Button(t(f"groups.{g}"), ShowGroup(g).pack()) for g in GROUPS if g in present]
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    rows.append((Button(t("labels.btn_fooled"), NotFooled().pack()),))
    return Reply(t("labels.intro"), buttons=tuple(rows), edit=edit)


def group(t: Messages, schemes: list[LabelScheme], name: str) -> Reply:
    members = [s for s in schemes if s.kind == name]
    if name not in GROUPS or not members:
        return Reply(t("errors.button_expired"))
    rows = [(Button(short(local(s, "name", t.locale)), ShowLabel(s.code).pack()),) for s in members]
    rows.append((Button(t("labels.btn_back"), LabelGroups().pack()),))
    return Reply(t("labels.group_header", group=t(f"groups.{name}")), buttons=tuple(rows), edit=True)


def entry(t: Messages, scheme: LabelScheme | None) -> Reply:
    if scheme is None:
        return Reply(t("labels.unknown"))
    return Reply(
        render.label_entry(t, scheme),
        buttons=(
            (
                Button(t("labels.btn_fooled"), NotFooled().pack()),
                Button(t("labels.btn_back"), LabelGroups().pack()),
            ),
        ),
    )


def fooled(t: Messages) -> Reply:
    return Reply(t("labels.fooled"), buttons=((Button(t("labels.btn_back"), LabelGroups().pack()),),))
