"""Fixtures for letters: a resolved case with its officer, and issuing a letter."""

from __future__ import annotations

from typing import Any

import pytest

from relief.cases.models import Case
from relief.letters import workflow
from relief.letters.content import Draft
from relief.letters.models import Letter


@pytest.fixture
def officer(make_user):  # type: ignore[no-untyped-def]
    return make_user("officer", agency_id="kca")


@pytest.fixture
def consumer(make_user):  # type: ignore[no-untyped-def]
    return make_user()


@pytest.fixture
def resolved_case(make_case, consumer, officer):  # type: ignore[no-untyped-def]
    """Refunded 300,000 won at the Korea Consumer Agency, ready for its letter."""
    return make_case("resolved", consumer=consumer, officer=officer,
                     text="헬스장 12개월 이용권 환불을 거절당했습니다. <b>도와</b>주세요.",
                     business_name="튼튼 피트니스", amount_krw=600_000)


def draft(**changes: Any) -> Draft:
    values: dict[str, Any] = dict(summary="헬스장 이용권 중도 해지 환급 요청",
                                  facts="사업자는 해지 요청을 받은 사실을 인정함.",
                                  business_action="소비자에게 금 300,000원을 환급",
                                  officer_title="피해구제1국 조사관")
    values.update(changes)
    return Draft(**values)


@pytest.fixture
def issue(app, db_session):  # type: ignore[no-untyped-def]
    """Request a letter as ``actor`` and run the job, as the embedded default does."""

    def _issue(case: Case, actor: Any, **changes: Any) -> Letter:
        letter = workflow.request_letter(db_session, case, actor, draft(**changes))
        db_session.commit()
        outcome = workflow.render_letter(db_session, letter.id, app.config["RELIEF"])
        assert outcome.status == "issued", outcome.error
        return db_session.get(Letter, letter.id)

    return _issue
