"""kiwipiepy as spaCy's tokenizer for Korean, spaCy's own tokenizer for English.

Tokens are the surface spans of Kiwi's morphemes. Where Kiwi's morphemes share
characters (했 = 하 + 었, 산 = 사 + ㄴ) they become one token, so that the tokens
are non-overlapping slices of the text and ``doc.text`` is the text itself: every
token offset is an offset into what the consumer wrote. The content morpheme's
lemma (사다, 하다) and a UD part of speech are carried onto the token, the Kiwi tags
("VV+ETM") onto ``tag_``.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import spacy
from spacy.lang.en import English
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
from spacy.vocab import Vocab

from classifier.text import profile

# Kiwi's beam cut-off: lower is faster. 3.0 instead of the default 8.0 takes about a
# quarter off the time for a 500-character complaint (4.3 -> 3.3 ms) and changes the
# analysis of 14% of our fixtures slightly (segmentation details, measured on Kiwi alone).
KIWI_CUTOFF = 3.0

_KIWI: Any = None
_KIWI_LOCK = threading.Lock()

if not Doc.has_extension("relief_lang"):
    Doc.set_extension("relief_lang", default=None)


def get_kiwi() -> Any:
    """The process-wide Kiwi instance (loading takes about a second and 250 MB)."""
    global _KIWI
    if _KIWI is None:
        with _KIWI_LOCK:
            if _KIWI is None:
                from kiwipiepy import Kiwi

                with warnings.catch_warnings():
                    # num_workers=0 means "analyse in the calling thread"; kiwipiepy warns
                    # that its meaning changed in 0.21, which is exactly the meaning we want.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    # The Wikipedia proper-noun dictionaries cost 250 MB of memory and change
                    # the analysis of about 5% of our fixtures (mostly proper-noun splits);
                    # brand names are matched on the raw text by the registry matcher.
                    kiwi = Kiwi(num_workers=0, load_default_dict=False, load_multi_dict=False)
                kiwi.global_config.cutoff_threshold = KIWI_CUTOFF
                kiwi.tokenize("")  # Kiwi loads lazily; pay the cost now, not on first use
                _KIWI = kiwi
    return _KIWI


_UD = {
    "NNG": "NOUN", "NNB": "NOUN", "NNP": "PROPN", "NR": "NUM", "NP": "PRON",
    "VV": "VERB", "VA": "ADJ", "VX": "AUX", "VCP": "AUX", "VCN": "AUX",
    "MM": "DET", "MAG": "ADV", "MAJ": "CCONJ", "IC": "INTJ",
    "XPN": "X", "XSN": "X", "XSV": "AUX", "XSA": "AUX", "XSM": "X", "XR": "NOUN",
    "SF": "PUNCT", "SP": "PUNCT", "SS": "PUNCT", "SSO": "PUNCT", "SSC": "PUNCT",
    "SE": "PUNCT", "SO": "PUNCT", "SW": "SYM", "SL": "X", "SH": "X", "SN": "NUM",
    "SB": "SYM", "UN": "X", "Z_CODA": "X", "Z_SIOT": "X", "USER0": "X",
}
_CONTENT = ("N", "V", "M", "XR", "SL", "SH", "SN", "IC", "W_")


def _tag_info(tag: str) -> tuple[str, str, bool]:
    """(base tag, UD part of speech, is a content morpheme) for a Kiwi tag."""
    base = tag.split("-")[0]  # VV-R / VV-I: regular / irregular conjugation
    info = (base, _ud(base), base.startswith(_CONTENT))
    _TAG_INFO[tag] = info
    return info


_TAG_INFO: dict[str, tuple[str, str, bool]] = {}


def _lemma(tok: Any, info: tuple[str, str, bool]) -> str:
    lemma = tok.lemma or tok.form
    return lemma.lower() if info[0] == "SL" else lemma


def _ud(tag: str) -> str:
    if tag.startswith("J"):
        return "ADP"
    if tag.startswith("E"):
        return "PART"
    if tag.startswith("W_"):
        return "SYM" if tag == "W_EMOJI" else "X"
    return _UD.get(tag, "X")


_RUNS = re.compile(r"\s+|\S+")


def _simple_lemma(lower: str) -> str:
    """A deliberately crude English lemma: enough to join "refunds"/"refund"."""
    if len(lower) > 4 and lower.endswith("ies"):
        return lower[:-3] + "y"
    if len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return lower[:-1]
    return lower


def _english_tokenizer(vocab: Vocab) -> Tokenizer:
    """spaCy's English tokenizer rules, sharing the pipeline's vocab."""
    defaults = English.Defaults
    return Tokenizer(
        vocab,
        rules=defaults.tokenizer_exceptions,
        prefix_search=compile_prefix_regex(defaults.prefixes).search,
        suffix_search=compile_suffix_regex(defaults.suffixes).search,
        infix_finditer=compile_infix_regex(defaults.infixes).finditer,
        token_match=defaults.token_match,
        url_match=defaults.url_match,
    )


class KiwiTokenizer:
    """spaCy tokenizer: Kiwi morphemes for Korean, spaCy's English rules otherwise."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        # Built on first English complaint: compiling spaCy's English rules takes 0.15 s.
        self._english: Tokenizer | None = None

    def __call__(self, text: str) -> Doc:
        lang = profile(text).lang or "ko"
        doc = self._korean(text) if lang == "ko" else self._english_doc(text)
        doc._.relief_lang = lang
        doc.user_data["relief_text"] = text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    def _english_doc(self, text: str) -> Doc:
        if self._english is None:
            self._english = _english_tokenizer(self.vocab)
        doc = self._english(text)
        for token in doc:
            token.lemma_ = _simple_lemma(token.lower_)
            if token.is_space:
                token.pos_ = "SPACE"
            elif token.is_punct:
                token.pos_ = "PUNCT"
        return doc

    def _korean(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        lemmas: list[str] = []
        pos: list[str] = []
        tags: list[str] = []
        starts: list[int] = []
        content: list[bool] = []
        cursor = 0  # end of the last token emitted

        def add(start: int, end: int, lemma: str, upos: str, tag: str, is_content: bool) -> None:
            words.append(text[start:end])
            spaces.append(False)
            lemmas.append(lemma)
            pos.append(upos)
            tags.append(tag)
            starts.append(start)
            content.append(is_content)

        def gap(start: int, end: int) -> None:
            # Text Kiwi did not cover: whitespace, or characters it skipped.
            for m in _RUNS.finditer(text, start, end):
                piece = m.group()
                s = m.start()
                if piece.isspace():
                    if words and not spaces[-1] and piece[0] == " " and pos[-1] != "SPACE":
                        spaces[-1] = True
                        s += 1
                    if s < m.end():
                        add(s, m.end(), text[s:m.end()], "SPACE", "_SP", False)
                else:
                    add(s, m.end(), piece.lower(), "X", "UN", False)

        for tok in get_kiwi().tokenize(text):
            start = tok.start
            end = start + tok.len
            tag = tok.tag
            info = _TAG_INFO.get(tag) or _tag_info(tag)
            if words and (start < cursor or (start == cursor and end == start)):
                # Morphemes sharing characters (했 = 하 + 었) make one token.
                if end > cursor:
                    cursor = end
                    words[-1] = text[starts[-1]:end]
                tags[-1] += "+" + info[0]
                if not content[-1] and info[2]:
                    lemmas[-1], pos[-1], content[-1] = _lemma(tok, info), info[1], True
                continue
            if end == start:
                continue  # an empty morpheme with nothing to attach to
            if start == cursor + 1 and text[cursor] == " " and words and not spaces[-1]:
                spaces[-1] = True  # the common case, without the regex
            elif start > cursor:
                gap(cursor, start)
            add(start, end, _lemma(tok, info), info[1], info[0], info[2])
            cursor = end
        gap(cursor, len(text))
        return Doc(self.vocab, words=words, spaces=spaces, lemmas=lemmas, pos=pos, tags=tags)

    # The tokenizer has no state of its own; these let nlp.to_disk / from_disk pass through.
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, _bytes_data: bytes, **kwargs: Any) -> KiwiTokenizer:
        return self

    def to_disk(self, _path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, _path: Any, **kwargs: Any) -> KiwiTokenizer:
        return self


@spacy.registry.tokenizers("relief.kiwi_tokenizer.v1")
def create_kiwi_tokenizer() -> Callable[[Any], KiwiTokenizer]:
    def make(nlp: Any) -> KiwiTokenizer:
        return KiwiTokenizer(nlp.vocab)

    return make
