"""One calibrated ranking from the model, lexicon, fuzzy and rule signals.

Every body gets the same small feature vector (model log-probability, weighted term
hits per category, fuzzy hits, exclusions, fired precedence rules, ...). A conditional
logit (one weight per feature, shared by all bodies, softmax over bodies) turns them
into probabilities. It is fitted on out-of-fold model predictions over fixtures/, so
the weights say how far to trust the model against the registry's knowledge, and the
softmax scores are calibrated on data the model had not seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

FEATURES = (
    "model_logp",
    "model_p",
    "lex_terms",
    "lex_products",
    "lex_businesses",
    "lex_colloquial",
    "lex_fuzzy",
    "lex_exclusions",
    "lex_leader",
    "lex_share",
    "rule_prefer",
    "rule_over",
    "is_referral",
    "no_model_label",
)
MODEL_FEATURES = ("model_logp", "model_p", "no_model_label", "is_referral")
RULE_FEATURES = tuple(f for f in FEATURES if f.startswith(("lex_", "rule_")) or f == "is_referral")
VARIANTS = {
    "model_only": MODEL_FEATURES,
    "rules_fuzzy_only": RULE_FEATURES,
    "combined": FEATURES,
}
INDEX = {name: i for i, name in enumerate(FEATURES)}


@dataclass
class Combiner:
    """Weights of the conditional logit, plus the decision thresholds."""

    weights: dict[str, float]
    triage_threshold: float = 0.3
    multi_min_strength: float = 0.9
    meta: dict[str, float] = field(default_factory=dict)

    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(name, 0.0) for name in FEATURES], dtype=np.float64)

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Probabilities over bodies for feature matrix x (bodies x features)."""
        return softmax(x @ self.vector())

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": self.weights,
            "triage_threshold": self.triage_threshold,
            "multi_min_strength": self.multi_min_strength,
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Combiner:
        return cls(
            weights=dict(data["weights"]),  # type: ignore[call-overload]
            triage_threshold=float(data["triage_threshold"]),  # type: ignore[arg-type]
            multi_min_strength=float(data.get("multi_min_strength", 0.9)),  # type: ignore[arg-type]
            meta=dict(data.get("meta", {})),  # type: ignore[call-overload]
        )


def softmax(s: np.ndarray) -> np.ndarray:
    s = s - s.max(axis=-1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=-1, keepdims=True)


def fit_weights(
    x: np.ndarray,
    gold: np.ndarray,
    features: Sequence[str] = FEATURES,
    *,
    l2: float = 0.01,
    steps: int = 400,
    learn_rate: float = 0.1,
) -> dict[str, float]:
    """Fit the conditional logit on x (cases x bodies x features), gold body indices.

    Full-batch Adam, deterministic: the same data give the same weights.
    """
    cols = [INDEX[f] for f in features]
    xs = x[:, :, cols]
    n = len(gold)
    w = np.zeros(len(cols))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    rows = np.arange(n)
    for t in range(1, steps + 1):
        p = softmax(xs @ w)
        p[rows, gold] -= 1.0
        grad = np.einsum("nb,nbf->f", p, xs) / n + 2 * l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= learn_rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return {f: round(float(wi), 5) for f, wi in zip(features, w, strict=True)}


def predict_proba(x: np.ndarray, weights: dict[str, float]) -> np.ndarray:
    w = np.array([weights.get(name, 0.0) for name in FEATURES])
    return softmax(x @ w)


def apply_precedence(
    probs: np.ndarray, index: dict[str, int], fired: Sequence[tuple[str, Sequence[str]]]
) -> np.ndarray:
    """Enforce fired precedence rules (prefer, over) on a probability vector.

    Within {prefer} + over, the preferred body takes the highest of their scores and
    the others keep their order below it; no probability mass is created or lost, and
    bodies outside the rule are untouched.
    """
    p = probs.copy()
    for prefer, over in fired:
        x = index.get(prefer)
        if x is None:
            continue
        others = [index[o] for o in over if o in index]
        if not others:
            continue
        group = [x, *others]
        values = sorted(p[group].tolist(), reverse=True)
        rest = sorted(others, key=lambda i: -p[i])
        p[x] = values[0]
        for i, v in zip(rest, values[1:], strict=True):
            p[i] = v
    return p
