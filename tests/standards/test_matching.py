"""Matching what a consumer wrote to an item and dispute type of the notice."""

from __future__ import annotations

import pytest

from relief.standards import load_standards, match_standard


@pytest.fixture(scope="module")
def standards():
    return load_standards()


# (product field, problem, expected item, acceptable condition numbers or None for any)
REALISTIC = [
    ("헬스장", "3개월 다니다가 중도 해지했는데 환불을 안 해줘요", "sports-facility", {"5"}),
    ("", "헬스장환불해주세요", "sports-facility", {"5"}),
    ("헬스징", "환불", "sports-facility", {"5"}),
    ("필라테스", "회원권 중도해지 위약금", "sports-facility", {"5"}),
    ("항공권", "비행기가 3시간 지연됐어요", "air-domestic", {"3"}),
    ("휴대폰", "액정이 고장났는데 수리가 안 된대요", "smartphone", {"3"}),
    ("냉장고", "부품이 없어서 수리를 못한대요", "electronics", {"5"}),
    ("노트북", "AS 맡겼는데 업체가 분실했어요", "electronics", {"4"}),
    ("신혼여행 해외 패키지", "출발 20일 전에 취소했는데 위약금이 커요", "overseas-travel", {"1"}),
    ("예식장", "계약 취소 위약금", "wedding-hall", {"2", "3"}),
    ("펜션", "예약 취소했는데 환불 거부", "lodging", {"1", "2", "3", "4"}),
    ("과자", "벌레가 나왔어요", "processed-food", {"4"}),
    ("정수기렌탈", "중도해지 위약금", "long-term-rental", {"4"}),
    ("콘서트 티켓", "예매 취소 환불", "performance", {"2"}),
    ("쇼파", "3개월만에 가죽이 찢어졌어요", "furniture", {"11"}),
    ("학원", "한 달 수강 중 그만두면 환불", "academy", {"4"}),
    ("기프티콘", "유효기간 지나서 환불 거절", "mobile-gift-voucher", {"4"}),
    ("강아지", "분양받고 일주일 만에 죽었어요", "pet-sale", {"1"}),
    ("KTX", "기차표 반환 수수료", "rail", {"3"}),
    ("피부관리실", "회원권 중도해지", "beauty-services", {"4"}),
    ("모바일 게임", "아이가 부모 동의 없이 결제했어요", "mobile-content", {"1", "4"}),
]
REALISTIC_EN = [
    ("gym", "I want to cancel my membership and get a refund", "sports-facility", {"5"}),
    ("flight", "my flight was delayed 5 hours", None, {"3", "5"}),
    ("flght", "delayed", None, {"3", "5"}),
    ("phone", "it stopped working after two weeks", "smartphone", None),
    ("laptop", "the repair shop lost my laptop", "electronics", {"4"}),
    ("hotel", "I cancelled my booking three days before and they keep half", "lodging", None),
    ("pilates", "refund after 3 months", "sports-facility", {"5"}),
]


@pytest.mark.parametrize(("product", "problem", "item", "conditions"), REALISTIC)
def test_a_korean_complaint_finds_its_item_and_condition(
    standards, product, problem, item, conditions
):
    matches = match_standard(standards, product=product, problem=problem)
    assert matches, (product, problem)
    best = matches[0]
    assert best.item_id == item, [(m.item_id, m.condition_no) for m in matches]
    assert conditions is None or best.condition_no in conditions, best.condition


@pytest.mark.parametrize(("product", "problem", "item", "conditions"), REALISTIC_EN)
def test_an_english_complaint_finds_its_item_and_condition(
    standards, product, problem, item, conditions
):
    matches = match_standard(standards, product=product, problem=problem, lang="en")
    assert matches, (product, problem)
    best = matches[0]
    if item is None:  # a flight could be domestic or international; both are right
        assert best.item_id in {"air-domestic", "air-international"}
    else:
        assert best.item_id == item
    assert conditions is None or best.condition_no in conditions


def test_the_product_can_be_named_only_in_the_free_text(standards):
    matches = match_standard(
        standards,
        product="",
        problem="환불 요청",
        text="동네 헬스장에서 12개월 회원권을 끊었는데 이사 때문에 그만두려 합니다",
    )
    assert matches and matches[0].item_id == "sports-facility"


@pytest.mark.parametrize(
    ("product", "problem"),
    [
        ("asdfgh", "qwerty"),
        ("ㅋㅋㅋㅋ", "ㅋㅋ"),
        ("", "날씨가 좋네요"),
        ("12345", "!!!"),
        ("lorem", "ipsum dolor sit amet"),
        ("", ""),
        ("", "필요가 없어서 환불하고 싶어요"),  # "요가" inside "필요가" is not yoga
        ("헬스장", ""),  # a product but no problem: no condition can be chosen
    ],
)
def test_garbage_or_half_a_complaint_matches_nothing(standards, product, problem):
    assert match_standard(standards, product=product, problem=problem) == []


def test_a_business_closing_down_points_at_the_business_fault_condition(standards):
    matches = match_standard(standards, product="헬스장", problem="헬스장이 갑자기 폐업해서 환불")
    assert (matches[0].item_id, matches[0].condition_no) == ("sports-facility", "4")


def test_a_match_carries_remedies_notice_date_score_and_formula(standards):
    best = match_standard(standards, product="헬스장", problem="중도 해지 환불")[0]
    assert best.industry == "학원·교습·레저 서비스 관련"
    assert best.item == "체육시설업, 레저용역업, 할인회원권업"
    assert best.condition == "소비자의 책임있는 사유로 인한 계약해제"
    assert any(line.startswith("이용개시일 이전: 반환금액 환급") for line in best.remedies)
    assert isinstance(best.remedies, list) and all(isinstance(r, str) for r in best.remedies)
    assert (best.notice, best.in_force) == ("공정거래위원회 고시 제2025-14호", "2025-12-18")
    assert 0 < best.score <= 1
    assert best.formula is not None and best.formula.id == "prorata-gym"
    assert "헬스장" in best.evidence


def test_english_matches_use_english_labels_and_say_the_notice_is_authoritative(standards):
    best = match_standard(standards, product="gym", problem="refund", lang="en")[0]
    assert best.item.startswith("Gyms") and best.industry.startswith("Academies")
    assert best.item_ko == "체육시설업, 레저용역업, 할인회원권업"
    assert "authoritative" in best.authoritative
    assert "2025-14" in best.citation() and "2025-12-18" in best.citation()


def test_limit_caps_the_number_of_matches(standards):
    assert len(match_standard(standards, product="항공권", problem="지연", limit=1)) == 1
    assert len(match_standard(standards, product="항공권", problem="지연", limit=5)) <= 5


def test_loading_is_cached(standards):
    assert load_standards() is standards
