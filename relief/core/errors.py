"""Error pages in the user's language, and JSON errors under /api."""

from __future__ import annotations

import contextlib

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException


def _message(code: int) -> str:
    messages = {
        400: _("The request could not be understood. Go back and try again."),
        401: _("Please log in first."),
        403: _("You do not have permission to see this page."),
        404: _("We could not find that page."),
        405: _("That action is not allowed here."),
        413: _("The upload is too large."),
        422: _("Some fields need attention."),
        429: _("Too many attempts. Wait a little and try again."),
        500: _("Something went wrong on our side. Nothing you typed was saved half-way; "
               "please try again."),
        503: _("The service is busy or restarting. Please try again in a moment."),
    }
    return messages.get(code, messages[500])


def install(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        code = exc.code or 500
        if request.path.startswith("/api/"):
            return jsonify(error={"type": exc.name.lower().replace(" ", "_"),
                                  "message": _message(code), "fields": {}}), code
        return render_template("error.html", code=code, message=_message(code)), code

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(exc: Exception):  # type: ignore[no-untyped-def]
        # The database restarting or unreachable: nothing was committed, the client
        # should simply try again; the pool reconnects by itself (pool_pre_ping).
        app.logger.warning("database unavailable on %s: %s", request.path,
                           type(exc).__name__)
        from flask import g
        from flask_login import AnonymousUserMixin

        from relief.core.db import db

        with contextlib.suppress(Exception):
            db.session.rollback()
        # Render without asking the database who is logged in: it is the thing that is down.
        g._login_user = AnonymousUserMixin()
        headers = {"Retry-After": "5"}
        if request.path.startswith("/api/"):
            return jsonify(error={"type": "service_unavailable", "message": _message(503),
                                  "fields": {}}), 503, headers
        return render_template("error.html", code=503, message=_message(503)), 503, headers

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error on %s", request.path)
        if request.path.startswith("/api/"):
            return jsonify(error={"type": "server_error", "message": _message(500),
                                  "fields": {}}), 500
        return render_template("error.html", code=500, message=_message(500)), 500
