"""Every endpoint x every role, generated from the URL map: nobody reads or changes a case
that is not theirs. A new endpoint fails here until the test knows how to call it."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from relief.api.models import ApiToken, hash_token
from relief.cases.models import Case
from relief.core.access import access_rule
from tests.conftest import csrf_token, login

ROLES = ["anonymous", "owner", "other_consumer", "officer_same", "officer_other",
         "supervisor", "admin"]
# Endpoints only the case's own consumer may use (others: officers of the body too).
OWNER_ONLY = {"cases.add_evidence", "cases.message", "cases.withdraw", "api.case_detail",
              "api.case_events", "api.case_evidence", "api.case_evidence_file",
              "api.case_message", "api.case_withdraw"}
DENIED = {302, 400, 401, 403, 404, 405, 409, 422}
PDF = b"%PDF-1.4\n%access\n"


def _args(rule: Any, case: Case, evidence_id: int) -> dict[str, Any]:
    fill = {"case_id": case.id, "evidence_id": evidence_id, "agency_id": "kca",
            "token": "not-a-token", "lang": "en", "action": "note",
            "filename": "css/relief.css", "alert_id": 1, "group_id": 1, "letter_id": 1,
            "code": "ABCDEFGHJK"}
    missing = set(rule.arguments) - set(fill)
    assert not missing, f"teach this test how to call {rule.endpoint} ({missing})"
    return {k: fill[k] for k in rule.arguments}


@pytest.fixture
def world(app, db_session, make_user, make_case):  # type: ignore[no-untyped-def]
    from relief.cases.evidence import check_file
    from relief.cases.workflow import attach_evidence

    owner = make_user()
    case = make_case(consumer=owner, agency_id="kca")
    item = attach_evidence(db_session, case, owner, check_file("영수증.pdf", PDF),
                           app.config["RELIEF"].uploads_dir)
    db_session.commit()
    users = {"owner": owner, "other_consumer": make_user(),
             "officer_same": make_user("officer", agency_id="kca"),
             "officer_other": make_user("officer", agency_id="fss-fdmc"),
             "supervisor": make_user("supervisor"), "admin": make_user("admin")}
    tokens = {}
    for role, user in users.items():
        secret = ApiToken.new_secret()
        db_session.add(ApiToken(user_id=user.id, token_hash=hash_token(secret), name="t"))
        tokens[role] = secret
    db_session.commit()
    return {"case": case, "evidence_id": item.id, "users": users, "tokens": tokens}


def _allowed(app, rule_obj: Any, role: str, case: Case, users: dict[str, Any]) -> bool:  # type: ignore[no-untyped-def]
    endpoint = rule_obj.endpoint
    rule = access_rule(app, endpoint)
    if rule == ("public",):
        return True
    if role == "anonymous":
        return False
    user = users[role]
    if rule[0] == "roles" and user.role_enum not in rule[1]:
        return False
    if endpoint in OWNER_ONLY:
        return role == "owner"
    if "case_id" in rule_obj.arguments:
        return case.can_view(user)
    return True


@pytest.mark.parametrize("role", ROLES)
def test_no_role_reaches_a_case_it_may_not(app, client, world, role, db_session):
    case, users = world["case"], world["users"]
    if role != "anonymous":
        login(client, users[role])
    token = csrf_token(client, "/account/login" if role == "anonymous" else "/")
    leaks = []
    for rule in app.url_map.iter_rules():
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **_args(rule, case, world["evidence_id"]))
        headers = {}
        if rule.rule.startswith("/api/") and role != "anonymous":
            headers["Authorization"] = f"Bearer {world['tokens'][role]}"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            version_before = db_session.get(Case, case.id).version
            data: Any = {"csrf_token": token, "text": "접근 시험", "body": "접근 시험",
                         "agency": "ecmc"}
            if rule.endpoint in ("cases.add_evidence", "api.case_evidence"):
                data = {"csrf_token": token, "files": [(io.BytesIO(PDF), "x.pdf")],
                        "file": (io.BytesIO(PDF), "x.pdf")}
            response = client.open(url, method=method, headers=headers,
                                   data=data if method != "GET" else None)
            body = response.get_data()
            response.close()
            allowed = _allowed(app, rule, role, case, users)
            assert response.status_code < 500, (rule.endpoint, method, role)
            if not allowed:
                db_session.expire_all()
                changed = db_session.get(Case, case.id).version != version_before
                shows = "헬스장 환불".encode() in body  # the complaint's own words
                if response.status_code not in DENIED or changed or shows:
                    leaks.append((rule.endpoint, method, response.status_code, changed, shows))
            if role != "anonymous" and rule.endpoint == "accounts.logout":
                login(client, users[role])
                token = csrf_token(client, "/")
    assert leaks == []


def test_case_numbers_alone_are_not_enough_to_read_a_case(client, world):
    other = world["users"]["other_consumer"]
    login(client, other)
    number = world["case"].number
    for url in (f"/complaints/{world['case'].id}", f"/desk/cases/{world['case'].id}",
                f"/desk/?q={number}", f"/complaints/{world['case'].id}/receipt"):
        page = client.get(url)
        assert page.status_code in (403, 404), url
        assert "헬스장 환불" not in page.get_data(as_text=True)
    assert re.fullmatch(r"rlf_[A-Za-z0-9_-]{43}", world["tokens"]["owner"])  # 256 bits
