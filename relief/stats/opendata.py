"""The public, anonymised open data: how many cases, by the fields the public may see.

In the spirit of the US CFPB complaint database, with the fields
``month`` (filed, Korean calendar), ``body``, ``field``, ``product``, ``issue`` (what
the consumer asked for: refund, repair, …), ``region``, ``channel``, ``outcome`` and
``timeliness`` (closed within the statutory deadline or not). Nothing else about a
case is published, and never a case itself: a row is a combination of field values
and the number of cases it describes.

Suppression, so that no published figure describes fewer than ``K`` (5) cases:

1. *primary*: a combination with fewer than K cases is not published;
2. *complementary*: for every published table and every field, the cases hidden in
   the rows that differ only in that field total 0 or at least K — otherwise the
   smallest published rows there are hidden too, until they do. Without it, the
   hidden count could be recovered by subtracting the published rows from a
   coarser table (a view with fewer fields); with it, every coarser total minus
   what is published is 0 or at least K.

Only complete months are published (up to the end of the previous Korean month),
so the figures do not move from one day to the next.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from agencies import load_registry
from relief.cases.models import Case
from relief.cases.states import STATE_TYPE, StateType
from relief.privacy.masking import mask_personal_data
from relief.stats.queries import KST, kst_midnight

K = 5
DIMENSIONS = ("month", "body", "field", "product", "issue", "region", "channel", "outcome",
              "timeliness")
TIMELINESS = ("timely", "late", "pending", "no_deadline")
PRODUCT_MAX = 100
_CLOSED = [s.value for s, t in STATE_TYPE.items() if t is StateType.CLOSED]
_SPACES = re.compile(r"\s+")


class OpenDataError(ValueError):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class OpenDataTable:
    dimensions: tuple[str, ...]
    until: date  # first day not included
    rows: list[tuple[tuple[str, ...], int]]  # published: values in ``dimensions`` order, cases
    suppressed_rows: int

    @property
    def published_cases(self) -> int:
        return sum(n for _, n in self.rows)

    def as_dicts(self, rows: Iterable[tuple[tuple[str, ...], int]] | None = None
                 ) -> Iterator[dict[str, Any]]:
        for values, n in (self.rows if rows is None else rows):
            yield {**dict(zip(self.dimensions, values, strict=True)), "cases": n}

    def filtered(self, filters: Mapping[str, str]) -> list[tuple[tuple[str, ...], int]]:
        """Published rows whose values equal the filters (a subset: nothing new is shown)."""
        where = [(self.dimensions.index(d), v) for d, v in filters.items()]
        return [r for r in self.rows if all(r[0][i] == v for i, v in where)]


def parse_dimensions(raw: str | None) -> tuple[str, ...]:
    """'month,body' -> ('month', 'body') in canonical order; raises ``OpenDataError``."""
    if not raw:
        return DIMENSIONS
    asked = [d.strip() for d in raw.split(",") if d.strip()]
    unknown = [d for d in asked if d not in DIMENSIONS]
    if unknown or not asked:
        raise OpenDataError({"fields": "unknown field(s): " + ", ".join(unknown)
                             if unknown else "no field given"})
    return tuple(d for d in DIMENSIONS if d in asked)


def publication_cutoff(now: datetime | None = None) -> date:
    """The first day of the current Korean month: the data ends the day before."""
    today = (now or datetime.now(UTC)).astimezone(KST).date()
    return today.replace(day=1)


def _month(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Seoul", Case.created_at), "YYYY-MM")
    return func.strftime("%Y-%m", Case.created_at, "+9 hours")


def _timeliness(now: datetime) -> Any:
    closed = Case.closed_at.is_not(None)
    return case(
        (Case.due_at.is_(None), literal("no_deadline")),
        (and_(closed, Case.closed_at <= Case.due_at), literal("timely")),
        (closed, literal("late")),
        (and_(Case.due_at < now, Case.paused_since.is_(None)), literal("late")),
        else_=literal("pending"))


def _outcome() -> Any:
    return case((Case.outcome.is_not(None), Case.outcome),
                (Case.state.in_(_CLOSED), literal("closed")), else_=literal("in_progress"))


def clean_product(text: str | None) -> str:
    """Typed by consumers: normalised, masked and shortened; rare ones are suppressed."""
    if not text:
        return ""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return mask_personal_data(text)[0][:PRODUCT_MAX]


def counts(session: Session, dims: tuple[str, ...], until: date,
           now: datetime | None = None) -> dict[tuple[str, ...], int]:
    """Cases filed before ``until`` per combination of ``dims`` (before suppression)."""
    now = now or datetime.now(UTC)
    registry = load_registry()
    columns: dict[str, Any] = {}
    if "month" in dims:
        columns["month"] = _month(session)
    if "body" in dims or "field" in dims:
        columns["agency"] = Case.agency_id
    if "product" in dims:
        columns["product"] = Case.product
    for dim, column in (("issue", Case.wish), ("region", Case.region),
                        ("channel", Case.channel)):
        if dim in dims:
            columns[dim] = column
    if "outcome" in dims:
        columns["outcome"] = _outcome()
    if "timeliness" in dims:
        columns["timeliness"] = _timeliness(now)
    labelled = [c.label(name) for name, c in columns.items()]
    stmt = select(*labelled, func.count().label("n")).where(
        Case.created_at < kst_midnight(until))
    if labelled:
        stmt = stmt.group_by(*labelled)
    fields = {b.id: b.field for b in registry}
    out: dict[tuple[str, ...], int] = defaultdict(int)
    for row in session.execute(stmt):
        m = row._mapping
        values = []
        for dim in dims:
            if dim == "body":
                values.append(m["agency"] or "")
            elif dim == "field":
                values.append(fields.get(m["agency"], ""))
            elif dim == "product":
                values.append(clean_product(m["product"]))
            else:
                values.append(m[dim] or "")
        out[tuple(values)] += m["n"]
    return dict(out)


def suppress(table: Mapping[tuple[str, ...], int], k: int = K) -> set[tuple[str, ...]]:
    """The combinations not to publish (see the module docstring for the two rules)."""
    hidden = {c for c, n in table.items() if n < k}
    if not hidden or not table:
        return hidden
    width = len(next(iter(table)))
    # The rows that differ only in field d, for every d; fixed, so built once.
    groups: list[dict[tuple[str, ...], list[tuple[str, ...]]]] = []
    for d in range(width):
        by_rest: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
        for c in table:
            by_rest[c[:d] + c[d + 1:]].append(c)
        groups.append(by_rest)
    todo = {(d, c[:d] + c[d + 1:]) for c in hidden for d in range(width)}
    while todo:
        d, rest = todo.pop()
        members = groups[d][rest]
        total = sum(table[c] for c in members if c in hidden)
        if not 0 < total < k:
            continue
        for c in sorted((c for c in members if c not in hidden), key=lambda c: (table[c], c)):
            hidden.add(c)
            total += table[c]
            todo.update((e, c[:e] + c[e + 1:]) for e in range(width) if e != d)
            if total >= k:
                break
    return hidden


def build_table(session: Session, dims: tuple[str, ...], *, until: date | None = None,
                now: datetime | None = None, k: int = K) -> OpenDataTable:
    until = until or publication_cutoff(now)
    raw = counts(session, dims, until, now)
    hidden = suppress(raw, k)
    rows = sorted(((c, n) for c, n in raw.items() if c not in hidden),
                  key=lambda r: r[0])
    return OpenDataTable(dims, until, rows, len(hidden))


def check_filters(dims: tuple[str, ...], args: Mapping[str, str]) -> dict[str, str]:
    """Equality filters on the fields in the table; raises ``OpenDataError`` otherwise."""
    out, errors = {}, {}
    for dim in DIMENSIONS:
        value = (args.get(dim) or "").strip()
        if not value:
            continue
        if dim not in dims:
            errors[dim] = "can only filter on a field in the table"
        else:
            out[dim] = value
    if errors:
        raise OpenDataError(errors)
    return out


def body_names(lang: str) -> dict[str, str]:
    return {b.id: b.name.get(lang) for b in load_registry()}
