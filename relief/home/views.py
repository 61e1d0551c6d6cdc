"""The home page of each role, the language switch and the health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text

from relief import LANGUAGES
from relief.core.access import public
from relief.core.db import db
from relief.core.urls import safe_next

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def index():  # type: ignore[no-untyped-def]
    if not current_user.is_authenticated:
        return render_template("home/public.html")
    return render_template(f"home/{current_user.role}.html")


@bp.route("/language/<lang>")
@public
def switch_language(lang: str):  # type: ignore[no-untyped-def]
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.args.get("next")))


@bp.route("/healthz")
@public
def health():  # type: ignore[no-untyped-def]
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
