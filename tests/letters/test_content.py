"""What the letter says, before any rendering."""

from __future__ import annotations

from datetime import date

from relief.letters.content import (
    default_action,
    default_due,
    default_summary,
    issuer_name,
    kdate,
    notice_en,
    printable,
)
from tests.letters.letter_samples import sample_content


def test_summary_defaults_to_the_complaint_cut_at_a_sentence():
    text = "헬스장 환불을 거절당했습니다. " * 60
    summary = default_summary(text)
    assert len(summary) <= 402 and summary.endswith("다. …")
    assert default_summary("짧은 민원입니다.") == "짧은 민원입니다."


def test_business_action_and_due_follow_the_outcome():
    assert default_action("ko", "refunded", 270_000) == "소비자에게 금 270,000원을 환급"
    assert default_action("en", "compensated", 5_000) == \
        "Pay KRW 5,000 in compensation to the consumer."
    assert default_action("ko", "not_settled", None) == ""
    assert default_due("refunded", date(2026, 3, 30)) == date(2026, 4, 13)
    assert default_due("not_settled", date(2026, 3, 30)) is None


def test_letterhead_names_notice_numbers_and_dates():
    assert issuer_name("한국소비자원 (피해구제)") == "한국소비자원"
    assert issuer_name("Korea Fair Trade Commission (violation reports)") == \
        "Korea Fair Trade Commission"
    assert notice_en("공정거래위원회 고시 제2025-14호") == \
        "Korea Fair Trade Commission Notice No. 2025-14"
    assert kdate(date(2026, 3, 2)) == "2026. 3. 2."
    assert kdate(date(2026, 3, 2), "en") == "2 March 2026"


def test_emoji_are_dropped_from_free_text():
    assert printable("환불해 주세요 😡🙏🏻 ㅠㅠ") == "환불해 주세요  ㅠㅠ"
    assert printable("❤️") == "❤"  # a text symbol stays; only the emoji selector goes


def test_next_steps_name_the_next_body_legal_aid_and_court_with_deadlines():
    steps = sample_content().next_steps
    headings = [s.heading for s in steps]
    assert headings[0] == "소비자분쟁조정위원회" and "법원" in headings
    assert any("법률구조공단" in s.heading or "법률구조공단" in s.contact for s in steps)
    assert "접수일부터 30일" in steps[0].deadline
    assert "소액사건심판" in steps[-1].text and "소멸시효" in steps[-1].text


def test_rejected_case_points_to_the_right_body():
    content = sample_content(outcome="rejected", state="rejected", outcome_amount_krw=None)
    assert content.outcome_label == "피해구제 대상 아님" and not content.resolved
