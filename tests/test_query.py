"""Query understanding: keystrokes, syllables, sizes, abbreviations, and what the index makes of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.query import QueryReader, index_words, load_abbreviations, normalise_units, strip_chat
from catalog.search import SearchDoc, SearchIndex
from catalog.vietnamese import decode_telex, decode_vni, is_syllable, marks_of


@pytest.mark.parametrize(
    ("typed", "word"),
    [("suwax", "sữa"), ("tuwowi", "tươi"), ("nuwowcs", "nước"), ("nuwocs", "nước"), ("ddieeuf", "điều"),
     ("mawms", "mắm"), ("rwngf", "rừng"), ("ddor", "đỏ"), ("cow", "cơ")],
)  # fmt: skip
def test_telex_keys_typed_with_the_keyboard_off(typed: str, word: str) -> None:
    decoded = decode_telex(typed)
    assert decoded is not None and marks_of(decoded) == marks_of(word)


@pytest.mark.parametrize(
    ("typed", "word"),
    [("su7a4", "sữa"), ("tu7o7i", "tươi"), ("ca2", "cà"), ("phe6", "phê"), ("d9ie6u2", "điều"),
     ("ma81m", "mắm")],
)  # fmt: skip
def test_vni_keys_typed_with_the_keyboard_off(typed: str, word: str) -> None:
    decoded = decode_vni(typed)
    assert decoded is not None and marks_of(decoded) == marks_of(word)


@pytest.mark.parametrize("typed", ["st25", "e27", "r32", "9000btu", "organic", "xanh", "led", "qwe", "twe"])
def test_model_numbers_and_plain_words_are_not_keystrokes(typed: str) -> None:
    assert decode_vni(typed) is None if any(c.isdigit() for c in typed) else decode_telex(typed) is None


def test_syllable_shape() -> None:
    assert all(map(is_syllable, ["nghieng", "quat", "giay", "tuoi", "ong", "xa"]))
    assert not any(map(is_syllable, ["moung", "cuha", "gaiy", "farm", "test", "alo"]))


def test_tone_position_does_not_matter_but_marks_do() -> None:
    assert marks_of("hoà") == marks_of("hòa")
    assert marks_of("tươi") != marks_of("tuổi")


@pytest.mark.parametrize(
    ("text", "words"),
    [("Sữa 1L", ["sua", "1000ml"]), ("1000 ml", ["1000ml"]), ("0.5kg", ["500g"]), ("2,5kg", ["2500g"]),
     ("500gr", ["500g"]), ("tủ lạnh 500 lít", ["tu", "lanh", "500000ml"]), ("20 chiếc", ["20chiec"]),
     ("12000BTU", ["12000", "btu"]), ("70gsm", ["70", "gsm"]), ("nửa lít", ["500ml"]), ("nua kg", ["500g"]),
     ("1 ky", ["1000g"]), ("hộp 10 quả", ["hop", "10chiec"]), ("12 cuộn", ["12chiec"]),
     ("180 to", ["180chiec"]), ("12k btu", ["12000", "btu"]), ("1 ngựa", ["1", "hp"]), ("1HP", ["1", "hp"]),
     ("1,5 ngựa", ["1", "5", "hp"]), ("bồn 1000L", ["bon", "1000000ml"]), ("2,5g", ["2p5g"])],
)  # fmt: skip
def test_pack_sizes_become_one_quantity(text: str, words: list[str]) -> None:
    assert index_words(text) == words


def test_units_inside_words_are_left_alone() -> None:
    assert normalise_units("khoai lang 1kg") == "khoai lang  1000g "
    assert "ml" not in normalise_units("1 lớp")


def test_abbreviation_file_can_be_extended(tmp_path: Path) -> None:
    path = tmp_path / "abbreviations.csv"
    path.write_text("short,expansion,note\nnc,nước,\nbc,bắp cải,added by the department\n", encoding="utf-8")
    reader = QueryReader({"nuoc", "mam", "bap", "cai"}, abbreviations=load_abbreviations(path))
    assert [w.text for w in reader.read("nc mam")] == ["nuoc", "mam"]
    assert [w.text for w in reader.read("bc")] == ["bap", "cai"]


def test_catalog_words_win_over_abbreviations() -> None:
    reader = QueryReader({"nc", "mam"}, abbreviations={"nc": "nước"})
    assert [w.text for w in reader.read("nc mam")] == ["nc", "mam"]


def test_run_together_and_split_syllables() -> None:
    reader = QueryReader({"sua", "tuoi", "nuoc", "mam", "tu", "lanh"})
    assert [w.text for w in reader.read("suatuoi")] == ["sua", "tuoi"]
    assert [w.text for w in reader.read("nuoc m am")] == ["nuoc", "mam"]
    assert [w.text for w in reader.read("s ua tuoi")] == ["sua", "tuoi"]
    assert [w.text for w in reader.read("tu lanh")] == ["tu", "lanh"]  # both known: nothing joined
    words = QueryReader({"cafe", "ca", "lumiviet", "den"})
    assert [w.text for w in words.read("ca fe")] == ["cafe"]  # "fe" is no word: one catalog word, no syllable
    assert [w.text for w in words.read("lumi viet den")] == ["lumiviet", "den"]


def _index() -> SearchIndex:
    return SearchIndex(
        [
            SearchDoc(1, "Sữa tươi hữu cơ không đường 1L"),
            SearchDoc(2, "Sữa bột hữu cơ cho trẻ 1-3 tuổi 800g"),
            SearchDoc(3, "Sữa chua ăn hữu cơ"),
            SearchDoc(4, "Bưởi Diễn quả 1,2kg"),
            SearchDoc(5, "Áo sơ mi linen"),
            SearchDoc(6, "Sữa tươi có đường 180ml"),
            SearchDoc(7, "Rau muống bó 500g"),
            SearchDoc(8, "Rau mồng tơi 300g"),
        ]
    )


def test_marks_the_shopper_typed_are_evidence() -> None:
    index = _index()
    assert index.search("sữa cho trẻ tuổi")[0].product_id == 2
    assert {h.product_id for h in index.search("sữa tươi")} == {1, 6}  # "tuổi" is another word
    assert 2 in {h.product_id for h in index.search("sua cho tre tuoi")}  # without marks it stays possible
    assert index.search("sữa bột tuổi")[0].score > index.search("sữa bột tươi")[0].score
    assert index.search("tuổi") == []  # one syllable inside a name names no product


def test_swapped_letters_are_one_edit() -> None:
    assert _index().search("rau moung")[0].product_id == 7
    assert _index().search("sua cuha")[0].product_id == 3


def test_sizes_are_matched_as_quantities() -> None:
    index = _index()
    assert index.search("sua tuoi 1000ml")[0].product_id == 1
    assert index.search("sua tuoi 0.18l")[0].product_id == 6


def test_look_alike_syllables_do_not_make_a_match() -> None:
    index = _index()
    assert index.search("quat dien") == []  # quạt điện: not "quả" + "Diễn"
    assert index.search("banh mi") == []  # not "sơ mi"
    assert index.search("lol") == [] and index.search("500ml") == []


def test_one_ordinary_word_of_a_brand_names_no_product() -> None:
    index = SearchIndex(
        [
            SearchDoc(1, "Nước rửa bình sữa Sạch Mát 500ml", brand="Sạch Mát"),
            SearchDoc(2, "Viên giặt Sạch Mát 30 viên", brand="Sạch Mát"),
            SearchDoc(3, "Phô mai tươi Bò Vui Ba Vì 200g", brand="Bò Vui Ba Vì"),
            SearchDoc(4, "Cam sành Quả Ngọt Miền Bắc 1kg", brand="Quả Ngọt Miền Bắc"),
            SearchDoc(5, "Sữa tươi hữu cơ 1L", brand="Đồng Xanh"),
            SearchDoc(6, "Sữa chua ăn", brand="Đồng Xanh"),
            SearchDoc(7, "Nước rửa chén sả chanh", brand="Quế Thơm"),
            SearchDoc(8, "Nước rửa rau quả", brand="Quế Thơm"),
        ]
    )
    assert index.search("sua rua mat") == []  # sữa rửa mặt: "mát" is one word of a brand
    assert index.search("pho bo") == []  # phở bò: "phô" of phô mai, "bò" of the brand
    assert index.search("abc") == []  # a short word's look-alike ("bắc") alone is no match
    assert index.search("sach mat vien giat")[0].product_id == 2  # two words of the brand name it
    assert index.search("bo vui pho mai")[0].product_id == 3
    assert index.search("cam mien bac")[0].product_id == 4


def test_a_word_typed_with_marks_is_not_a_slip_for_a_word_spelled_otherwise() -> None:
    index = SearchIndex(
        [
            SearchDoc(1, "Dầu gội bồ kết 300ml", category_words="mỹ phẩm dầu gội"),
            SearchDoc(2, "Dầu xả vỏ bưởi 300ml", category_words="mỹ phẩm dầu gội"),
            SearchDoc(3, "Bột giặt sinh học 2kg"),
        ]
    )
    assert index.search("dầu gió") == []  # wind oil: not "gội", in the name or in the category
    assert index.search("dau gio")[0].product_id == 1  # without marks a swapped letter stays possible
    assert index.search("bột gạit")[0].product_id == 3  # a slip that fits the marks typed


def test_a_well_formed_syllable_is_not_split() -> None:
    reader = QueryReader({"thu", "oc", "la", "sua", "tuoi"})
    assert [w.text for w in reader.read("thuoc la")] == ["thuoc", "la"]  # thuốc lá, not "thu oc"
    assert [w.text for w in reader.read("suatuoi")] == ["sua", "tuoi"]


def test_every_word_there_but_none_in_the_order_typed_is_another_product() -> None:
    index = SearchIndex([SearchDoc(1, "Nước tẩy rửa đa năng 500ml"), SearchDoc(2, "Nước rửa tay sả chanh")])
    assert [h.product_id for h in index.search("nuoc rua tay")] == [2]
    only_cleaner = SearchIndex([SearchDoc(1, "Nước tẩy rửa đa năng")])
    assert only_cleaner.search("nuoc rua tay") == []
    assert index.search("tay rua da nang")[0].product_id == 1  # a pair in order is enough


def test_a_word_in_every_producer_name_does_not_lighten_its_look_alikes() -> None:
    shirts = [SearchDoc(i, f"Áo thun cotton {i}", producer="Xưởng may (mẫu)") for i in range(1, 6)]
    others = [SearchDoc(i, f"Gạo tám thơm {i}kg", producer="HTX Lúa (mẫu)") for i in range(6, 30)]
    index = SearchIndex([*shirts, *others])
    assert index.search("ao mua") == []  # áo mưa: "mua" is not "mẫu" of every producer
    assert len(index.search("ao thun")) == 5


def test_a_word_read_two_ways_is_searched_both_ways() -> None:
    index = SearchIndex(
        [
            SearchDoc(1, "Tủ lạnh mini 90 lít"),
            SearchDoc(2, "Làn nhựa đi chợ"),
            SearchDoc(3, "Sữa tươi hữu cơ 1L"),
            SearchDoc(4, "Ổi lê 1kg"),
            SearchDoc(5, "Bơ sáp 1kg", name_en="Butter avocados 1kg"),
            SearchDoc(6, "Cà chua bi", name_en="Cherry tomatoes"),
        ]
    )
    assert index.search("tu lanj")[0].product_id == 1  # a slip for "lạnh", not the Telex keys of "lạn"
    assert index.search("sua tu oi")[0].product_id == 3  # "tươi" split, though "tu" and "ổi" are words
    assert index.search("avocado")[0].product_id == 5  # an English word, not "a vo ca do"
    assert index.search("tu")[0].product_id == 1 and index.search("oi")[0].product_id == 4


def test_keys_that_fit_no_spelling_in_the_catalog_are_only_a_look_alike() -> None:
    index = SearchIndex([SearchDoc(1, "Kem dưỡng da em bé"), SearchDoc(2, "Máy giặt cửa trước 9kg")])
    assert index.search("beer") == []  # "bể" is not "bé": a look-alike alone is no match
    assert index.search("maays giawtj")[0].product_id == 2  # "mấy" for "máy", beside "giặt" typed right


def test_a_neighbouring_key_in_a_short_word_beside_a_word_typed_right() -> None:
    docs = [SearchDoc(1, "Sữa tươi 1L"), SearchDoc(2, "Áo sơ mi linen"), SearchDoc(3, "Gạo nếp 2kg")]
    index = SearchIndex(docs)
    assert index.search("sia tuoi")[0].product_id == 1  # i is beside u
    assert index.search("ao so mj")[0].product_id == 2  # j is below i
    assert index.search("gao nwp")[0].product_id == 3
    assert index.search("sia") == [] and index.search("co ai khong") == []  # alone, or a word of chat


def test_a_product_is_shown_for_a_word_of_its_name_not_only_its_category() -> None:
    dish = "nước rửa chén nước rửa bát tẩy rửa"
    index = SearchIndex(
        [
            SearchDoc(1, "Nước lau kính 520ml", category_words=dish),
            SearchDoc(2, "Điều hòa treo tường 9000BTU", category_words="điều hòa máy lạnh"),
            SearchDoc(3, "Cá thu đao 1kg", category_words="hải sản thủy sản cá tôm"),
        ]
    )
    assert index.search("bat lua") == []  # bật lửa: "bát" of the category and a look-alike of "lau"
    assert index.search("tuong ca") == []  # tương cà: one word deep in the name, the other not there
    assert index.search("hai san")[0].product_id == 3  # every word of the category: its products
    assert index.search("nuoc lau kinh")[0].product_id == 1


def test_one_syllable_names_a_product_by_its_first_word_brand_or_kind() -> None:
    index = SearchIndex(
        [
            SearchDoc(1, "Nước mắm giảm muối 500ml", category_words="nước mắm mắm"),
            SearchDoc(2, "Sữa tươi không đường 1L"),
            SearchDoc(3, "Muối hồng Himalaya 500g"),
        ]
    )
    assert [h.product_id for h in index.search("muoi")] == [3]  # salt: not the fish sauce "giảm muối"
    assert index.search("đường") == []  # sugar: not "không đường"
    assert index.search("mam")[0].product_id == 1  # a word of its kind
    assert index.search("sua")[0].product_id == 2
    assert index.search("himalaya")[0].product_id == 3  # no Vietnamese syllable: it names what has it


def test_an_ordinary_syllable_of_a_brand_of_several_words_names_nothing_alone() -> None:
    rice = SearchDoc(1, "Gạo nếp cái hoa vàng Lúa Vàng 2kg", brand="Lúa Vàng")
    index = SearchIndex([rice, SearchDoc(2, "Trà sen", brand="Sen")])
    assert index.search("vàng") == []  # gold: one syllable of "Lúa Vàng" and a word inside the name
    assert index.search("lua vang")[0].product_id == 1 and index.search("sen")[0].product_id == 2


def test_a_word_the_catalog_lacks_still_weighs_when_it_looks_like_a_common_one() -> None:
    rice = [SearchDoc(i, f"Tám thơm loại {i} 5kg") for i in range(1, 7)]
    index = SearchIndex([*rice, *(SearchDoc(i, f"Chè Việt loại {i}") for i in range(7, 40))])
    assert index.search("tam biet") == []  # goodbye: "biet" is a word of its own, not only a slip of "viet"
    assert len(index.search("tam thom")) == 6


def test_the_head_noun_comes_first() -> None:
    index = SearchIndex([SearchDoc(1, "Viên rửa bát cho máy 40 viên"), SearchDoc(2, "Máy giặt cửa trước")])
    assert index.search("may rua bat") == []  # a dishwasher is not a tablet for one
    assert index.search("vien rua bat")[0].product_id == 1


def test_label_and_category_words_are_context_not_the_product() -> None:
    index = SearchIndex(
        [
            SearchDoc(1, "Khăn giấy rút 180 tờ", label_words="Thiên Nga Bắc Âu Nordic Swan NORDIC SWAN"),
            SearchDoc(2, "Cá thu đao 1kg", category_words="hải sản thủy sản cá tôm"),
            SearchDoc(3, "Gạo ST25 5kg", label_words="Hữu cơ Việt Nam Vietnam organic VN ORGANIC"),
        ]
    )
    assert index.search("giay bac") == []  # aluminium foil: "Bắc" is one syllable of a label's name
    assert index.search("ca tim") == []  # an aubergine: "tim" is a look-alike of "tôm" of the category
    assert index.search("gao huu co")[0].product_id == 3  # two words of a label name it
    assert index.search("khan giay nordic swan")[0].product_id == 1


def test_a_query_of_slips_only_still_finds_the_product() -> None:
    index = SearchIndex([SearchDoc(1, "Điều hòa Giomat inverter 9000BTU"), SearchDoc(2, "Sô cô la sữa")])
    assert index.search("giomta inveter")[0].product_id == 1  # no word typed right, each a slip


def test_a_word_still_being_typed_keeps_the_product() -> None:
    index = SearchIndex([SearchDoc(1, "Sữa tươi tiệt trùng 1L", category_words="sữa hộp")])
    assert index.search("sua tuoi ho")[0].product_id == 1  # "ho" is the start of "hộp"


def test_the_rules_read_past_the_first_products_found() -> None:
    sauces = [SearchDoc(i, f"Nước mắm giảm muối loại {i}") for i in range(1, 200)]
    index = SearchIndex([*sauces, SearchDoc(500, "Muối biển sạch"), SearchDoc(501, "Muối hồng")])
    result = index.lookup("muoi", limit=50)
    assert {h.product_id for h in result.hits} == {500, 501} and result.total == 2


def test_a_single_letter_is_no_slip() -> None:
    index = SearchIndex([SearchDoc(1, "Vitamin C 500mg"), SearchDoc(2, "Vitamin E 400mg")])
    assert index.search("vitamin d") == []
    assert index.search("vitamin c")[0].product_id == 1


def test_what_the_query_is_about_must_be_there() -> None:
    cosmetics = "mỹ phẩm dầu gội sữa tắm kem"
    index = SearchIndex(
        [
            SearchDoc(1, "Nước tẩy trang hoa hồng 250ml", category_words=cosmetics, category_name="Mỹ phẩm"),
            SearchDoc(2, "Dầu gội bồ kết 300ml", category_words=cosmetics, category_name="Mỹ phẩm"),
            SearchDoc(3, "Sữa tươi không đường 1L"),
            SearchDoc(4, "Sữa tươi có đường 1L"),
            SearchDoc(5, "Rau muống hữu cơ 500g", category_words="rau củ rau xanh", category_name="Rau củ"),
            SearchDoc(6, "Cà phê sữa hòa tan"),
            SearchDoc(7, "Sữa chua nếp cẩm"),
        ]
    )
    assert index.search("dau tay") == []  # strawberry: "dầu" of the category, "tẩy" of a make-up remover
    assert index.search("dau goi")[0].product_id == 2
    assert [h.product_id for h in index.search("sua tuoi ko duong")] == [3]  # not "có đường"
    assert index.search("muong")[0].product_id == 5  # the word after the category's name
    assert index.search("ca phe sua")[0].product_id == 6
    assert all(h.product_id != 7 for h in index.search("ca phe sua chua"))  # no coffee in a yoghurt


def test_a_short_query_several_products_match_in_full_is_a_list() -> None:
    index = SearchIndex(
        [SearchDoc(1, "Điều hòa inverter 9000BTU"), SearchDoc(2, "Điều hòa 2 chiều inverter 18000BTU")]
    )
    assert not index.lookup("dieu hoa inverter").confident
    assert index.lookup("dieu hoa 2 chieu inverter").confident


def test_result_count_is_all_matches_not_the_page() -> None:
    index = SearchIndex([SearchDoc(i, f"Nước mắm loại {i}") for i in range(1, 121)])
    result = index.lookup("nuoc mam", limit=50)
    assert len(result.hits) == 50 and result.total == 120 and not result.confident


def test_one_clear_match_is_confident() -> None:
    assert _index().lookup("rau muong").confident
    assert not _index().lookup("sua").confident


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("co sua tuoi khong", "sua tuoi"), ("cho minh nuoc mam nhe", "nuoc mam"),
     ("cho em gao st25", "gao st25"), ("sua tuoi khong duong", "sua tuoi khong duong"), ("huu co", "huu co"),
     ("co duong", "co duong"), ("mua o dau", "mua o dau")],
)  # fmt: skip
def test_chat_around_a_product_name_is_dropped(typed: str, kept: str) -> None:
    assert " ".join(strip_chat(typed.split())) == kept
