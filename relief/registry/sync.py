"""Mirror the registry files into the database: idempotent, dry-run by default."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies import load_registry
from relief.core.db import utcnow
from relief.registry.models import Agency, AgencyChange


def body_hash(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class SyncPlan:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    only_in_database: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed)


def sync_registry(session: Session, *, commit: bool, path: Path | None = None,
                  reason: str = "sync from agencies/ data files") -> SyncPlan:
    """Compare the data files with the mirror; with ``commit`` write the differences.

    Bodies only in the database are reported, never deleted: cases refer to them.
    Does not commit the session; the caller does.
    """
    registry = load_registry(path) if path else load_registry()
    existing = {a.id: a for a in session.scalars(select(Agency))}
    plan = SyncPlan()
    for body in registry.bodies:
        data = registry.to_dict(body.id)
        digest = body_hash(data)
        row = existing.pop(body.id, None)
        if row is not None and row.data_sha256 == digest:
            plan.unchanged.append(body.id)
            continue
        (plan.added if row is None else plan.changed).append(body.id)
        if not commit:
            continue
        before = row.data if row is not None else None
        if row is None:
            row = Agency(id=body.id)
            session.add(row)
        apply_body(row, data, digest)
        session.flush()
        session.add(AgencyChange(agency_id=body.id, source="sync", reason=reason,
                                 before=before, after=data))
    plan.only_in_database = sorted(existing)
    return plan


def apply_body(row: Agency, data: dict[str, Any], digest: str | None = None) -> None:
    row.kind = data["kind"]
    row.field = data["field"]
    row.name_ko = data["name"]["ko"]
    row.name_en = data["name"]["en"]
    row.deadline_days = (data.get("deadline") or {}).get("days")
    row.data = data
    row.data_sha256 = digest or body_hash(data)
    row.updated_at = utcnow()
