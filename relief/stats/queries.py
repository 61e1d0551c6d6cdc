"""What a supervisor sees of the whole system: aggregations over cases, filtered.

Each figure is one aggregate query that the database answers in one scan; labels,
fields and state types are folded in afterwards in Python so that the queries stay
narrow (a covering index on ``created_at`` answers all of them on PostgreSQL).
Written once for SQLite and PostgreSQL: the only differences are how a case is put in
its Korean calendar month (``_month_bucket``) and how the whole days between two
timestamps are counted (``_whole_days``), each written the way its engine does it
cheapest.

Definitions (also on the dashboard, so a reader knows what a number means):

- *days to resolution*: from filing to closing, for cases closed other than by
  withdrawal; median and 90th percentile interpolated as ``percentile_cont`` does,
  over whole days.
- *deadline compliance*: of the cases whose statutory clock ran, the share closed
  by their due date; cases still open past it count as missed.
- *transfer rate*: the share of a body's cases that reached it only after a
  transfer (the router or a first body sent it elsewhere), and how many the body
  itself transferred away.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from agencies import load_registry
from relief.cases.models import OUTCOMES, REGIONS, Case, RoutingFeedback
from relief.cases.states import STATE_TYPE, CaseState, StateType

KST = ZoneInfo("Asia/Seoul")
DEFAULT_PERIOD_DAYS = 365
TOP_BUSINESSES = 10

OPEN_STATES = tuple(s.value for s, t in STATE_TYPE.items() if t is StateType.OPEN)
WAITING_STATES = tuple(s.value for s, t in STATE_TYPE.items() if t is StateType.WAITING)
NOT_CLOSED_STATES = OPEN_STATES + WAITING_STATES
# Backlog age buckets: (label key, lower bound in days, upper bound or None).
AGE_BUCKETS = (("0-7", 0, 7), ("8-30", 8, 30), ("31-60", 31, 60), ("61-90", 61, 90),
               ("91-180", 91, 180), ("181+", 181, None))


class FilterError(ValueError):
    """A filter value that is not a date, body, field or region; ``fields`` says which."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class StatsFilter:
    """Period (Korean calendar days, both ends included), body, field and region."""

    date_from: date | None = None
    date_to: date | None = None
    agency_id: str | None = None
    field: str | None = None
    region: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str], *, today: date | None = None,
                  default_period: bool = True) -> StatsFilter:
        """Parse query arguments; raises ``FilterError`` naming each bad value.

        With ``default_period`` an absent ``from`` means the last twelve months; an
        empty one means no lower bound.
        """
        errors: dict[str, str] = {}
        today = today or datetime.now(KST).date()

        def day(name: str, fallback: date | None) -> date | None:
            if name not in args:
                return fallback
            raw = (args.get(name) or "").strip()
            if not raw:
                return None
            try:
                return date.fromisoformat(raw)
            except ValueError:
                errors[name] = "not a date (YYYY-MM-DD)"
                return None

        date_from = day("from", today - timedelta(days=DEFAULT_PERIOD_DAYS)
                        if default_period else None)
        date_to = day("to", None)
        if date_from and date_to and date_from > date_to:
            errors["to"] = "before the start of the period"
        registry = load_registry()
        agency = (args.get("body") or "").strip() or None
        if agency and agency not in registry:
            errors["body"] = "unknown body"
        field_ = (args.get("field") or "").strip() or None
        if field_ and field_ not in registry.fields:
            errors["field"] = "unknown field"
        region = (args.get("region") or "").strip() or None
        if region and region not in REGIONS:
            errors["region"] = "unknown region"
        if errors:
            raise FilterError(errors)
        return cls(date_from, date_to, agency, field_, region)

    def as_args(self) -> dict[str, str]:
        """The query arguments that give this filter back (for links and exports)."""
        return {"from": self.date_from.isoformat() if self.date_from else "",
                "to": self.date_to.isoformat() if self.date_to else "",
                "body": self.agency_id or "", "field": self.field or "",
                "region": self.region or ""}

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.date_from:
            out.append(Case.created_at >= kst_midnight(self.date_from))
        if self.date_to:
            out.append(Case.created_at < kst_midnight(self.date_to + timedelta(days=1)))
        if self.agency_id:
            out.append(Case.agency_id == self.agency_id)
        if self.field:
            out.append(Case.agency_id.in_(bodies_of_field(self.field)))
        if self.region:
            out.append(Case.region == self.region)
        return out


def kst_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=KST).astimezone(UTC)


def bodies_of_field(field_: str) -> list[str]:
    return [b.id for b in load_registry() if b.field == field_]


