"""Deny by default: every endpoint declares who may reach it.

A view is decorated with exactly one of ``public``, ``login_required`` or
``roles_required``; the ``before_request`` guard refuses any endpoint that declares
nothing, so a forgotten decorator fails closed (and a test walks the URL map).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from relief.accounts.models import Role

F = TypeVar("F", bound=Callable[..., Any])

# Endpoints registered by Flask itself.
BUILTIN_PUBLIC = {"static"}


def public(view: F) -> F:
    view._access = ("public",)  # type: ignore[attr-defined]
    return view


def login_required(view: F) -> F:
    view._access = ("login",)  # type: ignore[attr-defined]
    return view


def roles_required(*roles: Role) -> Callable[[F], F]:
    allowed = frozenset(Role(r) for r in roles)

    def decorate(view: F) -> F:
        view._access = ("roles", allowed)  # type: ignore[attr-defined]
        return view

    return decorate


def access_rule(app: Flask, endpoint: str) -> tuple[Any, ...] | None:
    if endpoint in BUILTIN_PUBLIC:
        return ("public",)
    view = app.view_functions.get(endpoint)
    rule = getattr(view, "_access", None)
    if rule is None and view is not None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, "_access", None)
    return rule


def enforce_access() -> Any:
    endpoint = request.endpoint
    if endpoint is None:
        return None  # 404/405 handled by Flask
    rule = access_rule(current_app, endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s declares no access rule: refused", endpoint)
        abort(403)
    if rule[0] == "public":
        return None
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            abort(401)
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if rule[0] == "roles" and current_user.role_enum not in rule[1]:
        abort(403)
    return None


def install(app: Flask) -> None:
    app.before_request(enforce_access)


def staff_only(view: F) -> F:
    """Shorthand for every staff role."""
    return roles_required(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)(view)

