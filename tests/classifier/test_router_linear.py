"""The router's text-classifier evaluation gives spaCy's own textcat scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import spacy

from classifier.linear import LinearTextClassifier, murmur3_32
from classifier.pipeline import Router  # also registers the tokenizer and architecture

TEXTS = [
    "헬스장 12개월 회원권 환불을 거절당했어요",
    "휴대폰 요금에 가입한 적 없는 부가서비스가 청구됐습니다",
    "전세 계약이 끝났는데 집주인이 보증금을 안 돌려줘요",
    "My flight was cancelled and the airline refuses compensation",
    "넷플릭스구독해지했는데또결제됨",
    "ㅋㅋ",
    "The seller on a secondhand app took my money and disappeared. " * 8,
]


def test_murmur3_matches_known_values() -> None:
    # Reference values from the C implementation (thinc's MurmurHash3_x86_32_uint64).
    from murmurhash.mrmr import hash as mrmr_hash  # the same C code, one key at a time

    keys = np.array([0, 1, 42, 2**63 + 12345, 2**64 - 1], dtype=np.uint64)
    for seed in (0, 1):
        expected = [mrmr_hash(int(k).to_bytes(8, "little"), seed=seed) & 0xFFFFFFFF
                    for k in keys.tolist()]
        assert murmur3_32(keys, seed).tolist() == expected


def test_the_router_scores_texts_as_spacys_textcat_does(model_path: Path,
                                                        router: Router) -> None:
    nlp = spacy.load(model_path)
    textcat = nlp.get_pipe("textcat")
    linear = LinearTextClassifier(textcat)
    assert linear.labels == tuple(textcat.labels)
    assert "textcat" not in router.nlp.pipe_names  # the router evaluates it itself
    docs = [nlp(text) for text in TEXTS]
    expected = np.asarray(textcat.predict(docs))
    # One at a time (the web) and in a batch (evaluation, retraining): the same scores.
    for doc, row in zip(docs, expected, strict=True):
        assert np.allclose(linear.scores([doc])[0], row, atol=1e-5), doc.text
    assert np.allclose(linear.scores(docs), expected, atol=1e-5)
    # A doc with no features at all in a batch scores as in spaCy's (the bias alone).
    empty = nlp.make_doc("")
    assert np.allclose(linear.scores([docs[0], empty]),
                       np.asarray(textcat.predict([docs[0], empty])), atol=1e-5)
    single = [router.route(text).ranking for text in TEXTS]
    assert single == [r.ranking for r in router.route_many([(t, None) for t in TEXTS])]
