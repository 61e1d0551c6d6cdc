"""The Kiwi tokenizer inside spaCy: offsets, lemmas, parts of speech, languages."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from classifier.tokenizer import KiwiTokenizer

KIWI_CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "relief.kiwi_tokenizer.v1"}}}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("ko", config=KIWI_CONFIG)


def test_pipeline_uses_the_kiwi_tokenizer(nlp: Language) -> None:
    assert isinstance(nlp.tokenizer, KiwiTokenizer)


@pytest.mark.parametrize(
    "text",
    [
        "넷플릭스 해지했는데 요금이 계속 빠져나가요ㅠㅠ 환불해주세여.",
        "   앞에 공백\n\n줄바꿈  두 칸\t탭 끝  ",
        "화나요😡😡 환불해줘 걸어서 갔는데 추웠다",
        "中文字 مرحبا 한글 섞인 글",
        "I was charged twice by Netflix, and they refuse a refund!!",
        "",
    ],
)
def test_tokens_reconstruct_the_text_exactly(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token)] == token.text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("가나다라환불헬스장했어요 \n\tabcXYZ!?.😀ㅋㅠ中ب")),
               max_size=80))
def test_any_text_is_tokenized_without_losing_a_character(text: str) -> None:
    nlp = spacy.blank("ko", config=KIWI_CONFIG)
    doc = nlp(text)
    assert doc.text == text
    assert all(token.text for token in doc)


def test_korean_tokens_carry_lemmas_and_parts_of_speech(nlp: Language) -> None:
    doc = nlp("헬스장에서 환불을 거부했어요")
    by_text = {t.text: t for t in doc}
    assert by_text["헬스장"].pos_ == "NOUN"
    assert by_text["환불"].lemma_ == "환불"
    assert by_text["을"].pos_ == "ADP"
    # 했 is two morphemes (하 + 었) sharing one character: one token, content lemma kept.
    assert by_text["했"].tag_.startswith("XSV+EP") or by_text["했"].tag_.startswith("VV+EP")
    assert doc._.relief_lang == "ko"


def test_verbs_get_their_dictionary_form(nlp: Language) -> None:
    doc = nlp("돈을 안 돌려줘요")
    assert "돌려주다" in [t.lemma_ for t in doc]


def test_english_goes_through_spacys_tokenizer_with_simple_lemmas(nlp: Language) -> None:
    doc = nlp("The refunds were refused, twice!")
    assert doc._.relief_lang == "en"
    assert [t.text for t in doc][:3] == ["The", "refunds", "were"]
    assert doc[1].lemma_ == "refund"
    assert doc[-1].pos_ == "PUNCT"


def test_korean_with_english_brand_names_stays_korean(nlp: Language) -> None:
    doc = nlp("Netflix 구독 해지했는데 또 결제됐어요")
    assert doc._.relief_lang == "ko"
    assert doc[0].lemma_ == "netflix"
