"""Letter rules: request, render (the background job), correct, retry. Actor explicit.

``request_letter`` and ``correct_letter`` add a pending ``Letter`` and a case event
holding the officer's draft, and do not commit; the caller commits and queues
``render_letter``. The job renders the PDF once, stores it under a name derived from
the letter (so a job that runs twice writes the same file, never a second one), records
its SHA-256 and commits; only then is the letter issued and, for the first letter, the
case moves to ``letter_issued``. A failed render leaves the case where it was and the
letter ``failed`` with the reason, to be retried. An issued letter never changes: a
correction is a new letter that supersedes it, and both are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from agencies import load_registry
from relief.accounts.models import Role, User
from relief.audit.models import record
from relief.cases.models import Case, CaseEvent
from relief.cases.states import CaseState
from relief.cases.workflow import transition
from relief.core.config import Config
from relief.core.db import utcnow
from relief.letters import content as letter_content
from relief.letters.content import Draft, LetterContent, Supersedes, build_content, to_kst_date
from relief.letters.models import Letter
from relief.letters.verify import new_code

log = logging.getLogger(__name__)

# A case gets its letter once its outcome is known.
LETTER_STATES = {CaseState.RESOLVED.value, CaseState.NOT_RESOLVED.value,
                 CaseState.REJECTED.value}
VERIFY_PATH = "/verify/"
EVENT_KIND = "letter"
# A letter still pending this long after its request, or issued this long ago with the
# consumer not yet told, lost its job: a worker killed whole leaves the job's message
# unacknowledged in Redis until the broker's visibility timeout (an hour), and a Redis
# restart can drop it. ``recover_letters`` hands such letters on again; the claim in
# ``render_letter`` makes a second job for one letter harmless.
RECOVER_AFTER = timedelta(seconds=60)
RECOVER_BATCH = 100  # bounds the extra (skipped) jobs that a long backlog can cause


class LetterError(ValueError):
    """A letter rule was broken; ``code`` is stable and translated by the caller."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class RenderOutcome:
    status: str  # issued | skipped | failed
    letter_id: int
    event: CaseEvent | None = None
    error: str | None = None


def _staff_of(case: Case, actor: User) -> None:
    if actor.role == Role.OFFICER.value and actor.agency_id == case.agency_id:
        return
    if actor.role in (Role.SUPERVISOR.value, Role.ADMIN.value):
        return
    raise LetterError("not_allowed")


