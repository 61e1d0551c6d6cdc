"""Finding the registry's terms in a complaint: exact, by lemma, and fuzzily.

Three matchers, each cheap enough to run on every complaint:

- `ExactMatcher`: every key on the compact text, so "헬스장환불", "헬스장 환불" and
  "헬스장에서 환불" all hold 헬스장 and 환불. Latin keys must start a word, and short
  ones must also end it ("kt" is not in "ktx").
- `LemmaMatcher`: spaCy's PhraseMatcher over the sequence of content lemmas, so
  "돈을 안 돌려줘요" matches the colloquial "돈 안 돌려줌" (돈 안 돌려주다).
- `FuzzyMatcher`: rapidfuzz on jamo (보증굼 ~ 보증금) and Latin letters (netflx ~
  netflix), for keys of at least three syllables or five letters; candidates are
  prefiltered by shared jamo trigrams so only a handful get aligned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, LOWER, POS
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import hash_string
from spacy.tokens import Doc
from spacy.vocab import Vocab

from classifier.lexicon import Lexicon
from classifier.text import CompactText, compact_key, is_latin_key


@dataclass(frozen=True, slots=True)
class Hit:
    entry: int
    kind: str  # "term" (exact or lemma) | "fuzzy"
    start: int
    end: int
    score: float  # 1.0 for exact, the similarity for fuzzy


# Negations stay: "not refunded" is not "refunded".
_EN_STOP = frozenset(STOP_WORDS) - {"not", "no", "never", "without", "nobody", "nothing"}
_CONTENT_POS = np.zeros(max(POS_IDS.values()) + 1, dtype=bool)
_CONTENT_POS[[POS_IDS[p] for p in ("NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM", "X", "DET",
                                   "INTJ", "")]] = True
_EN_STOP_HASHES = np.array(sorted(hash_string(w) for w in _EN_STOP), dtype=np.uint64)


def doc_text(doc: Doc) -> str:
    """The doc's text, kept by our tokenizer: Doc.text would build a Token per token."""
    text = doc.user_data.get("relief_text")
    return text if text is not None else doc.text


@dataclass(frozen=True, slots=True)
class ContentTokens:
    """The tokens that carry meaning (no particles, endings, punctuation, stop words)."""

    lemmas: list[str]
    starts: np.ndarray
    ends: np.ndarray


def content_tokens(doc: Doc) -> ContentTokens:
    arr = doc.to_array([POS, IS_SPACE, IS_PUNCT, LEMMA, LOWER, IDX, LENGTH])
    keep = _CONTENT_POS[arr[:, 0]] & (arr[:, 1] == 0) & (arr[:, 2] == 0)
    if doc._.relief_lang == "en":
        keep &= ~np.isin(arr[:, 4], _EN_STOP_HASHES)
    sel = arr[keep]
    strings = doc.vocab.strings
    lemmas = [strings[int(lemma or lower)] for lemma, lower in zip(sel[:, 3], sel[:, 4],
                                                                     strict=True)]
    starts = sel[:, 5].astype(np.int64)
    return ContentTokens(lemmas, starts, starts + sel[:, 6].astype(np.int64))


HANGUL, LATIN_PREFIX, WHOLE_WORD = 0, 1, 2


def latin_mode(term: str, key: str) -> int:
    """How a key must sit in the text: Korean anywhere; Latin at a word start ("refund"
    finds "refunded"); acronyms and very short keys as whole words ("KT" is not "KTX")."""
    if not is_latin_key(key):
        return HANGUL
    letters = [c for c in term if c.isalpha()]
    if len(key) <= 3 or (len(letters) >= 2 and all(c.isupper() for c in letters)):
        return WHOLE_WORD
    return LATIN_PREFIX


def _pair_code(pair: str) -> int:
    return (ord(pair[0]) << 21) | ord(pair[1])