def field_of(agency_id: str | None) -> str | None:
    registry = load_registry()
    return registry.get(agency_id).field if agency_id and agency_id in registry else None


def state_type_of(state: str) -> str:
    return STATE_TYPE[CaseState(state)].value


# Dialect differences, each in one small function.
def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def prefer_covering_index(session: Session) -> None:
    """Let PostgreSQL read the narrow covering index rather than the wide case rows.

    The default ``random_page_cost`` (4) models spinning disks; with the cases in
    memory or on SSD an index-only scan of the statistics index is three times cheaper
    than scanning the table, but the planner only sees that at about 1.1. ``SET LOCAL``
    ends with the transaction, so nothing else is affected.
    """
    if _postgres(session):
        session.execute(text("SET LOCAL random_page_cost = 1.1"))


def _whole_days(session: Session, start: Any, end: Any) -> ColumnElement[int]:
    """Whole days from ``start`` to ``end`` (both set, ``end`` later)."""
    if _postgres(session):
        return func.date_part("day", end - start)
    return cast(func.julianday(end) - func.julianday(start), Integer)


def _month_bucket(session: Session, months: list[date]) -> ColumnElement[Any]:
    """A case's Korean calendar month: 'YYYY-MM' on SQLite, an index into ``months`` on
    PostgreSQL (``width_bucket`` over the month boundaries is a binary search on the
    raw timestamp, twice as fast as any date arithmetic per row)."""
    if _postgres(session):
        bounds = [kst_midnight(m) for m in months]
        array = ARRAY(DateTime(timezone=True))
        return func.width_bucket(Case.created_at, cast(literal(bounds, array), array))
    return func.strftime("%Y-%m", Case.created_at, "+9 hours")


def _months_between(first: date, last: date) -> list[date]:
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(m)
        m = (m + timedelta(days=32)).replace(day=1)
    return out


# Results -----------------------------------------------------------------------------


@dataclass
class BodyFigures:
    agency_id: str | None
    cases: int = 0
    by_state_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    transferred_in: int = 0
    transferred_out: int = 0
    with_deadline: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    open_overdue: int = 0
    resolved: int = 0
    median_days: float | None = None
    p90_days: float | None = None

    @property
    def transfer_rate(self) -> float | None:
        return self.transferred_in / self.cases if self.cases else None

    @property
    def compliance(self) -> float | None:
        judged = self.closed_on_time + self.closed_late + self.open_overdue
        return self.closed_on_time / judged if judged else None


@dataclass
class OutcomeFigures:
    outcome: str | None
    cases: int
    amount_krw: int


@dataclass
class BusinessFigures:
    key: str
    name: str
    cases: int
    variants: list[str]


@dataclass
class Dashboard:
    filter: StatsFilter
    total: int
    by_body: list[BodyFigures]
    by_field: dict[str | None, int]
    by_state_type: dict[str, int]
    by_region: dict[str | None, int]
    by_channel: dict[str | None, int]
    by_month: dict[str, int]
    backlog: dict[str, dict[str, int]]  # age bucket -> state type -> cases
    outcomes: list[OutcomeFigures]
    businesses: list[BusinessFigures]
    median_days: float | None
    p90_days: float | None
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def recovered_krw(self) -> int:
        return sum(o.amount_krw for o in self.outcomes)

    @property
    def compliance(self) -> float | None:
        on_time = sum(b.closed_on_time for b in self.by_body)
        judged = sum(b.closed_on_time + b.closed_late + b.open_overdue for b in self.by_body)
        return on_time / judged if judged else None

    @property
    def transfer_rate(self) -> float | None:
        return (sum(b.transferred_in for b in self.by_body) / self.total) if self.total else None


# Queries -----------------------------------------------------------------------------


def _where(f: StatsFilter, *extra: ColumnElement[bool]) -> ColumnElement[bool]:
    parts = [*f.conditions(), *extra]
    return and_(*parts) if parts else literal(True)


def body_rows_statement(f: StatsFilter, now: datetime) -> Select[Any]:
    """Per (body, state): cases, arrivals by transfer and where the statutory clock stands."""
    closed = Case.closed_at.is_not(None)
    return (select(
        Case.agency_id, Case.state, func.count().label("cases"),
        func.sum(case((Case.transfer_count > 0, 1), else_=0)).label("transferred_in"),
        func.sum(case((Case.due_at.is_not(None), 1), else_=0)).label("with_deadline"),
        func.sum(case((and_(closed, Case.closed_at <= Case.due_at), 1), else_=0))
        .label("closed_on_time"),
        func.sum(case((and_(closed, Case.closed_at > Case.due_at), 1), else_=0))
        .label("closed_late"),
        func.sum(case((and_(Case.closed_at.is_(None), Case.due_at < now,
                            Case.paused_since.is_(None)), 1), else_=0)).label("open_overdue"),
    ).where(_where(f)).group_by(Case.agency_id, Case.state))


