"""What the router answers. Plain data: importing it pulls in neither spaCy nor Kiwi."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VERDICTS = ("ok", "too_short", "unreadable", "out_of_scope")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a body is in the ranking.

    kind: "term" (a registry term found as written or by lemma), "fuzzy" (a registry
    term found despite a typo), "rule" (a precedence rule fired), "model" (the text
    classifier), "fact" (a fact given beside the text or an amount read from it).
    start/end are character offsets into the text as submitted, or None.
    """

    agency: str
    kind: str
    text: str | None
    start: int | None
    end: int | None
    category: str | None
    rule: str | None
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "category": self.category,
            "rule": self.rule,
            "weight": self.weight,
        }


@dataclass(frozen=True, slots=True)
class RoutingResult:
    """The router's answer for one complaint (see DESIGN.md, Router)."""

    ranking: tuple[tuple[str, float], ...]
    evidence: tuple[Evidence, ...]
    out_of_scope: bool
    referral: str | None
    multiple_matters: bool
    matters: str | None
    confidence: float
    needs_triage: bool
    verdict: str
    lang: str

    @property
    def top(self) -> str:
        return self.ranking[0][0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ranking": [{"agency": a, "score": s} for a, s in self.ranking],
            "evidence": [e.to_dict() for e in self.evidence],
            "out_of_scope": self.out_of_scope,
            "referral": self.referral,
            "multiple_matters": self.multiple_matters,
            "matters": self.matters,
            "confidence": self.confidence,
            "needs_triage": self.needs_triage,
            "verdict": self.verdict,
            "lang": self.lang,
        }
