"""Issuing letters: once, with their hash, never changed; corrections supersede."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, text

from relief.audit.models import AuditEvent
from relief.cases import desk
from relief.cases.models import Case, CaseEvent
from relief.core.mail import read_outbox
from relief.letters import workflow
from relief.letters.models import Letter
from relief.letters.verify import CODE_BITS, normalise_code
from tests.letters.conftest import draft
from tests.letters.test_render import pdf_text


def test_issued_letter_is_stored_with_its_sha256_and_moves_the_case(
        app, db_session, resolved_case, officer, issue):
    letter = issue(resolved_case, officer)
    assert letter.status == "issued" and letter.seq == 1
    path = workflow.letter_path(app.config["RELIEF"], letter)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == letter.sha256
    assert letter.size == len(data) and letter.issued_at is not None
    assert normalise_code(letter.verification_code) == letter.verification_code
    case = db_session.get(Case, resolved_case.id)
    assert case.state == "letter_issued" and case.closed_at is not None
    text = pdf_text(data)
    assert case.number in text and f"{case.number}-1" in text
    assert "금 300,000원" in text and "한국소비자원" in text
    assert "피해구제1국 조사관" in text
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.issued",
                                                      AuditEvent.target_id == str(letter.id)))


def test_consumer_is_told_when_the_letter_is_issued(app, db_session, resolved_case, officer):
    from relief.letters.tasks import render_letter_task

    outbox = app.config["RELIEF"].outbox_dir
    before = len(read_outbox(outbox))
    letter = workflow.request_letter(db_session, resolved_case, officer, draft())
    db_session.commit()
    with app.test_request_context():
        assert render_letter_task(letter.id) == "issued"
    assert len(read_outbox(outbox)) == before + 1


def test_running_the_job_twice_makes_one_file_and_never_changes_the_letter(
        app, db_session, resolved_case, officer, issue):
    letter = issue(resolved_case, officer)
    sha, name, issued_at = letter.sha256, letter.stored_name, letter.issued_at
    letters_dir = app.config["RELIEF"].letters_dir
    files_before = sorted(p.name for p in letters_dir.iterdir())
    again = workflow.render_letter(db_session, letter.id, app.config["RELIEF"])
    assert again.status == "skipped"
    letter = db_session.get(Letter, letter.id)
    assert (letter.sha256, letter.stored_name, letter.issued_at) == (sha, name, issued_at)
    assert sorted(p.name for p in letters_dir.iterdir()) == files_before
    assert len(workflow.letters_of(db_session, resolved_case.id)) == 1


def test_a_rerun_after_a_crash_overwrites_its_own_unfinished_file(
        app, db_session, resolved_case, officer):
    cfg = app.config["RELIEF"]
    letter = workflow.request_letter(db_session, resolved_case, officer, draft())
    db_session.commit()
    leftover = cfg.letters_dir / workflow.stored_name(letter, cfg.secret_key)
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"half a PDF from a killed worker")
    files_before = len(list(cfg.letters_dir.iterdir()))
    assert workflow.render_letter(db_session, letter.id, cfg).status == "issued"
    letter = db_session.get(Letter, letter.id)
    assert letter.stored_name == leftover.name
    assert hashlib.sha256(leftover.read_bytes()).hexdigest() == letter.sha256
    assert len(list(cfg.letters_dir.iterdir())) == files_before


def test_a_second_letter_is_refused_while_one_is_pending_or_issued(
        db_session, resolved_case, officer, issue):
    workflow.request_letter(db_session, resolved_case, officer, draft())
    db_session.commit()
    with pytest.raises(workflow.LetterError) as err:
        workflow.request_letter(db_session, resolved_case, officer, draft())
    assert err.value.code == "letter_pending"


def test_an_issued_letter_cannot_be_requested_again(db_session, resolved_case, officer, issue):
    issue(resolved_case, officer)
    case = db_session.get(Case, resolved_case.id)
    with pytest.raises(workflow.LetterError) as err:
        workflow.request_letter(db_session, case, officer, draft())
    assert err.value.code in ("wrong_state", "already_issued")


def test_correction_supersedes_the_letter_and_keeps_both(
        app, db_session, resolved_case, officer, issue):
    first = issue(resolved_case, officer)
    first_bytes = workflow.letter_path(app.config["RELIEF"], first).read_bytes()
    case = db_session.get(Case, resolved_case.id)
    second = workflow.correct_letter(db_session, case, officer,
                                     draft(business_action="소비자에게 금 320,000원을 환급"),
                                     "환급 금액 오기")
    db_session.commit()
    assert workflow.render_letter(db_session, second.id, app.config["RELIEF"]).status == \
        "issued"
    letters = workflow.letters_of(db_session, case.id)
    assert [x.seq for x in letters] == [1, 2]
    assert letters[1].supersedes_id == letters[0].id
    assert workflow.in_force(letters).id == letters[1].id
    assert workflow.superseded_ids(letters) == {letters[0].id}
    # The first letter is untouched, file and all.
    assert workflow.letter_path(app.config["RELIEF"], letters[0]).read_bytes() == first_bytes
    assert letters[0].sha256 == hashlib.sha256(first_bytes).hexdigest()
    text = pdf_text(workflow.letter_path(app.config["RELIEF"], letters[1]).read_bytes())
    assert "(정정)" in text and f"{case.number}-1" in text and "환급 금액 오기" in text
    assert "금 320,000원" in text
    assert db_session.get(Case, case.id).state == "letter_issued"
    told = db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                      CaseEvent.kind == "message")).all()
    assert any("정정" in (e.reason or "") for e in told)


def test_correction_needs_a_reason_and_an_issued_letter(db_session, resolved_case, officer,
                                                        issue):
    with pytest.raises(workflow.LetterError) as err:
        workflow.correct_letter(db_session, resolved_case, officer, draft(), "사유")
    assert err.value.code == "nothing_to_correct"
    issue(resolved_case, officer)
    with pytest.raises(workflow.LetterError) as err:
        workflow.correct_letter(db_session, resolved_case, officer, draft(), "  ")
    assert err.value.code == "reason_required"


def test_a_failed_render_keeps_the_case_and_marks_the_letter(
        app, db_session, resolved_case, officer, monkeypatch):
    from relief.letters import render

    def broken(content):  # type: ignore[no-untyped-def]
        raise RuntimeError("pango exploded: 홍길동's text")

    monkeypatch.setattr(render, "render_pdf", broken)
    letter = workflow.request_letter(db_session, resolved_case, officer, draft())
    db_session.commit()
    outcome = workflow.render_letter(db_session, letter.id, app.config["RELIEF"])
    assert outcome.status == "failed"
    letter = db_session.get(Letter, letter.id)
    assert letter.status == "failed" and letter.sha256 is None and letter.stored_name is None
    assert "RuntimeError" in letter.error and "홍길동" not in letter.error
    assert db_session.get(Case, resolved_case.id).state == "resolved"
    # Retried once the renderer works again.
    monkeypatch.undo()
    workflow.retry_letter(db_session, letter, resolved_case, officer)
    db_session.commit()
    assert workflow.render_letter(db_session, letter.id, app.config["RELIEF"]).status == \
        "issued"
    assert db_session.get(Case, resolved_case.id).state == "letter_issued"


def test_a_message_during_the_render_does_not_fail_the_letter(
        app, db_session, resolved_case, officer, monkeypatch):
    # The consumer asks about the letter while it is being rendered: their message
    # commits first and the job's case was stale ("The case changed while the letter
    # was being issued"). The job writes against the case as it is at its commit.
    from relief.letters import render

    real = render.render_pdf

    def consumer_writes_meanwhile(content):  # type: ignore[no-untyped-def]
        db_session.execute(text("UPDATE cases SET version = version + 1 WHERE id = :id"),
                           {"id": resolved_case.id})
        return real(content)

    monkeypatch.setattr(render, "render_pdf", consumer_writes_meanwhile)
    letter = workflow.request_letter(db_session, resolved_case, officer, draft())
    db_session.commit()
    outcome = workflow.render_letter(db_session, letter.id, app.config["RELIEF"])
    assert outcome.status == "issued", outcome.error
    assert db_session.get(Case, resolved_case.id).state == "letter_issued"


def test_letters_wait_for_an_outcome(db_session, make_case, officer):
    case = make_case("in_progress", officer=officer)
    with pytest.raises(workflow.LetterError) as err:
        workflow.request_letter(db_session, case, officer, draft())
    assert err.value.code == "wrong_state"


def test_officer_of_another_body_and_consumer_cannot_request(db_session, resolved_case,
                                                             make_user):
    for actor in (make_user("officer", agency_id="ecmc"), resolved_case.consumer):
        with pytest.raises(workflow.LetterError) as err:
            workflow.request_letter(db_session, resolved_case, actor, draft())
        assert err.value.code == "not_allowed"


def test_supervisor_may_issue(db_session, resolved_case, make_user, issue):
    assert issue(resolved_case, make_user("supervisor")).status == "issued"


def test_not_resolved_and_rejected_cases_get_letters_too(app, db_session, make_case, officer,
                                                         issue):
    not_settled = make_case("in_progress", officer=officer)
    desk.record_outcome(db_session, not_settled, officer, "not_settled", None, "합의 불성립")
    db_session.commit()
    text = pdf_text(workflow.letter_path(app.config["RELIEF"],
                                         issue(not_settled, officer,
                                               business_action="")).read_bytes())
    assert "합의 불성립" in text
    rejected = make_case("accepted", officer=officer)
    desk.reject(db_session, rejected, officer, "개인 간 거래", "police-cyber")
    db_session.commit()
    text = pdf_text(workflow.letter_path(app.config["RELIEF"],
                                         issue(rejected, officer,
                                               business_action="")).read_bytes())
    assert "피해구제 대상 아님" in text and "경찰청" in text


def test_english_case_gets_an_english_letter(app, db_session, make_case, make_user, officer,
                                             issue):
    case = make_case("resolved", consumer=make_user(locale="en"), officer=officer,
                     text="The gym refused to refund my membership.", lang="en")
    letter = issue(case, officer, summary="Gym refused a refund.", facts="",
                   business_action="Refund KRW 300,000 to the consumer.", officer_title="")
    assert letter.lang == "en"
    text = pdf_text(workflow.letter_path(app.config["RELIEF"], letter).read_bytes())
    assert "Notice of the outcome of your complaint" in text
    assert "Korea Consumer Agency" in text and "KRW 300,000" in text
    assert "귀하" not in text


def test_verification_codes_are_long_and_unique(db_session, make_case, officer):
    assert CODE_BITS >= 40
    codes = set()
    for _ in range(3):
        case = make_case("resolved", officer=officer)
        codes.add(workflow.request_letter(db_session, case, officer, draft())
                  .verification_code)
    assert len(codes) == 3 and all(len(c) == 10 for c in codes)
    assert normalise_code("7k3m9-qxp2d") == "7K3M9QXP2D"
    assert normalise_code("7K3M9 QXP2O") == "7K3M9QXP20"  # O read as zero
    assert normalise_code("short") is None


def test_cli_renders_pending_letters_and_checks_the_font(app, db_session, resolved_case,
                                                         officer):
    letter = workflow.request_letter(db_session, resolved_case, officer, draft())
    db_session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["letters", "render-pending"])
    assert result.exit_code == 0, result.output
    assert f"letter {letter.id}: issued" in result.output
    assert db_session.get(Letter, letter.id).status == "issued"
    again = runner.invoke(args=["letters", "render-pending"])
    assert "0 pending letter(s)" in again.output
    check = runner.invoke(args=["letters", "check"])
    assert check.exit_code == 0 and "11172 of 11172" in check.output