def is_staff_of(case: Case, user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    try:
        _staff_of(case, user)
    except LetterError:
        return False
    return True


def letters_of(session: Session, case_id: int) -> list[Letter]:
    return list(session.scalars(select(Letter).where(Letter.case_id == case_id)
                                .order_by(Letter.seq)))


def superseded_ids(letters: list[Letter]) -> set[int]:
    return {letter.supersedes_id for letter in letters if letter.supersedes_id
            and letter.status == "issued"}


def in_force(letters: list[Letter]) -> Letter | None:
    """The issued letter no issued correction replaces."""
    replaced = superseded_ids(letters)
    issued = [x for x in letters if x.status == "issued" and x.id not in replaced]
    return issued[-1] if issued else None


def can_request(case: Case, user: Any, letters: list[Letter]) -> bool:
    return (is_staff_of(case, user) and case.state in LETTER_STATES
            and not any(x.status in ("pending", "issued") for x in letters))


def can_correct(case: Case, user: Any, letters: list[Letter]) -> bool:
    return (is_staff_of(case, user) and in_force(letters) is not None
            and not any(x.status == "pending" for x in letters))


def default_draft(case: Case) -> Draft:
    lang = "en" if case.lang == "en" else "ko"
    today = to_kst_date(utcnow())
    return Draft(
        summary=letter_content.default_summary(case.text),
        business_action=letter_content.default_action(lang, case.outcome,
                                                       case.outcome_amount_krw),
        action_due=letter_content.default_due(case.outcome, today),
        officer_title="",
    )


def _check_draft(draft: Draft) -> None:
    if not draft.summary.strip():
        raise LetterError("summary_required", "summary")
    limits = (("summary", draft.summary, letter_content.SUMMARY_MAX),
              ("facts", draft.facts, letter_content.FACTS_MAX),
              ("business_action", draft.business_action, letter_content.ACTION_MAX),
              ("officer_title", draft.officer_title, letter_content.TITLE_MAX))
    for name, value, limit in limits:
        if len(value) > limit:
            raise LetterError("too_long", name)
    if draft.action_due is not None and draft.action_due < to_kst_date(utcnow()):
        raise LetterError("due_in_past", "action_due")


def request_letter(session: Session, case: Case, actor: User, draft: Draft) -> Letter:
    """The first letter of a case, pending until the job renders it.

    Raises ``LetterError`` (not_allowed, wrong_state, letter_pending, already_issued,
    summary_required, too_long, due_in_past).
    """
    _staff_of(case, actor)
    if case.state not in LETTER_STATES:
        raise LetterError("wrong_state")
    existing = letters_of(session, case.id)
    if any(x.status == "pending" for x in existing):
        raise LetterError("letter_pending")
    if any(x.status == "issued" for x in existing):
        raise LetterError("already_issued")
    _check_draft(draft)
    return _new_letter(session, case, actor, draft, existing, supersedes=None, reason=None)


def correct_letter(session: Session, case: Case, actor: User, draft: Draft, reason: str
                   ) -> Letter:
    """A new letter that supersedes the one in force; both are kept.

    Raises ``LetterError`` (not_allowed, nothing_to_correct, letter_pending,
    reason_required, summary_required, too_long, due_in_past).
    """
    _staff_of(case, actor)
    existing = letters_of(session, case.id)
    current = in_force(existing)
    if current is None:
        raise LetterError("nothing_to_correct")
    if any(x.status == "pending" for x in existing):
        raise LetterError("letter_pending")
    reason = reason.strip()
    if not reason:
        raise LetterError("reason_required", "reason")
    if len(reason) > letter_content.REASON_MAX:
        raise LetterError("too_long", "reason")
    _check_draft(draft)
    return _new_letter(session, case, actor, draft, existing, supersedes=current,
                       reason=reason)


def _new_letter(session: Session, case: Case, actor: User, draft: Draft,
                existing: list[Letter], *, supersedes: Letter | None, reason: str | None
                ) -> Letter:
    seq = max((x.seq for x in existing), default=0) + 1
    letter = Letter(case_id=case.id, seq=seq, lang="en" if case.lang == "en" else "ko",
                    status="pending", verification_code=_unique_code(session),
                    supersedes_id=supersedes.id if supersedes else None,
                    correction_reason=reason, requested_by=actor.id)
    session.add(letter)
    session.flush()
    session.add(CaseEvent(case_id=case.id, actor_id=actor.id, kind=EVENT_KIND,
                          reason=letter_content.document_number(case.number, seq),
                          visible_to_consumer=False,
                          data={"letter_id": letter.id, "seq": seq, "draft": draft.to_dict(),
                                "correction": supersedes is not None}))
    record(session, actor_id=actor.id, action="letter.requested", target_type="letter",
           target_id=letter.id, case_id=case.id, seq=seq,
           supersedes=supersedes.id if supersedes else None)
    return letter


def _unique_code(session: Session) -> str:
    while True:  # 50 random bits: a clash is a once-in-a-lifetime event, but check
        code = new_code()
        if session.scalar(select(func.count()).select_from(Letter)
                          .where(Letter.verification_code == code)) == 0:
            return code


def retry_letter(session: Session, letter: Letter, case: Case, actor: User) -> None:
    """A failed letter goes back to pending; raises ``LetterError('not_failed')``."""
    _staff_of(case, actor)
    if letter.status != "failed":
        raise LetterError("not_failed")
    letter.status = "pending"
    letter.error = None
    record(session, actor_id=actor.id, action="letter.retried", target_type="letter",
           target_id=letter.id, case_id=case.id)


def draft_of(session: Session, letter: Letter) -> Draft:
    """The officer's draft kept on the case event of the request."""
    for event in session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == letter.case_id, CaseEvent.kind == EVENT_KIND)
            .order_by(CaseEvent.id.desc())):
        if (event.data or {}).get("letter_id") == letter.id:
            return Draft.from_dict(event.data.get("draft") or {})
    raise LetterError("draft_missing")


