"""The public directory's search box: find bodies from what a person types.

Queries are short and messy ("헬스장환불", "보증굼", "phone bill"), so every query word
is compared with every body's names, lexicons and handles prose in three ways:
exact (spacing-insensitive), as part of a longer entry ("보증금" in "보증금 반환"), and
fuzzily on Hangul jamo so a wrong vowel costs little. A word glued together from
several entries ("헬스장환불") scores by how much of it the body's entries cover.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from agencies.model import Registry
from agencies.text import compact, has_hangul, jamo, normalize, term_in_text

# How much an entry counts, by where it comes from. Prose is long and general, so a
# word of it is weak evidence; a lexicon term is what the body says it handles.
WEIGHTS = {
    "name": 1.0,
    "terms": 1.0,
    "products": 0.95,
    "businesses": 0.95,
    "colloquial": 0.9,
    "handles": 0.45,
}
FUZZY_CUTOFF = 80.0  # jamo similarity; one wrong jamo in a 2-3 syllable word passes
PARTIAL_CUTOFF = 82.0  # entry found fuzzily inside a longer glued word
MIN_SCORE = 0.3
EXCLUSION_PENALTY = 0.5


@dataclass(frozen=True, slots=True)
class SearchHit:
    body_id: str
    score: float  # 0..1, comparable within one query
    matched: tuple[str, ...]  # the names or terms that matched, best first


@dataclass(frozen=True, slots=True)
class _Entry:
    body_id: str
    text: str
    weight: float


@dataclass
class _Index:
    keys: list[str]  # unique compact keys
    spaced: list[str]  # same order: normalised with spaces, for Latin word starts
    jamo_keys: list[str]  # same order: decomposed into jamo
    entries: list[list[_Entry]]  # same order: which bodies list this key
    positions: dict[str, int]  # key -> its position
    exclusions: dict[str, tuple[str, ...]]  # body id -> exclusion terms


_indexes: weakref.WeakKeyDictionary[Registry, _Index] = weakref.WeakKeyDictionary()


def search_bodies(
    registry: Registry, query: str, lang: str = "ko", limit: int = 10
) -> list[SearchHit]:
    """Bodies matching `query`, best first; empty for garbage or an empty query.

    `lang` is the interface language: entries in it count a little more, but both
    languages are always searched (people type "넷플릭스" and "netflix" alike).
    """
    index = _index(registry)
    words = _query_words(query)
    if not words or limit <= 0:
        return []
    own = "ko" if lang.lower().startswith("ko") else "en"
    answered = [hits for hits in (_match_word(index, w, own) for w in words) if hits]
    if not answered:
        return []

    totals: dict[str, float] = defaultdict(float)
    matched: dict[str, dict[str, float]] = defaultdict(dict)
    for word_hits in answered:
        for body_id, (score, texts) in word_hits.items():
            totals[body_id] += score
            for text, quality in texts.items():
                matched[body_id][text] = max(quality, matched[body_id].get(text, 0.0))

    # Several words that together are one entry ("전세 보증금", "phone bill").
    whole = compact(query)
    phrase_bodies: set[str] = set()
    if len(words) > 1 and whole in index.positions:
        phrase_bodies = {e.body_id for e in index.entries[index.positions[whole]]}

    hits = []
    for body_id, total in totals.items():
        score = total / len(answered)
        if body_id in phrase_bodies:
            score += 0.15
        # More distinct matching entries = more evidence; breaks ties among bodies
        # that all list a common word such as 환불.
        score += 0.01 * min(len(matched[body_id]), 5)
        if any(term_in_text(term, query) for term in index.exclusions.get(body_id, ())):
            score *= EXCLUSION_PENALTY
        if score >= MIN_SCORE:
            best = sorted(matched[body_id].items(), key=lambda kv: (-kv[1], kv[0]))
            top = tuple(text for text, _ in best[:5])
            hits.append(SearchHit(body_id, round(min(score, 1.0), 3), top))
    hits.sort(key=lambda h: (-h.score, h.body_id))
    return hits[:limit]


def _query_words(query: str) -> list[str]:
    words = []
    for word in normalize(query).split():
        if has_hangul(word):
            if len(word) >= 2:  # one syllable says nothing on its own
                words.append(word)
        elif (len(word) >= 2 and word not in _STOPWORDS) or word.isdigit():
            words.append(word)
    return words


def _match_word(
    index: _Index, word: str, own_lang: str
) -> dict[str, tuple[float, dict[str, float]]]:
    """Score every body for one query word: body -> (score, matched entry texts)."""
    word_jamo = jamo(word)
    hangul = has_hangul(word)
    best: dict[str, float] = defaultdict(float)
    texts: dict[str, dict[str, float]] = defaultdict(dict)
    # Jamo positions of a glued word ("헬스장환불") covered by each body's entries,
    # with the weight of the best entry covering each position.
    covered: dict[str, dict[int, float]] = defaultdict(dict)

    def note(entry: _Entry, value: float) -> None:
        texts[entry.body_id][entry.text] = max(value, texts[entry.body_id].get(entry.text, 0.0))

    def credit(position: int, quality: float) -> None:
        for entry in index.entries[position]:
            value = quality * entry.weight * _lang_factor(entry.text, own_lang)
            best[entry.body_id] = max(best[entry.body_id], value)
            note(entry, value)

    def cover(position: int, start: int, end: int, quality: float) -> None:
        for entry in index.entries[position]:
            spans = covered[entry.body_id]
            value = quality * entry.weight
            for i in range(start, end):
                spans[i] = max(value, spans.get(i, 0.0))
            note(entry, value)

    short_latin = not hangul and len(word) < 3  # "kt", "pt": whole entries only
    for position, key in enumerate(index.keys):
        if key == word:
            credit(position, 1.0)
        elif short_latin:
            if f" {word} " in f" {index.spaced[position]} ":
                credit(position, 0.6 + 0.4 * len(word) / len(key))
        elif word in key and (hangul or f" {word}" in f" {index.spaced[position]}"):
            # The word is part of a longer entry: "보증금" in "보증금반환", "bill" in
            # "phone bill" (Latin only at a word start, so not "ill" in "bill").
            credit(position, 0.6 + 0.4 * len(word) / len(key))
        elif hangul and len(key) >= 2 and key in word:
            start = word_jamo.find(index.jamo_keys[position])
            if start >= 0:
                cover(position, start, start + len(index.jamo_keys[position]), 1.0)

    if len(word_jamo) >= 4:
        for _, score, position in process.extract(
            word_jamo, index.jamo_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=40
        ):
            credit(position, 0.85 * score / 100)
    if hangul and len(word) >= 3:
        # Typos inside glued words ("헬스장환뷸"): entries found fuzzily inside the word.
        for _, _score, position in process.extract(
            word_jamo, index.jamo_keys, scorer=fuzz.partial_ratio,
            score_cutoff=PARTIAL_CUTOFF, limit=80,
        ):  # fmt: skip
            key_jamo = index.jamo_keys[position]
            if len(key_jamo) >= 5 and len(key_jamo) < len(word_jamo) and has_hangul(key_jamo):
                where = fuzz.partial_ratio_alignment(key_jamo, word_jamo)
                cover(position, where.dest_start, where.dest_end, 0.8)

    for body_id, spans in covered.items():
        best[body_id] = max(best[body_id], 0.95 * sum(spans.values()) / len(word_jamo))
    return {body_id: (score, texts[body_id]) for body_id, score in best.items() if score > 0}


def _lang_factor(text: str, own_lang: str) -> float:
    return 1.0 if has_hangul(text) == (own_lang == "ko") else 0.97


def _index(registry: Registry) -> _Index:
    index = _indexes.get(registry)
    if index is None:
        index = _build_index(registry)
        _indexes[registry] = index
    return index


def _build_index(registry: Registry) -> _Index:
    by_key: dict[str, dict[str, _Entry]] = defaultdict(dict)

    def add(body_id: str, text: str, weight: float) -> None:
        key = compact(text)
        if len(key) < 2:
            return
        current = by_key[key].get(body_id)
        if current is None or current.weight < weight:
            by_key[key][body_id] = _Entry(body_id, text, weight)

    exclusions: dict[str, tuple[str, ...]] = {}
    for body in registry.bodies:
        for name in (body.name, body.short_name):
            for text in (name.ko, name.en):
                add(body.id, text, WEIGHTS["name"])
                # Names without their parenthesised part: "한국소비자원 (피해구제)".
                add(body.id, text.split("(")[0], WEIGHTS["name"])
        add(body.id, body.id, WEIGHTS["name"])
        for category, term in body.routing.all_terms():
            add(body.id, term, WEIGHTS[category])
        for prose in (body.handles.ko, body.handles.en):
            for word in _prose_words(prose):
                add(body.id, word, WEIGHTS["handles"])
        exclusions[body.id] = (*body.routing.exclusions.ko, *body.routing.exclusions.en)
    keys = sorted(by_key)
    entries = [list(by_key[k].values()) for k in keys]
    return _Index(
        keys=keys,
        spaced=[normalize(e[0].text) for e in entries],
        jamo_keys=[jamo(k) for k in keys],
        entries=entries,
        positions={k: i for i, k in enumerate(keys)},
        exclusions=exclusions,
    )


# Function words: ignored in prose and in queries (a query word "the" would
# otherwise find "theft" at a word start).
_STOPWORDS = frozenset(
    {
        "my",
        "me",
        "we",
        "you",
        "our",
        "your",
        "his",
        "her",
        "they",
        "them",
        "were",
        "been",
        "did",
        "does",
        "do",
        "can",
        "but",
        "so",
        "if",
        "then",
        "than",
        "after",
        "before",
        "got",
        "get",
        "just",
        "very",
        "i",
        "a",
        "up",
        "out",
        "all",
        "there",
        "which",
        "and",
        "the",
        "for",
        "with",
        "from",
        "that",
        "this",
        "not",
        "are",
        "was",
        "who",
        "has",
        "have",
        "its",
        "their",
        "into",
        "or",
        "of",
        "to",
        "in",
        "on",
        "by",
        "as",
        "an",
        "at",
        "be",
        "is",
        "it",
        "any",
        "other",
        "such",
        "about",
        "when",
        "what",
        "등",
        "및",
        "또는",
        "관련",
        "경우",
        "위한",
        "대한",
        "통한",
        "따른",
        "있는",
        "없는",
        "하는",
        "되는",
    }
)


def _prose_words(prose: str) -> list[str]:
    """Content words of the handles prose (long Korean words lose trailing particles
    only through fuzzy matching; good enough for a weak signal)."""
    words = []
    for word in normalize(prose).split():
        if word in _STOPWORDS or word.isdigit():
            continue
        if len(word) >= (2 if has_hangul(word) else 4):
            words.append(word)
    return words
