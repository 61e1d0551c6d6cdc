"""CSV and XLSX exports: streamed, masked, formula-proof, read back with real readers."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from relief.audit.models import AuditEvent
from relief.stats.export import COLUMNS, csv_stream, neutralise
from tests.conftest import login

RAW = ("연락은 010-1234-5678 이나 hong@example.com 으로 주세요. "
       "카드 4111-1111-1111-1111 로 결제했습니다.")


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # so spreadsheet programs read the Korean right
    return list(csv.DictReader(io.StringIO(text[1:])))


def _xlsx(response) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = list(wb["cases"].iter_rows(values_only=True))
    wb.close()
    assert rows[0] == COLUMNS
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]]


@pytest.fixture
def supervisor_client(client, make_user):  # type: ignore[no-untyped-def]
    login(client, make_user("supervisor"))
    return client


def test_csv_export_masks_personal_data_and_opens_in_a_csv_reader(
        supervisor_client, add_case, make_user):
    consumer = make_user(email="hong.gildong@example.com")
    case = add_case(text=RAW, consumer=consumer, business_name="홍길동 010-9876-5432",
                    region="seoul", channel="online", amount_krw=450_000)
    response = supervisor_client.get("/stats/export.csv?from=")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert len(rows) == 1
    row = rows[0]
    assert row["case_number"] == case.number
    assert row["body"] == "kca" and row["region"] == "seoul" and row["amount_krw"] == "450000"
    everything = response.get_data().decode("utf-8")
    for secret in ("010-1234-5678", "hong@example.com", "4111-1111-1111-1111",
                   "9876-5432", "hong.gildong", consumer.display_name):
        assert secret not in everything
    assert row["consumer"].startswith("C-") and str(consumer.id) not in row["consumer"]
    assert "****-****-****-1111" in row["text"]


def test_a_consumer_gets_the_same_pseudonym_in_every_export(supervisor_client, add_case,
                                                             make_user):
    one, other = make_user(), make_user()
    add_case(consumer=one)
    add_case(consumer=one)
    add_case(consumer=other)
    first = [r["consumer"] for r in _csv(supervisor_client.get("/stats/export.csv?from="))]
    again = [r["consumer"] for r in _csv(supervisor_client.get("/stats/export.csv?from="))]
    assert first == again
    assert first[0] == first[1] != first[2]


def test_xlsx_export_opens_in_openpyxl_with_the_same_rows_as_the_csv(supervisor_client,
                                                                     add_case):
    add_case("closed", text=RAW, outcome="refunded", outcome_amount_krw=300_000,
             business_name="오케이몰")
    add_case("routed", agency_id="kcc-tdmc", region="busan")
    from_csv = _csv(supervisor_client.get("/stats/export.csv?from="))
    response = supervisor_client.get("/stats/export.xlsx?from=")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    from_xlsx = _xlsx(response)
    assert [r["case_number"] for r in from_xlsx] == [r["case_number"] for r in from_csv]
    assert from_xlsx[0]["outcome_amount_krw"] == 300_000  # numbers stay numbers
    assert "hong@example.com" not in str(from_xlsx)


def test_an_xlsx_bigger_than_the_limit_is_refused_with_a_way_out(supervisor_client, add_case,
                                                                 monkeypatch):
    # A workbook is built whole before it is sent; one that would outlast the request
    # timeout is refused up front, and the dashboard says so instead of offering it.
    from relief.stats import export

    add_case("routed")
    add_case("routed", agency_id="kcc-tdmc")
    monkeypatch.setattr(export, "XLSX_EXPORT_LIMIT", 1)
    page = supervisor_client.get("/stats/?from=").get_data(as_text=True)
    assert "/stats/export.xlsx" not in page and 'id="xlsx-limit"' in page
    assert "/stats/export.csv" in page
    refused = supervisor_client.get("/stats/export.xlsx?from=")
    assert refused.status_code == 302 and "/stats/" in refused.headers["Location"]
    assert "CSV" in supervisor_client.get(refused.headers["Location"]).get_data(as_text=True)
    one_body = supervisor_client.get("/stats/export.xlsx?from=&body=kcc-tdmc")
    assert one_body.status_code == 200 and len(_xlsx(one_body)) == 1


DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)",
             "\t=1+1", "\r=1+1", "  =cmd|' /C calc'!A0"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(value):
    assert neutralise(value).startswith("'")
    assert neutralise("환불 요청") == "환불 요청"
    assert neutralise(-5) == -5  # numbers are numbers, not text


def test_formula_like_text_stays_text_in_both_exports(supervisor_client, add_case):
    for value in DANGEROUS[:4]:
        add_case(business_name=value, product=value, text=value + " 환불해 주세요 제발요")
    rows = _csv(supervisor_client.get("/stats/export.csv?from="))
    for row in rows:
        for column in ("business", "product", "text"):
            assert row[column].startswith("'"), (column, row[column])
    wb = openpyxl.load_workbook(io.BytesIO(
        supervisor_client.get("/stats/export.xlsx?from=").get_data()))
    for sheet_row in wb["cases"].iter_rows(min_row=2):
        for cell in sheet_row:
            assert cell.data_type != "f", cell.value


def test_exports_follow_the_dashboard_filters(supervisor_client, add_case):
    add_case(agency_id="kca", region="seoul")
    add_case(agency_id="kca", region="busan")
    add_case(agency_id="kcc-tdmc", region="seoul", days_ago=500)
    assert len(_csv(supervisor_client.get("/stats/export.csv?from=&region=seoul"))) == 2
    assert len(_csv(supervisor_client.get("/stats/export.csv?body=kca"))) == 2
    assert len(_xlsx(supervisor_client.get("/stats/export.xlsx"))) == 2  # last 12 months
    assert supervisor_client.get("/stats/export.csv?from=never").status_code == 400


def test_exports_are_streamed_in_chunks():
    rows = ((i, f"사건 {i}") for i in range(5_000))
    chunks = list(csv_stream(rows))
    assert len(chunks) > 2
    text = b"".join(chunks).decode("utf-8")
    assert text.count("\r\n") == 5_001


def test_an_export_response_is_a_stream_not_a_buffer(supervisor_client, add_case):
    add_case()
    response = supervisor_client.get("/stats/export.csv?from=", buffered=False)
    assert response.is_streamed
    response.close()


def test_every_export_is_audited(supervisor_client, add_case, db_session):
    add_case()
    supervisor_client.get("/stats/export.csv?from=&body=kca").get_data()
    supervisor_client.get("/stats/export.xlsx?from=").get_data()
    events = db_session.query(AuditEvent).filter_by(action="stats.export").all()
    assert sorted(e.target_id for e in events) == ["csv", "xlsx"]
    assert any(e.detail["filter"]["body"] == "kca" for e in events)
