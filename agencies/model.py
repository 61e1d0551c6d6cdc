"""The registry as immutable objects. Built by `agencies.loader`, never by hand."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agencies.text import term_in_text

LANGS = ("ko", "en")
KINDS = ("relief", "report", "referral")
VERIFIED = ("yes", "partly", "no")
DAY_TYPES = ("calendar", "business")
# Positive evidence first; exclusions are words that show a matter is NOT the body's.
POSITIVE_CATEGORIES = ("terms", "products", "businesses", "colloquial")
ROUTING_CATEGORIES = (*POSITIVE_CATEGORIES, "exclusions")


@dataclass(frozen=True, slots=True)
class Localized:
    ko: str
    en: str

    def get(self, lang: str) -> str:
        """Korean for any "ko*" locale, English for everything else."""
        return self.ko if lang.lower().startswith("ko") else self.en

    def to_dict(self) -> dict[str, str]:
        return {"ko": self.ko, "en": self.en}


@dataclass(frozen=True, slots=True)
class TermList:
    """One routing category in both languages."""

    ko: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def get(self, lang: str) -> tuple[str, ...]:
        return self.ko if lang.lower().startswith("ko") else self.en

    def to_dict(self) -> dict[str, list[str]]:
        return {"ko": list(self.ko), "en": list(self.en)}


@dataclass(frozen=True, slots=True)
class Routing:
    terms: TermList
    products: TermList
    businesses: TermList
    colloquial: TermList
    exclusions: TermList

    def category(self, name: str) -> TermList:
        if name not in ROUTING_CATEGORIES:
            raise KeyError(f"no routing category {name!r}")
        return getattr(self, name)

    def all_terms(
        self, lang: str | None = None, *, include_exclusions: bool = False
    ) -> Iterator[tuple[str, str]]:
        """Yield (category, term) for the positive categories, in file order.

        `lang=None` yields both languages; exclusions only when asked for, because a
        router that treats them as evidence *for* the body gets the sign wrong.
        """
        categories = ROUTING_CATEGORIES if include_exclusions else POSITIVE_CATEGORIES
        langs = LANGS if lang is None else (("ko",) if lang.lower().startswith("ko") else ("en",))
        for name in categories:
            terms = self.category(name)
            for code in langs:
                for term in terms.get(code):
                    yield name, term

    def to_dict(self) -> dict[str, Any]:
        return {name: self.category(name).to_dict() for name in ROUTING_CATEGORIES}


@dataclass(frozen=True, slots=True)
class Deadline:
    """Statutory processing limit. `days is None` means not established: never guess."""

    days: int | None
    day_type: str | None
    pauses_while_awaiting_consumer: bool
    extension: Localized | None
    basis: Localized | None

    @property
    def is_known(self) -> bool:
        return self.days is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "day_type": self.day_type,
            "pauses_while_awaiting_consumer": self.pauses_while_awaiting_consumer,
            "extension": _opt(self.extension),
            "basis": _opt(self.basis),
        }


@dataclass(frozen=True, slots=True)
class NextStep:
    """What the consumer can do next if unsatisfied with this body's outcome."""

    body: str
    within_days: int | None
    text: Localized

    def to_dict(self) -> dict[str, Any]:
        return {"body": self.body, "within_days": self.within_days, **self.text.to_dict()}


@dataclass(frozen=True, slots=True)
class Letter:
    signatory: Localized
    next_steps: tuple[NextStep, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "signatory": self.signatory.to_dict(),
            "next_steps": [step.to_dict() for step in self.next_steps],
        }


