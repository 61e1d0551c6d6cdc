"""Cases, their append-only events, evidence files and messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from relief.accounts.models import User
from relief.cases.states import STATE_TYPE, CaseState, StateType, sql_in
from relief.core.db import Base, UTCDateTime, utcnow

CLOSED_STATES = {s for s, t in STATE_TYPE.items() if t is StateType.CLOSED}
AFTER_CARE_DAYS = 60

CHANNELS = ("online", "shop", "door_to_door", "phone", "abroad", "other")
WISHES = ("refund", "exchange", "repair", "compensation", "cancellation", "other")
PAYMENT_METHODS = ("card", "transfer", "cash", "mobile", "other")
REGIONS = (
    "seoul", "busan", "daegu", "incheon", "gwangju", "daejeon", "ulsan", "sejong",
    "gyeonggi", "gangwon", "chungbuk", "chungnam", "jeonbuk", "jeonnam", "gyeongbuk",
    "gyeongnam", "jeju", "abroad",
)
CHOICES = ("confirmed", "alternative", "not_sure", "out_of_scope")
OUTCOMES = ("refunded", "exchanged", "repaired", "compensated", "settlement_recommended",
            "not_settled", "withdrawn", "rejected")


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(f"state IN ({sql_in(set(CaseState))})", name="state_known"),
        # Closed states and closed_at go together.
        CheckConstraint(
            f"(state IN ({sql_in(CLOSED_STATES)})) = (closed_at IS NOT NULL)",
            name="closed_has_closed_at",
        ),
        # Only a case waiting in triage has no body.
        CheckConstraint("agency_id IS NOT NULL OR state IN ('submitted', 'withdrawn', 'closed')",
                        name="routed_has_agency"),
        CheckConstraint(f"channel IS NULL OR channel IN ({', '.join(repr(c) for c in CHANNELS)})",
                        name="channel_known"),
        CheckConstraint("amount_krw IS NULL OR amount_krw >= 0", name="amount_not_negative"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({', '.join(repr(o) for o in OUTCOMES)})",
                        name="outcome_known"),
        # A case is accepted before its clock runs.
        CheckConstraint("due_at IS NULL OR accepted_at IS NOT NULL", name="due_after_accept"),
        Index("ix_cases_agency_state", "agency_id", "state"),
        # Queue orders: walk an index in order and stop after one page.
        Index("ix_cases_agency_due", "agency_id", "due_at", "id"),
        Index("ix_cases_agency_created", "agency_id", "created_at", "id"),
        Index("ix_cases_agency_updated", "agency_id", "updated_at", "id"),
        Index("ix_cases_due", "due_at", "id"),
        # Statistics scan a period of cases; on PostgreSQL these cover the columns they read.
        Index("ix_cases_stats_created", "created_at",
              postgresql_include=["agency_id", "state", "region", "channel", "outcome",
                                  "outcome_amount_krw", "closed_at", "due_at", "paused_since",
                                  "transfer_count", "business_key"]),
        Index("ix_cases_stats_resolved", "created_at",
              postgresql_include=["agency_id", "closed_at", "region"],
              postgresql_where=text("closed_at IS NOT NULL AND state <> 'withdrawn'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default=CaseState.SUBMITTED.value)
    version: Mapped[int] = mapped_column(Integer, default=1)
    lang: Mapped[str] = mapped_column(String(2), default="ko")

    # What the consumer wrote, with personal data already masked.
    text: Mapped[str] = mapped_column(Text)
    masked_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    product: Mapped[str | None] = mapped_column(String(200), nullable=True)
    business_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    business_key: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    occurred_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    amount_krw: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    payment_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(20), nullable=True)
    region: Mapped[str | None] = mapped_column(String(20), nullable=True)
    wish: Mapped[str | None] = mapped_column(String(20), nullable=True)

    # The router's verdict at filing, and what the consumer did with it.
    routing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    routing_confidence: Mapped[float | None] = mapped_column(nullable=True)
    consumer_choice: Mapped[str] = mapped_column(String(20), default="confirmed")
    in_triage: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    triage_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    standard_ref: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    submission_key: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    # The desk: who works it, the statutory clock, the outcome.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True,
                                                    index=True)
    deadline_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    deadline_day_type: Mapped[str | None] = mapped_column(String(10), nullable=True)
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    extended_days: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    overdue_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    outcome_amount_krw: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    transfer_count: Mapped[int] = mapped_column(Integer, default=0)
    collective_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("collective_groups.id"), nullable=True, index=True)

    consumer: Mapped[User] = relationship(foreign_keys=[consumer_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="case", order_by="Evidence.id", cascade="all, delete-orphan")

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    @property
    def number(self) -> str:
        """R2026-0000123: the year filed and the id; not a secret, not enough to read it."""
        return f"R{self.created_at:%Y}-{self.id:07d}"

    @staticmethod
    def id_from_number(number: str) -> int | None:
        head, _, tail = number.strip().upper().partition("-")
        return int(tail) if head.startswith("R") and tail.isdigit() else None

    @property
    def state_enum(self) -> CaseState:
        return CaseState(self.state)

    @property
    def state_type(self) -> StateType:
        return STATE_TYPE[self.state_enum]

    # Permissions live on the model so views, templates and the API agree.
    def can_view(self, user: Any) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if user.role == "consumer":
            return user.id == self.consumer_id
        if user.role == "officer":
            return self.agency_id is not None and user.agency_id == self.agency_id
        return user.role in ("supervisor", "admin")

    def can_act_as_consumer(self, user: Any) -> bool:
        return self.can_view(user) and user.role == "consumer"

    def can_withdraw(self, user: Any) -> bool:
        return self.can_act_as_consumer(user) and self.state_type is not StateType.CLOSED

    def within_after_care(self, now: datetime | None = None) -> bool:
        """Closed less than 60 days ago: the consumer may still reopen or give feedback."""
        if self.state_type is not StateType.CLOSED or self.closed_at is None:
            return False
        return (now or utcnow()) - self.closed_at <= timedelta(days=AFTER_CARE_DAYS)

    def can_reopen(self, user: Any) -> bool:
        return (self.can_act_as_consumer(user) and self.agency_id is not None
                and self.within_after_care())

    def can_give_feedback(self, user: Any) -> bool:
        return self.can_act_as_consumer(user) and self.within_after_care() and not any(
            e.kind == "feedback" for e in self.events)


class CaseEvent(Base):
    """Append-only: who did what to the case, when, from which state to which, and why."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))  # filed | transition | message | note | evidence
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    visible_to_consumer: Mapped[bool] = mapped_column(Boolean, default=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class Evidence(Base):
    """A file the consumer attached; stored outside the web root under a random name."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="evidence")


class RoutingFeedback(Base):
    """A routing decision a person confirmed or corrected: what the router learns from."""

    __tablename__ = "routing_feedback"
    __table_args__ = (
        CheckConstraint("source IN ('confirmed', 'transfer', 'triage')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    source: Mapped[str] = mapped_column(String(20))
    from_agency: Mapped[str | None] = mapped_column(String(40), nullable=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    text: Mapped[str] = mapped_column(Text)  # masked, as stored on the case
    lang: Mapped[str] = mapped_column(String(2), default="ko")
