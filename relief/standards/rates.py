"""Read a formula's rates and thresholds out of the notice's own words.

Cleaning calls ``formula_params`` for each dispute that has a formula and stores the
result next to the dispute, so a reviewer sees the numbers beside the text they came
from, and ``formulas.py`` computes from them without re-reading prose. Anything the
words do not give (the gym penalty rate, for one) is a named constant in formulas.py.
"""

from __future__ import annotations

import re
from typing import Any

Case = dict[str, Any]


class RateError(ValueError):
    """The words of a dispute no longer give the numbers its formula needs."""


def _percent(text: str, pattern: str) -> int | None:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else None


def party_of(text: str) -> str | None:
    """Who ended the contract, from a condition or case header."""
    if re.search(r"소비자|여행자의|이용자의|관객|고객|여객", text):
        return "consumer"
    if re.search(r"사업자|여행사의 귀책|공연업자|병원", text):
        return "business"
    return None


def min_days(when: str) -> int | None:
    """The fewest days before the date that a band covers ("20일전까지(29∼20)" -> 20)."""
    last = when.split(" / ")[-1]
    ranged = re.search(r"\(\s*(\d*)\s*[∼~～]\s*(\d+)\s*\)", last)
    if ranged:
        return int(ranged.group(2))
    if "당일" in last:
        return 0
    days = re.search(r"(\d+)\s*일\s*전", last)
    return int(days.group(1)) if days else None


def band_effect(remedy: str) -> dict[str, Any]:
    """What a band's remedy does to the money, as data.

    effect: full (everything paid comes back), deduct (a rate of the base is kept),
    add (a rate of the base is paid on top), share (only a rate of the base comes back),
    none (nothing comes back), rule (no number in the words).
    """
    if re.search(r"미환급|환급\s*불가", remedy):
        return {"effect": "none"}
    rate = _percent(remedy, r"(\d+)%\s*공제")
    if rate is not None:
        return {"effect": "deduct", "rate": rate, "base": "price"}
    rate = _percent(remedy, r"계약금의\s*(\d+)%\s*환급")
    if rate is not None:
        return {"effect": "share", "rate": rate, "base": "deposit"}
    rate = _percent(remedy, r"계약금의\s*(\d+)%\s*배상")
    if rate is not None:
        return {"effect": "add", "rate": rate, "base": "deposit"}
    rate = _percent(remedy, r"(?:요금|비용|대여료|입장료)의\s*(\d+)%\s*배상")
    if rate is not None:
        return {"effect": "add", "rate": rate, "base": "price"}
    # the first sentence decides: "계약금 환급. 다만 … 공제할 수 있음" is a full refund
    head = re.split(r"\.\s|\s다만", remedy.strip())[0].strip(" .")
    if re.fullmatch(r"(?:계약금|입장료|예약금)?\s*(?:전액\s*)?환급", head):
        return {"effect": "full"}
    return {"effect": "rule"}


def cancellation_bands(cases: list[Case], *, party: str | None) -> list[dict[str, Any]]:
    """Bands of a days-before-the-date table, each with its side, variant and effect.

    Cases that are not a band of the table (no day count, or "단, …" exceptions) are
    skipped; the formula quotes them as notes.
    """
    bands: list[dict[str, Any]] = []
    for index, case in enumerate(cases):
        when = case["when"]
        days = min_days(when)
        if days is None or when.split(" / ")[-1].startswith("단,") or not case["remedies"]:
            continue
        path = when.split(" / ")
        side = party or party_of(path[0])
        if side is None:
            continue
        variants = [p for p in path[:-1] if party_of(p) is None]
        effect = band_effect(case["remedies"][0])
        if side == "consumer" and effect.get("effect") == "add":
            effect["effect"] = "deduct"  # "요금의 10% 배상" by the consumer: kept from the refund
        bands.append(
            {
                "case": index,
                "party": side,
                "variant": " / ".join(variants),
                "min_days_before": days,
                **effect,
            }
        )
    if not bands:
        raise RateError("no day bands found")
    return bands


def hour_bands(cases: list[Case]) -> list[dict[str, Any]]:
    """Delay bands ("2시간 이상∼4시간 이내 운송지연" -> from 120 minutes, 10% of the fare)."""
    bands = []
    for index, case in enumerate(cases):
        hours = re.search(r"(\d+)\s*시간\s*(이상|초과)", case["when"])
        rate = _percent(" ".join(case["remedies"]), r"운임의\s*(\d+)%\s*배상")
        if hours and rate is not None:
            bands.append(
                {
                    "case": index,
                    "min_minutes": int(hours.group(1)) * 60,
                    "exclusive": hours.group(2) == "초과",
                    "rate": rate,
                }
            )
    if not bands:
        raise RateError("no delay bands found")
    return bands


def ratio_bands(cases: list[Case]) -> list[dict[str, Any]]:
    """Delay bands relative to the normal journey time ("정상소요시간의 50% 이상 지연")."""
    bands = []
    for index, case in enumerate(cases):
        share = _percent(case["when"], r"(\d+)%\s*이상")
        rate = _percent(" ".join(case["remedies"]), r"운임의\s*(\d+)%\s*배상")
        if share is not None and rate is not None:
            bands.append({"case": index, "min_percent_late": share, "rate": rate})
    if not bands:
        raise RateError("no delay bands found")
    return bands