def body_rows(session: Session, f: StatsFilter, now: datetime) -> list[Any]:
    return list(session.execute(body_rows_statement(f, now)))


def count_by(session: Session, f: StatsFilter, column: Any) -> dict[Any, int]:
    stmt = select(column, func.count()).where(_where(f)).group_by(column)
    return {k: n for k, n in session.execute(stmt)}


def month_statement(session: Session, f: StatsFilter) -> tuple[Select[Any], list[date]]:
    first, last = f.date_from, f.date_to
    if first is None or last is None:
        low, high = session.execute(select(func.min(Case.created_at), func.max(Case.created_at))
                                    .where(_where(f))).one()
        if low is None:
            return select(literal(None), literal(0)).where(literal(False)), []
        first = first or low.astimezone(KST).date()
        last = last or high.astimezone(KST).date()
    months = _months_between(first, last)
    bucket = _month_bucket(session, months).label("month")
    return select(bucket, func.count()).where(_where(f)).group_by(bucket), months


def month_counts(session: Session, f: StatsFilter) -> dict[str, int]:
    """Cases per Korean calendar month, every month of the period (empty ones as 0)."""
    stmt, months = month_statement(session, f)
    out = {f"{m:%Y-%m}": 0 for m in months}
    for bucket, n in session.execute(stmt):
        if isinstance(bucket, str):
            out[bucket] = out.get(bucket, 0) + n
        elif 1 <= bucket <= len(months):  # width_bucket: i is [months[i-1], months[i])
            out[f"{months[bucket - 1]:%Y-%m}"] += n
    return out


def resolution_statement(session: Session, f: StatsFilter) -> Select[Any]:
    days = _whole_days(session, Case.created_at, Case.closed_at).label("days")
    return (select(Case.agency_id, days, func.count())
            .where(_where(f, Case.closed_at.is_not(None),
                          Case.state != CaseState.WITHDRAWN.value))
            .group_by(Case.agency_id, days))


def resolution_histograms(session: Session, f: StatsFilter) -> dict[str | None, dict[int, int]]:
    """Per body: whole days from filing to closing -> cases (withdrawals left out)."""
    stmt = resolution_statement(session, f)
    out: dict[str | None, dict[int, int]] = defaultdict(dict)
    for agency, d, n in session.execute(stmt):
        out[agency][max(int(d), 0)] = out[agency].get(max(int(d), 0), 0) + n
    return out


def backlog(session: Session, f: StatsFilter, now: datetime) -> dict[str, dict[str, int]]:
    """Cases not closed, by age since filing and by whether they wait for the consumer."""
    whens = []
    for key, _low, high in AGE_BUCKETS:
        if high is not None:
            whens.append((Case.created_at > now - timedelta(days=high + 1), literal(key)))
    bucket = case(*whens, else_=literal(AGE_BUCKETS[-1][0])).label("bucket")
    waiting = case((Case.state.in_(WAITING_STATES), literal("waiting")),
                   else_=literal("open")).label("type")
    stmt = (select(bucket, waiting, func.count())
            .where(_where(f, Case.state.in_(NOT_CLOSED_STATES)))
            .group_by(bucket, waiting))
    out: dict[str, dict[str, int]] = {k: {"open": 0, "waiting": 0} for k, _, _ in AGE_BUCKETS}
    for b, t, n in session.execute(stmt):
        out[b][t] += n
    return out


def outcome_rows(session: Session, f: StatsFilter) -> list[OutcomeFigures]:
    stmt = (select(Case.outcome, func.count(), func.coalesce(func.sum(Case.outcome_amount_krw), 0))
            .where(_where(f, Case.outcome.is_not(None))).group_by(Case.outcome))
    rows = {o: OutcomeFigures(o, n, int(a)) for o, n, a in session.execute(stmt)}
    return [rows[o] for o in OUTCOMES if o in rows]


def transfers_out(session: Session, f: StatsFilter) -> dict[str, int]:
    """How many cases each body transferred away (from the routing feedback record)."""
    stmt = (select(RoutingFeedback.from_agency, func.count())
            .join(Case, Case.id == RoutingFeedback.case_id)
            .where(_where(f, RoutingFeedback.source == "transfer"))
            .group_by(RoutingFeedback.from_agency))
    return {a: n for a, n in session.execute(stmt) if a}


