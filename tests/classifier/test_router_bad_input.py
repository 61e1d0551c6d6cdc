"""Bad input gets a clear verdict, never an exception (property-based)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from classifier.pipeline import Router
from classifier.result import VERDICTS, RoutingResult
from classifier.text import clean_text


def _check_contract(result: RoutingResult, text: str) -> None:
    assert result.verdict in VERDICTS
    assert len(result.ranking) >= 3
    assert all(0.0 <= score <= 1.0 for _, score in result.ranking)
    scores = [score for _, score in result.ranking]
    assert scores == sorted(scores, reverse=True)
    assert 0.0 <= result.confidence <= 1.0
    assert result.lang in ("ko", "en")
    assert result.out_of_scope == (result.verdict == "out_of_scope")
    for ev in result.evidence:
        if ev.start is not None:
            assert 0 <= ev.start < ev.end <= len(text)
            if ev.kind in ("term", "fuzzy"):
                assert text[ev.start : ev.end] == ev.text
    result.to_dict()  # serialisable shape


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(text=st.text(max_size=300))
# Found by hypothesis: a control character inside a matched term ("T\x1fV"); evidence
# showed the blanked analysed text instead of what was submitted.
@example(text="T\x1fV 화면이 나갔어요")
def test_any_text_gets_a_verdict_and_a_ranking(router: Router, text: str) -> None:
    _check_contract(router.route(text), text)


@SETTINGS
@given(text=st.text(alphabet=st.characters(categories=["So", "Sk", "Po", "Ps", "Pe", "Pd",
                                                       "Sm", "Zs", "Cc"]), max_size=200))
def test_emoji_punctuation_and_symbols_alone_are_unreadable(router: Router, text: str) -> None:
    result = router.route(text)
    _check_contract(result, text)
    assert result.verdict == "unreadable"
    assert result.needs_triage


@SETTINGS
@given(text=st.text(alphabet=st.characters(categories=["Lo"], exclude_characters="".join(
    chr(c) for c in range(0xAC00, 0xD7A4))).filter(lambda c: not ("\u3131" <= c <= "\u318e")
                                                  and not ("\u1100" <= c <= "\u11ff")),
    min_size=5, max_size=100))
def test_other_scripts_are_unreadable(router: Router, text: str) -> None:
    result = router.route(text)
    _check_contract(result, text)
    assert result.verdict == "unreadable"


@SETTINGS
@given(text=st.text(max_size=200), noise=st.lists(st.sampled_from(
    ["<script>alert(1)</script>", "<b>", "</div>", "\x00", "\x07", "\u200b", "&amp;", "\ufeff",
     "\ud800", "<img src=x onerror=alert(1)>"]), max_size=6))
def test_markup_and_control_characters_never_break_routing(
    router: Router, text: str, noise: list[str]
) -> None:
    mixed = "".join(noise) + text + "".join(reversed(noise))
    _check_contract(router.route(mixed), mixed)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("", "unreadable"),
        ("   \n\t ", "unreadable"),
        ("😡😡😡🔥🔥", "unreadable"),
        ("?!?!... ---", "unreadable"),
        ("这个产品有质量问题，我要退款", "unreadable"),
        ("أريد استرداد أموالي من المتجر", "unreadable"),
        ("환불", "too_short"),
        ("help", "too_short"),
    ],
)
def test_clear_verdicts_for_text_that_cannot_be_routed(
    router: Router, text: str, verdict: str
) -> None:
    result = router.route(text)
    _check_contract(result, text)
    assert result.verdict == verdict
    assert result.needs_triage


def test_a_hundred_thousand_characters_are_routed_quickly(router: Router) -> None:
    text = ("헬스장 회원권 중도 해지했는데 위약금을 너무 많이 요구해요. " * 4000)[:100_000]
    result = router.route(text)
    _check_contract(result, text)
    assert result.verdict == "ok"


def test_script_tags_are_not_read_as_words(router: Router) -> None:
    text = "<script>var netflix = '넷플릭스';</script>헬스장 환불을 거부당했어요"
    result = router.route(text)
    _check_contract(result, text)
    assert all(ev.start is None or ev.start >= text.index("헬스장") for ev in result.evidence)


def test_cleaning_keeps_every_offset() -> None:
    text = "<p>환불\x00해주세요</p>&nbsp;\u200b끝"
    cleaned = clean_text(text)
    assert len(cleaned) == len(text)
    assert cleaned.index("환불") == text.index("환불")
    assert "<" not in cleaned and "\x00" not in cleaned


def test_non_string_input_is_unreadable_not_an_error(router: Router) -> None:
    result = router.route(None)  # type: ignore[arg-type]
    assert result.verdict == "unreadable"


@SETTINGS
@given(facts=st.dictionaries(
    st.sampled_from(["amount_krw", "region", "channel", "business", "other"]),
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
              st.lists(st.integers(), max_size=3)),
    max_size=5))
def test_any_facts_beside_the_text_are_accepted_or_ignored(router: Router, facts: dict) -> None:
    text = "공사장 소음 때문에 잠을 못 자요"
    _check_contract(router.route(text, facts), text)


def test_facts_that_are_not_a_mapping_are_ignored(router: Router) -> None:
    result = router.route("헬스장 환불을 거부당했어요", ["not", "facts"])  # type: ignore[arg-type]
    assert result.verdict == "ok"


def test_decomposed_hangul_is_read_like_composed_hangul(router: Router) -> None:
    import unicodedata

    composed = "헬스장 회원권 환불을 거부당했어요"
    decomposed = unicodedata.normalize("NFD", composed)
    assert router.route(decomposed).ranking == router.route(composed).ranking
