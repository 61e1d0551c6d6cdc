"""What a letter says, gathered from the case, the registry and the officer's draft.

Plain data, no Flask: the render job, the officer's preview and the benchmark all
build a ``LetterContent`` and hand it to the template. The letter's own language is
the case's (an English letter for a case filed in English), whatever the officer's
screen shows, so the words here are the letter's, not the site's translations.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from agencies import Registry

KST = ZoneInfo("Asia/Seoul")
RESOLVED_OUTCOMES = {"refunded", "exchanged", "repaired", "compensated",
                     "settlement_recommended"}
# Limits on what the officer types into a letter (characters).
SUMMARY_MAX = 1_500
FACTS_MAX = 3_000
ACTION_MAX = 1_000
TITLE_MAX = 60
REASON_MAX = 1_000
SUMMARY_DEFAULT_CHARS = 400
# Days the business is given by default to do what the letter says.
DEFAULT_ACTION_DAYS = 14
SMALL_CLAIMS_MAX_KRW = 30_000_000  # 소액사건심판법 제2조, 소액사건심판규칙 제1조의2

WORDS: dict[str, dict[str, str]] = {
    "ko": {
        "refunded": "환급", "exchanged": "교환", "repaired": "수리", "compensated": "배상",
        "settlement_recommended": "합의 권고", "not_settled": "합의 불성립",
        "withdrawn": "취하", "rejected": "피해구제 대상 아님",
        "online": "온라인(누리집·앱)", "shop": "매장", "door_to_door": "방문·행사 판매",
        "phone": "전화 권유 판매", "abroad": "해외 판매자", "other": "기타",
        "card": "신용·체크카드", "transfer": "계좌이체", "cash": "현금",
        "mobile": "휴대전화 결제",
    },
    "en": {
        "refunded": "Refund", "exchanged": "Exchange", "repaired": "Repair",
        "compensated": "Compensation", "settlement_recommended": "Settlement recommended",
        "not_settled": "No settlement reached", "withdrawn": "Withdrawn",
        "rejected": "Outside this body's remit",
        "online": "Online (website or app)", "shop": "In a shop",
        "door_to_door": "Door-to-door or at an event", "phone": "By phone",
        "abroad": "From a seller abroad", "other": "Other",
        "card": "Credit or debit card", "transfer": "Bank transfer", "cash": "Cash",
        "mobile": "Mobile payment",
    },
}


@dataclass(frozen=True)
class Draft:
    """What the officer writes when issuing; kept on the case event so the job renders it."""

    summary: str
    facts: str = ""
    business_action: str = ""
    action_due: date | None = None
    officer_title: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["action_due"] = self.action_due.isoformat() if self.action_due else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        due = data.get("action_due")
        return cls(summary=data.get("summary") or "", facts=data.get("facts") or "",
                   business_action=data.get("business_action") or "",
                   action_due=date.fromisoformat(due) if due else None,
                   officer_title=data.get("officer_title") or "")


@dataclass(frozen=True)
class NextStep:
    heading: str
    text: str
    contact: str = ""
    deadline: str = ""


@dataclass(frozen=True)
class StandardBasis:
    notice: str
    in_force: str
    industry: str
    item: str
    condition: str
    remedies: tuple[str, ...]
    amount_krw: int | None


@dataclass(frozen=True)
class Supersedes:
    document_number: str
    issued_on: date | None
    reason: str


@dataclass(frozen=True)
class LetterContent:
    lang: str
    body_name: str
    body_address: str | None
    body_hotline: str | None
    body_website: str | None
    signatory: str
    document_number: str
    case_number: str
    issued_on: date
    filed_on: date
    addressee: str
    title: str
    summary: str
    facts: tuple[tuple[str, str], ...]
    officer_facts: str
    outcome: str  # a key of WORDS
    outcome_label: str
    resolved: bool
    amount_krw: int | None
    outcome_note: str
    business_action: str
    action_due: date | None
    legal_basis: str
    standard: StandardBasis | None
    next_steps: tuple[NextStep, ...]
    officer_title: str
    verification_code: str
    verification_url: str
    supersedes: Supersedes | None = None
    pointer: str = ""  # where a rejected case should go
    preview: bool = False  # an officer's preview: marked, and with no valid code


_JOINERS = {0x200D, 0xFE0E, 0xFE0F}  # zero-width joiner, text/emoji presentation selectors


def printable(text: str | None) -> str:
    """Free text as the letter prints it: emoji, which have no place in an official
    letter and no glyph in its fonts, are dropped (a consumer's 😡 or ㅠㅠ👍)."""
    return "".join(ch for ch in (text or "") if not (
        ord(ch) in _JOINERS or 0x1F000 <= ord(ch) <= 0x1FAFF)).strip()


def to_kst_date(moment: datetime | None) -> date:
    return (moment or datetime.now(KST)).astimezone(KST).date()


def default_summary(text: str, limit: int = SUMMARY_DEFAULT_CHARS) -> str:
    """The complaint as filed (already masked), cut at a sentence end near ``limit``."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return (cut[:end + 1] if end > limit // 2 else cut.rstrip()) + " …"


def default_action(lang: str, outcome: str | None, amount_krw: int | None) -> str:
    """What the business has to do, in the letter's words, for a resolved outcome."""
    if outcome not in RESOLVED_OUTCOMES:
        return ""
    amount = won(amount_krw, lang) if amount_krw else None
    if lang == "en":
        return {
            "refunded": f"Refund {amount} to the consumer." if amount else
            "Refund the consumer.",
            "compensated": f"Pay {amount} in compensation to the consumer." if amount else
            "Compensate the consumer.",
            "exchanged": "Exchange the goods for faultless ones of the same kind.",
            "repaired": "Repair the goods free of charge.",
            "settlement_recommended": "Carry out the recommended settlement"
            + (f" and pay {amount} to the consumer." if amount else "."),
        }[outcome]
    return {
        "refunded": f"소비자에게 {amount}을 환급" if amount else "소비자에게 대금을 환급",
        "compensated": f"소비자에게 {amount}을 배상" if amount else "소비자에게 손해를 배상",
        "exchanged": "같은 종류의 하자 없는 물품으로 교환",
        "repaired": "무상으로 수리",
        "settlement_recommended": "권고한 합의 내용을 이행"
        + (f"하고 소비자에게 {amount}을 지급" if amount else ""),
    }[outcome]


def default_due(outcome: str | None, today: date) -> date | None:
    return today + timedelta(days=DEFAULT_ACTION_DAYS) if outcome in RESOLVED_OUTCOMES else None


def won(amount: int | None, lang: str) -> str:
    if amount is None:
        return ""
    if lang == "en":
        return f"KRW {amount:,}"
    return f"금 {amount:,}원"


_DIGITS = "영일이삼사오육칠팔구"
_SMALL_UNITS = ("", "십", "백", "천")
_BIG_UNITS = ("", "만", "억", "조", "경")


def korean_amount(amount: int) -> str:
    """300000 -> '삼십만', as written beside figures so a figure cannot be altered."""
    if amount == 0:
        return "영"
    groups = []
    big = 0
    while amount:
        amount, group = divmod(amount, 10_000)
        if group:
            words = ""
            for position in range(3, -1, -1):
                digit = group // 10 ** position % 10
                if digit:
                    words += ("" if digit == 1 and position else _DIGITS[digit])
                    words += _SMALL_UNITS[position]
            groups.append(words + _BIG_UNITS[big])
        big += 1
    return "".join(reversed(groups))


def notice_en(notice: str) -> str:
    """공정거래위원회 고시 제2025-14호 -> Korea Fair Trade Commission Notice No. 2025-14."""
    found = re.search(r"제\s*([\d-]+)\s*호", notice)
    if "공정거래위원회" in notice and found:
        return f"Korea Fair Trade Commission Notice No. {found.group(1)}"
    return notice


def kdate(day: date | None, lang: str = "ko") -> str:
    """2026. 3. 30. in Korean documents; 30 March 2026 in English ones."""
    if day is None:
        return ""
    if lang == "en":
        return f"{day.day} {day:%B} {day.year}"
    return f"{day.year}. {day.month}. {day.day}."


def build_content(case: Any, *, registry: Registry, draft: Draft, seq: int,
                  verification_code: str, verification_url: str, issued_on: date,
                  addressee: str, business_reply: str | None = None,
                  outcome_note: str | None = None, pointer: str | None = None,
                  supersedes: Supersedes | None = None, preview: bool = False
                  ) -> LetterContent:
    """Everything the letter shows; ``case`` is a Case (or anything with its attributes)."""
    lang = "en" if case.lang == "en" else "ko"
    words = WORDS[lang]
    body = registry.get(case.agency_id)
    outcome = case.outcome or ("not_settled" if case.state == "not_resolved" else "rejected")
    facts = _facts(case, lang, business_reply)
    amount = case.outcome_amount_krw
    ref = case.standard_ref or None
    standard = None
    if ref and ref.get("notice"):
        standard = StandardBasis(
            notice=ref["notice"], in_force=ref.get("in_force") or "",
            industry=ref.get("industry_ko") or "", item=ref.get("item_ko") or "",
            condition=ref.get("condition") or "", remedies=tuple(ref.get("remedies") or ()),
            amount_krw=ref.get("amount_krw"))
    pointer_name = ""
    if pointer and pointer in registry:
        pointed = registry.get(pointer)
        pointer_name = pointed.name.get(lang) + (f" ({pointed.hotline})" if pointed.hotline
                                                 else "")
    title = ("Notice of the outcome of your complaint" if lang == "en"
             else "피해구제 처리 결과 통지")
    if supersedes is not None:
        title += " (corrected)" if lang == "en" else " (정정)"
    return LetterContent(
        lang=lang,
        body_name=issuer_name(body.name.get(lang)),
        body_address=body.address.get(lang) if body.address else None,
        body_hotline=body.hotline,
        body_website=body.website,
        signatory=body.letter.signatory.get(lang),
        document_number=document_number(case.number, seq),
        case_number=case.number,
        issued_on=issued_on,
        filed_on=to_kst_date(case.created_at),
        addressee=printable(addressee),
        title=title,
        summary=printable(draft.summary),
        facts=facts,
        officer_facts=printable(draft.facts),
        outcome=outcome,
        outcome_label=words.get(outcome, outcome),
        resolved=outcome in RESOLVED_OUTCOMES,
        amount_krw=amount,
        outcome_note=printable(outcome_note),
        business_action=printable(draft.business_action),
        action_due=draft.action_due,
        legal_basis=body.legal_basis.get(lang),
        standard=standard,
        next_steps=_next_steps(registry, body, lang, amount or case.amount_krw),
        officer_title=printable(draft.officer_title) or (
            "Case officer" if lang == "en" else "피해구제 담당관"),
        verification_code=verification_code,
        verification_url=verification_url,
        supersedes=supersedes,
        pointer=pointer_name,
        preview=preview,
    )


def issuer_name(name: str) -> str:
    """The body's name as a letterhead: without the registry's "(damage relief)"-style
    note that tells apart the several entries of one organisation."""
    return re.sub(r"\s*\([^()]*\)$", "", name).strip() or name


def document_number(case_number: str, seq: int) -> str:
    """The case number and the letter's sequence: R2026-0000123-1."""
    return f"{case_number}-{seq}"


def _facts(case: Any, lang: str, business_reply: str | None) -> tuple[tuple[str, str], ...]:
    words = WORDS[lang]
    en = lang == "en"
    filed = kdate(to_kst_date(case.created_at), lang)
    rows: list[tuple[str, str]] = [
        ("Case number" if en else "사건번호",
         f"{case.number} ({'filed' if en else '접수'} {filed})"),
    ]
    if case.product:
        rows.append(("Goods or service" if en else "품목", printable(case.product)))
    if case.business_name:
        rows.append(("Business" if en else "사업자", printable(case.business_name)))
    if case.occurred_on:
        rows.append(("Date of purchase or incident" if en else "구입·발생일",
                     kdate(case.occurred_on, lang)))
    if case.amount_krw is not None:
        paid = won(case.amount_krw, lang)
        if case.payment_method:
            paid += f" ({words.get(case.payment_method, case.payment_method)})"
        rows.append(("Amount paid" if en else "결제 금액", paid))
    if case.channel:
        rows.append(("Where bought" if en else "구입 경로",
                     words.get(case.channel, case.channel)))
    if business_reply:
        rows.append(("The business's reply" if en else "사업자 답변", printable(business_reply)))
    return tuple(rows)


def _next_steps(registry: Registry, body: Any, lang: str, amount: int | None
                ) -> tuple[NextStep, ...]:
    en = lang == "en"
    steps = []
    named = set()
    for step in body.letter.next_steps:
        target = registry.get(step.body) if step.body in registry else None
        named.add(step.body)
        contact = ""
        deadline = ""
        if target is not None:
            contact = target.name.get(lang) + (
                f", {'phone' if en else '전화'} {target.hotline}" if target.hotline else "")
            if target.deadline.days:
                business = target.deadline.day_type == "business"
                deadline = (f"handled within {target.deadline.days} "
                            f"{'working ' if business else ''}days of receipt" if en else
                            f"접수일부터 {target.deadline.days}일"
                            f"{'(근무일 기준)' if business else ''} 이내 처리")
        if step.within_days:
            deadline = (f"apply within {step.within_days} days of receiving this letter" if en
                        else f"이 통지를 받은 날부터 {step.within_days}일 이내 신청")
        steps.append(NextStep(heading=target.short_name.get(lang) if target else step.body,
                              text=step.text.get(lang), contact=contact, deadline=deadline))
    if "klac" not in named and "klac" in registry:
        klac = registry.get("klac")
        steps.append(NextStep(
            heading=klac.short_name.get(lang),
            text=("Free legal advice and help with a lawsuit for those who qualify." if en else
                  "무료 법률상담과 요건을 갖춘 경우 소송구조를 받을 수 있습니다."),
            contact=klac.name.get(lang) + (f", {'phone' if en else '전화'} {klac.hotline}"
                                           if klac.hotline else "")))
    small = amount is not None and amount <= SMALL_CLAIMS_MAX_KRW
    steps.append(NextStep(
        heading="Court" if en else "법원",
        text=("You can sue the business, or ask the court for civil conciliation, at the "
              "court with jurisdiction." + (" A claim of up to KRW 30,000,000 follows the "
                                            "simpler small-claims procedure." if small else "")
              + " Claims expire under the Civil Act's limitation periods, so do not wait."
              if en else
              "관할 법원에 민사소송을 제기하거나 민사조정을 신청할 수 있습니다."
              + (" 청구 금액이 3,000만 원 이하이면 소액사건심판절차를 이용할 수 있습니다."
                 if small else "")
              + " 청구는 「민법」의 소멸시효가 지나기 전에 하여야 합니다.")))
    return tuple(steps)
