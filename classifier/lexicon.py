"""The registry's routing knowledge compiled into match keys.

Every routing term of every body (terms, products, businesses, colloquial phrases,
exclusions, in Korean and English) becomes an `Entry` with a compact key (no spaces,
no punctuation, lower case: "헬스장 환불" -> "헬스장환불") and, for the lemma phrase
matcher, the content lemmas the Kiwi tokenizer gives it ("돈을 안 돌려줘요" ->
돈 안 돌려주다). The compiled lexicon is stored with each trained model, so that
loading a model does not have to run Kiwi over thousands of terms.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from classifier.text import compact_key, is_latin_key

CATEGORIES = ("terms", "products", "businesses", "colloquial", "exclusions")
POSITIVE = CATEGORIES[:-1]


@dataclass(frozen=True, slots=True)
class Entry:
    body: str
    category: str
    term: str
    key: str
    latin: bool
    lemmas: tuple[str, ...]
    # 1 / number of bodies listing the same key: "환불" in twenty lexicons says little.
    specificity: float


@dataclass(frozen=True, slots=True)
class Rule:
    """A registry precedence rule with its terms compiled to keys."""

    id: str
    prefer: str
    over: tuple[str, ...]
    when_all: tuple[tuple[tuple[str, str, bool], ...], ...]  # groups of (term, key, latin)
    unless_any: tuple[tuple[str, str, bool], ...]
    facts: dict[str, Any] | None
    reason: dict[str, str]


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...]
    rules: tuple[Rule, ...]
    bodies: tuple[str, ...]
    referrals: frozenset[str]
    kinds: dict[str, str]
    fingerprint: str

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "bodies": list(self.bodies),
            "referrals": sorted(self.referrals),
            "kinds": self.kinds,
            "entries": [
                [e.body, e.category, e.term, e.key, e.latin, list(e.lemmas), e.specificity]
                for e in self.entries
            ],
            "rules": [
                {
                    "id": r.id,
                    "prefer": r.prefer,
                    "over": list(r.over),
                    "when_all": [[list(t) for t in group] for group in r.when_all],
                    "unless_any": [list(t) for t in r.unless_any],
                    "facts": r.facts,
                    "reason": r.reason,
                }
                for r in self.rules
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lexicon:
        entries = tuple(
            Entry(b, c, t, k, bool(lat), tuple(lem), float(s))
            for b, c, t, k, lat, lem, s in data["entries"]
        )
        rules = tuple(
            Rule(
                id=r["id"],
                prefer=r["prefer"],
                over=tuple(r["over"]),
                when_all=tuple(tuple(tuple(t) for t in g) for g in r["when_all"]),  # type: ignore[misc]
                unless_any=tuple(tuple(t) for t in r["unless_any"]),  # type: ignore[misc]
                facts=r["facts"],
                reason=r["reason"],
            )
            for r in data["rules"]
        )
        return cls(
            entries=entries,
            rules=rules,
            bodies=tuple(data["bodies"]),
            referrals=frozenset(data["referrals"]),
            kinds=dict(data["kinds"]),
            fingerprint=data["fingerprint"],
        )


def _term_spec(term: str) -> tuple[str, str, bool]:
    return (term, compact_key(term), is_latin_key(compact_key(term)))


def registry_fingerprint(registry: Any) -> str:
    """A short hash of the routing knowledge, to tell when a model is stale."""
    payload = {
        "bodies": {b.id: [b.kind, b.routing.to_dict()] for b in registry.bodies},
        "rules": [r.id for r in registry.rules],
    }
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def compile_lexicon(
    registry: Any, content_lemmas: Callable[[str], tuple[str, ...]]
) -> Lexicon:
    """Compile a `agencies.Registry` into match keys (content_lemmas tokenizes a term)."""
    raw: list[tuple[str, str, str]] = []
    for body in registry.bodies:
        for category in CATEGORIES:
            terms = body.routing.category(category)
            for term in (*terms.ko, *terms.en):
                raw.append((body.id, category, term))
    owners: dict[str, set[str]] = defaultdict(set)
    for body_id, category, term in raw:
        if category != "exclusions":
            owners[compact_key(term)].add(body_id)
    entries = []
    seen: set[tuple[str, str, str]] = set()
    for body_id, category, term in raw:
        key = compact_key(term)
        if len(key) < 2 or (body_id, category, key) in seen:
            continue
        seen.add((body_id, category, key))
        specificity = 1.0 / max(1, len(owners.get(key, ()))) if category != "exclusions" else 1.0
        entries.append(
            Entry(body_id, category, term, key, is_latin_key(key), content_lemmas(term),
                  round(specificity, 4))
        )
    rules = tuple(
        Rule(
            id=r.id,
            prefer=r.prefer,
            over=tuple(r.over),
            when_all=tuple(tuple(_term_spec(t) for t in group) for group in r.when_all),
            unless_any=tuple(_term_spec(t) for t in r.unless_any),
            facts=None if r.facts is None else r.facts.to_dict(),
            reason=r.reason.to_dict(),
        )
        for r in registry.rules
    )
    return Lexicon(
        entries=tuple(entries),
        rules=rules,
        bodies=tuple(b.id for b in registry.bodies),
        referrals=frozenset(b.id for b in registry.referrals),
        kinds={b.id: b.kind for b in registry.bodies},
        fingerprint=registry_fingerprint(registry),
    )


def key_weight(key: str) -> float:
    """Longer keys are more specific: "위약금" (3) over "환불" (2)."""
    n = len(key)
    return min(1.0, 0.4 + 0.2 * n) if not is_latin_key(key) else min(1.0, 0.2 + 0.1 * n)