class ExactMatcher:
    """All keys (registry terms and rule terms) on the compact text, in one pass."""

    def __init__(self, lexicon: Lexicon, extra_terms: Iterable[str] = ()) -> None:
        self._entries: dict[str, list[int]] = defaultdict(list)
        modes: dict[str, int] = {}
        for i, entry in enumerate(lexicon.entries):
            self._entries[entry.key].append(i)
            modes[entry.key] = max(modes.get(entry.key, 0), latin_mode(entry.term, entry.key))
        for term in extra_terms:
            key = compact_key(term)
            if len(key) >= 2:
                modes[key] = max(modes.get(key, 0), latin_mode(term, key))
        # prefix -> [(length, {key: mode})]: a handful of slice lookups per position,
        # however many keys start with "환불" or "보험".
        grouped: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        for key, mode in modes.items():
            grouped[key[:2]][len(key)][key] = mode
        self._by_prefix: dict[str, list[tuple[int, dict[str, int]]]] = {
            prefix: sorted(by_len.items()) for prefix, by_len in grouped.items()
        }
        # The two-character prefixes as integers, to find candidate positions with numpy.
        self._prefix_codes = np.unique(np.array(
            [_pair_code(p) for p in self._by_prefix], dtype=np.uint64))

    def find(self, ct: CompactText) -> dict[str, tuple[int, int]]:
        """First occurrence (original start, end) of every key in the text."""
        found: dict[str, tuple[int, int]] = {}
        compact = ct.compact
        if len(compact) < 2 or not len(self._prefix_codes):
            return found
        codes = _codes(compact)
        pairs = (codes[:-1] << np.uint64(21)) | codes[1:]
        prefixes = self._prefix_codes
        where = np.minimum(np.searchsorted(prefixes, pairs), len(prefixes) - 1)
        positions = np.nonzero(prefixes[where] == pairs)[0]
        by_prefix = self._by_prefix
        for pos in positions.tolist():
            for length, keys in by_prefix[compact[pos : pos + 2]]:
                key = compact[pos : pos + length]
                mode = keys.get(key)
                if mode is None or key in found:
                    continue
                end = pos + length
                if mode and not ct.word_start(pos):
                    continue
                if mode == WHOLE_WORD and not ct.word_end(end):
                    continue
                found[key] = ct.span(pos, end)
        return found

    def hits(self, found: dict[str, tuple[int, int]]) -> list[Hit]:
        hits = []
        for key, (start, end) in found.items():
            for i in self._entries.get(key, ()):
                hits.append(Hit(i, "term", start, end, 1.0))
        return hits


class LemmaMatcher:
    """PhraseMatcher over content lemmas, for terms a compact key cannot find."""

    def __init__(self, lexicon: Lexicon, vocab: Vocab) -> None:
        self.vocab = vocab
        self._matcher = PhraseMatcher(vocab, attr="ORTH")
        self._ids: dict[int, list[int]] = defaultdict(list)
        patterns: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, entry in enumerate(lexicon.entries):
            lemmas = entry.lemmas
            # Single nouns are found by the compact key already; verbs need their lemma.
            if len(lemmas) >= 2 or (len(lemmas) == 1 and lemmas[0].endswith("다")):
                patterns[lemmas].append(i)
        for lemmas, ids in patterns.items():
            key = " ".join(lemmas)
            self._matcher.add(key, [Doc(vocab, words=list(lemmas))])
            self._ids[vocab.strings[key]] = ids

    def __call__(self, content: ContentTokens) -> list[Hit]:
        if not content.lemmas:
            return []
        lemma_doc = Doc(self.vocab, words=content.lemmas)
        hits = []
        for match_id, start, end in self._matcher(lemma_doc):
            first, last = int(content.starts[start]), int(content.ends[end - 1])
            for i in self._ids.get(match_id, ()):
                hits.append(Hit(i, "term", first, last, 1.0))
        return hits


# Hangul syllable -> conjoining jamo, as a str.translate table.
_JAMO_TABLE: dict[int, str] = {}
for _code in range(0xAC00, 0xD7A4):
    _idx = _code - 0xAC00
    _lead, _vowel, _tail = _idx // 588, (_idx % 588) // 28, _idx % 28
    _JAMO_TABLE[_code] = chr(0x1100 + _lead) + chr(0x1161 + _vowel) + (
        chr(0x11A7 + _tail) if _tail else ""
    )


def to_jamo(text: str) -> str:
    return text.translate(_JAMO_TABLE)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _trigrams(codes: np.ndarray) -> np.ndarray:
    if len(codes) < 3:
        return np.zeros(0, dtype=np.uint64)
    return (codes[:-2] << np.uint64(42)) | (codes[1:-1] << np.uint64(21)) | codes[2:]


