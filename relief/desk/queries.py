"""Queue queries: what an officer or supervisor sees, filtered, sorted, paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from relief.accounts.models import User
from relief.cases.deadlines import DUE_SOON_DAYS
from relief.cases.models import Case
from relief.cases.states import STATE_TYPE, CaseState, StateType
from relief.core.db import utcnow

PAGE_SIZE = 50
SORTS = {
    "due": (Case.due_at.asc().nulls_last(), Case.id.asc()),
    "newest": (Case.created_at.desc(), Case.id.desc()),
    "oldest": (Case.created_at.asc(), Case.id.asc()),
    "updated": (Case.updated_at.desc(), Case.id.desc()),
}


@dataclass(frozen=True)
class QueueFilter:
    agency_id: str | None = None
    state: str = "open"  # open | waiting | closed | all | a CaseState value
    deadline: str = ""  # "" | due_soon | overdue
    assignee: str = ""  # "" | me | none | <user id>
    q: str = ""
    sort: str = "due"
    page: int = 1


def _states(key: str) -> list[str] | None:
    if key == "all":
        return None
    if key in {t.value for t in StateType}:
        return [s.value for s, t in STATE_TYPE.items() if t.value == key]
    if key in {s.value for s in CaseState}:
        return [key]
    return [s.value for s, t in STATE_TYPE.items() if t is StateType.OPEN]


def queue_query(f: QueueFilter, actor: User) -> Select[tuple[Case]]:
    stmt = select(Case)
    agency = actor.agency_id if actor.role == "officer" else f.agency_id
    if agency:
        stmt = stmt.where(Case.agency_id == agency)
    states = _states(f.state)
    if states is not None:
        stmt = stmt.where(Case.state.in_(states))
    now = utcnow()
    if f.deadline == "overdue":
        stmt = stmt.where(Case.due_at < now, Case.paused_since.is_(None))
    elif f.deadline == "due_soon":
        stmt = stmt.where(Case.due_at >= now, Case.due_at < now + timedelta(days=DUE_SOON_DAYS))
    if f.assignee == "me":
        stmt = stmt.where(Case.assignee_id == actor.id)
    elif f.assignee == "none":
        stmt = stmt.where(Case.assignee_id.is_(None))
    elif f.assignee.isdigit():
        stmt = stmt.where(Case.assignee_id == int(f.assignee))
    q = f.q.strip()
    if q:
        case_id = Case.id_from_number(q)
        if case_id is not None:
            stmt = stmt.where(Case.id == case_id)
        elif q.isdigit():
            stmt = stmt.where(Case.id == int(q))
        else:
            like = f"%{q.replace('%', '').replace('_', '')[:100]}%"
            consumers = select(User.id).where(User.display_name.ilike(like))
            stmt = stmt.where(or_(Case.business_name.ilike(like), Case.text.ilike(like),
                                  Case.consumer_id.in_(consumers)))
    return stmt


def queue_page(session: Session, f: QueueFilter, actor: User) -> tuple[list[Case], bool]:
    """One page of cases and whether there is a next page (no COUNT(*) on big queues)."""
    stmt = queue_query(f, actor).order_by(*SORTS.get(f.sort, SORTS["due"]))
    stmt = stmt.options(joinedload(Case.consumer), joinedload(Case.assignee))
    rows = session.scalars(stmt.offset((max(f.page, 1) - 1) * PAGE_SIZE)
                           .limit(PAGE_SIZE + 1)).unique().all()
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def triage_page(session: Session, page: int = 1) -> tuple[list[Case], bool]:
    stmt = (select(Case).where(Case.in_triage.is_(True), Case.state == CaseState.SUBMITTED.value)
            .order_by(Case.created_at.asc()).options(joinedload(Case.consumer))
            .offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))
    rows = session.scalars(stmt).unique().all()
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def officers_of(session: Session, agency_id: str | None) -> list[User]:
    if not agency_id:
        return []
    return list(session.scalars(select(User).where(User.role == "officer",
                                                   User.agency_id == agency_id,
                                                   User.active.is_(True))
                                .order_by(User.display_name)))


def count_triage(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Case).where(
        Case.in_triage.is_(True), Case.state == CaseState.SUBMITTED.value)) or 0
