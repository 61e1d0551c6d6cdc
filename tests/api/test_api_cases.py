"""A consumer files, follows, adds to and withdraws a complaint through the API."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from relief.audit.models import AuditEvent
from relief.cases.models import Case, CaseEvent, Evidence
from tests.api.conftest import (
    PDF,
    PNG,
    TEXT,
    assert_error,
    bearer,
    file_case,
    get_token,
    staff_token,
)
from tests.conftest import change_case_meanwhile


def _upload(client, token, case_id, data=PDF, name="계약서.pdf", **headers):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/cases/{case_id}/evidence",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=bearer(token, **headers))


def test_consumer_files_a_complaint_and_reads_it_back(client, consumer, token, router,
                                                      db_session, app):
    response = file_case(client, token)
    assert response.status_code == 201
    case = response.get_json()
    assert response.headers["Location"] == f"/api/v1/cases/{case['id']}"
    assert case["number"].startswith("R") and case["state"] == "routed"
    assert case["agency"] == {"id": "kca", "name": "한국소비자원 (피해구제)"}
    assert case["state_label"] == "기관 접수 대기" and case["state_type"] == "open"
    assert case["facts"]["amount_krw"] == 1_200_000 and case["facts"]["channel"] == "shop"
    assert case["evidence"] == [] and case["masked_kinds"] == [] and case["can_withdraw"]
    assert case["deadline"] is None
    stored = db_session.get(Case, case["id"])
    assert stored.consumer_id == consumer.id and stored.submission_key.startswith("api:")
    assert client.get(f"/api/v1/cases/{case['id']}", headers=bearer(token)).get_json() == case
    listing = client.get("/api/v1/cases", headers=bearer(token)).get_json()
    assert [c["id"] for c in listing["items"]] == [case["id"]] and listing["total"] == 1
    from relief.core.mail import read_outbox

    assert any(case["number"] in m.subject for m in read_outbox(app.config["RELIEF"].outbox_dir))


def test_answers_follow_accept_language(client, token, router):
    case = file_case(client, token).get_json()
    english = client.get(f"/api/v1/cases/{case['id']}",
                         headers=bearer(token, **{"Accept-Language": "en-US,en;q=0.9"}))
    assert english.get_json()["agency"]["name"] == "Korea Consumer Agency (damage relief)"
    assert english.get_json()["state_label"] == "With the body, waiting to be accepted"


def test_a_retried_filing_returns_the_same_case_and_creates_one(client, consumer, token,
                                                                router, db_session, app):
    first = file_case(client, token, key="retry-key-123")
    second = file_case(client, token, key="retry-key-123")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["id"] == second.get_json()["id"]
    assert db_session.query(Case).filter_by(consumer_id=consumer.id).count() == 1
    assert len(router["calls"]) == 1  # the retry is not routed again
    from relief.core.mail import read_outbox

    assert len(read_outbox(app.config["RELIEF"].outbox_dir)) == 1


def test_the_same_key_with_another_complaint_is_refused(client, consumer, token, router,
                                                        db_session):
    file_case(client, token, key="reused-key-1")
    response = file_case(client, token, key="reused-key-1",
                         text="휴대폰 요금이 약정과 다르게 청구되었습니다. 확인 부탁드립니다.")
    error = assert_error(response, 422, "idempotency_key_reused")
    assert "Idempotency-Key" in error["fields"]
    assert db_session.query(Case).filter_by(consumer_id=consumer.id).count() == 1


def test_keys_are_per_consumer(client, make_user, router, db_session):
    one, two = get_token(client, make_user()), get_token(client, make_user())
    assert file_case(client, one, key="shared-key-1").status_code == 201
    assert file_case(client, two, key="shared-key-1").status_code == 201


def test_filing_without_an_idempotency_key_is_refused(client, token, router, db_session):
    response = client.post("/api/v1/cases", json={"text": TEXT}, headers=bearer(token))
    error = assert_error(response, 400, "idempotency_key_required")
    assert "Idempotency-Key" in error["fields"]
    malformed = client.post("/api/v1/cases", json={"text": TEXT},
                            headers=bearer(token, **{"Idempotency-Key": "short"}))
    assert "Idempotency-Key" in assert_error(malformed, 422, "validation_error")["fields"]
    assert db_session.query(Case).count() == 0


def test_validation_errors_name_each_field(client, token, router, db_session):
    response = client.post("/api/v1/cases", json={
        "text": "짧아요", "amount_krw": -5, "channel": "spaceship", "colour": "red",
        "occurred_on": "yesterday"}, headers=bearer(token, **{"Idempotency-Key": "invalid-1"}))
    error = assert_error(response, 422, "validation_error")
    assert set(error["fields"]) == {"text", "amount_krw", "channel", "colour", "occurred_on"}
    assert error["message"] == "확인이 필요한 항목이 있습니다."
    assert "10" in error["fields"]["text"][0]
    assert db_session.query(Case).count() == 0


def test_validation_messages_follow_accept_language(client, token, router):
    response = client.post("/api/v1/cases", json={"amount_krw": "many"}, headers=bearer(
        token, **{"Idempotency-Key": "invalid-2", "Accept-Language": "en"}))
    error = assert_error(response, 422, "validation_error")
    assert error["message"] == "Some fields need attention."
    assert error["fields"] == {"text": ["This field is required."],
                               "amount_krw": ["Enter a whole number."]}


def test_text_that_is_short_once_trimmed_is_refused_by_the_workflow(client, token, router):
    response = file_case(client, token, text="          짧다         ")
    assert "text" in assert_error(response, 422, "validation_error")["fields"]


def test_a_body_that_is_not_json_is_400(client, token):
    response = client.post("/api/v1/cases", data="text=hello",
                           headers=bearer(token, **{"Idempotency-Key": "not-json-1"}))
    assert_error(response, 400, "invalid_json")
    array = client.post("/api/v1/cases", json=[TEXT],
                        headers=bearer(token, **{"Idempotency-Key": "not-json-2"}))
    assert_error(array, 422, "validation_error")


def test_an_alternative_must_name_a_body_that_takes_cases(client, token, router, db_session):
    missing = file_case(client, token, key="alt-key-1", choice="alternative")
    assert "chosen_agency" in assert_error(missing, 422)["fields"]
    referral = file_case(client, token, key="alt-key-2", choice="alternative",
                         chosen_agency="police-cyber")
    assert "chosen_agency" in assert_error(referral, 422)["fields"]
    chosen = file_case(client, token, key="alt-key-3", choice="alternative", chosen_agency="ecmc")
    assert chosen.get_json()["agency"]["id"] == "ecmc"


def test_not_sure_goes_to_triage_without_a_body(client, token, router):
    case = file_case(client, token, choice="not_sure").get_json()
    assert case["agency"] is None and case["state"] == "submitted"


def test_personal_data_is_masked_before_storage(client, token, router, db_session):
    case = file_case(client, token, text=TEXT + " 제 번호는 010-1234-5678 입니다.").get_json()
    assert "1234-5678" not in case["text"] and case["masked_kinds"] == ["phone"]


def test_my_cases_are_paginated_newest_first(client, token, router):
    ids = [file_case(client, token, key=f"page-key-{i}").get_json()["id"] for i in range(3)]
    first = client.get("/api/v1/cases?per_page=2", headers=bearer(token)).get_json()
    second = client.get("/api/v1/cases?per_page=2&page=2", headers=bearer(token)).get_json()
    assert first["total"] == 3 and first["per_page"] == 2
    assert [c["id"] for c in first["items"] + second["items"]] == ids[::-1]
    error = assert_error(client.get("/api/v1/cases?per_page=0", headers=bearer(token)), 422)
    assert set(error["fields"]) == {"per_page"}


def test_consumer_follows_writes_adds_evidence_and_withdraws(client, token, router,
                                                             db_session):
    case_id = file_case(client, token).get_json()["id"]
    sent = client.post(f"/api/v1/cases/{case_id}/messages",
                       json={"body": "영수증 추가했습니다. 연락처 010-9876-5432"},
                       headers=bearer(token))
    assert sent.status_code == 201
    assert sent.get_json()["author"] == "consumer" and "9876-5432" not in sent.get_json()["text"]
    upload = _upload(client, token, case_id)
    assert upload.status_code == 201
    item = upload.get_json()
    assert item["name"] == "계약서.pdf" and item["content_type"] == "application/pdf"
    download = client.get(upload.headers["Location"], headers=bearer(token))
    assert download.status_code == 200 and download.data == PDF
    download.close()
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=bearer(token)).get_json()
    kinds = [e["kind"] for e in events["items"]]
    assert kinds == ["filed", "transition", "message", "evidence"]
    assert events["items"][1]["agency"]["id"] == "kca" and events["items"][1]["author"] == "system"
    assert events["items"][3]["file_name"] == "계약서.pdf"
    withdrawn = client.post(f"/api/v1/cases/{case_id}/withdraw", json={"reason": "합의함"},
                            headers=bearer(token))
    assert withdrawn.status_code == 200
    assert withdrawn.get_json()["state"] == "withdrawn"
    assert not withdrawn.get_json()["can_withdraw"]
    again = client.post(f"/api/v1/cases/{case_id}/withdraw", headers=bearer(token))
    assert_error(again, 409)
    late = client.post(f"/api/v1/cases/{case_id}/messages", json={"body": "하나 더요"},
                       headers=bearer(token))
    assert_error(late, 409, "not_allowed")
    assert_error(_upload(client, token, case_id), 409, "not_allowed")


def test_a_file_that_lies_about_its_type_is_refused(client, token, router, db_session):
    case_id = file_case(client, token).get_json()["id"]
    response = _upload(client, token, case_id, data=b"MZ\x90\x00 not really a pdf",
                       name="contract.pdf")
    error = assert_error(response, 422, "validation_error")
    assert "JPG, PNG, PDF 또는 HWP" in error["fields"]["file"][0]
    assert db_session.query(Evidence).count() == 0


def test_evidence_is_one_file_per_request_and_five_per_case(client, token, router, db_session):
    case_id = file_case(client, token).get_json()["id"]
    two = client.post(f"/api/v1/cases/{case_id}/evidence", data={"file": [
        (io.BytesIO(PDF), "a.pdf"), (io.BytesIO(PNG), "b.png")]},
        content_type="multipart/form-data", headers=bearer(token))
    assert "file" in assert_error(two, 422)["fields"]
    none = client.post(f"/api/v1/cases/{case_id}/evidence", json={}, headers=bearer(token))
    assert "file" in assert_error(none, 422)["fields"]
    for i in range(5):
        assert _upload(client, token, case_id, PNG, f"사진{i}.png").status_code == 201
    sixth = _upload(client, token, case_id, PNG, "사진6.png")
    assert "file" in assert_error(sixth, 422)["fields"]
    assert db_session.query(Evidence).filter_by(case_id=case_id).count() == 5


def test_another_consumer_gets_404_as_for_a_case_that_does_not_exist(client, make_user,
                                                                      token, router):
    case_id = file_case(client, token).get_json()["id"]
    item = _upload(client, token, case_id).get_json()
    other = get_token(client, make_user())
    def upload() -> dict[str, object]:
        return {"data": {"file": (io.BytesIO(PDF), "x.pdf")},
                "content_type": "multipart/form-data"}

    for method, url, kwargs in [
        ("get", f"/api/v1/cases/{case_id}", dict),
        ("get", f"/api/v1/cases/{case_id}/events", dict),
        ("get", f"/api/v1/cases/{case_id}/evidence/{item['id']}", dict),
        ("post", f"/api/v1/cases/{case_id}/messages", lambda: {"json": {"body": "hello"}}),
        ("post", f"/api/v1/cases/{case_id}/withdraw", lambda: {"json": {}}),
        ("post", f"/api/v1/cases/{case_id}/evidence", upload),
    ]:
        theirs = getattr(client, method)(url, headers=bearer(other), **kwargs())
        nowhere = getattr(client, method)(url.replace(f"/cases/{case_id}", "/cases/99999999"),
                                          headers=bearer(other), **kwargs())
        assert assert_error(theirs, 404) == assert_error(nowhere, 404), url
    assert client.get(f"/api/v1/cases/{case_id}", headers=bearer(token)).status_code == 200


def test_officers_see_only_their_bodys_cases_and_their_reads_are_audited(
        client, make_user, token, router, db_session):
    case_id = file_case(client, token).get_json()["id"]
    elsewhere = staff_token(db_session, make_user("officer", agency_id="fss-fdmc"))
    assert_error(client.get(f"/api/v1/cases/{case_id}", headers=bearer(elsewhere)), 404)
    officer = make_user("officer", agency_id="kca")
    here = staff_token(db_session, officer)
    assert client.get(f"/api/v1/cases/{case_id}", headers=bearer(here)).status_code == 200
    reads = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "case.read", AuditEvent.target_id == str(case_id))).all()
    assert [r.actor_id for r in reads] == [officer.id]
    # Consumer-only actions stay consumer-only, whatever the token.
    assert_error(client.post(f"/api/v1/cases/{case_id}/withdraw", headers=bearer(here)), 403)
    assert_error(file_case(client, here), 403)
    assert_error(client.get("/api/v1/cases", headers=bearer(here)), 403)


@pytest.mark.parametrize("url", ["/api/v1/cases/0", "/api/v1/cases/99999999999999999999",
                                 "/api/v1/cases/abc", "/api/v1/nowhere"])
def test_unknown_urls_answer_404_in_the_error_shape(client, token, url):
    assert_error(client.get(url, headers=bearer(token)), 404)
    assert_error(client.post("/api/v1/nowhere", headers=bearer(token)), 404)


def test_a_wrong_method_answers_405_in_the_error_shape(client, token):
    assert_error(client.put("/api/v1/cases", headers=bearer(token)), 405)


def test_events_hidden_from_the_consumer_stay_hidden(client, token, router, db_session):
    case_id = file_case(client, token).get_json()["id"]
    db_session.add(CaseEvent(case_id=case_id, kind="note", reason="internal",
                             visible_to_consumer=False))
    db_session.commit()
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=bearer(token)).get_json()
    assert "note" not in [e["kind"] for e in events["items"]]


def test_an_answer_through_the_api_puts_the_case_back_in_progress(client, make_case, make_user,
                                                                   db_session):
    # As on the web: the officer sees the answer, and the paused clock runs again.
    consumer = make_user()
    case = make_case("awaiting_consumer", consumer=consumer)
    case_id = case.id
    assert case.paused_since is not None
    sent = client.post(f"/api/v1/cases/{case_id}/messages", json={"body": "영수증 올렸습니다"},
                       headers=bearer(get_token(client, consumer)))
    assert sent.status_code == 201
    case = db_session.get(Case, case_id, populate_existing=True)
    assert case.state == "in_progress" and case.paused_since is None
    resumed = db_session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case_id, CaseEvent.kind == "transition")
        .order_by(CaseEvent.id.desc())).first()
    assert resumed.from_state == "awaiting_consumer" and resumed.data.get("answered")


def test_a_message_is_stored_when_an_officer_changed_the_case_meanwhile(
        client, make_case, make_user, db_session, monkeypatch):
    # Found by bench/load.py: an officer's change landing between the API reading the
    # case and storing the consumer's message made the version check answer 500.
    from relief.api import views

    consumer = make_user()
    case_id = make_case("in_progress", consumer=consumer).id
    token = get_token(client, consumer)
    change_case_meanwhile(monkeypatch, views)
    sent = client.post(f"/api/v1/cases/{case_id}/messages", json={"body": "언제 끝나나요?"},
                       headers=bearer(token))
    assert sent.status_code == 201
    stored = db_session.get(CaseEvent, sent.get_json()["id"])
    assert stored.case_id == case_id and stored.reason == "언제 끝나나요?"
