"""Two officers act on one case at the same moment: exactly one wins, nothing is lost."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from relief.accounts.models import Role
from relief.accounts.workflow import create_staff, sign_up
from relief.cases import desk
from relief.cases.models import Case, CaseEvent
from relief.cases.states import TRANSITIONS, CaseState
from relief.cases.workflow import CaseError, Filing, file_case
from tests.conftest import fake_routing, race_engine

ROUNDS = 100
RACES_ON_PG = "row-level races are measured on PostgreSQL, the production engine"


@pytest.mark.slow
def test_two_officers_at_once_exactly_one_wins_every_time(backend, tmp_path):
    engine = race_engine(backend, "relief_race", RACES_ON_PG)
    with Session(engine, expire_on_commit=False) as s:
        consumer = sign_up(s, email="race@example.com", password="swift-otter-2026",
                           display_name="경쟁")
        officers = [create_staff(s, actor=None, email=f"o{i}@example.com", display_name=f"o{i}",
                                 role=Role.OFFICER, password="swift-otter-2026", agency_id="kca")
                    for i in range(2)]
        case_ids = []
        for n in range(ROUNDS):
            case, _ = file_case(s, consumer, Filing(text=f"헬스장 환불 거부 사건 {n}번입니다"),
                                routing=fake_routing("kca"), submission_key=f"race-{n}",
                                uploads_dir=tmp_path)
            case_ids.append(case.id)
        s.commit()

    def act(officer_id: int, case_id: int, action: str, barrier: threading.Barrier,
            results: list[str]) -> None:
        with Session(engine) as s:
            case = s.get(Case, case_id)
            officer = s.get(type(officers[0]), officer_id)
            barrier.wait()
            try:
                if action == "accept":
                    desk.accept(s, case, officer)
                else:
                    desk.transfer(s, case, officer, "ecmc", "전자상거래 소관")
                s.commit()
                results.append("won")
            except (StaleDataError, CaseError):
                s.rollback()
                results.append("lost")

    for n, case_id in enumerate(case_ids):
        results: list[str] = []
        barrier = threading.Barrier(2)
        actions = ("accept", "transfer") if n % 2 else ("accept", "accept")
        threads = [threading.Thread(target=act, args=(officers[i].id, case_id, actions[i],
                                                      barrier, results)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == ["lost", "won"], (n, results)

    with Session(engine) as s:
        cases = s.scalars(select(Case).where(Case.id.in_(case_ids))).all()
        for case in cases:
            # Each winner left exactly its own events; no state the table forbids.
            moves = [(e.from_state, e.to_state) for e in case.events if e.kind == "transition"]
            for frm, to in moves:
                assert CaseState(to) in TRANSITIONS[CaseState(frm)]
            assert moves[0] == ("submitted", "routed")
            assert case.state in ("accepted", "routed")
            assert len(moves) == (2 if case.state == "accepted" else 3)
        total = s.scalar(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id.in_(case_ids), CaseEvent.kind == "transition"))
        accepted = sum(c.state == "accepted" for c in cases)
        assert total == accepted * 2 + (ROUNDS - accepted) * 3
    engine.dispose()


@pytest.mark.slow
def test_a_consumer_answer_never_conflicts_with_an_officer_acting_at_the_same_moment(
        backend, tmp_path):
    # bench/load.py: a consumer's message answered 500 when an officer's change to the
    # case committed first. The answer must be stored whoever commits first.
    engine = race_engine(backend, "relief_answer_race", RACES_ON_PG)
    rounds = 30
    with Session(engine, expire_on_commit=False) as s:
        consumer = sign_up(s, email="answer@example.com", password="swift-otter-2026",
                           display_name="답변")
        officer = create_staff(s, actor=None, email="note@example.com", display_name="o",
                               role=Role.OFFICER, password="swift-otter-2026", agency_id="kca")
        case_ids = []
        for n in range(rounds):
            case, _ = file_case(s, consumer, Filing(text=f"헬스장 환불 거부 사건 {n}번입니다"),
                                routing=fake_routing("kca"), submission_key=f"answer-{n}",
                                uploads_dir=tmp_path)
            desk.accept(s, case, officer)
            desk.ask_consumer(s, case, officer, "영수증을 보내 주세요")
            case_ids.append(case.id)
        s.commit()

    def answer(case_id: int, barrier: threading.Barrier, errors: list[str]) -> None:
        with Session(engine) as s:
            case = s.get(Case, case_id)
            user = s.get(type(consumer), consumer.id)
            barrier.wait()
            try:
                desk.consumer_answers(s, case, user, "영수증 올렸습니다")
                s.commit()
            except (StaleDataError, CaseError) as exc:
                errors.append(type(exc).__name__)

    def note(case_id: int, barrier: threading.Barrier) -> None:
        with Session(engine) as s:
            case = s.get(Case, case_id)
            staff = s.get(type(officer), officer.id)
            barrier.wait()
            desk.extend_deadline(s, case, staff, 7, "자료 검토")
            try:
                s.commit()
            except StaleDataError:  # the officer is shown what changed (desk views)
                s.rollback()

    for case_id in case_ids:
        barrier, errors = threading.Barrier(2), []
        threads = [threading.Thread(target=answer, args=(case_id, barrier, errors)),
                   threading.Thread(target=note, args=(case_id, barrier))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [], (case_id, errors)
    with Session(engine) as s:
        for case in s.scalars(select(Case).where(Case.id.in_(case_ids))):
            assert case.state == "in_progress" and case.paused_since is None
            assert [e.reason for e in case.events if e.kind == "message"] == ["영수증 올렸습니다"]
    engine.dispose()
