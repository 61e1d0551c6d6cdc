"""Precedence rules (both sides of a subtlety) and facts given beside the text."""

from __future__ import annotations

import numpy as np
import pytest

from classifier.combine import apply_precedence
from classifier.facts import amounts_in_text, clean_facts, conditions_hold
from classifier.pipeline import Router


def _preferred(router: Router, text: str, facts: dict | None = None) -> set[tuple[str, str]]:
    """(preferred, over) pairs of the rules that fire."""
    sig = router.signals(text, facts)
    return {(f.rule.prefer, over) for f in sig.fired for over in f.rule.over}


def _above(router: Router, text: str, first: str, second: str, facts: dict | None = None) -> bool:
    scores = router.scores(text, facts)
    return scores[first] > scores[second]


def test_a_refund_dispute_with_a_clinic_is_a_contract_matter(router: Router) -> None:
    text = "피부과에서 시술 패키지 선결제했는데 남은 회차 환불을 안 해줘요"
    assert ("kca", "kmdma") in _preferred(router, text)
    assert _above(router, text, "kca", "kmdma")


def test_an_injury_from_the_procedure_is_malpractice(router: Router) -> None:
    text = "피부과 시술 받고 부작용으로 흉터가 남았어요"
    assert ("kca", "kmdma") not in _preferred(router, text)
    assert ("kmdma", "kca") in _preferred(router, text)
    assert _above(router, text, "kmdma", "kca")


def test_small_environmental_claims_go_to_the_regional_committee(router: Router) -> None:
    text = "아파트 옆 공사장 소음과 먼지 때문에 피해를 입었어요"
    pairs = _preferred(router, text, {"amount_krw": 30_000_000})
    assert ("env-local", "env-central") in pairs
    assert _above(router, text, "env-local", "env-central", {"amount_krw": 30_000_000})


def test_large_environmental_claims_go_to_the_central_committee(router: Router) -> None:
    text = "아파트 옆 공사장 소음과 먼지 때문에 피해를 입었어요"
    pairs = _preferred(router, text, {"amount_krw": 300_000_000})
    assert ("env-central", "env-local") in pairs
    assert ("env-local", "env-central") not in pairs
    assert _above(router, text, "env-central", "env-local", {"amount_krw": 300_000_000})


def test_an_amount_written_in_the_text_stands_in_for_the_fact(router: Router) -> None:
    text = "공사장 소음과 진동으로 건물에 금이 가서 피해액이 3억 원입니다"
    assert ("env-central", "env-local") in _preferred(router, text)
    result = router.route(text)
    facts = [e for e in result.evidence if e.kind == "fact" and e.category == "amount_krw"]
    assert facts and text[facts[0].start : facts[0].end].startswith("3억")


def test_an_unknown_amount_satisfies_no_amount_condition(router: Router) -> None:
    text = "공사장 소음 때문에 잠을 못 자요"
    pairs = _preferred(router, text)
    assert ("env-central", "env-local") not in pairs


def test_a_business_abroad_goes_to_the_cross_border_desk(router: Router) -> None:
    text = "온라인 쇼핑몰에서 주문한 운동화가 두 달째 오지 않아요"
    assert not {p for p in _preferred(router, text) if p[0] == "kca-crossborder"}
    with_fact = _preferred(router, text, {"channel": "abroad"})
    assert ("kca-crossborder", "ecmc") in with_fact
    result = router.route(text, {"channel": "abroad"})
    ranking = [a for a, _ in result.ranking]
    assert ranking[0] == "kca-crossborder"
    assert any(e.kind == "fact" and e.category == "channel" for e in result.evidence)


def test_text_alone_still_routes_goods_bought_abroad(router: Router) -> None:
    result = router.route("해외직구로 산 신발이 한 달째 안 와요")
    assert result.ranking[0][0] == "kca-crossborder"


def test_precedence_moves_the_preferred_body_up_without_creating_probability() -> None:
    probs = np.array([0.6, 0.3, 0.1])
    out = apply_precedence(probs, {"a": 0, "b": 1, "c": 2}, [("c", ("a",))])
    assert out.tolist() == [0.1, 0.3, 0.6]
    assert out.sum() == pytest.approx(1.0)
    untouched = apply_precedence(probs, {"a": 0, "b": 1, "c": 2}, [("a", ("c",))])
    assert untouched.tolist() == probs.tolist()


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("피해액이 1억2천만 원이에요", 120_000_000),
        ("보증금 500만 원을 못 받았어요", 5_000_000),
        ("3,000,000원을 결제했습니다", 3_000_000),
        ("위자료 2억원 청구", 200_000_000),
        ("I paid 50 million won for it", 50_000_000),
        ("It cost KRW 1,200,000", 1_200_000),
        ("피해 금액을 합치면 1억 넘어요", 100_000_001),
    ],
)
def test_amounts_of_money_are_read_from_the_text(text: str, amount: int) -> None:
    assert max(a.value for a in amounts_in_text(text)) == amount


@pytest.mark.parametrize(
    "text", ["2023년 3월 5일에 샀어요", "010-1234-5678로 연락 주세요", "3개월 약정"]
)
def test_dates_phone_numbers_and_counts_are_not_money(text: str) -> None:
    assert amounts_in_text(text) == []


def test_facts_are_cleaned_and_unknown_fields_ignored() -> None:
    facts = clean_facts({"amount_krw": "1,000,000", "region": " 서울 ", "colour": "red",
                         "channel": 3})
    assert facts == {"amount_krw": 1_000_000, "region": "서울"}
    assert clean_facts({"amount_krw": True}) == {}


def test_fact_conditions_need_the_fact_to_be_known() -> None:
    small = {"amount_krw": {"max": 100_000_000}}
    assert conditions_hold(small, {"amount_krw": 100_000_000})
    assert not conditions_hold(small, {"amount_krw": 100_000_001})
    assert not conditions_hold(small, {})
    assert conditions_hold({"channel": ["abroad"]}, {"channel": "Abroad"})
    assert conditions_hold({"region": ["서울"]}, {"region": "서울특별시"})


def test_a_known_small_amount_outweighs_many_residents(router: Router) -> None:
    text = "마을 주민들이 인근 공장 악취 때문에 함께 피해 배상을 청구하려고 합니다"
    assert _above(router, text, "env-central", "env-local")
    assert _above(router, text, "env-local", "env-central", {"amount_krw": 40_000_000})


def test_a_new_car_to_be_replaced_is_a_lemon_law_matter(router: Router) -> None:
    text = "산 지 한 달 된 새 차에서 시동 꺼짐이 생겨 교환을 요구합니다"
    assert ("katri-lemon", "kca") in _preferred(router, text)
    used = "중고차 매매상에서 산 차가 고장 나서 환불을 요구합니다"
    assert ("katri-lemon", "kca") not in _preferred(router, used)
