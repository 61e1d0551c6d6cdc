"""Compute a standard remedy from the consumer's own figures.

Each formula states which figures it needs (``required_figures``, plus ``choices`` for
the few that are words, such as who cancelled) and computes only from those: when a
figure is missing or does not make sense, the result has no amount, just the rule
and what is missing. Rates come from the cleaned notice (``rates.py`` read them out of
the remedy text); the few the parse lost are constants below, each citing its annex
item. Amounts are whole won, rounded down, so a refund never exceeds the exact figure.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

# 별표 Ⅱ 체육시설업·레저용역업·할인회원권업 4), 5): "위약금" is 10% of the fee (총 이용금액의
# 10%); the parsed table lost the footnote that says so. Same rule as the FTC's standard
# terms for gyms and the 방문판매법 cap on penalties for continuing contracts.
GYM_PENALTY_RATE = Fraction(10, 100)

FIGURES_KO: dict[str, str] = {
    "total_paid_krw": "낸 총금액(원)",
    "total_price_krw": "총 요금(원)",
    "paid_krw": "지금까지 낸 돈(원)",
    "deposit_krw": "계약금·예약금(원)",
    "penalty_krw": "계약서의 위약금(원)",
    "total_days": "계약 기간(일)",
    "days_used": "이용한 기간(일)",
    "total_months": "계약 기간(개월)",
    "months_used": "이용한 기간(개월)",
    "total_sessions": "계약 횟수",
    "sessions_used": "이용한 횟수",
    "days_before": "취소한 날부터 이용일(출발일)까지 남은 날 수",
    "at_fault": "누구 사정으로 해지했는지",
    "variant": "해당하는 경우",
    "purchase_price_krw": "구입가(원)",
    "essential_costs_krw": "필수제비용(원)",
    "useful_life_months": "내용연수(개월)",
    "purchase_date": "구입일",
    "as_of": "기준일",
    "fare_krw": "운임(원)",
    "delay_minutes": "지연 시간(분)",
    "normal_minutes": "정상 소요시간(분)",
    "later_months_paid_krw": "다음 달 이후 몫으로 미리 낸 돈(원)",
    "purchase_amount_krw": "상품권 구매액(원)",
    "monthly_rent_krw": "월 임대료(원)",
    "lease_months": "임대차 기간(개월)",
    "mandatory_months": "의무사용기간(개월)",
}
AT_FAULT = ("consumer", "business")


@dataclass(frozen=True, slots=True)
class Computation:
    """A computed remedy, or (amount None) the rule and what is missing to compute it.

    kind: "refund" (money back, never more than paid), "compensation" (money back plus
    damages), "charge" (what the consumer owes the business).
    """

    amount_krw: int | None
    kind: str
    steps: tuple[str, ...]  # Korean, in order
    steps_en: tuple[str, ...]  # the same steps in English
    basis: str  # where in the notice the rule is
    missing: tuple[str, ...] = ()

    def steps_in(self, lang: str) -> tuple[str, ...]:
        return self.steps_en if lang == "en" else self.steps


class _Insufficient(Exception):
    def __init__(self, ko: str, en: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(en)
        self.ko, self.en, self.missing = ko, en, missing


def won(amount: Fraction | int) -> str:
    return f"{math.floor(amount):,}원"


def krw(amount: Fraction | int) -> str:
    return f"KRW {math.floor(amount):,}"


def qty(value: Fraction) -> str:
    """A count (days, months, minutes) for a step: "3", "1.5"."""
    if value.denominator == 1:
        return str(value.numerator)
    try:
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    except OverflowError:
        return str(value)


def pct(rate: Fraction) -> str:
    value = rate * 100
    return f"{value.numerator}%" if value.denominator == 1 else f"{float(value):g}%"


class Figures:
    """The consumer's figures, checked: numbers non-negative and finite, words from a list."""

    def __init__(self, raw: Mapping[str, Any], choices: Mapping[str, tuple[str, ...]]) -> None:
        self.raw = {k: v for k, v in raw.items() if v is not None and v != ""}
        self.choices = choices

    def has(self, *names: str) -> bool:
        return all(name in self.raw for name in names)

    def number(self, name: str) -> Fraction:
        if name not in self.raw:
            raise _Insufficient(
                f"{FIGURES_KO.get(name, name)} 값이 필요합니다.", f"{name} is needed.", (name,)
            )
        value = self.raw[name]
        if isinstance(value, str):
            value = value.replace(",", "").replace("원", "").strip()
        try:
            number = Fraction(value) if not isinstance(value, float) else Fraction(str(value))
        except (TypeError, ValueError, ZeroDivisionError):
            number = None
        if isinstance(value, bool) or number is None or number < 0:
            raise _Insufficient(
                f"{FIGURES_KO.get(name, name)} 값이 올바르지 않습니다: {value!r}",
                f"{name} is not a non-negative number: {value!r}",
            )
        return number

    def choice(self, name: str) -> str:
        allowed = self.choices.get(name, ())
        if name not in self.raw:
            raise _Insufficient(
                f"{FIGURES_KO.get(name, name)}을(를) 골라야 합니다: {', '.join(allowed)}",
                f"{name} is needed, one of: {', '.join(allowed)}",
                (name,),
            )
        value = str(self.raw[name])
        if value not in allowed:
            raise _Insufficient(
                f"{FIGURES_KO.get(name, name)} 값은 다음 중 하나여야 합니다: {', '.join(allowed)}",
                f"{name} must be one of: {', '.join(allowed)}",
            )
        return value

    def date(self, name: str) -> dt.date:
        value = self.raw.get(name)
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise _Insufficient(
                f"{FIGURES_KO.get(name, name)}은(는) 2025-03-01 꼴로 적어 주세요.",
                f"{name} must be a date like 2025-03-01.",
                () if value else (name,),
            ) from None


