"""Partner stores: distances, nearest order, areas typed with or without diacritics."""

from __future__ import annotations

import math

import pytest
from sqlalchemy.engine import Engine

from catalog.stores import StoreDirectory, distance_m, in_hanoi


def test_distance_matches_hand_computed_values() -> None:
    # One degree of latitude along a meridian: pi * R / 180 = 111,194.9 m with R = 6,371 km.
    assert distance_m(21.0, 105.85, 22.0, 105.85) == pytest.approx(111_194.9, abs=0.5)
    # Along Hà Nội's parallel a degree of longitude shrinks by cos(21°): 111,194.9 * 0.933580 = 103,809.4 m
    # (the great circle between the two points is a few decimetres shorter than the parallel).
    assert distance_m(21.0, 105.0, 21.0, 106.0) == pytest.approx(103_809.4, abs=1)
    # Hoàn Kiếm Lake (21.0288, 105.8525) to the Temple of Literature (21.0293, 105.8355):
    # 0.0170° x 103,809 m = 1,764.8 m east-west and 0.0005° x 111,195 m = 55.6 m north-south,
    # so sqrt(1764.8² + 55.6²) = 1,765.7 m.
    assert distance_m(21.0288, 105.8525, 21.0293, 105.8355) == pytest.approx(1_765.7, abs=1)
    assert distance_m(21.03, 105.85, 21.03, 105.85) == 0
    assert math.isclose(distance_m(21.0, 105.8, 21.1, 105.9), distance_m(21.1, 105.9, 21.0, 105.8))


def test_nearest_stores_are_sorted_by_distance(engine: Engine) -> None:
    stores = StoreDirectory(engine)
    hits = stores.nearest(21.0285, 105.8520, limit=5)
    distances = [h.distance_m for h in hits]
    assert distances == sorted(distances)  # type: ignore[type-var]
    nearest = hits[0].retailer
    assert nearest.district == "Hoàn Kiếm"
    assert hits[0].distance_m == pytest.approx(distance_m(21.0285, 105.8520, nearest.lat, nearest.lon))


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("cua hang o cau giay", "Cầu Giấy"),
        ("Hoàn Kiếm", "Hoàn Kiếm"),
        ("hoan kiem", "Hoàn Kiếm"),
        ("stores in tay ho", "Tây Hồ"),
        ("cho o quan hai ba trung", "Hai Bà Trưng"),
        ("sieu thi gan phuong nghia do", "phường Nghĩa Đô"),
        ("cua hang o cau giayy", "Cầu Giấy"),
    ],
)
def test_areas_are_recognised(engine: Engine, text: str, area: str) -> None:
    stores = StoreDirectory(engine)
    assert stores.area_query(text) == area
    _, hits = stores.in_area(area)
    assert hits and all(area in (h.retailer.district, h.retailer.ward) for h in hits)


def test_product_names_are_not_taken_for_areas(engine: Engine) -> None:
    stores = StoreDirectory(engine)
    assert stores.area_query("tra sen tay ho") is None
    assert stores.area_query("gao st25") is None
    assert stores.area_query("cho be") is None  # "for baby", not a market


def test_an_unknown_place_is_still_a_store_question(engine: Engine) -> None:
    stores = StoreDirectory(engine)
    assert stores.area_query("cua hang o Sao Hoả") == "sao hoa"
    assert stores.in_area("sao hoa")[1] == []


def test_hanoi_bounds() -> None:
    assert in_hanoi(21.0285, 105.8520)
    assert not in_hanoi(10.7769, 106.7009)  # Hồ Chí Minh City
