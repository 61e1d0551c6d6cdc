"""A consumer files a complaint, sees where it goes, and follows it."""

from __future__ import annotations

import io
import re
from typing import Any

from relief.cases import views
from relief.cases.models import Case, CaseEvent, Evidence
from tests.conftest import change_case_meanwhile, csrf_token, login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.4\n%test\n"


TEXT = "헬스장 12개월 회원권을 끊었는데 3개월 만에 이사를 가서 환불을 요청했더니 거절당했어요."


def _form(client, **fields: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    page = client.get("/complaints/new").get_data(as_text=True)
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="submission_key"', page)
    assert key, "no submission key on the form"
    return {"csrf_token": csrf_token(client, "/complaints/new"),
            "submission_key": key.group(1), "text": TEXT, "amount_krw": "1200000",
            "channel": "shop", "region": "seoul", "wish": "refund", "product": "헬스장 회원권",
            "business_name": "(주)튼튼피트니스", **fields}


def test_consumer_previews_the_routing_then_files_and_gets_a_receipt(client, make_user,
                                                                       router, db_session, app):
    consumer = make_user()
    login(client, consumer)
    data = _form(client)
    preview = client.post("/complaints/new", data={**data, "action": "preview"})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "한국소비자원" in page and "<mark>헬스장</mark>" in page
    filed = client.post("/complaints/new", data={**data, "action": "file", "pick": "confirmed"})
    assert filed.status_code == 302
    case = db_session.scalars(db_session.query(Case).filter_by(consumer_id=consumer.id)
                              .statement).one()
    assert case.agency_id == "kca" and case.state == "routed" and not case.in_triage
    assert case.business_key == "튼튼피트니스"
    receipt = client.get(filed.headers["Location"]).get_data(as_text=True)
    assert case.number in receipt
    from relief.core.mail import read_outbox

    assert any(case.number in m.subject for m in read_outbox(app.config["RELIEF"].outbox_dir))


def test_double_submit_creates_one_case(client, make_user, router, db_session):
    consumer = make_user()
    login(client, consumer)
    data = {**_form(client), "action": "file", "pick": "confirmed"}
    first = client.post("/complaints/new", data=data)
    second = client.post("/complaints/new", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db_session.query(Case).filter_by(consumer_id=consumer.id).count() == 1


def test_not_sure_goes_to_supervisor_triage(client, make_user, router, db_session):
    consumer = make_user()
    login(client, consumer)
    client.post("/complaints/new", data={**_form(client), "action": "file", "pick": "not_sure"})
    case = db_session.query(Case).filter_by(consumer_id=consumer.id).one()
    assert case.in_triage and case.agency_id is None and case.state == "submitted"
    assert case.triage_reason == "consumer_not_sure"


def test_consumer_can_pick_an_alternative_body(client, make_user, router, db_session):
    consumer = make_user()
    login(client, consumer)
    client.post("/complaints/new", data={**_form(client), "action": "file",
                                         "pick": "agency:ecmc"})
    assert db_session.query(Case).filter_by(consumer_id=consumer.id).one().agency_id == "ecmc"


def test_a_referral_body_cannot_be_picked(client, make_user, router, db_session):
    consumer = make_user()
    login(client, consumer)
    response = client.post("/complaints/new", data={**_form(client), "action": "file",
                                                    "pick": "agency:police-cyber"})
    assert response.status_code == 422
    assert db_session.query(Case).filter_by(consumer_id=consumer.id).count() == 0


def test_out_of_scope_is_explained_and_may_still_be_filed_to_triage(client, make_user, router,
                                                                      db_session):
    router.update(top="police-cyber", out_of_scope=True, referral="police-cyber")
    consumer = make_user()
    login(client, consumer)
    data = _form(client, text="중고나라에서 아이폰 산다고 돈 보냈는데 판매자가 잠수탔어요")
    page = client.post("/complaints/new", data={**data, "action": "preview"}).get_data(
        as_text=True)
    assert "경찰청" in page
    client.post("/complaints/new", data={**data, "action": "file", "pick": "out_of_scope"})
    case = db_session.query(Case).filter_by(consumer_id=consumer.id).one()
    assert case.in_triage and case.triage_reason == "out_of_scope_insisted"


def test_unsure_router_sends_the_case_to_triage(client, make_user, router, db_session):
    router.update(confidence=0.2, needs_triage=True)
    consumer = make_user()
    login(client, consumer)
    client.post("/complaints/new", data={**_form(client), "action": "file", "pick": "confirmed"})
    case = db_session.query(Case).filter_by(consumer_id=consumer.id).one()
    assert case.in_triage and case.triage_reason == "router_unsure"


def test_personal_data_is_masked_before_storage_and_the_consumer_is_told(
        client, make_user, router, db_session):
    consumer = make_user()
    login(client, consumer)
    text = TEXT + " 제 번호는 010-1234-5678, 주민번호 900101-1234567 입니다."
    data = _form(client, text=text)
    page = client.post("/complaints/new", data={**data, "action": "preview"}).get_data(
        as_text=True)
    assert "주민등록번호" in page and "전화번호" in page
    client.post("/complaints/new", data={**data, "action": "file", "pick": "confirmed"})
    case = db_session.query(Case).filter_by(consumer_id=consumer.id).one()
    assert "1234-5678" not in case.text and "1234567" not in case.text
    assert set(case.masked_kinds) == {"phone", "rrn"}


def test_failed_validation_keeps_the_text_and_the_files(client, make_user, router, db_session):
    consumer = make_user()
    login(client, consumer)
    data = _form(client, amount_krw="-5")
    response = client.post("/complaints/new", data={
        **data, "action": "file", "pick": "confirmed",
        "files": [(io.BytesIO(PNG), "영수증.png")]}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert TEXT in page and "영수증.png" in page
    fixed = client.post("/complaints/new", data={**data, "amount_krw": "1200000",
                                                 "action": "file", "pick": "confirmed"})
    assert fixed.status_code == 302
    case = db_session.query(Case).filter_by(consumer_id=consumer.id).one()
    assert [e.original_name for e in case.evidence] == ["영수증.png"]


def test_a_file_that_lies_about_its_type_is_refused(client, make_user, router, db_session):
    consumer = make_user()
    login(client, consumer)
    data = _form(client)
    response = client.post("/complaints/new", data={
        **data, "action": "file", "pick": "confirmed",
        "files": [(io.BytesIO(b"MZ\x90\x00 not really a pdf"), "contract.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "JPG, PNG, PDF 또는 HWP" in response.get_data(as_text=True)
    assert db_session.query(Evidence).count() == 0


def test_consumer_follows_adds_evidence_writes_and_withdraws(client, make_user, router,
                                                              db_session):
    consumer = make_user()
    login(client, consumer)
    client.post("/complaints/new", data={**_form(client), "action": "file", "pick": "confirmed"})
    case = db_session.query(Case).filter_by(consumer_id=consumer.id).one()
    page = client.get(f"/complaints/{case.id}").get_data(as_text=True)
    assert "한국소비자원" in page and "민원을 신청했습니다" in page
    token = csrf_token(client, f"/complaints/{case.id}")
    client.post(f"/complaints/{case.id}/evidence", data={
        "csrf_token": token, "files": [(io.BytesIO(PDF), "계약서.pdf")]},
        content_type="multipart/form-data")
    client.post(f"/complaints/{case.id}/messages", data={"csrf_token": token,
                                                         "body": "영수증 추가했습니다."})
    client.post(f"/complaints/{case.id}/withdraw", data={"csrf_token": token, "reason": "합의함"})
    case = db_session.get(Case, case.id)
    assert case.state == "withdrawn" and case.closed_at is not None
    kinds = [e.kind for e in db_session.query(CaseEvent).filter_by(case_id=case.id)]
    assert kinds.count("message") == 1 and "evidence" in kinds
    download = client.get(f"/complaints/{case.id}/evidence/{case.evidence[0].id}")
    assert download.data == PDF
    download.close()


def test_a_message_is_stored_when_an_officer_changed_the_case_meanwhile(
        client, make_case, make_user, db_session, monkeypatch):
    # An officer's change landing between the page reading the case and storing the
    # consumer's message made the version check answer 500 (as in the API, which
    # bench/load.py caught).
    consumer = make_user()
    case_id = make_case("awaiting_consumer", consumer=consumer).id
    login(client, consumer)
    token = csrf_token(client, f"/complaints/{case_id}")
    change_case_meanwhile(monkeypatch, views)
    sent = client.post(f"/complaints/{case_id}/messages",
                       data={"csrf_token": token, "body": "영수증 올렸습니다."})
    assert sent.status_code == 302
    case = db_session.get(Case, case_id, populate_existing=True)
    assert case.state == "in_progress"
    assert [e.reason for e in case.events if e.kind == "message"] == ["영수증 올렸습니다."]


def test_a_file_is_added_when_an_officer_changed_the_case_meanwhile(
        client, make_case, make_user, db_session, monkeypatch):
    consumer = make_user()
    case_id = make_case("in_progress", consumer=consumer).id
    login(client, consumer)
    token = csrf_token(client, f"/complaints/{case_id}")
    change_case_meanwhile(monkeypatch, views)
    added = client.post(f"/complaints/{case_id}/evidence", data={
        "csrf_token": token, "files": [(io.BytesIO(PNG), "영수증.png")]},
        content_type="multipart/form-data")
    assert added.status_code == 302
    case = db_session.get(Case, case_id, populate_existing=True)
    assert [e.original_name for e in case.evidence] == ["영수증.png"]


def test_withdrawing_a_case_the_officer_just_closed_is_refused_with_a_message(
        client, make_case, make_user, db_session, monkeypatch):
    consumer = make_user()
    case_id = make_case("in_progress", consumer=consumer).id
    login(client, consumer)
    token = csrf_token(client, f"/complaints/{case_id}")
    change_case_meanwhile(monkeypatch, views, "UPDATE cases SET version = version + 1, "
                                    "state = 'letter_issued', closed_at = CURRENT_TIMESTAMP "
                                    "WHERE id = :id")
    refused = client.post(f"/complaints/{case_id}/withdraw", data={"csrf_token": token})
    assert refused.status_code == 302  # was a 500 (a version conflict)
    # The view rolls back, the simulated officer's change with it; nothing was withdrawn.
    case = db_session.get(Case, case_id, populate_existing=True)
    assert case.state != "withdrawn"
    assert not [e for e in case.events if e.to_state == "withdrawn"]
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "이 민원에서는 그렇게 할 수 없습니다." in page  # case_error_message("not_allowed")


def test_another_consumer_cannot_see_the_case_or_its_files(client, app, make_user, router,
                                                            db_session):
    owner = make_user()
    login(client, owner)
    client.post("/complaints/new", data={**_form(client), "action": "file", "pick": "confirmed"})
    case = db_session.query(Case).filter_by(consumer_id=owner.id).one()
    other = app.test_client()
    login(other, make_user())
    assert other.get(f"/complaints/{case.id}").status_code == 404
    officer_elsewhere = app.test_client()
    login(officer_elsewhere, make_user("officer", agency_id="fss-fdmc"))
    assert officer_elsewhere.get(f"/complaints/{case.id}").status_code == 404
    officer_here = app.test_client()
    login(officer_here, make_user("officer", agency_id="kca"))
    assert officer_here.get(f"/complaints/{case.id}").status_code == 200
    from relief.audit.models import AuditEvent

    assert db_session.query(AuditEvent).filter_by(action="case.read",
                                                  target_id=str(case.id)).count() == 1


def test_the_standard_remedy_is_shown_and_computed_from_the_consumers_figures(
        client, make_user, router, db_session):
    consumer = make_user()
    login(client, consumer)
    data = _form(client, product="헬스장 회원권", amount_krw="1200000",
                 fig_total_months="12", fig_months_used="3")
    page = client.post("/complaints/new", data={**data, "action": "preview"}).get_data(
        as_text=True)
    assert "공정거래위원회 고시 제2025-14호" in page
    assert "780,000" in page and "고시 자체가 기준" in page
    client.post("/complaints/new", data={**data, "action": "file", "pick": "confirmed"})
    case = db_session.query(Case).filter_by(consumer_id=consumer.id).one()
    assert case.standard_ref["amount_krw"] == 780000
    assert case.standard_ref["notice"] == "공정거래위원회 고시 제2025-14호"
    assert "780,000" in client.get(f"/complaints/{case.id}").get_data(as_text=True)
