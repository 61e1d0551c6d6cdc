"""Case rules: filing, transitions, withdrawal. Plain functions, actor explicit, no commit.

Every change of state goes through ``transition``: it checks the actor's permission
and the current state, records an append-only event and bumps the version (the
ORM's version counter makes a stale write fail instead of overwriting).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies import load_registry
from relief.accounts.models import Role, User
from relief.cases import evidence as evidence_files
from relief.cases.businesses import business_key
from relief.cases.evidence import CheckedFile
from relief.cases.limits import EVIDENCE_MAX_FILES, TEXT_MAX_CHARS, TEXT_MIN_CHARS
from relief.cases.models import Case, CaseEvent, Evidence
from relief.cases.states import STATE_TYPE, CaseState, StateType, can_move
from relief.core.db import utcnow
from relief.privacy.masking import mask_personal_data


class CaseError(ValueError):
    """A rule was broken; ``code`` is stable and translated by the caller."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


class InvalidTransition(CaseError):
    pass


@dataclass
class Filing:
    text: str
    product: str | None = None
    business_name: str | None = None
    occurred_on: date | None = None
    amount_krw: int | None = None
    payment_method: str | None = None
    channel: str | None = None
    region: str | None = None
    wish: str | None = None
    lang: str = "ko"
    # What the consumer did with the suggested body.
    choice: str = "confirmed"  # confirmed | alternative | not_sure | out_of_scope
    chosen_agency: str | None = None
    files: list[CheckedFile] = field(default_factory=list)
    standard_ref: dict[str, Any] | None = None  # the standard remedy shown at filing

    def facts(self) -> dict[str, Any]:
        return {k: v for k, v in {"amount_krw": self.amount_krw, "region": self.region,
                                  "channel": self.channel, "business": self.business_name
                                  }.items() if v}


def decide_destination(routing: dict[str, Any], choice: str, chosen: str | None
                       ) -> tuple[str | None, str | None]:
    """(agency id, triage reason). Exactly one is set: a case goes to a body or to triage.

    Raises ``CaseError('agency_invalid')`` for a chosen body that cannot take cases.
    """
    registry = load_registry()
    if choice == "not_sure":
        return None, "consumer_not_sure"
    if choice == "alternative":
        if not chosen or chosen not in registry or not registry.get(chosen).is_case_body:
            raise CaseError("agency_invalid", "chosen_agency")
        return chosen, None
    if routing.get("out_of_scope") or choice == "out_of_scope":
        return None, "out_of_scope_insisted"
    ranking = routing.get("ranking") or []
    if routing.get("needs_triage") or not ranking:
        return None, "router_unsure" if ranking else "router_unavailable"
    top = ranking[0]["agency"]
    if top not in registry or not registry.get(top).is_case_body:
        return None, "out_of_scope_insisted"
    return top, None


def file_case(session: Session, consumer: User, filing: Filing, *, routing: dict[str, Any],
              submission_key: str, uploads_dir: Path) -> tuple[Case, bool]:
    """File a complaint; returns (case, created). A repeated submission key returns the
    case it created the first time, so a double click or a retried request makes one case.

    Raises ``CaseError`` (text_too_short, text_too_long, too_many_files, agency_invalid)
    and ``EvidenceError`` when a file cannot be stored; nothing is left half-written:
    the caller rolls back, and files written here are removed on failure.
    """
    existing = session.scalar(select(Case).where(Case.submission_key == submission_key))
    if existing is not None:
        if existing.consumer_id != consumer.id:
            raise CaseError("submission_key_reused")
        return existing, False
    text = filing.text.strip()
    if len(text) < TEXT_MIN_CHARS:
        raise CaseError("text_too_short", "text")
    if len(text) > TEXT_MAX_CHARS:
        raise CaseError("text_too_long", "text")
    if len(filing.files) > EVIDENCE_MAX_FILES:
        raise CaseError("too_many_files", "files")
    agency_id, triage_reason = decide_destination(routing, filing.choice, filing.chosen_agency)
    masked, findings = mask_personal_data(text)
    case = Case(
        consumer_id=consumer.id,
        agency_id=agency_id,
        state=(CaseState.ROUTED if agency_id else CaseState.SUBMITTED).value,
        lang=filing.lang,
        text=masked,
        masked_kinds=sorted({f.kind for f in findings}),
        product=(filing.product or "").strip() or None,
        business_name=(filing.business_name or "").strip() or None,
        business_key=business_key(session, filing.business_name),
        occurred_on=filing.occurred_on,
        amount_krw=filing.amount_krw,
        payment_method=filing.payment_method,
        channel=filing.channel,
        region=filing.region,
        wish=filing.wish,
        routing=routing,
        routing_confidence=routing.get("confidence"),
        consumer_choice=filing.choice,
        in_triage=agency_id is None,
        triage_reason=triage_reason,
        submission_key=submission_key,
        standard_ref=filing.standard_ref,
        evidence=[],  # known empty: spares a query when the receipt lists the files
    )
    session.add(case)
    session.flush()
    session.add(CaseEvent(case_id=case.id, actor_id=consumer.id, kind="filed",
                          to_state=CaseState.SUBMITTED.value,
                          data={"masked": case.masked_kinds, "choice": filing.choice}))
    if agency_id:
        session.add(CaseEvent(case_id=case.id, actor_id=None, kind="transition",
                              from_state=CaseState.SUBMITTED.value,
                              to_state=CaseState.ROUTED.value,
                              data={"agency": agency_id, "by": filing.choice}))
    stored: list[str] = []
    try:
        for checked in filing.files:
            stored.append(attach_evidence(session, case, consumer, checked, uploads_dir,
                                          record_event=False).stored_name)
        session.flush()
    except Exception:
        evidence_files.remove(uploads_dir, stored)
        raise
    return case, True


