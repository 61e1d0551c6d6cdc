"""The registry's database mirror: idempotent sync, admin edits with reasons, export."""

from __future__ import annotations

import json

from relief.audit.models import AuditEvent
from relief.registry.models import Agency, AgencyChange
from relief.registry.sync import sync_registry
from relief.registry.workflow import export_bodies
from tests.conftest import login, post_form


def test_sync_is_idempotent_and_dry_run_by_default(db_session):
    plan = sync_registry(db_session, commit=False)
    assert not plan.has_changes and len(plan.unchanged) == 70
    agency = db_session.get(Agency, "kca")
    agency.data = {**agency.data, "hotline": "0000"}
    agency.data_sha256 = "stale"
    db_session.flush()
    dry = sync_registry(db_session, commit=False)
    assert dry.changed == ["kca"] and db_session.get(Agency, "kca").data["hotline"] == "0000"
    sync_registry(db_session, commit=True)
    assert db_session.get(Agency, "kca").data["hotline"] == "1372"
    assert sync_registry(db_session, commit=False).has_changes is False


def test_sync_command_reports_a_dry_run(app, db_session):
    result = app.test_cli_runner().invoke(args=["agencies", "sync"])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and "0 added, 0 changed, 70 unchanged" in result.output


def _form(client, agency_id: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    import re

    html = client.get(f"/admin/bodies/{agency_id}").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', html))
    textareas = re.findall(r'<textarea[^>]*name="([a-z_]+)"[^>]*>\s*([^<]*)</textarea>', html)
    data.update(textareas)
    for name in ("day_type", "verified"):
        m = re.search(rf'<select[^>]*name="{name}".*?<option selected value="([^"]*)"', html, re.S)
        data[name] = m.group(1) if m else ""
    return data


def test_admin_edit_is_recorded_with_who_when_and_why(client, make_user, db_session):
    admin = make_user("admin")
    login(client, admin)
    data = _form(client, "kca")
    data.update(hotline="043-880-5500", reason="대표번호 변경 공지 반영")
    response = post_form(client, "/admin/bodies/kca", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    agency = db_session.get(Agency, "kca")
    assert agency.data["hotline"] == "043-880-5500"
    change = db_session.query(AgencyChange).filter_by(agency_id="kca", source="admin").one()
    assert change.actor_id == admin.id and change.reason == "대표번호 변경 공지 반영"
    assert change.before["hotline"] == "1372"
    assert db_session.query(AuditEvent).filter_by(action="registry.edit", target_id="kca").count()


def test_admin_edit_without_reason_is_refused_and_keeps_the_typing(client, make_user, db_session):
    login(client, make_user("admin"))
    data = _form(client, "kca")
    data.update(hotline="02-000-0000", reason="")
    response = post_form(client, "/admin/bodies/kca", data)
    assert response.status_code == 422
    assert 'value="02-000-0000"' in response.get_data(as_text=True)
    assert db_session.get(Agency, "kca").data["hotline"] == "1372"


def test_admin_edit_that_breaks_the_schema_is_refused(client, make_user, db_session):
    login(client, make_user("admin"))
    data = _form(client, "kca")
    data.update(website="ftp://kca.example", reason="잘못된 주소 시험")
    response = post_form(client, "/admin/bodies/kca", data)
    assert response.status_code == 422
    assert db_session.get(Agency, "kca").data["website"].startswith("https://")


def test_edits_export_back_to_data_files(client, make_user, db_session, tmp_path):
    from agencies import load_registry

    registry = load_registry()
    login(client, make_user("admin"))
    data = _form(client, "kgs")
    data.update(hotline="1544-4500", reason="hotline check")
    post_form(client, "/admin/bodies/kgs", data)
    written = export_bodies(db_session, tmp_path)
    assert [p.name for p in written] == ["kgs.json"]
    exported = json.loads((tmp_path / "kgs.json").read_text())
    assert exported["hotline"] == "1544-4500"
    assert set(exported) == set(registry.to_dict("kgs"))


def test_officer_cannot_edit_the_registry(client, make_user):
    login(client, make_user("officer"))
    assert client.get("/admin/bodies/kca").status_code == 403


def test_flask_agencies_check_reports_no_problems(app):
    result = app.test_cli_runner().invoke(args=["agencies", "check"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"problems": []}
