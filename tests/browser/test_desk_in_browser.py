"""An officer's day, a transfer seen from both bodies and the consumer, a supervisor's triage."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page, field, log_in

DESKTOP = pytest.mark.parametrize("page", ["desktop"], indirect=True)


def _file(page, text: str, pick: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """The consumer files a complaint and returns its number."""
    log_in(page, "consumer@example.org")
    page.goto("/complaints/new")
    field(page, "무슨 일이 있었나요?").fill(text)
    panel = page.locator("#routing-panel")
    panel.get_by_role("radio").first.wait_for()
    if pick:
        # KRDS draws its own radio; a person clicks the label.
        panel.locator("label", has_text=re.compile(pick)).click()
        assert panel.get_by_role("radio", name=re.compile(pick)).is_checked()
    page.get_by_role("button", name="민원 접수하기").click()
    number = page.locator(".rf-case-number").inner_text()
    page.get_by_role("button", name="로그아웃").click()
    return number


def _open_case(page, number: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/desk/")
    page.get_by_role("searchbox", name="검색").fill(number)
    page.get_by_role("button", name="적용").click()
    page.get_by_role("link", name=number).click()


@DESKTOP
def test_an_officers_day_from_queue_to_outcome(page):
    number = _file(page, "필라테스 30회 이용권을 90만원에 샀는데 5회만 받고 다쳐서 "
                         "못 다니게 됐어요. 남은 횟수 환불을 요청하니 거절합니다.")
    log_in(page, "officer@example.org")
    page.get_by_role("link", name="사건 목록").click()
    check_page(page, "desk-queue")
    _open_case(page, number)
    check_page(page, "desk-case-routed")
    page.get_by_role("button", name="사건 접수").click()
    expect(page.get_by_text("기관이 접수함").first).to_be_visible()
    page.get_by_label("소비자에게 필요한 내용").fill("결제 영수증과 이용 내역을 올려 주세요.")
    page.get_by_role("button", name="소비자에게 자료 요청").click()
    expect(page.get_by_text("답변 기다리는 중").first).to_be_visible()
    page.get_by_role("button", name="로그아웃").click()

    # The consumer answers from their case page.
    log_in(page, "consumer@example.org")
    page.get_by_role("link", name="내 민원").first.click()
    page.get_by_role("link", name=number).click()
    expect(page.get_by_text("결제 영수증과 이용 내역을 올려 주세요.")).to_be_visible()
    page.get_by_label("메시지").fill("영수증 사진 첨부했습니다. 확인 부탁드립니다.")
    page.get_by_role("button", name="보내기").click()
    page.get_by_role("button", name="로그아웃").click()

    log_in(page, "officer@example.org")
    _open_case(page, number)
    expect(page.get_by_text("처리 중").first).to_be_visible()
    page.get_by_label("처리 결과", exact=True).select_option("refunded")
    page.get_by_label("회복 금액 (원)").fill("750000")
    page.get_by_label("요약").fill("업체가 잔여 25회분 75만원 환급")
    page.get_by_role("button", name="처리 결과 기록").click()
    expect(page.get_by_text("해결됨").first).to_be_visible()
    check_page(page, "desk-case-resolved")


@DESKTOP
def test_a_transfer_seen_from_both_bodies_and_the_consumers_page(page):
    number = _file(page, "헬스장 6개월 회원권을 해지하려는데 환불을 안 해 줍니다. "
                         "회원권 값은 휴대폰 요금으로 매달 나가고 있어요.", pick="한국소비자원")
    log_in(page, "officer@example.org")
    _open_case(page, number)
    page.get_by_label("기관", exact=True).select_option("kcc-tdmc")
    reason = "결합상품 해지 위약금은 통신분쟁조정 소관입니다."
    page.get_by_label("사유 (받는 기관과 소비자가 봅니다)").fill(reason)
    page.get_by_role("button", name="다른 기관으로 이송").click()
    expect(page.get_by_role("heading", name=re.compile("사건 목록"))).to_be_visible()
    page.get_by_role("button", name="로그아웃").click()

    log_in(page, "telecom@example.org")
    _open_case(page, number)
    expect(page.get_by_text(reason).first).to_be_visible()
    check_page(page, "desk-case-transferred")
    page.get_by_role("button", name="로그아웃").click()

    log_in(page, "consumer@example.org")
    page.get_by_role("link", name="내 민원").first.click()
    page.get_by_role("link", name=number).click()
    expect(page.get_by_text("다른 기관으로 이송").first).to_be_visible()
    check_page(page, "case-consumer-transferred")


@DESKTOP
def test_supervisor_triages_a_not_sure_filing_in_one_click(page):
    number = _file(page, "이게 어디 소관인지 모르겠는데 아파트 관리비가 너무 많이 나왔어요.",
                   pick="잘 모르겠습니다")
    log_in(page, "supervisor@example.org")
    page.get_by_role("link", name="배정 검토").click()
    item = page.locator(".rf-triage-item", has_text=number)
    check_page(page, "desk-triage")
    item.get_by_role("button").first.click()
    expect(page.get_by_text("처리했습니다")).to_be_visible()
    assert page.locator(".rf-triage-item", has_text=number).count() == 0
