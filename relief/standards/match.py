"""Find the items and dispute types of the notice that fit what a consumer wrote.

Two questions, answered separately and then combined:

- *which item?* The product field (and, more weakly, the free text) against each
  item's names, its scope-annex examples and our lexicon of consumer words (헬스장,
  gym, 항공권, flight …). Korean is compared without spaces and, for typos, on jamo
  ("헬스징" ~ "헬스장"); Latin words on word boundaries, fuzzily when long enough.
- *which dispute type?* Problem words (환불, 고장, 지연, refund, broken …) point at cue
  words in the conditions (소비자의 … 해제, 하자, 지연 …), weighted so that "환불" prefers
  the consumer's own cancellation and "폐업" the business's fault.

A match needs both; text that names no item, or no problem, matches nothing.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from relief.standards.formulas import Formula
from relief.standards.model import Dispute, Item, Standards
from relief.standards.text import compact, has_hangul, jamo, normalize

FUZZY_WORD = 85.0  # jamo / letter similarity for a whole word: one wrong vowel passes
FUZZY_PROBLEM = 80.0  # problem words are short stems; "환볼" ~ "환불" is 83
MIN_PRODUCT = 0.8
MIN_SCORE = 0.45
PER_ITEM = 2  # at most this many dispute types of one item in the results
TEXT_WEIGHT = 0.9  # a product named only in the free text counts a little less
# How much a matched word says about the item. "weak" words have everyday meanings too
# (이사 is also a company director, 게임 any game): alone in the free text they are not enough.
WEIGHTS = {"name": 1.0, "alias": 1.0, "product": 0.95, "weak": 0.85}

# Particles glued to Korean words; stripped (longest first) before whole-word checks.
_PARTICLE_WORDS = (
    "에서 으로 에게 한테 이랑 하고 까지 부터 이에요 예요 인데 인데요 이라 라고 "
    "은 는 이 가 을 를 에 로 와 과 도 만 의 요 랑"
)
_PARTICLES = tuple(sorted(_PARTICLE_WORDS.split(), key=len, reverse=True))


@dataclass(frozen=True)
class StandardMatch:
    """One dispute type of one item that fits the consumer's words.

    ``remedies`` are the notice's own lines (Korean), each prefixed with the case it
    applies to; ``notice`` and ``in_force`` must be shown with them, together with
    ``authoritative`` (the notice itself, not this summary, is what counts).
    """

    industry: str  # in the requested language (Korean when no gloss)
    item: str
    item_id: str
    condition_no: str
    condition: str
    remedies: list[str]
    notice: str
    in_force: str
    score: float  # 0..1, comparable within one call
    formula: Formula | None
    industry_ko: str
    item_ko: str
    notes: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()  # the words that matched, product first
    authoritative: str = ""
    lang: str = "ko"

    def citation(self) -> str:
        no = f"{self.condition_no}) " if self.condition_no else ""
        if self.lang == "en":
            return (
                f"FTC notice No. 2025-14 (in force {self.in_force}), annex II, "
                f"{self.item_ko} {no}".strip()
            )
        return f"{self.notice}({self.in_force} 시행) 별표 Ⅱ {self.item_ko} {no}".strip()


@dataclass(frozen=True, slots=True)
class _Term:
    item_id: str
    text: str
    key: str  # compact, lower case
    jamo: str
    syllables: int
    latin: bool
    case_sensitive: bool
    weight: float


@dataclass(frozen=True, slots=True)
class _Concept:
    name: str
    words_ko: tuple[str, ...]
    words_en: tuple[str, ...]
    cues: tuple[tuple[str, float], ...]  # (compact cue, weight)


@dataclass
class _Index:
    terms: list[_Term]
    concepts: list[_Concept]
    dispute_keys: dict[tuple[str, str], str] = field(default_factory=dict)


_INDEXES: weakref.WeakKeyDictionary[Standards, _Index] = weakref.WeakKeyDictionary()


def _split_names(name: str) -> list[str]:
    parts = re.split(r",\s*|·|\s*\(|\)", name)
    out = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        out.append(part)
        if part.endswith("업") and len(part) >= 4:  # "체육시설업" is also "체육시설"
            out.append(part[:-1])
    return out


def _term(item_id: str, text: str, weight: float) -> _Term | None:
    key = compact(text)
    if not key:
        return None
    latin = not has_hangul(text)
    return _Term(
        item_id=item_id,
        text=text,
        key=key,
        jamo=jamo(key),
        syllables=len(key),
        latin=latin,
        case_sensitive=latin and text.isupper() and len(key) <= 4,
        weight=weight,
    )


def _index(standards: Standards) -> _Index:
    cached = _INDEXES.get(standards)
    if cached is not None:
        return cached
    lexicon: Mapping[str, Any] = standards.lexicon
    stop = {compact(s) for s in lexicon.get("stop", ())}
    terms: list[_Term] = []
    seen: set[tuple[str, str]] = set()

    def add(item_id: str, text: str, weight: float) -> None:
        made = _term(item_id, text, weight)
        if made is None or made.key in stop or (item_id, made.key) in seen:
            return
        seen.add((item_id, made.key))
        terms.append(made)

    for item in standards.items:
        for name in _split_names(item.name):
            add(item.id, name, WEIGHTS["name"])
        aliases = lexicon.get("items", {}).get(item.id, {})
        for word in (*aliases.get("ko", ()), *aliases.get("en", ())):
            add(item.id, word, WEIGHTS["alias"])
        for word in aliases.get("weak", ()):
            add(item.id, word, WEIGHTS["weak"])
        for product in item.products:  # the scope annex's examples ("stop" drops 문리, 기타 …)
            for part in _split_names(product):
                add(item.id, part, WEIGHTS["product"])
    concepts = [
        _Concept(
            name=name,
            words_ko=tuple(spec.get("ko", ())),
            words_en=tuple(spec.get("en", ())),
            cues=tuple((compact(cue), float(w)) for cue, w in spec.get("cues", {}).items()),
        )
        for name, spec in lexicon.get("problems", {}).items()
    ]
    index = _Index(terms, concepts)
    for item in standards.items:
        for dispute in item.disputes:
            index.dispute_keys[(item.id, dispute.no)] = compact(dispute.text())
    _INDEXES[standards] = index
    return index


# ---------------------------------------------------------------- the consumer's words


@dataclass(frozen=True)
class _Words:
    raw: str
    spaced: str  # normalised, with spaces
    key: str  # compact
    starts: frozenset[int]  # where in ``key`` a written word begins
    tokens: tuple[str, ...]  # Hangul words with a trailing particle stripped

    @classmethod
    def of(cls, text: str) -> _Words:
        spaced = normalize(text)
        starts, position = set(), 0
        for word in spaced.split():
            starts.add(position)
            position += len(word)
        tokens = tuple(_strip_particle(w) for w in spaced.split() if has_hangul(w))
        return cls(text, spaced, spaced.replace(" ", ""), frozenset(starts), tokens)


def _strip_particle(word: str) -> str:
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) > len(particle) + 1:
            return word[: -len(particle)]
    return word


def _latin_found(term: str, words: _Words, *, case_sensitive: bool = False) -> bool:
    parts = normalize(term).split()
    if not parts:
        return False
    pattern = r"\b" + r"\s*".join(re.escape(p) for p in parts) + r"(?:e?s)?\b"
    if case_sensitive:
        return re.search(r"\b" + re.escape(term) + r"\b", words.raw) is not None
    return re.search(pattern, words.spaced) is not None


def _term_score(term: _Term, words: _Words) -> float:
    """How well the consumer's words name this term, 0..1 before the term's weight."""
    if term.latin:
        if _latin_found(term.text, words, case_sensitive=term.case_sensitive):
            return 1.0
        if term.case_sensitive or len(term.key) < 4:
            return 0.0
        size = len(term.text.split())
        latin_words = [w for w in words.spaced.split() if not has_hangul(w)]
        best = 0.0
        for i in range(len(latin_words) - size + 1):
            candidate = "".join(latin_words[i : i + size])
            if abs(len(candidate) - len(term.key)) <= 2:
                best = max(best, fuzz.ratio(term.key, candidate))
        return best / 100 * 0.95 if best >= FUZZY_WORD else 0.0
    if term.syllables == 1:
        return 1.0 if term.key in words.tokens else 0.0
    position = words.key.find(term.key)
    while position >= 0:
        if term.syllables >= 3 or position in words.starts:
            return 1.0
        position = words.key.find(term.key, position + 1)
    best = 0.0
    for token in words.tokens:
        token_key = compact(token)
        if term.syllables >= 3 and len(token_key) > term.syllables:
            token_key = token_key[: term.syllables]  # a glued word: compare its start
        # a typo keeps the word's length; a syllable more or less is another word
        # ("유학원" is not "학원") unless the word is long
        if abs(len(token_key) - term.syllables) > (1 if term.syllables >= 4 else 0):
            continue
        best = max(best, fuzz.ratio(term.jamo, jamo(token_key)))
    return best / 100 * 0.95 if best >= FUZZY_WORD else 0.0


def _product_scores(index: _Index, words: _Words) -> dict[str, tuple[float, str]]:
    """Per item: how well the words name it, and the best word. A second distinct word
    of the same item ("비행기 국제선") lifts it above a sibling that shares only one."""
    found: dict[str, list[tuple[float, str]]] = {}
    if not words.key:
        return {}
    for term in index.terms:
        score = _term_score(term, words) * term.weight
        if score:
            found.setdefault(term.item_id, []).append((score, term.text))
    best: dict[str, tuple[float, str]] = {}
    for item_id, scores in found.items():
        top, text = max(scores)
        distinct = {compact(t) for s, t in scores if s >= MIN_PRODUCT}
        # words inside one another ("항공", "항공권") are one word
        several = any(a != b and a not in b and b not in a for a in distinct for b in distinct)
        best[item_id] = (0.95 * top + (0.05 if several else 0.0), text)
    return best


def _problem_word_found(word: str, words: _Words) -> bool:
    if not has_hangul(word):
        return _latin_found(word, words)
    key = compact(word)
    if len(key) == 1:
        return key in words.tokens or any(t.startswith(key) for t in words.tokens)
    if key in words.key:
        return True
    target = jamo(key)
    return any(
        fuzz.ratio(target, jamo(compact(token)[: len(key)])) >= FUZZY_PROBLEM
        for token in words.tokens
        if len(compact(token)) >= len(key)
    )


def _concepts(index: _Index, words: _Words) -> list[tuple[_Concept, str]]:
    hits = []
    for concept in index.concepts:
        found = next(
            (w for w in (*concept.words_ko, *concept.words_en) if _problem_word_found(w, words)),
            None,
        )
        if found is not None:
            hits.append((concept, found))
    return hits


def _condition_score(
    index: _Index,
    dispute_key: str,
    hits: list[tuple[_Concept, str]],
    words: _Words,
    product_terms: set[str],
    own_word: str,
) -> tuple[float, float, list[str]]:
    """(score 0..1, raw for ranking, evidence): how well the condition fits the complaint."""
    total, why = 0.0, []
    hit_names = {concept.name for concept, _ in hits}
    for concept, word in hits:
        weight = max((w for cue, w in concept.cues if cue in dispute_key), default=0.0)
        if weight:
            # the consumer's own word in the condition ("찢어" in "…찢어짐…") is the best sign
            total += weight + (
                0.2 if len(compact(word)) >= 2 and compact(word) in dispute_key else 0.0
            )
            why.append(f"{word}→{concept.name}")
    # other words of the complaint found in the condition ("이물", "조율"); the consumer's
    # product word counts once, for items with a condition per product ("소파품질불량")
    overlap = [
        t
        for t in dict.fromkeys(compact(t) for t in words.tokens)
        if len(t) >= 2 and t in dispute_key and not any(t in p or p in t for p in product_terms)
    ]
    named = len(own_word) >= 2 and own_word in dispute_key
    bonus = min(0.3, 0.15 * len(overlap)) + (0.2 if named else 0.0)
    if not total and not bonus:
        return 0.0, 0.0, why
    why.extend(overlap[:2])
    # a condition mostly about something the consumer did not mention ranks lower
    # ("수하물의 분실·파손·지연" for a plain delay)
    unmentioned = sum(
        1
        for concept in index.concepts
        if concept.name not in hit_names
        and any(w >= 0.8 and cue in dispute_key for cue, w in concept.cues)
    )
    raw = total + bonus - min(0.3, 0.1 * unmentioned)
    return max(0.0, min(1.0, raw / max(1, len(hits)))), raw, why


def _choose(
    standards: Standards, index: _Index, product: str, text: str
) -> Iterable[tuple[float, float, Item, Dispute, list[str]]]:
    by_field = _product_scores(index, _Words.of(product))
    whole = _Words.of(" ".join(p for p in (product, text) if p))
    by_text = _product_scores(index, _Words.of(text)) if text else {}
    hits = _concepts(index, whole)
    for item in standards.items:
        field_score, field_term = by_field.get(item.id, (0.0, ""))
        text_score, text_term = by_text.get(item.id, (0.0, ""))
        text_score *= TEXT_WEIGHT
        product_score, term = max((field_score, field_term), (text_score, text_term))
        if product_score < MIN_PRODUCT:
            continue
        names = {compact(n) for n in _split_names(item.name)}
        own = "" if compact(term) in names else compact(term)
        for dispute in item.disputes:
            condition, raw, why = _condition_score(
                index,
                index.dispute_keys[(item.id, dispute.no)],
                hits,
                whole,
                names | {compact(term)},
                own,
            )
            if condition <= 0:
                continue
            score = 0.55 * product_score + 0.45 * condition
            if score >= MIN_SCORE:
                yield score, raw, item, dispute, [term, *why]


def match_standard(
    standards: Standards,
    *,
    product: str,
    problem: str,
    text: str = "",
    lang: str = "ko",
    limit: int = 3,
) -> list[StandardMatch]:
    """The dispute types of the notice that fit the consumer's product and problem, best first.

    ``product`` is what was bought or used ("헬스장", "flight"), ``problem`` what went
    wrong ("중도 해지했는데 환불 거부"), ``text`` any longer free text. Returns at most
    ``limit`` matches, an empty list when nothing fits.
    """
    index = _index(standards)
    found = sorted(
        _choose(standards, index, product, f"{problem} {text}".strip()),
        key=lambda m: (-round(m[0], 3), -m[1], m[2].id, m[3].no),
    )
    results: list[StandardMatch] = []
    per_item: dict[str, int] = {}
    for score, _raw, item, dispute, evidence in found:
        if per_item.get(item.id, 0) >= PER_ITEM:
            continue
        per_item[item.id] = per_item.get(item.id, 0) + 1
        english = lang == "en"
        results.append(
            StandardMatch(
                industry=item.industry_en if english else item.industry,
                item=item.name_en if english else item.name,
                item_id=item.id,
                condition_no=dispute.no,
                condition=dispute.condition,
                remedies=dispute.remedy_lines(),
                notice=dispute.notice,
                in_force=dispute.in_force,
                score=round(score, 3),
                formula=dispute.formula,
                industry_ko=item.industry,
                item_ko=item.name,
                notes=dispute.notes,
                evidence=tuple(e for e in evidence if e),
                authoritative=(
                    standards.notice.authoritative_en if english else standards.notice.authoritative
                ),
                lang=lang,
            )
        )
        if len(results) >= limit:
            break
    return results
