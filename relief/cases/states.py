"""Case states, their coarse types and the transitions allowed between them.

Labels can change; reports and filters use the coarse type (open / waiting /
closed). The same table backs a database CHECK constraint.
"""

from __future__ import annotations

import enum


class CaseState(enum.StrEnum):
    SUBMITTED = "submitted"  # filed; with no body yet it waits in supervisor triage
    ROUTED = "routed"  # in a body's queue, not yet accepted
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    AWAITING_CONSUMER = "awaiting_consumer"
    MEDIATION = "mediation"
    RESOLVED = "resolved"
    NOT_RESOLVED = "not_resolved"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    LETTER_ISSUED = "letter_issued"
    CLOSED = "closed"
    TRANSFERRED = "transferred"  # 이송: momentary, the case goes back to routed at the new body


class StateType(enum.StrEnum):
    OPEN = "open"
    WAITING = "waiting"
    CLOSED = "closed"


STATE_TYPE: dict[CaseState, StateType] = {
    CaseState.SUBMITTED: StateType.OPEN,
    CaseState.ROUTED: StateType.OPEN,
    CaseState.ACCEPTED: StateType.OPEN,
    CaseState.IN_PROGRESS: StateType.OPEN,
    CaseState.AWAITING_CONSUMER: StateType.WAITING,
    CaseState.MEDIATION: StateType.OPEN,
    CaseState.RESOLVED: StateType.OPEN,  # the letter is still to come
    CaseState.NOT_RESOLVED: StateType.OPEN,
    CaseState.REJECTED: StateType.OPEN,
    CaseState.TRANSFERRED: StateType.OPEN,
    CaseState.WITHDRAWN: StateType.CLOSED,
    CaseState.LETTER_ISSUED: StateType.CLOSED,
    CaseState.CLOSED: StateType.CLOSED,
}

_OUTCOMES = {CaseState.RESOLVED, CaseState.NOT_RESOLVED, CaseState.REJECTED}

TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.SUBMITTED: frozenset({CaseState.ROUTED, CaseState.WITHDRAWN}),
    CaseState.ROUTED: frozenset({CaseState.ACCEPTED, CaseState.TRANSFERRED, CaseState.REJECTED,
                                 CaseState.WITHDRAWN, CaseState.SUBMITTED}),
    CaseState.ACCEPTED: frozenset({CaseState.IN_PROGRESS, CaseState.AWAITING_CONSUMER,
                                   CaseState.TRANSFERRED, CaseState.WITHDRAWN} | _OUTCOMES),
    CaseState.IN_PROGRESS: frozenset({CaseState.AWAITING_CONSUMER, CaseState.MEDIATION,
                                      CaseState.TRANSFERRED, CaseState.WITHDRAWN} | _OUTCOMES),
    CaseState.AWAITING_CONSUMER: frozenset({CaseState.IN_PROGRESS, CaseState.WITHDRAWN}
                                           | _OUTCOMES),
    CaseState.MEDIATION: frozenset({CaseState.IN_PROGRESS, CaseState.AWAITING_CONSUMER,
                                    CaseState.WITHDRAWN} | _OUTCOMES),
    CaseState.RESOLVED: frozenset({CaseState.LETTER_ISSUED}),
    CaseState.NOT_RESOLVED: frozenset({CaseState.LETTER_ISSUED}),
    CaseState.REJECTED: frozenset({CaseState.LETTER_ISSUED, CaseState.CLOSED}),
    # A consumer may reopen a finished case within 60 days (see desk.reopen).
    CaseState.WITHDRAWN: frozenset({CaseState.CLOSED, CaseState.ROUTED}),
    CaseState.LETTER_ISSUED: frozenset({CaseState.CLOSED, CaseState.IN_PROGRESS}),
    CaseState.CLOSED: frozenset({CaseState.IN_PROGRESS, CaseState.ROUTED}),
    CaseState.TRANSFERRED: frozenset({CaseState.ROUTED}),
}

assert set(TRANSITIONS) == set(CaseState) == set(STATE_TYPE)


def can_move(current: CaseState, to: CaseState) -> bool:
    return to in TRANSITIONS[current]


def sql_in(states: set[CaseState] | frozenset[CaseState]) -> str:
    return ", ".join(f"'{s.value}'" for s in sorted(states))