def letter_content_for(session: Session, case: Case, *, draft: Draft, seq: int,
                       verification_code: str, base_url: str, issued_on: date,
                       supersedes: Letter | None = None, correction_reason: str | None = None,
                       preview: bool = False) -> LetterContent:
    """The letter's content from the case as it stands; the preview uses it too."""
    events = list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                  .order_by(CaseEvent.id)))
    reply = next((e.reason for e in reversed(events) if e.kind == "business_reply"), None)
    outcome_event = next((e for e in reversed(events) if e.kind == "transition"
                          and e.to_state in LETTER_STATES), None)
    before = None
    if supersedes is not None:
        before = Supersedes(
            document_number=letter_content.document_number(case.number, supersedes.seq),
            issued_on=to_kst_date(supersedes.issued_at) if supersedes.issued_at else None,
            reason=correction_reason or "")
    return build_content(
        case, registry=load_registry(), draft=draft, seq=seq,
        verification_code=verification_code,
        verification_url=verification_url(base_url, verification_code),
        issued_on=issued_on, addressee=case.consumer.display_name, business_reply=reply,
        outcome_note=outcome_event.reason if outcome_event else None,
        pointer=(outcome_event.data or {}).get("pointer") if outcome_event else None,
        supersedes=before, preview=preview)


def verification_url(base_url: str, code: str) -> str:
    return base_url.rstrip("/") + VERIFY_PATH + code


def stored_name(letter: Letter, secret_key: str) -> str:
    """Random-looking and unguessable, but the same every time for this letter: a job
    that runs again after a crash overwrites its own unfinished file."""
    digest = hmac.new(secret_key.encode(), f"letter:{letter.id}:{letter.verification_code}"
                      .encode(), hashlib.sha256).hexdigest()
    return f"{digest[:40]}.pdf"


def letter_path(cfg: Config, letter: Letter) -> Path:
    if not letter.stored_name:
        raise LetterError("not_issued")
    return cfg.letters_dir / letter.stored_name


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".writing-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def render_letter(session: Session, letter_id: int, cfg: Config) -> RenderOutcome:
    """The job: render a pending letter once, store it with its SHA-256, commit.

    Idempotent: a letter that is not pending (already issued, failed, or taken by
    another worker) is left alone. Commits (or rolls back) itself; never raises for a
    render failure, which is recorded on the letter instead.
    """
    # Claim: the conditional UPDATE takes the row's write lock until we commit, so a
    # second worker waits here and then finds the letter no longer pending.
    claimed = session.execute(update(Letter).where(Letter.id == letter_id,
                                                   Letter.status == "pending")
                              .values(error=None)).rowcount
    if not claimed:
        session.rollback()
        return RenderOutcome("skipped", letter_id)
    letter = session.get(Letter, letter_id, populate_existing=True)
    assert letter is not None
    case = session.get(Case, letter.case_id)
    assert case is not None
    path: Path | None = None
    try:
        from relief.letters.render import render_pdf

        issued_at = utcnow()
        content = letter_content_for(
            session, case, draft=draft_of(session, letter), seq=letter.seq,
            verification_code=letter.verification_code, base_url=cfg.public_base_url,
            issued_on=to_kst_date(issued_at),
            supersedes=session.get(Letter, letter.supersedes_id) if letter.supersedes_id
            else None, correction_reason=letter.correction_reason)
        pdf = render_pdf(content)
        path = cfg.letters_dir / stored_name(letter, cfg.secret_key)
        _write_atomically(path, pdf)
        # The case as it is now, held until the commit (not during the render): a
        # message or note that landed meanwhile must not fail the letter.
        session.refresh(case, with_for_update={"key_share": True})
        letter.status = "issued"
        letter.sha256 = hashlib.sha256(pdf).hexdigest()
        letter.stored_name = path.name
        letter.size = len(pdf)
        letter.issued_at = issued_at
        letter.error = None
        event = _announce(session, case, letter)
        if event is None:
            letter.notified_at = issued_at  # nothing to tell the consumer
        record(session, actor_id=None, action="letter.issued", target_type="letter",
               target_id=letter.id, case_id=case.id, sha256=letter.sha256, size=letter.size)
        session.commit()
    except Exception as exc:
        session.rollback()
        if path is not None and path.exists():
            path.unlink()  # this letter's own file: nothing issued refers to it
        message = _failure_message(exc)
        log.exception("letter %s could not be issued", letter_id)
        session.execute(update(Letter).where(Letter.id == letter_id,
                                             Letter.status == "pending")
                        .values(status="failed", error=message))
        session.commit()
        return RenderOutcome("failed", letter_id, error=message)
    return RenderOutcome("issued", letter_id, event=event)


