"""Text repair and normalisation for the dispute standards.

Two jobs live here because cleaning and matching must agree on them:

- repairing the statute text as parsed upstream: middle dots and bullets that came out
  as ``?`` (characters outside the parser's code page);
- keys for matching what consumers type: spacing-insensitive, lower-case, and
  decomposed into jamo so a wrong vowel is a small edit ("헬스징" ~ "헬스장").
"""

from __future__ import annotations

import re
import unicodedata

MIDDLE_DOT = "·"
# Word-joining dots in the notice: U+318D (ㆍ, the official style), U+00B7, U+2024,
# U+30FB, U+2027, U+2219. All mean "and/or" between nouns; one glyph keeps display
# and matching consistent.
_DOT_VARIANTS = "ㆍ·․・‧∙"

# "?" between two word characters can only be a middle dot: a question mark is
# followed by a space or the end of the text.
_DOT_BETWEEN = re.compile(r"(?<=[\w)\]])\?(?=[\w(\[])")
# "?" after a space and before a word is a list bullet (ㆍ in the notice); a question
# mark never follows a space.
_BULLET_DOT = re.compile(r"(?:(?<=\s)|^)\?(?=[가-힣A-Za-z0-9(])")
# Where the notice wraps a line right after a middle dot the parser left "? " behind,
# which looks like a question mark followed by a space. These are the only such places
# in notice 2025-14; each is listed so a real question mark is never touched.
DOT_BEFORE_LINE_BREAK = ("중지? 장애", "명령? 전쟁", "스텐레스?")


def repair_question_marks(text: str) -> tuple[str, dict[str, int]]:
    """Replace the ``?`` that stand for middle dots and bullets; keep real question marks.

    Returns the text and how many of each kind were replaced.
    """
    counts = {"middle_dot": 0, "bullet": 0}
    for spot in DOT_BEFORE_LINE_BREAK:
        while spot in text:
            fixed = spot.replace("? ", MIDDLE_DOT).replace("?", MIDDLE_DOT)
            text = text.replace(spot, fixed, 1)
            counts["middle_dot"] += 1
    text, n = _DOT_BETWEEN.subn(MIDDLE_DOT, text)
    counts["middle_dot"] += n
    text, n = _BULLET_DOT.subn("ㆍ", text)
    counts["bullet"] += n
    return text, counts


def unify_middle_dots(text: str) -> str:
    """Write every word-joining dot as U+00B7; a dot with spaces around it is a bullet."""
    return re.sub(rf"(?<=\S)[{_DOT_VARIANTS}](?=\S)", MIDDLE_DOT, text)


def squash_spaces(text: str) -> str:
    return " ".join(text.split())


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def normalize(text: str) -> str:
    """Lower-case, NFC, punctuation to single spaces."""
    text = unicodedata.normalize("NFC", text).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def compact(text: str) -> str:
    """Normalised text without spaces: Korean spacing is free, so keys ignore it."""
    return normalize(text).replace(" ", "")


def jamo(text: str) -> str:
    """Decompose Hangul syllables into jamo.

    "헬스징" and "헬스장" differ in one jamo of eight, not one syllable of three, which is
    how people perceive the typo.
    """
    return unicodedata.normalize("NFD", text)


def has_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None
