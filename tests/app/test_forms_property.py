"""Property-based: whatever a person types into the forms, relief answers without a
server error, files at most one case per submission, and keeps what was typed when
it refuses."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from relief.cases.forms import CHANNEL_LABELS, REGION_LABELS, WISH_LABELS
from relief.cases.models import Case
from relief.core.extensions import limiter
from tests.conftest import csrf_token, login

# Forms behave alike on both engines; the engines' own tests are elsewhere.
SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
# What a keyboard or a paste can put in a field (no surrogates, which no browser sends).
TYPED = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)


def mostly(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Mostly what the form expects, sometimes anything a client can send."""
    return st.one_of(valid, valid, valid, valid, TYPED)


COMPLAINT = "헬스장 회원권을 해지했는데 남은 기간 환불을 거절당했어요."
# Half the texts are a real complaint with anything around it, so that filings succeed too.
TEXTS = st.one_of(TYPED, st.builds(lambda a, b: a + COMPLAINT + b, TYPED, TYPED))
CHOICES = st.one_of(st.sampled_from(["confirmed", "not_sure", "alternative"]),
                    st.sampled_from(["confirmed", "not_sure", "alternative"]),
                    st.sampled_from(["", "out_of_scope", "<script>", "x" * 300]), TYPED)
AMOUNTS = mostly(st.one_of(st.just(""), st.integers(-10, 10**13).map(str)))
DATES = mostly(st.one_of(st.just(""), st.dates().map(lambda d: d.isoformat())))


def select(field_labels: dict) -> st.SearchStrategy[str]:
    return mostly(st.sampled_from(["", *field_labels]))


SHORT = mostly(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40))


def _submission_key(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/complaints/new").get_data(as_text=True)
    found = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="submission_key"', page)
    assert found
    return found.group(1)


@SQLITE
@SETTINGS
@given(text=TEXTS, product=SHORT, business=SHORT, amount=AMOUNTS, when=DATES,
       channel=select(CHANNEL_LABELS), region=select(REGION_LABELS), wish=select(WISH_LABELS),
       pick=CHOICES, chosen=TYPED)
def test_any_filing_form_is_answered_and_files_at_most_once(
        client, make_user, router, db_session, monkeypatch, text, product, business, amount, when,
        channel, region, wish, pick, chosen) -> None:
    monkeypatch.setattr(limiter, "enabled", False)  # limits have their own tests
    # Fixtures are made once per test, not per example: one consumer files them all.
    if not hasattr(client, "consumer"):
        client.consumer = make_user()
        login(client, client.consumer)
    consumer = client.consumer
    before = db_session.query(Case).filter_by(consumer_id=consumer.id).count()
    data = {"csrf_token": csrf_token(client, "/complaints/new"),
            "submission_key": _submission_key(client), "text": text, "product": product,
            "business_name": business, "amount_krw": amount, "occurred_on": when,
            "channel": channel, "region": region, "wish": wish, "action": "file",
            "pick": pick, "chosen_agency": chosen}
    response = client.post("/complaints/new", data=data)
    assert response.status_code in (200, 302, 422), response.status_code
    event(f"status {response.status_code}")
    filed = db_session.query(Case).filter_by(consumer_id=consumer.id).count() - before
    if response.status_code == 302:
        assert filed == 1
        again = client.post("/complaints/new", data=data)
        assert again.status_code == 302
        assert again.headers["Location"] == response.headers["Location"]
        assert db_session.query(Case).filter_by(consumer_id=consumer.id).count() == before + 1
    else:
        assert filed == 0
        page = response.get_data(as_text=True)
        # A refused filing shows the complaint again as typed (line ends aside).
        shown = html.unescape(page).replace("\r\n", "\n").replace("\r", "\n")
        kept = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        if kept and "\x00" not in kept:
            assert kept in shown


@SQLITE
@SETTINGS
@given(email=TYPED, password=TYPED, name=TYPED)
def test_any_sign_up_or_login_is_answered(app, db_session, monkeypatch, email, password,
                                          name) -> None:
    monkeypatch.setattr(limiter, "enabled", False)
    client = app.test_client()
    token = csrf_token(client, "/account/signup")
    signup = client.post("/account/signup", data={
        "csrf_token": token, "email": email, "display_name": name, "password": password,
        "password_again": password})
    assert signup.status_code in (200, 302, 422), signup.status_code
    token = csrf_token(client, "/account/login")
    login_page = client.post("/account/login", data={
        "csrf_token": token, "email": email, "password": password})
    assert login_page.status_code in (200, 302, 401, 422), login_page.status_code