def top_businesses(session: Session, f: StatsFilter, limit: int = TOP_BUSINESSES
                   ) -> list[BusinessFigures]:
    """The businesses complained about most, spellings of one business counted together."""
    from relief.stats.businesses import cluster_keys

    stmt = (select(Case.business_key, func.count().label("n"))
            .where(_where(f, Case.business_key.is_not(None)))
            .group_by(Case.business_key).order_by(func.count().desc()).limit(limit * 20))
    counts = {k: n for k, n in session.execute(stmt)}
    clusters = cluster_keys(counts)
    out = []
    for cluster in sorted(clusters, key=lambda c: -sum(counts[k] for k in c))[:limit]:
        names = [display_name(session, k) for k in cluster]
        out.append(BusinessFigures(cluster[0], names[0], sum(counts[k] for k in cluster),
                                   names))
    return out


def display_name(session: Session, key: str) -> str:
    """The name as a consumer typed it, for a normalised key."""
    return session.scalar(select(Case.business_name).where(Case.business_key == key)
                          .order_by(Case.id.desc()).limit(1)) or key


def percentile(histogram: Mapping[int, int], p: float) -> float | None:
    """``percentile_cont(p)`` over values given as value -> how many times it occurs."""
    n = sum(histogram.values())
    if n == 0:
        return None
    position = p * (n - 1)
    lower_rank, upper_rank = math.floor(position), math.ceil(position)
    lower = upper = None
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if lower is None and seen > lower_rank:
            lower = value
        if seen > upper_rank:
            upper = value
            break
    assert lower is not None
    assert upper is not None
    return lower + (upper - lower) * (position - lower_rank)


def _merge(histograms: Iterable[Mapping[int, int]]) -> dict[int, int]:
    total: dict[int, int] = defaultdict(int)
    for h in histograms:
        for k, v in h.items():
            total[k] += v
    return total


def dashboard(session: Session, f: StatsFilter, now: datetime | None = None, *,
              timed: bool = False) -> Dashboard:
    """Every figure of the dashboard for one filter; ``timed`` records each query's time."""
    import time as _time

    now = now or datetime.now(UTC)
    timings: dict[str, float] = {}
    prefer_covering_index(session)

    def run(name: str, fn: Any, *args: Any) -> Any:
        started = _time.perf_counter()
        result = fn(session, f, *args)
        if timed:
            timings[name] = round((_time.perf_counter() - started) * 1000, 1)
        return result

    bodies: dict[str | None, BodyFigures] = {}
    by_state_type: dict[str, int] = {t.value: 0 for t in StateType}
    for row in run("bodies", body_rows, now):
        b = bodies.setdefault(row.agency_id, BodyFigures(row.agency_id))
        b.cases += row.cases
        b.by_state_type[state_type_of(row.state)] += row.cases
        by_state_type[state_type_of(row.state)] += row.cases
        for name in ("transferred_in", "with_deadline", "closed_on_time", "closed_late",
                     "open_overdue"):
            setattr(b, name, getattr(b, name) + int(getattr(row, name) or 0))
    for agency, n in run("transfers_out", transfers_out).items():
        bodies.setdefault(agency, BodyFigures(agency)).transferred_out = n
    histograms = run("resolution", resolution_histograms)
    for agency, h in histograms.items():
        b = bodies.setdefault(agency, BodyFigures(agency))
        b.resolved = sum(h.values())
        b.median_days, b.p90_days = percentile(h, 0.5), percentile(h, 0.9)
    everything = _merge(histograms.values())
    by_field: dict[str | None, int] = defaultdict(int)
    for b in bodies.values():
        by_field[field_of(b.agency_id)] += b.cases
    return Dashboard(
        filter=f,
        total=sum(b.cases for b in bodies.values()),
        by_body=sorted(bodies.values(), key=lambda b: (-b.cases, b.agency_id or "")),
        by_field=dict(sorted(by_field.items(), key=lambda kv: -kv[1])),
        by_state_type=by_state_type,
        by_region=_sorted(run("regions", count_by, Case.region)),
        by_channel=_sorted(run("channels", count_by, Case.channel)),
        by_month=run("months", month_counts),
        backlog=run("backlog", backlog, now),
        outcomes=run("outcomes", outcome_rows),
        businesses=run("businesses", top_businesses),
        median_days=percentile(everything, 0.5),
        p90_days=percentile(everything, 0.9),
        timings_ms=timings,
    )


def _sorted(counts: dict[Any, int]) -> dict[Any, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or "")))

