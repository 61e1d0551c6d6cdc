"""Text normalisation shared by rule matching and the directory search.

Korean is written with free spacing ("헬스장 환불" / "헬스장환불") and particles glued to
words ("헬스장에서"), so Korean terms are matched on a compact form without spaces or
punctuation. Latin-script terms are matched on word boundaries instead: compacting
English would make "ott" match inside "bottle".
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def normalize(text: str) -> str:
    """Lower-case, NFC, punctuation to single spaces."""
    text = unicodedata.normalize("NFC", text).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def compact(text: str) -> str:
    """Normalised text with no spaces at all: the spacing-insensitive key."""
    return normalize(text).replace(" ", "")


def has_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None


def jamo(text: str) -> str:
    """Decompose Hangul syllables into jamo so one wrong vowel is a small edit.

    "보증굼" and "보증금" differ in one of three syllables (67% alike) but in one of
    eight jamo (88% alike), which is how people perceive the typo.
    """
    return unicodedata.normalize("NFD", text)


def term_in_text(term: str, text: str) -> bool:
    """Whether a lexicon or rule term occurs in free text.

    Korean terms: spacing-insensitive substring. Latin terms: at a word start, with
    flexible spacing, so "refund" also finds "refunds" and "refunded"; terms written in
    capitals are acronyms and must match a whole word.
    """
    if has_hangul(term):
        key = compact(term)
        return bool(key) and key in compact(text)
    words = normalize(term).split()
    if not words:
        return False
    pattern = r"\b" + r"\s*".join(re.escape(w) for w in words)
    if term.isupper():
        # Acronyms are whole words: "KT" is not the start of "KTX", nor "SEO" of "Seoul".
        pattern += r"\b"
    return re.search(pattern, normalize(text)) is not None