@dataclass(frozen=True)
class Formula:
    """A computable remedy of one dispute of the notice."""

    id: str
    title: str
    title_en: str
    kind: str  # the kind of the usual result; a computation may say otherwise
    required_figures: tuple[str, ...]
    basis: str
    rule: tuple[str, ...]  # the remedy lines of the notice, shown when nothing is computed
    params: Mapping[str, Any]
    optional_figures: tuple[str, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Alternative figure sets that may replace part of required_figures.
    alternatives: tuple[tuple[str, ...], ...] = ()
    _run: Callable[[Formula, Figures, list[str], list[str]], tuple[Fraction, str]] | None = None

    def compute(self, **figures: Any) -> Computation:
        """Compute from the consumer's figures; never raises on bad or missing figures."""
        steps: list[str] = []
        steps_en: list[str] = []
        try:
            if self._run is None:  # a Formula is only ever built by build_formula()
                raise _Insufficient("계산 방법이 없습니다.", "This formula cannot compute.")
            amount, kind = self._run(self, Figures(figures, self.choices), steps, steps_en)
        except _Insufficient as why:
            return Computation(
                amount_krw=None,
                kind=self.kind,
                steps=(*self.rule, why.ko),
                steps_en=(f"The notice's rule (in Korean): {' / '.join(self.rule)}", why.en),
                basis=self.basis,
                missing=why.missing,
            )
        amount = max(Fraction(0), amount)
        if amount.denominator != 1:
            steps.append(f"원 미만은 버렸습니다: {won(amount)}")
            steps_en.append(f"Rounded down to the won: {krw(amount)}")
        return Computation(math.floor(amount), kind, tuple(steps), tuple(steps_en), self.basis)


# ---------------------------------------------------------------- pro-rata term contracts


def _period(figs: Figures) -> tuple[Fraction, Fraction, str, str]:
    """(used, total, unit ko, unit en) from whichever pair of figures was given."""
    for total, used, ko, en in (
        ("total_days", "days_used", "일", "days"),
        ("total_months", "months_used", "개월", "months"),
        ("total_sessions", "sessions_used", "회", "sessions"),
    ):
        if figs.has(total, used):
            whole, spent = figs.number(total), figs.number(used)
            if whole == 0:
                raise _Insufficient(
                    "계약 기간(횟수)이 0이면 나눌 수 없습니다.",
                    "The contract length cannot be zero.",
                )
            return min(spent, whole), whole, ko, en
    raise _Insufficient(
        "계약 기간과 이용한 기간(일·개월·횟수 중 하나로)이 필요합니다.",
        "The contract length and how much of it was used are needed (in days, months or sessions).",
        ("total_days", "days_used"),
    )


def _prorata(
    formula: Formula, figs: Figures, steps: list[str], en: list[str]
) -> tuple[Fraction, str]:
    params = formula.params
    side = params.get("party") or figs.choice("at_fault")
    paid = figs.number("total_paid_krw")
    used, whole, unit, unit_en = _period(figs)
    used_value = paid * used / whole
    remaining = paid - used_value
    steps.append(
        f"낸 금액 {won(paid)} 중 이용분: {won(paid)} × {qty(used)}{unit}/{qty(whole)}{unit} = "
        f"{won(used_value)}"
    )
    en.append(
        f"Share used of {krw(paid)}: {krw(paid)} × {qty(used)}/{qty(whole)} {unit_en} = "
        f"{krw(used_value)}"
    )
    if params.get("penalty") == "contract":
        penalty = figs.number("penalty_krw")
        steps.append(f"위약금: 계약서에 정한 {won(penalty)} (고시는 비율을 정하지 않음)")
        en.append(f"Penalty: {krw(penalty)} as set in the contract (the notice sets no rate)")
    else:
        rate = Fraction(params["penalty_rate"], 100)
        base_is_remaining = params.get("penalty_base") == "remaining"
        if used == 0 and params.get("before_start_base") == "deposit":
            deposit = figs.number("deposit_krw")
            penalty = deposit * rate
            steps.append(f"개시 전이므로 위약금은 계약금의 {pct(rate)}: {won(penalty)}")
            en.append(
                f"Before the start, the penalty is {pct(rate)} of the deposit: {krw(penalty)}"
            )
        else:
            base = remaining if base_is_remaining else paid
            penalty = base * rate
            what = "잔여기간 이용금액" if base_is_remaining else "총 이용금액"
            what_en = "the unused part" if base_is_remaining else "the total fee"
            steps.append(f"위약금: {what}의 {pct(rate)} = {won(penalty)}")
            en.append(f"Penalty: {pct(rate)} of {what_en} = {krw(penalty)}")
    if side == "consumer":
        amount = min(paid, max(Fraction(0), remaining - penalty))
        steps.append(f"환급액: {won(paid)} − {won(used_value)} − {won(penalty)} = {won(amount)}")
        en.append(f"Refund: {krw(paid)} − {krw(used_value)} − {krw(penalty)} = {krw(amount)}")
        return amount, "refund"
    amount = remaining + penalty
    steps.append(
        f"사업자 사정이므로 위약금을 더해 돌려받습니다: {won(remaining)} + {won(penalty)} = "
        f"{won(amount)}"
    )
    en.append(
        f"The business is at fault, so the penalty is added: {krw(remaining)} + "
        f"{krw(penalty)} = {krw(amount)}"
    )
    return amount, "compensation"


# ---------------------------------------------------------------- days-before tables


def _cancellation(
    formula: Formula, figs: Figures, steps: list[str], en: list[str]
) -> tuple[Fraction, str]:
    bands = formula.params["bands"]
    parties = sorted({b["party"] for b in bands})
    side = parties[0] if len(parties) == 1 else figs.choice("at_fault")
    variants = sorted({b["variant"] for b in bands if b["party"] == side})
    variant = variants[0] if len(variants) == 1 else figs.choice("variant")
    days = figs.number("days_before")
    ladder = sorted(
        (b for b in bands if b["party"] == side and b["variant"] == variant),
        key=lambda b: -b["min_days_before"],
    )
    band = next((b for b in ladder if days >= b["min_days_before"]), None)
    if band is None:
        raise _Insufficient(
            "이 날 수에 해당하는 구간이 표에 없습니다.", "The table has no band for that many days."
        )
    when = formula.params["whens"][band["case"]]
    remedy = formula.params["remedies"][band["case"]]
    steps.append(f"{int(days)}일 전 취소 → 「{when}」: {remedy}")
    en.append(f"Cancelled {int(days)} days before → band '{when}': {remedy}")
    effect = band["effect"]
    if effect == "rule":
        raise _Insufficient(
            f"이 구간의 기준({remedy})은 금액으로 계산할 수 없습니다.",
            f"This band's remedy ({remedy}) is not a computable amount.",
        )
    paid = figs.number("paid_krw")
    rate = Fraction(band.get("rate", 0), 100)
    if effect == "full":
        steps.append(f"낸 돈 전액 환급: {won(paid)}")
        en.append(f"Everything paid comes back: {krw(paid)}")
        return paid, "refund"
    if effect == "none":
        steps.append("환급되지 않습니다: 0원")
        en.append("Nothing is refunded: KRW 0")
        return Fraction(0), "refund"
    base_name = "deposit_krw" if band["base"] == "deposit" else "total_price_krw"
    base = figs.number(base_name)
    base_ko = "계약금" if band["base"] == "deposit" else "총 요금"
    base_en = "the deposit" if band["base"] == "deposit" else "the total price"
    part = base * rate
    if effect == "share":
        amount = min(part, paid)
        steps.append(f"{base_ko}의 {pct(rate)} 환급: {won(base)} × {pct(rate)} = {won(amount)}")
        en.append(f"{pct(rate)} of {base_en} comes back: {krw(base)} × {pct(rate)} = {krw(amount)}")
        if paid > base:
            steps.append("계약금 밖에 미리 낸 돈은 이 기준의 계산에 들어 있지 않습니다.")
            en.append("Money paid beyond the deposit is not part of this rule's computation.")
        return amount, "refund"
    if effect == "deduct":
        amount = max(Fraction(0), paid - part)
        steps.append(
            f"{base_ko}의 {pct(rate)}({won(part)})를 빼고 환급: {won(paid)} − {won(part)} = "
            f"{won(amount)}"
        )
        en.append(
            f"{pct(rate)} of {base_en} ({krw(part)}) is kept: {krw(paid)} − {krw(part)} = "
            f"{krw(amount)}"
        )
        if part > paid:
            steps.append(f"낸 돈보다 공제액이 커서 {won(part - paid)}을 더 요구받을 수 있습니다.")
            en.append(f"The charge exceeds what was paid; {krw(part - paid)} may be claimed.")
        return amount, "refund"
    amount = paid + part  # "add": the business pays back and pays damages on top
    steps.append(
        f"낸 돈 환급에 {base_ko}의 {pct(rate)} 배상: {won(paid)} + {won(part)} = {won(amount)}"
    )
    en.append(f"Refund plus {pct(rate)} of {base_en}: {krw(paid)} + {krw(part)} = {krw(amount)}")
    return amount, "compensation"


# ---------------------------------------------------------------- depreciation


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(0, months - (1 if end.day < start.day else 0))


def _depreciation(
    formula: Formula, figs: Figures, steps: list[str], en: list[str]
) -> tuple[Fraction, str]:
    variants = formula.params["variants"]
    if len(variants) == 1:
        chosen = variants[0]
    else:
        when = figs.choice("variant")
        chosen = next(v for v in variants if v["when"] == when)
    price = figs.number("purchase_price_krw")
    if chosen["essential_costs"] and figs.has("essential_costs_krw"):
        extra = figs.number("essential_costs_krw")
        steps.append(
            f"필수제비용을 포함한 구입가: {won(price)} + {won(extra)} = {won(price + extra)}"
        )
        en.append(
            f"Price including essential costs: {krw(price)} + {krw(extra)} = {krw(price + extra)}"
        )
        price += extra
    life = figs.number("useful_life_months")
    if life == 0:
        raise _Insufficient("내용연수가 0이면 계산할 수 없습니다.", "Useful life cannot be zero.")
    if figs.has("months_used"):
        used = figs.number("months_used")
    elif figs.has("purchase_date"):
        start, end = figs.date("purchase_date"), figs.date("as_of")
        if end < start:
            raise _Insufficient("기준일이 구입일보다 앞섭니다.", "as_of is before purchase_date.")
        used = Fraction(_months_between(start, end))
        steps.append(f"{start}부터 {end}까지 다 채운 달 수: {qty(used)}개월")
        en.append(f"Whole months from {start} to {end}: {qty(used)}")
    else:
        raise _Insufficient(
            "사용한 기간(개월) 또는 구입일과 기준일이 필요합니다.",
            "months_used, or purchase_date and as_of, are needed.",
            ("months_used",),
        )
    used = min(used, life)
    residual = price * (life - used) / life
    steps.append(
        f"정액 감가상각 후 잔여금액: {won(price)} × ({qty(life)} − {qty(used)})/{qty(life)}개월 "
        f"= {won(residual)}"
    )
    en.append(
        f"Straight-line residual value: {krw(price)} × ({qty(life)} − {qty(used)})/{qty(life)} "
        f"months = {krw(residual)}"
    )
    rate = Fraction(chosen["addition_rate"], 100)
    amount = residual + price * rate
    if rate:
        steps.append(
            f"구입가의 {pct(rate)} 가산: {won(residual)} + {won(price * rate)} = {won(amount)}"
        )
        en.append(
            f"Plus {pct(rate)} of the price: {krw(residual)} + {krw(price * rate)} = {krw(amount)}"
        )
    if amount > price:
        amount = price
        steps.append(f"구입가를 넘지 않게 했습니다(한도: 구입가격): {won(price)}")
        en.append(f"Capped at the purchase price: {krw(price)}")
    return amount, "refund"


# ---------------------------------------------------------------- delays


def _delay_hours(
    formula: Formula, figs: Figures, steps: list[str], en: list[str]
) -> tuple[Fraction, str]:
    fare = figs.number("fare_krw")
    minutes = figs.number("delay_minutes")
    bands = sorted(formula.params["bands"], key=lambda b: -b["min_minutes"])
    band = next(
        (
            b
            for b in bands
            if minutes > b["min_minutes"] or (minutes == b["min_minutes"] and not b["exclusive"])
        ),
        None,
    )
    if band is None:
        steps.append(f"{qty(minutes)}분 지연은 배상 기준 시간에 미치지 않습니다: 0원")
        en.append(f"A delay of {qty(minutes)} minutes is below the first band: KRW 0")
        return Fraction(0), "compensation"
    rate = Fraction(band["rate"], 100)
    when = formula.params["whens"][band["case"]]
    steps.append(
        f"{qty(minutes)}분 지연 → 「{when}」: 운임의 {pct(rate)} 배상 = {won(fare)} × {pct(rate)} "
        f"= {won(fare * rate)}"
    )
    en.append(
        f"{qty(minutes)} minutes late → band '{when}': {pct(rate)} of the fare = "
        f"{krw(fare)} × {pct(rate)} = {krw(fare * rate)}"
    )
    return fare * rate, "compensation"


def _delay_ratio(
    formula: Formula, figs: Figures, steps: list[str], en: list[str]
) -> tuple[Fraction, str]:
    fare = figs.number("fare_krw")
    late = figs.number("delay_minutes")
    normal = figs.number("normal_minutes")
    if normal == 0:
        raise _Insufficient(
            "정상 소요시간이 0이면 계산할 수 없습니다.", "normal_minutes cannot be 0."
        )
    share = late / normal * 100
    bands = sorted(formula.params["bands"], key=lambda b: -b["min_percent_late"])
    band = next((b for b in bands if share >= b["min_percent_late"]), None)
    steps.append(f"지연 비율: {qty(late)}분 / 정상 {qty(normal)}분 = {round(share)}%")
    en.append(f"Delay ratio: {qty(late)} / {qty(normal)} minutes = {round(share)}%")
    if band is None:
        steps.append("배상 기준(정상소요시간의 일정 비율 이상 지연)에 미치지 않습니다: 0원")
        en.append("Below the first band: KRW 0")
        return Fraction(0), "compensation"
    rate = Fraction(band["rate"], 100)
    steps.append(f"운임의 {pct(rate)} 배상: {won(fare)} × {pct(rate)} = {won(fare * rate)}")
    en.append(f"{pct(rate)} of the fare: {krw(fare)} × {pct(rate)} = {krw(fare * rate)}")
    return fare * rate, "compensation"


# ---------------------------------------------------------------- academies and camps


def _elapsed_share(
    formula: Formula, figs: Figures, steps: list[str], en: list[str]
) -> tuple[Fraction, str]:
    paid = figs.number("total_paid_krw")
    used, whole, unit, unit_en = _period(figs)
    later = (
        figs.number("later_months_paid_krw") if figs.has("later_months_paid_krw") else Fraction(0)
    )
    if used == 0:
        amount = paid
        steps.append(f"시작 전 해지: 낸 돈 전액 환급 {won(paid)}")
        en.append(f"Cancelled before the start: full refund of {krw(paid)}")
    else:
        elapsed = used / whole
        bands = sorted(formula.params["bands"], key=lambda b: Fraction(*b["elapsed_before"]))
        band = next((b for b in bands if elapsed < Fraction(*b["elapsed_before"])), None)
        share = Fraction(*band["refund_share"]) if band else Fraction(0)
        limit = f"{band['elapsed_before'][0]}/{band['elapsed_before'][1]}" if band else "1/2"
        amount = paid * share
        if band:
            steps.append(
                f"{qty(used)}/{qty(whole)}{unit} 경과(총 기간의 {limit} 경과 전) → 낸 금액의 "
                f"{share.numerator}/{share.denominator} 환급: {won(amount)}"
            )
            en.append(
                f"{qty(used)}/{qty(whole)} {unit_en} elapsed (before {limit}) → "
                f"{share.numerator}/{share.denominator} of {krw(paid)} = {krw(amount)}"
            )
        else:
            steps.append(
                f"{qty(used)}/{qty(whole)}{unit} 경과(총 기간의 {limit} 경과 후) → 환급 없음"
            )
            en.append(f"{qty(used)}/{qty(whole)} {unit_en} elapsed (after {limit}) → no refund")
    if later:
        steps.append(f"다음 달 이후 몫으로 낸 {won(later)}은 전액 환급: 합계 {won(amount + later)}")
        en.append(
            f"Fees paid for later months ({krw(later)}) come back in full: {krw(amount + later)}"
        )
        amount += later
    return amount, "refund"


# ---------------------------------------------------------------- vouchers and rentals


def _voucher(
    formula: Formula, figs: Figures, steps: list[str], en: list[str]
) -> tuple[Fraction, str]:
    amount_paid = figs.number("purchase_amount_krw")
    band = next(
        (
            b
            for b in formula.params["bands"]
            if (b["up_to_krw"] is None or amount_paid <= b["up_to_krw"])
            and (b["over_krw"] is None or amount_paid > b["over_krw"])
        ),
        None,
    )
    if band is None:
        raise _Insufficient("이 금액에 맞는 기준이 표에 없습니다.", "No band for that amount.")
    rate = Fraction(band["rate"], 100)
    steps.append(
        f"유효기간이 지났어도 5년 안이면 구매액의 {pct(rate)} 반환: {won(amount_paid)} × "
        f"{pct(rate)} = {won(amount_paid * rate)}"
    )
    en.append(
        f"Expired but within 5 years: {pct(rate)} of the purchase amount: "
        f"{krw(amount_paid)} × {pct(rate)} = {krw(amount_paid * rate)}"
    )
    return amount_paid * rate, "refund"


def _rental(
    formula: Formula, figs: Figures, steps: list[str], en: list[str]
) -> tuple[Fraction, str]:
    rent = figs.number("monthly_rent_krw")
    lease = figs.number("lease_months")
    used = min(figs.number("months_used"), lease)
    mandatory = figs.number("mandatory_months") if figs.has("mandatory_months") else Fraction(0)
    period = mandatory or lease
    if mandatory > lease:
        raise _Insufficient(
            "의무사용기간이 임대차 기간보다 깁니다. 계약서의 두 기간을 확인해 주세요.",
            "mandatory_months is longer than lease_months.",
        )
    if period == 0:
        raise _Insufficient("임대차 기간이 0이면 계산할 수 없습니다.", "lease_months cannot be 0.")
    case = next(
        c
        for c in formula.params["cases"]
        if c["mandatory"] == bool(mandatory) and c["up_to_one_year"] == (period <= 12)
    )
    remaining = rent * max(Fraction(0), period - used)
    what = "의무사용기간" if mandatory else "임대차기간"
    first = remaining * Fraction(case["remaining_rate"], 100)
    steps.append(
        f"{what} 잔여 {qty(max(Fraction(0), period - used))}개월 임대료 {won(remaining)}의 "
        f"{case['remaining_rate']}% = {won(first)}"
    )
    en.append(
        f"{case['remaining_rate']}% of the rent for the remaining "
        f"{qty(max(Fraction(0), period - used))} months ({krw(remaining)}) = {krw(first)}"
    )
    amount = first
    if case["total_rate"] is not None:
        total = rent * lease * Fraction(case["total_rate"], 100)
        amount = min(first, total)
        steps.append(
            f"임대료 총합 {won(rent * lease)}의 {case['total_rate']}% = {won(total)}; "
            f"둘 중 적은 금액 {won(amount)}"
        )
        en.append(
            f"{case['total_rate']}% of the total rent ({krw(rent * lease)}) = {krw(total)}; "
            f"the smaller is {krw(amount)}"
        )
    steps.append(f"소비자가 배상할 위약금: {won(amount)}")
    en.append(f"Penalty the consumer owes: {krw(amount)}")
    return amount, "charge"


# ---------------------------------------------------------------- building formulas


@dataclass(frozen=True)
class _Kind:
    run: Callable[[Formula, Figures, list[str], list[str]], tuple[Fraction, str]]
    title: str
    title_en: str
    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, ...], ...] = ()


