"""What officers and supervisors do to a case. Each function checks who acts, moves the
case through ``workflow.transition`` (state check, event, version) and never commits.

Every function raises ``CaseError`` (not_allowed, stale, agency_invalid, ...) or
``InvalidTransition``; the caller rolls back and shows the message.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy.orm import Session

from agencies import load_registry
from relief.accounts.models import Role, User
from relief.cases import deadlines
from relief.cases.models import OUTCOMES, Case, CaseEvent, RoutingFeedback
from relief.cases.states import CaseState
from relief.cases.workflow import CaseError, hold_current, transition
from relief.core.db import utcnow

RESOLVED_OUTCOMES = {"refunded", "exchanged", "repaired", "compensated", "settlement_recommended"}


def _staff_of(case: Case, actor: User) -> None:
    if actor.role == Role.OFFICER.value and actor.agency_id == case.agency_id:
        return
    if actor.role in (Role.SUPERVISOR.value, Role.ADMIN.value):
        return
    raise CaseError("not_allowed")


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise CaseError("stale")


def _feedback(session: Session, case: Case, actor: User | None, source: str,
              agency_id: str, from_agency: str | None = None) -> None:
    session.add(RoutingFeedback(case_id=case.id, actor_id=actor.id if actor else None,
                                source=source, agency_id=agency_id, from_agency=from_agency,
                                text=case.text, lang=case.lang))


def _recompute_due(case: Case) -> None:
    if case.accepted_at and case.deadline_days:
        case.due_at = deadlines.due_at(case.accepted_at, case.deadline_days,
                                       case.deadline_day_type or "calendar",
                                       paused_days=case.paused_days,
                                       extended_days=case.extended_days)


def accept(session: Session, case: Case, actor: User, *, expected_version: int | None = None
           ) -> CaseEvent:
    """The body takes the case: the statutory clock starts, the routing counts as confirmed."""
    _staff_of(case, actor)
    _check_version(case, expected_version)
    event = transition(session, case, CaseState.ACCEPTED, actor=actor)
    case.accepted_at = utcnow()
    body = load_registry().get(case.agency_id) if case.agency_id else None
    if body is not None and body.deadline.days:
        case.deadline_days = body.deadline.days
        case.deadline_day_type = body.deadline.day_type or "calendar"
        _recompute_due(case)
    if case.assignee_id is None and actor.role == Role.OFFICER.value:
        case.assignee_id = actor.id
    _feedback(session, case, actor, "confirmed", case.agency_id or "")
    return event


def assign(session: Session, case: Case, actor: User, assignee: User | None, *,
           expected_version: int | None = None) -> CaseEvent:
    """Claim (assignee is the actor) or give the case to an officer of the same body."""
    _staff_of(case, actor)
    _check_version(case, expected_version)
    if assignee is not None and (assignee.role != Role.OFFICER.value
                                 or assignee.agency_id != case.agency_id):
        raise CaseError("assignee_invalid")
    case.assignee_id = assignee.id if assignee else None
    case.updated_at = utcnow()
    event = CaseEvent(case_id=case.id, actor_id=actor.id, kind="assigned",
                      visible_to_consumer=False,
                      data={"assignee": assignee.id if assignee else None})
    session.add(event)
    return event


def ask_consumer(session: Session, case: Case, actor: User, question: str, *,
                 expected_version: int | None = None) -> CaseEvent:
    """Ask for information; the clock pauses where the body's law allows."""
    _staff_of(case, actor)
    _check_version(case, expected_version)
    event = transition(session, case, CaseState.AWAITING_CONSUMER, actor=actor, reason=question)
    event.data = {"question": True}
    body = load_registry().get(case.agency_id) if case.agency_id else None
    if body is not None and body.deadline.pauses_while_awaiting_consumer:
        case.paused_since = utcnow()
    return event


def _unpause(case: Case, now: datetime) -> None:
    if case.paused_since is not None:
        case.paused_days += math.ceil((now - case.paused_since).total_seconds() / 86400)
        case.paused_since = None
        _recompute_due(case)


