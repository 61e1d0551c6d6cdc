"""Letter pages: the officer's compose and preview, issuing and correcting, the download
for the consumer and staff, the public verification page, and the JSON API's part.

Views load the case, check permission, call one workflow function and commit once.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from agencies import load_registry
from relief.accounts.models import Role
from relief.api import errors as api_errors
from relief.api.errors import ApiError
from relief.api.openapi import operation
from relief.audit.models import record
from relief.cases.models import Case
from relief.core.access import login_required, public, roles_required
from relief.core.config import Config
from relief.core.db import db, utcnow
from relief.core.extensions import limiter
from relief.letters import workflow
from relief.letters.content import Draft, document_number, to_kst_date
from relief.letters.fonts import FACES
from relief.letters.forms import LetterForm
from relief.letters.models import Letter
from relief.letters.tasks import queue_render
from relief.letters.verify import display_code, normalise_code

bp = Blueprint("letters", __name__)
STAFF = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
# The preview frame and the PDF are shown inside our own compose page, nowhere else.
_FRAME_HEADERS = {"X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store"}


class ActionForm(FlaskForm):
    """CSRF only."""


def letter_error_message(code: str) -> str:
    messages = {
        "not_allowed": _("You cannot do that with this case."),
        "wrong_state": _("A letter can be issued once the case is resolved, not resolved "
                         "or rejected."),
        "letter_pending": _("A letter for this case is being prepared. Wait for it."),
        "already_issued": _("This case already has a letter. Issue a correction instead."),
        "nothing_to_correct": _("There is no issued letter to correct."),
        "reason_required": _("Give the reason for the correction."),
        "summary_required": _("Write the summary of the complaint."),
        "too_long": _("A field is too long."),
        "not_failed": _("Only a letter that failed can be tried again."),
        "due_in_past": _("The date by which the business must act cannot be in the past."),
    }
    return messages.get(code, messages["not_allowed"])


def _cfg() -> Config:
    return current_app.config["RELIEF"]  # type: ignore[no-any-return]


def _staff_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not workflow.is_staff_of(case, current_user):
        abort(404)
    return case


def _audit_read(case: Case, action: str = "case.read", **detail: Any) -> None:
    record(db.session, actor_id=current_user.id, action=action, target_type="case",
           target_id=case.id, endpoint=request.endpoint, **detail)
    db.session.commit()


def _starting_draft(case: Case, letters: list[Letter]) -> Draft:
    """A correction starts from what the letter in force said; a first letter from the case."""
    current = workflow.in_force(letters)
    if current is not None:
        try:
            return workflow.draft_of(db.session, current)
        except workflow.LetterError:
            pass
    return workflow.default_draft(case)


def _compose(case: Case, form: LetterForm, status: int = 200):  # type: ignore[no-untyped-def]
    letters = workflow.letters_of(db.session, case.id)
    return render_template(
        "letters/preview.html", case=case, form=form, letters=letters,
        superseded=workflow.superseded_ids(letters), in_force=workflow.in_force(letters),
        can_request=workflow.can_request(case, current_user, letters),
        can_correct=workflow.can_correct(case, current_user, letters),
        action_form=ActionForm(), document_number=document_number,
        body=load_registry().get(case.agency_id) if case.agency_id else None), status


@bp.get("/desk/cases/<int:case_id>/letter")
@roles_required(*STAFF)
def compose(case_id: int):  # type: ignore[no-untyped-def]
    case = _staff_case(case_id)
    _audit_read(case)
    form = LetterForm()
    form.fill(_starting_draft(case, workflow.letters_of(db.session, case.id)))
    return _compose(case, form)


def _preview_content(case: Case) -> Any:
    """The letter as it would be issued now, from the submitted form or the defaults."""
    letters = workflow.letters_of(db.session, case.id)
    current = workflow.in_force(letters)
    if case.state not in workflow.LETTER_STATES and current is None:
        abort(409)  # no outcome yet: nothing a letter could say
    _audit_read(case, "letter.previewed")
    reason = None
    if request.method == "POST":
        form = LetterForm()
        if not form.validate():
            abort(400)
        draft = form.draft()
        reason = (form.reason.data or "").strip() or None
    else:
        draft = _starting_draft(case, letters)
    return workflow.letter_content_for(
        db.session, case, draft=draft, seq=max((x.seq for x in letters), default=0) + 1,
        verification_code="", base_url=_cfg().public_base_url,
        issued_on=to_kst_date(utcnow()), supersedes=current,
        correction_reason=reason or ("…" if current else None), preview=True)


@bp.route("/desk/cases/<int:case_id>/letter/preview.pdf", methods=["GET", "POST"])
@roles_required(*STAFF)
def preview_pdf(case_id: int):  # type: ignore[no-untyped-def]
    """The exact PDF the job would make now, marked as a preview and not stored."""
    case = _staff_case(case_id)
    from relief.letters.render import render_html, renderer  # WeasyPrint: only when used

    content = _preview_content(case)
    pdf = renderer().render(render_html(content, embed_css=False))
    response = Response(pdf, mimetype="application/pdf", headers=_FRAME_HEADERS)
    response.headers["Content-Disposition"] = \
        f'inline; filename="preview-{content.document_number}.pdf"'
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


@bp.route("/desk/cases/<int:case_id>/letter/preview.html", methods=["GET", "POST"])
@roles_required(*STAFF)
def preview_html(case_id: int):  # type: ignore[no-untyped-def]
    """The letter's HTML for the compose page's frame, with the letter font from static."""
    from relief.letters.render import render_html

    case = _staff_case(case_id)
    content = _preview_content(case)
    fonts = {face.weight: url_for("static", filename=f"letters/fonts/{face.path.name}")
             for face in FACES}
    response = Response(render_html(content, fonts=fonts), mimetype="text/html",
                        headers=_FRAME_HEADERS)
    # Its own policy: an inline stylesheet (the letter's), our fonts, nothing else.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'; "
        "frame-ancestors 'self'")
    return response


def _after_queue(case: Case, letter_id: int) -> None:
    queue_render(letter_id)
    letter = db.session.get(Letter, letter_id, populate_existing=True)
    if letter is not None and letter.status == "issued":
        flash(_("Letter %(number)s was issued.",
                number=document_number(case.number, letter.seq)), "success")
    elif letter is not None and letter.status == "failed":
        flash(_("The letter could not be issued: %(error)s", error=letter.error or ""), "error")
    else:
        flash(_("The letter is being prepared; it appears here when it is issued."), "info")


def _queue_letter(case_id: int, make: Callable[[Case, LetterForm], Letter]):  # type: ignore[no-untyped-def]
    """Validate the draft, create the letter with ``make``, queue its rendering."""
    case = _staff_case(case_id)
    form = LetterForm()
    if not form.validate():
        return _compose(case, form, 400)
    try:
        letter = make(case, form)
        db.session.commit()
    except workflow.LetterError as err:
        db.session.rollback()
        flash(letter_error_message(err.code), "error")
        return _compose(case, form, 409)
    _after_queue(case, letter.id)
    return redirect(url_for("letters.compose", case_id=case.id))


@bp.post("/desk/cases/<int:case_id>/letter/issue")
@roles_required(*STAFF)
def issue(case_id: int):  # type: ignore[no-untyped-def]
    return _queue_letter(case_id, lambda case, form: workflow.request_letter(
        db.session, case, current_user, form.draft()))


@bp.post("/desk/cases/<int:case_id>/letter/correct")
@roles_required(*STAFF)
def correct(case_id: int):  # type: ignore[no-untyped-def]
    return _queue_letter(case_id, lambda case, form: workflow.correct_letter(
        db.session, case, current_user, form.draft(), form.reason.data or ""))


@bp.post("/desk/cases/<int:case_id>/letters/<int:letter_id>/retry")
@roles_required(*STAFF)
def retry(case_id: int, letter_id: int):  # type: ignore[no-untyped-def]
    case = _staff_case(case_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.case_id != case.id:
        abort(404)
    try:
        workflow.retry_letter(db.session, letter, case, current_user)
        db.session.commit()
    except workflow.LetterError as err:
        db.session.rollback()
        flash(letter_error_message(err.code), "error")
    else:
        _after_queue(case, letter.id)
    return redirect(url_for("letters.compose", case_id=case.id))


class LetterNotFound(LookupError):
    pass


def _issued_letter(case_id: int, letter_id: int) -> tuple[Case, Letter, bytes]:
    """An issued letter of a case the user may see, its file checked against its hash.

    Raises ``LetterNotFound`` alike for a case the user may not see (a case number alone
    must not confirm that a case exists), a letter of another case, or one not issued.
    """
    case = db.session.get(Case, case_id)
    if case is None or not case.can_view(current_user):
        raise LetterNotFound
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.case_id != case.id or letter.status != "issued":
        raise LetterNotFound
    data = workflow.letter_path(_cfg(), letter).read_bytes()
    if hashlib.sha256(data).hexdigest() != letter.sha256:
        current_app.logger.error("letter %s: the stored file does not match its SHA-256",
                                 letter.id)
        abort(500)
    if current_user.is_staff:
        record(db.session, actor_id=current_user.id, action="letter.read",
               target_type="letter", target_id=letter.id, case_id=case.id,
               endpoint=request.endpoint)
        db.session.commit()
    return case, letter, data


def _pdf_download(case: Case, letter: Letter, data: bytes) -> Response:
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=f"{document_number(case.number, letter.seq)}.pdf")
    response.headers["Cache-Control"] = "private, no-store"  # names and amounts inside
    return response


@bp.get("/complaints/<int:case_id>/letters/<int:letter_id>.pdf")
@login_required
def download(case_id: int, letter_id: int):  # type: ignore[no-untyped-def]
    try:
        return _pdf_download(*_issued_letter(case_id, letter_id))
    except LetterNotFound:
        abort(404)


@bp.get("/verify")
@public
@limiter.limit("60/minute")
def verify_form():  # type: ignore[no-untyped-def]
    raw = request.args.get("code", "")
    if raw:
        code = normalise_code(raw)
        if code is None:
            return render_template("letters/verify.html", letter=None, asked=raw[:40],
                                   invalid=True), 404
        return redirect(url_for("letters.verify", code=code))
    return render_template("letters/verify.html", letter=None, asked=None, invalid=False)


@bp.get("/verify/<code>")
@public
@limiter.limit("60/minute")
def verify(code: str):  # type: ignore[no-untyped-def]
    """Confirms a letter's issuing body, number, date and hash: no names, no text."""
    normal = normalise_code(code)
    letter = None
    if normal is not None:
        letter = db.session.scalar(select(Letter).where(Letter.verification_code == normal,
                                                        Letter.status == "issued"))
    if letter is None:
        return render_template("letters/verify.html", letter=None, asked=code[:40],
                               invalid=normal is None), 404
    case = db.session.get(Case, letter.case_id)
    assert case is not None
    replacement = db.session.scalar(select(Letter).where(Letter.supersedes_id == letter.id,
                                                         Letter.status == "issued"))
    body = load_registry().get(case.agency_id) if case.agency_id else None
    return render_template(
        "letters/verify.html", letter=letter, asked=code, invalid=False, body=body,
        number=document_number(case.number, letter.seq),
        code=display_code(letter.verification_code),
        issued_on=to_kst_date(letter.issued_at),
        replacement=replacement and document_number(case.number, replacement.seq),
        replaced_on=replacement and to_kst_date(replacement.issued_at))