@dataclass(frozen=True, slots=True)
class Body:
    id: str
    kind: str
    field: str
    name: Localized
    short_name: Localized
    parent_org: Localized
    legal_basis: Localized
    hotline: str | None
    website: str | None
    address: Localized | None
    deadline: Deadline
    handles: Localized
    does_not_handle: Localized
    referral_note: Localized | None
    verified: str
    routing: Routing
    letter: Letter

    @property
    def is_case_body(self) -> bool:
        """A case can be opened here; referral bodies are only named and explained."""
        return self.kind != "referral"

    def to_dict(self) -> dict[str, Any]:
        """The data-file shape, keys in file order (round-trips byte for byte)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "field": self.field,
            "name": self.name.to_dict(),
            "short_name": self.short_name.to_dict(),
            "parent_org": self.parent_org.to_dict(),
            "legal_basis": self.legal_basis.to_dict(),
            "hotline": self.hotline,
            "website": self.website,
            "address": _opt(self.address),
            "deadline": self.deadline.to_dict(),
            "handles": self.handles.to_dict(),
            "does_not_handle": self.does_not_handle.to_dict(),
            "referral_note": _opt(self.referral_note),
            "verified": self.verified,
            "routing": self.routing.to_dict(),
            "letter": self.letter.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class FactConditions:
    """Conditions on optional facts given beside the text (see classifier predict).

    A rule with fact conditions only applies when those facts are given: an unknown
    amount is not "at most 100 million won".
    """

    amount_min: int | None = None
    amount_max: int | None = None
    channel: tuple[str, ...] | None = None
    region: tuple[str, ...] | None = None
    business: tuple[str, ...] | None = None

    def matches(self, facts: Mapping[str, Any] | None) -> bool:
        facts = facts or {}
        if self.amount_min is not None or self.amount_max is not None:
            amount = facts.get("amount_krw")
            if not isinstance(amount, int | float) or isinstance(amount, bool):
                return False
            if self.amount_min is not None and amount < self.amount_min:
                return False
            if self.amount_max is not None and amount > self.amount_max:
                return False
        for name in ("channel", "region", "business"):
            wanted = getattr(self, name)
            if wanted is not None and facts.get(name) not in wanted:
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.amount_min is not None or self.amount_max is not None:
            amount: dict[str, int] = {}
            if self.amount_min is not None:
                amount["min"] = self.amount_min
            if self.amount_max is not None:
                amount["max"] = self.amount_max
            out["amount_krw"] = amount
        for name in ("channel", "region", "business"):
            values = getattr(self, name)
            if values is not None:
                out[name] = list(values)
        return out


@dataclass(frozen=True, slots=True)
class PrecedenceRule:
    """Prefer one body over others when the text (and facts) show a known subtlety."""

    id: str
    prefer: str
    over: tuple[str, ...]
    when_all: tuple[tuple[str, ...], ...]
    unless_any: tuple[str, ...]
    facts: FactConditions | None
    reason: Localized

    def matched_terms(self, text: str) -> tuple[str, ...] | None:
        """The first matching term of each `when_all` group, or None if a group fails."""
        found = []
        for group in self.when_all:
            hit = next((term for term in group if term_in_text(term, text)), None)
            if hit is None:
                return None
            found.append(hit)
        return tuple(found)

    def applies(self, text: str, facts: Mapping[str, Any] | None = None) -> bool:
        """Plain spacing-insensitive matching; the classifier may match more cleverly."""
        if self.matched_terms(text) is None:
            return False
        if any(term_in_text(term, text) for term in self.unless_any):
            return False
        return self.facts is None or self.facts.matches(facts)


@dataclass(frozen=True, eq=False)
class Registry:
    """All bodies and rules. Compared by identity so it can key per-registry caches."""

    bodies: tuple[Body, ...]
    rules: tuple[PrecedenceRule, ...]
    fields: Mapping[str, Localized]
    path: Path
    _by_id: dict[str, Body] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {body.id: body for body in self.bodies})

    def get(self, body_id: str) -> Body:
        """The body with this id; raises KeyError naming the id if there is none."""
        try:
            return self._by_id[body_id]
        except KeyError:
            raise KeyError(f"no relief body with id {body_id!r}") from None

    def __contains__(self, body_id: object) -> bool:
        return body_id in self._by_id

    def __iter__(self) -> Iterator[Body]:
        return iter(self.bodies)

    def __len__(self) -> int:
        return len(self.bodies)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._by_id))

    @property
    def case_bodies(self) -> tuple[Body, ...]:
        return tuple(body for body in self.bodies if body.is_case_body)

    @property
    def referrals(self) -> tuple[Body, ...]:
        return tuple(body for body in self.bodies if not body.is_case_body)

    def by_field(self) -> dict[str, tuple[Body, ...]]:
        """Bodies grouped by field, fields in the order of fields.json."""
        grouped: dict[str, list[Body]] = {name: [] for name in self.fields}
        for body in self.bodies:
            grouped.setdefault(body.field, []).append(body)
        return {name: tuple(bodies) for name, bodies in grouped.items() if bodies}

    def rules_for(self, body_id: str) -> tuple[PrecedenceRule, ...]:
        """Rules that prefer this body or rank it below another."""
        return tuple(r for r in self.rules if r.prefer == body_id or body_id in r.over)

    def to_dict(self, body_id: str) -> dict[str, Any]:
        return self.get(body_id).to_dict()


def _opt(value: Localized | None) -> dict[str, str] | None:
    return None if value is None else value.to_dict()
