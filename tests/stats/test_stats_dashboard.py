"""The supervisor's figures: volume, speed, deadlines, backlog, transfers, outcomes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from relief.cases import desk
from relief.stats.queries import FilterError, StatsFilter, dashboard, percentile
from tests.conftest import login

ALL_TIME = StatsFilter()


def _body(d, agency_id):  # type: ignore[no-untyped-def]
    return next(b for b in d.by_body if b.agency_id == agency_id)


def test_cases_are_counted_by_body_field_region_state_type_month_and_channel(
        db_session, add_case):
    add_case("routed", agency_id="kca", region="seoul", channel="online")
    add_case("awaiting_consumer", agency_id="kca", region="seoul", channel="shop")
    add_case("closed", agency_id="kcc-tdmc", region="busan", channel="online")
    add_case("submitted", agency_id=None, region=None, channel=None)
    d = dashboard(db_session, ALL_TIME)
    assert d.total == 4
    assert _body(d, "kca").cases == 2 and _body(d, "kcc-tdmc").cases == 1
    assert _body(d, None).cases == 1  # waiting in triage
    assert d.by_state_type == {"open": 2, "waiting": 1, "closed": 1}
    assert d.by_region == {"seoul": 2, "busan": 1, None: 1}
    assert d.by_channel["online"] == 2 and d.by_channel["shop"] == 1
    assert d.by_field["general"] == 2 and d.by_field["telecom"] == 1
    assert sum(d.by_month.values()) == 4


def test_months_follow_the_korean_calendar(db_session, add_case):
    # 31 January 16:00 UTC is already 1 February in Seoul.
    add_case(created_at=datetime(2026, 1, 31, 16, 0, tzinfo=UTC))
    add_case(created_at=datetime(2026, 1, 31, 14, 0, tzinfo=UTC))
    add_case(created_at=datetime(2026, 3, 5, 3, 0, tzinfo=UTC))
    months = dashboard(db_session, ALL_TIME).by_month
    assert months == {"2026-01": 1, "2026-02": 1, "2026-03": 1}  # empty months are listed


def test_median_and_90th_percentile_days_to_resolution_leave_withdrawals_out(
        db_session, add_case):
    for days in (2, 4, 6, 8, 10, 12, 14, 16, 18, 40):
        add_case("letter_issued", agency_id="kca", days_ago=60, closed_after=days + 0.5)
    add_case("withdrawn", agency_id="kca", days_ago=60, closed_after=1)
    add_case("closed", agency_id="kcc-tdmc", days_ago=60, closed_after=3.2)
    d = dashboard(db_session, ALL_TIME)
    kca = _body(d, "kca")
    assert kca.resolved == 10
    assert kca.median_days == pytest.approx(11.0)  # percentile_cont over whole days
    assert kca.p90_days == pytest.approx(20.2)
    assert _body(d, "kcc-tdmc").median_days == pytest.approx(3.0)
    assert d.median_days == pytest.approx(10.0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_percentiles_from_a_histogram_match_percentile_cont(seed):
    rng = random.Random(seed)
    values = sorted(rng.randrange(0, 90) for _ in range(rng.randrange(1, 60)))
    histogram: dict[int, int] = {}
    for v in values:
        histogram[v] = histogram.get(v, 0) + 1
    for p in (0.5, 0.9):
        pos = p * (len(values) - 1)
        low, high = int(pos), min(int(pos) + 1, len(values) - 1)
        expected = values[low] + (values[high] - values[low]) * (pos - low)
        assert percentile(histogram, p) == pytest.approx(expected)
    assert percentile({}, 0.5) is None


def test_deadline_compliance_counts_late_closings_and_open_overdue_cases_as_missed(
        db_session, add_case):
    add_case("closed", days_ago=40, due_after=30, closed_after=20)  # on time
    add_case("closed", days_ago=40, due_after=30, closed_after=25)  # on time
    add_case("letter_issued", days_ago=40, due_after=10, closed_after=20)  # late
    add_case("in_progress", days_ago=40, due_after=30)  # open, overdue now
    add_case("in_progress", days_ago=5, due_after=30)  # open, still in time
    add_case("routed", days_ago=5)  # the clock has not started
    kca = _body(dashboard(db_session, ALL_TIME), "kca")
    assert (kca.with_deadline, kca.closed_on_time, kca.closed_late, kca.open_overdue) == \
        (5, 2, 1, 1)
    assert kca.compliance == pytest.approx(2 / 4)


def test_a_paused_clock_is_not_counted_overdue(db_session, add_case):
    add_case("awaiting_consumer", days_ago=40, due_after=30,
             paused_since=datetime.now(UTC) - timedelta(days=15))
    assert _body(dashboard(db_session, ALL_TIME), "kca").open_overdue == 0


def test_backlog_is_bucketed_by_age_with_waiting_cases_apart(db_session, add_case):
    add_case("routed", days_ago=2)
    add_case("in_progress", days_ago=20)
    add_case("awaiting_consumer", days_ago=20)
    add_case("mediation", days_ago=100)
    add_case("closed", days_ago=100)  # not backlog
    backlog = dashboard(db_session, ALL_TIME).backlog
    assert backlog["0-7"] == {"open": 1, "waiting": 0}
    assert backlog["8-30"] == {"open": 1, "waiting": 1}
    assert backlog["91-180"] == {"open": 1, "waiting": 0}
    assert sum(b["open"] + b["waiting"] for b in backlog.values()) == 4


def test_transfer_rate_counts_arrivals_by_transfer_and_transfers_away(
        db_session, make_case, make_user):
    officer = make_user("officer", agency_id="kca")
    moved = make_case("routed", agency_id="kca")
    make_case("routed", agency_id="kca")
    desk.transfer(db_session, moved, officer, "kcc-tdmc", "통신 분쟁입니다")
    db_session.commit()
    d = dashboard(db_session, ALL_TIME)
    assert _body(d, "kcc-tdmc").transferred_in == 1
    assert _body(d, "kcc-tdmc").transfer_rate == 1.0
    assert _body(d, "kca").transferred_out == 1
    assert _body(d, "kca").transfer_rate == 0.0


def test_outcomes_sum_the_amounts_recovered(db_session, add_case):
    add_case("resolved", outcome="refunded", outcome_amount_krw=300_000)
    add_case("letter_issued", outcome="refunded", outcome_amount_krw=200_000)
    add_case("letter_issued", outcome="compensated", outcome_amount_krw=50_000)
    add_case("letter_issued", outcome="not_settled")
    d = dashboard(db_session, ALL_TIME)
    by = {o.outcome: (o.cases, o.amount_krw) for o in d.outcomes}
    assert by == {"refunded": (2, 500_000), "compensated": (1, 50_000), "not_settled": (1, 0)}
    assert d.recovered_krw == 550_000


def test_top_businesses_count_spellings_of_one_business_together(db_session, add_case):
    for name in ("(주)오케이몰", "오케이몰", "OKmall", "OK몰", "오케이 몰"):
        add_case(business_name=name)
    add_case(business_name="튼튼피트니스")
    add_case(business_name="튼튼 피트니스")
    add_case(business_name="하늘항공")
    top = dashboard(db_session, ALL_TIME).businesses
    assert [b.cases for b in top] == [5, 2, 1]
    # One name per normalised key, as last typed: legal form and spacing already merged.
    assert len(top[0].variants) == 3 and {"OKmall", "OK몰"} <= set(top[0].variants)


def test_filters_by_period_body_field_and_region_narrow_every_figure(db_session, add_case):
    add_case(agency_id="kca", region="seoul", days_ago=10)
    add_case(agency_id="kca", region="busan", days_ago=10)
    add_case(agency_id="kcc-tdmc", region="seoul", days_ago=10)
    add_case(agency_id="kca", region="seoul", days_ago=400)
    today = datetime.now(UTC).date()
    recent = StatsFilter(date_from=today - timedelta(days=30))
    assert dashboard(db_session, recent).total == 3
    assert dashboard(db_session, StatsFilter(agency_id="kca")).total == 3
    assert dashboard(db_session, StatsFilter(field="telecom")).total == 1
    d = dashboard(db_session, StatsFilter(date_from=today - timedelta(days=30), region="seoul",
                                          agency_id="kca"))
    assert d.total == 1
    assert d.by_region == {"seoul": 1}
    assert sum(d.by_month.values()) == 1


def test_a_filter_value_that_is_not_a_date_body_field_or_region_is_refused(app):
    with pytest.raises(FilterError) as err:
        StatsFilter.from_args({"from": "yesterday", "body": "nope", "field": "x",
                               "region": "mars"})
    assert set(err.value.fields) == {"from", "body", "field", "region"}
    with pytest.raises(FilterError):
        StatsFilter.from_args({"from": "2026-02-01", "to": "2026-01-01"})


def test_the_default_period_is_the_last_twelve_months_and_an_empty_start_means_all_time(app):
    today = date(2026, 5, 10)
    assert StatsFilter.from_args({}, today=today).date_from == date(2025, 5, 10)
    assert StatsFilter.from_args({"from": ""}, today=today).date_from is None


ACCESS = [(None, 302), ("consumer", 403), ("officer", 403), ("supervisor", 200),
          ("admin", 200)]


@pytest.mark.parametrize(("role", "status"), ACCESS)
@pytest.mark.parametrize("url", ["/stats/", "/stats/api/dashboard", "/stats/export.csv",
                                 "/stats/export.xlsx", "/stats/mass-damage"])
def test_only_supervisors_and_admins_reach_the_dashboard_exports_and_alerts(
        client, make_user, url, role, status):
    if role:
        login(client, make_user(role))
    assert client.get(url).status_code == status


def test_dashboard_page_shows_each_chart_with_its_table(client, make_user, add_case):
    add_case("closed", agency_id="kca", region="seoul", outcome="refunded", due_after=30,
             outcome_amount_krw=120_000, business_name="오케이몰")
    login(client, make_user("supervisor"))
    page = client.get("/stats/?from=").get_data(as_text=True)
    for chart in ("by-month", "by-body", "resolution", "deadlines", "backlog", "transfers",
                  "outcomes", "businesses"):
        assert f'id="chart-{chart}"' in page
        assert f'data-chart-for="chart-{chart}"' in page
    assert "chart.umd.min.js" in page and "stats/charts.js" in page
    assert "<script>" not in page  # CSP: no inline script


def test_dashboard_json_has_the_same_figures_and_refuses_bad_filters(client, make_user,
                                                                      add_case):
    add_case(agency_id="kca", region="seoul")
    add_case(agency_id="kca", region="busan")
    login(client, make_user("supervisor"))
    data = client.get("/stats/api/dashboard?from=&body=kca").get_json()
    assert data["total"] == 2
    assert {r["region"]: r["cases"] for r in data["by_region"]} == {"seoul": 1, "busan": 1}
    bad = client.get("/stats/api/dashboard?from=soon")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["type"] == "invalid_filter"
    assert "from" in bad.get_json()["error"]["fields"]
