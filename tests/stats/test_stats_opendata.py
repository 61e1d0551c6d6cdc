"""Public open data: counts only, nothing describing fewer than five cases, same in CSV and JSON."""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from relief.stats.opendata import (
    K,
    OpenDataError,
    build_table,
    parse_dimensions,
    publication_cutoff,
    suppress,
)

LAST_MONTH = datetime.now(UTC) - timedelta(days=40)


def _many(add_case, n: int, **columns):  # type: ignore[no-untyped-def]
    columns.setdefault("created_at", LAST_MONTH)
    for _ in range(n):
        add_case(commit=False, **columns)


def test_combinations_describing_fewer_than_five_cases_are_not_published(db_session, add_case):
    _many(add_case, 7, region="seoul")
    _many(add_case, 6, region="busan")
    _many(add_case, 3, region="jeju")
    db_session.commit()
    table = build_table(db_session, ("body", "region"))
    published = {values: n for values, n in table.rows}
    assert ("kca", "jeju") not in published
    # Hiding jeju alone would let kca's total (16) minus seoul and busan give it away:
    # the smallest other row goes too.
    assert published == {("kca", "seoul"): 7}
    assert table.suppressed_rows == 2


def test_a_hidden_count_cannot_be_recovered_from_a_coarser_table(db_session, add_case):
    rng = random.Random(8)
    for _ in range(120):
        add_case(commit=False, created_at=LAST_MONTH,
                 agency_id=rng.choice(["kca", "kca", "kcc-tdmc", "ecmc"]),
                 region=rng.choice(["seoul", "seoul", "busan", "jeju", "daegu"]),
                 channel=rng.choice(["online", "shop", "phone"]))
    db_session.commit()
    fine = build_table(db_session, ("body", "region", "channel"))
    for coarse_dims in (("body", "region"), ("body",), ("region", "channel")):
        coarse = build_table(db_session, coarse_dims)
        index = [fine.dimensions.index(d) for d in coarse_dims]
        published_fine: dict[tuple[str, ...], int] = defaultdict(int)
        for values, n in fine.rows:
            published_fine[tuple(values[i] for i in index)] += n
        for values, n in coarse.rows:
            hidden = n - published_fine.get(values, 0)
            assert hidden == 0 or hidden >= K, (coarse_dims, values, hidden)


@pytest.mark.parametrize("seed", range(6))
def test_suppression_leaves_every_marginal_with_none_or_at_least_five_hidden(seed):
    """Or all of it hidden, when the whole marginal is under five (the coarser table then
    hides that total itself)."""
    rng = random.Random(seed)
    table: dict[tuple[str, ...], int] = {}
    for a in "abcd":
        for b in "xyz":
            for c in "pq":
                if rng.random() < 0.8:
                    table[(a, b, c)] = rng.choice([1, 2, 3, 4, 5, 6, 9, 15])
    hidden = suppress(table)
    assert all(c in hidden for c, n in table.items() if n < K)
    for d in range(3):
        hidden_in: dict[tuple[str, ...], int] = defaultdict(int)
        total_of: dict[tuple[str, ...], int] = defaultdict(int)
        for c, n in table.items():
            total_of[c[:d] + c[d + 1:]] += n
            if c in hidden:
                hidden_in[c[:d] + c[d + 1:]] += n
        for rest, h in hidden_in.items():
            assert h == 0 or h >= K or h == total_of[rest] < K, (d, rest, h)


def test_only_complete_months_are_published(db_session, add_case):
    _many(add_case, 5, created_at=LAST_MONTH)
    _many(add_case, 9, created_at=datetime.now(UTC))
    db_session.commit()
    assert publication_cutoff().day == 1
    assert build_table(db_session, ("body",)).published_cases == 5


def test_a_product_typed_with_a_phone_number_is_masked_or_left_out(db_session, add_case):
    _many(add_case, 5, product="헬스장  회원권")
    _many(add_case, 5, product="헬스장 회원권")
    _many(add_case, 5, product="정수기 렌탈")
    add_case(product="010-1234-5678 로 연락주세요", created_at=LAST_MONTH)
    table = build_table(db_session, ("product",))
    # The one-off product is hidden, and the smallest other with it: otherwise the total
    # of any other table minus these rows would give its count away.
    assert [(v, n) for v, n in table.rows] == [(("헬스장 회원권",), 10)]


def test_fields_are_chosen_from_the_published_list():
    assert parse_dimensions("region,month") == ("month", "region")
    assert parse_dimensions(None)[0] == "month"
    with pytest.raises(OpenDataError):
        parse_dimensions("consumer,month")


def test_open_data_is_public_and_the_json_gives_the_same_figures_as_the_csv(
        client, db_session, add_case):
    _many(add_case, 6, region="seoul", outcome="refunded", state="letter_issued")
    _many(add_case, 5, region="busan")
    db_session.commit()
    response = client.get("/open-data/cases.csv?fields=body,region,outcome")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    data = client.get("/open-data/cases.json?fields=body,region,outcome").get_json()
    assert data["fields"] == ["body", "region", "outcome"]
    assert data["min_cases"] == 5
    assert [{k: str(v) for k, v in r.items()} for r in data["rows"]] == rows
    assert {(r["region"], r["outcome"]): r["cases"] for r in data["rows"]} == {
        ("seoul", "refunded"): 6, ("busan", "in_progress"): 5}
    one = client.get("/open-data/cases.json?fields=body,region,outcome&region=busan").get_json()
    assert [r["cases"] for r in one["rows"]] == [5]
    page = client.get("/open-data/?fields=body&fields=region")
    assert page.status_code == 200 and "seoul" in page.get_data(as_text=True)


def test_the_timeliness_field_says_whether_the_deadline_was_kept(db_session, add_case):
    _many(add_case, 5, state="closed", due_after=30, closed_after=10)
    _many(add_case, 5, state="closed", due_after=10, closed_after=20)
    _many(add_case, 5, state="routed")
    db_session.commit()
    table = build_table(db_session, ("timeliness",))
    assert dict((v[0], n) for v, n in table.rows) == {"timely": 5, "late": 5,
                                                      "no_deadline": 5}


@pytest.mark.parametrize("query", ["fields=consumer", "fields=body&region=seoul",
                                   "fields=body&limit=lots"])
def test_a_bad_open_data_query_gets_the_json_error_shape(client, query):
    response = client.get(f"/open-data/cases.json?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert set(error) == {"type", "message", "fields"} and error["fields"]


def test_open_data_downloads_are_rate_limited(client):
    statuses = [client.get("/open-data/cases.csv?fields=body").status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    assert client.get("/open-data/cases.json?fields=body").status_code == 200


def test_publication_ends_before_the_current_korean_month():
    assert publication_cutoff(datetime(2026, 3, 31, 15, 30, tzinfo=UTC)) == date(2026, 4, 1)
    assert publication_cutoff(datetime(2026, 3, 31, 14, 30, tzinfo=UTC)) == date(2026, 3, 1)


def test_the_json_api_says_too_many_requests_in_its_error_shape(client):
    for _ in range(60):
        assert client.get("/open-data/cases.json?fields=body").status_code == 200
    response = client.get("/open-data/cases.json?fields=body")
    assert response.status_code == 429
    assert response.get_json()["error"]["type"] == "too_many_requests"
