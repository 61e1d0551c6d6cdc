"""The one function the app calls: route_complaint, and what it answers."""

from __future__ import annotations

from pathlib import Path

import pytest

import classifier
from classifier.pipeline import Router


@pytest.fixture
def loaded(model_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("RELIEF_ROUTER_MODEL", str(model_path))
    classifier.reset_router()
    yield classifier
    classifier.reset_router()


def test_the_model_is_loaded_once_per_process(loaded) -> None:
    assert loaded.get_router() is loaded.get_router()


def test_route_complaint_answers_the_documented_fields(loaded) -> None:
    result = loaded.route_complaint("헬스장 회원권 중도 해지했는데 위약금을 너무 많이 떼요")
    data = result.to_dict()
    assert set(data) >= {"ranking", "evidence", "out_of_scope", "referral", "multiple_matters",
                         "matters", "confidence", "needs_triage", "verdict", "lang"}
    assert len(data["ranking"]) >= 3
    assert data["ranking"][0] == {"agency": result.top, "score": result.confidence}
    assert data["verdict"] == "ok"
    assert data["lang"] == "ko"


def test_evidence_points_at_the_words_in_the_original_text(loaded) -> None:
    text = "헬스장  회원권 중도해지 했는데 위약금을 너무 많이 떼요"
    result = loaded.route_complaint(text)
    top = result.top
    words = [e for e in result.evidence if e.agency == top and e.kind in ("term", "fuzzy")]
    assert words
    for ev in words:
        assert text[ev.start : ev.end] == ev.text
    assert any(e.kind == "model" for e in result.evidence)


def test_warm_up_loads_the_model(loaded) -> None:
    loaded.warm_up()
    assert loaded.get_router() is not None


def test_fraud_between_individuals_is_out_of_scope_with_a_referral(router: Router) -> None:
    text = "중고나라에서 아이폰 샀는데 판매자가 돈만 받고 잠수탔어요. 연락두절입니다"
    result = router.route(text)
    assert result.out_of_scope
    assert result.verdict == "out_of_scope"
    assert result.referral == "police-cyber"
    assert result.referral == result.top


def test_unpaid_wages_are_out_of_scope(router: Router) -> None:
    result = router.route("편의점 알바비를 석 달째 못 받고 있어요. 사장님이 월급을 체불해요")
    assert result.out_of_scope
    assert result.referral == "moel-labor"


def test_a_consumer_matter_is_in_scope(router: Router) -> None:
    result = router.route("세탁소에 맡긴 코트가 줄어들었는데 세탁소가 보상을 거부해요")
    assert not result.out_of_scope
    assert result.referral is None
    assert result.verdict == "ok"


def test_two_different_matters_are_flagged(router: Router) -> None:
    text = ("전세 계약이 끝났는데 집주인이 보증금을 안 돌려줘요. "
            "그리고 별개로 윗집 층간소음 때문에 밤마다 잠을 못 자요.")
    result = router.route(text)
    assert result.multiple_matters
    assert result.matters is not None and result.matters != result.top
    assert {result.top, result.matters} >= {"hldc"} or {result.top, result.matters} >= {
        "noise-neighbour"}


def test_one_matter_told_at_length_is_not_flagged(router: Router) -> None:
    text = ("헬스장 1년 회원권을 끊었는데 이사 때문에 중도 해지를 요청했어요. "
            "그런데 위약금을 과하게 요구하고 남은 기간 환불을 거부합니다.")
    assert not router.route(text).multiple_matters


def test_low_confidence_goes_to_supervisor_triage(router: Router) -> None:
    result = router.route("안녕하세요 문의드립니다 답변 부탁드려요")
    assert result.needs_triage
    assert result.confidence < router.combiner.triage_threshold or result.verdict != "ok"


def test_facts_can_be_given_beside_the_text(router: Router) -> None:
    result = router.route("사업장 소음과 분진 피해", {"amount_krw": 50_000_000, "region": "서울",
                                                 "business": "넷플릭스", "unknown": 1})
    assert result.verdict in ("ok", "out_of_scope")
