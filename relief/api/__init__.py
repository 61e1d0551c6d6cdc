"""The JSON API for the mobile app under /api/v1: token-authenticated, described by
OpenAPI 3 at /api/v1/openapi.json, with one error shape."""

from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    """Register the API on ``app``: token authentication (the session cookie is never
    read for /api/), Accept-Language for API answers, the blueprint (with its error
    handlers) and the API's CSRF exemption. Idempotent."""
    if "relief.api" in app.extensions:
        return
    app.extensions["relief.api"] = True

    from relief.api import auth
    from relief.api.views import bp
    from relief.core.extensions import csrf

    auth.install(app)
    app.register_blueprint(bp)
    # Token-authenticated only (see relief.api.auth), so there is no cookie to forge.
    csrf.exempt(bp)
