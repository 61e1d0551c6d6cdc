"""The JSON API for the mobile app, under /api/v1: the web's consumer pages as endpoints.

Views parse the request with the schemas in ``relief.api.schemas``, check permission on
the model, call the same workflow functions as the web and commit once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from relief.accounts.forms import LOGIN_FAILED
from relief.accounts.models import Role
from relief.accounts.workflow import authenticate
from relief.api import errors
from relief.api.auth import api_language, issue_token, revoke_token
from relief.api.errors import ApiError, bearer_challenge, invalid
from relief.api.openapi import operation
from relief.api.present import (
    AgencyNames,
    case_dict,
    case_summary,
    event_dict,
    evidence_dict,
    verdict_dict,
)
from relief.api.schemas import (
    ID_MAX,
    CaseListQuery,
    CasePage,
    CaseSchema,
    EventList,
    EventSchema,
    EvidenceSchema,
    EvidenceUpload,
    FilingRequest,
    IdempotencyHeaders,
    MessageRequest,
    RouteRequest,
    RouteVerdict,
    TokenIssued,
    TokenRequest,
    WithdrawRequest,
)
from relief.audit.models import record
from relief.cases import desk, workflow
from relief.cases.evidence import EvidenceError, check_file, remove
from relief.cases.limits import EVIDENCE_MAX_BYTES
from relief.cases.messages import case_error_message, evidence_error_message
from relief.cases.models import Case, Evidence
from relief.cases.routing import route_text
from relief.core.access import login_required, public, roles_required
from relief.core.db import db
from relief.core.extensions import limiter
from relief.privacy.masking import find_personal_data, mask_personal_data

bp = Blueprint("api", __name__, url_prefix="/api/v1")
errors.install(bp)

# Ids beyond the database's integer range are no route at all (404), not a database error.
CASE = f"/cases/<int(min=1, max={ID_MAX}):case_id>"
EVIDENCE = CASE + f"/evidence/<int(min=1, max={ID_MAX}):evidence_id>"
# CaseError codes that are a field's fault (422); the others are about the case's state.
_FIELD_ERRORS = {"text_too_short", "text_too_long", "agency_invalid", "too_many_files"}
_API_FIELD = {"files": "file"}


# --- helpers -------------------------------------------------------------------------------

def _per_user() -> str:
    """Rate-limit key: the token's user (tokens are per user, addresses are shared)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{request.remote_addr}"


def _submitted_email() -> str:
    """Rate-limit key for the per-account throttle on POST /tokens."""
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    return "acct:" + (email.strip().lower() if isinstance(email, str) else "")


def _json(schema: Schema, *, optional: bool = False) -> dict[str, Any]:
    """The JSON body, validated; raises ``ApiError`` (400) or ``ValidationError`` (422)."""
    data = request.get_json(silent=True)
    if data is None:
        if optional and not request.get_data():
            data = {}
        else:
            raise ApiError(400, "invalid_json",
                           _("Send a JSON object with Content-Type: application/json."))
    return schema.load(data)


def _uploads() -> Path:
    return current_app.config["RELIEF"].uploads_dir


def _names() -> AgencyNames:
    return AgencyNames(api_language())


def _not_found() -> ApiError:
    return ApiError(404, "not_found", _("We could not find that complaint."))


def _case_for(case_id: int) -> Case:
    """The case if the token's user may see it; 404 otherwise, never 403, so a case
    number alone does not confirm that a case exists. Staff reads are audited."""
    case = db.session.get(Case, case_id)
    if case is None or not case.can_view(current_user):
        raise _not_found()
    if current_user.is_staff:
        record(db.session, actor_id=current_user.id, action="case.read", target_type="case",
               target_id=case.id, endpoint=request.endpoint)
        db.session.commit()
    return case


def _case_error(err: workflow.CaseError) -> ApiError:
    message = case_error_message(err.code)
    if err.code in _FIELD_ERRORS:
        field = _API_FIELD.get(err.field or "", err.field) or "_schema"
        return invalid({field: [message]})
    if err.code == "submission_key_reused":
        return ApiError(422, "idempotency_key_reused", message)
    return ApiError(409, err.code, message)


