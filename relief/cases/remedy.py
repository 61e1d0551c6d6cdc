"""The standard remedy that applies to a complaint, computed from the consumer's figures.

Glue between the filing form and ``relief.standards``: which figures to ask for, how
they are labelled, and what to store on the case. The notice itself is authoritative.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from relief.standards import load_standards, match_standard

MIN_SCORE = 0.6
FIGURE_PREFIX = "fig_"
MONEY_FIGURES = {"total_paid_krw", "paid_krw", "total_price_krw", "purchase_price_krw",
                 "deposit_krw", "fare_krw", "purchase_amount_krw", "monthly_rent_krw",
                 "essential_costs_krw", "later_months_paid_krw", "penalty_krw"}
DATE_FIGURES = {"purchase_date", "as_of"}
# Figures the amount paid stands for when the consumer gave one.
FROM_AMOUNT = ("total_paid_krw", "paid_krw", "total_price_krw", "purchase_price_krw",
               "purchase_amount_krw", "fare_krw")

FIGURE_LABELS = {
    "total_paid_krw": _l("Total paid (won)"), "paid_krw": _l("Amount paid (won)"),
    "total_price_krw": _l("Total price (won)"), "purchase_price_krw": _l("Purchase price (won)"),
    "deposit_krw": _l("Deposit paid (won)"), "fare_krw": _l("Fare (won)"),
    "purchase_amount_krw": _l("Purchase amount (won)"),
    "monthly_rent_krw": _l("Monthly rent (won)"),
    "essential_costs_krw": _l("Necessary costs already spent (won)"),
    "later_months_paid_krw": _l("Paid for later months (won)"),
    "penalty_krw": _l("Penalty in the contract (won)"),
    "total_months": _l("Contract length (months)"), "months_used": _l("Months used"),
    "total_days": _l("Contract length (days)"), "days_used": _l("Days used"),
    "total_sessions": _l("Sessions in the contract"), "sessions_used": _l("Sessions used"),
    "days_before": _l("Days before the date of use when you cancelled"),
    "delay_minutes": _l("Delay (minutes)"), "normal_minutes": _l("Normal journey time (minutes)"),
    "useful_life_months": _l("Useful life in the notice (months)"),
    "lease_months": _l("Rental period (months)"), "mandatory_months": _l("Minimum term (months)"),
    "purchase_date": _l("Purchase date"), "as_of": _l("Date of the defect or claim"),
    "at_fault": _l("Whose fault is the cancellation?"), "variant": _l("Which case applies?"),
}
AT_FAULT_LABELS = {"consumer": _l("Mine (the consumer's)"), "business": _l("The business's")}


def _figure_names(formula: Any) -> list[str]:
    names = list(formula.required_figures)
    for alternative in formula.alternatives:
        names += [n for n in alternative if n not in names]
    names += [n for n in formula.optional_figures if n not in names]
    names += [n for n in formula.choices if n not in names]
    return names


def _parse(name: str, raw: str) -> Any:
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        return None
    if name in DATE_FIGURES:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None
    if name in ("at_fault", "variant"):
        return raw
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 0 else None


def standard_remedy(product: str | None, text: str, lang: str,
                    form: Mapping[str, str], amount_krw: int | None) -> dict[str, Any] | None:
    """The best-matching item with its remedy and, when figures allow, the amount."""
    if len((text or "").strip()) < 5 and not product:
        return None
    matches = match_standard(load_standards(), product=product or "", problem=text, text=text,
                             lang=lang, limit=1)
    if not matches or matches[0].score < MIN_SCORE:
        return None
    m = matches[0]
    fields, figures = [], {}
    computation = None
    if m.formula is not None:
        for name in _figure_names(m.formula):
            raw = form.get(FIGURE_PREFIX + name, "")
            if not raw and name in FROM_AMOUNT and amount_krw is not None:
                raw = str(amount_krw)
            value = _parse(name, raw)
            if value is not None:
                figures[name] = value
            fields.append({"name": name, "input": FIGURE_PREFIX + name, "value": raw,
                           "label": FIGURE_LABELS.get(name, name),
                           "kind": "date" if name in DATE_FIGURES else
                           "choice" if name in m.formula.choices else "number",
                           "choices": [(c, AT_FAULT_LABELS.get(c, c))
                                       for c in m.formula.choices.get(name, ())]})
        result = m.formula.compute(**figures)
        if result.amount_krw is not None:
            computation = result
    return {"match": m, "fields": fields, "computation": computation,
            "steps": (computation.steps_en if lang == "en" else computation.steps)
            if computation else (), "figures": {k: str(v) for k, v in figures.items()}}


def reference_for_case(remedy: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the case keeps: enough to show the remedy again and cite it in the letter."""
    if remedy is None:
        return None
    m = remedy["match"]
    c = remedy["computation"]
    return {"item_id": m.item_id, "item_ko": m.item_ko, "industry_ko": m.industry_ko,
            "condition_no": m.condition_no, "condition": m.condition,
            "remedies": list(m.remedies), "notice": m.notice, "in_force": m.in_force,
            "figures": remedy["figures"], "amount_krw": c.amount_krw if c else None,
            "steps": list(c.steps) if c else [], "steps_en": list(c.steps_en) if c else [],
            "basis": c.basis if c else None}
