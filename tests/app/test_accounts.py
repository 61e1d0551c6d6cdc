"""Sign-up, confirmation, login and password reset, through the pages."""

from __future__ import annotations

import re

from sqlalchemy import select

from relief.accounts.models import User
from relief.audit.models import AuditEvent
from relief.core.mail import read_outbox
from tests.conftest import login, post_form

GOOD = {"display_name": "김민지", "email": "minji@example.com",
        "password": "bright-river-73", "password_again": "bright-river-73"}


def _outbox(app):  # type: ignore[no-untyped-def]
    return read_outbox(app.config["RELIEF"].outbox_dir)


def _link(app, path: str) -> str:  # type: ignore[no-untyped-def]
    body = _outbox(app)[0].body
    match = re.search(r"https?://[^/\s]+(" + path + r"[^\s]+)", body)
    assert match, body
    return match.group(1)


def test_consumer_signs_up_confirms_and_logs_in(client, app, db_session):
    response = post_form(client, "/account/signup", GOOD)
    assert response.status_code == 200
    assert "minji@example.com" in response.get_data(as_text=True)
    user = db_session.query(User).filter_by(email="minji@example.com").one()
    assert user.email_confirmed_at is None

    # Before confirming, login is refused with a way to get a new link.
    refused = post_form(client, "/account/login",
                        {"email": GOOD["email"], "password": GOOD["password"]})
    assert refused.status_code == 403

    confirmed = client.get(_link(app, "/account/confirm/"))
    assert confirmed.status_code == 302
    assert db_session.get(User, user.id).email_confirmed_at is not None
    ok = post_form(client, "/account/login", {"email": GOOD["email"], "password": GOOD["password"]})
    assert ok.status_code == 302
    assert "김민지" in client.get("/").get_data(as_text=True)