def _evidence_error(err: EvidenceError) -> ApiError:
    message = evidence_error_message(err)
    if err.code == "storage_failed":
        return ApiError(503, "storage_failed", message)
    return invalid({"file": [message]})


def _case_response(case: Case, status: int = 200) -> tuple[Response, int]:
    response = jsonify(CaseSchema().dump(case_dict(case, _names(), current_user)))
    if status == 201:
        response.headers["Location"] = url_for("api.case_detail", case_id=case.id)
    return response, status


# --- routing -------------------------------------------------------------------------------

@bp.post("/route")
@operation(summary="Which body handles this complaint, and why", tag="routing",
           body=RouteRequest, response=RouteVerdict, errors=(429,),
           description="The router's verdict for a text and optional facts: bodies best "
                       "first with names in the request's language, the words and rules "
                       "that decided, and whether the matter is out of scope (with the "
                       "body to turn to), unclear (a supervisor would decide) or two "
                       "matters in one. Nothing is stored.")
@public
@limiter.limit("60/minute")
def route():  # type: ignore[no-untyped-def]
    data = _json(RouteRequest())
    facts = {name: data[name] for name in ("amount_krw", "region", "channel", "business")
             if data.get(name) not in (None, "")}
    routing = route_text(data["text"], facts)
    personal = sorted({f.kind for f in find_personal_data(data["text"])})
    return jsonify(RouteVerdict().dump(verdict_dict(routing, api_language(), personal)))


# --- tokens --------------------------------------------------------------------------------

@bp.post("/tokens")
@operation(summary="Log in: get an access token (shown once)", tag="tokens", status=201,
           body=TokenRequest, response=TokenIssued, errors=(401, 403, 429),
           description="For consumers with a confirmed e-mail address. The secret is shown "
                       "only in this answer; relief keeps only its hash. Failed attempts "
                       "count towards the same per-account throttle as the web login.")
@public
@limiter.limit("30/minute")
@limiter.limit("10/minute", key_func=_submitted_email)
def create_token():  # type: ignore[no-untyped-def]
    data = _json(TokenRequest())
    result = authenticate(db.session, data["email"], data["password"])
    db.session.commit()  # keep the failure count even when the login fails
    if result.reason == "unconfirmed":
        raise ApiError(403, "email_unconfirmed",
                       _("Confirm your e-mail address first: open the link we sent you, "
                         "then try again."))
    if result.user is None:
        raise ApiError(401, "login_failed", str(LOGIN_FAILED), headers=bearer_challenge())
    if result.user.role != Role.CONSUMER.value:
        raise ApiError(403, "not_allowed",
                       _("Access tokens are for the consumer app; staff work in the browser."))
    token, secret = issue_token(db.session, result.user, data["name"])
    db.session.commit()
    body = TokenIssued().dump({"token": secret, "token_type": "Bearer", "id": token.id,
                               "name": token.name, "created_at": token.created_at})
    return jsonify(body), 201


@bp.delete("/tokens/current")
@operation(summary="Log out: revoke the token this request carries", tag="tokens",
           status=204)
@login_required
def revoke_current_token():  # type: ignore[no-untyped-def]
    revoke_token(db.session, g.api_token, current_user)
    db.session.commit()
    return Response(status=204)


# --- cases ---------------------------------------------------------------------------------

@bp.post("/cases")
@operation(summary="File a complaint", tag="cases", status=201, body=FilingRequest,
           response=CaseSchema, headers=IdempotencyHeaders, errors=(400, 429),
           description="Routes the text as POST /route does and files the case with the "
                       "body the consumer chose. Send the same Idempotency-Key when "
                       "retrying: the retry answers 200 with the case the first request "
                       "created, and creates nothing. The same key with a different "
                       "complaint answers 422.")
