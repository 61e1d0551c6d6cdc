"""A worker killed mid-render: the letter is issued once, later, and its consumer told.

``bench/faults.py`` kills a real Celery worker; these tests pin down the pieces it
relies on: late acks and requeue on a lost worker process, the recovery task beat runs
for jobs a whole-worker kill strands in Redis, and the claim that makes a second job
for the same letter harmless.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relief.audit.models import AuditEvent
from relief.cases.models import CaseEvent
from relief.core.db import utcnow
from relief.core.mail import read_outbox
from relief.letters import workflow
from relief.letters.models import Letter
from tests.letters.conftest import draft

LONG_AGO = timedelta(minutes=5)


def _recover(app):  # type: ignore[no-untyped-def]
    from relief.letters.tasks import recover_letters_task

    with app.test_request_context():
        return recover_letters_task()


def test_letter_jobs_are_acked_late_requeued_when_the_worker_dies_and_recovered_by_beat(app):
    from relief.tasks import celery_app

    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    recovery = [e for e in conf.beat_schedule.values() if e["task"] == "relief.recover_letters"]
    assert recovery and recovery[0]["schedule"] <= workflow.RECOVER_AFTER.total_seconds()


def test_a_letter_whose_job_was_lost_is_issued_once_by_the_recovery(
        app, db_session, resolved_case, officer):
    outbox = app.config["RELIEF"].outbox_dir
    mails = len(read_outbox(outbox))
    letter = workflow.request_letter(db_session, resolved_case, officer, draft())
    letter.requested_at = utcnow() - LONG_AGO  # its job died with a worker long ago
    db_session.commit()

    assert _recover(app) == {"requeued": 1, "announced": 0}
    letter = db_session.get(Letter, letter.id, populate_existing=True)
    assert letter.status == "issued" and letter.notified_at is not None
    assert len(read_outbox(outbox)) == mails + 1
    # Once issued, another recovery finds nothing to do.
    assert _recover(app) == {"requeued": 0, "announced": 0}
    assert len(workflow.letters_of(db_session, resolved_case.id)) == 1


def test_a_letter_still_waiting_for_its_job_is_left_to_it(
        app, db_session, resolved_case, officer):
    letter_id = workflow.request_letter(db_session, resolved_case, officer, draft()).id
    db_session.commit()
    assert _recover(app) == {"requeued": 0, "announced": 0}
    assert db_session.get(Letter, letter_id).status == "pending"


def test_a_notice_lost_between_the_commit_and_the_mail_is_sent_once_by_the_recovery(
        app, db_session, resolved_case, officer):
    cfg = app.config["RELIEF"]
    letter = workflow.request_letter(db_session, resolved_case, officer, draft())
    db_session.commit()
    # The job committed the letter and was killed before it queued the consumer's mail.
    assert workflow.render_letter(db_session, letter.id, cfg).status == "issued"
    letter = db_session.get(Letter, letter.id, populate_existing=True)
    assert letter.notified_at is None
    letter.issued_at = utcnow() - LONG_AGO
    db_session.commit()
    mails = len(read_outbox(cfg.outbox_dir))

    assert _recover(app) == {"requeued": 0, "announced": 1}
    sent = read_outbox(cfg.outbox_dir)
    assert len(sent) == mails + 1
    assert db_session.get(Letter, letter.id, populate_existing=True).notified_at is not None
    assert _recover(app) == {"requeued": 0, "announced": 0}
    assert len(read_outbox(cfg.outbox_dir)) == mails + 1


def test_a_letter_job_that_ran_normally_leaves_the_recovery_nothing_to_send(
        app, db_session, resolved_case, officer):
    from relief.letters.tasks import render_letter_task

    cfg = app.config["RELIEF"]
    letter = workflow.request_letter(db_session, resolved_case, officer, draft())
    db_session.commit()
    with app.test_request_context():
        assert render_letter_task(letter.id) == "issued"
    letter = db_session.get(Letter, letter.id, populate_existing=True)
    assert letter.notified_at is not None
    letter.issued_at = utcnow() - LONG_AGO
    db_session.commit()
    mails = len(read_outbox(cfg.outbox_dir))
    assert _recover(app) == {"requeued": 0, "announced": 0}
    assert len(read_outbox(cfg.outbox_dir)) == mails


@pytest.mark.slow
def test_two_jobs_for_one_letter_at_the_same_moment_issue_it_exactly_once(
        app, backend, tmp_path):
    from relief.accounts.models import Role
    from relief.accounts.workflow import create_staff, sign_up
    from relief.cases import desk
    from relief.cases.workflow import Filing, file_case
    from tests.conftest import fake_routing, race_engine

    engine = race_engine(backend, "relief_letter_race",
                         "row locks are measured on PostgreSQL, the production engine")
    cfg = app.config["RELIEF"].replace(instance_path=tmp_path)
    rounds = 5
    with Session(engine, expire_on_commit=False) as s:
        consumer = sign_up(s, email="twice@example.com", password="swift-otter-2026",
                           display_name="두번")
        officer = create_staff(s, actor=None, email="o@example.com", display_name="o",
                               role=Role.OFFICER, password="swift-otter-2026", agency_id="kca")
        letter_ids = []
        for n in range(rounds):
            case, _ = file_case(s, consumer, Filing(text=f"헬스장 환불 거부 사건 {n}번입니다"),
                                routing=fake_routing("kca"), submission_key=f"twice-{n}",
                                uploads_dir=tmp_path)
            desk.accept(s, case, officer)
            desk.record_business_reply(s, case, officer, "업체 답변")
            desk.record_outcome(s, case, officer, "refunded", 300000, "환급 완료")
            letter_ids.append(workflow.request_letter(s, case, officer, draft()).id)
        s.commit()

    def job(letter_id: int, barrier: threading.Barrier, results: list[str]) -> None:
        with Session(engine) as s:
            barrier.wait()
            results.append(workflow.render_letter(s, letter_id, cfg).status)

    try:
        for letter_id in letter_ids:
            barrier, results = threading.Barrier(2), []
            threads = [threading.Thread(target=job, args=(letter_id, barrier, results))
                       for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(results) == ["issued", "skipped"]
        with Session(engine) as s:
            issued = s.scalars(select(Letter).where(Letter.id.in_(letter_ids))).all()
            assert [x.status for x in issued] == ["issued"] * rounds
            assert s.scalar(select(func.count()).select_from(CaseEvent).where(
                CaseEvent.to_state == "letter_issued")) == rounds
            assert s.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "letter.issued")) == rounds
        files = list(cfg.letters_dir.iterdir())
        assert sorted(p.name for p in files) == sorted(x.stored_name for x in issued)
    finally:
        engine.dispose()