def consumer_answers(session: Session, case: Case, consumer: User, text: str) -> CaseEvent:
    """The consumer's message; an awaited answer puts the case back in progress.

    Raises ``CaseError('not_allowed')`` for someone else's case or a closed one.
    """
    hold_current(session, case)  # found as a 500 under bench/load.py
    if not case.can_act_as_consumer(consumer) or case.state_type.value == "closed":
        raise CaseError("not_allowed")
    event = CaseEvent(case_id=case.id, actor_id=consumer.id, kind="message", reason=text,
                      data={"from": "consumer"})
    session.add(event)
    if case.state_enum is CaseState.AWAITING_CONSUMER:
        _unpause(case, utcnow())
        transition(session, case, CaseState.IN_PROGRESS, actor=None,
                   reason=None, answered=True)
    case.updated_at = utcnow()
    return event


def resume(session: Session, case: Case, actor: User, *, expected_version: int | None = None
           ) -> CaseEvent:
    _staff_of(case, actor)
    _check_version(case, expected_version)
    _unpause(case, utcnow())
    return transition(session, case, CaseState.IN_PROGRESS, actor=actor)


def write(session: Session, case: Case, actor: User, text: str, *, internal: bool) -> CaseEvent:
    """An internal note (staff only) or a message the consumer sees."""
    _staff_of(case, actor)
    event = CaseEvent(case_id=case.id, actor_id=actor.id, kind="note" if internal else "message",
                      reason=text, visible_to_consumer=not internal,
                      data={"from": "officer"})
    session.add(event)
    case.updated_at = utcnow()
    return event


def record_business_reply(session: Session, case: Case, actor: User, text: str, *,
                          expected_version: int | None = None) -> CaseEvent:
    _staff_of(case, actor)
    _check_version(case, expected_version)
    if case.state_enum is CaseState.ACCEPTED:
        transition(session, case, CaseState.IN_PROGRESS, actor=actor)
    event = CaseEvent(case_id=case.id, actor_id=actor.id, kind="business_reply", reason=text)
    session.add(event)
    return event


def start_mediation(session: Session, case: Case, actor: User, note: str | None = None, *,
                    expected_version: int | None = None) -> CaseEvent:
    _staff_of(case, actor)
    _check_version(case, expected_version)
    return transition(session, case, CaseState.MEDIATION, actor=actor, reason=note)


def record_outcome(session: Session, case: Case, actor: User, outcome: str,
                   amount_krw: int | None, summary: str, *,
                   expected_version: int | None = None) -> CaseEvent:
    """refunded / exchanged / repaired / compensated (with amount) / settlement recommended
    -> resolved; not settled -> not resolved; withdrawn -> withdrawn."""
    _staff_of(case, actor)
    _check_version(case, expected_version)
    if outcome not in OUTCOMES or outcome == "rejected":
        raise CaseError("outcome_invalid")
    if outcome == "compensated" and not amount_krw:
        raise CaseError("amount_required")
    if amount_krw is not None and amount_krw < 0:
        raise CaseError("amount_required")
    if outcome in RESOLVED_OUTCOMES:
        to = CaseState.RESOLVED
    elif outcome == "withdrawn":
        to = CaseState.WITHDRAWN
    else:
        to = CaseState.NOT_RESOLVED
    _unpause(case, utcnow())
    event = transition(session, case, to, actor=actor, reason=summary, outcome=outcome,
                       amount_krw=amount_krw)
    case.outcome = outcome
    case.outcome_amount_krw = amount_krw
    return event


def reject(session: Session, case: Case, actor: User, reason: str, pointer: str | None, *,
           expected_version: int | None = None) -> CaseEvent:
    """Outside the body's remit: a reason, and where to go instead."""
    _staff_of(case, actor)
    _check_version(case, expected_version)
    if pointer and pointer not in load_registry():
        raise CaseError("agency_invalid")
    event = transition(session, case, CaseState.REJECTED, actor=actor, reason=reason,
                       pointer=pointer)
    case.outcome = "rejected"
    return event