# --- the JSON API ---------------------------------------------------------------------------

api_bp = Blueprint("letters_api", __name__, url_prefix="/api/v1")
api_errors.install(api_bp)  # the API's one error shape; once, at import
_CASE = "/cases/<int(min=1, max=2147483647):case_id>"
LETTER_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "seq": {"type": "integer"},
        "document_number": {"type": "string"},
        "status": {"type": "string", "enum": ["pending", "issued", "failed"]},
        "lang": {"type": "string"},
        "issued_at": {"type": "string", "format": "date-time", "nullable": True},
        "sha256": {"type": "string", "nullable": True},
        "size": {"type": "integer", "nullable": True},
        "verification_code": {"type": "string", "nullable": True},
        "verification_url": {"type": "string", "nullable": True},
        "supersedes": {"type": "string", "nullable": True},
        "superseded": {"type": "boolean"},
        "download_url": {"type": "string", "nullable": True},
        "error": {"type": "string", "nullable": True},
    },
}


def _api_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not case.can_view(current_user):
        raise ApiError(404, "not_found", _("We could not find that complaint."))
    if current_user.is_staff:
        record(db.session, actor_id=current_user.id, action="case.read", target_type="case",
               target_id=case.id, endpoint=request.endpoint)
        db.session.commit()
    return case


