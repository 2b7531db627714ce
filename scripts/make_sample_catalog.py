"""Regenerate data/ecolabel.csv, the bundled SAMPLE catalog.

Every brand, producer and certifier here is fictional, every GTIN uses GS1's
demonstration prefix 952, every certificate number starts with "MAU-" (mẫu =
sample), and every row is marked sample=yes. The output is deterministic.

    python scripts/make_sample_catalog.py > data/ecolabel.csv
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta

SOURCE = "Dữ liệu mẫu của ecolabel-bot (không phải chứng nhận thật)"
SOURCE_DATE = "2026-10-01"
TODAY = date(2026, 11, 1)

CERTIFIERS = {
    "VIETGAP": "Trung tâm Chứng nhận Phù Sa (mẫu)",
    "VN_ORGANIC": "Tổ chức Chứng nhận Hữu cơ Sen Vàng (mẫu)",
    "PGS": "Nhóm PGS Bãi Bồi (mẫu)",
    "EU_ORGANIC": "Example Organic Control (sample)",
    "USDA_ORGANIC": "Sample Organic Certifiers Inc.",
    "FSC": "Sample Forest Audits Ltd",
    "PEFC": "Sample Forest Audits Ltd",
    "MSC": "Blue Sample Seafood Audits",
    "ASC": "Blue Sample Seafood Audits",
    "RAINFOREST": "Sample Farm Standards Co.",
    "FAIRTRADE": "Sample Fair Trade Audits",
    "GOTS": "Sample Textile Certification",
    "OEKO_TEX": "Sample Textile Testing Institute",
    "VN_GREEN": "Bộ Tài nguyên và Môi trường (quyết định mẫu)",
    "VN_ENERGY": "Phòng thử nghiệm Năng lượng Sao Mai (mẫu)",
    "ENERGY_STAR": "Sample Energy Lab",
    "EU_ECOLABEL": "Sample Ecolabel Body",
    "NORDIC_SWAN": "Sample Nordic Licensing",
    "BLUE_ANGEL": "Sample RAL Licensing",
    "GREEN_SEAL": "Sample Green Standards",
    "C2C": "Sample Circular Institute",
}
YEARS = {"VIETGAP": 2, "OEKO_TEX": 1, "C2C": 2, "VN_GREEN": 3, "EU_ORGANIC": 1, "JAS_ORGANIC": 1}

# category: (brands as (brand, producer), label choices, products as "vi|en" with {b} for the brand)
CATALOG: dict[str, tuple[list[tuple[str, str]], list[list[str]], list[str]]] = {
    "vegetables": (
        [("Cỏ Mây Farm", "HTX Nông nghiệp Cỏ Mây (mẫu)"), ("Rau Bãi Bồi", "HTX Rau an toàn Bãi Bồi (mẫu)"),
         ("Vườn Sương Sớm", "Công ty TNHH Vườn Sương Sớm (mẫu)")],
        [["VIETGAP"], ["VN_ORGANIC"], ["PGS"], ["VN_ORGANIC", "EU_ORGANIC"]],
        ["Rau muống hữu cơ {b} bó 500g|{b} organic water spinach 500g",
         "Cải ngọt {b} 400g|{b} choy sum 400g",
         "Cà chua bi {b} hộp 300g|{b} cherry tomatoes 300g",
         "Bắp cải Mộc Châu {b}|{b} Moc Chau cabbage",
         "Cà rốt Đà Lạt hữu cơ {b} túi 500g|{b} organic Da Lat carrots 500g",
         "Xà lách lô lô xanh {b} 250g|{b} green lollo lettuce 250g",
         "Su hào {b} 1kg|{b} kohlrabi 1kg",
         "Dưa chuột baby {b} 500g|{b} baby cucumbers 500g",
         "Rau mồng tơi {b} 300g|{b} Malabar spinach 300g",
         "Bí đỏ hồ lô hữu cơ {b}|{b} organic butternut squash",
         "Khoai lang mật {b} 1kg|{b} honey sweet potatoes 1kg",
         "Súp lơ xanh {b} 500g|{b} broccoli 500g",
         "Nấm hương tươi {b} 200g|{b} fresh shiitake mushrooms 200g",
         "Rau cải cúc {b} 300g|{b} garland chrysanthemum greens 300g",
         "Đậu cô ve {b} 500g|{b} green beans 500g",
         "Rau ngót {b} bó 300g|{b} sweet leaf bush 300g"]),
    "fruit": (
        [("Quả Ngọt Miền Bắc", "Công ty CP Quả Ngọt Miền Bắc (mẫu)"), ("Vườn Nhà Bống", "Hộ kinh doanh Vườn Nhà Bống (mẫu)"),
         ("Trái Lành", "Công ty TNHH Trái Lành (mẫu)")],
        [["VIETGAP"], ["VIETGAP"], ["VN_ORGANIC"], ["RAINFOREST"]],
        ["Chuối tiêu hồng {b} nải 1kg|{b} pink Cavendish bananas 1kg",
         "Bưởi Diễn {b} quả 1,2kg|{b} Dien pomelo 1.2kg",
         "Cam Cao Phong {b} túi 2kg|{b} Cao Phong oranges 2kg",
         "Thanh long ruột đỏ {b}|{b} red dragon fruit",
         "Xoài cát Hòa Lộc {b} 1kg|{b} Hoa Loc mango 1kg",
         "Vải thiều Lục Ngạn {b} hộp 1kg|{b} Luc Ngan lychees 1kg",
         "Nhãn lồng Hưng Yên {b} 1kg|{b} Hung Yen longans 1kg",
         "Ổi lê {b} 1kg|{b} pear guava 1kg",
         "Dứa Đồng Giao {b}|{b} Dong Giao pineapple",
         "Chanh leo hữu cơ {b} 500g|{b} organic passion fruit 500g",
         "Dưa hấu không hạt {b}|{b} seedless watermelon",
         "Bơ sáp Đắk Lắk {b} 1kg|{b} Dak Lak butter avocados 1kg"]),
    "rice": (
        [("Hạt Ngọc Đồng Quê", "Công ty CP Lương thực Đồng Quê (mẫu)"), ("Lúa Vàng Cỏ May", "HTX Lúa Vàng Cỏ May (mẫu)"),
         ("Gạo Nhà Mẹ Tám", "Công ty TNHH Nhà Mẹ Tám (mẫu)")],
        [["VN_ORGANIC"], ["VIETGAP"], ["VN_ORGANIC", "EU_ORGANIC"], ["VN_ORGANIC", "USDA_ORGANIC"]],
        ["Gạo ST25 hữu cơ {b} túi 5kg|{b} organic ST25 rice 5kg",
         "Gạo lứt đỏ {b} 2kg|{b} red brown rice 2kg",
         "Gạo tám thơm Hải Hậu {b} 5kg|{b} Hai Hau fragrant rice 5kg",
         "Gạo nếp cái hoa vàng {b} 2kg|{b} yellow-flower glutinous rice 2kg",
         "{b} gạo Séng Cù Điện Biên 5kg|{b} Dien Bien Seng Cu rice 5kg",
         "Gạo Japonica hữu cơ {b} 2kg|{b} organic Japonica rice 2kg",
         "Gạo lứt đen hữu cơ {b} 1kg|{b} organic black brown rice 1kg",
         "Gạo Bắc Hương {b} túi 10kg|{b} Bac Huong rice 10kg",
         "Gạo thơm Jasmine {b} 5kg|{b} Jasmine rice 5kg",
         "Gạo mầm dinh dưỡng {b} 1kg|{b} germinated brown rice 1kg",
         "Gạo hữu cơ Tám Xoan {b} 3kg|{b} organic Tam Xoan rice 3kg",
         "Gạo dẻo thơm {b} 5kg|{b} soft fragrant rice 5kg"]),
    "milk": (
        [("Đồng Cỏ Mây Trắng", "Công ty CP Sữa Mây Trắng (mẫu)"), ("Bò Vui Ba Vì", "Trang trại Bò Vui Ba Vì (mẫu)"),
         ("Hạt Mộc", "Công ty TNHH Thực phẩm Hạt Mộc (mẫu)")],
        [["VN_ORGANIC"], ["EU_ORGANIC"], ["USDA_ORGANIC"], ["VN_ORGANIC", "EU_ORGANIC"]],
        ["Sữa tươi tiệt trùng hữu cơ {b} không đường 1L|{b} organic UHT milk, unsweetened 1L",
         "Sữa tươi thanh trùng {b} 950ml|{b} pasteurised fresh milk 950ml",
         "Sữa chua ăn hữu cơ {b} lốc 4 hộp|{b} organic yoghurt, 4 pots",
         "Sữa tươi hữu cơ {b} có đường lốc 4 hộp 180ml|{b} organic milk, sweetened, 4 x 180ml",
         "Sữa đậu nành hữu cơ {b} 1L|{b} organic soy milk 1L",
         "Sữa hạt óc chó {b} 1L|{b} walnut milk 1L",
         "Sữa dê tươi {b} 500ml|{b} fresh goat milk 500ml",
         "Sữa chua uống men sống {b} lốc 4 chai|{b} live drinking yoghurt, 4 bottles",
         "{b} sữa tươi nguyên kem hữu cơ 2L|{b} organic whole milk 2L",
         "Sữa bột hữu cơ {b} cho trẻ 1-3 tuổi 800g|{b} organic toddler milk powder 800g",
         "Phô mai tươi hữu cơ {b} 200g|{b} organic fresh cheese 200g",
         "Sữa yến mạch {b} 1L|{b} oat milk 1L"]),
    "meat_eggs": (
        [("Trại Gà Đồi Thông", "HTX Chăn nuôi Đồi Thông (mẫu)"), ("Heo Quê Sạch", "Công ty TNHH Heo Quê (mẫu)")],
        [["VIETGAP"], ["VN_ORGANIC"], ["EU_ORGANIC"]],
        ["Trứng gà hữu cơ {b} hộp 10 quả|{b} organic eggs, 10",
         "Trứng gà ta thả vườn {b} hộp 6 quả|{b} free-range eggs, 6",
         "Thịt lợn ba chỉ {b} khay 500g|{b} pork belly 500g",
         "Thịt gà ta nguyên con {b} 1,2kg|{b} whole free-range chicken 1.2kg",
         "Thịt bò thăn hữu cơ {b} 300g|{b} organic beef tenderloin 300g",
         "Trứng vịt {b} vỉ 10 quả|{b} duck eggs, 10",
         "Sườn non lợn {b} 500g|{b} pork spare ribs 500g"]),
    "seafood": (
        [("Biển Lành", "Công ty CP Thủy sản Biển Lành (mẫu)"), ("Sông Hậu Xanh", "Công ty TNHH Sông Hậu Xanh (mẫu)")],
        [["MSC"], ["ASC"]],
        ["Cá ngừ đóng hộp {b} ngâm dầu 185g|{b} tuna in oil 185g",
         "Tôm thẻ chân trắng {b} 500g|{b} whiteleg shrimp 500g",
         "Phi lê cá tra {b} 1kg|{b} pangasius fillets 1kg",
         "Cá basa cắt khúc {b} 500g|{b} basa fish steaks 500g",
         "Cá thu đao đông lạnh {b} 1kg|{b} frozen Pacific saury 1kg",
         "Nghêu trắng Bến Tre {b} 1kg|{b} Ben Tre white clams 1kg",
         "Phi lê cá hồi {b} 300g|{b} salmon fillet 300g",
         "Mực ống làm sạch {b} 500g|{b} cleaned squid 500g"]),
    "honey": (
        [("Ong Đất Việt", "HTX Nuôi ong Đất Việt (mẫu)")],
        [["VN_ORGANIC"], ["EU_ORGANIC"], ["VIETGAP"]],
        ["Mật ong hoa nhãn {b} 500ml|{b} longan blossom honey 500ml",
         "Mật ong rừng {b} 350g|{b} wild forest honey 350g",
         "Mật ong hữu cơ {b} 250g|{b} organic honey 250g",
         "Mật ong bạc hà Hà Giang {b} 300g|{b} Ha Giang mint honey 300g"]),
    "tea": (
        [("Đồi Chè Vân Khê", "HTX Chè Vân Khê (mẫu)"), ("Trà Mộc Sương", "Công ty TNHH Trà Mộc Sương (mẫu)"),
         ("Sen Hồ Tây Xưa", "Cơ sở Sen Hồ Tây Xưa (mẫu)")],
        [["VIETGAP"], ["VN_ORGANIC"], ["RAINFOREST"], ["VN_ORGANIC", "EU_ORGANIC"]],
        ["Trà xanh Thái Nguyên {b} hộp 200g|{b} Thai Nguyen green tea 200g",
         "Chè Shan tuyết cổ thụ {b} 100g|{b} ancient Shan tuyet tea 100g",
         "Trà ô long hữu cơ {b} 250g|{b} organic oolong tea 250g",
         "Trà sen Tây Hồ {b} hộp quà 100g|{b} West Lake lotus tea gift box 100g",
         "Trà túi lọc hữu cơ {b} 25 gói|{b} organic tea bags, 25",
         "Trà atisô túi lọc {b} 20 gói|{b} artichoke tea bags, 20",
         "Trà đen {b} 100 túi lọc|{b} black tea, 100 bags",
         "Trà hoa cúc {b} 50g|{b} chrysanthemum tea 50g",
         "Trà gừng mật ong {b} 20 gói|{b} ginger honey tea, 20 sachets",
         "Chè móc câu Tân Cương {b} 500g|{b} Tan Cuong hook tea 500g",
         "Trà lài hữu cơ {b} 100g|{b} organic jasmine tea 100g",
         "Trà gạo lứt rang {b} 500g|{b} roasted brown rice tea 500g"]),
    "coffee": (
        [("Cao Nguyên Mây", "Công ty CP Cà phê Cao Nguyên Mây (mẫu)"), ("Phin Sớm", "Công ty TNHH Phin Sớm (mẫu)"),
         ("Hạt Nâu Sơn La", "HTX Cà phê Hạt Nâu (mẫu)")],
        [["RAINFOREST"], ["FAIRTRADE"], ["RAINFOREST", "FAIRTRADE"], ["VN_ORGANIC", "USDA_ORGANIC"]],
        ["Cà phê rang xay Arabica Cầu Đất {b} 250g|{b} Cau Dat Arabica ground coffee 250g",
         "Cà phê hạt Robusta Buôn Ma Thuột {b} 500g|{b} Buon Ma Thuot Robusta beans 500g",
         "Cà phê phin truyền thống {b} 500g|{b} traditional phin coffee 500g",
         "{b} cà phê hòa tan 3 trong 1 hộp 20 gói|{b} 3-in-1 instant coffee, 20 sachets",
         "Cà phê hữu cơ Sơn La {b} 250g|{b} Son La organic coffee 250g",
         "Cà phê hạt rang mộc {b} 1kg|{b} plain roasted coffee beans 1kg",
         "Cà phê túi lọc drip {b} 10 túi|{b} drip bag coffee, 10",
         "Cà phê Culi {b} 250g|{b} peaberry coffee 250g",
         "Cà phê đen hòa tan {b} lọ 50g|{b} black instant coffee 50g",
         "Cà phê ủ lạnh cold brew {b} chai 250ml|{b} cold brew coffee 250ml"]),
    "fish_sauce": (
        [("Mắm Làng Chài", "Cơ sở Mắm Làng Chài (mẫu)"), ("Đảo Ngọc Xưa", "Công ty TNHH Đảo Ngọc Xưa (mẫu)")],
        [["MSC"], ["MSC"], ["VN_ORGANIC"]],
        ["Nước mắm nhĩ cá cơm 40 độ đạm {b} 500ml|{b} first-press anchovy fish sauce 40N 500ml",
         "Nước mắm truyền thống {b} 650ml|{b} traditional fish sauce 650ml",
         "Nước mắm Cát Hải {b} chai thủy tinh 500ml|{b} Cat Hai fish sauce, glass bottle 500ml",
         "Nước mắm chay {b} 500ml|{b} vegetarian fish sauce 500ml",
         "Nước mắm cá cơm than 30 độ đạm {b} 1L|{b} anchovy fish sauce 30N 1L",
         "Nước chấm pha sẵn {b} 900ml|{b} ready-mixed dipping sauce 900ml",
         "Nước mắm nguyên chất {b} can 2L|{b} pure fish sauce, 2L jug",
         "Nước mắm giảm muối {b} 500ml|{b} reduced-salt fish sauce 500ml",
         "Mắm tôm Hậu Lộc {b} hũ 250g|{b} Hau Loc shrimp paste 250g"]),
    "cooking_oil": (
        [("Mầm Vàng", "Công ty CP Dầu thực vật Mầm Vàng (mẫu)"), ("Dừa Xiêm Quê", "Cơ sở Dừa Xiêm Quê (mẫu)")],
        [["VN_ORGANIC"], ["EU_ORGANIC"], ["USDA_ORGANIC"], ["RAINFOREST"]],
        ["Dầu ăn đậu nành {b} 1L|{b} soybean oil 1L",
         "Dầu gạo lứt {b} 1L|{b} rice bran oil 1L",
         "Dầu ô liu nguyên chất hữu cơ {b} 500ml|{b} organic extra virgin olive oil 500ml",
         "Dầu dừa ép lạnh hữu cơ {b} 500ml|{b} organic cold-pressed coconut oil 500ml",
         "Dầu mè đen ép nguội {b} 250ml|{b} cold-pressed black sesame oil 250ml",
         "Dầu lạc nguyên chất {b} 1L|{b} pure peanut oil 1L",
         "Dầu hướng dương {b} 2L|{b} sunflower oil 2L",
         "Dầu gấc {b} 100ml|{b} gac fruit oil 100ml",
         "Dầu hạt cải hữu cơ {b} 1L|{b} organic canola oil 1L",
         "Dầu ăn thực vật {b} can 5L|{b} vegetable oil 5L"]),
    "detergent": (
        [("Bồ Hòn Xanh", "Công ty TNHH Hóa phẩm Bồ Hòn Xanh (mẫu)"), ("Sạch Mát", "Công ty CP Sạch Mát (mẫu)"),
         ("Lá Dứa Home", "Công ty TNHH Lá Dứa Home (mẫu)")],
        [["VN_GREEN"], ["EU_ECOLABEL"], ["NORDIC_SWAN"], ["VN_GREEN", "EU_ECOLABEL"], ["BLUE_ANGEL"]],
        ["Nước giặt sinh học {b} hương chanh sả 3,6kg|{b} bio laundry liquid, lemongrass 3.6kg",
         "Bột giặt không phốt phát {b} 3kg|{b} phosphate-free washing powder 3kg",
         "Nước giặt đậm đặc {b} túi 2kg|{b} concentrated laundry liquid, 2kg refill",
         "Nước giặt cho bé {b} 1,8L|{b} baby laundry liquid 1.8L",
         "Viên giặt {b} hộp 30 viên|{b} laundry capsules, 30",
         "Nước xả vải hương hoa nhài {b} 1,6L|{b} jasmine fabric softener 1.6L",
         "Nước giặt bồ hòn {b} 1L|{b} soapnut laundry liquid 1L",
         "Bột giặt máy cửa trước {b} 2,5kg|{b} front-loader washing powder 2.5kg",
         "Nước tẩy quần áo trắng oxy {b} 1kg|{b} oxygen bleach 1kg"]),
    "dish_soap": (
        [("Bồ Hòn Xanh", "Công ty TNHH Hóa phẩm Bồ Hòn Xanh (mẫu)"), ("Quế Thơm", "Công ty TNHH Quế Thơm (mẫu)"),
         ("Sạch Mát", "Công ty CP Sạch Mát (mẫu)")],
        [["VN_GREEN"], ["EU_ECOLABEL"], ["NORDIC_SWAN"], ["GREEN_SEAL"], ["VN_GREEN", "NORDIC_SWAN"]],
        ["Nước rửa chén hương quế {b} 750ml|{b} cinnamon dish soap 750ml",
         "Nước rửa bát sinh học chiết xuất bồ hòn {b} 500ml|{b} soapnut bio dish soap 500ml",
         "Nước rửa chén {b} túi 3,5kg|{b} dish soap refill 3.5kg",
         "Nước rửa rau quả {b} 500ml|{b} fruit and vegetable wash 500ml",
         "Viên rửa bát cho máy {b} 40 viên|{b} dishwasher tablets, 40",
         "Nước rửa bình sữa {b} 500ml|{b} baby bottle wash 500ml",
         "Nước rửa chén không mùi {b} 1L|{b} fragrance-free dish soap 1L",
         "Nước lau sàn sinh học hương sả {b} 1L|{b} lemongrass bio floor cleaner 1L",
         "Nước tẩy rửa đa năng {b} 500ml|{b} all-purpose cleaner 500ml",
         "Nước lau kính {b} 520ml|{b} glass cleaner 520ml"]),
    "tissue": (
        [("Mây Trắng Paper", "Công ty CP Giấy Mây Trắng (mẫu)"), ("Tre Xanh", "Công ty TNHH Giấy Tre Xanh (mẫu)")],
        [["FSC"], ["FSC"], ["PEFC"], ["FSC", "VN_GREEN"], ["NORDIC_SWAN"]],
        ["Giấy vệ sinh 3 lớp {b} lốc 10 cuộn|{b} 3-ply toilet paper, 10 rolls",
         "Khăn giấy rút {b} 180 tờ|{b} facial tissues, 180 sheets",
         "Giấy ăn {b} gói 100 tờ|{b} table napkins, 100",
         "Khăn ướt không mùi {b} 80 tờ|{b} unscented wet wipes, 80",
         "Giấy vệ sinh tái chế {b} 12 cuộn|{b} recycled toilet paper, 12 rolls",
         "Khăn giấy bỏ túi {b} 10 gói|{b} pocket tissues, 10 packs",
         "Giấy lau bếp {b} 2 cuộn|{b} kitchen towels, 2 rolls",
         "Giấy vệ sinh cuộn lớn {b} 700g|{b} jumbo toilet roll 700g",
         "Khăn giấy sợi tre {b} 3 gói|{b} bamboo fibre tissues, 3 packs"]),
    "stationery": (
        [("Trang Vở Mới", "Công ty CP Văn phòng phẩm Trang Mới (mẫu)")],
        [["FSC"], ["PEFC"], ["BLUE_ANGEL"]],
        ["Giấy in A4 70gsm {b} 500 tờ|{b} A4 copy paper 70gsm, 500 sheets",
         "Vở kẻ ngang {b} 200 trang|{b} ruled notebook, 200 pages",
         "Sổ tay bìa giấy tái chế {b} A5|{b} A5 notebook, recycled cover",
         "Bút chì gỗ {b} hộp 12 chiếc|{b} wooden pencils, 12",
         "Giấy in tái chế {b} A4 500 tờ|{b} recycled A4 paper, 500 sheets",
         "Phong bì giấy kraft {b} 50 chiếc|{b} kraft envelopes, 50"]),
    "led_bulb": (
        [("Đèn Sao Sáng", "Công ty CP Chiếu sáng Sao Sáng (mẫu)"), ("LumiViet Mẫu", "Công ty TNHH LumiViet (mẫu)")],
        [["VN_ENERGY"], ["VN_ENERGY"], ["VN_ENERGY", "ENERGY_STAR"]],
        ["Bóng đèn LED bulb 9W {b} ánh sáng trắng|{b} 9W LED bulb, cool white",
         "Bóng đèn LED tròn 12W đui E27 {b}|{b} 12W LED bulb, E27",
         "Đèn LED tuýp 1m2 18W {b}|{b} 18W LED tube 1.2m",
         "Đèn LED âm trần 7W {b}|{b} 7W LED downlight",
         "Đèn bàn LED chống cận {b}|{b} LED desk lamp",
         "Bóng LED dây tóc 4W ánh sáng vàng {b}|{b} 4W LED filament bulb, warm white",
         "Đèn pha LED năng lượng mặt trời 100W {b}|{b} 100W solar LED flood light",
         "Bóng đèn LED cảm biến chuyển động 10W {b}|{b} 10W motion-sensor LED bulb",
         "Đèn LED panel 600x600 40W {b}|{b} 40W LED panel 600x600",
         "Bóng LED trụ 30W {b}|{b} 30W LED column bulb"]),
    "air_conditioner": (
        [("Gió Mát", "Công ty CP Điện lạnh Gió Mát (mẫu)"), ("Hà Phong", "Công ty TNHH Hà Phong (mẫu)")],
        [["VN_ENERGY"]],
        ["Điều hòa inverter 1 chiều 9000BTU {b}|{b} 9000BTU inverter air conditioner, cooling only",
         "Máy lạnh inverter 12000BTU {b}|{b} 12000BTU inverter air conditioner",
         "Điều hòa 2 chiều inverter 18000BTU {b}|{b} 18000BTU heat-pump inverter air conditioner",
         "Điều hòa treo tường gas R32 {b} 9000BTU|{b} 9000BTU wall air conditioner, R32",
         "Điều hòa tủ đứng {b} 24000BTU|{b} 24000BTU floor-standing air conditioner",
         "Máy lạnh tiết kiệm điện {b} 1HP|{b} 1HP energy-saving air conditioner",
         "Điều hòa âm trần cassette {b} 28000BTU|{b} 28000BTU cassette air conditioner"]),
    "fridge": (
        [("Băng Tuyết", "Công ty CP Điện máy Băng Tuyết (mẫu)"), ("Hà Phong", "Công ty TNHH Hà Phong (mẫu)")],
        [["VN_ENERGY"], ["VN_ENERGY", "ENERGY_STAR"]],
        ["Tủ lạnh inverter 2 cánh {b} 256 lít|{b} 256L two-door inverter fridge",
         "Tủ lạnh ngăn đá dưới {b} 322 lít|{b} 322L bottom-freezer fridge",
         "Tủ lạnh side by side {b} 600 lít|{b} 600L side-by-side fridge",
         "Tủ lạnh mini {b} 90 lít|{b} 90L mini fridge",
         "Tủ lạnh 4 cánh inverter {b} 500 lít|{b} 500L four-door inverter fridge",
         "Tủ đông {b} 200 lít|{b} 200L chest freezer",
         "Tủ lạnh ngăn đá trên {b} 180 lít|{b} 180L top-freezer fridge"]),
    "washing_machine": (
        [("Gió Mát", "Công ty CP Điện lạnh Gió Mát (mẫu)"), ("Băng Tuyết", "Công ty CP Điện máy Băng Tuyết (mẫu)")],
        [["VN_ENERGY"]],
        ["Máy giặt cửa trước inverter {b} 9kg|{b} 9kg front-loading inverter washing machine",
         "Máy giặt cửa trên {b} 8,5kg|{b} 8.5kg top-loading washing machine",
         "Máy giặt sấy {b} 10kg|{b} 10kg washer-dryer",
         "Máy sấy quần áo bơm nhiệt {b} 9kg|{b} 9kg heat-pump dryer"]),
    "bags": (
        [("Lá Chuối Xanh", "Công ty TNHH Bao bì Lá Chuối Xanh (mẫu)"), ("Túi Quê", "Cơ sở Túi Quê (mẫu)")],
        [["VN_GREEN"], ["VN_GREEN"], ["FSC"], ["GOTS"]],
        ["Túi phân hủy sinh học {b} 30x40cm cuộn 100 túi|{b} compostable bags 30x40cm, roll of 100",
         "Túi đựng rác tự hủy {b} 3 cuộn|{b} biodegradable bin liners, 3 rolls",
         "Túi vải canvas có quai {b}|{b} canvas tote bag",
         "Túi giấy kraft có quai {b} 20 chiếc|{b} kraft paper bags with handles, 20",
         "Túi lưới đựng rau củ {b} bộ 5 chiếc|{b} reusable mesh produce bags, 5",
         "Túi tinh bột sắn {b} 24x32cm 1kg|{b} cassava-starch bags 24x32cm, 1kg",
         "Làn nhựa tái chế đi chợ {b}|{b} recycled plastic market basket",
         "Túi đựng thực phẩm phân hủy sinh học {b} 50 túi|{b} compostable food bags, 50",
         "Túi cói đi chợ {b}|{b} woven sedge market bag"]),
    "straws_boxes": (
        [("Cỏ Bàng Việt", "HTX Cỏ Bàng Việt (mẫu)"), ("Bã Mía Xanh", "Công ty CP Bã Mía Xanh (mẫu)")],
        [["VN_GREEN"], ["FSC"], ["VN_GREEN"]],
        ["Ống hút cỏ bàng khô {b} 100 ống|{b} dried grass straws, 100",
         "Ống hút gạo {b} 100 ống|{b} rice straws, 100",
         "Ống hút tre tái sử dụng {b} bộ 10 ống|{b} reusable bamboo straws, set of 10",
         "Ống hút giấy {b} 200 ống|{b} paper straws, 200",
         "Hộp bã mía đựng thức ăn {b} 50 hộp|{b} bagasse food boxes, 50",
         "Hộp giấy kraft đựng đồ ăn mang đi {b} 50 hộp|{b} kraft takeaway boxes, 50",
         "Cốc giấy 8oz {b} 50 chiếc|{b} paper cups 8oz, 50",
         "Thìa gỗ dùng một lần {b} 100 chiếc|{b} wooden spoons, 100",
         "Đĩa lá cau {b} 25 chiếc|{b} areca leaf plates, 25",
         "Hộp cơm inox 3 ngăn {b}|{b} stainless steel lunch box, 3 tiers"]),
    "clothes": (
        [("Bông Mộc", "Công ty TNHH May mặc Bông Mộc (mẫu)"), ("Sợi Lành", "Công ty CP Sợi Lành (mẫu)")],
        [["GOTS"], ["OEKO_TEX"], ["GOTS", "OEKO_TEX"]],
        ["Áo thun nam cotton hữu cơ {b}|{b} men's organic cotton T-shirt",
         "Áo phông trẻ em cotton hữu cơ {b}|{b} kids' organic cotton T-shirt",
         "Bộ quần áo sơ sinh cotton hữu cơ {b}|{b} organic cotton baby outfit",
         "Khăn tắm cotton hữu cơ {b} 70x140cm|{b} organic cotton bath towel 70x140cm",
         "Tất cotton hữu cơ {b} 3 đôi|{b} organic cotton socks, 3 pairs",
         "Quần jean vải tái chế {b}|{b} recycled denim jeans",
         "Áo sơ mi linen {b}|{b} linen shirt",
         "Bộ chăn ga cotton hữu cơ {b}|{b} organic cotton bedding set",
         "Khăn mặt sợi tre {b} 2 chiếc|{b} bamboo fibre face towels, 2"]),
    "cosmetics": (
        [("Bồ Kết Quê", "Công ty TNHH Thảo mộc Bồ Kết Quê (mẫu)"), ("Hoa Bưởi Xinh", "Công ty TNHH Hoa Bưởi Xinh (mẫu)")],
        [["EU_ECOLABEL"], ["NORDIC_SWAN"], ["USDA_ORGANIC"]],
        ["Dầu gội thảo dược bồ kết {b} 300ml|{b} herbal soapberry shampoo 300ml",
         "Sữa tắm hương sả chanh {b} 500ml|{b} lemongrass shower gel 500ml",
         "Xà phòng thủ công dầu dừa {b} 100g|{b} handmade coconut soap 100g",
         "Son dưỡng môi sáp ong hữu cơ {b}|{b} organic beeswax lip balm",
         "Kem đánh răng than tre {b} 180g|{b} bamboo charcoal toothpaste 180g",
         "Dầu xả vỏ bưởi {b} 300ml|{b} pomelo peel conditioner 300ml",
         "Nước tẩy trang hoa hồng {b} 250ml|{b} rose micellar water 250ml",
         "Kem dưỡng da em bé hữu cơ {b} 100ml|{b} organic baby cream 100ml",
         "Dầu gội dạng bánh {b} 80g|{b} shampoo bar 80g"]),
}

ORGANIC = {"VN_ORGANIC", "PGS", "EU_ORGANIC", "USDA_ORGANIC", "GOTS"}
ENERGY_DETAILS = ["5 sao", "5 sao", "4 sao", "3 sao", "Nhãn xác nhận"]
FSC_DETAILS = ["FSC Mix", "FSC Recycled", "FSC 100%"]
COLUMNS = ["gtin", "name_vi", "name_en", "brand", "producer", "category", "label", "label_detail",
           "certificate_no", "certifier", "valid_from", "valid_until", "source", "source_date", "sample"]


def gtin(company: int, item: int) -> str:
    """A GTIN-13 with GS1's demonstration prefix 952 and a correct check digit."""
    payload = f"952{company:04d}{item:05d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return payload + str((10 - total % 10) % 10)


