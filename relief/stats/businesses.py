"""One business under its many names: "(주)오케이몰", "오케이", "OK몰", "OKmall".

``relief.cases.businesses.normalise_business`` already drops legal forms, case and
spacing when a case is filed. Counting complaints about one business needs more:
generic endings ("몰", "shop", "코리아") go, and Hangul and Latin spellings meet in
one *sound key* — Hangul romanised (Revised Romanisation, syllable by syllable),
short Latin acronyms read out by their Korean letter names ("OK" → 오케이 → okei),
and both folded so that c/k, f/p, ou/u and doubled letters agree. Keys whose
sound keys are equal, or close by rapidfuzz for long ones, are one business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from relief.cases.businesses import normalise_business

# Endings that name the kind of shop rather than the shop.
_GENERIC_ENDINGS = ("온라인몰", "쇼핑몰", "닷컴", "코리아", "스토어", "센터", "몰", "샵",
                    "online", "korea", "store", "center", "mall", "shop", "com")
# Korean names of Latin letters, for acronyms such as OK, KT, LG.
_LETTER_NAMES = {
    "a": "에이", "b": "비", "c": "씨", "d": "디", "e": "이", "f": "에프", "g": "지",
    "h": "에이치", "i": "아이", "j": "제이", "k": "케이", "l": "엘", "m": "엠", "n": "엔",
    "o": "오", "p": "피", "q": "큐", "r": "알", "s": "에스", "t": "티", "u": "유",
    "v": "브이", "w": "더블유", "x": "엑스", "y": "와이", "z": "지",
}
_INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
             "k", "t", "p", "h"]
_MEDIALS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
            "wo", "we", "wi", "yu", "eu", "ui", "i"]
_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
           "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
# Spelling differences between romanisations and brand spellings, folded away.
_FOLDS = (("ph", "p"), ("f", "p"), ("v", "b"), ("c", "k"), ("q", "k"), ("x", "ks"),
          ("z", "j"), ("eo", "o"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ae", "e"),
          ("eu", "u"), ("y", "i"), ("wo", "o"), ("r", "l"))
_DOUBLE = re.compile(r"(.)\1+")
_LATIN_RUN = re.compile(r"[a-z]+")
FUZZY_CUTOFF = 88
FUZZY_MIN_LENGTH = 6
FUZZY_LIMIT = 2_000  # most frequent sound keys compared pairwise; the rest join by equality


def strip_generic(key: str) -> str:
    """'오케이몰' -> '오케이', 'okmall' -> 'ok'; never down to nothing."""
    changed = True
    while changed:
        changed = False
        for ending in _GENERIC_ENDINGS:
            if key.endswith(ending) and len(key) > len(ending):
                key = key[: -len(ending)]
                changed = True
    return key


def romanise(text: str) -> str:
    """Hangul syllables to Latin letters, one syllable at a time; the rest kept."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            initial, rest = divmod(code, 588)
            medial, final = divmod(rest, 28)
            out.append(_INITIALS[initial] + _MEDIALS[medial] + _FINALS[final])
        else:
            out.append(ch)
    return "".join(out)


def _fold(latin: str) -> str:
    for a, b in _FOLDS:
        latin = latin.replace(a, b)
    return _DOUBLE.sub(r"\1", latin)


def sound_key(name: str) -> str:
    """The key two spellings of one business share: '(주)오케이몰' and 'OKmall' -> 'okei'."""
    key = strip_generic(normalise_business(name))
    # A short run of Latin letters is an acronym read out: "lg전자" is "엘지전자".
    key = _LATIN_RUN.sub(lambda m: m.group() if len(m.group()) > 4 else
                         "".join(_LETTER_NAMES[c] for c in m.group()), key)
    key = romanise(key)
    return _fold(re.sub(r"[^0-9a-z]", "", key)) or key


def same_business(a: str, b: str) -> bool:
    ka, kb = sound_key(a), sound_key(b)
    if ka == kb:
        return True
    return (min(len(ka), len(kb)) >= FUZZY_MIN_LENGTH
            and fuzz.ratio(ka, kb) >= FUZZY_CUTOFF)


def cluster_keys(counts: Mapping[str, int] | Iterable[str], *,
                 fuzzy_limit: int = FUZZY_LIMIT) -> list[list[str]]:
    """Business keys grouped by business, each group's most frequent key first.

    Equal sound keys join directly (linear); long ones within ``FUZZY_CUTOFF`` of each
    other (a typo) join too, which is quadratic, so only among the ``fuzzy_limit``
    most frequent: a typo of a rare name stays apart until it is seen more often.
    """
    weights = dict(counts) if isinstance(counts, Mapping) else {k: 1 for k in counts}
    keys = sorted(weights, key=lambda k: (-weights[k], k))
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)  # the more frequent key stays the root

    sounds = [sound_key(k) for k in keys]
    first: dict[str, int] = {}
    for i, s in enumerate(sounds):
        if s in first:
            union(first[s], i)
        else:
            first[s] = i
    long_ones = [i for i in first.values()
                 if len(sounds[i]) >= FUZZY_MIN_LENGTH][:fuzzy_limit]
    if len(long_ones) > 1:
        scores = cdist([sounds[i] for i in long_ones], [sounds[i] for i in long_ones],
                       scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        for a in range(len(long_ones)):
            for b in range(a + 1, len(long_ones)):
                if scores[a][b]:
                    union(long_ones[a], long_ones[b])
    groups: dict[int, list[str]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(find(i), []).append(k)
    return list(groups.values())
