"""Regenerate data/retailers.csv and data/retailer_products.csv: the SAMPLE partner network.

Store names are fictional; wards follow the 2025 reorganisation (phường/xã) and
the former district (quận/huyện) people still use is kept beside them.
Coordinates are placed near the centre of that area. Deterministic output.

    python scripts/make_sample_stores.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"

# former district: (centre lat, lon)
CENTRES = {
    "Hoàn Kiếm": (21.0285, 105.8520), "Ba Đình": (21.0355, 105.8300), "Đống Đa": (21.0170, 105.8270),
    "Hai Bà Trưng": (21.0060, 105.8570), "Cầu Giấy": (21.0330, 105.7940), "Thanh Xuân": (20.9950, 105.8100),
    "Tây Hồ": (21.0700, 105.8200), "Hoàng Mai": (20.9770, 105.8600), "Long Biên": (21.0450, 105.8880),
    "Nam Từ Liêm": (21.0150, 105.7650), "Bắc Từ Liêm": (21.0700, 105.7630), "Hà Đông": (20.9700, 105.7770),
    "Gia Lâm": (21.0150, 105.9400), "Đông Anh": (21.1370, 105.8450), "Sóc Sơn": (21.2570, 105.8480),
    "Thanh Trì": (20.9400, 105.8450), "Sơn Tây": (21.1390, 105.5060), "Hoài Đức": (21.0300, 105.7050),
}

# code, name, kind, street address, ward, former district, hours, categories, bag policy
STORES = [
    ("ST01", "Siêu thị Lá Xanh Tràng Tiền", "supermarket", "18 phố Tràng Tiền", "phường Hoàn Kiếm", "Hoàn Kiếm", "7:30–22:00", "milk rice tea coffee fish_sauce cooking_oil detergent dish_soap tissue", "rent_reusable"),
    ("ST02", "Cửa hàng Hữu Cơ Phố Cổ", "organic_shop", "25 phố Hàng Bè", "phường Hoàn Kiếm", "Hoàn Kiếm", "8:00–21:00", "vegetables fruit rice honey tea", "paper"),
    ("ST03", "Chợ dân sinh Ngõ Gạch", "market", "ngõ 4 phố Hàng Gà", "phường Hoàn Kiếm", "Hoàn Kiếm", "5:00–19:00", "vegetables fruit meat_eggs seafood", "leaf_wrap"),
    ("ST04", "Siêu thị Mây Trắng Cửa Nam", "supermarket", "40 phố Cửa Nam", "phường Cửa Nam", "Hoàn Kiếm", "8:00–22:00", "milk tissue stationery detergent led_bulb", "no_plastic"),
    ("ST05", "Cửa hàng Rau Sạch Ngọc Hà", "organic_shop", "56 phố Ngọc Hà", "phường Ngọc Hà", "Ba Đình", "7:00–20:00", "vegetables fruit meat_eggs honey", "byo"),
    ("ST06", "Trung tâm thương mại Sen Hồng", "trade_centre", "120 phố Kim Mã", "phường Giảng Võ", "Ba Đình", "9:00–22:00", "fridge air_conditioner washing_machine led_bulb clothes cosmetics", "paper"),
    ("ST07", "Chợ dân sinh Bến Thành Công", "market", "ngõ 29 phố Thành Công", "phường Giảng Võ", "Ba Đình", "5:30–18:30", "vegetables fruit seafood meat_eggs", "byo"),
    ("ST08", "Siêu thị Xanh Mát Ba Đình", "supermarket", "88 phố Đội Cấn", "phường Ba Đình", "Ba Đình", "7:00–22:00", "milk rice coffee cooking_oil fish_sauce dish_soap bags", "rent_reusable"),
    ("ST09", "Siêu thị Lá Xanh Tây Sơn", "supermarket", "210 phố Tây Sơn", "phường Đống Đa", "Đống Đa", "7:30–22:00", "milk rice tea coffee detergent dish_soap tissue straws_boxes", "rent_reusable"),
    ("ST10", "Chợ dân sinh Ngõ Chùa Bộc", "market", "ngõ 121 phố Chùa Bộc", "phường Kim Liên", "Đống Đa", "5:00–19:00", "vegetables fruit seafood meat_eggs", "leaf_wrap"),
    ("ST11", "Cửa hàng Hạt Lành Văn Miếu", "organic_shop", "15 phố Văn Miếu", "phường Văn Miếu - Quốc Tử Giám", "Đống Đa", "8:00–20:30", "rice tea honey cooking_oil cosmetics", "paper"),
    ("ST12", "Cửa hàng tiện lợi Góc Xanh Láng", "convenience", "302 đường Láng", "phường Láng", "Đống Đa", "6:00–23:00", "milk tissue straws_boxes bags dish_soap", "byo"),
    ("ST13", "Siêu thị Mây Trắng Bạch Mai", "supermarket", "150 phố Bạch Mai", "phường Bạch Mai", "Hai Bà Trưng", "8:00–22:00", "milk rice fish_sauce cooking_oil detergent tissue", "no_plastic"),
    ("ST14", "Chợ dân sinh Ngõ Quỳnh", "market", "ngõ Quỳnh", "phường Bạch Mai", "Hai Bà Trưng", "5:00–18:00", "vegetables fruit meat_eggs seafood", "leaf_wrap"),
    ("ST15", "Trung tâm thương mại Vĩnh Xanh", "trade_centre", "72 phố Minh Khai", "phường Vĩnh Tuy", "Hai Bà Trưng", "9:30–22:00", "fridge air_conditioner washing_machine led_bulb clothes cosmetics", "paper"),
    ("ST16", "Cửa hàng Hữu Cơ Lò Đúc", "organic_shop", "33 phố Lò Đúc", "phường Hai Bà Trưng", "Hai Bà Trưng", "8:00–21:00", "vegetables fruit rice milk honey", "paper"),
    ("ST17", "Siêu thị Lá Xanh Cầu Giấy", "supermarket", "99 đường Cầu Giấy", "phường Cầu Giấy", "Cầu Giấy", "7:30–22:00", "milk rice tea coffee detergent dish_soap tissue bags", "rent_reusable"),
    ("ST18", "Cửa hàng Rau Quê Nghĩa Đô", "organic_shop", "45 phố Hoàng Quốc Việt", "phường Nghĩa Đô", "Cầu Giấy", "7:00–20:00", "vegetables fruit meat_eggs honey rice", "byo"),
    ("ST19", "Chợ dân sinh Ngõ Trung Kính", "market", "ngõ 68 phố Trung Kính", "phường Yên Hòa", "Cầu Giấy", "5:30–19:00", "vegetables fruit seafood meat_eggs", "byo"),
    ("ST20", "Trung tâm thương mại Cầu Vồng", "trade_centre", "200 phố Trần Duy Hưng", "phường Yên Hòa", "Cầu Giấy", "9:00–22:00", "fridge air_conditioner washing_machine led_bulb clothes cosmetics stationery", "paper"),
    ("ST21", "Siêu thị Mây Trắng Thanh Xuân", "supermarket", "160 đường Nguyễn Trãi", "phường Thanh Xuân", "Thanh Xuân", "8:00–22:00", "milk rice coffee fish_sauce cooking_oil detergent dish_soap", "no_plastic"),
    ("ST22", "Chợ dân sinh Khương Trung Mới", "market", "ngõ 250 phố Khương Trung", "phường Khương Đình", "Thanh Xuân", "5:00–18:30", "vegetables fruit meat_eggs seafood", "leaf_wrap"),
    ("ST23", "Cửa hàng Hữu Cơ Hồ Tây", "organic_shop", "12 phố Quảng An", "phường Tây Hồ", "Tây Hồ", "8:00–21:00", "vegetables fruit milk rice honey cosmetics clothes", "paper"),
    ("ST24", "Siêu thị Xanh Mát Lạc Long Quân", "supermarket", "500 đường Lạc Long Quân", "phường Tây Hồ", "Tây Hồ", "7:30–22:00", "milk tea coffee cooking_oil detergent tissue straws_boxes", "rent_reusable"),
    ("ST25", "Chợ dân sinh Phú Thượng Xanh", "market", "đường An Dương Vương", "phường Phú Thượng", "Tây Hồ", "5:00–18:00", "vegetables fruit seafood", "byo"),
    ("ST26", "Siêu thị Lá Xanh Hoàng Mai", "supermarket", "300 đường Giải Phóng", "phường Hoàng Mai", "Hoàng Mai", "7:30–22:00", "milk rice fish_sauce cooking_oil detergent dish_soap tissue bags", "rent_reusable"),
    ("ST27", "Chợ dân sinh Định Công Thượng", "market", "ngõ 8 phố Định Công", "phường Định Công", "Hoàng Mai", "5:00–19:00", "vegetables fruit meat_eggs seafood", "leaf_wrap"),
    ("ST28", "Siêu thị Mây Trắng Long Biên", "supermarket", "60 đường Nguyễn Văn Cừ", "phường Bồ Đề", "Long Biên", "8:00–22:00", "milk rice tea coffee detergent dish_soap tissue", "no_plastic"),
    ("ST29", "Trung tâm thương mại Sông Hồng Xanh", "trade_centre", "7 đường Nguyễn Văn Linh", "phường Phúc Lợi", "Long Biên", "9:00–22:00", "fridge air_conditioner washing_machine led_bulb clothes", "paper"),
    ("ST30", "Cửa hàng Nông Sản Việt Hưng", "organic_shop", "21 phố Ngô Gia Khảm", "phường Việt Hưng", "Long Biên", "7:00–20:30", "vegetables fruit rice meat_eggs honey", "byo"),
    ("ST31", "Siêu thị Xanh Mát Mỹ Đình", "supermarket", "8 đường Lê Đức Thọ", "phường Từ Liêm", "Nam Từ Liêm", "7:30–22:00", "milk rice coffee cooking_oil detergent dish_soap tissue straws_boxes", "rent_reusable"),
    ("ST32", "Chợ dân sinh Tây Mỗ Xanh", "market", "đường Tây Mỗ", "phường Tây Mỗ", "Nam Từ Liêm", "5:00–18:00", "vegetables fruit meat_eggs", "leaf_wrap"),
    ("ST33", "Cửa hàng Hữu Cơ Xuân Đỉnh", "organic_shop", "110 đường Xuân Đỉnh", "phường Xuân Đỉnh", "Bắc Từ Liêm", "7:30–20:30", "vegetables fruit rice milk honey", "paper"),
    ("ST34", "Siêu thị Lá Xanh Hà Đông", "supermarket", "45 đường Quang Trung", "phường Hà Đông", "Hà Đông", "7:30–22:00", "milk rice tea fish_sauce cooking_oil detergent tissue bags", "rent_reusable"),
    ("ST35", "Chợ dân sinh Văn La Mới", "market", "đường Văn La", "phường Phú Lương", "Hà Đông", "5:00–18:30", "vegetables fruit seafood meat_eggs", "byo"),
    ("ST36", "Trung tâm thương mại Dương Nội Xanh", "trade_centre", "đường Lê Trọng Tấn", "phường Dương Nội", "Hà Đông", "9:00–22:00", "fridge air_conditioner washing_machine led_bulb clothes cosmetics", "paper"),
    ("ST37", "Chợ dân sinh Trâu Quỳ Mới", "market", "đường Ngô Xuân Quảng", "xã Gia Lâm", "Gia Lâm", "5:00–18:00", "vegetables fruit meat_eggs", "leaf_wrap"),
    ("ST38", "Cửa hàng Gốm Xanh Bát Tràng", "organic_shop", "đường Giang Cao", "xã Bát Tràng", "Gia Lâm", "8:00–19:00", "straws_boxes bags tea honey", "byo"),
    ("ST39", "Siêu thị Mây Trắng Đông Anh", "supermarket", "đường Cao Lỗ", "xã Đông Anh", "Đông Anh", "7:30–21:30", "milk rice fish_sauce cooking_oil detergent tissue", "no_plastic"),
    ("ST40", "Hợp tác xã Rau Sóc Sơn Xanh", "organic_shop", "quốc lộ 3", "xã Sóc Sơn", "Sóc Sơn", "6:30–18:00", "vegetables fruit meat_eggs rice", "leaf_wrap"),
    ("ST41", "Chợ dân sinh Văn Điển Mới", "market", "đường Ngọc Hồi", "xã Thanh Trì", "Thanh Trì", "5:00–18:30", "vegetables fruit seafood meat_eggs", "byo"),
    ("ST42", "Siêu thị Lá Xanh Sơn Tây", "supermarket", "phố Quang Trung", "phường Sơn Tây", "Sơn Tây", "7:30–21:30", "milk rice tea coffee detergent dish_soap", "rent_reusable"),
    ("ST43", "Cửa hàng tiện lợi Góc Xanh Hoài Đức", "convenience", "đường Lại Yên", "xã Hoài Đức", "Hoài Đức", "6:00–23:00", "milk tissue straws_boxes bags", "byo"),
]


def main() -> None:
    rnd = random.Random(14)
    with open(DATA / "retailers.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["code", "name", "kind", "address", "ward", "district", "lat", "lon", "hours",
                      "product_kinds", "bag_policy", "sample"])
        for code, name, kind, address, ward, district, hours, kinds, bags in STORES:
            lat, lon = CENTRES[district]
            lat += rnd.uniform(-0.006, 0.006)
            lon += rnd.uniform(-0.006, 0.006)
            out.writerow([code, name, kind, address, ward, district, f"{lat:.5f}", f"{lon:.5f}", hours,
                          kinds, bags, "yes"])
    with open(DATA / "ecolabel.csv", encoding="utf-8", newline="") as fh:
        products = {(r["gtin"] or r["name_vi"]): r["category"] for r in csv.DictReader(fh) if r["gtin"]}
    with open(DATA / "retailer_products.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["retailer", "gtin"])
        for code, *_rest, kinds, _bags in STORES:
            wanted = set(kinds.split())
            for gtin, category in products.items():
                if category in wanted and rnd.random() < 0.5:
                    out.writerow([code, gtin])


if __name__ == "__main__":
    main()