def letter_dict(case: Case, letter: Letter, superseded: set[int],
                numbers: dict[int, int]) -> dict[str, Any]:
    issued = letter.status == "issued"
    return {
        "id": letter.id, "seq": letter.seq,
        "document_number": document_number(case.number, letter.seq),
        "status": letter.status, "lang": letter.lang,
        "issued_at": letter.issued_at.isoformat() if letter.issued_at else None,
        "sha256": letter.sha256, "size": letter.size,
        "verification_code": letter.verification_code if issued else None,
        "verification_url": workflow.verification_url(_cfg().public_base_url,
                                                      letter.verification_code)
        if issued else None,
        "supersedes": document_number(case.number, numbers[letter.supersedes_id])
        if letter.supersedes_id in numbers else None,
        "superseded": letter.id in superseded,
        "download_url": url_for("letters_api.letter_pdf", case_id=case.id,
                                letter_id=letter.id) if issued else None,
        "error": letter.error if current_user.is_staff else None,
    }


@api_bp.get(_CASE + "/letters")
@operation(summary="The case's resolution letters", tag="letters",
            response={"type": "object", "properties": {
                "items": {"type": "array", "items": LETTER_SCHEMA}}})
@login_required
def letter_list(case_id: int):  # type: ignore[no-untyped-def]
    case = _api_case(case_id)
    letters = workflow.letters_of(db.session, case.id)
    numbers = {x.id: x.seq for x in letters}
    superseded = workflow.superseded_ids(letters)
    shown = letters if current_user.is_staff else [x for x in letters if x.status == "issued"]
    return jsonify(items=[letter_dict(case, x, superseded, numbers) for x in shown])


@api_bp.get(_CASE + "/letters/<int(min=1, max=2147483647):letter_id>/pdf")
@operation(summary="Download an issued letter (PDF)", tag="letters", response="binary")
@login_required
def letter_pdf(case_id: int, letter_id: int):  # type: ignore[no-untyped-def]
    try:
        return _pdf_download(*_issued_letter(case_id, letter_id))
    except LetterNotFound as exc:
        raise ApiError(404, "not_found", _("We could not find that letter.")) from exc


