"""The letter pages: preview without storing, issue, download by the right people only,
the public verification page without personal data, and the API."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

from relief.cases.models import Case
from relief.letters import workflow
from relief.letters.models import Letter
from relief.letters.verify import display_code
from tests.api.conftest import bearer, get_token, staff_token
from tests.conftest import csrf_token, login
from tests.letters.test_render import pdf_text

FORM = {"summary": "헬스장 이용권 중도 해지 환급 요청", "facts": "사업자가 사실을 인정함.",
        "business_action": "소비자에게 금 300,000원을 환급",
        "action_due": (date.today() + timedelta(days=30)).isoformat(),
        "officer_title": "피해구제1국 조사관"}


def _letters(db_session, case: Case) -> list[Letter]:  # type: ignore[no-untyped-def]
    return workflow.letters_of(db_session, case.id)


def _post(client, url: str, data: dict, form_url: str):  # type: ignore[no-untyped-def, type-arg]
    return client.post(url, data={**data, "csrf_token": csrf_token(client, form_url)})


def test_officer_previews_without_storing_anything(client, db_session, resolved_case, officer):
    login(client, officer)
    compose = f"/desk/cases/{resolved_case.id}/letter"
    page = client.get(compose)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "letter-preview" in body and 'name="summary"' in body
    pdf = client.get(f"{compose}/preview.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["X-Frame-Options"] == "SAMEORIGIN"
    text = pdf_text(pdf.data)
    assert "미리보기" in text and resolved_case.number in text
    posted = _post(client, f"{compose}/preview.pdf", {**FORM, "summary": "미리 본 요지"},
                   compose)
    assert posted.status_code == 200 and "미리 본 요지" in pdf_text(posted.data)
    html = _post(client, f"{compose}/preview.html", FORM, compose)
    assert html.status_code == 200 and "피해구제1국 조사관" in html.get_data(as_text=True)
    assert "default-src 'none'" in html.headers["Content-Security-Policy"]
    assert _letters(db_session, resolved_case) == []  # previews store nothing
    assert db_session.get(Case, resolved_case.id).state == "resolved"


def test_officer_issues_the_letter_from_the_compose_page(client, db_session, resolved_case,
                                                         officer):
    login(client, officer)
    compose = f"/desk/cases/{resolved_case.id}/letter"
    response = _post(client, f"{compose}/issue", FORM, compose)
    assert response.status_code == 302
    letters = _letters(db_session, resolved_case)
    assert [x.status for x in letters] == ["issued"]
    assert db_session.get(Case, resolved_case.id).state == "letter_issued"
    page = client.get(compose).get_data(as_text=True)
    assert f"{resolved_case.number}-1" in page
    assert f"/desk/cases/{resolved_case.id}/letter/correct" in page  # now only a correction


def test_issue_is_refused_for_another_bodys_officer_and_for_consumers(
        client, resolved_case, make_user, consumer):
    other = make_user("officer", agency_id="ecmc")
    login(client, other)
    assert client.get(f"/desk/cases/{resolved_case.id}/letter").status_code == 404
    assert client.get(f"/desk/cases/{resolved_case.id}/letter/preview.pdf").status_code == 404
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, consumer)
    assert client.get(f"/desk/cases/{resolved_case.id}/letter").status_code == 403


def test_consumer_and_allowed_staff_download_the_letter_others_do_not(
        app, client, db_session, resolved_case, officer, issue, make_user, consumer):
    letter = issue(resolved_case, officer)
    url = f"/complaints/{resolved_case.id}/letters/{letter.id}.pdf"
    login(client, consumer)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == letter.sha256
    assert "attachment" in response.headers["Content-Disposition"]
    for user, status in ((make_user(), 404), (make_user("officer", agency_id="ecmc"), 404),
                         (officer, 200), (make_user("supervisor"), 200)):
        client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
        login(client, user)
        assert client.get(url).status_code == status, user.role
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get(url).status_code == 302  # anonymous: to the login page


def test_a_tampered_file_is_not_served(app, client, db_session, resolved_case, officer, issue,
                                       consumer):
    letter = issue(resolved_case, officer)
    path = workflow.letter_path(app.config["RELIEF"], letter)
    path.write_bytes(path.read_bytes() + b"%tampered")
    login(client, consumer)
    assert client.get(f"/complaints/{resolved_case.id}/letters/{letter.id}.pdf"
                      ).status_code == 500


def test_verification_page_confirms_body_number_date_and_hash_without_personal_data(
        client, db_session, resolved_case, officer, issue, consumer):
    letter = issue(resolved_case, officer)
    case = db_session.get(Case, resolved_case.id)
    page = client.get(f"/verify/{letter.verification_code}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert letter.sha256 in body
    assert f"{case.number}-1" in body
    assert "한국소비자원" in body
    assert letter.issued_at.astimezone().date().isoformat()[:4] in body
    for private in (consumer.display_name, consumer.email, "헬스장", "튼튼",
                    "300,000", "피해구제1국"):
        assert private not in body, private
    # Forgiving input: lower case, hyphen, spaces.
    typed = display_code(letter.verification_code).lower()
    assert client.get("/verify", query_string={"code": f" {typed} "}).status_code == 302


def test_verification_page_knows_nothing_of_unknown_or_pending_codes(
        client, db_session, resolved_case, officer):
    assert client.get("/verify/ABCDEFGHJK").status_code == 404
    assert client.get("/verify/not-a-code").status_code == 404
    pending = workflow.request_letter(db_session, resolved_case, officer,
                                      workflow.default_draft(resolved_case))
    db_session.commit()
    assert client.get(f"/verify/{pending.verification_code}").status_code == 404


def test_verification_page_says_when_a_letter_was_corrected(
        app, client, db_session, resolved_case, officer, issue):
    first = issue(resolved_case, officer)
    case = db_session.get(Case, resolved_case.id)
    second = workflow.correct_letter(db_session, case, officer,
                                     workflow.default_draft(case), "금액 정정")
    db_session.commit()
    workflow.render_letter(db_session, second.id, app.config["RELIEF"])
    body = client.get(f"/verify/{first.verification_code}").get_data(as_text=True)
    assert f"{case.number}-2" in body
    assert "금액 정정" not in body  # the reason is the consumer's business, not the public's


def test_case_pages_can_list_the_letters(app, client, db_session, resolved_case, officer,
                                         issue, consumer):
    letter = issue(resolved_case, officer)
    login(client, consumer)
    with app.test_request_context():
        from flask import render_template_string
        from flask_login import login_user

        login_user(consumer)
        html = render_template_string('{% include "letters/_case_letters.html" %}',
                                      case=db_session.get(Case, resolved_case.id))
    assert f"/complaints/{resolved_case.id}/letters/{letter.id}.pdf" in html
    assert "/desk/" not in html


def test_api_lists_and_serves_the_consumers_letters(client, db_session, resolved_case,
                                                    officer, issue, make_user, consumer):
    letter = issue(resolved_case, officer)
    token = get_token(client, consumer)
    listed = client.get(f"/api/v1/cases/{resolved_case.id}/letters", headers=bearer(token))
    assert listed.status_code == 200
    (item,) = listed.get_json()["items"]
    assert item["sha256"] == letter.sha256 and item["status"] == "issued"
    assert item["document_number"].endswith("-1") and item["superseded"] is False
    pdf = client.get(item["download_url"], headers=bearer(token))
    assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == letter.sha256
    stranger = get_token(client, make_user())
    missing = client.get(item["download_url"], headers=bearer(stranger))
    assert missing.status_code == 404 and missing.get_json()["error"]["type"] == "not_found"
    assert client.get(f"/api/v1/cases/{resolved_case.id}/letters",
                      headers=bearer(stranger)).status_code == 404
    assert client.get(item["download_url"]).status_code == 401


def test_api_shows_staff_pending_letters_but_not_consumers(client, db_session, resolved_case,
                                                           officer, consumer):
    workflow.request_letter(db_session, resolved_case, officer,
                            workflow.default_draft(resolved_case))
    db_session.commit()
    consumer_token = get_token(client, consumer)
    assert client.get(f"/api/v1/cases/{resolved_case.id}/letters",
                      headers=bearer(consumer_token)).get_json()["items"] == []
    staff = staff_token(db_session, officer)
    items = client.get(f"/api/v1/cases/{resolved_case.id}/letters",
                       headers=bearer(staff)).get_json()["items"]
    assert [x["status"] for x in items] == ["pending"] and items[0]["download_url"] is None


def test_a_due_date_in_the_past_is_refused(client, db_session, resolved_case, officer):
    login(client, officer)
    compose = f"/desk/cases/{resolved_case.id}/letter"
    response = _post(client, f"{compose}/issue", {**FORM, "action_due": "2020-01-01"}, compose)
    assert response.status_code == 409
    assert _letters(db_session, resolved_case) == []


def test_letter_endpoints_declare_access_rules(app):
    from relief.core.access import access_rule

    rules = {r.endpoint: access_rule(app, r.endpoint) for r in app.url_map.iter_rules()
             if r.endpoint.startswith(("letters.", "letters_api."))}
    assert all(rules.values())
    assert {e for e, rule in rules.items() if rule == ("public",)} == \
        {"letters.verify", "letters.verify_form"}
    assert re.match(r"^\('roles'", str(rules["letters.compose"]))


def test_no_preview_before_the_case_has_an_outcome(client, make_case, officer):
    case = make_case("in_progress", officer=officer)
    login(client, officer)
    assert client.get(f"/desk/cases/{case.id}/letter/preview.pdf").status_code == 409
    page = client.get(f"/desk/cases/{case.id}/letter").get_data(as_text=True)
    assert "letter-preview" not in page
