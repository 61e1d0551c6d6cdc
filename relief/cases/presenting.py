"""Turning router output and case data into what a page shows (no business rules here)."""

from __future__ import annotations

from typing import Any

from agencies import load_registry


def highlight_segments(text: str, evidence: list[dict[str, Any]], agency: str | None
                       ) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_evidence) for the words that decided ``agency``."""
    spans = sorted({(e["start"], e["end"]) for e in evidence
                    if e.get("start") is not None and e.get("end") is not None
                    and (agency is None or e.get("agency") == agency)
                    and 0 <= e["start"] < e["end"] <= len(text)})
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for start, end in spans:
        if start < pos:
            start = pos
        if start >= end:
            continue
        if start > pos:
            pieces.append((text[pos:start], False))
        pieces.append((text[start:end], True))
        pos = end
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


def routing_view(routing: dict[str, Any], text: str, lang: str, preferred: str | None = None
                 ) -> dict[str, Any]:
    """What the routing panel needs: the suggested body, why, the alternatives.

    ``preferred`` is a body the consumer came from (the directory's file button); it is
    offered even when the router ranks it low.
    """
    registry = load_registry()
    ranking = [r for r in routing.get("ranking") or [] if r["agency"] in registry]
    top = ranking[0]["agency"] if ranking else None
    reasons = []
    for e in routing.get("evidence") or []:
        if e.get("agency") != top:
            continue
        if e.get("kind") == "rule" and e.get("rule"):
            rules = {r.id: r for r in registry.rules}
            rule = rules.get(e["rule"])
            if rule is not None:
                reasons.append(rule.reason.get(lang))
    alternatives = [
        {"agency": registry.get(r["agency"]), "score": r["score"]}
        for r in ranking[1:5] if registry.get(r["agency"]).is_case_body
    ]
    offered = {top} | {a["agency"].id for a in alternatives}
    if preferred and preferred in registry and preferred not in offered \
            and registry.get(preferred).is_case_body:
        alternatives.append({"agency": registry.get(preferred), "score": 0.0})
    words = sorted({e["text"] for e in routing.get("evidence") or []
                    if e.get("agency") == top and e.get("text") and e.get("start") is not None})
    referral_id = routing.get("referral")
    return {
        "top": registry.get(top) if top else None,
        "score": ranking[0]["score"] if ranking else 0.0,
        "alternatives": alternatives,
        "segments": highlight_segments(text, routing.get("evidence") or [], top),
        "words": words[:8],
        "rule_reasons": list(dict.fromkeys(reasons))[:3],
        "out_of_scope": bool(routing.get("out_of_scope")),
        "referral": registry.get(referral_id) if referral_id in registry else None,
        "needs_triage": bool(routing.get("needs_triage")),
        "verdict": routing.get("verdict", "ok"),
        "multiple_matters": bool(routing.get("multiple_matters")),
        "second_matter": registry.get(routing["matters"])
        if isinstance(routing.get("matters"), str) and routing["matters"] in registry else None,
    }
