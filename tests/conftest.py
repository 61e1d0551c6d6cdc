"""Shared fixtures: the app on SQLite and PostgreSQL, one rolled-back transaction per test.

PostgreSQL is used whenever ``TEST_DATABASE_URL`` is set or 127.0.0.1:5432 answers;
with ``CI=true`` a PostgreSQL that does not answer fails the run instead of skipping.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from relief import create_app
from relief.core.config import Config
from relief.core.db import db
from relief.core.extensions import limiter

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return PG_DEFAULT
    except OSError:
        return None


def _worker() -> str:
    # Two checkouts (a CI clone beside a working tree) must not share test databases.
    checkout = hashlib.sha256(str(Path(__file__).resolve()).encode()).hexdigest()[:6]
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{checkout}"


def _fresh_pg_database(admin_url: str, name: str) -> str:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One migrated database per backend for this worker, with the registry synced."""
    from relief.core.migrate import upgrade

    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'relief.sqlite3'}"}
    pg = _pg_url()
    if pg is not None:
        urls["postgresql"] = _fresh_pg_database(pg, f"relief_test_{_worker()}")
    elif os.environ.get("CI") == "true":
        pytest.fail("CI=true but PostgreSQL does not answer on 127.0.0.1:5432")
    for url in urls.values():
        upgrade(url)
        _seed_registry(url)
    return urls


def _seed_registry(url: str) -> None:
    """The real registry mirrored into the base database (committed, shared by tests)."""
    from sqlalchemy.orm import Session

    from relief.core.db import make_engine
    from relief.registry.sync import sync_registry

    engine = make_engine(url)
    with Session(engine) as session:
        sync_registry(session, commit=True, reason="test set-up")
        session.commit()
    engine.dispose()


_apps: dict[str, Flask] = {}


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, database_urls: dict[str, str]) -> str:
    if request.param not in database_urls:
        pytest.skip("PostgreSQL is not available")
    return request.param


def make_test_config(instance: Path, database_url: str, **changes: Any) -> Config:
    cfg = Config(
        env="test",
        secret_key="test-secret-" + "x" * 40,
        database_url=database_url,
        instance_path=instance,
    )
    return cfg.replace(**changes) if changes else cfg


