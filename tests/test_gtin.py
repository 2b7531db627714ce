import pytest

from catalog import gtin


@pytest.mark.parametrize("digits", ["8935049500933", "9520000000018"[:-1] + "0", "96385074", "036000291452"])
def test_valid_numbers(digits: str) -> None:
    payload = digits[:-1]
    fixed = payload + str(gtin.check_digit(payload))
    assert gtin.is_valid(fixed)


def test_wrong_check_digit_is_reported_as_such() -> None:
    with pytest.raises(gtin.BadCheckDigitError):
        gtin.normalise("8935049500934")


def test_normalises_to_gtin13() -> None:
    assert gtin.normalise("036000291452") == "0036000291452"  # UPC-A
    assert gtin.normalise("00036000291452") == "0036000291452"  # GTIN-14 of a UPC-A
    assert gtin.normalise("96385074") == "96385074"  # GTIN-8 stays as it is


def test_upc_e_expands() -> None:
    assert gtin.upc_e_to_gtin13("01234565") == "0012345000065"


def test_typed_digits_are_recognised_with_spaces_and_dashes() -> None:
    assert gtin.looks_like_barcode(" 893 5049 500933 ") == "8935049500933"
    assert gtin.looks_like_barcode("893-5049-500933") == "8935049500933"
    assert gtin.looks_like_barcode("12345") is None
    assert gtin.looks_like_barcode("gao 8935049500933") is None


@pytest.mark.parametrize(
    ("digits", "kind"),
    [
        ("8935049500933", gtin.PrefixKind.VIETNAM),
        ("9780306406157", gtin.PrefixKind.BOOK),
        ("9771234567003", gtin.PrefixKind.SERIAL),
        ("2001234567893", gtin.PrefixKind.IN_STORE),
        ("9521000000018", gtin.PrefixKind.DEMO),
        ("4006381333931", gtin.PrefixKind.OTHER),
    ],
)
def test_prefix_meaning(digits: str, kind: gtin.PrefixKind) -> None:
    assert gtin.describe(digits).kind is kind
