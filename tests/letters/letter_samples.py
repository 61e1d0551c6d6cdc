"""Letter contents for tests that need no database: a stand-in case and its content."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from agencies import load_registry
from relief.letters.content import Draft, LetterContent, build_content, default_action

RARE_NAME = "똠뙇쀍햏"  # syllables outside KS X 1001's common 2,350
STANDARD_REF = {
    "notice": "공정거래위원회 고시 제2025-14호", "in_force": "2025-12-18",
    "industry_ko": "학원·교습·레저 서비스 관련", "item_ko": "체육시설업, 레저용역업, 할인회원권업",
    "condition": "소비자의 책임있는 사유로 인한 계약해제",
    "remedies": ["이용개시일 이후: 반환금액 환급; "
                 "반환금액=[이용료-(이용료×경과일수/총일수)] - 위약금"],
}


def stand_in_case(**changes: Any) -> SimpleNamespace:
    values: dict[str, Any] = dict(
        lang="ko", agency_id="kca", outcome="refunded", state="resolved",
        outcome_amount_krw=270_000, standard_ref=STANDARD_REF, number="R2026-0000123",
        created_at=datetime(2026, 3, 2, 1, 0, tzinfo=UTC), product="헬스장 12개월 이용권",
        business_name="튼튼 피트니스 강남점", occurred_on=date(2026, 1, 5), amount_krw=600_000,
        payment_method="card", channel="shop",
        text="1월에 헬스장 12개월 이용권을 60만 원에 카드로 결제했습니다. 이사 때문에 해지를 "
             "요청했는데 환불이 안 된다고 합니다.")
    values.update(changes)
    return SimpleNamespace(**values)


def sample_content(*, summary: str | None = None, addressee: str = "홍길동",
                   code: str = "7K3M9QXP2D", **case_changes: Any) -> LetterContent:
    case = stand_in_case(**case_changes)
    lang = "en" if case.lang == "en" else "ko"
    draft = Draft(summary=summary if summary is not None else case.text,
                  facts="사업자는 2026. 3. 6. 해지 요청을 받았음을 인정하였습니다." if lang == "ko"
                  else "The business admitted receiving the cancellation on 6 March 2026.",
                  business_action=default_action(lang, case.outcome, case.outcome_amount_krw),
                  action_due=date(2026, 4, 13), officer_title="")
    return build_content(
        case, registry=load_registry(), draft=draft, seq=1, verification_code=code,
        verification_url=f"https://relief.example.kr/verify/{code}",
        issued_on=date(2026, 3, 30), addressee=addressee,
        business_reply="약관상 환불 불가라고 답변함." if lang == "ko" else "No refunds.",
        outcome_note="사업자가 환급에 동의함." if lang == "ko" else "The business agreed.")