@pytest.fixture
def app(backend: str, database_urls: dict[str, str],
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    if backend not in _apps:
        instance = tmp_path_factory.mktemp(f"instance-{backend}")
        _apps[backend] = create_app(make_test_config(instance, database_urls[backend]))
    application = _apps[backend]
    # The limiter is one object for every app in the process; the browser tests' server
    # switches it off, so each test says what it wants.
    limiter.enabled = application.config["RELIEF"].ratelimits_enabled
    limiter.reset()
    _clear_outbox(application)
    return application


def _clear_outbox(application: Flask) -> None:
    outbox = application.config["RELIEF"].outbox_dir
    if outbox.exists():
        for f in outbox.glob("*.eml"):
            f.unlink()


@pytest.fixture
def db_session(app: Flask) -> Iterator[sa.orm.Session]:
    """Every test runs inside one transaction that is rolled back at the end."""
    engine = app.extensions["relief.engine"]
    connection = engine.connect()
    outer = connection.begin()
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        # The scoped proxy, not one Session: each request ends its session, and the
        # test should always see the current one.
        yield db.session
    finally:
        db.session.remove()
        outer.rollback()
        connection.close()
        db.session.configure(bind=engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture
def client(app: Flask, db_session: sa.orm.Session) -> FlaskClient:
    return app.test_client()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, Any], *, form_url: str | None = None,
              **kwargs: Any) -> Any:
    """Submit a form the way a browser does: load the page, send its CSRF token back."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


@pytest.fixture
def make_user(db_session: sa.orm.Session):  # type: ignore[no-untyped-def]
    from relief.accounts.models import Role
    from relief.accounts.workflow import create_staff, sign_up
    from relief.core.db import utcnow

    counter = iter(range(10_000))

    def _make(role: str = "consumer", *, agency_id: str | None = None,
              email: str | None = None, password: str = "correct-horse-42",
              confirmed: bool = True, locale: str = "ko"):  # type: ignore[no-untyped-def]
        email = email or f"{role}{next(counter)}@example.com"
        if role == "consumer":
            user = sign_up(db_session, email=email, password=password,
                           display_name=f"Test {role}", locale=locale)
            if confirmed:
                user.email_confirmed_at = utcnow()
        else:
            user = create_staff(db_session, actor=None, email=email, display_name=f"Test {role}",
                                role=Role(role), password=password,
                                agency_id=agency_id or ("kca" if role == "officer" else None))
        # Commit releases the test's savepoint; the outer transaction still rolls back.
        db_session.commit()
        user.plain_password = password
        return user

    return _make


def login(client: FlaskClient, user: Any) -> Any:
    response = post_form(client, "/account/login",
                         {"email": user.email, "password": user.plain_password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def fake_routing(agency: str = "kca", *, confidence: float = 0.9,
                 needs_triage: bool = False) -> dict[str, Any]:
    return {"ranking": [{"agency": agency, "score": confidence},
                        {"agency": "ecmc", "score": 0.05}, {"agency": "kcc-tdmc", "score": 0.03}],
            "evidence": [], "out_of_scope": False, "referral": None, "multiple_matters": False,
            "confidence": confidence, "needs_triage": needs_triage, "verdict": "ok",
            "lang": "ko"}


@pytest.fixture
def make_case(db_session, make_user, app):  # type: ignore[no-untyped-def]
    """A case filed by a consumer and, if asked, moved on to ``state`` by an officer."""
    import secrets as _secrets

    from relief.cases import desk
    from relief.cases.workflow import Filing, file_case

    def _make(state: str = "routed", *, agency_id: str = "kca", consumer: Any = None,
              officer: Any = None, text: str = "헬스장 환불을 거절당했습니다. 도와주세요.",
              triage: bool = False, **facts: Any):  # type: ignore[no-untyped-def]
        consumer = consumer or make_user()
        filing = Filing(text=text, choice="not_sure" if triage else "confirmed", **facts)
        case, _ = file_case(db_session, consumer, filing, routing=fake_routing(agency_id),
                            submission_key=_secrets.token_hex(8),
                            uploads_dir=app.config["RELIEF"].uploads_dir)
        if state != "routed" and not triage:
            officer = officer or make_user("officer", agency_id=agency_id)
            desk.accept(db_session, case, officer)
            if state in ("in_progress", "awaiting_consumer", "resolved"):
                desk.record_business_reply(db_session, case, officer, "업체 답변")
            if state == "awaiting_consumer":
                desk.ask_consumer(db_session, case, officer, "영수증을 보내 주세요")
            if state == "resolved":
                desk.record_outcome(db_session, case, officer, "refunded", 300000, "환급 완료")
        db_session.commit()
        return case

    return _make


class FakeResult:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data


def verdict(top: str, *, confidence: float = 0.9, needs_triage: bool = False,
            out_of_scope: bool = False, referral: str | None = None,
            text: str = "") -> dict[str, Any]:
    start = text.find("헬스장")
    evidence = ([{"agency": top, "kind": "term", "text": "헬스장", "start": start,
                  "end": start + 3, "category": "products", "rule": None, "weight": 1.0}]
                if start >= 0 else [])
    return {"ranking": [{"agency": top, "score": confidence},
                        {"agency": "ecmc", "score": 0.05}, {"agency": "kcc-tdmc", "score": 0.02}],
            "evidence": evidence, "out_of_scope": out_of_scope, "referral": referral,
            "multiple_matters": False, "matters": None, "confidence": confidence,
            "needs_triage": needs_triage,
            "verdict": "out_of_scope" if out_of_scope else "ok", "lang": "ko"}


@pytest.fixture
def router(monkeypatch):  # type: ignore[no-untyped-def]
    """A stand-in router so intake and API tests check themselves, not the model."""
    answers: dict[str, Any] = {"top": "kca"}
    calls: list[tuple[str, Any]] = []

    def fake(text: str, facts: Any = None) -> FakeResult:
        calls.append((text, facts))
        a = answers
        return FakeResult(verdict(a["top"], confidence=a.get("confidence", 0.9),
                                  needs_triage=a.get("needs_triage", False),
                                  out_of_scope=a.get("out_of_scope", False),
                                  referral=a.get("referral"), text=text))

    import classifier

    monkeypatch.setattr(classifier, "route_complaint", fake)
    answers["calls"] = calls
    return answers


BUMP_VERSION = "UPDATE cases SET version = version + 1 WHERE id = :id"


def change_case_meanwhile(monkeypatch: pytest.MonkeyPatch, views: Any,
                          change: str = BUMP_VERSION) -> None:
    """Make an officer's change land between a view reading the case (``views._case_for``)
    and the consumer's step being stored: the race bench/load.py found."""
    read_case = views._case_for

    def read_then_change(case_id: int) -> Any:
        case = read_case(case_id)
        db.session.execute(sa.text(change), {"id": case_id})
        return case

    monkeypatch.setattr(views, "_case_for", read_then_change)


def race_engine(backend: str, name: str, why: str) -> sa.Engine:
    """A fresh, migrated PostgreSQL database with the registry, for tests of row locks
    between real connections; skipped on SQLite with ``why``."""
    if backend != "postgresql":
        pytest.skip(why)
    from relief.core.db import make_engine
    from relief.core.migrate import upgrade

    url = _fresh_pg_database(_pg_url() or "", f"{name}_{_worker()}")
    upgrade(url)
    _seed_registry(url)
    return make_engine(url)