def hold_current(session: Session, case: Case) -> None:
    """Re-read the case and hold its row until the commit.

    For a consumer's step that answers no particular version (a message, a file, a
    withdrawal): an officer's change that landed since the page was read must decide
    what is allowed now, not make the step fail as a conflict (a 500 under load).
    """
    session.refresh(case, with_for_update={"key_share": True})


def attach_evidence(session: Session, case: Case, actor: User, checked: CheckedFile,
                    uploads_dir: Path, *, record_event: bool = True) -> Evidence:
    """Raises ``CaseError('too_many_files' | 'not_allowed')`` or ``EvidenceError``.

    ``record_event=False`` is for the files of a case being filed in this transaction.
    """
    if record_event:
        hold_current(session, case)
    if not case.can_act_as_consumer(actor) or case.state_type is StateType.CLOSED:
        raise CaseError("not_allowed")
    if len(case.evidence) >= EVIDENCE_MAX_FILES:
        raise CaseError("too_many_files", "files")
    stored = evidence_files.store(uploads_dir, checked)
    item = Evidence(case_id=case.id, uploaded_by=actor.id, original_name=checked.original_name,
                    stored_name=stored, content_type=checked.content_type,
                    size=len(checked.data), sha256=checked.sha256)
    case.evidence.append(item)
    if record_event:
        session.add(CaseEvent(case_id=case.id, actor_id=actor.id, kind="evidence",
                              data={"name": checked.original_name}))
        case.updated_at = utcnow()
    return item


def transition(session: Session, case: Case, to: CaseState, *, actor: User | None,
               reason: str | None = None, expected_version: int | None = None,
               **data: Any) -> CaseEvent:
    """Move a case to ``to``; raises ``InvalidTransition`` or ``CaseError('stale')``.

    ``expected_version`` is the version the actor saw; a different one means someone
    else changed the case meanwhile.
    """
    if expected_version is not None and case.version != expected_version:
        raise CaseError("stale")
    current = case.state_enum
    if not can_move(current, to):
        raise InvalidTransition("transition_not_allowed")
    _check_actor(case, to, actor)
    case.state = to.value
    now = utcnow()
    case.updated_at = now
    if STATE_TYPE[to] is StateType.CLOSED:
        case.closed_at = case.closed_at or now
    else:
        case.closed_at = None
    event = CaseEvent(case_id=case.id, actor_id=actor.id if actor else None, kind="transition",
                      from_state=current.value, to_state=to.value, reason=reason, data=data)
    session.add(event)
    return event


def _check_actor(case: Case, to: CaseState, actor: User | None) -> None:
    if actor is None:
        return  # the system itself (routing at filing, periodic jobs)
    if actor.role == Role.CONSUMER.value:
        if to is CaseState.WITHDRAWN and case.can_withdraw(actor):
            return
        if to in (CaseState.IN_PROGRESS, CaseState.ROUTED) and case.can_reopen(actor):
            return
        raise CaseError("not_allowed")
    if actor.role == Role.OFFICER.value and case.agency_id != actor.agency_id:
        raise CaseError("not_allowed")
    if actor.role not in (Role.OFFICER.value, Role.SUPERVISOR.value, Role.ADMIN.value):
        raise CaseError("not_allowed")


def withdraw(session: Session, case: Case, consumer: User, reason: str | None = None
             ) -> CaseEvent:
    """The consumer withdraws; raises ``CaseError('not_allowed')`` or ``InvalidTransition``."""
    hold_current(session, case)
    if not case.can_withdraw(consumer):
        raise CaseError("not_allowed")
    return transition(session, case, CaseState.WITHDRAWN, actor=consumer, reason=reason)
