"""Token authentication for the API: the bearer token is the only credential.

Flask-Login consults the session cookie (and a remember cookie) before any request
loader, so a ``request_loader`` alone would let a browser's cookie authenticate API
writes, and the API is exempt from CSRF. Instead the first hook of every ``/api/``
request sets the request's user from the ``Authorization`` header alone (anonymous
without one) before anything reads ``current_user``; the cookie session is never read
for authentication, so CSRF cannot apply.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, g, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from relief.accounts.models import User
from relief.api.errors import bearer_challenge, error_response
from relief.api.models import TOKEN_PREFIX, ApiToken, hash_token
from relief.audit.models import record
from relief.core.db import db, utcnow
from relief.core.extensions import login_manager

API_PREFIX = "/api/"
LANGUAGES = ("ko", "en")
# last_used_at is for people reviewing their tokens; minutes are precise enough, and
# not writing on every read keeps GETs read-only most of the time.
TOUCH_EVERY = timedelta(minutes=5)
# A token nobody used for this long is dead: a lost phone should not stay a key forever.
IDLE_EXPIRY = timedelta(days=90)
_SECRET_MAX = 200


def is_api_request() -> bool:
    return has_request_context() and request.path.startswith(API_PREFIX)


def api_language() -> str:
    """The language of an API answer: Accept-Language (ko or en), Korean by default."""
    return request.accept_languages.best_match(LANGUAGES) or "ko"


def bearer_secret(header: str | None) -> str | None:
    """The secret in ``Authorization: Bearer rlf_...``, or None when it is not one of ours."""
    if not header:
        return None
    scheme, _sep, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value.startswith(TOKEN_PREFIX) \
            or len(value) > _SECRET_MAX:
        return None
    return value


def find_token(session: Session, secret: str) -> tuple[ApiToken, User] | None:
    """The live token with this secret and its user, in one query; None for unknown,
    revoked and idle-expired ones."""
    row = session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    token, user = row
    if utcnow() - (token.last_used_at or token.created_at) > IDLE_EXPIRY:
        return None
    return token, user


def revoke_all_tokens(session: Session, user: User, *, reason: str) -> int:
    """Revoke every live token of a user (a password reset: whoever had the old password
    may have issued one). Returns how many; does not commit."""
    now = utcnow()
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                    ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        token.revoked_at = now
    if tokens:
        record(session, actor_id=user.id, action="api.tokens_revoked", target_type="user",
               target_id=user.id, count=len(tokens), reason=reason)
    return len(tokens)


def issue_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and its secret, which is never stored or shown
    again. Does not commit."""
    secret = ApiToken.new_secret()
    token = ApiToken(user_id=user.id, token_hash=hash_token(secret), name=name)
    session.add(token)
    session.flush()
    record(session, actor_id=user.id, action="api.token_issued", target_type="api_token",
           target_id=token.id, name=name)
    return token, secret


def revoke_token(session: Session, token: ApiToken, actor: User) -> None:
    """Revoke a token for good (idempotent). Does not commit."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(session, actor_id=actor.id, action="api.token_revoked", target_type="api_token",
               target_id=token.id)


def authenticate_api_request() -> Response | None:
    """The first hook of every request; only acts on ``/api/`` paths.

    Sets the request's user from the bearer token (anonymous without an Authorization
    header); a header that does not hold a live token is refused with 401 even on
    public endpoints, so that a client learns at once that its token is gone.
    """
    if not is_api_request():
        return None
    if request.routing_exception is not None:
        # No API endpoint matches: answer 404/405 now rather than let a later hook
        # (CSRF, which only knows matched blueprints) answer something less precise.
        raise request.routing_exception
    g.api_token = None
    user: User | None = None
    header = request.headers.get("Authorization")
    if header is not None:
        secret = bearer_secret(header)
        found = find_token(db.session, secret) if secret else None
        token, user = found if found else (None, None)
        if token is None or user is None or not user.is_active:
            return error_response(
                401, "invalid_token",
                _("The access token is not valid or was revoked. Log in again to get a new one."),
                headers=bearer_challenge("invalid_token"))
        now = utcnow()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            token.last_used_at = now
            db.session.commit()
        g.api_token = token
    # Flask-Login's own way of setting the request's user; None becomes anonymous.
    login_manager._update_request_context_with_user(user)
    return None


def install(app: Flask) -> None:
    # First of all hooks: before CSRF, the rate limiter and the access guard, which all
    # may read current_user.
    app.before_request_funcs.setdefault(None, []).insert(0, authenticate_api_request)

    # API answers follow Accept-Language, not the web session's choice.
    babel_config = app.extensions["babel"]
    web_selector = babel_config.locale_selector

    def select_locale() -> str | None:
        if is_api_request():
            return api_language()
        return web_selector() if web_selector else None

    babel_config.locale_selector = select_locale