@roles_required(Role.CONSUMER)
@limiter.limit("30/hour", key_func=_per_user)
def file_case():  # type: ignore[no-untyped-def]
    key = _idempotency_key()
    data = _json(FilingRequest())
    submission_key = f"api:{current_user.id}:{key}"
    existing = db.session.scalar(select(Case).where(Case.submission_key == submission_key))
    if existing is not None:
        return _replay(existing, data)
    filing = workflow.Filing(
        text=data["text"], product=data.get("product"),
        business_name=data.get("business_name"), occurred_on=data.get("occurred_on"),
        amount_krw=data.get("amount_krw"), payment_method=data.get("payment_method"),
        channel=data.get("channel"), region=data.get("region"), wish=data.get("wish"),
        lang=api_language(), choice=data["choice"], chosen_agency=data.get("chosen_agency"))
    routing = route_text(filing.text, filing.facts())
    try:
        case, created = workflow.file_case(
            db.session, current_user, filing, routing=routing,
            submission_key=submission_key, uploads_dir=_uploads())
        db.session.commit()
    except workflow.CaseError as err:
        db.session.rollback()
        raise _case_error(err) from err
    except IntegrityError:
        # Two requests with one key at the same moment: the other one won.
        db.session.rollback()
        existing = db.session.scalar(select(Case).where(Case.submission_key == submission_key))
        if existing is None:
            raise
        return _replay(existing, data)
    if created:
        from relief.cases.views import _send_receipt

        _send_receipt(case)
    return _case_response(case, 201 if created else 200)


def _idempotency_key() -> str:
    if "Idempotency-Key" not in request.headers:
        raise ApiError(400, "idempotency_key_required",
                       _("Send an Idempotency-Key header, the same on every retry."),
                       {"Idempotency-Key": [_("This field is required.")]})
    headers = IdempotencyHeaders().load({"Idempotency-Key": request.headers["Idempotency-Key"]})
    return str(headers["key"])


def _replay(case: Case, data: dict[str, Any]) -> tuple[Response, int]:
    """A retry answers the case it created; the same key with another complaint is refused."""
    masked, _found = mask_personal_data(data["text"].strip())
    if case.text != masked or case.consumer_choice != data["choice"]:
        raise ApiError(422, "idempotency_key_reused",
                       _("This Idempotency-Key was already used for another complaint. "
                         "Use a new key for a new complaint."),
                       {"Idempotency-Key": [_("Already used for another complaint.")]})
    return _case_response(case, 200)


@bp.get("/cases")
@operation(summary="My complaints, newest first", tag="cases", query=CaseListQuery,
           response=CasePage)
@roles_required(Role.CONSUMER)
def my_cases():  # type: ignore[no-untyped-def]
    query = CaseListQuery().load(request.args.to_dict())
    page, per_page = query["page"], query["per_page"]
    mine = Case.consumer_id == current_user.id
    total = db.session.scalar(select(func.count()).select_from(Case).where(mine)) or 0
    cases = db.session.scalars(select(Case).where(mine)
                               .order_by(Case.created_at.desc(), Case.id.desc())
                               .limit(per_page).offset((page - 1) * per_page))
    names = _names()
    return jsonify(CasePage().dump({"items": [case_summary(c, names) for c in cases],
                                    "page": page, "per_page": per_page, "total": total}))


@bp.get(CASE)
@operation(summary="One complaint", tag="cases", response=CaseSchema)
@login_required
def case_detail(case_id: int):  # type: ignore[no-untyped-def]
    return _case_response(_case_for(case_id))


