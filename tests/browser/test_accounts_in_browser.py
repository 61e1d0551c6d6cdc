"""A person signs up, confirms from the outbox, logs in per role and switches language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, check_page, field, log_in


def test_consumer_signs_up_confirms_from_outbox_and_logs_in(page):
    email = f"new-{page.viewport_name}@example.org"
    page.goto("/")
    check_page(page, "home-public")
    page.get_by_role("link", name="회원가입").first.click()
    field(page, "이름").fill("새 소비자")
    field(page, "이메일").fill(email)
    field(page, "비밀번호").fill("short")
    field(page, "비밀번호 확인").fill("short")
    page.get_by_role("button", name="회원가입").click()
    # A clear message, and what was typed is still there.
    expect(page.get_by_text("10자 이상으로 정하세요").first).to_be_visible()
    assert field(page, "이메일").input_value() == email
    check_page(page, "signup-error")

    field(page, "비밀번호").fill(PASSWORD)
    field(page, "비밀번호 확인").fill(PASSWORD)
    page.get_by_role("button", name="회원가입").click()
    expect(page.get_by_role("heading", name="이메일을 확인하세요")).to_be_visible()

    page.get_by_role("link", name="개발용 보낸 메일함 열기").click()
    check_page(page, "outbox")
    link = page.locator(".rf-mail").first.get_by_role("link").first
    assert re.search(r"/account/confirm/", link.get_attribute("href") or "")
    link.click()
    expect(page.get_by_text("이메일이 확인되었습니다")).to_be_visible()
    log_in(page, email)
    expect(page.get_by_role("heading", name="새 소비자 님, 안녕하세요")).to_be_visible()
    check_page(page, "home-consumer")


@pytest.mark.parametrize(("role", "heading"), [
    ("consumer", "브라우저 소비자 님, 안녕하세요"), ("officer", "사건 처리"),
    ("supervisor", "총괄 감독"), ("admin", "관리"),
])
def test_each_role_logs_in_to_its_own_home_and_logs_out(page, role, heading):
    log_in(page, f"{role}@example.org")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    check_page(page, f"home-{role}")
    page.get_by_role("button", name="로그아웃").click()
    expect(page.get_by_text("로그아웃했습니다")).to_be_visible()


def test_admin_creates_an_officer_and_sees_the_error_for_a_missing_body(page):
    log_in(page, "admin@example.org")
    page.goto("/admin/users")
    email = f"officer-{page.viewport_name}@example.org"
    field(page, "이름").fill("신규 담당관")
    field(page, "이메일").fill(email)
    field(page, "역할").select_option("officer")
    field(page, "초기 비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="만들기").click()
    expect(page.get_by_text("담당관은 한 기관에 소속되어야 합니다").first).to_be_visible()
    assert field(page, "이메일").input_value() == email
    field(page, "소속 기관 (담당관만)").select_option("kcc-tdmc")
    field(page, "초기 비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="만들기").click()
    expect(page.get_by_role("cell", name=email)).to_be_visible()
    check_page(page, "admin-users")


def test_language_switch_shows_the_whole_shell_in_english(page):
    page.goto("/")
    page.get_by_role("link", name="English").click()
    heading = "Harmed as a consumer? Tell us what happened."
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    check_page(page, "home-public-en")
    page.get_by_role("link", name="Log in").first.click()
    field(page, "E-mail").fill("consumer@example.org")
    field(page, "Password").fill("wrong-password-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("The e-mail or password is not correct")).to_be_visible()
    check_page(page, "login-error-en")
    page.get_by_role("link", name="한국어").click()
    expect(page.get_by_role("heading", name="로그인")).to_be_visible()
