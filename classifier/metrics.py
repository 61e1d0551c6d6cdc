"""Routing metrics: top-1/top-3, macro-F1, out-of-scope recall/precision, per body."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from classifier.data import OUT_OF_SCOPE


def gold_matches(predicted: str, gold: str, referrals: frozenset[str] | set[str]) -> bool:
    """`gold` may be "out-of-scope" without a named referral: any referral body is right."""
    if gold == OUT_OF_SCOPE:
        return predicted in referrals
    return predicted == gold


def score(
    golds: Sequence[str],
    rankings: Sequence[Sequence[str]],
    referrals: frozenset[str] | set[str],
    *,
    confidences: Sequence[float] | None = None,
) -> dict[str, Any]:
    """Metrics of ranked predictions against gold bodies.

    Out-of-scope cases count as right at top-1 when the referral body is first; the
    out-of-scope verdict (a referral body first) is scored on its own as recall and
    precision. Macro-F1 averages per-body F1 over the bodies present in the gold data.
    """
    n = len(golds)
    top1 = top3 = 0
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    support: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    oos_gold = oos_pred = oos_both = 0
    for gold, ranking in zip(golds, rankings, strict=True):
        first = ranking[0] if ranking else ""
        gold_is_oos = gold == OUT_OF_SCOPE or gold in referrals
        label = gold if gold != OUT_OF_SCOPE else (first if first in referrals else OUT_OF_SCOPE)
        support[label] += 1
        if gold_matches(first, gold, referrals):
            top1 += 1
            tp[label] += 1
        else:
            fn[label] += 1
            fp[first] += 1
            confusions[(label, first)] += 1
        if any(gold_matches(p, gold, referrals) for p in ranking[:3]):
            top3 += 1
        pred_oos = first in referrals
        oos_gold += gold_is_oos
        oos_pred += pred_oos
        oos_both += gold_is_oos and pred_oos
    per_body = {}
    for body in sorted(set(support) | set(fp)):
        p = tp[body] / (tp[body] + fp[body]) if tp[body] + fp[body] else 0.0
        r = tp[body] / support[body] if support[body] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per_body[body] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "support": support[body],
        }
    gold_bodies = [b for b in per_body if support[b]]
    f1s = [per_body[b]["f1"] for b in gold_bodies]
    macro_f1 = sum(f1s) / len(f1s) if f1s else 0.0
    out: dict[str, Any] = {
        "n": n,
        "top1": round(top1 / n, 4) if n else 0.0,
        "top3": round(top3 / n, 4) if n else 0.0,
        "macro_f1": round(macro_f1, 4),
        "oos_recall": round(oos_both / oos_gold, 4) if oos_gold else None,
        "oos_precision": round(oos_both / oos_pred, 4) if oos_pred else None,
        "per_agency": per_body,
        "confusions": [
            {"gold": g, "predicted": p, "count": c} for (g, p), c in confusions.most_common(15)
        ],
    }
    if confidences is not None:
        out["ece"] = round(expected_calibration_error(golds, rankings, confidences, referrals), 4)
    return out


def expected_calibration_error(
    golds: Sequence[str],
    rankings: Sequence[Sequence[str]],
    confidences: Sequence[float],
    referrals: frozenset[str] | set[str],
    bins: int = 10,
) -> float:
    """How far the top-1 score is from the observed top-1 accuracy (10 equal bins)."""
    totals = [[0, 0.0, 0.0] for _ in range(bins)]
    for gold, ranking, conf in zip(golds, rankings, confidences, strict=True):
        b = min(bins - 1, int(conf * bins))
        totals[b][0] += 1
        totals[b][1] += conf
        totals[b][2] += gold_matches(ranking[0], gold, referrals)
    n = len(golds)
    return sum(abs(c - a) for count, c, a in totals if count) / n if n else 0.0


def compare_per_body(variants: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per-body F1 side by side: {"kca": {"model_only": .., "rules_fuzzy_only": .., ...}}."""
    bodies: set[str] = set()
    for metrics in variants.values():
        bodies |= {b for b, m in metrics["per_agency"].items() if m["support"]}
    return {
        body: {
            name: metrics["per_agency"].get(body, {}).get("f1", 0.0)
            for name, metrics in variants.items()
        }
        for body in sorted(bodies)
    }
