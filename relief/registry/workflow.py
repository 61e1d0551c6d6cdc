"""Registry rules on the web side: an admin edits a body with a reason; edits export back.

The data files in ``agencies/`` are the source of truth; the database mirror lets an
admin correct a hotline or a lexicon at once, with who, when and why recorded, and
``export_bodies`` writes the mirror back to the files for review and commit.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies import load_registry
from agencies.loader import write_body
from agencies.schema import check_body
from relief.accounts.models import Role, User
from relief.audit.models import record
from relief.registry.models import Agency, AgencyChange
from relief.registry.sync import apply_body, body_hash

ROUTING_CATEGORIES = ("terms", "products", "businesses", "colloquial", "exclusions")
REASON_MIN = 5


class RegistryEditError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def edit_body(session: Session, agency: Agency, changes: dict[str, Any], *, actor: User,
              reason: str) -> AgencyChange:
    """Apply ``changes`` (a partial body: top-level keys replace) to the mirror.

    Raises ``PermissionError`` for non-admins, ``RegistryEditError`` with the problems
    in words when the reason is missing or the edited body would not validate.
    """
    if not actor.has_role(Role.ADMIN):
        raise PermissionError("only admins edit the registry")
    if len(reason.strip()) < REASON_MIN:
        raise RegistryEditError(["reason_required"])
    before = copy.deepcopy(agency.data)
    after = copy.deepcopy(agency.data)
    for key, value in changes.items():
        after[key] = value
    registry = load_registry()
    problems = check_body(after, tuple(registry.fields))
    if problems:
        raise RegistryEditError(problems)
    if after == before:
        raise RegistryEditError(["no_change"])
    apply_body(agency, after, body_hash(after))
    change = AgencyChange(agency_id=agency.id, actor_id=actor.id, source="admin",
                          reason=reason.strip(), before=before, after=after)
    session.add(change)
    record(session, actor_id=actor.id, action="registry.edit", target_type="agency",
           target_id=agency.id, reason=reason.strip(),
           keys=sorted(k for k in after if after.get(k) != before.get(k)))
    return change


def bodies_differing_from_files(session: Session) -> list[Agency]:
    registry = load_registry()
    out = []
    for agency in session.scalars(select(Agency).order_by(Agency.id)):
        if agency.id not in registry or body_hash(registry.to_dict(agency.id)) != \
                agency.data_sha256:
            out.append(agency)
    return out


def export_bodies(session: Session, bodies_dir: Path | None = None) -> list[Path]:
    """Write every mirrored body that differs from its data file back to the file."""
    registry = load_registry()
    target = bodies_dir or registry.path / "bodies"
    written = []
    for agency in bodies_differing_from_files(session):
        written.append(write_body(agency.data, target / f"{agency.id}.json",
                                  registry=registry))
    return written


def lines(value: list[str] | tuple[str, ...]) -> str:
    return "\n".join(value)


def parse_lines(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for line in text.splitlines():
        item = line.strip()
        if item:
            seen.setdefault(item, None)
    return list(seen)
