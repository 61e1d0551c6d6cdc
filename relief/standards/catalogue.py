"""Identity of each item (품목) of the notice: a stable id, its clean name and an English gloss.

Keyed by the source label with numbering and spaces removed, so a changed or new label
in a later notice fails cleaning loudly instead of slipping through under a wrong id.
Glosses are ours (plain descriptions for English-speaking consumers), not the notice's.
"""

from __future__ import annotations

from typing import NamedTuple


class ItemIdentity(NamedTuple):
    id: str
    name: str  # the item as the notice names it, cleaned
    name_en: str


INDUSTRY_EN: dict[str, str] = {
    "농·수·축산물": "Agricultural, livestock and fishery products",
    "식료품": "Food and drink",
    "문화용품류": "Jewellery, books and leisure goods",
    "공산품": "Manufactured goods",
    "의약품 및 화학제품": "Medicines and chemical products",
    "전기·가스·방송·통신서비스 관련": "Electricity, gas, broadcasting and telephone services",
    "공연·콘텐츠 관련": "Performances and digital content",
    "금융서비스 관련": "Financial services (gift vouchers)",
    "의료서비스 관련": "Medical services",
    "대여서비스 관련": "Rental services",
    "결혼·출산 관련": "Weddings and childbirth",
    "숙박·여행·골프장 관련": "Lodging, travel and golf courses",
    "운수·화물·택배 등 관련": "Transport, freight and delivery",
    "학원·교습·레저 서비스 관련": "Academies, tutoring and leisure services",
    "연수·유학·이민 서비스 관련": "Training, study abroad and immigration services",
    "개인 및 기타 서비스업 관련": "Personal and other services",
    "건설·건축 관련": "Construction and interiors",
    "장례·상조 관련": "Funeral and prepaid funeral services",
}

