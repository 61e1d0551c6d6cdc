"""A person looks for the right body: searches in their own words, opens a body's page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import check_page


def test_person_searches_with_a_typo_and_opens_the_body_page(page):
    page.goto("/")
    page.get_by_role("link", name="기관 찾기").click()
    check_page(page, "directory")
    page.get_by_role("searchbox", name="기관 검색").fill("전세보증굼")
    page.get_by_role("button", name="검색").click()
    results = page.locator(".rf-results .rf-body-link")
    assert "주택임대차분쟁조정위원회" in results.first.inner_text()
    check_page(page, "directory-search")
    results.first.click()
    expect(page.get_by_role("heading", name="다루는 일", exact=True)).to_be_visible()
    expect(page.get_by_text("60일").first).to_be_visible()
    check_page(page, "directory-body")


def test_english_reader_finds_the_telecom_body_for_a_phone_bill(page):
    page.goto("/language/en?next=/bodies/")
    page.get_by_role("searchbox", name="Search the bodies").fill("phone bill")
    page.get_by_role("button", name="Search").click()
    first = page.locator(".rf-results .rf-body-link").first
    assert "Telecom" in first.inner_text() or "telecom" in first.inner_text()
    first.click()
    expect(page.get_by_role("heading", name="What it handles", exact=True)).to_be_visible()
    check_page(page, "directory-body-en")


def test_unverified_body_shows_the_unchecked_note(page):
    page.goto("/bodies/kofia-dmc")
    expect(page.get_by_role("note")).to_be_visible()
    check_page(page, "directory-unverified")
