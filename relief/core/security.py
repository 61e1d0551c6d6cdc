"""Passwords, signed tokens and HTTP security headers."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import Flask, Response, current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_hasher = PasswordHasher()

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
# A short list of the passwords people choose first; the length rule catches the rest.
_COMMON = {
    "password123", "1234567890", "qwerty1234", "qwertyuiop", "iloveyou12", "password1!",
    "1q2w3e4r5t", "1q2w3e4r!!", "asdfghjkl1", "0987654321", "abcd123456", "admin12345",
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problems(password: str, email: str = "") -> list[str]:
    """Machine codes for what is wrong with a password (translated by the form)."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append("too_short")
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append("too_long")
    if password.lower() in _COMMON or len(set(password)) < 4:
        problems.append("too_common")
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in password.lower():
        problems.append("contains_email")
    if not (re.search(r"[A-Za-z가-힣]", password) and re.search(r"[^A-Za-z가-힣]", password)):
        problems.append("one_kind")
    return problems


# Token purposes and how long each stays valid (seconds).
TOKEN_MAX_AGE = {"confirm-email": 3 * 24 * 3600, "reset-password": 3600}


class TokenError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired" | "invalid"


def make_token(purpose: str, payload: dict[str, object]) -> str:
    serializer = URLSafeTimedSerializer(current_app.secret_key, salt=f"relief:{purpose}")
    return serializer.dumps(payload)


def read_token(purpose: str, token: str) -> dict[str, object]:
    """Raises ``TokenError`` ("expired" or "invalid")."""
    serializer = URLSafeTimedSerializer(current_app.secret_key, salt=f"relief:{purpose}")
    try:
        data = serializer.loads(token, max_age=TOKEN_MAX_AGE[purpose])
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
    if not isinstance(data, dict):
        raise TokenError("invalid")
    return data


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def install_headers(app: Flask) -> None:
    production = app.config["RELIEF"].is_production

    @app.after_request
    def _security_headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if production:
            h.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if response.mimetype == "text/html":
            # Pages can hold personal data: never cache them in shared caches.
            h.setdefault("Cache-Control", "no-store")
        return response
