"""A live relief on a real port and Debian's Chromium driven by Playwright.

Pages are driven through small helpers the way a person clicks; every page visited
is checked with axe-core (no serious or critical violation) and, on a phone, for
horizontal scrolling.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from werkzeug.serving import make_server

from relief import create_app
from relief.core.config import PROJECT_ROOT
from relief.core.db import db
from tests.conftest import make_test_config

CHROMIUM = "/usr/bin/chromium"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
PASSWORD = "browser-pass-2026"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # One live server: keep every browser test on the same xdist worker.
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("browser"))
            item.add_marker(pytest.mark.browser)
            # A real browser against a threaded test server on a busy two-core machine:
            # one rerun absorbs a dropped font request; a test that fails twice fails.
            item.add_marker(pytest.mark.flaky(reruns=1))
            # The in-process server's threads may still hold a static file open when the
            # browser cancels a font request; that is the test server, not relief.
            item.add_marker(pytest.mark.filterwarnings(
                "ignore::pytest.PytestUnraisableExceptionWarning"))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from relief.core.migrate import upgrade
    from tests.conftest import _seed_registry

    instance = tmp_path_factory.mktemp("live-instance")
    url = f"sqlite:///{instance / 'live.sqlite3'}"
    upgrade(url)
    _seed_registry(url)
    app = create_app(make_test_config(instance, url, ratelimits_enabled=False))
    with app.app_context():
        _create_staff()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _create_staff() -> None:
    from relief.accounts.models import Role
    from relief.accounts.workflow import create_staff, sign_up
    from relief.core.db import utcnow

    with db.transaction() as session:
        for role, agency in [("admin", None), ("supervisor", None), ("officer", "kca")]:
            create_staff(session, actor=None, email=f"{role}@example.org",
                         display_name=f"Browser {role}", role=Role(role), password=PASSWORD,
                         agency_id=agency)
        create_staff(session, actor=None, email="telecom@example.org",
                     display_name="통신 담당관", role=Role.OFFICER, password=PASSWORD,
                     agency_id="kcc-tdmc")
        user = sign_up(session, email="consumer@example.org", password=PASSWORD,
                       display_name="브라우저 소비자")
        user.email_confirmed_at = utcnow()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make test` (it installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _no_rate_limits_for_the_live_server() -> Iterator[None]:
    """Browser tests log the same people in many times a minute; limits have own tests."""
    from relief.core.extensions import limiter

    limiter.enabled = False
    yield
    limiter.enabled = True


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Any, live_server: str) -> Iterator[Any]:
    # axe is injected by evaluate(); CSP itself is tested on the HTTP headers.
    context = browser.new_context(viewport=VIEWPORTS[request.param], base_url=live_server,
                                  locale="ko-KR", bypass_csp=True)
    page = context.new_page()
    page.viewport_name = request.param
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A 4xx page (a refused form, a wrong login) is expected; script errors and 5xx are not.
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and not
            msg.text.startswith("Failed to load resource: the server responded with a status "
                                "of 4") else None)
    yield page
    context.close()
    assert errors == [], f"browser errors: {errors}"


def check_page(page: Any, name: str) -> None:
    """Screenshot, accessibility and (on a phone) no horizontal scrolling."""
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}-{page.viewport_name}.png"),
                        full_page=True, timeout=15_000)
    except PlaywrightTimeoutError:
        # A screenshot waits for every web font; the picture is for people to look at,
        # the checks below are the test.
        warnings.warn(f"{name}: screenshot timed out", stacklevel=2)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'best-practice']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))")
    assert result == [], f"{name}: accessibility violations {result}"
    if page.viewport_name == "phone":
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name}: scrolls sideways by {overflow}px at 390px"


def field(page: Any, label: str) -> Any:
    """The form control with exactly this label (the required-field star ignored)."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"\s*\*?$"))


def log_in(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto("/account/login")
    field(page, "이메일").fill(email)
    field(page, "비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