# Source label (numbering and spaces removed) -> identity. Two source rows with the
# same id are one item split across pages of the notice; cleaning merges them.
ITEMS: dict[str, ItemIdentity] = {
    "란류,육류,곡류,과일,야채류,수산물류": ItemIdentity(
        "farm-produce",
        "란류, 육류, 곡류, 과일, 야채류, 수산물류",
        "Eggs, meat, grain, fruit, vegetables and seafood",
    ),
    "종묘등": ItemIdentity("seeds", "종묘 등", "Seeds and seedlings"),
    (
        "청량음료,과자류,빙과류,낙농제품류,통조림류,제빵류,"
        "설탕·제분류,식용유류,고기가공식품류,조미료,"
    ): ItemIdentity(
        "processed-food",
        "식료품 (청량음료, 과자류, 빙과류, 낙농제품류 등)",
        "Processed food and drinks",
    ),
    "귀금속·보석": ItemIdentity("jewellery", "귀금속·보석", "Precious metals and jewellery"),
    "악세사리": ItemIdentity("accessories", "악세사리", "Fashion accessories"),
    "도서·음반": ItemIdentity("books-records", "도서·음반", "Books, records and periodicals"),
    "스포츠·레저용품": ItemIdentity("sports-goods", "스포츠·레저용품", "Sports and leisure goods"),
    "전자제품,사무용기기": ItemIdentity(
        "electronics", "전자제품, 사무용기기", "Home electronics and office equipment"
    ),
    "전기통신기자재,시계,재봉기,광학제품,아동용품": ItemIdentity(
        "telecom-watch-optical-kids",
        "전기통신기자재, 시계, 재봉기, 광학제품, 아동용품",
        "Telephones, watches, sewing machines, cameras and children's goods",
    ),
    "스마트폰(명칭불문하고이동통신3세대이후의모든휴대전화포함)": ItemIdentity(
        "smartphone", "스마트폰", "Smartphones and mobile phones"
    ),
    "전자담배": ItemIdentity("e-cigarette", "전자담배", "E-cigarettes"),
    "자동차": ItemIdentity("car", "자동차", "Cars"),
    "모터사이클": ItemIdentity("motorcycle", "모터사이클", "Motorcycles"),
    "자전거": ItemIdentity("bicycle", "자전거", "Bicycles"),
    "타이어": ItemIdentity("tyre", "타이어", "Tyres"),
    "보일러": ItemIdentity("boiler", "보일러", "Boilers"),
    "연탄": ItemIdentity("coal-briquette", "연탄", "Coal briquettes"),
    "가구": ItemIdentity("furniture", "가구", "Furniture"),
    "가구(3.-2)": ItemIdentity("furniture", "가구", "Furniture"),
    "주방용품": ItemIdentity("kitchenware", "주방용품", "Kitchenware"),
    "전구": ItemIdentity("light-bulb", "전구", "Light bulbs"),
    "문구": ItemIdentity("stationery", "문구", "Stationery"),
    "생활위생용품": ItemIdentity(
        "hygiene-products", "생활위생용품", "Hygiene products (nappies, wet wipes, tissue)"
    ),
    "악기": ItemIdentity("musical-instrument", "악기", "Musical instruments"),
    "가죽제품": ItemIdentity("leather-goods", "가죽제품", "Leather goods"),
    "가방류": ItemIdentity("bags", "가방류", "Bags"),
    "신발": ItemIdentity("shoes", "신발", "Shoes"),
    "우산류": ItemIdentity("umbrellas", "우산류", "Umbrellas"),
    "가발": ItemIdentity("wig", "가발", "Wigs"),
    "의복류": ItemIdentity("clothing", "의복류", "Clothing"),
    "농업용기계,어업용기계": ItemIdentity(
        "farm-fishing-machinery", "농업용기계, 어업용기계", "Farm and fishing machinery"
    ),
    "농업용자재": ItemIdentity("farm-supplies", "농업용자재", "Farm supplies"),
    "어구": ItemIdentity("fishing-gear", "어구", "Fishing gear"),
    "축산자재": ItemIdentity("livestock-supplies", "축산자재", "Livestock supplies"),
    "건축자재(위생기구)": ItemIdentity(
        "building-sanitary", "건축자재(위생기구)", "Building materials: sanitary fittings"
    ),
    "건축자재(벽지)": ItemIdentity(
        "building-wallpaper", "건축자재(벽지)", "Building materials: wallpaper"
    ),
    "건축자재(타일)": ItemIdentity("building-tile", "건축자재(타일)", "Building materials: tiles"),
    "건축자재(F.R.P.Tank)": ItemIdentity(
        "building-frp-tank", "건축자재(F.R.P. Tank)", "Building materials: FRP water tanks"
    ),
    "건축자재(페인트류)": ItemIdentity(
        "building-paint", "건축자재(페인트류)", "Building materials: paint"
    ),
    "건축자재(시멘트제품류)": ItemIdentity(
        "building-cement", "건축자재(시멘트 제품류)", "Building materials: cement products"
    ),
    "건축자재(창호재)": ItemIdentity(
        "building-windows", "건축자재(창호재)", "Building materials: windows and doors"
    ),
    "건축자재(목재류)": ItemIdentity(
        "building-timber", "건축자재(목재류)", "Building materials: timber"
    ),
    "의약품,의약외품": ItemIdentity("medicines", "의약품, 의약외품", "Medicines and quasi-drugs"),
    "의료기기": ItemIdentity("medical-device", "의료기기", "Medical devices"),
    "화장품": ItemIdentity("cosmetics", "화장품", "Cosmetics"),
    "비누및합성세제": ItemIdentity("soap-detergent", "비누 및 합성세제", "Soap and detergents"),
    "플라스틱제품": ItemIdentity("plastic-products", "플라스틱 제품", "Plastic products"),
    "비료": ItemIdentity("fertiliser", "비료", "Fertilisers"),
    "농약": ItemIdentity("pesticide", "농약", "Pesticides"),
    "고무장갑": ItemIdentity("rubber-gloves", "고무장갑", "Rubber gloves"),
    "건전지": ItemIdentity("batteries", "건전지", "Dry-cell batteries"),
    "전기서비스": ItemIdentity("electricity", "전기서비스", "Electricity supply"),
    "전화서비스": ItemIdentity("telephone", "전화서비스", "Fixed telephone service"),
    "가스서비스": ItemIdentity("gas-supply", "가스서비스", "Gas supply"),
    "위성방송업,유선방송업": ItemIdentity(
        "pay-tv", "위성방송업, 유선방송업", "Satellite and cable TV"
    ),
    "공연업(영화및비디오물상영업제외)": ItemIdentity(
        "performance", "공연업", "Performances (concerts, musicals, plays)"
    ),
    "영화관람": ItemIdentity("cinema", "영화관람", "Cinema"),
    "모바일콘텐츠": ItemIdentity("mobile-content", "모바일콘텐츠", "Mobile content and apps"),
    "인터넷콘텐츠업": ItemIdentity(
        "internet-content", "인터넷콘텐츠업", "Internet content (online courses, subscriptions)"
    ),
    "온라인게임서비스업": ItemIdentity("online-game", "온라인게임서비스업", "Online games"),
    "-1상품권": ItemIdentity("gift-voucher", "상품권", "Gift vouchers"),
    "-2신유형상품권": ItemIdentity(
        "mobile-gift-voucher", "신유형 상품권", "Mobile and online gift vouchers"
    ),
    "임플란트": ItemIdentity("dental-implant", "임플란트", "Dental implants"),
    "피부과시술및치료(미용을목적으로한치료로제한)": ItemIdentity(
        "cosmetic-dermatology", "피부과 시술 및 치료(미용 목적)", "Cosmetic dermatology"
    ),
    "성형수술": ItemIdentity("cosmetic-surgery", "성형수술", "Cosmetic surgery"),
    "장기물품대여서비스업": ItemIdentity(
        "long-term-rental",
        "장기 물품대여서비스업",
        "Long-term rental (water purifiers, bidets, massage chairs)",
    ),
    "단기물품대여서비스업(2023.12.22.신설)": ItemIdentity(
        "short-term-rental", "단기 물품대여서비스업", "Short-term rental (clothes, accessories)"
    ),
    "예식업": ItemIdentity("wedding-hall", "예식업", "Wedding halls"),
    "숙박업": ItemIdentity("lodging", "숙박업", "Hotels, pensions and other lodging"),
    "국내여행": ItemIdentity("domestic-travel", "국내여행", "Domestic package tours"),
    "국외여행": ItemIdentity("overseas-travel", "국외여행", "Overseas package tours"),
    "전세버스,특수여객자동차": ItemIdentity(
        "charter-bus", "전세버스, 특수여객자동차", "Chartered buses"
    ),
    "시외버스": ItemIdentity("intercity-bus", "시외버스", "Intercity and express buses"),
    "일반화물,개별화물,용달화물": ItemIdentity(
        "freight-trucking", "일반화물, 개별화물, 용달화물", "Freight trucking"
    ),
    "철도(여객)": ItemIdentity("rail", "철도(여객)", "Trains (passengers)"),
    "철도(화물)": ItemIdentity("rail-freight", "철도(화물)", "Rail freight"),
    "항공(국내여객)": ItemIdentity("air-domestic", "항공(국내 여객)", "Domestic flights"),
    "항공(국제여객)": ItemIdentity("air-international", "항공(국제 여객)", "International flights"),
    "선박(국내여객)": ItemIdentity("ferry", "선박(국내 여객)", "Domestic ferries"),
    "이사화물자동차운송주선사업및화물자동차운송사업": ItemIdentity(
        "moving", "이사화물 운송", "Removals (moving companies)"
    ),
    "주차장업,주차대행업": ItemIdentity(
        "parking", "주차장업, 주차대행업", "Parking and valet parking"
    ),
    "학원운영업,평생교육시설운영업": ItemIdentity(
        "academy",
        "학원운영업, 평생교육시설운영업",
        "Private academies (hagwon) and adult education",
    ),
    "체육시설업,레저용역업,할인회원권업": ItemIdentity(
        "sports-facility",
        "체육시설업, 레저용역업, 할인회원권업",
        "Gyms, pools and sports facilities, leisure services, discount memberships",
    ),
    "골프장(2－1)": ItemIdentity("golf-course", "골프장", "Golf courses"),
    "골프장(2－2)": ItemIdentity("golf-course", "골프장", "Golf courses"),
    "스터디카페": ItemIdentity("study-cafe", "스터디카페", "Study cafés"),
    "해외어학연수수속대행업": ItemIdentity(
        "language-study-agency",
        "해외 어학연수 수속 대행업",
        "Study-abroad (language course) agencies",
    ),
    "국내연수업(어학,체험캠프등)": ItemIdentity(
        "domestic-camp", "국내 연수업(어학, 체험캠프 등)", "Domestic language and experience camps"
    ),
    "피부미용업,모발미용업,네일서비스업,왁싱업": ItemIdentity(
        "beauty-services",
        "피부미용업, 모발미용업, 네일서비스업, 왁싱업",
        "Beauty services (skin care, hair, nails, waxing)",
    ),
    "연회시설운영업": ItemIdentity("banquet-hall", "연회시설 운영업", "Banquet halls"),
    "연회시설운영업외외식업": ItemIdentity(
        "restaurant", "외식업", "Restaurants (reservations and deposits)"
    ),
    "반려동물판매업(개,고양이등동물보호법에서규정한반려동물에한함)": ItemIdentity(
        "pet-sale", "반려동물판매업", "Pet shops (dogs and cats)"
    ),
    "실내건축공사업": ItemIdentity(
        "interior-works", "실내건축공사업", "Interior construction and remodelling"
    ),
}

# Items whose source rows are not a dispute table at all; cleaning drops them with this note.
DROPPED_LABELS: dict[str, str] = {
    "연차별│환급률┃연차별│환급률┃연차별│환급률": (
        "장례·상조: the refund-rate-by-year table (연차별 환급률) was flattened into "
        "row fragments: only the first of three column pairs kept its rate, the other "
        "columns lost theirs, and the disputes that refer to the table are missing."
    ),
    "회차│납입금누계│관리비누계│모집수당공제액│해약환급금│환급률": (
        "장례·상조: the instalment table (회차별 해약환급금) kept only the running total of "
        "payments; the management-fee, commission, refund and refund-rate columns are lost."
    ),
}
