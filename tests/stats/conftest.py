"""Cases written straight into the database, with the dates and states a figure needs.

Filing through the workflow stamps "now" on everything; statistics are about time, so
these cases are built directly, within the same rolled-back transaction as the test.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from relief.cases.businesses import normalise_business
from relief.cases.models import Case
from relief.cases.states import STATE_TYPE, CaseState, StateType

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def add_case(db_session, make_user):  # type: ignore[no-untyped-def]
    """``add_case(state=..., days_ago=..., closed_after=..., due_after=..., **columns)``.

    ``closed_after`` / ``due_after`` are days after filing; a closed state without
    ``closed_after`` is closed one day after filing.
    """
    consumers: list[Any] = []

    def _add(state: str = "routed", *, agency_id: str | None = "kca", days_ago: float = 1,
             closed_after: float | None = None, due_after: float | None = None,
             accepted_after: float = 0.5, consumer: Any = None, commit: bool = True,
             **columns: Any) -> Case:
        if consumer is None:
            if not consumers:
                consumers.append(make_user())
            consumer = consumers[0]
        created = columns.pop("created_at", NOW - timedelta(days=days_ago))
        closed = STATE_TYPE[CaseState(state)] is StateType.CLOSED
        if closed and closed_after is None:
            closed_after = 1
        name = columns.get("business_name")
        if name and "business_key" not in columns:
            columns["business_key"] = normalise_business(name)
        accepted = (created + timedelta(days=accepted_after)
                    if due_after is not None or state not in ("submitted", "routed") else None)
        case = Case(
            consumer_id=consumer.id, agency_id=agency_id, state=state,
            text=columns.pop("text", "헬스장 환불을 거절당했습니다. 도와주세요."),
            masked_kinds=[], routing={"ranking": [{"agency": agency_id or "kca", "score": 0.9}]},
            submission_key="t:" + secrets.token_hex(8), created_at=created,
            updated_at=created, accepted_at=accepted,
            due_at=created + timedelta(days=due_after) if due_after is not None else None,
            closed_at=created + timedelta(days=closed_after) if closed else None,
            **columns)
        db_session.add(case)
        if commit:
            db_session.commit()
        return case

    return _add
