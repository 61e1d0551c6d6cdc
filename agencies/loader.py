"""Read, validate and write the registry data files.

Layout of a registry directory (the `agencies/` package itself by default):

    bodies/<id>.json   one file per relief body
    rules.json         precedence rules, a list
    fields.json        allowed `field` values with their labels

Loading validates everything and refuses a registry with problems; `validate` lists
them for `python -m agencies check` and the admin UI.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agencies.model import (
    LANGS,
    ROUTING_CATEGORIES,
    Body,
    Deadline,
    FactConditions,
    Letter,
    Localized,
    NextStep,
    PrecedenceRule,
    Registry,
    Routing,
    TermList,
)
from agencies.schema import BODY_KEYS, check_body, check_rule

DEFAULT_PATH = Path(__file__).resolve().parent
# The shared reference table sits beside the project: <root>/../shared/reference.
REFERENCE_CSV = Path("..", "shared", "reference", "relief-bodies.csv")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the registry. `body` is the body or rule id, or None."""

    file: str
    body: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.body or '-'}: {self.message}"


class RegistryError(Exception):
    """The registry data does not validate; `problems` says what is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"the agency registry has {len(problems)} problem(s):\n{lines}")


def load_registry(path: Path | None = None) -> Registry:
    """The registry at `path` (default: the packaged one), loaded once per path.

    Raises RegistryError listing every problem if the data does not validate.
    """
    return _load_cached(_resolve(path))


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path) -> Registry:
    raw = _read_all(path)
    problems = _problems(path, raw)
    if problems:
        raise RegistryError(problems)
    fields = {name: _localized(label) for name, label in raw.fields.items()}
    bodies = tuple(_body(data) for _, data in sorted(raw.bodies.items()))
    rules = tuple(_rule(data) for data in raw.rules)
    return Registry(bodies=bodies, rules=rules, fields=fields, path=path)


def clear_registry_cache() -> None:
    """Forget loaded registries (after data files changed on disk)."""
    _load_cached.cache_clear()


def validate(path: Path | None = None) -> list[Problem]:
    """Every problem with the registry at `path`, in words; empty when it is sound."""
    path = _resolve(path)
    return _problems(path, _read_all(path))


def dump_body(body: Mapping[str, Any]) -> str:
    """A body in data-file format: keys in schema order, 2-space indent, real Hangul."""
    return json.dumps(_ordered_body(body), ensure_ascii=False, indent=2) + "\n"


def write_body(body: Mapping[str, Any], path: Path, *, registry: Registry | None = None) -> Path:
    """Write one body to its data file `path` (…/bodies/<id>.json) atomically.

    Checks the body's shape first, and its field and next-step references against
    `registry` when given (otherwise against the fields.json beside the file).
    Raises RegistryError instead of writing a body that would not load. Clears the
    load cache so the next `load_registry` sees the change.
    """
    path = Path(path)
    if registry is not None:
        fields: tuple[str, ...] | None = tuple(registry.fields)
        known_ids: set[str] | None = set(registry.ids)
    else:
        fields_file = path.parent.parent / "fields.json"
        fields = tuple(_read_json(fields_file)) if fields_file.is_file() else None
        known_ids = None
    rel = path.name
    problems = [Problem(rel, _id_of(body), m) for m in check_body(body, fields)]
    if isinstance(body, Mapping) and body.get("id") != path.stem:
        problems.append(Problem(rel, _id_of(body), f"id should match the file name {path.stem!r}"))
    if known_ids is not None and not problems:
        known_ids.add(str(body["id"]))
        problems += _dangling_steps(rel, body, known_ids)
    if problems:
        raise RegistryError(problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dump_body(body)
    # Write beside the target and rename, so a reader never sees half a file.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _load_cached.cache_clear()
    return path


# --- reading -----------------------------------------------------------------


@dataclass
class _Raw:
    bodies: dict[str, Any]  # file stem -> parsed JSON (None if unreadable)
    rules: list[Any]
    fields: dict[str, Any]
    read_problems: list[Problem]


def _resolve(path: Path | None) -> Path:
    return (DEFAULT_PATH if path is None else Path(path)).resolve()


def _read_json(file: Path) -> Any:
    with file.open(encoding="utf-8") as handle:
        return json.load(handle)


def _read_all(path: Path) -> _Raw:
    problems: list[Problem] = []
    bodies: dict[str, Any] = {}
    body_dir = path / "bodies"
    if not body_dir.is_dir():
        problems.append(Problem("bodies/", None, f"no bodies directory in {path}"))
    else:
        for file in sorted(body_dir.glob("*.json")):
            try:
                bodies[file.stem] = _read_json(file)
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                bodies[file.stem] = None
                problems.append(Problem(f"bodies/{file.name}", file.stem, f"unreadable: {exc}"))
    rules: list[Any] = []
    try:
        loaded = _read_json(path / "rules.json")
        if isinstance(loaded, list):
            rules = loaded
        else:
            problems.append(Problem("rules.json", None, "should be a list of rules"))
    except FileNotFoundError:
        problems.append(Problem("rules.json", None, "missing; write [] if there are no rules"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(Problem("rules.json", None, f"unreadable: {exc}"))
    fields: dict[str, Any] = {}
    try:
        loaded = _read_json(path / "fields.json")
        if isinstance(loaded, dict):
            fields = loaded
        else:
            problems.append(Problem("fields.json", None, "should be an object of field labels"))
    except FileNotFoundError:
        problems.append(Problem("fields.json", None, "missing; it lists the allowed fields"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(Problem("fields.json", None, f"unreadable: {exc}"))
    return _Raw(bodies, rules, fields, problems)


# --- validation --------------------------------------------------------------


def _problems(path: Path, raw: _Raw) -> list[Problem]:
    problems = list(raw.read_problems)
    for name, label in raw.fields.items():
        if not isinstance(label, dict) or set(label) != set(LANGS):
            problems.append(Problem("fields.json", name, 'label should be {"ko": ..., "en": ...}'))
    fields = tuple(raw.fields)

    declared: dict[str, list[str]] = {}  # body id -> files that declare it
    valid: dict[str, dict[str, Any]] = {}
    for stem, data in raw.bodies.items():
        if data is None:
            continue
        file = f"bodies/{stem}.json"
        body_id = _id_of(data) or stem
        messages = check_body(data, fields)
        problems += [Problem(file, body_id, m) for m in messages]
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        if data["id"] != stem:
            message = f"id {data['id']!r} should match the file name {stem!r}"
            problems.append(Problem(file, body_id, message))
        declared.setdefault(data["id"], []).append(file)
        if not messages:
            valid[stem] = data

    for body_id, files in declared.items():
        for file in files if len(files) > 1 else ():
            others = ", ".join(f for f in files if f != file)
            problems.append(Problem(file, body_id, f"duplicate id, also declared in {others}"))
    ids = set(declared)

    for stem, data in valid.items():
        problems += _dangling_steps(f"bodies/{stem}.json", data, ids)

    rule_ids: set[str] = set()
    for i, rule in enumerate(raw.rules):
        rule_id = _id_of(rule) or f"rule #{i + 1}"
        problems += [Problem("rules.json", rule_id, m) for m in check_rule(rule)]
        if not isinstance(rule, dict):
            continue
        if rule_id in rule_ids:
            problems.append(Problem("rules.json", rule_id, "duplicate rule id"))
        rule_ids.add(rule_id)
        targets = [rule.get("prefer")]
        if isinstance(rule.get("over"), list):
            targets += rule["over"]
        for target in targets:
            if isinstance(target, str) and target not in ids:
                message = f"refers to unknown body {target!r}"
                problems.append(Problem("rules.json", rule_id, message))

    problems += _missing_reference_ids(path, ids)
    return problems


def _dangling_steps(file: str, body: Mapping[str, Any], known: set[str]) -> list[Problem]:
    out = []
    for i, step in enumerate(body["letter"]["next_steps"]):
        if step["body"] not in known:
            message = f"letter.next_steps[{i}] refers to unknown body {step['body']!r}"
            out.append(Problem(file, body["id"], message))
    return out


def _missing_reference_ids(path: Path, ids: set[str]) -> list[Problem]:
    """Every id of the shared reference table must stay (router output and statistics
    are keyed on them). Skipped silently where the reference is not checked out."""
    reference = path.parent / REFERENCE_CSV
    if not reference.is_file():
        return []
    with reference.open(encoding="utf-8", newline="") as handle:
        wanted = [row["id"] for row in csv.DictReader(handle)]
    return [
        Problem("bodies/", body_id, f"body {body_id!r} of the reference table has no data file")
        for body_id in wanted
        if body_id not in ids
    ]


def _id_of(data: Any) -> str | None:
    if isinstance(data, Mapping) and isinstance(data.get("id"), str):
        return data["id"]
    return None


# --- building objects ------------------------------------------------------------


def _localized(data: Mapping[str, str] | None) -> Localized:
    assert data is not None
    return Localized(ko=data["ko"], en=data["en"])


def _maybe_localized(data: Mapping[str, str] | None) -> Localized | None:
    return None if data is None else _localized(data)


def _body(data: Mapping[str, Any]) -> Body:
    deadline = data["deadline"]
    routing = data["routing"]
    letter = data["letter"]
    return Body(
        id=data["id"],
        kind=data["kind"],
        field=data["field"],
        name=_localized(data["name"]),
        short_name=_localized(data["short_name"]),
        parent_org=_localized(data["parent_org"]),
        legal_basis=_localized(data["legal_basis"]),
        hotline=data["hotline"],
        website=data["website"],
        address=_maybe_localized(data["address"]),
        deadline=Deadline(
            days=deadline["days"],
            day_type=deadline["day_type"],
            pauses_while_awaiting_consumer=deadline["pauses_while_awaiting_consumer"],
            extension=_maybe_localized(deadline["extension"]),
            basis=_maybe_localized(deadline["basis"]),
        ),
        handles=_localized(data["handles"]),
        does_not_handle=_localized(data["does_not_handle"]),
        referral_note=_maybe_localized(data["referral_note"]),
        verified=data["verified"],
        routing=Routing(
            **{
                name: TermList(ko=tuple(routing[name]["ko"]), en=tuple(routing[name]["en"]))
                for name in ROUTING_CATEGORIES
            }
        ),
        letter=Letter(
            signatory=_localized(letter["signatory"]),
            next_steps=tuple(
                NextStep(body=s["body"], within_days=s["within_days"], text=_localized(s))
                for s in letter["next_steps"]
            ),
        ),
    )


def _rule(data: Mapping[str, Any]) -> PrecedenceRule:
    facts = data["facts"]
    conditions = None
    if facts:
        amount = facts.get("amount_krw", {})
        conditions = FactConditions(
            amount_min=amount.get("min"),
            amount_max=amount.get("max"),
            channel=_opt_tuple(facts.get("channel")),
            region=_opt_tuple(facts.get("region")),
            business=_opt_tuple(facts.get("business")),
        )
    return PrecedenceRule(
        id=data["id"],
        prefer=data["prefer"],
        over=tuple(data["over"]),
        when_all=tuple(tuple(group) for group in data["when_all"]),
        unless_any=tuple(data["unless_any"]),
        facts=conditions,
        reason=_localized(data["reason"]),
    )


def _opt_tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def _ordered_body(body: Mapping[str, Any]) -> dict[str, Any]:
    """Schema key order at every level, so files diff cleanly whoever wrote them."""
    out: dict[str, Any] = {key: body[key] for key in BODY_KEYS if key in body}
    out.update({k: v for k, v in body.items() if k not in out})
    for key in ("name", "short_name", "parent_org", "legal_basis", "address", "handles",
                "does_not_handle", "referral_note"):  # fmt: skip
        out[key] = _ordered_lang(out.get(key))
    deadline = out.get("deadline")
    if isinstance(deadline, Mapping):
        order = ("days", "day_type", "pauses_while_awaiting_consumer", "extension", "basis")
        deadline = _ordered(deadline, order)
        for key in ("extension", "basis"):
            if key in deadline:
                deadline[key] = _ordered_lang(deadline[key])
        out["deadline"] = deadline
    routing = out.get("routing")
    if isinstance(routing, Mapping):
        routing = _ordered(routing, ROUTING_CATEGORIES)
        out["routing"] = {k: _ordered_lang(v) for k, v in routing.items()}
    letter = out.get("letter")
    if isinstance(letter, Mapping):
        letter = _ordered(letter, ("signatory", "next_steps"))
        letter["signatory"] = _ordered_lang(letter.get("signatory"))
        if isinstance(letter.get("next_steps"), list):
            letter["next_steps"] = [
                _ordered(s, ("body", "within_days", "ko", "en")) if isinstance(s, Mapping) else s
                for s in letter["next_steps"]
            ]
        out["letter"] = letter
    return {k: v for k, v in out.items() if k in body}


def _ordered(data: Mapping[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    out = {key: data[key] for key in order if key in data}
    out.update({k: v for k, v in data.items() if k not in out})
    return out


def _ordered_lang(value: Any) -> Any:
    return _ordered(value, LANGS) if isinstance(value, Mapping) else value