def _fraction(text: str) -> list[int] | None:
    found = re.search(r"(\d+)/(\d+)", text)
    return [int(found.group(1)), int(found.group(2))] if found else None


def elapsed_share_bands(cases: list[Case]) -> list[dict[str, Any]]:
    """ "총 교습시간의 1/3 경과 전 → 수강료의 2/3 해당액 환급" as [1,3] -> [2,3]."""
    bands = []
    for index, case in enumerate(cases):
        last = case["when"].split(" / ")[-1]
        before = _fraction(last) if "경과 전" in last else None
        remedy = " ".join(case["remedies"])
        if before is None:
            continue
        share = [0, 1] if "미환급" in remedy else _fraction(remedy)
        if share is None:
            continue
        bands.append({"case": index, "elapsed_before": before, "refund_share": share})
    if not bands:
        raise RateError("no elapsed-share bands found")
    return bands


def penalty_rate(cases: list[Case], *, base_words: str) -> int:
    """The N of "… 이용금액의 N%" in the consumer's cancellation case."""
    for case in cases:
        # line wraps split words ("이 용요금", "이용금 액"): compare without spaces
        text = "".join(case["remedies"]).replace(" ", "")
        rate = _percent(text, rf"{base_words}(?:의)?(\d+)%")
        if rate is not None:
            return rate
    raise RateError(f"no '{base_words} N%' in the remedies")


def depreciation_variants(cases: list[Case]) -> list[dict[str, Any]]:
    """Each case whose remedy refunds a depreciated price, with its surcharge rate."""
    variants = []
    for index, case in enumerate(cases):
        remedy = " ".join(case["remedies"])
        if "감가" not in remedy or "환급" not in remedy:
            continue
        addition = _percent(remedy.replace(" ", ""), r"(\d+)%(?:를|을)?가산")  # "가 산하여" too
        variants.append(
            {
                "case": index,
                "when": case["when"],
                "addition_rate": addition or 0,
                "capped_at_price": "한도" in remedy,
                "essential_costs": "필수제비" in remedy,
            }
        )
    if not variants:
        raise RateError("no depreciation case found")
    return variants


def formula_params(formula: str, condition: str, cases: list[Case]) -> dict[str, Any]:
    """The numbers ``formula`` needs, read from this dispute's words."""
    side = party_of(condition)
    if formula == "cancellation-schedule":
        return {"bands": cancellation_bands(cases, party=side)}
    if formula in ("prorata-total", "prorata-remaining", "prorata-sessions"):
        base = {
            "prorata-remaining": "이용요금|구독료",
            "prorata-sessions": "치료비용|치료금액",
        }.get(formula, "이용금액")
        return {"party": side, "penalty_rate": penalty_rate(cases, base_words=f"(?:{base})")}
    if formula == "prorata-gym":
        return {"party": side}
    if formula == "prorata-study-cafe":
        return {"party": side}
    if formula == "depreciation":
        return {"variants": depreciation_variants(cases)}
    if formula == "delay-hours":
        return {"bands": hour_bands(cases)}
    if formula == "delay-ratio":
        return {"bands": ratio_bands(cases)}
    if formula == "elapsed-share":
        return {"bands": elapsed_share_bands(cases)}
    if formula == "voucher-expired":
        return {"bands": voucher_bands(cases)}
    if formula == "rental-termination":
        return {"cases": rental_cases(cases)}
    raise RateError(f"unknown formula {formula!r}")


def voucher_bands(cases: list[Case]) -> list[dict[str, Any]]:
    """ "5만원 이하 … 구매액의 90% 반환" -> up to 50,000 won, 90%."""
    bands = []
    for case in cases:
        for line in case["remedies"]:
            rate = _percent(line, r"(\d+)\s*%\s*(?:반환|에 해당하는)")
            if rate is None:
                rate = _percent(line, r"100분의\s*(\d+)")
            if rate is None or "적립금" in line:
                continue
            limit = re.search(r"(\d+)만원\s*(이하|초과)", line)
            bands.append(
                {
                    "up_to_krw": int(limit.group(1)) * 10_000
                    if limit and limit.group(2) == "이하"
                    else None,
                    "over_krw": int(limit.group(1)) * 10_000
                    if limit and limit.group(2) == "초과"
                    else None,
                    "rate": rate,
                }
            )
    if not bands:
        raise RateError("no voucher rates found")
    return bands


def rental_cases(cases: list[Case]) -> list[dict[str, Any]]:
    """Penalties of a long-term rental ended by the consumer, per kind of contract."""
    out = []
    for index, case in enumerate(cases):
        when, remedy = case["when"], " ".join(case["remedies"])
        rates = [int(r) for r in re.findall(r"(\d+)%", remedy)]
        if not rates:
            continue
        out.append(
            {
                "case": index,
                "mandatory": "의무사용기간을" in when,
                "up_to_one_year": "1년 이하" in when,
                "remaining_rate": rates[0],
                "total_rate": rates[1] if len(rates) > 1 else None,
            }
        )
    if not out:
        raise RateError("no rental penalties found")
    return out
