"""Deny by default: every endpoint has an access rule, and the rules hold per role."""

from __future__ import annotations

import pytest

from relief.core.access import access_rule
from tests.conftest import login

# Endpoints anyone may reach. Adding one here is a deliberate, reviewed decision.
PUBLIC_ENDPOINTS = {
    "static", "home.index", "home.switch_language", "home.health",
    "accounts.signup", "accounts.confirm", "accounts.resend_confirmation",
    "accounts.login", "accounts.forgot", "accounts.reset", "dev.outbox",
    "directory.index", "directory.detail",
    "api.route", "api.create_token", "api.openapi_document",
    "opendata.open_data", "opendata.open_data_csv", "opendata.open_data_json",
    "letters.verify", "letters.verify_form",
}


def test_every_endpoint_declares_an_access_rule(app):
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if access_rule(app, rule.endpoint) is None]
    assert missing == []


def test_public_endpoints_are_exactly_the_reviewed_list(app):
    public = {rule.endpoint for rule in app.url_map.iter_rules()
              if access_rule(app, rule.endpoint) == ("public",)}
    assert public == PUBLIC_ENDPOINTS


def test_an_endpoint_without_a_rule_is_refused(app, client):
    app.view_functions["home.index"].__dict__.pop("_access")
    try:
        assert client.get("/").status_code == 403
    finally:
        from relief.core.access import public
        public(app.view_functions["home.index"])


# (url, role) -> expected status for GET.
MATRIX = [
    ("/", None, 200), ("/", "consumer", 200), ("/", "officer", 200),
    ("/", "supervisor", 200), ("/", "admin", 200),
    ("/admin/users", None, 302), ("/admin/users", "consumer", 403),
    ("/admin/users", "officer", 403), ("/admin/users", "supervisor", 403),
    ("/admin/users", "admin", 200),
    ("/account/login", None, 200), ("/account/signup", None, 200),
    ("/account/logout", "consumer", 405),
    ("/healthz", None, 200), ("/dev/outbox", None, 200),
]


@pytest.mark.parametrize(("url", "role", "status"), MATRIX)
def test_access_matrix(client, make_user, url, role, status):
    if role is not None:
        login(client, make_user(role))
    assert client.get(url).status_code == status


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/admin/users")
    assert response.headers["Location"].startswith("/account/login?next=/admin/users")


def test_every_page_sends_security_headers(client):
    response = client.get("/")
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_a_form_without_csrf_token_is_refused(client):
    response = client.post("/account/login", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 400
