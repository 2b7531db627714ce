"""Button actions: every one fits Telegram's 64 bytes, reads back as itself, and forged data is refused."""

from __future__ import annotations

import pytest

from bot import actions, menu, routes
from bot.actions import ACTIONS, MAX_BYTES, Action, parse
from bot.core import Core, Incoming
from bot.i18n import Messages

# The longest legal instance of every action.
LONGEST: list[Action] = [
    actions.ShowProduct(999_999_999),
    actions.MoreResults.of(999_999_999, 999),
    actions.WhereToBuy(999_999_999),
    actions.ScannedCode("9" * 14),
    actions.ShowLabel("A" * 32),
    actions.ShowGroup("good-practice-longer"),
    actions.LabelGroups(),
    actions.NotFooled(),
    actions.NextTip(999_999_999),
    actions.SetLanguage("en"),
    actions.ReportMissing("9" * 14),
    actions.ReportLabel(999_999_999),
    actions.NotifyMe(999_999_999),
    actions.ResolveReport(999_999_999),
    actions.DismissReport(999_999_999),
    actions.ReportsPage.of("missing", 999_999_999),
    actions.AddProduct(999_999_999),
    actions.FormChoice.of("category", 999),
    actions.FormSkip("valid_until"),
    actions.FormConfirm(999_999_999),
    actions.FormCancel(),
    actions.ConfirmImport("x" * 32),
    actions.CancelImport("-" * 32),
    actions.CardDetails(999_999_999),
    actions.ToggleSaved(999_999_999),
    actions.Similar(999_999_999),
    actions.TryExample(999_999_999),
    actions.ConfirmForget(),
    actions.CancelForget(),
]


def test_every_action_has_a_unique_tag_and_an_example() -> None:
    assert len({cls.TAG for cls in ACTIONS}) == len(ACTIONS)
    assert {type(a) for a in LONGEST} == set(ACTIONS)


@pytest.mark.parametrize("cls", ACTIONS, ids=lambda c: c.__name__)
def test_no_action_can_exceed_telegrams_64_bytes(cls: type[Action]) -> None:
    longest = len(cls.TAG) + (1 + cls.ARG.most if cls.ARG else 0)
    assert longest <= MAX_BYTES


@pytest.mark.parametrize("action", LONGEST, ids=lambda a: type(a).__name__)
def test_packed_action_reads_back_as_itself(action: Action) -> None:
    data = action.pack()
    assert len(data.encode()) <= MAX_BYTES
    assert parse(data) == action


def test_label_codes_with_digits_round_trip() -> None:
    assert parse(actions.ShowLabel("C2C").pack()) == actions.ShowLabel("C2C")


@pytest.mark.parametrize(
    "data",
    [
        "",
        "p",
        "p:",
        "p:abc",
        "p:-1",
        "p:1;DROP TABLE product",
        "p:１２",  # fullwidth digits are digits to \d, not to us
        "p:٣",  # Arabic-Indic digit
        "p:1234567890",
        "p:12\n",
        "lg:1",
        "lang:fr",
        "l:nope",
        "rm:123",
        "ai:short",
        "ai:" + "x" * 40,
        "zz:1",
        "x" * 64,
        "é" * 40,
    ],
)
def test_forged_or_malformed_data_is_not_an_action(data: str) -> None:
    assert parse(data) is None


def test_an_action_cannot_be_built_with_a_value_it_could_not_carry() -> None:
    with pytest.raises(ValueError):
        actions.ShowLabel("lower case")
    with pytest.raises(ValueError):
        actions.ShowProduct(-3)
    with pytest.raises(ValueError):
        actions.SetLanguage("fr")


@pytest.mark.parametrize("action", LONGEST, ids=lambda a: type(a).__name__)
def test_every_action_has_a_handler_that_answers(core: Core, action: Action) -> None:
    replies = core.handle(Incoming(42, callback=action.pack()))
    assert replies and all(r.text for r in replies)
    if action.ADMIN:  # user 42 is no officer: an admin button is just out of date for them
        assert [r.text for r in replies] == [Messages("vi")("errors.button_expired")]


def test_every_published_command_and_menu_button_has_a_route() -> None:
    from handlers.app import COMMANDS

    assert set(COMMANDS) <= set(routes.COMMANDS)
    assert set(menu.menu_actions().values()) == set(routes.MENU)
    assert set(routes.BUTTONS) == set(ACTIONS)