def _announce(session: Session, case: Case, letter: Letter) -> CaseEvent | None:
    """The first letter moves the case to letter_issued; a correction tells the consumer."""
    number = letter_content.document_number(case.number, letter.seq)
    if letter.supersedes_id is None:
        if case.state in LETTER_STATES:
            return transition(session, case, CaseState.LETTER_ISSUED, actor=None,
                              reason=None, letter=letter.seq, document=number)
        return None
    if case.lang == "en":
        text = (f"A corrected letter {number} was issued and replaces the earlier one. "
                f"Reason: {letter.correction_reason}")
    else:
        text = (f"정정된 처리 결과 통지서({number})가 발급되어 앞의 통지서를 대신합니다. "
                f"정정 사유: {letter.correction_reason}")
    event = CaseEvent(case_id=case.id, actor_id=letter.requested_by, kind="message",
                      reason=text, data={"from": "officer", "letter": letter.seq})
    session.add(event)
    case.updated_at = utcnow()
    return event


def _failure_message(exc: Exception) -> str:
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        return "The case changed while the letter was being issued. Issue it again."
    if isinstance(exc, LetterError):
        return f"The letter could not be prepared ({exc.code})."
    from relief.letters.render import UnprintableText

    if isinstance(exc, UnprintableText):
        return (f"No font can print these characters: {exc.codes}. Edit the summary or the "
                "facts and issue the letter again.")
    if isinstance(exc, OSError):
        return f"The letter file could not be stored ({exc.__class__.__name__}). Try again."
    # The class name only: exception text can quote the letter's content.
    return f"The PDF could not be rendered ({exc.__class__.__name__}). Try again."


def pending_letter_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Letter.id).where(Letter.status == "pending")
                                .order_by(Letter.id)))


def stale_pending_letter_ids(session: Session, *, now: datetime | None = None,
                             after: timedelta = RECOVER_AFTER, limit: int = RECOVER_BATCH
                             ) -> list[int]:
    """Pending letters requested longer than ``after`` ago, oldest first: their job is
    late or lost."""
    cutoff = (now or utcnow()) - after
    return list(session.scalars(select(Letter.id).where(
        Letter.status == "pending", Letter.requested_at < cutoff)
        .order_by(Letter.id).limit(limit)))


def unannounced_letter_ids(session: Session, *, now: datetime | None = None,
                           after: timedelta = RECOVER_AFTER, limit: int = RECOVER_BATCH
                           ) -> list[int]:
    """Letters issued longer than ``after`` ago whose consumer was never told."""
    cutoff = (now or utcnow()) - after
    return list(session.scalars(select(Letter.id).where(
        Letter.status == "issued", Letter.notified_at.is_(None), Letter.issued_at < cutoff)
        .order_by(Letter.id).limit(limit)))


def announcement_of(session: Session, letter: Letter) -> CaseEvent | None:
    """The case event that issuing ``letter`` wrote for the consumer (see ``_announce``)."""
    for event in session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == letter.case_id, CaseEvent.kind.in_(("transition", "message")))
            .order_by(CaseEvent.id.desc())):
        if (event.data or {}).get("letter") == letter.seq:
            return event
    return None


def mark_notified(session: Session, letter_id: int) -> None:
    """Record that the consumer's notice was queued; does not commit."""
    session.execute(update(Letter).where(Letter.id == letter_id, Letter.notified_at.is_(None))
                    .values(notified_at=utcnow()))
