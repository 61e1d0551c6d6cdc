"""Computing standard remedies from a consumer's figures.

Every expected amount below was worked out by hand from the remedy text quoted in the
test name or comment; the hypothesis tests check that no formula raises or hands back a
negative amount or more than the rule allows, whatever non-negative figures it gets.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relief.standards import load_standards
from relief.standards.formulas import GYM_PENALTY_RATE, Formula

STANDARDS = load_standards()


def formula(item_id: str, no: str) -> Formula:
    dispute = next(d for d in STANDARDS.item(item_id).disputes if d.no == no)
    assert dispute.formula is not None, (item_id, no)
    return dispute.formula


def amount(item_id: str, no: str, **figures: object) -> int | None:
    return formula(item_id, no).compute(**figures).amount_krw


# ---------------------------------------------------------------- pro-rata term contracts


def test_a_12_month_gym_membership_cancelled_after_3_months_refunds_780000():
    # 1,200,000 − 1,200,000 × 3/12 (300,000 used) − 10% penalty (120,000) = 780,000
    result = formula("sports-facility", "5").compute(
        total_paid_krw=1_200_000, total_months=12, months_used=3
    )
    assert result.amount_krw == 780_000
    assert result.kind == "refund"
    assert any("780,000원" in step for step in result.steps)
    assert any("KRW 780,000" in step for step in result.steps_en)
    assert "공정거래위원회 고시 제2025-14호" in result.basis and "체육시설업" in result.basis


def test_the_gym_refund_by_days_rounds_down_to_the_won():
    # 1,200,000 × 90/365 = 295,890.41 used; 1,200,000 − 295,890.41 − 120,000 = 784,109.58
    assert (
        amount("sports-facility", "5", total_paid_krw=1_200_000, total_days=365, days_used=90)
        == 784_109
    )


def test_a_gym_cancelled_before_it_opens_keeps_only_the_penalty():
    # 이용개시일 이전: 반환금액 = 이용료 − 위약금
    assert (
        amount("sports-facility", "5", total_paid_krw=1_200_000, total_days=365, days_used=0)
        == 1_080_000
    )


def test_a_gym_that_breaks_the_contract_adds_the_penalty_to_the_refund():
    # 반환금액 = [이용료 − 이용분] + 위약금 = 900,000 + 120,000
    assert (
        amount("sports-facility", "4", total_paid_krw=1_200_000, total_months=12, months_used=3)
        == 1_020_000
    )


def test_the_gym_penalty_is_ten_percent_of_the_fee():
    assert GYM_PENALTY_RATE * 100 == 10


def test_a_beauty_salon_package_charges_used_sessions_and_ten_percent_of_the_total():
    # 소비자는 해지일까지의 이용일수에 해당하는 금액과 총 이용금액의 10% 부담
    assert (
        amount("beauty-services", "4", total_paid_krw=1_000_000, total_sessions=10, sessions_used=3)
        == 600_000
    )
    # 사업자 귀책: 해지일까지 이용분 공제 후 환급 및 총 이용금액의 10% 배상
    assert (
        amount("beauty-services", "3", total_paid_krw=1_000_000, total_sessions=10, sessions_used=3)
        == 800_000
    )


def test_a_subscription_penalty_is_ten_percent_of_the_unused_part():
    # 120,000 for 12 months, 3 used: 30,000 used, penalty 10% of 90,000 = 9,000
    assert (
        amount(
            "online-game",
            "6",
            total_paid_krw=120_000,
            total_months=12,
            months_used=3,
            at_fault="consumer",
        )
        == 81_000
    )
    # 사업자 귀책: 잔여기간 이용료 90,000 + 10% = 99,000
    assert (
        amount(
            "online-game",
            "6",
            total_paid_krw=120_000,
            total_months=12,
            months_used=3,
            at_fault="business",
        )
        == 99_000
    )


def test_cosmetic_dermatology_before_the_first_session_costs_ten_percent_of_the_deposit():
    # 치료 개시 이전: 계약금의 10% 배상 → 1,000,000 − 20,000
    assert (
        amount(
            "cosmetic-dermatology",
            "2",
            total_paid_krw=1_000_000,
            total_sessions=10,
            sessions_used=0,
            deposit_krw=200_000,
        )
        == 980_000
    )
    # 개시 이후: 4회분 400,000과 총 치료비용의 10% 100,000 공제
    assert (
        amount(
            "cosmetic-dermatology",
            "2",
            total_paid_krw=1_000_000,
            total_sessions=10,
            sessions_used=4,
        )
        == 500_000
    )


def test_a_study_cafe_uses_the_contracts_penalty_because_the_notice_sets_no_rate():
    # 100,000 − 100,000 × 10/30 − 10,000 = 56,666.67
    assert (
        amount(
            "study-cafe",
            "5",
            total_paid_krw=100_000,
            total_days=30,
            days_used=10,
            penalty_krw=10_000,
        )
        == 56_666
    )
    assert amount("study-cafe", "5", total_paid_krw=100_000, total_days=30, days_used=10) is None


# ---------------------------------------------------------------- days-before tables


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (35, 2_000_000),  # 30일전까지: 계약금 환급 (nothing kept)
        (30, 2_000_000),
        (29, 1_800_000),  # 20일전까지(29∼20): 여행요금의 10%
        (20, 1_800_000),
        (19, 1_700_000),  # 10일전까지(19∼10): 15%
        (9, 1_600_000),  # 8일전까지(9∼8): 20%
        (7, 1_400_000),  # 1일전까지(7∼1): 30%
        (0, 1_000_000),  # 당일: 50%
    ],
)
def test_an_overseas_tour_cancelled_by_the_traveller_keeps_the_table_percentage(days, expected):
    assert (
        amount(
            "overseas-travel",
            "1",
            total_price_krw=2_000_000,
            paid_krw=2_000_000,
            days_before=days,
            at_fault="consumer",
        )
        == expected
    )


def test_an_overseas_tour_cancelled_by_the_agency_pays_damages_on_top():
    # 8일전까지 통보: 여행요금의 20% 배상 → 2,000,000 + 400,000
    result = formula("overseas-travel", "1").compute(
        total_price_krw=2_000_000, paid_krw=2_000_000, days_before=8, at_fault="business"
    )
    assert (result.amount_krw, result.kind) == (2_400_000, "compensation")


def test_a_deposit_smaller_than_the_charge_refunds_nothing_and_says_what_may_be_owed():
    # 15% of 2,000,000 = 300,000 kept from a 200,000 deposit
    result = formula("overseas-travel", "1").compute(
        total_price_krw=2_000_000, paid_krw=200_000, days_before=15, at_fault="consumer"
    )
    assert result.amount_krw == 0
    assert any("100,000원" in step for step in result.steps)


@pytest.mark.parametrize(
    ("days", "at_fault", "expected"),
    [
        (200, "consumer", 1_000_000),  # ~150일 전: 계약금 환급
        (100, "consumer", 0),  # 149~60: 총비용의 10% = 1,000,000 kept from 1,000,000
        (40, "consumer", 0),  # 59~30: 20%, more than the deposit
        (40, "business", 3_000_000),  # 계약금 환급 및 총비용의 20% 배상
    ],
)
def test_a_wedding_hall_cancellation_follows_the_days_before_the_wedding(days, at_fault, expected):
    no = "2" if at_fault == "consumer" else "1"
    assert (
        amount("wedding-hall", no, total_price_krw=10_000_000, paid_krw=1_000_000, days_before=days)
        == expected
    )


def test_an_off_season_weekday_room_cancelled_the_day_before_keeps_ten_percent():
    # 비수기 주중, 사용예정일 1일 전까지 취소: 총요금의 10% 공제 후 환급
    assert (
        amount(
            "lodging",
            "3",
            total_price_krw=200_000,
            paid_krw=200_000,
            days_before=1,
            at_fault="consumer",
        )
        == 180_000
    )


def test_a_band_without_a_number_gives_the_rule_not_an_amount():
    # 성수기 주중, 사업자 귀책, 1일 전까지 또는 당일: "손해배상"
    result = formula("lodging", "1").compute(
        total_price_krw=200_000, paid_krw=200_000, days_before=0, at_fault="business"
    )
    assert result.amount_krw is None
    assert any("손해배상" in step for step in result.steps)


def test_a_domestic_overnight_tour_asks_which_kind_of_tour_it_was():
    f = formula("domestic-travel", "1")
    assert f.choices["variant"] == ("당일여행인 경우", "숙박여행인 경우")
    assert f.compute(
        total_price_krw=300_000, paid_krw=300_000, days_before=2, at_fault="consumer"
    ).missing == ("variant",)
    # 숙박여행, 여행개시 2일전까지 통보: 요금의 10% 배상
    assert (
        f.compute(
            total_price_krw=300_000,
            paid_krw=300_000,
            days_before=2,
            at_fault="consumer",
            variant="숙박여행인 경우",
        ).amount_krw
        == 270_000
    )


def test_a_concert_ticket_cancelled_five_days_ahead_keeps_twenty_percent():
    # 공연일 3일전까지: 20% 공제 후 환급
    assert (
        amount("performance", "2", total_price_krw=150_000, paid_krw=150_000, days_before=5)
        == 120_000
    )


@pytest.mark.parametrize(("days", "expected"), [(3, 450_000), (2, 250_000), (1, 100_000), (0, 0)])
def test_cosmetic_surgery_cancelled_by_the_patient_returns_a_share_of_the_deposit(days, expected):
    assert (
        amount("cosmetic-surgery", "2", paid_krw=500_000, deposit_krw=500_000, days_before=days)
        == expected
    )


def test_a_golf_course_cancelling_a_weekend_round_the_day_before_pays_twenty_percent():
    # 예약금 전액환급 및 팀별이용 요금의 20% 배상: 100,000 + 20% of 800,000
    assert (
        amount(
            "golf-course",
            "4",
            total_price_krw=800_000,
            paid_krw=100_000,
            days_before=1,
            variant="이용예정일이 주말이나 공휴일인 경우",
        )
        == 260_000
    )


# ---------------------------------------------------------------- depreciation


def test_a_tv_that_cannot_be_repaired_after_warranty_refunds_depreciated_price_plus_ten_percent():
    # 1,000,000 × (84 − 24)/84 = 714,285.71, + 10% of the price = 814,285.71
    result = formula("electronics", "3").compute(
        purchase_price_krw=1_000_000, months_used=24, useful_life_months=84
    )
    assert result.amount_krw == 814_285
    assert "감가상각" in result.basis or "하자" in result.basis


def test_furniture_adds_five_percent_not_ten():
    # 정액 감가상각한 잔여금액에 구입가의 5%를 가산: 2,000,000 × 36/72 + 100,000
    assert (
        amount(
            "furniture",
            "16",
            purchase_price_krw=2_000_000,
            months_used=36,
            useful_life_months=72,
            variant="품질보증기간 경과 후",
        )
        == 1_100_000
    )


def test_a_depreciated_refund_never_exceeds_the_price():
    # 100,000 × 83/84 + 10,000 = 108,809 > 100,000: capped at the price
    assert (
        amount("electronics", "4", purchase_price_krw=100_000, months_used=1, useful_life_months=84)
        == 100_000
    )


def test_a_car_damaged_by_the_owner_gets_no_surcharge():
    # 구입가에서 정액 감가상각비를 공제 후 환급: 30,000,000 × 42/72
    assert (
        amount(
            "car",
            "2",
            purchase_price_krw=30_000_000,
            months_used=30,
            useful_life_months=72,
            variant="품질보증기간 이내 / 사용상 과실로 인하여 발생한 경우",
        )
        == 17_500_000
    )


def test_months_used_can_come_from_the_purchase_date():
    # 2023-03-15 to 2025-03-14 is 23 whole months
    assert (
        amount(
            "electronics",
            "3",
            purchase_price_krw=1_000_000,
            useful_life_months=84,
            purchase_date="2023-03-15",
            as_of=dt.date(2025, 3, 14),
        )
        == 826_190
    )


def test_without_the_useful_life_the_depreciation_is_not_guessed():
    result = formula("smartphone", "4").compute(purchase_price_krw=1_200_000, months_used=30)
    assert result.amount_krw is None
    assert result.missing == ("useful_life_months",)
    assert any("감가상각" in step for step in result.steps)


# ---------------------------------------------------------------- delays


@pytest.mark.parametrize(
    ("minutes", "expected"), [(59, 0), (60, 8_000), (150, 16_000), (180, 24_000), (600, 24_000)]
)
def test_a_delayed_domestic_flight_pays_a_share_of_the_fare(minutes, expected):
    assert amount("air-domestic", "3", fare_krw=80_000, delay_minutes=minutes) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"), [(119, 0), (120, 80_000), (720, 160_000), (721, 240_000)]
)
def test_a_delayed_international_flight_pays_thirty_percent_only_beyond_twelve_hours(
    minutes, expected
):
    assert amount("air-international", "5", fare_krw=800_000, delay_minutes=minutes) == expected


@pytest.mark.parametrize(("late", "expected"), [(89, 0), (90, 2_000), (180, 4_000)])
def test_a_late_intercity_bus_pays_by_the_share_of_the_normal_journey(late, expected):
    assert (
        amount("intercity-bus", "3", fare_krw=20_000, normal_minutes=180, delay_minutes=late)
        == expected
    )


# ---------------------------------------------------------------- academies, vouchers, rentals


@pytest.mark.parametrize(
    ("used", "expected"), [(0, 300_000), (5, 200_000), (8, 150_000), (10, 0), (20, 0)]
)
def test_an_academy_refunds_by_the_share_of_lessons_already_given(used, expected):
    # 1/3 경과 전: 2/3 환급; 1/2 경과 전: 1/2 환급; 1/2 경과 이후: 미환급
    assert (
        amount("academy", "4", total_paid_krw=300_000, total_sessions=20, sessions_used=used)
        == expected
    )


def test_later_months_paid_in_advance_come_back_in_full():
    assert (
        amount(
            "academy",
            "4",
            total_paid_krw=300_000,
            total_sessions=20,
            sessions_used=5,
            later_months_paid_krw=600_000,
        )
        == 800_000
    )


@pytest.mark.parametrize(
    ("item_id", "paid", "expected"),
    [
        ("mobile-gift-voucher", 30_000, 27_000),  # 5만원 이하: 90%
        ("mobile-gift-voucher", 50_000, 45_000),
        ("mobile-gift-voucher", 100_000, 95_000),  # 5만원 초과: 95%
        ("gift-voucher", 100_000, 90_000),  # 구매액의 100분의 90
    ],
)
def test_an_expired_voucher_within_five_years_returns_most_of_its_price(item_id, paid, expected):
    assert amount(item_id, "4", purchase_amount_krw=paid) == expected


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        # 의무사용기간 1년 이하: min(잔여 8개월 임대료의 30%, 임대료 총합의 10%)
        # = min(72,000, 108,000)
        ({"mandatory_months": 12, "lease_months": 36, "months_used": 4}, 72_000),
        # 의무사용기간 1년 초과: 잔여 24개월 임대료의 10%
        ({"mandatory_months": 36, "lease_months": 36, "months_used": 12}, 72_000),
        # 의무사용기간 없음, 임대차 1년 이하: min(81,000, 36,000)
        ({"lease_months": 12, "months_used": 3}, 36_000),
    ],
)
def test_ending_a_water_purifier_rental_early_costs_the_table_penalty(figures, expected):
    result = formula("long-term-rental", "4").compute(monthly_rent_krw=30_000, **figures)
    assert (result.amount_krw, result.kind) == (expected, "charge")


# ---------------------------------------------------------------- missing or bad figures


def test_missing_figures_give_the_rule_and_name_what_is_missing():
    result = formula("sports-facility", "5").compute(total_paid_krw=1_200_000)
    assert result.amount_krw is None
    assert result.missing == ("total_days", "days_used")
    assert any("반환금액" in step for step in result.steps)
    assert "needed" in result.steps_en[-1]


def test_who_cancelled_is_asked_when_the_condition_covers_both_sides():
    result = formula("overseas-travel", "1").compute(
        total_price_krw=2_000_000, paid_krw=2_000_000, days_before=10
    )
    assert (result.amount_krw, result.missing) == (None, ("at_fault",))


@pytest.mark.parametrize("bad", [-1, "abc", float("nan"), float("inf"), True, [1]])
def test_a_negative_or_non_numeric_figure_gives_no_amount(bad):
    result = formula("sports-facility", "5").compute(
        total_paid_krw=bad, total_months=12, months_used=3
    )
    assert result.amount_krw is None


def test_amounts_written_with_commas_and_won_are_read():
    assert (
        amount(
            "sports-facility", "5", total_paid_krw="1,200,000원", total_months="12", months_used=3
        )
        == 780_000
    )


def test_every_formula_says_what_it_needs():
    formulas = [d.formula for i in STANDARDS.items for d in i.disputes if d.formula]
    assert len(formulas) == 59
    for f in formulas:
        assert f.required_figures and f.title and f.title_en and f.rule
        assert "제2025-14호" in f.basis and "2025-12-18" in f.basis


# ---------------------------------------------------------------- properties

ALL = [
    pytest.param(d.formula, id=f"{item.id}-{d.no}")
    for item in STANDARDS.items
    for d in item.disputes
    if d.formula is not None
]
PAID = (
    "total_paid_krw",
    "paid_krw",
    "purchase_price_krw",
    "essential_costs_krw",
    "purchase_amount_krw",
    "later_months_paid_krw",
)
money = st.one_of(st.integers(0, 10**10), st.floats(0, 1e10, allow_nan=False))
count = st.one_of(st.integers(0, 10**5), st.floats(0, 1e5, allow_nan=False))


@st.composite
def figures_for(draw: st.DrawFn, f: Formula) -> dict[str, object]:
    names = {*f.required_figures, *f.optional_figures, *(n for alt in f.alternatives for n in alt)}
    out: dict[str, object] = {}
    for name in sorted(names):
        if draw(st.booleans()) and draw(st.booleans()):
            continue  # now and then a figure is missing
        if name in f.choices:
            out[name] = draw(st.sampled_from(f.choices[name]))
        elif name in ("purchase_date", "as_of"):
            out[name] = draw(st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1))).isoformat()
        elif name.endswith("_krw"):
            out[name] = draw(money)
        else:
            out[name] = draw(count)
    return out


def _value(figures: dict[str, object], name: str) -> float:
    value = figures.get(name, 0)
    return float(value) if isinstance(value, int | float) else 0.0


@pytest.mark.parametrize("f", ALL)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_formulas_never_raise_nor_pay_back_more_than_the_rule_allows(f, data):
    figures = data.draw(figures_for(f))
    result = f.compute(**figures)
    if result.amount_krw is None:
        assert result.steps  # at least the rule
        return
    assert result.amount_krw >= 0
    paid = sum(_value(figures, n) for n in PAID)
    if result.kind == "refund":
        assert result.amount_krw <= paid
    elif result.kind == "compensation":
        # the refund plus damages of at most the whole base (or the contract's penalty)
        base = max(
            _value(figures, n)
            for n in ("total_price_krw", "deposit_krw", "fare_krw", "total_paid_krw", "penalty_krw")
        )
        assert result.amount_krw <= paid + base
    else:
        assert result.kind == "charge"
        assert result.amount_krw <= _value(figures, "monthly_rent_krw") * _value(
            figures, "lease_months"
        )
