"""Account rules: sign-up, confirmation, password reset, login throttle, staff accounts.

Functions take the session explicitly, change state, write audit rows and do not
commit: the request or the CLI command commits once. Mail is sent by the caller
after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relief.accounts.models import Role, User
from relief.audit.models import record
from relief.core.db import utcnow
from relief.core.security import (
    hash_password,
    make_token,
    password_problems,
    read_token,
    verify_password,
)
from relief.registry.models import Agency

# After this many consecutive failures the account waits, doubling each time.
LOGIN_FREE_ATTEMPTS = 5
LOGIN_LOCK_BASE = timedelta(minutes=1)
LOGIN_LOCK_MAX = timedelta(hours=1)


class AccountError(ValueError):
    """A rule was broken; ``code`` is stable, ``field`` names the form field."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


def normalise_email(raw: str) -> str:
    """Raises ``AccountError('email_invalid')``."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError("email_invalid", "email") from exc


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def sign_up(
    session: Session, *, email: str, password: str, display_name: str, locale: str = "ko"
) -> User:
    """Create an unconfirmed consumer account.

    Raises ``AccountError`` with code email_invalid, email_taken or a password problem.
    """
    email = normalise_email(email)
    problems = password_problems(password, email)
    if problems:
        raise AccountError(f"password_{problems[0]}", "password")
    if find_user(session, email) is not None:
        raise AccountError("email_taken", "email")
    user = User(
        email=email,
        display_name=display_name.strip()[:100],
        password_hash=hash_password(password),
        role=Role.CONSUMER.value,
        locale=locale if locale in ("ko", "en") else "ko",
    )
    session.add(user)
    session.flush()
    record(session, actor_id=user.id, action="account.signup", target_type="user",
           target_id=user.id)
    return user


def confirmation_token(user: User) -> str:
    return make_token("confirm-email", {"uid": user.id, "email": user.email})


def confirm_email(session: Session, token: str) -> User:
    """Raises ``TokenError`` (expired/invalid) or ``AccountError('token_invalid')``."""
    data = read_token("confirm-email", token)
    user = session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise AccountError("token_invalid")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record(session, actor_id=user.id, action="account.confirm", target_type="user",
               target_id=user.id)
    return user


def reset_token(user: User) -> str:
    # Binding the token to the session version makes it single-use.
    return make_token("reset-password", {"uid": user.id, "v": user.session_version})


def reset_password(session: Session, token: str, new_password: str) -> User:
    """Raises ``TokenError`` or ``AccountError`` (token_invalid, password_*)."""
    data = read_token("reset-password", token)
    user = session.get(User, data.get("uid"))
    if user is None or user.session_version != data.get("v"):
        raise AccountError("token_invalid")
    problems = password_problems(new_password, user.email)
    if problems:
        raise AccountError(f"password_{problems[0]}", "password")
    user.password_hash = hash_password(new_password)
    user.session_version += 1  # logs out every browser session
    # ...and every app: whoever knew the old password may have issued a token.
    from relief.api.auth import revoke_all_tokens

    revoke_all_tokens(session, user, reason="password_reset")
    user.failed_logins = 0
    user.locked_until = None
    # Receiving the mail proves the address, as a confirmation would.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    record(session, actor_id=user.id, action="account.password_reset", target_type="user",
           target_id=user.id)
    return user


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    reason: str | None = None  # None on success; "failed" | "locked" | "unconfirmed"


def authenticate(session: Session, email: str, password: str, *, now: datetime | None = None
                 ) -> LoginResult:
    """Check a password with a per-account throttle.

    The caller shows one generic message for "failed" and "locked" so that nobody
    learns which e-mails have accounts.
    """
    now = now or utcnow()
    try:
        email = normalise_email(email)
    except AccountError:
        return LoginResult(None, "failed")
    user = find_user(session, email)
    if user is None or not user.active:
        # Spend the same time as a real check so timing does not reveal accounts.
        verify_password(_DUMMY_HASH, password)
        return LoginResult(None, "failed")
    if user.locked_until is not None and user.locked_until > now:
        return LoginResult(None, "locked")
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= LOGIN_FREE_ATTEMPTS:
            exponent = user.failed_logins - LOGIN_FREE_ATTEMPTS
            user.locked_until = now + min(LOGIN_LOCK_BASE * (2**exponent), LOGIN_LOCK_MAX)
        record(session, actor_id=None, action="account.login_failed", target_type="user",
               target_id=user.id)
        return LoginResult(None, "failed")
    if user.role == Role.CONSUMER.value and user.email_confirmed_at is None:
        return LoginResult(user, "unconfirmed")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return LoginResult(user)


_DUMMY_HASH = hash_password("relief-timing-equaliser")


def create_staff(
    session: Session,
    *,
    actor: User | None,
    email: str,
    display_name: str,
    role: Role,
    password: str,
    agency_id: str | None = None,
) -> User:
    """Create an officer (of exactly one body), supervisor or admin.

    Raises ``AccountError`` (email_invalid, email_taken, role_invalid, agency_required,
    agency_unknown, agency_not_allowed, password_*).
    """
    role = Role(role)
    if role is Role.CONSUMER:
        raise AccountError("role_invalid", "role")
    email = normalise_email(email)
    if find_user(session, email) is not None:
        raise AccountError("email_taken", "email")
    problems = password_problems(password, email)
    if problems:
        raise AccountError(f"password_{problems[0]}", "password")
    if role is Role.OFFICER:
        if not agency_id:
            raise AccountError("agency_required", "agency_id")
        agency = session.get(Agency, agency_id)
        if agency is None:
            raise AccountError("agency_unknown", "agency_id")
        if agency.kind == "referral":
            raise AccountError("agency_not_allowed", "agency_id")
    elif agency_id:
        raise AccountError("agency_not_allowed", "agency_id")
    user = User(
        email=email,
        display_name=display_name.strip()[:100] or email,
        password_hash=hash_password(password),
        role=role.value,
        agency_id=agency_id if role is Role.OFFICER else None,
        email_confirmed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    record(session, actor_id=actor.id if actor else None, action="account.staff_created",
           target_type="user", target_id=user.id, role=role.value, agency_id=user.agency_id)
    return user


def load_user(session: Session, user_id: str) -> User | None:
    """flask-login loader: ``<id>:<session_version>``; a stale version logs out."""
    uid, _, version = user_id.partition(":")
    if not uid.isdigit() or not version.isdigit():
        return None
    user = session.get(User, int(uid))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user
