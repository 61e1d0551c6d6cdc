"""A supervisor filters the statistics, reads the charts, exports, and groups a cluster.

Background cases come from the synthetic generator and a burst of complaints about one
business under four spellings is written straight into the live server's database.
Pages are found by their controls' ids and addresses, so the test holds whichever
language the new strings are in.
"""

from __future__ import annotations

import csv
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.browser.conftest import check_page, log_in

DESKTOP = pytest.mark.parametrize("page", ["desktop"], indirect=True)
SPELLINGS = ["ABC몰", "에이비씨몰", "(주)에이비씨", "abc mall"]


@pytest.fixture(scope="module")
def live_db(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> sa.Engine:
    """The live server's database, with 400 synthetic cases and a burst about one business."""
    from relief.accounts.models import User
    from relief.cases.businesses import normalise_business
    from relief.cases.models import Case
    from relief.demo_cases import generate_cases

    path = next(tmp_path_factory.getbasetemp().glob("live-instance*/live.sqlite3"))
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})
    with Session(engine) as session:
        seeded = session.scalar(sa.select(sa.func.count()).select_from(Case).where(
            Case.submission_key.like("gen:%")))
    if not seeded:
        generate_cases(engine, 400, seed=11, consumers=40)
        now = datetime.now(UTC)
        with Session(engine) as session:
            consumer = session.scalar(sa.select(User.id).where(
                User.email.like("gen%@relief.demo")).limit(1))
            for i in range(12):
                name = SPELLINGS[i % len(SPELLINGS)]
                created = now - timedelta(days=1 + i % 5, hours=i)
                session.add(Case(
                    consumer_id=consumer, agency_id="kca" if i != 11 else "ecmc",
                    state="routed", text=f"{name}에서 산 운동화가 한 달째 배송되지 않고 "
                    "환불도 안 해 줍니다.", masked_kinds=[], product="운동화",
                    business_name=name, business_key=normalise_business(name),
                    routing={"ranking": [{"agency": "kca", "score": 0.9}]},
                    submission_key="burst:" + secrets.token_hex(6), created_at=created,
                    updated_at=created, region="seoul", channel="online", amount_krw=89_000))
            session.commit()
    return engine


def _drawn_charts(page) -> int:  # type: ignore[no-untyped-def]
    """How many charts were drawn, once every chart whose table has rows is drawn."""
    with_data = page.evaluate(
        "() => [...document.querySelectorAll('figure[data-chart]')].filter(f =>"
        " document.querySelector(`table[data-chart-for=\"${f.id}\"] tbody tr`)).length")
    expect(page.locator("figure.rf-chart-drawn")).to_have_count(with_data)
    return with_data


@DESKTOP
def test_supervisor_filters_reads_the_charts_exports_and_groups_a_cluster(
        page, live_db, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("RELIEF_MASS_DAMAGE_THRESHOLD", "10")
    log_in(page, "supervisor@example.org")
    page.goto("/stats/?from=")
    assert _drawn_charts(page) >= 10
    check_page(page, "stats-dashboard")

    # Filter: one body, the last twelve months.
    page.locator("#f-body").select_option("kca")
    page.locator("#f-from").fill((datetime.now(UTC) - timedelta(days=365)).date().isoformat())
    page.get_by_role("button", name="적용").click()
    page.wait_for_url(re.compile(r"body=kca"))
    assert _drawn_charts(page) >= 10
    body_rows = page.locator('table[data-chart-for="chart-by-body"] tbody tr')
    expect(body_rows).to_have_count(1)
    total = int(body_rows.first.locator("td").first.get_attribute("data-value"))
    assert total > 12
    check_page(page, "stats-dashboard-filtered")

    # Export what the filter shows and open it with real readers.
    with page.expect_download() as csv_download:
        page.locator("a[href*='/stats/export.csv']").click()
    csv_path = tmp_path / "cases.csv"
    csv_download.value.save_as(csv_path)
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == total and {r["body"] for r in rows} == {"kca"}
    assert all(r["consumer"].startswith("C-") for r in rows)
    assert not any("@" in r["text"] for r in rows)
    with page.expect_download() as xlsx_download:
        page.locator("a[href*='/stats/export.xlsx']").click()
    xlsx_path = tmp_path / "cases.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    workbook = openpyxl.load_workbook(xlsx_path, read_only=True)
    sheet_rows = list(workbook["cases"].iter_rows(values_only=True))
    workbook.close()
    assert len(sheet_rows) == total + 1 and {r[5] for r in sheet_rows[1:]} == {"kca"}

    # Mass damage: check now, open the alert, group the cluster.
    page.goto("/stats/mass-damage")
    page.locator("form[action$='/mass-damage/detect'] button").click()
    alert_link = page.locator(".rf-alert-item a[href*='/mass-damage/alerts/']").first
    alert_link.wait_for()
    check_page(page, "stats-mass-damage")
    alert_link.click()
    picks = page.locator("input[name='case_id']")
    assert picks.count() == 12
    assert page.locator("#g-agency").input_value() == "kca"
    check_page(page, "stats-alert")
    # The one filed with another body is not the same matter: leave it out.
    other = page.locator(".rf-compare-item[data-body='ecmc'] input[name='case_id']")
    page.locator(f"label[for='{other.get_attribute('id')}']").click()
    assert not other.is_checked()
    page.locator("#g-name").fill("에이비씨몰 배송 지연 집단분쟁")
    page.locator("#group-form button[type='submit']").click()
    page.wait_for_url(re.compile(r"/stats/groups/\d+$"))
    assert page.locator("a[href^='/desk/cases/']").count() == 11
    check_page(page, "stats-group")
    group_url = page.url
    page.get_by_role("button", name="로그아웃").click()

    # The officers of the body work the group's cases from its page.
    log_in(page, "officer@example.org")
    page.goto(group_url)
    page.locator("a[href^='/desk/cases/']").first.click()
    page.wait_for_url(re.compile(r"/desk/cases/\d+$"))
    expect(page.locator(".rf-h1, h1").first).to_be_visible()


def test_statistics_fit_a_phone_and_pass_axe(page, live_db):
    log_in(page, "supervisor@example.org")
    page.goto("/stats/?from=")
    assert _drawn_charts(page) >= 10
    check_page(page, "stats-dashboard-small")


def test_open_data_is_public_and_readable(page, live_db):
    page.goto("/open-data/?fields=body&fields=channel")
    assert page.locator("table.rf-stats-table tbody tr").count() >= 1
    check_page(page, "open-data")


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_a_selection_too_big_for_excel_offers_csv_with_the_reason(page, live_db, monkeypatch):
    from relief.stats import export

    monkeypatch.setattr(export, "XLSX_EXPORT_LIMIT", 10)  # the live server shares this process
    log_in(page, "supervisor@example.org")
    page.goto("/stats/?from=")
    expect(page.locator("#xlsx-limit")).to_be_visible()
    expect(page.locator("#xlsx-limit")).to_contain_text("CSV")
    assert page.locator("a[href*='/stats/export.xlsx']").count() == 0
    expect(page.locator("a[href*='/stats/export.csv']")).to_be_visible()
    check_page(page, "stats-xlsx-limit")
