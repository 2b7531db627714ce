import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from catalog.text import fold, tokens

VIETNAMESE = "aàảãáạăằẳẵắặâầẩẫấậđeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵ"


def test_folds_vietnamese_to_plain_letters() -> None:
    assert fold("Sữa tươi HỮU CƠ") == "sua tuoi huu co"
    assert fold("Đồng Đăng, Đà Lạt!") == "dong dang da lat"
    assert fold("  Gạo   ST25 – 5kg ") == "gao st25 5kg"


def test_wrong_diacritics_fold_to_the_same_text() -> None:
    assert fold("sưa tuoi hưu co") == fold("sữa tươi hữu cơ") == fold("sua tuoi huu co")


def test_decomposed_input_matches_composed() -> None:
    composed = "Nước mắm Phú Quốc"
    assert fold(unicodedata.normalize("NFD", composed)) == fold(composed) == "nuoc mam phu quoc"


@given(st.text(max_size=80))
def test_fold_is_idempotent_and_plain(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in folded)
    assert folded == folded.strip() and "  " not in folded


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ", max_size=40))
def test_every_vietnamese_letter_folds_to_a_base_letter(text: str) -> None:
    folded = fold(text)
    assert set(folded) <= set("abcdefghijklmnopqrstuvwxyz ")
    assert len(folded.replace(" ", "")) == len(text.replace(" ", ""))


@given(st.text(max_size=60))
def test_case_and_normal_form_do_not_matter(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower()) or fold(text.upper()) == fold(text.casefold().upper())
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


def test_tokens() -> None:
    assert tokens("Bóng đèn LED 9W") == ["bong", "den", "led", "9w"]
    assert tokens("…") == []
