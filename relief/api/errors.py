"""One error shape for the whole API: ``{"error": {"type", "message", "fields"}}``.

``type`` is a stable snake_case code a client can branch on; ``message`` is for people,
in the request's language; ``fields`` maps a field (dotted for nested ones, or a header
name) to its messages, and is ``{}`` when no field is to blame.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, jsonify
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from relief.core.errors import _message as http_message

# Shown for every field-level problem; the fields carry the details.
VALIDATION_TYPE = "validation_error"


class ApiError(Exception):
    """An answer other than success; raised by views, turned into the one error shape."""

    def __init__(self, status: int, type_: str, message: str,
                 fields: Mapping[str, list[str]] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(type_)
        self.status = status
        self.type = type_
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


def error_response(status: int, type_: str, message: str,
                   fields: Mapping[str, list[str]] | None = None,
                   headers: Mapping[str, str] | None = None) -> Response:
    response = jsonify(error={"type": type_, "message": message, "fields": dict(fields or {})})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def invalid(fields: Mapping[str, list[str]], status: int = 422) -> ApiError:
    """Field-level problems, with the message the web uses for a form that needs attention."""
    return ApiError(status, VALIDATION_TYPE, _("Some fields need attention."), fields)


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested error dict as ``{"a.b": ["message", ...]}``, messages as text."""
    if isinstance(messages, Mapping):
        out: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, texts in flatten_messages(value, name).items():
                out.setdefault(field, []).extend(texts)
        return out
    if isinstance(messages, list | tuple):
        if all(not isinstance(m, Mapping | list | tuple) for m in messages):
            return {prefix or "_schema": [str(m) for m in messages]}
        out = {}
        for item in messages:
            for field, texts in flatten_messages(item, prefix).items():
                out.setdefault(field, []).extend(texts)
        return out
    return {prefix or "_schema": [str(messages)]}


def bearer_challenge(error: str | None = None) -> dict[str, str]:
    value = 'Bearer realm="relief"'
    if error:
        value += f', error="{error}"'
    return {"WWW-Authenticate": value}


def http_error_type(exc: HTTPException) -> str:
    # The same words the application-wide handler uses for /api/ paths no view matched.
    return (exc.name or "error").lower().replace(" ", "_")


def install(bp: Blueprint) -> None:
    """Handlers for errors raised while an API endpoint handles a request (including
    the access guard and the rate limiter, which run before the view)."""

    @bp.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.type, exc.message, exc.fields, exc.headers)

    @bp.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError) -> Response:
        err = invalid(flatten_messages(exc.messages))
        return error_response(err.status, err.type, err.message, err.fields)

    @bp.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        code = exc.code or 500
        # Flask-Limiter adds Retry-After to a 429 itself (headers_enabled).
        headers = bearer_challenge() if code == 401 else {}
        return error_response(code, http_error_type(exc), http_message(code), headers=headers)