class FuzzyMatcher:
    """rapidfuzz alignment of a few prefiltered keys against the jamo text.

    Only keys of at least four syllables or five letters: a one-jamo slip in a
    three-syllable word is too often another real word (공사장/공사중, 권리금/원리금).
    A match is snapped to whole syllables (Latin: whole words) and re-scored, and it
    is dropped when what the text says there is itself a registry key (계약해지 is
    not a misspelt 계약해제, it is another term).
    """

    MIN_HANGUL = 4
    MIN_LATIN = 5
    CUTOFF_HANGUL = 88.0
    CUTOFF_LATIN = 85.0
    MAX_CANDIDATES = 16

    def __init__(self, lexicon: Lexicon) -> None:
        ids: list[int] = []
        grams: list[np.ndarray] = []
        self._jamo: dict[int, str] = {}
        self._latin: dict[int, bool] = {}
        self._keys = frozenset(e.key for e in lexicon.entries)
        counts = []
        for i, entry in enumerate(lexicon.entries):
            if entry.category == "exclusions":
                continue
            if len(entry.key) < (self.MIN_LATIN if entry.latin else self.MIN_HANGUL):
                continue
            jamo = to_jamo(entry.key)
            tri = np.unique(_trigrams(_codes(jamo)))
            if len(tri) < 3:
                continue
            self._jamo[i] = jamo
            self._latin[i] = entry.latin
            ids.append(i)
            grams.append(tri)
            counts.append(len(tri))
        n_entries = len(lexicon.entries)
        self._n_grams = np.zeros(n_entries, dtype=np.int32)
        if ids:
            self._n_grams[np.array(ids)] = np.array(counts)
            all_grams = np.concatenate(grams)
            all_ids = np.repeat(np.array(ids, dtype=np.int32), counts)
            order = np.argsort(all_grams, kind="stable")
            self._grams = all_grams[order]
            self._gram_ids = all_ids[order]
        else:
            self._grams = np.zeros(0, dtype=np.uint64)
            self._gram_ids = np.zeros(0, dtype=np.int32)
        self._n_entries = n_entries

    def _candidates(self, jamo: str, exact: set[int]) -> list[int]:
        text_grams = np.unique(_trigrams(_codes(jamo)))
        lo = np.searchsorted(self._grams, text_grams, side="left")
        hi = np.searchsorted(self._grams, text_grams, side="right")
        sizes = hi - lo
        total = int(sizes.sum())
        if not total:
            return []
        starts = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
        shared = np.bincount(self._gram_ids[starts], minlength=self._n_entries)
        # One wrong jamo changes at most three trigrams.
        wanted = shared >= np.maximum(3, self._n_grams - 3)
        if exact:
            wanted[np.fromiter(exact, dtype=np.int64)] = False
        candidates = np.nonzero(wanted)[0]
        if len(candidates) > self.MAX_CANDIDATES:
            ratio = shared[candidates] / self._n_grams[candidates]
            candidates = candidates[np.argsort(-ratio, kind="stable")[: self.MAX_CANDIDATES]]
        return candidates.tolist()

    def __call__(self, ct: CompactText, exact: set[int]) -> list[Hit]:
        if not len(self._grams) or len(ct.compact) < 4:
            return []
        compact = ct.compact
        jamo = to_jamo(compact)
        candidates = self._candidates(jamo, exact)
        if not candidates:
            return []
        codes = _codes(compact)
        # Each compact character is 2 or 3 jamo if a Hangul syllable, else 1.
        hangul = (codes >= 0xAC00) & (codes <= 0xD7A3)
        lengths = np.where(hangul, np.where((codes - 0xAC00) % 28 == 0, 2, 3), 1)
        jamo_to_compact = np.repeat(np.arange(len(codes)), lengths)
        hits = []
        for i in candidates:
            key = self._jamo[i]
            latin = self._latin[i]
            cutoff = self.CUTOFF_LATIN if latin else self.CUTOFF_HANGUL
            found = fuzz.partial_ratio_alignment(key, jamo, score_cutoff=cutoff)
            if found is None or found.dest_end <= found.dest_start:
                continue
            c_start = int(jamo_to_compact[found.dest_start])
            c_end = int(jamo_to_compact[found.dest_end - 1]) + 1
            # The jamo window may start in the syllable before or stop short of the last
            # one: try whole-syllable (Latin: whole-word) spans around it, keep the best.
            best = (0.0, c_start, c_end)
            for a in (c_start - 1, c_start, c_start + 1):
                for b in (c_end - 1, c_end, c_end + 1):
                    if a < 0 or b > len(compact) or b - a < 2:
                        continue
                    if latin and not (ct.word_start(a) and ct.word_end(b)):
                        continue
                    score = fuzz.ratio(key, to_jamo(compact[a:b]), score_cutoff=cutoff)
                    if score > best[0]:
                        best = (score, a, b)
            score, c_start, c_end = best
            if not score or compact[c_start:c_end] in self._keys:
                continue
            start, end = ct.span(c_start, c_end)
            hits.append(Hit(i, "fuzzy", start, end, round(score / 100.0, 3)))
        return hits
