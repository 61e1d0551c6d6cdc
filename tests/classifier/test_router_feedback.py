"""Officers' decisions become training examples."""

from __future__ import annotations

from classifier.feedback import examples_from_decisions


def test_confirmed_routings_and_transfers_become_examples() -> None:
    examples = examples_from_decisions([
        {"text": "헬스장 위약금이 너무 많아요", "agency": "kca", "source": "confirmed"},
        {"text": "통신사 요금이 이중으로 나갔어요", "agency": "kcc-tdmc", "source": "transfer",
         "from_agency": "kca"},
        {"text": "전세 보증금을 못 받았어요", "agency": "hldc", "source": "triage"},
    ])
    assert [e["agency"] for e in examples] == ["kca", "kcc-tdmc", "hldc"]
    assert all({"text", "agency", "lang", "style"} <= set(e) for e in examples)
    assert examples[1]["from_agency"] == "kca"
    assert "confusable" in examples[1]["style"]
    assert examples[0]["lang"] == "ko"


def test_unusable_decisions_are_skipped() -> None:
    examples = examples_from_decisions([
        {"text": "", "agency": "kca", "source": "confirmed"},
        {"text": "헬스장 위약금이 너무 많아요", "agency": "", "source": "confirmed"},
        {"text": "헬스장 위약금이 너무 많아요", "agency": "kca", "source": "guess"},
        {"text": "헬스장 위약금이 너무 많아요", "agency": "kca", "source": "transfer",
         "from_agency": "kca"},
        {"text": "😡😡😡", "agency": "kca", "source": "confirmed"},
        {"agency": "kca", "source": "confirmed"},
    ])
    assert examples == []


def test_a_later_decision_on_the_same_text_wins() -> None:
    examples = examples_from_decisions([
        {"text": "학원비 환불을 안 해줘요", "agency": "kca", "source": "confirmed"},
        {"text": "학원비  환불을 안 해줘요", "agency": "edu-office", "source": "transfer",
         "from_agency": "kca"},
    ])
    assert [e["agency"] for e in examples] == ["edu-office"]
