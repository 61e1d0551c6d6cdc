"""Personal data in free text is found and masked; nothing else is touched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relief.privacy.masking import find_personal_data, mask_personal_data


@pytest.mark.parametrize(("text", "kind", "secret"), [
    ("제 주민번호는 900101-1234567 입니다", "rrn", "1234567"),
    ("주민번호 9001011234567", "rrn", "1234567"),
    ("카드번호 4111 1111 1111 1111 로 결제", "card", "4111 1111 1111"),
    ("카드 4111-1111-1111-1111", "card", "4111-1111-1111"),
    ("연락처 010-1234-5678", "phone", "1234-5678"),
    ("전화 01012345678 로 주세요", "phone", "12345678"),
    ("call me at +82 10-9876-5432", "phone", "9876"),
    ("가게 번호 02-123-4567", "phone", "123-4567"),
    ("국민은행 123456-01-234567 로 입금", "account", "234567"),
    ("email me: kim.minji@example.com", "email", "kim.minji"),
])
def test_each_kind_of_personal_data_is_masked(text, kind, secret):
    masked, findings = mask_personal_data(text)
    assert kind in {f.kind for f in findings}
    assert secret not in masked


def test_ordinary_numbers_are_left_alone():
    text = "2024년 3월 15일에 129,000원을 결제했고 12개월 약정입니다. 주문번호 20240315"
    assert find_personal_data(text) == []
    assert mask_personal_data(text)[0] == text


def test_a_number_that_fails_the_card_check_is_not_called_a_card():
    assert "card" not in {f.kind for f in find_personal_data("4111 1111 1111 1112")}


@given(st.text(max_size=500))
def test_masked_text_holds_no_personal_data_left_to_find(text):
    masked, _ = mask_personal_data(text)
    assert find_personal_data(masked) == []


@given(st.from_regex(r"01[016789]-\d{4}-\d{4}", fullmatch=True))
def test_every_mobile_number_is_masked(number):
    masked, _ = mask_personal_data(f"연락처 {number} 입니다")
    assert number[-9:] not in masked
