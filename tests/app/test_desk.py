"""Officers work a case from routing to outcome, on the clock, with a full record."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from relief.cases import deadlines, desk
from relief.cases.models import Case, CaseEvent, RoutingFeedback
from relief.cases.states import TRANSITIONS, CaseState
from relief.cases.workflow import CaseError, InvalidTransition, transition
from relief.core.mail import read_outbox
from tests.conftest import login


def _act(client, case: Case, action: str, **data):  # type: ignore[no-untyped-def]
    page = client.get(f"/desk/cases/{case.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    last = re.search(r'name="last_event" value="(\d+)"', page).group(1)
    return client.post(f"/desk/cases/{case.id}/{action}",
                       data={"csrf_token": token, "version": version, "last_event": last, **data})


def test_officer_accepts_asks_consumer_answers_and_outcome_is_recorded(
        client, app, make_user, make_case, db_session):
    officer = make_user("officer", agency_id="kca")
    case = make_case(consumer=make_user())
    login(client, officer)
    assert _act(client, case, "accept").status_code == 302
    case = db_session.get(Case, case.id)
    assert case.state == "accepted" and case.assignee_id == officer.id
    assert case.deadline_days == 30 and case.due_at is not None
    assert _act(client, case, "ask", text="결제 영수증을 올려 주세요").status_code == 302
    case = db_session.get(Case, case.id)
    assert case.state == "awaiting_consumer" and case.paused_since is not None
    assert any("답변 기다리는 중" in m.body for m in read_outbox(app.config["RELIEF"].outbox_dir))

    desk.consumer_answers(db_session, case, case.consumer, "영수증 올렸습니다")
    db_session.commit()
    case = db_session.get(Case, case.id)
    assert case.state == "in_progress" and case.paused_since is None and case.paused_days >= 1

    assert _act(client, case, "outcome", outcome="compensated", amount_krw="",
                text="배상").status_code == 422  # compensation needs an amount
    assert _act(client, case, "outcome", outcome="compensated", amount_krw="250,000",
                text="업체가 25만원 배상").status_code == 302
    case = db_session.get(Case, case.id)
    assert case.state == "resolved" and case.outcome_amount_krw == 250000
    kinds = [(e.kind, e.to_state) for e in case.events]
    assert ("transition", "accepted") in kinds and ("transition", "resolved") in kinds
    assert db_session.query(RoutingFeedback).filter_by(case_id=case.id,
                                                       source="confirmed").count() == 1


def test_transfer_is_seen_by_both_bodies_and_the_consumer(client, app, make_user, make_case,
                                                            db_session):
    kca_officer = make_user("officer", agency_id="kca")
    consumer_user = make_user()
    case = make_case(consumer=consumer_user)
    login(client, kca_officer)
    response = _act(client, case, "transfer", agency="kcc-tdmc",
                    text="휴대폰 요금 분쟁은 통신분쟁조정위원회 소관입니다")
    assert response.status_code == 302 and response.headers["Location"] == "/desk/"
    case = db_session.get(Case, case.id)
    assert case.agency_id == "kcc-tdmc" and case.state == "routed" and case.transfer_count == 1
    assert client.get(f"/desk/cases/{case.id}").status_code == 404  # gone from kca
    telecom = app.test_client()
    login(telecom, make_user("officer", agency_id="kcc-tdmc"))
    page = telecom.get(f"/desk/cases/{case.id}").get_data(as_text=True)
    assert "휴대폰 요금 분쟁은 통신분쟁조정위원회 소관입니다" in page
    consumer = app.test_client()
    login(consumer, consumer_user)
    assert "다른 기관으로 이송" in consumer.get(f"/complaints/{case.id}").get_data(as_text=True)
    feedback = db_session.query(RoutingFeedback).filter_by(case_id=case.id).one()
    assert (feedback.source, feedback.from_agency, feedback.agency_id) == (
        "transfer", "kca", "kcc-tdmc")


def test_supervisor_assigns_a_triage_case_in_one_click(client, make_user, make_case, db_session):
    case = make_case(triage=True)
    assert case.in_triage and case.agency_id is None
    login(client, make_user("supervisor"))
    page = client.get("/desk/triage").get_data(as_text=True)
    assert case.number in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(f"/desk/cases/{case.id}/triage_assign",
                data={"csrf_token": token, "agency": "ecmc", "version": str(case.version)})
    case = db_session.get(Case, case.id)
    assert case.agency_id == "ecmc" and case.state == "routed" and not case.in_triage
    assert db_session.query(RoutingFeedback).filter_by(case_id=case.id,
                                                       source="triage").count() == 1


def test_a_stale_action_shows_what_changed_and_overwrites_nothing(client, app, make_user,
                                                                    make_case, db_session):
    officer = make_user("officer", agency_id="kca")
    case = make_case()
    login(client, officer)
    page = client.get(f"/desk/cases/{case.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    old_version = re.search(r'name="version" value="(\d+)"', page).group(1)
    last = re.search(r'name="last_event" value="(\d+)"', page).group(1)
    other = make_user("officer", agency_id="kca")
    desk.accept(db_session, db_session.get(Case, case.id), other)
    db_session.commit()
    response = client.post(f"/desk/cases/{case.id}/transfer", data={
        "csrf_token": token, "version": old_version, "last_event": last,
        "agency": "ecmc", "text": "이송"})
    assert response.status_code == 409
    assert "다른 사람이 이 사건을 바꿨습니다" in response.get_data(as_text=True)
    assert db_session.get(Case, case.id).agency_id == "kca"


def test_officer_sees_only_their_bodys_queue_and_reads_are_audited(client, make_user,
                                                                    make_case, db_session):
    mine = make_case(agency_id="kca")
    theirs = make_case(agency_id="fss-fdmc")
    login(client, make_user("officer", agency_id="kca"))
    page = client.get("/desk/?state=all").get_data(as_text=True)
    assert mine.number in page and theirs.number not in page
    assert client.get(f"/desk/cases/{theirs.id}").status_code == 404
    client.get(f"/desk/cases/{mine.id}")
    from relief.audit.models import AuditEvent

    assert db_session.query(AuditEvent).filter_by(action="case.read",
                                                  target_id=str(mine.id)).count() == 1


def test_queue_filters_search_and_bulk_assign(client, make_user, make_case, db_session):
    officer = make_user("officer", agency_id="kca")
    colleague = make_user("officer", agency_id="kca")
    a = make_case(business_name="튼튼피트니스")
    b = make_case(business_name="오케이몰")
    login(client, officer)
    page = client.get("/desk/", query_string={"q": "튼튼"}).get_data(as_text=True)
    assert a.number in page and b.number not in page
    assert a.number in client.get("/desk/", query_string={"q": a.number}).get_data(as_text=True)
    page = client.get("/desk/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/desk/bulk-assign", data={"csrf_token": token, "case_id": [a.id, b.id],
                                           "assignee": colleague.id})
    assert {db_session.get(Case, i).assignee_id for i in (a.id, b.id)} == {colleague.id}
    page = client.get("/desk/", query_string={"assignee": "none"}).get_data(as_text=True)
    assert a.number not in page


def test_internal_notes_are_not_shown_to_the_consumer(client, app, make_user, make_case,
                                                       db_session):
    officer = make_user("officer", agency_id="kca")
    consumer = make_user()
    case = make_case("accepted", officer=officer, consumer=consumer)
    desk.write(db_session, case, officer, "소비자 진술 신빙성 검토 필요", internal=True)
    desk.write(db_session, case, officer, "업체에 연락했습니다", internal=False)
    db_session.commit()
    login(client, consumer)
    page = client.get(f"/complaints/{case.id}").get_data(as_text=True)
    assert "업체에 연락했습니다" in page and "신빙성" not in page


def test_transition_table_is_enforced(make_case, make_user, db_session):
    case = make_case()
    officer = make_user("officer", agency_id="kca")
    with pytest.raises(InvalidTransition):
        transition(db_session, case, CaseState.RESOLVED, actor=officer)
    with pytest.raises(CaseError):
        transition(db_session, case, CaseState.ACCEPTED,
                   actor=make_user("officer", agency_id="fss-fdmc"))
    assert all(to in CaseState for tos in TRANSITIONS.values() for to in tos)


def test_database_refuses_a_closed_case_without_closed_at(make_case, db_session):
    import sqlalchemy as sa

    case = make_case()
    with pytest.raises(sa.exc.IntegrityError):
        db_session.execute(sa.text("UPDATE cases SET state = 'closed' WHERE id = :id"),
                           {"id": case.id})
    db_session.rollback()


@pytest.mark.parametrize(("accepted", "days", "kind", "expected"), [
    ("2026-02-13T10:00:00+09:00", 5, "business", "2026-02-25"),  # 설날 2026-02-16..18 skipped
    ("2026-02-13T10:00:00+09:00", 5, "calendar", "2026-02-18"),
    ("2026-12-31T23:00:00+09:00", 1, "business", "2027-01-04"),  # new year, weekend
])
def test_deadlines_count_calendar_or_business_days_with_korean_holidays(accepted, days, kind,
                                                                        expected):
    due = deadlines.due_at(datetime.fromisoformat(accepted), days, kind)
    assert due.astimezone(deadlines.KST).date().isoformat() == expected


def test_deadline_status_flags_due_soon_and_overdue():
    now = datetime(2026, 11, 23, tzinfo=UTC)
    assert deadlines.deadline_status(now + timedelta(days=10), now) == "ok"
    assert deadlines.deadline_status(now + timedelta(days=2), now) == "due_soon"
    assert deadlines.deadline_status(now - timedelta(hours=1), now) == "overdue"
    assert deadlines.deadline_status(now - timedelta(hours=1), now, paused=True) == "paused"


def test_extension_moves_the_due_date_and_is_recorded(make_case, make_user, db_session):
    officer = make_user("officer", agency_id="kca")
    case = make_case("accepted", officer=officer)
    before = case.due_at
    desk.extend_deadline(db_session, case, officer, 30, "감정 결과 대기")
    db_session.commit()
    assert case.due_at - before == timedelta(days=30)
    assert db_session.query(CaseEvent).filter_by(case_id=case.id, kind="extension").count() == 1


def test_sweep_flags_overdue_and_reminds_once(app, make_user, make_case, db_session):
    from relief.cases.sweep import send_reminders, sweep_deadlines

    officer = make_user("officer", agency_id="kca")
    late = make_case("accepted", officer=officer)
    soon = make_case("accepted", officer=officer)
    late.due_at = datetime.now(UTC) - timedelta(days=1)
    soon.due_at = datetime.now(UTC) + timedelta(days=1)
    db_session.commit()
    result = sweep_deadlines(db_session)
    db_session.commit()
    assert result.overdue == [late.id] and result.reminded == [soon.id]
    with app.test_request_context():
        assert send_reminders(db_session, result) == 1
    mail = [m for m in read_outbox(app.config["RELIEF"].outbox_dir) if m.to == officer.email]
    assert len(mail) == 1 and late.number in mail[0].body and soon.number in mail[0].body
    again = sweep_deadlines(db_session)
    assert again.overdue == [] and again.reminded == []


def test_the_timer_sweep_runs_in_its_own_transaction(app, make_user, make_case, db_session):
    from relief.cases.sweep import run_once

    officer = make_user("officer", agency_id="kca")
    late = make_case("accepted", officer=officer)
    late.due_at = datetime.now(UTC) - timedelta(days=2)
    db_session.commit()
    result = run_once(app)
    assert late.id in result.overdue


def test_consumer_reopens_within_60_days_and_not_after(client, make_user, make_case, db_session):
    officer = make_user("officer", agency_id="kca")
    consumer = make_user()
    case = make_case("resolved", officer=officer, consumer=consumer)
    transition(db_session, case, CaseState.LETTER_ISSUED, actor=officer)
    db_session.commit()
    login(client, consumer)
    page = client.get(f"/complaints/{case.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(f"/complaints/{case.id}/feedback", data={"csrf_token": token, "rating": "2",
                                                          "comment": "환급이 늦었어요"})
    client.post(f"/complaints/{case.id}/reopen", data={"csrf_token": token,
                                                        "reason": "환급금이 아직 안 들어왔습니다"})
    case = db_session.get(Case, case.id)
    assert case.state == "in_progress" and case.closed_at is None
    assert db_session.query(CaseEvent).filter_by(case_id=case.id, kind="feedback").one(
        ).data == {"rating": 2}
    # Closed long ago: no reopening.
    old = make_case("resolved", officer=officer, consumer=consumer)
    transition(db_session, old, CaseState.LETTER_ISSUED, actor=officer)
    old.closed_at = datetime.now(UTC) - timedelta(days=61)
    db_session.commit()
    with pytest.raises(CaseError):
        desk.reopen(db_session, db_session.get(Case, old.id), consumer, "다시")
