"""Reply model limits: Telegram's 4096-character messages and 64-byte callback data."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.replies import MAX_TEXT, Button, Reply, cut_html, plain


def balanced(text: str) -> bool:
    stack = []
    for closing, tag in re.findall(r"<(/?)(b|i|code|a)\b[^>]*>", text):
        if closing:
            if not stack or stack.pop() != tag:
                return False
        else:
            stack.append(tag)
    return not stack


def test_long_reply_is_cut_within_the_limit_with_tags_closed() -> None:
    line = "<b>Sữa &amp; gạo</b> <i>hữu cơ <code>MAU-1</code></i>\n"
    reply = Reply("<b>" + line * 400 + "</b>")
    assert len(reply.text) <= MAX_TEXT and reply.text.endswith("…")
    assert balanced(reply.text)


@given(
    st.lists(
        st.sampled_from(["<b>", "</b>", "<i>x</i>", "&amp;", "&lt;", "chữ ", "\n", "<code>1</code>"]),
        min_size=1,
        max_size=3000,
    )
)
def test_cutting_never_breaks_tags_or_entities(parts: list[str]) -> None:
    text = "".join(parts)
    cut = cut_html(text, 500)
    assert len(cut) <= 500
    assert not re.search(r"&[a-z]*$", cut.removesuffix("\n…"))
    assert "<" not in cut.removesuffix("\n…").rsplit(">", 1)[-1]


def test_callback_data_over_64_bytes_is_refused() -> None:
    Button("ok", "p:" + "1" * 62)
    with pytest.raises(ValueError):
        Button("too long", "l:" + "Ư" * 32)


def test_plain_text_for_the_console() -> None:
    assert plain("<b>Gạo</b> &amp; <i>sữa</i>") == "Gạo & sữa"