_PERIODS = (("total_months", "months_used"), ("total_sessions", "sessions_used"))
KINDS: dict[str, _Kind] = {
    "prorata-gym": _Kind(
        _prorata,
        "이용 기간에 비례한 환급 − 위약금(이용료의 10%)",
        "Pro-rata refund minus a 10% penalty",
        "refund",
        ("total_paid_krw", "total_days", "days_used"),
        (),
        _PERIODS,
    ),
    "prorata-study-cafe": _Kind(
        _prorata,
        "이용 시간·기간에 비례한 환급 − 위약금",
        "Pro-rata refund minus the contract's penalty",
        "refund",
        ("total_paid_krw", "total_days", "days_used", "penalty_krw"),
        (),
        _PERIODS,
    ),
    "prorata-total": _Kind(
        _prorata,
        "이용일수만큼 빼고 총 이용금액의 10%를 위약금으로 정산",
        "Pro-rata refund with a penalty of a share of the total",
        "refund",
        ("total_paid_krw", "total_days", "days_used"),
        (),
        _PERIODS,
    ),
    "prorata-sessions": _Kind(
        _prorata,
        "치료 횟수만큼 빼고 총 치료비의 10%를 위약금으로 정산",
        "Refund by sessions used with a penalty of a share of the total",
        "refund",
        ("total_paid_krw", "total_sessions", "sessions_used"),
        ("deposit_krw",),
    ),
    "prorata-remaining": _Kind(
        _prorata,
        "이용일수만큼 빼고 잔여 금액의 10%를 위약금으로 정산",
        "Pro-rata refund with a penalty of a share of the unused part",
        "refund",
        ("total_paid_krw", "total_days", "days_used"),
        (),
        _PERIODS,
    ),
    "cancellation-schedule": _Kind(
        _cancellation,
        "취소 시점에 따른 환급·배상",
        "Refund or damages by how early the booking was cancelled",
        "refund",
        ("total_price_krw", "paid_krw", "days_before"),
        ("deposit_krw",),
    ),
    "depreciation": _Kind(
        _depreciation,
        "정액 감가상각한 잔여금액(+가산금) 환급",
        "Straight-line depreciated refund (plus a surcharge)",
        "refund",
        ("purchase_price_krw", "months_used", "useful_life_months"),
        ("essential_costs_krw",),
        (("purchase_date", "as_of"),),
    ),
    "delay-hours": _Kind(
        _delay_hours,
        "지연 시간에 따른 운임 배상",
        "Compensation by length of delay",
        "compensation",
        ("fare_krw", "delay_minutes"),
    ),
    "delay-ratio": _Kind(
        _delay_ratio,
        "정상 소요시간 대비 지연에 따른 운임 배상",
        "Compensation by delay relative to the normal journey",
        "compensation",
        ("fare_krw", "delay_minutes", "normal_minutes"),
    ),
    "elapsed-share": _Kind(
        _elapsed_share,
        "경과 비율에 따른 수강료 환급",
        "Refund by the share of the course already given",
        "refund",
        ("total_paid_krw", "total_days", "days_used"),
        ("later_months_paid_krw",),
        _PERIODS,
    ),
    "voucher-expired": _Kind(
        _voucher,
        "유효기간 지난 상품권의 반환",
        "Refund of an expired voucher",
        "refund",
        ("purchase_amount_krw",),
    ),
    "rental-termination": _Kind(
        _rental,
        "렌탈 중도해지 위약금",
        "Penalty for ending a rental early",
        "charge",
        ("monthly_rent_krw", "lease_months", "months_used"),
        ("mandatory_months",),
    ),
}


