"""The public directory: browse by field, search as people type, a page per body."""

from __future__ import annotations

import pytest


def test_directory_lists_all_bodies_by_field_for_anyone(client):
    page = client.get("/bodies/").get_data(as_text=True)
    assert "한국소비자원" in page and "의료분쟁조정중재원" in page
    assert page.count('class="rf-body-item"') >= 70


@pytest.mark.parametrize(("query", "expected"), [
    ("성형 환불", "kca"),
    ("전세 보증금", "hldc"),
    ("게임 아이템", "kcdrc"),
    ("phone bill", "kcc-tdmc"),
    ("보증굼", "hldc"),
    ("헬스장환불", "kca"),
])
def test_search_finds_the_body_a_person_means(client, query, expected):
    page = client.get("/bodies/", query_string={"q": query}).get_data(as_text=True)
    results = page.split('id="results"', 1)[1].split('id="by-field"', 1)[0]
    top = results.split('href="/bodies/', 6)[1:6]
    assert any(item.startswith(f'{expected}"') for item in top), (query, top)


def test_search_for_garbage_says_nothing_matched(client):
    page = client.get("/bodies/", query_string={"q": "ㅋㅋㅋ!!!"}).get_data(as_text=True)
    assert "일치하는 기관이 없습니다" in page


def test_body_page_shows_handles_deadline_and_contacts(client):
    page = client.get("/bodies/kca").get_data(as_text=True)
    assert "1372" in page and "30" in page
    assert "다루는 일" in page and "다루지 않는 일" in page


def test_body_with_unknown_deadline_never_shows_an_invented_one(client):
    page = client.get("/bodies/ccn-1372").get_data(as_text=True)
    assert "법으로 정해진 기한이 없습니다" in page


def test_unverified_body_carries_a_note_that_it_is_unchecked(client):
    page = client.get("/bodies/kofia-dmc").get_data(as_text=True)
    assert "공식 자료로 아직 확인되지 않았습니다" in page


def test_body_page_is_in_english_on_request(client):
    client.get("/language/en")
    page = client.get("/bodies/kmdma").get_data(as_text=True)
    assert "Korea Medical Dispute Mediation" in page and "What it handles" in page


def test_unknown_body_is_404(client):
    assert client.get("/bodies/no-such-body").status_code == 404
