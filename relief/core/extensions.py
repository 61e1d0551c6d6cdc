"""Flask extensions, created unbound and initialised by the application factory."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def submitted_email() -> str:
    """Rate-limit key for per-account throttles: the e-mail the form names."""
    return "acct:" + (request.form.get("email") or "").strip().lower()
