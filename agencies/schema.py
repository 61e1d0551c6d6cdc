"""Shape checks for one body file or one rule, in words a registry editor understands.

Hand-written rather than a JSON-Schema library so that every message says what is
wrong and what is expected ("deadline.days is 30 but day_type is null ...").
Cross-file checks (unique ids, references) live in `agencies.loader`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from agencies.model import DAY_TYPES, KINDS, LANGS, ROUTING_CATEGORIES, VERIFIED

BODY_KEYS = (
    "id", "kind", "field", "name", "short_name", "parent_org", "legal_basis", "hotline",
    "website", "address", "deadline", "handles", "does_not_handle", "referral_note",
    "verified", "routing", "letter",
)  # fmt: skip
DEADLINE_KEYS = ("days", "day_type", "pauses_while_awaiting_consumer", "extension", "basis")
LETTER_KEYS = ("signatory", "next_steps")
NEXT_STEP_KEYS = ("body", "within_days", "ko", "en")
RULE_KEYS = ("id", "prefer", "over", "when_all", "unless_any", "facts", "reason")
FACT_KEYS = ("amount_krw", "channel", "region", "business")

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HOTLINE_PATTERN = re.compile(r"^[0-9]{3,4}(?:-[0-9]{3,4}){0,2}$")


class _Checker:
    """Collects messages while walking one JSON object."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(message)

    def keys(self, value: Any, where: str, expected: Iterable[str]) -> bool:
        expected = tuple(expected)
        if not isinstance(value, dict):
            self.add(f"{where} should be an object with keys {', '.join(expected)}")
            return False
        missing = [k for k in expected if k not in value]
        unknown = sorted(k for k in value if k not in expected)
        if missing:
            self.add(f"{where} is missing {_names(missing)}")
        if unknown:
            self.add(f"{where} has unknown {_names(unknown)} (allowed: {', '.join(expected)})")
        return True

    def text(self, value: Any, where: str) -> bool:
        if not isinstance(value, str) or not value.strip():
            self.add(f"{where} should be a non-empty string, not {_show(value)}")
            return False
        return True

    def localized(self, value: Any, where: str, *, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, dict):
            self.add(f'{where} should be {{"ko": ..., "en": ...}}, not {_show(value)}')
            return
        self.keys(value, where, LANGS)
        for lang in LANGS:
            if lang in value:
                self.text(value[lang], f"{where}.{lang}")

    def choice(self, value: Any, where: str, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        if value not in allowed:
            self.add(f"{where} is {_show(value)}; allowed: {', '.join(allowed)}")

    def count(self, value: Any, where: str, *, nullable: bool) -> bool:
        if value is None and nullable:
            return True
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            what = "a positive whole number" + (" or null" if nullable else "")
            self.add(f"{where} should be {what}, not {_show(value)}")
            return False
        return True

    def string_list(self, value: Any, where: str, *, allow_empty: bool = True) -> None:
        if not isinstance(value, list):
            self.add(f"{where} should be a list of strings, not {_show(value)}")
            return
        if not value and not allow_empty:
            self.add(f"{where} should not be empty")
        seen: set[str] = set()
        for i, item in enumerate(value):
            if self.text(item, f"{where}[{i}]"):
                key = item.strip().casefold()
                if key in seen:
                    self.add(f"{where} lists {item!r} twice")
                seen.add(key)


def check_body(body: Any, known_fields: Iterable[str] | None) -> list[str]:
    """Problems with one body object, each a sentence; empty when the shape is right.

    `known_fields=None` skips the field check (no fields.json at hand).
    """
    c = _Checker()
    if not c.keys(body, "the body", BODY_KEYS):
        return c.messages
    if "id" in body and c.text(body["id"], "id") and not ID_PATTERN.match(body["id"]):
        c.add(f"id {body['id']!r} should be lowercase letters, digits and single hyphens")
    if "kind" in body:
        c.choice(body["kind"], "kind", KINDS)
    if "field" in body and known_fields is not None:
        c.choice(body["field"], "field", known_fields)
    for key in ("name", "short_name", "parent_org", "legal_basis", "handles", "does_not_handle"):
        if key in body:
            c.localized(body[key], key)
    if "address" in body:
        c.localized(body["address"], "address", nullable=True)
    if "hotline" in body and body["hotline"] is not None:
        hotline = body["hotline"]
        if not isinstance(hotline, str) or not HOTLINE_PATTERN.match(hotline):
            c.add(f"hotline {_show(hotline)} should be a phone number like 1372 or 043-880-5400")
    if "website" in body and body["website"] is not None:
        _check_url(c, body["website"])
    if "verified" in body:
        c.choice(body["verified"], "verified", VERIFIED)
    if "deadline" in body:
        _check_deadline(c, body["deadline"])
    if "referral_note" in body and "kind" in body:
        if body["kind"] == "referral":
            if body["referral_note"] is None:
                c.add("referral_note is null but kind is referral; say what to do there")
            else:
                c.localized(body["referral_note"], "referral_note")
        elif body["referral_note"] is not None:
            c.add(f"referral_note should be null for a {body['kind']} body")
    if "routing" in body:
        _check_routing(c, body["routing"], case_body=body.get("kind") != "referral")
    if "letter" in body:
        _check_letter(c, body["letter"], own_id=body.get("id"))
    return c.messages


def _check_url(c: _Checker, url: Any) -> None:
    if not isinstance(url, str):
        c.add(f"website should be an https:// URL or null, not {_show(url)}")
        return
    parts = urlsplit(url)
    if parts.scheme != "https" or "." not in parts.netloc or " " in url:
        c.add(f"website {url!r} should be an https:// URL such as https://www.kca.go.kr")


def _check_deadline(c: _Checker, deadline: Any) -> None:
    if not c.keys(deadline, "deadline", DEADLINE_KEYS):
        return
    days, day_type = deadline.get("days"), deadline.get("day_type")
    days_ok = c.count(days, "deadline.days", nullable=True)
    if day_type is not None:
        c.choice(day_type, "deadline.day_type", DAY_TYPES)
    if days_ok and days is not None and day_type is None:
        c.add(
            f"deadline.days is {days} but deadline.day_type is null; "
            "say whether they are calendar or business days"
        )
    if days is None and day_type is not None:
        c.add(f"deadline.day_type is {day_type!r} but deadline.days is null (unknown deadline)")
    pauses = deadline.get("pauses_while_awaiting_consumer")
    if "pauses_while_awaiting_consumer" in deadline and not isinstance(pauses, bool):
        c.add(
            f"deadline.pauses_while_awaiting_consumer should be true or false, not {_show(pauses)}"
        )
    for key in ("extension", "basis"):
        if key in deadline:
            c.localized(deadline[key], f"deadline.{key}", nullable=True)


def _check_routing(c: _Checker, routing: Any, *, case_body: bool) -> None:
    if not c.keys(routing, "routing", ROUTING_CATEGORIES):
        return
    positive = {lang: 0 for lang in LANGS}
    for name in ROUTING_CATEGORIES:
        terms = routing.get(name)
        if terms is None:
            continue
        if not c.keys(terms, f"routing.{name}", LANGS):
            continue
        for lang in LANGS:
            if lang in terms:
                c.string_list(terms[lang], f"routing.{name}.{lang}")
                if name != "exclusions" and isinstance(terms[lang], list):
                    positive[lang] += len(terms[lang])
    # Referral bodies need words too (the router names them), but the hard
    # requirement is for bodies that receive cases.
    for lang in LANGS:
        if positive[lang] == 0 and case_body:
            language = "Korean" if lang == "ko" else "English"
            c.add(f"routing has no {language} terms, so the router cannot find it in {language}")


def _check_letter(c: _Checker, letter: Any, own_id: Any) -> None:
    if not c.keys(letter, "letter", LETTER_KEYS):
        return
    if "signatory" in letter:
        c.localized(letter["signatory"], "letter.signatory")
    steps = letter.get("next_steps")
    if "next_steps" not in letter:
        return
    if not isinstance(steps, list):
        c.add(f"letter.next_steps should be a list, not {_show(steps)}")
        return
    for i, step in enumerate(steps):
        where = f"letter.next_steps[{i}]"
        if not c.keys(step, where, NEXT_STEP_KEYS):
            continue
        if "body" in step and c.text(step["body"], f"{where}.body") and step["body"] == own_id:
            c.add(f"{where}.body points back to this body itself")
        if "within_days" in step:
            c.count(step["within_days"], f"{where}.within_days", nullable=True)
        for lang in LANGS:
            if lang in step:
                c.text(step[lang], f"{where}.{lang}")


def check_rule(rule: Any) -> list[str]:
    """Problems with one precedence rule's shape (references are checked by the loader)."""
    c = _Checker()
    if not c.keys(rule, "the rule", RULE_KEYS):
        return c.messages
    if "id" in rule and c.text(rule["id"], "id") and not ID_PATTERN.match(rule["id"]):
        c.add(f"id {rule['id']!r} should be lowercase letters, digits and single hyphens")
    if "prefer" in rule:
        c.text(rule["prefer"], "prefer")
    if "over" in rule:
        c.string_list(rule["over"], "over", allow_empty=False)
        if isinstance(rule["over"], list) and rule.get("prefer") in rule["over"]:
            c.add(f"over lists {rule['prefer']!r}, the body the rule prefers")
    when_all = rule.get("when_all")
    if "when_all" in rule:
        if not isinstance(when_all, list):
            c.add(f"when_all should be a list of term groups, not {_show(when_all)}")
        else:
            for i, group in enumerate(when_all):
                c.string_list(group, f"when_all[{i}]", allow_empty=False)
    if "unless_any" in rule:
        c.string_list(rule["unless_any"], "unless_any")
    facts = rule.get("facts")
    if facts is not None:
        _check_facts(c, facts)
    if "when_all" in rule and "facts" in rule and not when_all and not facts:
        c.add("the rule has neither when_all terms nor facts, so it would fire on everything")
    if "reason" in rule:
        c.localized(rule["reason"], "reason")
    return c.messages


def _check_facts(c: _Checker, facts: Any) -> None:
    if not isinstance(facts, dict):
        c.add(f"facts should be an object or null, not {_show(facts)}")
        return
    unknown = sorted(k for k in facts if k not in FACT_KEYS)
    if unknown:
        c.add(f"facts has unknown {_names(unknown)} (allowed: {', '.join(FACT_KEYS)})")
    if not facts:
        c.add("facts is an empty object; use null for no conditions")
    amount = facts.get("amount_krw")
    if "amount_krw" in facts:
        if not isinstance(amount, dict) or not amount or set(amount) - {"min", "max"}:
            c.add('facts.amount_krw should be {"min": N} and/or {"max": N} in won')
        else:
            for bound, value in amount.items():
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    c.add(f"facts.amount_krw.{bound} should be a whole number of won")
            low, high = amount.get("min"), amount.get("max")
            if isinstance(low, int) and isinstance(high, int) and low > high:
                c.add(f"facts.amount_krw.min {low} is above max {high}")
    for key in ("channel", "region", "business"):
        if key in facts:
            c.string_list(facts[key], f"facts.{key}", allow_empty=False)


def _names(keys: list[str]) -> str:
    quoted = ", ".join(repr(k) for k in keys)
    return f"key {quoted}" if len(keys) == 1 else f"keys {quoted}"


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if value else "an empty string"
    if isinstance(value, list | dict):
        return f"a {'list' if isinstance(value, list) else 'object'}"
    return repr(value)
