"""Small talk and questions get answers of their own; a product asked for in a whole sentence is found."""

from __future__ import annotations

import pytest

from bot.chat import small_talk
from bot.core import Core, Incoming
from bot.i18n import Messages
from bot.replies import plain
from tests.texts import says

USER = 11
VI = Messages("vi")


def _say(core: Core, text: str):  # type: ignore[no-untyped-def]
    [reply] = core.handle(Incoming(USER, text=text))
    return reply


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("xin chao", "hello"), ("Chào cháu", "hello"), ("shop ơi", "hello"), ("alo alo", "hello"),
     ("Cảm ơn cháu nhiều", "thanks"), ("cam on nhe", "thanks"), ("thank you!", "thanks"),
     ("Tạm biệt", "bye"), ("bye bye", "bye"), ("ban la ai", "help"), ("what can you do", "help"),
     ("bot nay lam duoc gi", "help"),
     ("ok", "ok"), ("dạ", "ok")],
)  # fmt: skip
def test_small_talk_is_recognised(typed: str, kind: str) -> None:
    assert small_talk(typed) == kind


NOT_CHAT = ["cháo", "cháo gà", "cam", "sua tuoi", "chao long", "hello kitty", "ok " * 9]


@pytest.mark.parametrize("typed", NOT_CHAT)
def test_products_and_other_words_are_no_small_talk(typed: str) -> None:
    assert small_talk(typed) is None  # cháo (porridge) has other marks than chào


def test_greetings_and_thanks_get_an_answer_not_a_failed_search(core: Core) -> None:
    said = (("xin chao", "chat.hello"), ("Cảm ơn cháu nhiều", "chat.thanks"), ("Tạm biệt", "chat.bye"))
    for typed, key in said:
        reply = _say(core, typed)
        assert reply.text == VI(key) and not reply.all_buttons(), typed
    assert says(_say(core, "ban la ai").text, "help.text")
    assert says(_say(core, "cháo").text, "search.no_match", query="cháo")  # porridge is searched


def test_a_question_about_a_label_gets_the_label(core: Core) -> None:
    for typed, name in (("nhan vietgap la gi", "VietGAP"), ("what does the EU organic label mean", "EU")):
        reply = _say(core, typed)
        assert plain(reply.text).splitlines()[0].find(name) >= 0, (typed, reply.text[:80])
        assert not says(reply.text, "search.no_match", query=typed)
    assert len(_say(core, "vietgap").all_buttons()) > 1  # the name alone is a search: the products


@pytest.mark.parametrize(
    ("typed", "name"),
    [("Cho tôi hỏi có rau muống hữu cơ không", "Rau muống hữu cơ"), ("Cháu ơi bà tìm mật ong", "Mật ong"),
     ("cho minh hoi gao st25 o dau ban", "Gạo ST25"), ("where can I buy organic rice", "Gạo"),
     ("Cho mình hỏi bên bạn có bán nước mắm truyền thống không ạ?", "Nước mắm truyền thống"),
     ("Mình đang tìm túi vải canvas để đi chợ.", "Túi vải canvas"), ("Có cà phê Culi không bạn?", "Culi"),
     ("I'm looking for organic rice", "Gạo")],
)  # fmt: skip
def test_a_product_asked_for_in_a_sentence_is_found(core: Core, typed: str, name: str) -> None:
    reply = _say(core, typed)
    shown = [plain(reply.text), *(b.text for b in reply.all_buttons()[:1])]
    assert any(name in s for s in shown), (typed, shown)
