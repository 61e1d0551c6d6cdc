"""POST /route: anyone may ask where a complaint goes, a little at a time."""

from __future__ import annotations

from tests.api.conftest import TEXT, assert_error


def test_anyone_can_route_a_text_and_gets_names_in_korean(client, router):
    response = client.post("/api/v1/route", json={"text": TEXT, "amount_krw": 1_200_000,
                                                  "channel": "shop", "region": "seoul",
                                                  "business": "튼튼피트니스"})
    assert response.status_code == 200
    verdict = response.get_json()
    assert verdict["ranking"][0] == {"agency": {"id": "kca", "name": "한국소비자원 (피해구제)"},
                                     "score": 0.9, "takes_cases": True}
    assert verdict["evidence"][0]["text"] == "헬스장"
    assert not verdict["out_of_scope"] and verdict["referral"] is None
    assert not verdict["needs_triage"] and not verdict["multiple_matters"]
    assert router["calls"][-1][1] == {"amount_krw": 1_200_000, "channel": "shop",
                                      "region": "seoul", "business": "튼튼피트니스"}


def test_names_follow_accept_language(client, router):
    response = client.post("/api/v1/route", json={"text": TEXT},
                           headers={"Accept-Language": "en"})
    assert response.get_json()["ranking"][0]["agency"]["name"] == \
        "Korea Consumer Agency (damage relief)"


def test_out_of_scope_names_where_to_go_instead(client, router):
    router.update(top="police-cyber", out_of_scope=True, referral="police-cyber")
    verdict = client.post("/api/v1/route", json={
        "text": "중고나라에서 아이폰 산다고 돈 보냈는데 판매자가 잠수탔어요"}).get_json()
    assert verdict["out_of_scope"] and verdict["verdict"] == "out_of_scope"
    assert verdict["referral"]["id"] == "police-cyber" and verdict["referral"]["hotline"]
    assert verdict["ranking"][0]["takes_cases"] is False


def test_an_unsure_router_says_a_supervisor_would_decide(client, router):
    router.update(confidence=0.2, needs_triage=True)
    assert client.post("/api/v1/route", json={"text": TEXT}).get_json()["needs_triage"]


def test_personal_data_in_the_text_is_pointed_out(client, router):
    verdict = client.post("/api/v1/route", json={
        "text": TEXT + " 주민번호 900101-1234567"}).get_json()
    assert verdict["personal_data"] == ["rrn"]


def test_route_requests_are_validated(client, router):
    error = assert_error(client.post("/api/v1/route", json={
        "amount_krw": -1, "channel": "spaceship", "region": "mars"}), 422, "validation_error")
    assert set(error["fields"]) == {"text", "amount_krw", "channel", "region"}
    blank = assert_error(client.post("/api/v1/route", json={"text": "   "}), 422)
    assert set(blank["fields"]) == {"text"}
    nul = assert_error(client.post("/api/v1/route", json={"text": "abc\x00def"}), 422)
    assert set(nul["fields"]) == {"text"}
    assert router["calls"] == []


def test_routing_is_rate_limited_per_address(client, router):
    for _ in range(60):
        assert client.post("/api/v1/route", json={"text": TEXT}).status_code == 200
    response = client.post("/api/v1/route", json={"text": TEXT})
    assert_error(response, 429, "too_many_requests")
    assert "Retry-After" in response.headers
