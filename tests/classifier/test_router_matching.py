"""Registry terms found in free text: spacing, typos, inflection, Latin words."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import spacy
from spacy.language import Language

from agencies.model import Routing, TermList
from classifier.lexicon import Lexicon, compile_lexicon
from classifier.matching import ExactMatcher, FuzzyMatcher, LemmaMatcher, content_tokens
from classifier.signals import content_lemmas
from classifier.text import compact_text

KIWI_CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "relief.kiwi_tokenizer.v1"}}}


def _body(body_id: str, *, terms=(), products=(), colloquial=(), en=(), exclusions=()):
    empty = TermList()
    routing = Routing(
        terms=TermList(tuple(terms), tuple(en)),
        products=TermList(tuple(products), ()),
        businesses=empty,
        colloquial=TermList(tuple(colloquial), ()),
        exclusions=TermList(tuple(exclusions), ()),
    )
    return SimpleNamespace(id=body_id, kind="relief", routing=routing)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("ko", config=KIWI_CONFIG)


@pytest.fixture(scope="module")
def lexicon(nlp: Language) -> Lexicon:
    bodies = (
        _body("kca", terms=["청약철회", "헬스장 환불"], colloquial=["돈 안 돌려줌"],
              en=["refund refused", "ott"]),
        _body("kcdrc", products=["넷플릭스"], en=["netflix"]),
        _body("kcc-tdmc", terms=["kt", "위약금"], exclusions=["게임 아이템"]),
    )
    registry = SimpleNamespace(bodies=bodies, rules=(), referrals=())
    return compile_lexicon(registry, lambda term: content_lemmas(nlp, term))


def _found_terms(lexicon: Lexicon, text: str) -> dict[str, tuple[int, int]]:
    matcher = ExactMatcher(lexicon)
    hits = matcher.hits(matcher.find(compact_text(text)))
    return {lexicon.entries[h.entry].term: (h.start, h.end) for h in hits}


@pytest.mark.parametrize("text", ["헬스장 환불 해주세요", "헬스장환불해주세요", "헬스장  환불!!"])
def test_korean_terms_are_found_whatever_the_spacing(lexicon: Lexicon, text: str) -> None:
    found = _found_terms(lexicon, text)
    start, end = found["헬스장 환불"]
    assert text[start:end].replace(" ", "") == "헬스장환불"


def test_latin_terms_match_only_where_a_word_starts(lexicon: Lexicon) -> None:
    assert "ott" not in _found_terms(lexicon, "a bottle of water")
    assert "ott" in _found_terms(lexicon, "my OTT subscription")


def test_short_latin_terms_must_also_end_a_word(lexicon: Lexicon) -> None:
    assert "kt" not in _found_terms(lexicon, "ktx 표를 샀는데")
    assert "kt" in _found_terms(lexicon, "KT에서 위약금을")


def test_fuzzy_matching_forgives_a_typo_and_points_at_it(lexicon: Lexicon) -> None:
    text = "어제 산 물건 청약철휘 하고 싶어요"
    ct = compact_text(text)
    hits = FuzzyMatcher(lexicon)(ct, set())
    assert hits, "a one-jamo typo of 청약철회 should be found"
    hit = hits[0]
    assert lexicon.entries[hit.entry].term == "청약철회"
    assert text[hit.start : hit.end] == "청약철휘"
    assert 0.85 <= hit.score < 1.0


def test_fuzzy_matching_forgives_a_latin_typo(lexicon: Lexicon) -> None:
    text = "I cancelled netflx but was charged"
    hits = FuzzyMatcher(lexicon)(compact_text(text), set())
    assert [lexicon.entries[h.entry].term for h in hits] == ["netflix"]
    assert text[hits[0].start : hits[0].end] == "netflx"


def test_korean_and_latin_names_of_a_product_both_count(lexicon: Lexicon) -> None:
    assert "넷플릭스" in _found_terms(lexicon, "넷플릭스 결제 취소")
    assert "netflix" in _found_terms(lexicon, "Netflix 결제 취소")


def test_lemma_matcher_finds_an_inflected_colloquial_phrase(
    nlp: Language, lexicon: Lexicon
) -> None:
    doc = nlp("가게가 돈을 안 돌려줘요")
    hits = LemmaMatcher(lexicon, nlp.vocab)(content_tokens(doc))
    terms = {lexicon.entries[h.entry].term for h in hits}
    assert "돈 안 돌려줌" in terms
    hit = next(h for h in hits if lexicon.entries[h.entry].term == "돈 안 돌려줌")
    assert doc.text[hit.start : hit.end] == "돈을 안 돌려줘요"


def test_exclusions_are_compiled_but_never_fuzzy(lexicon: Lexicon) -> None:
    exclusions = [e for e in lexicon.entries if e.category == "exclusions"]
    assert [e.term for e in exclusions] == ["게임 아이템"]
    assert not FuzzyMatcher(lexicon)(compact_text("게임 아이탬 환불"), set())
