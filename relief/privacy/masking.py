"""Find and mask personal data in free text before it is stored.

Resident registration numbers, card numbers (Luhn-checked), bank account numbers,
phone numbers and e-mail addresses. The consumer is told what was found; staff,
statistics and exports only ever see the masked text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("rrn", "card", "account", "phone", "email")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# YYMMDD-GNNNNNN; the gender/century digit is 1-8 (foreigners 5-8).
_RRN = re.compile(
    r"(?<!\d)(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))\s?-?\s?([1-8]\d{6})(?!\d)")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_PHONE = re.compile(
    r"(?<!\d)(?:\+82[ -]?)?(?:0?1[016789]|0[2-6]\d?|070|050\d?)[ -.)]?\d{3,4}[ -.]?\d{4}(?!\d)")
# Bank accounts: groups of digits joined by hyphens, 10-16 digits in all.
_ACCOUNT = re.compile(r"(?<!\d)\d{2,6}-\d{2,6}-\d{2,8}(?:-\d{1,4})?(?!\d)")


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def find_personal_data(text: str) -> list[Finding]:
    """Non-overlapping findings, in text order; earlier kinds win overlaps."""
    found: list[Finding] = []

    def free(start: int, end: int) -> bool:
        return all(end <= f.start or start >= f.end for f in found)

    for m in _EMAIL.finditer(text):
        found.append(Finding("email", m.start(), m.end()))
    for m in _RRN.finditer(text):
        if free(m.start(), m.end()):
            found.append(Finding("rrn", m.start(), m.end()))
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _luhn(digits) and free(m.start(), m.end()):
            found.append(Finding("card", m.start(), m.end()))
    for m in _PHONE.finditer(text):
        if free(m.start(), m.end()):
            found.append(Finding("phone", m.start(), m.end()))
    for m in _ACCOUNT.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 10 <= len(digits) <= 16 and free(m.start(), m.end()):
            found.append(Finding("account", m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def mask_personal_data(text: str) -> tuple[str, list[Finding]]:
    """The text with each finding replaced by a labelled mask, and the findings."""
    findings = find_personal_data(text)
    out, pos = [], 0
    for f in findings:
        out.append(text[pos:f.start])
        out.append(_mask(f.kind, text[f.start:f.end]))
        pos = f.end
    out.append(text[pos:])
    return "".join(out), findings


def _mask(kind: str, value: str) -> str:
    if kind == "email":
        return "[이메일]"
    if kind == "rrn":
        return value[:6] + "-*******"
    digits = re.sub(r"\D", "", value)
    if kind == "card":
        return "****-****-****-" + digits[-4:]
    if kind == "phone":
        return "010-****-" + digits[-4:] if digits.startswith("01") else "***-****-" + digits[-4:]
    return "[계좌번호 ***" + digits[-3:] + "]"
