"""The text classifier's model: a sparse linear layer over morpheme and character n-grams.

spaCy's built-in TextCatBOW reads token ORTH only. People write Korean with free
spacing, typos and particles glued on, so we key on Kiwi's lemmas of content
morphemes (particles and endings dropped) and add character n-grams of the
space-free text, which carry the spacing- and typo-tolerance of a character model.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import spacy
from spacy.attrs import LEMMA, POS
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc
from thinc.api import (
    Model,
    SparseLinear_v2,
    chain,
    resizable,
    softmax_activation,
)
from thinc.layers.resizable import resize_linear_weighted

from classifier.matching import doc_text
from classifier.text import compact_text

# Parts of speech that say nothing about what the complaint is about.
_KEEP_POS = np.ones(max(POS_IDS.values()) + 1, dtype=bool)
_KEEP_POS[[POS_IDS[p] for p in ("ADP", "PART", "PUNCT", "SPACE", "SYM")]] = False
# Keeps character n-gram keys apart from lemma n-gram keys before hashing.
_CHAR_SALT = np.uint64(0x9E3779B97F4A7C15)
_NEG_VALUE = -5000
_CHARS_KEY = "relief_char_codes"


def _char_codes(doc: Doc) -> np.ndarray:
    # The registry matcher already made the compact text; Doc.text would build a Token
    # per token. Cached on the doc because training reads each doc many times.
    codes = doc.user_data.get(_CHARS_KEY)
    if codes is None:
        ct = doc._.relief_compact if Doc.has_extension("relief_compact") else None
        compact = ct.compact if ct is not None else compact_text(doc_text(doc)).compact
        codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        codes = codes + _CHAR_SALT
        doc.user_data[_CHARS_KEY] = codes
    return codes


def doc_keys(model: Model, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """Unique feature keys of one doc and their counts."""
    ops = model.ops
    arr = doc.to_array([LEMMA, POS])
    lemmas = np.ascontiguousarray(arr[_KEEP_POS[arr[:, 1]], 0], dtype=np.uint64)
    parts = [lemmas]
    for n in range(2, model.attrs["ngram_size"] + 1):
        if len(lemmas) >= n:
            parts.append(np.asarray(ops.ngrams(n, lemmas), dtype=np.uint64))
    chars = _char_codes(doc)
    for n in model.attrs["char_ngrams"]:
        if n == 1:
            parts.append(chars)
        elif len(chars) >= n:
            parts.append(np.asarray(ops.ngrams(n, chars), dtype=np.uint64))
    keys = np.concatenate(parts)
    return np.unique(keys, return_counts=True)


def _extract_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Any, Any]:
    batch_keys = []
    batch_vals = []
    for doc in docs:
        keys, counts = doc_keys(model, doc)
        # Log counts (a word said five times is not five times the evidence), scaled to
        # unit length so that long and short complaints speak equally loud. (Tried and
        # measured no better: IDF weights, word-boundary character n-grams, 4-grams.)
        vals = np.log1p(counts)
        norm = np.sqrt((vals * vals).sum())
        batch_keys.append(keys)
        batch_vals.append((vals / norm if norm else vals).astype("f"))
    lengths = model.ops.asarray1i([len(k) for k in batch_keys])
    keys = model.ops.asarray(np.concatenate(batch_keys) if batch_keys else np.zeros(0, "uint64"))
    vals = model.ops.asarray(np.concatenate(batch_vals) if batch_vals else np.zeros(0, "f"))

    def backprop(_d_out: Any) -> list[Any]:
        return []

    return (keys, vals, lengths), backprop


def extract_features(ngram_size: int, char_ngrams: list[int]) -> Model:
    return Model(
        "relief_extract_features",
        _extract_forward,
        attrs={"ngram_size": ngram_size, "char_ngrams": list(char_ngrams)},
    )


@spacy.registry.architectures("relief.TextCatLemmaChars.v1")
def build_text_classifier(
    exclusive_classes: bool,
    ngram_size: int,
    char_ngrams: list[int],
    length: int,
    nO: int | None = None,
) -> Model:
    """A sparse linear text classifier over lemma n-grams and character n-grams."""
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    fill_defaults = {"b": _NEG_VALUE, "W": 0}
    resizable_layer = resizable(
        sparse_linear, resize_layer=partial(resize_linear_weighted, fill_defaults=fill_defaults)
    )
    # CPU only (no with_cpu wrappers): each wrapper costs time on every complaint.
    model = chain(extract_features(ngram_size, char_ngrams), resizable_layer,
                  softmax_activation())
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = not exclusive_classes
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model

