"""The router: spaCy pipeline (Kiwi tokenizer, registry matcher, text classifier),
precedence rules and facts, combined into one `RoutingResult`.
"""

from __future__ import annotations

import bisect
import json
import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.attrs import IDX, LENGTH, TAG
from spacy.language import Language
from spacy.tokens import Doc

import classifier.features
import classifier.tokenizer  # noqa: F401  (registers relief.kiwi_tokenizer.v1)
from classifier.combine import FEATURES, Combiner, apply_precedence, softmax
from classifier.lexicon import Lexicon
from classifier.linear import LinearTextClassifier
from classifier.matching import doc_text
from classifier.result import Evidence, RoutingResult
from classifier.signals import RegistryMatcher, Signals, signals_for
from classifier.text import MAX_ANALYSED_CHARS, clean_text, verdict_for

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL_DIR = PACKAGE_DIR / "model"
CONFIG_PATH = PACKAGE_DIR / "config.cfg"
# Bodies named when there is nothing to route (unreadable text): the first-contact
# counselling centre and the consumer agency take any consumer matter.
FALLBACK = ("ccn-1372", "kca", "local-consumer-centres")
RANKING_SIZE = 5
EVIDENCE_BODIES = 3
EVIDENCE_PER_BODY = 6


def model_dir() -> Path:
    """Where the trained model lives: $RELIEF_ROUTER_MODEL or classifier/model."""
    env = os.environ.get("RELIEF_ROUTER_MODEL")
    return Path(env) if env else DEFAULT_MODEL_DIR


def build_nlp(config_path: Path = CONFIG_PATH, *, with_matcher: bool = True) -> Language:
    """A fresh, untrained pipeline from the config file."""
    config = spacy.util.load_config(config_path)
    nlp_config = {"nlp": dict(config["nlp"]), "components": dict(config["components"])}
    nlp = spacy.blank("ko", config=nlp_config)
    if with_matcher and "relief_registry_matcher" not in nlp.pipe_names:
        nlp.add_pipe("relief_registry_matcher", first=True)
    return nlp


