"""Facts beside the text: what the caller knows, and amounts read from the text.

A caller (the intake form, an officer) may know the amount claimed, the region,
where the thing was bought (`channel`, e.g. "abroad") and the business. When the
amount is not given, the largest amount of money written in the complaint stands in
for it ("피해액이 2억 원", "1억2천만 원", "3,000,000원", "50 million won").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FACT_FIELDS = ("amount_krw", "region", "channel", "business")

_KO_UNITS = {"억": 100_000_000, "만": 10_000, "천": 1_000, "백": 100}
_KO_AMOUNT = re.compile(
    r"(?P<num>(?:\d[\d,]*(?:\.\d+)?\s*(?:억|천만|백만|만|천|백)?\s*)+)\s*(?P<won>원|만원|억원)?"
)
_EN_AMOUNT = re.compile(
    r"(?:krw|₩)\s*(?P<a>\d[\d,]*(?:\.\d+)?)\s*(?P<m>million|billion|thousand)?"
    r"|(?P<b>\d[\d,]*(?:\.\d+)?)\s*(?P<n>million|billion|thousand)?\s*(?:won|krw)\b",
    re.IGNORECASE,
)
_EN_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_KO_PART = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(억|천만|백만|만|천|백)?")


@dataclass(frozen=True, slots=True)
class Amount:
    value: int
    start: int
    end: int


def _ko_value(number: str) -> int | None:
    total = 0.0
    pending = 0.0
    for m in _KO_PART.finditer(number):
        value = float(m.group(1).replace(",", "") or 0)
        unit = m.group(2)
        if unit is None:
            pending += value
            continue
        scale = 1
        for ch in unit:
            scale *= _KO_UNITS[ch]
        if unit == "억":
            total += (pending + value) * scale
            pending = 0.0
        else:
            pending += value * scale
    total += pending
    return int(total) if total > 0 else None


def amounts_in_text(text: str) -> list[Amount]:
    """Sums of money written in the text, in won."""
    found = []
    for m in _KO_AMOUNT.finditer(text):
        number, won = m.group("num").strip(), m.group("won")
        has_unit = any(u in number for u in _KO_UNITS)
        if not won and not has_unit:
            continue  # a bare number is a date, a count or a phone number, not money
        if not won and not number.rstrip().endswith(("억", "만", "천만", "백만")):
            continue
        value = _ko_value(number)
        if value is None:
            continue
        if won == "만원":
            value *= 10_000
        elif won == "억원":
            value *= 100_000_000
        if value >= 1_000:
            end = m.start() + len(m.group(0).rstrip())
            # "1억 넘는", "1억 원 이상/초과": more than the round sum said.
            if text[end : end + 4].lstrip().startswith(("넘", "이상", "초과", "훌쩍")):
                value += 1
            found.append(Amount(value, m.start(), end))
    for m in _EN_AMOUNT.finditer(text):
        raw = m.group("a") or m.group("b")
        scale = _EN_SCALE.get((m.group("m") or m.group("n") or "").lower(), 1)
        try:
            value = int(float(raw.replace(",", "")) * scale)
        except ValueError:
            continue
        if value >= 1_000:
            found.append(Amount(value, m.start(), m.end()))
    return found


def clean_facts(facts: Mapping[str, Any] | None) -> dict[str, Any]:
    """Keep the known fact fields with usable values; ignore everything else."""
    if not facts or not isinstance(facts, Mapping):
        return {}
    out: dict[str, Any] = {}
    amount = facts.get("amount_krw")
    if (
        isinstance(amount, int | float)
        and not isinstance(amount, bool)
        and math.isfinite(amount)
        and 0 <= amount < 10**16
    ):
        out["amount_krw"] = int(amount)
    elif isinstance(amount, str):
        digits = amount.strip().replace(",", "")
        if digits.isascii() and digits.isdigit() and len(digits) < 17:
            out["amount_krw"] = int(digits)
    for name in ("region", "channel", "business"):
        value = facts.get(name)
        if isinstance(value, str) and value.strip():
            out[name] = value.strip()[:200]
    return out


def conditions_hold(conditions: Mapping[str, Any] | None, facts: Mapping[str, Any]) -> bool:
    """The registry's fact conditions (`agencies.FactConditions.to_dict` shape).

    An unknown fact never satisfies a condition: an unknown amount is not "at most
    100 million won".
    """
    if not conditions:
        return True
    amount_rule = conditions.get("amount_krw")
    if amount_rule:
        amount = facts.get("amount_krw")
        if amount is None:
            return False
        if "min" in amount_rule and amount < amount_rule["min"]:
            return False
        if "max" in amount_rule and amount > amount_rule["max"]:
            return False
    for name in ("channel", "region", "business"):
        wanted = conditions.get(name)
        if wanted is None:
            continue
        value = facts.get(name)
        if value is None:
            return False
        wanted_norm = {str(w).lower() for w in wanted}
        if str(value).lower() not in wanted_norm and not any(
            w in str(value).lower() for w in wanted_norm
        ):
            return False
    return True
