"""Tokens: issued once for a password, stored as a hash, the only way into the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from relief.accounts.models import User
from relief.api.models import ApiToken, hash_token
from relief.core.db import utcnow
from tests.api.conftest import TEXT, assert_error, bearer, file_case, get_token
from tests.conftest import login


def test_consumer_gets_a_token_shown_once_and_stored_only_as_a_hash(client, consumer,
                                                                      db_session):
    response = client.post("/api/v1/tokens", json={"email": consumer.email,
                                                   "password": consumer.plain_password,
                                                   "name": "Galaxy S24"})
    assert response.status_code == 201
    body = response.get_json()
    secret = body["token"]
    assert body["token_type"] == "Bearer" and body["name"] == "Galaxy S24"
    # At least 128 bits: 22 characters of URL-safe base64 after the prefix.
    assert secret.startswith("rlf_") and len(secret) - len("rlf_") >= 22
    row = db_session.scalars(select(ApiToken).where(ApiToken.user_id == consumer.id)).one()
    assert row.token_hash == hash_token(secret)
    assert secret not in (row.token_hash, row.name)


def test_a_token_opens_the_api_and_records_its_use(client, consumer, token, db_session):
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 200
    row = db_session.scalars(select(ApiToken).where(ApiToken.user_id == consumer.id)).one()
    assert row.last_used_at is not None


def test_a_revoked_token_no_longer_works(client, token, db_session):
    assert client.delete("/api/v1/tokens/current", headers=bearer(token)).status_code == 204
    response = client.get("/api/v1/cases", headers=bearer(token))
    assert_error(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert db_session.scalars(select(ApiToken)).one().revoked_at is not None


def test_revoking_one_token_leaves_the_others(client, consumer):
    phone, tablet = get_token(client, consumer), get_token(client, consumer)
    client.delete("/api/v1/tokens/current", headers=bearer(phone))
    assert client.get("/api/v1/cases", headers=bearer(tablet)).status_code == 200


@pytest.mark.parametrize("header", [
    "Bearer rlf_this-token-was-never-issued-by-relief-at-all",
    "Bearer not-one-of-ours", "Bearer ", "Basic dXNlcjpwYXNz", "rlf_without_a_scheme",
])
def test_an_invalid_token_is_refused_with_401(client, header):
    response = client.get("/api/v1/cases", headers={"Authorization": header})
    assert_error(response, 401, "invalid_token")


def test_an_invalid_token_is_refused_even_on_public_endpoints(client, router):
    response = client.post("/api/v1/route", json={"text": TEXT},
                           headers={"Authorization": "Bearer rlf_gone"})
    assert_error(response, 401, "invalid_token")


def test_no_token_is_401_with_a_bearer_challenge(client):
    response = client.get("/api/v1/cases")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_paused_account_loses_its_tokens(client, consumer, token, db_session):
    db_session.get(User, consumer.id).active = False
    db_session.commit()
    assert_error(client.get("/api/v1/cases", headers=bearer(token)), 401, "invalid_token")


def test_wrong_password_gets_the_generic_message_and_counts_towards_the_throttle(
        client, consumer, db_session):
    response = client.post("/api/v1/tokens", json={"email": consumer.email,
                                                   "password": "wrong-password-1"})
    error = assert_error(response, 401, "login_failed")
    assert error["message"].startswith("이메일 또는 비밀번호가 올바르지 않거나")
    assert db_session.get(User, consumer.id).failed_logins == 1
    unknown = client.post("/api/v1/tokens", json={"email": "nobody@example.com",
                                                  "password": "wrong-password-1"})
    assert assert_error(unknown, 401, "login_failed")["message"] == error["message"]


def test_unconfirmed_email_is_told_to_confirm_first(client, make_user):
    user = make_user(confirmed=False)
    response = client.post("/api/v1/tokens", json={"email": user.email,
                                                   "password": user.plain_password})
    assert "이메일" in assert_error(response, 403, "email_unconfirmed")["message"]


def test_staff_cannot_get_api_tokens(client, make_user):
    officer = make_user("officer", agency_id="kca")
    response = client.post("/api/v1/tokens", json={"email": officer.email,
                                                   "password": officer.plain_password})
    assert_error(response, 403, "not_allowed")


def test_token_requests_are_validated(client):
    error = assert_error(client.post("/api/v1/tokens", json={"email": "a@example.com"}), 422,
                         "validation_error")
    assert set(error["fields"]) == {"password"}


def test_token_requests_are_throttled_per_account(client, consumer):
    for _ in range(10):
        client.post("/api/v1/tokens", json={"email": consumer.email, "password": "wrong-1"})
    response = client.post("/api/v1/tokens", json={"email": consumer.email,
                                                   "password": consumer.plain_password})
    assert_error(response, 429, "too_many_requests")


def test_a_session_cookie_does_not_authenticate_the_api(client, consumer, router, db_session):
    from relief.cases.models import Case

    login(client, consumer)
    assert client.get("/complaints/").status_code == 200  # the cookie works on the web
    assert_error(client.get("/api/v1/cases"), 401)
    response = client.post("/api/v1/cases", json={"text": TEXT},
                           headers={"Idempotency-Key": "cookie-only-1"})
    assert_error(response, 401)
    assert db_session.query(Case).filter_by(consumer_id=consumer.id).count() == 0


def test_with_a_cookie_and_a_token_the_token_decides(client, make_user, router, db_session):
    from relief.cases.models import Case

    cookie_owner, token_owner = make_user(), make_user()
    login(client, cookie_owner)
    token = get_token(client, token_owner)
    assert file_case(client, token).status_code == 201
    assert db_session.query(Case).filter_by(consumer_id=token_owner.id).count() == 1
    assert db_session.query(Case).filter_by(consumer_id=cookie_owner.id).count() == 0


def test_api_answers_set_no_session_cookie(client, consumer):
    response = client.post("/api/v1/tokens", json={"email": consumer.email,
                                                   "password": consumer.plain_password})
    assert "Set-Cookie" not in response.headers


def test_a_token_left_unused_for_ninety_days_expires(client, token, db_session):
    row = db_session.scalars(select(ApiToken)).one()
    row.last_used_at = utcnow() - timedelta(days=91)
    db_session.commit()
    assert_error(client.get("/api/v1/cases", headers=bearer(token)), 401, "invalid_token")


def test_a_token_used_within_ninety_days_keeps_working(client, token, db_session):
    row = db_session.scalars(select(ApiToken)).one()
    row.last_used_at = utcnow() - timedelta(days=89)
    db_session.commit()
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 200