class Router:
    """A loaded model that routes complaints. One per process (see `classifier.get_router`)."""

    def __init__(self, nlp: Language, combiner: Combiner, meta: dict[str, Any]) -> None:
        # The trained textcat is evaluated by `LinearTextClassifier` (same scores, a
        # cache-friendly layout); the spaCy component and its copy of the weights go.
        self.textcat = LinearTextClassifier(nlp.get_pipe("textcat"))
        nlp.remove_pipe("textcat")
        self.nlp = nlp
        self.combiner = combiner
        self.meta = meta
        self.matcher: RegistryMatcher = nlp.get_pipe("relief_registry_matcher")
        assert self.matcher.lexicon is not None
        self.lexicon: Lexicon = self.matcher.lexicon
        self.related = _related_pairs(self.lexicon)
        self.body_index = {b: i for i, b in enumerate(self.lexicon.bodies)}

    @classmethod
    def load(cls, path: Path | None = None) -> Router:
        path = Path(path or model_dir())
        if not (path / "combiner.json").exists():
            raise FileNotFoundError(
                f"no trained router model in {path}: run `python -m classifier train`"
            )
        nlp = spacy.load(path)
        combiner = Combiner.from_json(json.loads((path / "combiner.json").read_text("utf-8")))
        meta_path = path / "metrics.json"
        meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
        return cls(nlp, combiner, meta)

    # -- routing -------------------------------------------------------------------

    def route(self, text: str, facts: Mapping[str, Any] | None = None) -> RoutingResult:
        return self.route_many([(text, facts)])[0]

    def route_many(
        self, items: Sequence[tuple[str, Mapping[str, Any] | None]], batch_size: int = 64
    ) -> list[RoutingResult]:
        prepared = [self._prepare(text) for text, _ in items]
        todo = [i for i, (_, verdict, _, _) in enumerate(prepared) if verdict != "unreadable"]
        results: list[RoutingResult | None] = [None] * len(items)
        for start in range(0, len(todo), batch_size):
            chunk = todo[start:start + batch_size]
            if len(chunk) == 1:  # one complaint (the web, the API): no batching machinery
                docs = [self.nlp(prepared[chunk[0]][0])]
            else:
                docs = list(self.nlp.pipe(prepared[i][0] for i in chunk))
            for i, doc in zip(chunk, self.textcat(docs), strict=True):
                _, verdict, lang, source = prepared[i]
                results[i] = self._decide(doc, items[i][1], verdict, lang, source)
        for i, (_, verdict, lang, _) in enumerate(prepared):
            if results[i] is None:
                results[i] = self._fallback(verdict or "unreadable", lang or "ko")
        return results  # type: ignore[return-value]

    def signals(self, text: str, facts: Mapping[str, Any] | None = None) -> Signals:
        analysed, _verdict, _lang, _source = self._prepare(text)
        doc = self.textcat([self.nlp(analysed)])[0]
        return signals_for(self.nlp, self.lexicon, doc, facts)

    def scores(self, text: str, facts: Mapping[str, Any] | None = None) -> dict[str, float]:
        """The combined score of every body, precedence rules applied."""
        sig = self.signals(text, facts)
        probs = self._apply_rules(sig, self.combiner.scores(sig.x))
        return dict(zip(sig.bodies, probs.tolist(), strict=True))

    def _prepare(self, text: Any) -> tuple[str, str | None, str | None, str]:
        """(text as analysed, verdict, language, text as submitted): the analysed text is
        the submitted one with markup and control characters blanked, offsets kept."""
        if not isinstance(text, str):
            text = ""
        text = text[: MAX_ANALYSED_CHARS * 2]
        # Decomposed Hangul (as macOS writes it) is composed first; evidence offsets then
        # point into the composed text.
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        analysed = clean_text(text[:MAX_ANALYSED_CHARS])
        verdict, lang = verdict_for(analysed)
        return analysed, verdict, lang, text[:MAX_ANALYSED_CHARS]

    def _fallback(self, verdict: str, lang: str) -> RoutingResult:
        bodies = [b for b in FALLBACK if b in self.lexicon.bodies]
        bodies += [b for b in self.lexicon.bodies if b not in bodies][: 3 - len(bodies)]
        score = round(1.0 / max(1, len(self.lexicon.bodies)), 4)
        return RoutingResult(
            ranking=tuple((b, score) for b in bodies),
            evidence=(),
            out_of_scope=False,
            referral=None,
            multiple_matters=False,
            matters=None,
            confidence=0.0,
            needs_triage=True,
            verdict=verdict,
            lang=lang,
        )

    def _decide(
        self, doc: Doc, facts: Mapping[str, Any] | None, verdict: str | None, lang: str | None,
        source: str,
    ) -> RoutingResult:
        sig = signals_for(self.nlp, self.lexicon, doc, facts)
        probs = self._apply_rules(sig, self.combiner.scores(sig.x))
        order = np.argsort(-probs, kind="stable")[:RANKING_SIZE]
        ranking = tuple((sig.bodies[i], round(float(probs[i]), 4)) for i in order)
        top = ranking[0][0]
        confidence = ranking[0][1]
        # Too little text to tell what it is about is never "not consumer relief".
        out_of_scope = verdict is None and top in self.lexicon.referrals
        second = self._second_matter(sig, probs, top, doc)
        shown = [b for b, _ in ranking[:EVIDENCE_BODIES]]
        if second and second not in shown:
            shown.append(second)
        evidence = tuple(self._evidence(sig, source, shown))
        if verdict is None:
            verdict = "out_of_scope" if out_of_scope else "ok"
        return RoutingResult(
            ranking=ranking,
            evidence=evidence,
            out_of_scope=out_of_scope,
            referral=top if out_of_scope else None,
            multiple_matters=second is not None,
            matters=second,
            confidence=confidence,
            needs_triage=verdict != "out_of_scope" and (
                verdict != "ok" or confidence < self.combiner.triage_threshold
            ),
            verdict=verdict,
            lang=lang or doc._.relief_lang or "ko",
        )

    def _apply_rules(self, sig: Signals, probs: np.ndarray) -> np.ndarray:
        fired = [(f.rule.prefer, f.rule.over) for f in sig.fired]
        return apply_precedence(probs, self.body_index, fired) if fired else probs

    def _second_matter(
        self, sig: Signals, probs: np.ndarray, top: str, doc: Doc
    ) -> str | None:
        """A second body with strong evidence of its own in sentences the top body has none.

        Bodies a precedence rule weighs against the top body are one matter with two
        candidate bodies, not two matters.
        """
        entries = self.lexicon.entries
        located = [
            (hit, weight, entries[hit.entry])
            for hit, weight in zip(sig.hits, sig.hit_weights, strict=True)
            if hit.start >= 0 and entries[hit.entry].category != "exclusions"
        ]
        if not located:
            return None
        # Cheap check first: is any other body strong enough even counting every hit?
        upper: dict[str, float] = {}
        for _hit, weight, entry in located:
            if entry.body != top and (top, entry.body) not in self.related:
                upper[entry.body] = upper.get(entry.body, 0.0) + weight
        if not upper or max(upper.values()) < self.combiner.multi_min_strength:
            return None
        sentence = _sentence_index(doc)
        top_sentences = {sentence(h.start) for h, _, e in located if e.body == top}
        if not top_sentences:
            return None
        preferred = {f.rule.prefer for f in sig.fired}
        strength: dict[str, float] = {}
        for hit, weight, entry in located:
            if entry.body == top or (top, entry.body) in self.related:
                continue
            if sentence(hit.start) in top_sentences:
                continue
            strength[entry.body] = strength.get(entry.body, 0.0) + weight
        if not strength:
            return None
        body, value = max(strength.items(), key=lambda kv: kv[1])
        plausible = body in preferred or probs[self.body_index[body]] >= 0.005
        if value >= self.combiner.multi_min_strength and plausible:
            return body
        return None

    def _evidence(self, sig: Signals, text: str, bodies: list[str]) -> Iterable[Evidence]:
        """Evidence for these bodies; surfaces are cut from the text as submitted."""
        entries = self.lexicon.entries
        for body in bodies:
            items: list[Evidence] = []
            for hit, weight in zip(sig.hits, sig.hit_weights, strict=True):
                entry = entries[hit.entry]
                if entry.body != body:
                    continue
                if hit.kind == "fact":
                    items.append(Evidence(body, "fact", sig.facts.get("business"), None, None,
                                          "business", None, weight))
                    continue
                kind = "term" if hit.kind == "term" else "fuzzy"
                category = entry.category
                signed = -weight if category == "exclusions" else weight
                items.append(Evidence(body, kind, text[hit.start:hit.end], hit.start, hit.end,
                                      category, None, signed))
            items.sort(key=lambda e: -abs(e.weight))
            items = items[:EVIDENCE_PER_BODY]
            for fired in sig.fired:
                if fired.rule.prefer != body:
                    continue
                surface = (
                    text[fired.start:fired.end] if fired.start is not None else None
                )
                items.append(Evidence(body, "rule", surface, fired.start, fired.end,
                                      "precedence", fired.rule.id, 1.0))
                if fired.rule.facts:
                    items.extend(self._fact_evidence(sig, text, body, fired.rule.facts))
            p = sig.model_p.get(body)
            if p is not None:
                items.append(Evidence(body, "model", None, None, None, "textcat", None,
                                      round(float(p), 4)))
            yield from items

    def _fact_evidence(
        self, sig: Signals, text: str, body: str, conditions: Mapping[str, Any]
    ) -> list[Evidence]:
        """The facts a fired rule relied on: given beside the text, or read from it."""
        out = []
        for name in conditions:
            value = sig.facts.get(name)
            if value is None:
                continue
            if name == "amount_krw" and sig.amount is not None:
                a = sig.amount
                out.append(Evidence(body, "fact", text[a.start:a.end], a.start, a.end, name,
                                    None, 1.0))
            else:
                out.append(Evidence(body, "fact", str(value), None, None, name, None, 1.0))
        return out

    # -- evaluation helpers ---------------------------------------------------------

    def variant_scores(self, sig: Signals) -> dict[str, np.ndarray]:
        """Scores under each compared variant (model only, rules+fuzzy only, combined)."""
        out = {}
        for name, weights in self.combiner.meta.get("variants", {}).items():  # type: ignore[union-attr]
            w = np.array([weights.get(f, 0.0) for f in FEATURES])
            probs = softmax(sig.x @ w)
            out[name] = probs if name == "model_only" else self._apply_rules(sig, probs)
        return out


_SENTENCE_END = frozenset(".!?。…")


def _sentence_index(doc: Doc) -> Any:
    """char offset -> sentence number, sentences ending at a final ending (EF), at
    sentence punctuation or at a line break."""
    text = doc_text(doc)
    strings = doc.vocab.strings
    arr = doc.to_array([TAG, IDX, LENGTH])
    starts = [0]
    for tag, idx, length in arr.tolist():
        end = idx + length
        last = text[end - 1] if end else ""
        ends_sentence = (
            last in _SENTENCE_END or last == "\n" or (tag and "EF" in strings[tag])
        )
        if ends_sentence and end > starts[-1]:
            starts.append(end)

    def sentence(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    return sentence


def _related_pairs(lexicon: Lexicon) -> set[tuple[str, str]]:
    """Bodies a precedence rule weighs against each other: one matter, two candidates."""
    pairs = set()
    for rule in lexicon.rules:
        for over in rule.over:
            pairs.add((rule.prefer, over))
            pairs.add((over, rule.prefer))
    return pairs