def main() -> None:
    rnd = random.Random(263)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    serial = 0
    companies: dict[str, int] = {}
    for category, (brands, label_sets, products) in CATALOG.items():
        for n, template in enumerate(products):
            vi, en = template.split("|")
            picks = [brands[n % len(brands)]]
            if len(brands) > 1 and rnd.random() < 0.45:
                picks.append(brands[(n + 1) % len(brands)])
            for brand, producer in picks:
                company = companies.setdefault(brand, 1000 + 37 * len(companies))
                serial += 1
                code = "" if category in ("vegetables", "fruit") and rnd.random() < 0.12 else gtin(company, serial)
                organic = [s for s in label_sets if ORGANIC.intersection(s)]
                labels = rnd.choice(organic if "hữu cơ" in vi and organic else label_sets)
                for label in labels:
                    years = YEARS.get(label, 3)
                    start = TODAY - timedelta(days=rnd.randint(20, 365 * years - 20))
                    until = start + timedelta(days=365 * years)
                    if rnd.random() < 0.06:  # a few certificates well past their date
                        until = TODAY - timedelta(days=rnd.randint(20, 400))
                        start = until - timedelta(days=365 * years)
                    detail = ""
                    if label == "VN_ENERGY":
                        detail = rnd.choice(ENERGY_DETAILS)
                    elif label == "FSC":
                        detail = rnd.choice(FSC_DETAILS)
                    certifier = CERTIFIERS.get(label, "Sample certifier")
                    cert_no = "" if label == "PGS" and rnd.random() < 0.3 else (
                        f"MAU-{label.replace('_', '')}-{start.year}-{serial:04d}")
                    out.writerow([code, vi.format(b=brand), en.format(b=brand), brand, producer, category,
                                  label, detail, cert_no, certifier, start.isoformat(), until.isoformat(),
                                  SOURCE, SOURCE_DATE, "yes"])


if __name__ == "__main__":
    main()