def transfer(session: Session, case: Case, actor: User, to_agency: str, reason: str, *,
             expected_version: int | None = None) -> CaseEvent:
    """이송: the case moves to another body, which sees why; the clock restarts there."""
    _staff_of(case, actor)
    _check_version(case, expected_version)
    registry = load_registry()
    if to_agency not in registry or not registry.get(to_agency).is_case_body \
            or to_agency == case.agency_id:
        raise CaseError("agency_invalid")
    if not reason.strip():
        raise CaseError("reason_required")
    from_agency = case.agency_id
    transition(session, case, CaseState.TRANSFERRED, actor=actor, reason=reason,
               from_agency=from_agency, agency=to_agency)
    event = transition(session, case, CaseState.ROUTED, actor=actor, reason=reason,
                       agency=to_agency, from_agency=from_agency)
    case.agency_id = to_agency
    case.assignee_id = None
    case.accepted_at = case.due_at = case.paused_since = None
    case.deadline_days = case.deadline_day_type = None
    case.paused_days = case.extended_days = 0
    case.transfer_count += 1
    _feedback(session, case, actor, "transfer", to_agency, from_agency)
    return event


def assign_from_triage(session: Session, case: Case, actor: User, agency_id: str, *,
                       expected_version: int | None = None) -> CaseEvent:
    """A supervisor sends a triage case to a body in one click."""
    if actor.role not in (Role.SUPERVISOR.value, Role.ADMIN.value):
        raise CaseError("not_allowed")
    _check_version(case, expected_version)
    registry = load_registry()
    if agency_id not in registry or not registry.get(agency_id).is_case_body:
        raise CaseError("agency_invalid")
    case.agency_id = agency_id
    case.in_triage = False
    ranking = case.routing.get("ranking") or []
    suggested = ranking[0]["agency"] if ranking else None
    _feedback(session, case, actor, "triage", agency_id, suggested)
    return transition(session, case, CaseState.ROUTED, actor=actor, agency=agency_id)


def extend_deadline(session: Session, case: Case, actor: User, days: int, reason: str, *,
                    expected_version: int | None = None) -> CaseEvent:
    _staff_of(case, actor)
    _check_version(case, expected_version)
    if case.due_at is None or days <= 0 or days > 365 or not reason.strip():
        raise CaseError("extension_invalid")
    case.extended_days += days
    _recompute_due(case)
    case.updated_at = utcnow()
    event = CaseEvent(case_id=case.id, actor_id=actor.id, kind="extension", reason=reason,
                      data={"days": days, "due_at": case.due_at.isoformat()})
    session.add(event)
    return event


def reopen(session: Session, case: Case, consumer: User, reason: str) -> CaseEvent:
    """The consumer reopens a finished case within 60 days; it goes back to its body."""
    hold_current(session, case)
    if not case.can_reopen(consumer):
        raise CaseError("not_allowed")
    if not reason.strip():
        raise CaseError("reason_required")
    to = CaseState.IN_PROGRESS if case.accepted_at and case.state_enum is not \
        CaseState.WITHDRAWN else CaseState.ROUTED
    event = transition(session, case, to, actor=consumer, reason=reason, reopened=True)
    case.outcome = None
    case.outcome_amount_krw = None
    return event


def give_feedback(session: Session, case: Case, consumer: User, rating: int,
                  comment: str) -> CaseEvent:
    """Once per case, within 60 days of closure: how satisfied the consumer is (1-5)."""
    if not case.can_give_feedback(consumer):
        raise CaseError("not_allowed")
    if rating not in range(1, 6):
        raise CaseError("rating_invalid")
    event = CaseEvent(case_id=case.id, actor_id=consumer.id, kind="feedback",
                      reason=comment.strip()[:2000] or None, data={"rating": rating})
    session.add(event)
    return event
