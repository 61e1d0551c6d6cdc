"""The registry signals: a spaCy component that finds registry terms in the doc, and
the per-body feature vector built from them, the precedence rules, facts and the text
classifier's probabilities (see `combine` for how they become one ranking).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from classifier.combine import FEATURES, INDEX
from classifier.facts import Amount, amounts_in_text, clean_facts
from classifier.lexicon import Lexicon, key_weight
from classifier.matching import (
    ExactMatcher,
    FuzzyMatcher,
    Hit,
    LemmaMatcher,
    content_tokens,
    doc_text,
)
from classifier.rules import FiredRule, RuleSet
from classifier.text import CompactText, compact_text

for _name in ("relief_hits", "relief_compact", "relief_keys"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class RegistryMatcher:
    """spaCy component: finds registry terms (exact, lemma, fuzzy) in the doc."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.lexicon: Lexicon | None = None

    def set_lexicon(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        rule_terms = {
            spec[0]
            for rule in lexicon.rules
            for spec in (*(s for g in rule.when_all for s in g), *rule.unless_any)
        }
        self._exact = ExactMatcher(lexicon, rule_terms)
        self._lemma = LemmaMatcher(lexicon, self.vocab)
        self._fuzzy = FuzzyMatcher(lexicon)
        self.rules = RuleSet(lexicon)
        self.tables = LexiconTables(lexicon)

    def find(
        self, ct: CompactText, doc: Doc | None = None
    ) -> tuple[list[Hit], dict[str, tuple[int, int]]]:
        """Registry term hits, and where each registry or rule key occurs verbatim."""
        found = self._exact.find(ct)
        hits = self._exact.hits(found)
        if doc is not None:
            hits += self._lemma(content_tokens(doc))
        hits += self._fuzzy(ct, {h.entry for h in hits})
        return hits, found

    def __call__(self, doc: Doc) -> Doc:
        if self.lexicon is None:
            raise ValueError("relief_registry_matcher has no lexicon: train the model first")
        ct = compact_text(doc_text(doc))
        doc._.relief_compact = ct
        doc._.relief_hits, doc._.relief_keys = self.find(ct, doc)
        return doc

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        assert self.lexicon is not None
        with (path / "lexicon.json").open("w", encoding="utf-8") as fh:
            json.dump(self.lexicon.to_json(), fh, ensure_ascii=False)

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> RegistryMatcher:
        with (Path(path) / "lexicon.json").open(encoding="utf-8") as fh:
            self.set_lexicon(Lexicon.from_json(json.load(fh)))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        assert self.lexicon is not None
        return json.dumps(self.lexicon.to_json(), ensure_ascii=False).encode()

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> RegistryMatcher:
        self.set_lexicon(Lexicon.from_json(json.loads(data)))
        return self


@Language.factory("relief_registry_matcher")
def make_registry_matcher(nlp: Language, name: str) -> RegistryMatcher:
    return RegistryMatcher(nlp, name)


@dataclass
class Signals:
    """Everything the router found in one complaint, before deciding."""

    bodies: tuple[str, ...]
    x: np.ndarray  # bodies x FEATURES
    hits: list[Hit]
    hit_weights: list[float]
    fired: list[FiredRule]
    facts: dict[str, Any]
    amount: Amount | None
    model_p: dict[str, float]


def content_lemmas(nlp: Language, term: str) -> tuple[str, ...]:
    return tuple(content_tokens(nlp.make_doc(term)).lemmas)


_LEX_COLUMNS = ("lex_terms", "lex_products", "lex_businesses", "lex_colloquial", "lex_fuzzy")


def signals_for(
    nlp: Language,
    lexicon: Lexicon,
    doc: Doc,
    facts: Mapping[str, Any] | None = None,
    model_p: Mapping[str, float] | None = None,
) -> Signals:
    """Per-body features of a doc that went through the matcher (and maybe textcat)."""
    matcher: RegistryMatcher = nlp.get_pipe("relief_registry_matcher")
    tables = matcher.tables
    bodies = lexicon.bodies
    x = np.zeros((len(bodies), len(FEATURES)))
    ct: CompactText = doc._.relief_compact
    hits = list(doc._.relief_hits or ())
    facts_clean = clean_facts(facts)
    if "business" in facts_clean:
        business_hits, _ = matcher.find(compact_text(facts_clean["business"]))
        hits += [Hit(h.entry, "fact", -1, -1, h.score) for h in business_hits]
    hits = _best_per_entry(hits)
    weights = _hit_weights(hits, tables)

    found_keys: dict[str, tuple[int, int]] = dict(doc._.relief_keys or {})
    entries = lexicon.entries
    for hit in hits:
        if hit.start >= 0:
            found_keys.setdefault(entries[hit.entry].key, (hit.start, hit.end))
    if hits:
        ids = np.fromiter((h.entry for h in hits), dtype=np.int64, count=len(hits))
        fuzzy = np.fromiter((h.kind == "fuzzy" for h in hits), dtype=bool, count=len(hits))
        w = np.asarray(weights)
        rows = tables.body[ids]
        cols = np.where(fuzzy & ~tables.exclusion[ids], INDEX["lex_fuzzy"], tables.column[ids])
        # Exclusions count once each; every other hit adds its weight.
        np.add.at(x, (rows, cols), np.where(tables.exclusion[ids], 1.0, w))
        positive = ~tables.exclusion[ids]
        lex_total = np.bincount(rows[positive], weights=w[positive], minlength=len(bodies))
        lex_cols = [INDEX[c] for c in _LEX_COLUMNS]
        x[:, lex_cols] = np.log1p(x[:, lex_cols])
        if lex_total.max() > 0:
            x[:, INDEX["lex_share"]] = lex_total / lex_total.sum()
            x[lex_total == lex_total.max(), INDEX["lex_leader"]] = 1.0

    amount = None
    if "amount_krw" not in facts_clean:
        found = amounts_in_text(ct.text)
        if found:
            amount = max(found, key=lambda a: a.value)
            facts_clean["amount_krw"] = amount.value
    fired = matcher.rules.apply(found_keys, facts_clean)
    index = tables.index
    for rule in fired:
        if rule.rule.prefer in index:
            x[index[rule.rule.prefer], INDEX["rule_prefer"]] += 1.0
        for over in rule.rule.over:
            if over in index:
                x[index[over], INDEX["rule_over"]] += 1.0

    x[:, INDEX["is_referral"]] = tables.referral
    probs = dict(model_p if model_p is not None else doc.cats)
    x[:, INDEX["no_model_label"]] = 1.0
    x[:, INDEX["model_logp"]] = _LOG_FLOOR
    for body, p in probs.items():
        b = index.get(body)
        if b is not None:
            x[b, INDEX["model_p"]] = p
            x[b, INDEX["model_logp"]] = np.log(p + 1e-4)
            x[b, INDEX["no_model_label"]] = 0.0
    return Signals(bodies, x, hits, weights, fired, facts_clean, amount, probs)


_LOG_FLOOR = float(np.log(1e-4))


class LexiconTables:
    """Per-entry arrays (body row, feature column, base weight) for fast feature sums."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.index = {b: i for i, b in enumerate(lexicon.bodies)}
        entries = lexicon.entries
        self.body = np.array([self.index.get(e.body, 0) for e in entries], dtype=np.int64)
        self.exclusion = np.array([e.category == "exclusions" for e in entries], dtype=bool)
        self.column = np.array(
            [INDEX["lex_exclusions"] if e.category == "exclusions" else INDEX[f"lex_{e.category}"]
             for e in entries], dtype=np.int64)
        self.base = np.array([e.specificity * key_weight(e.key) for e in entries])
        self.key_len = np.array([len(e.key) for e in entries], dtype=np.int64)
        self.referral = np.array([b in lexicon.referrals for b in lexicon.bodies], dtype=float)


def _best_per_entry(hits: list[Hit]) -> list[Hit]:
    best: dict[int, Hit] = {}
    for hit in hits:
        old = best.get(hit.entry)
        if old is None or (hit.score, hit.kind == "term") > (old.score, old.kind == "term"):
            best[hit.entry] = hit
    return sorted(best.values(), key=lambda h: (h.start, h.end, h.entry))


def _hit_weights(hits: Sequence[Hit], tables: LexiconTables) -> list[float]:
    """Evidence weight of each hit: specificity x key length x similarity.

    A key found only inside a longer key of another body ("보험" inside "우체국보험")
    counts for little: the longer term is what the consumer wrote.
    """
    if not hits:
        return []
    ids = np.fromiter((h.entry for h in hits), dtype=np.int64, count=len(hits))
    starts = np.fromiter((h.start for h in hits), dtype=np.int64, count=len(hits))
    ends = np.fromiter((h.end for h in hits), dtype=np.int64, count=len(hits))
    scores = np.fromiter((h.score for h in hits), dtype=float, count=len(hits))
    w = tables.base[ids] * scores
    located = starts >= 0
    body = tables.body[ids]
    inside = (
        (starts[None, :] <= starts[:, None])
        & (ends[:, None] <= ends[None, :])
        & (tables.key_len[ids][None, :] > tables.key_len[ids][:, None])
        & (body[None, :] != body[:, None])
        & ~tables.exclusion[ids][None, :]
        & located[None, :]
        & located[:, None]
    )
    w = np.where(inside.any(axis=1), w * 0.3, w)
    return np.round(w, 4).tolist()
