"""Plain-text checks done before any model runs: cleaning, language, readability.

Cleaning never changes the length of the text, so every character offset the router
reports (evidence highlighting) points into the text exactly as the consumer wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Long inputs are analysed up to this many characters; the rest adds nothing to routing
# and would only cost time (a 100,000-character paste must still answer quickly).
MAX_ANALYSED_CHARS = 4000
# Fewer readable letters than this is not a complaint one can route (a Hangul
# syllable carries about as much as two or three Latin letters).
MIN_HANGUL = 4
MIN_LATIN = 8

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z!][^<>]{0,300}>")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,6});")


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _unreadable_class() -> re.Pattern[str]:
    """Control, format, separator, surrogate and private-use characters (not \n, \t)."""
    ranges: list[list[int]] = []
    for code in range(0x10000):
        ch = chr(code)
        if ch in "\n\t" or unicodedata.category(ch) not in _BLANKED:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    # Astral planes: tag characters, variation selectors supplement, private use planes.
    ranges += [[0xE0000, 0xE0FFF], [0xF0000, 0x10FFFF]]
    parts = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[{parts}]")


_BLANKED = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp", "Zs"})
_UNREADABLE = _unreadable_class()


def clean_text(text: str) -> str:
    """Blank out markup and control characters, keeping every offset in place."""
    text = _SCRIPT_OR_STYLE.sub(_blank, text)
    text = _TAG.sub(_blank, text)
    text = _ENTITY.sub(_blank, text)
    return _UNREADABLE.sub(" ", text)


_HANGUL_CHARS = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e]")
_LATIN_CHARS = re.compile(r"[A-Za-z]")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class TextProfile:
    """What the router needs to know about a text before analysing it."""

    hangul: int
    latin: int
    other_letters: int

    @property
    def letters(self) -> int:
        return self.hangul + self.latin

    @property
    def lang(self) -> str | None:
        # Korean complaints often carry English brand names; a little Hangul decides.
        if self.hangul >= 2 and self.hangul * 5 >= self.latin:
            return "ko"
        if self.latin >= 3:
            return "en"
        if self.hangul >= 2:
            return "ko"
        return None


def profile(text: str) -> TextProfile:
    hangul = len(_HANGUL_CHARS.findall(text))
    latin = len(_LATIN_CHARS.findall(text))
    letters = len(_LETTERS.findall(text))
    # Compatibility jamo (ㅋㅋ, ㅠㅠ) are not letters to \w in every case; never negative.
    return TextProfile(hangul, latin, max(0, letters - hangul - latin))


def verdict_for(text: str) -> tuple[str | None, str | None]:
    """Return (verdict, lang) where verdict is None when the text can be routed.

    "unreadable": no Korean or English to read (emoji, punctuation, another script).
    "too_short": readable but too little of it to route.
    """
    prof = profile(text)
    if prof.letters == 0:
        return "unreadable", None
    # Mostly another script (Chinese, Arabic, ...) with a stray Latin or Hangul letter.
    if prof.other_letters > 2 * prof.letters:
        return "unreadable", None
    lang = prof.lang
    if lang is None:
        return "too_short", "ko" if prof.hangul else "en"
    if (lang == "ko" and prof.hangul < MIN_HANGUL) or (lang == "en" and prof.latin < MIN_LATIN):
        return "too_short", lang
    return None, lang


def _lower1(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


def compact_key(term: str) -> str:
    """A term's spacing-insensitive key; the same rule as `agencies.text.compact`."""
    term = unicodedata.normalize("NFC", term)
    return "".join(_lower1(ch) for ch in term if ch.isalnum())


def is_latin_key(key: str) -> bool:
    return key.isascii()


@dataclass(frozen=True, slots=True)
class CompactText:
    """The text without spaces and punctuation, with each character's original offset."""

    text: str
    compact: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of compact[start:end]."""
        return self.offsets[start], self.offsets[end - 1] + 1

    def word_start(self, i: int) -> bool:
        """Whether compact position i begins a Latin word in the original text."""
        pos = self.offsets[i]
        return pos == 0 or not (self.text[pos - 1].isascii() and self.text[pos - 1].isalnum())

    def word_end(self, i: int) -> bool:
        """Whether compact position i (exclusive end) ends a Latin word in the original."""
        pos = self.offsets[i - 1] + 1
        return pos >= len(self.text) or not (
            self.text[pos].isascii() and self.text[pos].isalnum()
        )


_ALNUM_RUNS = re.compile(r"[^\W_]+")


def compact_text(text: str) -> CompactText:
    parts: list[str] = []
    offsets: list[int] = []
    for m in _ALNUM_RUNS.finditer(text):
        run = m.group()
        low = run.lower()
        parts.append(low if len(low) == len(run) else "".join(_lower1(ch) for ch in run))
        offsets.extend(range(m.start(), m.end()))
    return CompactText(text, "".join(parts), tuple(offsets))
