"""The trained text classifier, evaluated for one complaint at a time.

thinc's SparseLinear keeps its weights class-major: the 70 weights of one feature lie
256 KB apart, so scoring ~900 features touches ~120,000 scattered cache lines of an
18 MB matrix, which also evicts Kiwi's language model between complaints. Here the
same weights are stored feature-major (one feature's 70 weights side by side) and the
same hashing (MurmurHash3 x86 32-bit of the 64-bit key, seeds 0 and 1) picks the rows,
so routing reads ~1,800 short rows. The scores equal thinc's (a test checks that);
training stays with spaCy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.tokens import Doc

_U32 = np.uint32
_C1, _C2 = _U32(0xCC9E2D51), _U32(0x1B873593)


def murmur3_32(keys: np.ndarray, seed: int) -> np.ndarray:
    """MurmurHash3_x86_32 of each uint64 key's 8 little-endian bytes, as thinc hashes."""
    h = np.full(len(keys), seed, dtype=_U32)
    with np.errstate(over="ignore"):
        for block in ((keys & np.uint64(0xFFFFFFFF)).astype(_U32),
                      (keys >> np.uint64(32)).astype(_U32)):
            k = block * _C1
            k = (k << _U32(15)) | (k >> _U32(17))
            h ^= k * _C2
            h = (h << _U32(13)) | (h >> _U32(19))
            h = h * _U32(5) + _U32(0xE6546B64)
        h ^= _U32(8)  # the key's length in bytes
        h ^= h >> _U32(16)
        h *= _U32(0x85EBCA6B)
        h ^= h >> _U32(13)
        h *= _U32(0xC2B2AE35)
        h ^= h >> _U32(16)
    return h


class LinearTextClassifier:
    """Softmax over a sparse linear layer, from a trained spaCy textcat component."""

    def __init__(self, textcat: Any) -> None:
        model = textcat.model
        self._extract = model.layers[0]
        linear = model.get_ref("output_layer")
        if linear.attrs.get("v1_indexing"):
            raise ValueError("SparseLinear.v1 indexing is not supported")
        n_out = linear.get_dim("nO")
        self._length = _U32(linear.get_dim("length"))
        self._weights = np.ascontiguousarray(
            np.asarray(linear.get_param("W")).reshape(n_out, -1).T)
        self._bias = np.asarray(linear.get_param("b"), dtype=np.float32).copy()
        self.labels: tuple[str, ...] = tuple(textcat.labels)

    def scores(self, docs: list[Doc]) -> np.ndarray:
        """Class probabilities, one row per doc."""
        (keys, values, lengths), _ = self._extract(docs, is_train=False)
        keys = np.asarray(keys, dtype=np.uint64)
        values = np.asarray(values, dtype=np.float32)
        lengths = np.asarray(lengths, dtype=np.int64)
        logits = np.tile(self._bias, (len(docs), 1))
        if len(keys):
            rows = self._weights[murmur3_32(keys, 0) % self._length]
            rows += self._weights[murmur3_32(keys, 1) % self._length]
            rows *= values[:, None]
            # Sum each doc's rows; a doc without features keeps the bias alone.
            has_keys = lengths > 0
            starts = (np.cumsum(lengths) - lengths)[has_keys]
            logits[has_keys] += np.add.reduceat(rows, starts, axis=0)
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    def __call__(self, docs: list[Doc]) -> list[Doc]:
        """Set ``doc.cats`` on each doc, as the spaCy component would."""
        for doc, row in zip(docs, self.scores(docs).tolist(), strict=True):
            doc.cats = dict(zip(self.labels, row, strict=True))
        return docs