def test_signup_with_taken_email_keeps_what_was_typed(client, make_user):
    make_user(email="taken@example.com")
    response = post_form(client, "/account/signup", {**GOOD, "email": "taken@example.com"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "이미 있습니다" in page  # Korean by default
    assert 'value="김민지"' in page and 'value="taken@example.com"' in page


def test_signup_with_weak_password_says_why_and_creates_nothing(client, db_session):
    response = post_form(client, "/account/signup",
                         {**GOOD, "password": "short1", "password_again": "short1"})
    assert response.status_code == 422
    assert "10자 이상" in response.get_data(as_text=True)
    assert db_session.query(User).filter_by(email=GOOD["email"]).count() == 0


def test_signup_with_mismatched_passwords_is_refused(client, db_session):
    response = post_form(client, "/account/signup", {**GOOD, "password_again": "other-river-73"})
    assert response.status_code == 422
    assert "같지 않습니다" in response.get_data(as_text=True)
    assert db_session.query(User).count() == 0 or not db_session.query(User).filter_by(
        email=GOOD["email"]).first()


def test_signup_messages_are_in_english_when_chosen(client):
    client.get("/language/en")
    response = post_form(client, "/account/signup", {**GOOD, "email": "not-an-email"})
    assert response.status_code == 422
    assert "Enter a valid e-mail address" in response.get_data(as_text=True)


def test_forged_confirmation_link_is_refused_clearly(client):
    response = client.get("/account/confirm/forged.token.value")
    assert response.status_code == 400
    assert "유효하지 않습니다" in response.get_data(as_text=True)


def test_expired_confirmation_link_says_expired(client, app, make_user, monkeypatch):
    from relief.accounts.workflow import confirmation_token
    from relief.core import security

    user = make_user(confirmed=False)
    with app.test_request_context():
        token = confirmation_token(user)
    monkeypatch.setitem(security.TOKEN_MAX_AGE, "confirm-email", -1)
    response = client.get(f"/account/confirm/{token}")
    assert response.status_code == 400
    assert "만료" in response.get_data(as_text=True)


def test_wrong_password_gets_the_same_generic_message_as_unknown_account(client, make_user):
    user = make_user()
    wrong = post_form(client, "/account/login", {"email": user.email, "password": "nope-nope-1"})
    unknown = post_form(client, "/account/login",
                        {"email": "ghost@example.com", "password": "nope-nope-1"})
    assert wrong.status_code == unknown.status_code == 401
    message = "이메일 또는 비밀번호가 올바르지 않거나"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_account_is_paused_after_repeated_failures_even_with_the_right_password(
        client, make_user, db_session):
    user = make_user()
    for _ in range(5):
        post_form(client, "/account/login", {"email": user.email, "password": "wrong-pass-1"})
    assert db_session.get(User, user.id).locked_until is not None
    response = post_form(client, "/account/login",
                         {"email": user.email, "password": user.plain_password})
    assert response.status_code == 401


def test_login_clears_the_session_and_follows_only_local_next(client, make_user):
    user = make_user()
    with client.session_transaction() as sess:
        sess["planted"] = "attacker"
    response = post_form(client, "/account/login?next=https://evil.example/",
                         {"email": user.email, "password": user.plain_password},
                         form_url="/account/login")
    assert response.headers["Location"] == "/"
    with client.session_transaction() as sess:
        assert "planted" not in sess

    post_form(client, "/account/logout", {}, form_url="/")
    response = post_form(client, "/account/login?next=/account/forgot",
                         {"email": user.email, "password": user.plain_password},
                         form_url="/account/login")
    assert response.headers["Location"] == "/account/forgot"


def test_logout_is_post_only_and_needs_csrf(client, make_user):
    user = make_user()
    login(client, user)
    assert client.get("/account/logout").status_code == 405
    assert client.post("/account/logout").status_code == 400  # no CSRF token
    assert user.display_name in client.get("/").get_data(as_text=True)
    post_form(client, "/account/logout", {}, form_url="/")
    assert user.display_name not in client.get("/").get_data(as_text=True)


def test_password_reset_changes_password_once_and_logs_out_other_sessions(client, app, make_user):
    user = make_user()
    other = app.test_client()
    login(other, user)
    post_form(client, "/account/forgot", {"email": user.email})
    link = _link(app, "/account/reset/")
    changed = post_form(client, link, {"password": "new-meadow-58",
                                       "password_again": "new-meadow-58"})
    assert changed.status_code == 302
    # The link is single-use, and the other session is over.
    again = post_form(client, link,
                      {"password": "new-meadow-59", "password_again": "new-meadow-59"})
    assert again.status_code == 400
    assert other.get("/admin/users").status_code in (302, 403)
    assert user.display_name not in other.get("/").get_data(as_text=True)
    user.plain_password = "new-meadow-58"
    login(client, user)


def test_password_reset_revokes_the_accounts_app_tokens(client, app, make_user, db_session):
    user = make_user(role="consumer")
    api = app.test_client()
    issued = api.post("/api/v1/tokens", json={"email": user.email, "password": user.plain_password,
                                              "name": "old phone"})
    token = issued.get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/cases", headers=headers).status_code == 200
    post_form(client, "/account/forgot", {"email": user.email})
    post_form(client, _link(app, "/account/reset/"),
              {"password": "new-meadow-58", "password_again": "new-meadow-58"})
    assert api.get("/api/v1/cases", headers=headers).status_code == 401
    assert db_session.scalar(select(AuditEvent).where(
        AuditEvent.action == "api.tokens_revoked", AuditEvent.target_id == str(user.id)))


def test_forgot_password_answers_the_same_for_unknown_email(client, app):
    response = post_form(client, "/account/forgot", {"email": "ghost@example.com"})
    assert response.status_code == 200
    assert _outbox(app) == []


def test_login_is_rate_limited_per_account(client, make_user):
    user = make_user()
    statuses = [post_form(client, "/account/login",
                          {"email": user.email, "password": "wrong-pass-1"}).status_code
                for _ in range(11)]
    assert statuses[-1] == 429
    assert "너무 많은" in post_form(client, "/account/login", {
        "email": user.email, "password": "x"}).get_data(as_text=True)
