"""The public directory's search box finds bodies from what people type."""

from __future__ import annotations

import time

import pytest

from agencies import load_registry, search_bodies


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("성형 환불", "ko", "kca"),
        ("헬스장환불", "ko", "kca"),  # missing space
        ("헬스장 환뷸", "ko", "kca"),  # typo
        ("위약굼", "ko", "kca"),  # typo
        ("전세 보증금", "ko", "hldc"),
        ("보증굼", "ko", "hldc"),  # typo
        ("집주인이 보증금 안줘요", "ko", "hldc"),
        ("게임 아이템", "ko", "kcdrc"),
        ("현질환불", "ko", "kcdrc"),
        ("넷플릭스 해지", "ko", "kcdrc"),
        ("폰요금", "ko", "kcc-tdmc"),
        ("핸드폰 요금 폭탄", "ko", "kcc-tdmc"),
        ("층간소음", "ko", "noise-neighbour"),
        ("중고나라 사기", "ko", "police-cyber"),
        ("월급 안줌", "ko", "moel-labor"),
        ("실비 안줌", "ko", "fss-fdmc"),
        ("해외직구 환불", "ko", "kca-crossborder"),
        ("신축 아파트 누수", "ko", "adc"),
        ("가게 권리금", "ko", "cldc"),
        ("상조회사 폐업", "ko", "kmaco-sangjo"),
        ("우체국 택배 분실", "ko", "epost"),
        ("phone bill", "en", "kcc-tdmc"),
        ("insurance claim denied", "en", "fss-fdmc"),
        ("flight cancelled", "en", "air-passenger"),
        ("data breach", "en", "pipc-dmc"),
        ("temu refund", "en", "kca-crossborder"),
        ("unpaid wages", "en", "moel-labor"),
        ("netflix", "en", "kcdrc"),
        ("malpractice", "en", "kmdma"),
        ("upstairs noise", "en", "noise-neighbour"),
        ("gym refund", "en", "kca"),
        ("landlord wont return deposit", "en", "hldc"),
    ],
)
def test_search_finds_the_right_body_first(query: str, lang: str, expected: str) -> None:
    hits = search_bodies(load_registry(), query, lang=lang)
    assert hits, query
    assert hits[0].body_id == expected, [(h.body_id, h.score) for h in hits[:3]]


@pytest.mark.parametrize("query", ["", "   ", "asdfgh", "ㅋㅋㅋ", "qwerty zxcv", "!!!", "a"])
def test_search_returns_nothing_for_garbage(query: str) -> None:
    assert search_bodies(load_registry(), query) == []


def test_search_hits_say_what_matched_and_score_between_zero_and_one() -> None:
    hits = search_bodies(load_registry(), "게임 아이템 환불")
    assert hits[0].body_id == "kcdrc"
    assert any("아이템" in text for text in hits[0].matched)
    assert all(0 < hit.score <= 1 for hit in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_search_respects_the_limit() -> None:
    assert len(search_bodies(load_registry(), "환불", limit=3)) == 3
    assert search_bodies(load_registry(), "환불", limit=0) == []


def test_search_is_fast_once_the_index_is_built() -> None:
    registry = load_registry()
    search_bodies(registry, "환불")  # builds the index
    queries = ["헬스장 환불", "전세 보증굼", "phone bill", "게임아이템환불", "층간 소음"] * 10
    start = time.perf_counter()
    for query in queries:
        search_bodies(registry, query)
    assert (time.perf_counter() - start) / len(queries) < 0.05
