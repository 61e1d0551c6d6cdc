"""Fixtures for the API: a stand-in router, tokens, and the one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import FakeResult, verdict  # noqa: F401  (re-exported for the API tests)

TEXT = "헬스장 12개월 회원권을 끊었는데 3개월 만에 이사를 가서 환불을 요청했더니 거절당했어요."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.4\n%test\n"


def assert_error(response: Any, status: int, type_: str | None = None) -> dict[str, Any]:
    """The one error shape: {"error": {"type", "message", "fields"}}; returns the inner dict."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"type", "message", "fields"}
    assert isinstance(error["type"], str) and error["type"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v)
               for v in error["fields"].values())
    if type_ is not None:
        assert error["type"] == type_
    return error


def get_token(client: FlaskClient, user: Any, name: str = "test phone") -> str:
    response = client.post("/api/v1/tokens", json={"email": user.email,
                                                   "password": user.plain_password,
                                                   "name": name})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["token"]


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


@pytest.fixture
def consumer(make_user):  # type: ignore[no-untyped-def]
    return make_user()


@pytest.fixture
def token(client, consumer) -> str:  # type: ignore[no-untyped-def]
    return get_token(client, consumer)


def file_case(client: FlaskClient, token: str, key: str = "key-00000001", **fields: Any) -> Any:
    body = {"text": TEXT, "amount_krw": 1_200_000, "channel": "shop", "region": "seoul",
            "wish": "refund", "product": "헬스장 회원권", "business_name": "(주)튼튼피트니스",
            "choice": "confirmed", **fields}
    return client.post("/api/v1/cases", json=body,
                       headers=bearer(token, **{"Idempotency-Key": key}))


def staff_token(db_session: Any, user: Any) -> str:
    """Staff cannot log in through the API; a token made directly checks the views'
    own defences (a token issued some other way must still see only what it may)."""
    from relief.api.auth import issue_token

    _token, secret = issue_token(db_session, user, "test")
    db_session.commit()
    return secret