@bp.get(CASE + "/events")
@operation(summary="The complaint's timeline", tag="cases", response=EventList)
@login_required
def case_events(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    names = _names()
    events = [event_dict(case, e, names) for e in case.events
              if e.visible_to_consumer or current_user.is_staff]
    return jsonify(EventList().dump({"items": events}))


@bp.post(CASE + "/messages")
@operation(summary="Write to the officer", tag="cases", status=201, body=MessageRequest,
           response=EventSchema, errors=(409, 429),
           description="Personal data in the message is masked before it is stored. "
                       "Answering the officer's question puts the complaint back in "
                       "progress, as on the web.")
@roles_required(Role.CONSUMER)
@limiter.limit("60/hour", key_func=_per_user)
def case_message(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    data = _json(MessageRequest())
    body, _found = mask_personal_data(data["body"].strip())
    try:
        # The web's workflow: an awaited answer puts the case back in progress.
        event = desk.consumer_answers(db.session, case, current_user, body)
        db.session.commit()
    except workflow.CaseError as err:
        db.session.rollback()
        raise _case_error(err) from err
    return jsonify(EventSchema().dump(event_dict(case, event, _names()))), 201


@bp.post(CASE + "/evidence")
@operation(summary="Add one evidence file", tag="cases", status=201, body=EvidenceUpload,
           multipart=True, response=EvidenceSchema, errors=(409, 413, 429, 503),
           description="One file per request, at most five per complaint. The type is "
                       "judged by the content, whatever the name says.")
@roles_required(Role.CONSUMER)
@limiter.limit("30/hour", key_func=_per_user)
def case_evidence(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    uploads = request.files.getlist("file")
    if len(uploads) > 1:
        raise invalid({"file": [_("Attach one file per request.")]})
    fields: dict[str, Any] = request.form.to_dict()
    if uploads:
        fields["file"] = uploads[0]
    storage = EvidenceUpload().load(fields)["file"]
    try:
        checked = check_file(storage.filename, storage.read(EVIDENCE_MAX_BYTES + 1))
    except EvidenceError as err:
        raise _evidence_error(err) from err
    stored: list[str] = []
    try:
        item = workflow.attach_evidence(db.session, case, current_user, checked, _uploads())
        stored.append(item.stored_name)
        db.session.commit()
    except (workflow.CaseError, EvidenceError) as err:
        db.session.rollback()
        remove(_uploads(), stored)
        raise (_evidence_error(err) if isinstance(err, EvidenceError)
               else _case_error(err)) from err
    response = jsonify(EvidenceSchema().dump(evidence_dict(item)))
    response.headers["Location"] = url_for("api.case_evidence_file", case_id=case.id,
                                           evidence_id=item.id)
    return response, 201


@bp.get(EVIDENCE)
@operation(summary="Download an evidence file", tag="cases", response="binary")
@login_required
def case_evidence_file(case_id: int, evidence_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    item = db.session.get(Evidence, evidence_id)
    path = _uploads() / item.stored_name if item is not None else None
    if item is None or item.case_id != case.id or path is None or not path.is_file():
        raise ApiError(404, "not_found", _("We could not find that file."))
    return send_file(path, mimetype=item.content_type, as_attachment=True,
                     download_name=item.original_name)


@bp.post(CASE + "/withdraw")
@operation(summary="Withdraw the complaint", tag="cases", body=WithdrawRequest,
           body_required=False, response=CaseSchema, errors=(409,))
@roles_required(Role.CONSUMER)
def case_withdraw(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    data = _json(WithdrawRequest(), optional=True)
    try:
        # Masked like the complaint itself: staff read the reason.
        reason = mask_personal_data((data.get("reason") or "").strip())[0] or None
        workflow.withdraw(db.session, case, current_user, reason)
        db.session.commit()
    except workflow.CaseError as err:
        db.session.rollback()
        raise _case_error(err) from err
    except StaleDataError as err:
        db.session.rollback()
        raise _case_error(workflow.CaseError("stale")) from err
    return _case_response(case)


# --- the document --------------------------------------------------------------------------

@bp.get("/openapi.json")
@operation(summary="This API's OpenAPI 3 document", tag="meta", response={"type": "object"})
@public
def openapi_document():  # type: ignore[no-untyped-def]
    from relief.api.openapi import build_spec

    spec = current_app.extensions.get("relief.api.openapi")
    if spec is None:
        spec = current_app.extensions["relief.api.openapi"] = build_spec(current_app)
    return jsonify(spec)
