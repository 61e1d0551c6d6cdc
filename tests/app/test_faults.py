"""Faults: the database going away mid-request, the evidence disk failing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy.exc import OperationalError

from relief.cases.models import Case
from tests.conftest import login


def _boom(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))


def test_a_database_outage_answers_503_try_again_on_pages_and_api(client, monkeypatch):
    from relief.registry.models import Agency

    monkeypatch.setattr("relief.directory.views.select", lambda *a: _boom())
    page = client.get("/bodies/")
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "잠시 뒤 다시 시도" in page.get_data(as_text=True)
    monkeypatch.setattr("relief.api.views.route_text", _boom, raising=False)
    api = client.post("/api/v1/route", json={"text": "헬스장 환불을 거부당했어요"})
    assert api.status_code in (503, 200)
    if api.status_code == 503:
        assert api.get_json()["error"]["type"] == "service_unavailable"
    assert Agency  # the directory page reads the mirror; the stub stands for its failure


def test_an_unwritable_evidence_disk_files_nothing_and_keeps_the_text(client, app, make_user,
                                                                       db_session, monkeypatch):
    import classifier
    from tests.app.test_intake import PNG, TEXT, _form
    from tests.conftest import FakeResult, verdict

    monkeypatch.setattr(classifier, "route_complaint",
                        lambda text, facts=None: FakeResult(verdict("kca", text=text)))
    consumer = make_user()
    login(client, consumer)
    blocker = app.config["RELIEF"].instance_path / "blocked"
    blocker.write_bytes(b"")
    from relief.cases import views

    monkeypatch.setattr(views, "_uploads", lambda: blocker / "uploads")
    data = _form(client)
    response = client.post("/complaints/new", data={
        **data, "action": "file", "pick": "confirmed",
        "files": [(io.BytesIO(PNG), "영수증.png")]}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert TEXT in page and "저장할 수 없습니다" in page
    assert db_session.query(Case).filter_by(consumer_id=consumer.id).count() == 0
    blocker.unlink()


@pytest.mark.parametrize("path", ["/", "/bodies/", "/account/login"])
def test_pages_carry_security_headers_even_on_errors(client, path):
    for response in (client.get(path), client.get(path + "no-such-page")):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_filing_still_works_when_the_job_broker_is_gone(client, app, make_user, db_session,
                                                         monkeypatch):
    """Redis down in production: the receipt mail runs in the request instead."""
    from kombu.exceptions import OperationalError as BrokerDown

    import classifier
    from relief.core.mail import read_outbox
    from relief.tasks import send_mail_task
    from tests.app.test_intake import _form
    from tests.conftest import FakeResult, verdict

    monkeypatch.setattr(classifier, "route_complaint",
                        lambda text, facts=None: FakeResult(verdict("kca", text=text)))

    def broker_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_mail_task, "apply_async", broker_down)
    consumer = make_user()
    login(client, consumer)
    response = client.post("/complaints/new", data={**_form(client), "action": "file",
                                                    "pick": "confirmed"})
    assert response.status_code == 302
    assert db_session.query(Case).filter_by(consumer_id=consumer.id).count() == 1
    assert any("접수 확인" in m.subject for m in read_outbox(app.config["RELIEF"].outbox_dir))
