"""Mass damage: one business under many names, rising complaints, alerts, collective groups."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from relief.audit.models import AuditEvent
from relief.cases.models import Case
from relief.core.mail import read_outbox
from relief.stats.businesses import cluster_keys, same_business, sound_key
from relief.stats.mass_damage import (
    GroupingError,
    MassDamagePolicy,
    detect,
    dismiss_alert,
    group_cases,
    signals,
)
from relief.stats.models import CollectiveGroup, MassDamageAlert
from tests.conftest import login

POLICY = MassDamagePolicy(threshold=6, window_days=30)
OK_NAMES = ["(주)오케이몰", "오케이몰", "OKmall", "OK몰", "오케이", "㈜ 오케이 몰"]


@pytest.mark.parametrize(("a", "b"), [
    ("(주)오케이몰", "오케이몰"), ("오케이몰", "OKmall"), ("OK몰", "오케이"),
    ("쿠팡", "Coupang"), ("LG전자", "엘지전자"), ("주식회사 튼튼피트니스", "튼튼 피트니스 센터"),
])
def test_spellings_of_one_business_are_one_business(a, b):
    assert same_business(a, b), (sound_key(a), sound_key(b))


@pytest.mark.parametrize(("a", "b"), [("삼성전자", "삼성카드"), ("오케이몰", "하늘항공"),
                                      ("KT", "SK")])
def test_different_businesses_stay_apart(a, b):
    assert not same_business(a, b)


def test_clusters_put_the_most_frequent_spelling_first():
    clusters = cluster_keys({"okmall": 3, "오케이몰": 9, "하늘항공": 4})
    assert sorted(clusters) == [["오케이몰", "okmall"], ["하늘항공"]]


def _burst(add_case, names, n, **columns):  # type: ignore[no-untyped-def]
    columns.setdefault("days_ago", 3)
    for i in range(n):
        add_case(business_name=names[i % len(names)], commit=False, **columns)


def test_a_rising_business_past_the_threshold_raises_one_alert_and_mails_supervisors(
        app, db_session, add_case, make_user):
    supervisor = make_user("supervisor")
    _burst(add_case, OK_NAMES, 7)
    _burst(add_case, ["하늘항공"], 3)
    db_session.commit()
    result = detect(db_session, POLICY)
    db_session.commit()
    assert [a.case_count for a in result.raised] == [7]
    ok = next(s for s in result.signals if s.alerting)
    assert len(ok.keys) >= 4 and ok.rising
    assert not next(s for s in result.signals if s.key == "하늘항공").alerting

    from relief.stats.mass_damage import notify_supervisors

    with app.test_request_context():
        notify_supervisors(db_session, result.raised)
    mail = [m for m in read_outbox(app.config["RELIEF"].outbox_dir) if m.to == supervisor.email]
    assert mail and "/stats/mass-damage/alerts/" in mail[0].body

    # Detecting again updates the open alert; it does not raise another.
    _burst(add_case, OK_NAMES, 2)
    db_session.commit()
    again = detect(db_session, POLICY)
    assert again.raised == [] and [a.case_count for a in again.updated] == [9]
    assert db_session.query(MassDamageAlert).count() == 1


def test_a_business_complained_about_steadily_is_not_rising(db_session, add_case):
    for days_ago in range(1, 120, 4):  # ~8 cases in each 30-day window, for four windows
        add_case(business_name="튼튼피트니스", days_ago=days_ago, commit=False)
    db_session.commit()
    s = next(s for s in signals(db_session, MassDamagePolicy(threshold=5))
             if s.key == "튼튼피트니스")
    assert s.recent >= 5 and not s.rising and not s.alerting


def test_cases_already_grouped_or_withdrawn_do_not_count(db_session, add_case, make_user):
    _burst(add_case, OK_NAMES, 5)
    _burst(add_case, OK_NAMES, 3, state="withdrawn", agency_id=None)
    db_session.commit()
    assert detect(db_session, POLICY).raised == []


def test_the_threshold_is_configurable(app, monkeypatch):
    assert MassDamagePolicy.for_app(app).threshold == 50
    monkeypatch.setenv("RELIEF_MASS_DAMAGE_THRESHOLD", "20")
    assert MassDamagePolicy.for_app(app).threshold == 20
    assert MassDamagePolicy.for_app(app, threshold=7).threshold == 7


def test_a_dismissed_alert_keeps_the_business_quiet_for_a_window(db_session, add_case,
                                                                 make_user):
    supervisor = make_user("supervisor")
    _burst(add_case, OK_NAMES, 7)
    db_session.commit()
    alert = detect(db_session, POLICY).raised[0]
    dismiss_alert(db_session, alert, supervisor)
    db_session.commit()
    _burst(add_case, OK_NAMES, 5)
    db_session.commit()
    assert detect(db_session, POLICY).raised == []
    later = datetime.now(UTC) + timedelta(days=31)
    _burst(add_case, OK_NAMES, 14, days_ago=-30)  # a month from now, a bigger wave
    db_session.commit()
    assert len(detect(db_session, POLICY, now=later).raised) == 1


def test_only_a_supervisor_groups_and_a_case_belongs_to_one_group(db_session, add_case,
                                                                  make_user):
    supervisor, officer = make_user("supervisor"), make_user("officer", agency_id="kca")
    cases = [add_case(business_name="오케이몰") for _ in range(3)]
    ids = [c.id for c in cases]
    with pytest.raises(GroupingError) as err:
        group_cases(db_session, officer, ids, name="x", agency_id="kca")
    assert err.value.code == "not_allowed"
    with pytest.raises(GroupingError) as err:
        group_cases(db_session, supervisor, [], name="x", agency_id="kca")
    assert err.value.code == "no_cases"
    with pytest.raises(GroupingError) as err:
        group_cases(db_session, supervisor, ids, name="  ", agency_id="kca")
    assert err.value.code == "name_required"
    first = group_cases(db_session, supervisor, ids[:2], name="오케이몰 집단분쟁",
                        agency_id="kca")
    db_session.commit()
    with pytest.raises(GroupingError) as err:
        group_cases(db_session, supervisor, ids, name="또 다른 그룹", agency_id="kca")
    assert err.value.code == "already_grouped"
    db_session.rollback()
    group_cases(db_session, supervisor, ids, name="", agency_id=None, group=first)
    db_session.commit()
    assert {c.collective_group_id for c in db_session.query(Case).filter(Case.id.in_(ids))} \
        == {first.id}


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_supervisor_reviews_an_alert_side_by_side_and_officers_of_the_body_work_the_group(
        app, client, db_session, add_case, make_user, monkeypatch):
    monkeypatch.setenv("RELIEF_MASS_DAMAGE_THRESHOLD", "6")
    _burst(add_case, OK_NAMES, 8, agency_id="kca")
    stray = add_case(business_name="OKmall", agency_id="ecmc")
    db_session.commit()
    login(client, make_user("supervisor"))
    page = client.get("/stats/mass-damage").get_data(as_text=True)
    assert client.post("/stats/mass-damage/detect", data={"csrf_token": _token(page)}
                       ).status_code == 302
    alert = db_session.query(MassDamageAlert).one()
    assert alert.case_count == 9 and alert.threshold == 6
    review = client.get(f"/stats/mass-damage/alerts/{alert.id}").get_data(as_text=True)
    assert review.count('name="case_id"') == 9
    assert 'value="kca" selected' in review  # the body most of the cases are with
    picked = [c.id for c in db_session.query(Case).filter(Case.id != stray.id)]
    response = client.post(f"/stats/mass-damage/alerts/{alert.id}/group", data={
        "csrf_token": _token(review), "case_id": picked, "name": "오케이몰 환불 집단분쟁",
        "agency": "kca", "note": "같은 기간 같은 약관"})
    assert response.status_code == 302
    group = db_session.query(CollectiveGroup).one()
    assert response.headers["Location"].endswith(f"/stats/groups/{group.id}")
    assert group.agency_id == "kca" and group.status == "open"
    assert db_session.get(MassDamageAlert, alert.id).group_id == group.id
    assert db_session.get(Case, stray.id).collective_group_id is None
    assert db_session.query(AuditEvent).filter_by(action="collective_group.create").count() == 1
    client.post("/account/logout", data={"csrf_token": _token(review)})

    login(client, make_user("officer", agency_id="kca"))
    page = client.get(f"/stats/groups/{group.id}").get_data(as_text=True)
    assert page.count('href="/desk/cases/') == 8
    assert "오케이몰 환불 집단분쟁" in client.get("/stats/groups").get_data(as_text=True)
    client.post("/account/logout", data={"csrf_token": _token(page)})

    login(client, make_user("officer", agency_id="kcc-tdmc"))
    assert client.get(f"/stats/groups/{group.id}").status_code == 404
    assert "오케이몰 환불 집단분쟁" not in client.get("/stats/groups").get_data(as_text=True)


def test_detect_mass_damage_command_reports_rising_businesses(app, db_session, add_case):
    _burst(add_case, OK_NAMES, 7)
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["stats", "detect-mass-damage",
                                                "--threshold", "6"])
    assert result.exit_code == 0, result.output
    assert "1 new alert(s)" in result.output and "rising: " in result.output
