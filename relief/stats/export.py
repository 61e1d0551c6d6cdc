"""Exports of the filtered cases for supervisors: CSV and XLSX, streamed, masked.

Personal data never leaves: the consumer is a pseudonymous id (a keyed hash of the
account, stable between exports so repeat complainants can be counted, not
reversible without the server's key), with no name or e-mail; free text, product
and business go through ``mask_personal_data`` again. Every text cell that a
spreadsheet would run as a formula (starting with ``= + - @``, a tab or a carriage
return, leading spaces ignored) gets a leading apostrophe.

Rows come from a server-side cursor in batches and leave as they are written, so
memory stays flat however many cases there are. XLSX is written by openpyxl in
write-only mode to a temporary file that is streamed out and removed.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies import load_registry
from relief.cases.models import Case
from relief.cases.states import STATE_TYPE
from relief.privacy.masking import mask_personal_data
from relief.stats.queries import KST, StatsFilter

BATCH = 5_000
CSV_CHUNK_ROWS = 2_000
XLSX_MAX_ROWS = 1_048_576  # per sheet, header included
# An .xlsx is built whole before its first byte goes out (about 4 s per 20,000 rows on
# two cores), so a bigger one would outlast the server's request timeout and reach the
# supervisor cut off; CSV streams any size.
XLSX_EXPORT_LIMIT = 100_000
XLSX_MAX_CELL = 32_767
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DIGIT = re.compile(r"\d")
_KST_OFFSET = timedelta(hours=9)

COLUMNS = ("case_number", "filed_at", "accepted_at", "due_at", "closed_at", "body",
           "body_name", "field", "state", "state_type", "region", "channel", "product",
           "business", "amount_krw", "outcome", "outcome_amount_krw", "transfers",
           "collective_group", "consumer", "language", "text")

_SELECTED = (Case.id, Case.created_at, Case.accepted_at, Case.due_at, Case.closed_at,
             Case.agency_id, Case.state, Case.region, Case.channel, Case.product,
             Case.business_name, Case.amount_krw, Case.outcome, Case.outcome_amount_krw,
             Case.transfer_count, Case.collective_group_id, Case.consumer_id, Case.lang,
             Case.text)


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def masked_text(text: str | None) -> str:
    """Free text with personal data masked and formula starts made inert.

    Every kind the masker finds holds a digit or an '@'; text with neither (most short
    complaints) is returned as it is without running the five patterns.
    """
    if not text:
        return ""
    if "@" in text or _DIGIT.search(text):
        text = mask_personal_data(text)[0]
    return neutralise(text)


# Product and business names repeat from case to case: mask each once.
_masked_name = lru_cache(maxsize=100_000)(masked_text)


@dataclass(frozen=True)
class Pseudonymiser:
    """Consumer ids to stable pseudonyms under a key only the server has."""

    key: bytes

    def __post_init__(self) -> None:
        # One HMAC per consumer, not per row: repeat complainants are common.
        object.__setattr__(self, "of", lru_cache(maxsize=200_000)(self._of))

    def _of(self, consumer_id: int) -> str:
        digest = hmac.new(self.key, f"consumer:{consumer_id}".encode(), hashlib.sha256)
        return "C-" + digest.hexdigest()[:12]


def _time(value: datetime | None) -> str:
    # Korean time to the minute. Korea keeps no summer time, so a fixed offset is exact
    # and three times faster than a zone lookup per cell.
    return (value + _KST_OFFSET).isoformat(sep=" ", timespec="minutes")[:16] if value else ""


def count_cases(session: Session, f: StatsFilter) -> int:
    """How many cases the filter selects (what an export would hold)."""
    return session.scalar(select(func.count()).select_from(Case).where(*f.conditions())) or 0


def case_rows(session: Session, f: StatsFilter, *, secret_key: str, lang: str = "ko"
              ) -> Iterator[tuple[Any, ...]]:
    """The filtered cases as export rows, masked and neutralised, oldest first.

    Core rows from a server-side cursor (no ORM objects): an export of every case
    holds one batch in memory, never the whole result.
    """
    registry = load_registry()
    names = {b.id: b.name.get(lang) for b in registry}
    fields = {b.id: b.field for b in registry}
    state_types = {s.value: t.value for s, t in STATE_TYPE.items()}
    pseudonym = Pseudonymiser(hashlib.sha256(("export:" + secret_key).encode()).digest()).of
    stmt = select(*_SELECTED).where(*f.conditions()).order_by(Case.created_at, Case.id)
    result = session.connection().execute(stmt.execution_options(yield_per=BATCH))
    for (case_id, filed, accepted, due, closed, agency, state, region, channel, product,
         business, amount, outcome, outcome_amount, transfers, group, consumer, language,
         text) in result:
        yield (
            f"R{filed.year}-{case_id:07d}",  # as Case.number gives it
            _time(filed), _time(accepted), _time(due), _time(closed), agency or "",
            names.get(agency, ""), fields.get(agency, ""), state, state_types.get(state, ""),
            region or "", channel or "", _masked_name(product), _masked_name(business),
            amount, outcome or "", outcome_amount, transfers, group, pseudonym(consumer),
            language, masked_text(text),
        )


def csv_stream(rows: Iterator[tuple[Any, ...]]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Korean right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= CSV_CHUNK_ROWS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


def write_xlsx(rows: Iterator[tuple[Any, ...]], path: Path) -> int:
    """Write the rows to ``path`` in write-only mode; returns the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook(write_only=True)
    sheet, written, count, part = None, XLSX_MAX_ROWS, 0, 0
    for row in rows:
        if written >= XLSX_MAX_ROWS:  # a sheet is full: go on in the next one
            part += 1
            sheet = wb.create_sheet("cases" if part == 1 else f"cases {part}")
            sheet.append(COLUMNS)
            written = 1
        assert sheet is not None
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v)[:XLSX_MAX_CELL] if isinstance(v, str)
                      else v for v in row])
        written += 1
        count += 1
    if sheet is None:
        wb.create_sheet("cases").append(COLUMNS)
    wb.save(path)
    return count


def xlsx_stream(rows: Iterator[tuple[Any, ...]], tmp_dir: Path | None = None,
                chunk: int = 256 * 1024) -> Iterator[bytes]:
    """Build the workbook in a temporary file, then stream it and remove it."""
    fd, name = tempfile.mkstemp(suffix=".xlsx", dir=tmp_dir)
    os.close(fd)
    path = Path(name)
    try:
        write_xlsx(rows, path)
        with path.open("rb") as f:
            while data := f.read(chunk):
                yield data
    finally:
        path.unlink(missing_ok=True)


def export_filename(f: StatsFilter, extension: str, now: datetime) -> str:
    parts = ["relief-cases", now.astimezone(KST).strftime("%Y%m%d")]
    if f.agency_id:
        parts.append(f.agency_id)
    return "-".join(parts) + "." + extension