def build_formula(
    formula_id: str,
    params: Mapping[str, Any],
    *,
    basis: str,
    cases: list[dict[str, Any]],
    condition: str,
) -> Formula:
    """The Formula for one dispute, from its cleaned params and cases."""
    spec = KINDS[formula_id]
    params = dict(params)
    params["whens"] = [c["when"] for c in cases]
    params["remedies"] = [" 또는 ".join(c["remedies"]) for c in cases]
    choices: dict[str, tuple[str, ...]] = {}
    required = list(spec.required)
    if formula_id.startswith("prorata"):
        if params.get("party") is None:
            choices["at_fault"] = AT_FAULT
            required.append("at_fault")
        if formula_id == "prorata-gym":
            params["penalty_rate"] = GYM_PENALTY_RATE * 100
        if formula_id == "prorata-study-cafe":
            params["penalty"] = "contract"
        if formula_id == "prorata-remaining":
            params["penalty_base"] = "remaining"
        if formula_id == "prorata-sessions":
            params["before_start_base"] = "deposit"
    if formula_id == "cancellation-schedule":
        bands = params["bands"]
        # ask only for the bases the table uses
        required = ["paid_krw", "days_before"]
        if any(b.get("base") == "price" for b in bands):
            required.insert(0, "total_price_krw")
        parties = tuple(sorted({b["party"] for b in bands}))
        if len(parties) > 1:
            choices["at_fault"] = parties
            required.append("at_fault")
        variants = tuple(sorted({b["variant"] for b in bands}))
        if len(variants) > 1:
            choices["variant"] = variants
            required.append("variant")
        if any(b.get("base") == "deposit" for b in bands):
            required.append("deposit_krw")
    if formula_id == "depreciation" and len(params["variants"]) > 1:
        choices["variant"] = tuple(v["when"] for v in params["variants"])
        required.append("variant")
    rule = tuple(
        line
        for c in cases
        for line in (
            [
                f"{c['when']}: {' 또는 '.join(c['remedies'])}"
                if c["when"]
                else " 또는 ".join(c["remedies"])
            ]
        )
        if line
    )
    return Formula(
        id=formula_id,
        title=spec.title,
        title_en=spec.title_en,
        kind=spec.kind,
        required_figures=tuple(dict.fromkeys(required)),
        optional_figures=spec.optional,
        alternatives=spec.alternatives,
        choices=choices,
        basis=basis,
        rule=rule or (condition,),
        params=params,
        _run=spec.run,
    )


def figure_label(name: str) -> str:
    """The Korean label of a figure, for forms that ask the consumer for it."""
    return FIGURES_KO.get(name, name.replace("_", " "))
