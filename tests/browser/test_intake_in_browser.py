"""A consumer files a complaint on a phone and on a desktop, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page, field, log_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
def receipt_png(tmp_path: Path) -> Path:
    path = tmp_path / "영수증.png"
    path.write_bytes(PNG)
    return path


def test_consumer_files_sees_why_uploads_and_follows_the_case(page, receipt_png):
    log_in(page, "consumer@example.org")
    page.get_by_role("link", name="피해구제 신청").first.click()
    field(page, "무슨 일이 있었나요?").fill(
        "동네 헬스장에서 12개월 회원권을 120만원에 결제했는데 3개월 다니고 이사를 가게 되어 "
        "환불을 요청했더니 규정상 환불이 안 된다고 합니다. 위약금을 빼고라도 돌려받고 싶어요.")
    # The panel updates as the consumer types, with the deciding words highlighted.
    panel = page.locator("#routing-panel")
    panel.locator("mark").first.wait_for()
    assert "한국소비자원" in panel.inner_text()
    check_page(page, "file-routing")
    field(page, "결제 금액 (원)").fill("1200000")
    field(page, "원하는 해결").select_option("refund")
    page.set_input_files("input[name=files]", str(receipt_png))
    panel.get_by_role("radio").first.check()
    page.get_by_role("button", name="민원 접수하기").click()
    expect(page.get_by_role("heading", name="민원이 접수되었습니다")).to_be_visible()
    number = page.locator(".rf-case-number").inner_text()
    check_page(page, "file-receipt")
    page.get_by_role("link", name="진행 상황 보기").click()
    expect(page.get_by_role("heading", name=f"민원 {number}")).to_be_visible()
    expect(page.get_by_role("link", name="영수증.png")).to_be_visible()
    check_page(page, "case-consumer")


def test_english_filing_keeps_what_was_typed_after_an_error(page):
    log_in(page, "consumer@example.org")
    page.goto("/language/en?next=/complaints/new")
    field(page, "What happened?").fill(
        "My Netflix subscription kept charging me after I cancelled it.")
    field(page, "Amount paid (won)").fill("-100")
    page.get_by_role("button", name="File the complaint").click()
    expect(page.get_by_text("Enter an amount in won, digits only.").first).to_be_visible()
    assert "Netflix" in field(page, "What happened?").input_value()
    check_page(page, "file-error-en")


def test_english_consumer_files_and_follows_the_case(page, receipt_png):
    log_in(page, "consumer@example.org")
    page.goto("/language/en?next=/complaints/new")
    field(page, "What happened?").fill(
        "I bought a 6-month gym membership for 600,000 won and moved away after one month. "
        "The gym refuses to refund the unused months.")
    panel = page.locator("#routing-panel")
    expect(panel.locator("mark").first).to_be_visible()
    expect(panel).to_contain_text("Korea Consumer Agency")
    check_page(page, "file-routing-en")
    page.set_input_files("input[name=files]", str(receipt_png))
    page.get_by_role("button", name="File the complaint").click()
    expect(page.get_by_role("heading", name="Your complaint is received")).to_be_visible()
    number = page.locator(".rf-case-number").inner_text()
    check_page(page, "file-receipt-en")
    page.get_by_role("link", name="Follow this case").click()
    expect(page.get_by_role("heading", name=f"Complaint {number}")).to_be_visible()
    check_page(page, "case-consumer-en")
