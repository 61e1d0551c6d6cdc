"""The consumer's pages: file a complaint, see where it goes and why, follow it to the end."""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from relief.accounts.models import Role
from relief.audit.models import record
from relief.cases import desk, pending, workflow
from relief.cases.evidence import CheckedFile, EvidenceError, check_file
from relief.cases.forms import (
    CHANNEL_LABELS,
    PAYMENT_LABELS,
    REGION_LABELS,
    WISH_LABELS,
    EvidenceForm,
    FeedbackForm,
    FilingForm,
    MessageForm,
    ReopenForm,
    WithdrawForm,
)
from relief.cases.limits import EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES, TEXT_MAX_CHARS
from relief.cases.messages import case_error_message, evidence_error_message
from relief.cases.models import Case, Evidence
from relief.cases.presenting import routing_view
from relief.cases.remedy import reference_for_case, standard_remedy
from relief.cases.routing import route_text
from relief.core.access import login_required, roles_required
from relief.core.db import db
from relief.core.extensions import limiter
from relief.core.mail import queue_mail
from relief.privacy.masking import find_personal_data, mask_personal_data

bp = Blueprint("cases", __name__, url_prefix="/complaints")


def _uploads():  # type: ignore[no-untyped-def]
    return current_app.config["RELIEF"].uploads_dir


def _filing_from(form: FilingForm, files: list[CheckedFile]) -> workflow.Filing:
    return workflow.Filing(
        text=form.text.data or "", product=form.product.data,
        business_name=form.business_name.data, occurred_on=form.occurred_on.data,
        amount_krw=form.amount_krw.data, payment_method=form.payment_method.data or None,
        channel=form.channel.data or None, region=form.region.data or None,
        wish=form.wish.data or None, lang=g.lang, choice=form.choice.data or "confirmed",
        chosen_agency=form.chosen_agency.data or None, files=files,
        standard_ref=reference_for_case(_standard(form)))


def _check_uploads(storages: list[FileStorage]) -> tuple[list[CheckedFile], list[str]]:
    checked, problems = [], []
    for storage in storages:
        if not storage or not storage.filename:
            continue
        data = storage.read(EVIDENCE_MAX_BYTES + 1)
        try:
            checked.append(check_file(storage.filename, data))
        except EvidenceError as err:
            problems.append(evidence_error_message(err))
    return checked, problems


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.CONSUMER)
@limiter.limit("30/hour", methods=["POST"])
def new():  # type: ignore[no-untyped-def]
    form = FilingForm()
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_urlsafe(24)
        if request.args.get("agency"):
            form.choice.data, form.chosen_agency.data = "alternative", request.args["agency"]
    key = form.submission_key.data
    _read_pick(form, request.form.get("pick", ""))
    routing: dict[str, Any] | None = None
    file_problems: list[str] = []
    if request.method == "POST":
        new_files, file_problems = _check_uploads(request.files.getlist(form.files.name))
        try:
            pending.stash(_uploads(), current_user.id, key, new_files)
            files = pending.load(_uploads(), current_user.id, key)
        except OSError:
            # Disk full or unwritable: say so, file nothing, keep everything typed.
            current_app.logger.exception("evidence storage unavailable")
            files = []
            names = [f.original_name for f in new_files] or ["-"]
            file_problems += [evidence_error_message(EvidenceError("storage_failed", name))
                              for name in names]
        if len(files) > EVIDENCE_MAX_FILES:
            file_problems.append(_("At most %(n)d files per complaint.", n=EVIDENCE_MAX_FILES))
        valid = form.validate()
        if valid and not file_problems:
            filing = _filing_from(form, files)
            routing = route_text(filing.text, filing.facts())
            if request.form.get("action") == "file" and form.choice.data:
                return _file(form, filing, routing, key)
            if request.form.get("action") == "file":
                flash(_("Check where your complaint goes below, then confirm."), "info")
    try:
        attached = pending.load(_uploads(), current_user.id, key) if key else []
    except OSError:
        attached = []
    view = (routing_view(routing, form.text.data or "", g.lang, form.chosen_agency.data)
            if routing else None)
    standard = _standard(form) if form.text.data else None
    personal = find_personal_data(form.text.data or "") if form.text.data else []
    status = 422 if (form.errors or file_problems) else 200
    return render_template(
        "cases/new.html", form=form, routing=view, attached=attached,
        file_problems=file_problems, personal_kinds=sorted({p.kind for p in personal}),
        standard=standard,
        max_files=EVIDENCE_MAX_FILES, max_mb=EVIDENCE_MAX_BYTES // (1024 * 1024),
        text_max=TEXT_MAX_CHARS), status


def _standard(form: FilingForm) -> dict[str, Any] | None:
    amount = form.amount_krw.data if not form.amount_krw.errors else None
    return standard_remedy(form.product.data, form.text.data or "", g.lang, request.form, amount)


def _read_pick(form: FilingForm, pick: str) -> None:
    """The routing panel's one radio group: confirmed | agency:<id> | not_sure | out_of_scope."""
    if pick.startswith("agency:"):
        form.choice.data, form.chosen_agency.data = "alternative", pick.split(":", 1)[1]
    elif pick in ("confirmed", "not_sure", "out_of_scope"):
        form.choice.data = pick


def _file(form: FilingForm, filing: workflow.Filing, routing: dict[str, Any], key: str):  # type: ignore[no-untyped-def]
    try:
        case, created = workflow.file_case(
            db.session, current_user, filing, routing=routing,
            submission_key=f"web:{current_user.id}:{key}", uploads_dir=_uploads())
        db.session.commit()
    except (workflow.CaseError, EvidenceError) as err:
        db.session.rollback()
        message = (evidence_error_message(err) if isinstance(err, EvidenceError)
                   else case_error_message(err.code))
        flash(message, "error")
        attached = pending.load(_uploads(), current_user.id, key)
        view = routing_view(routing, form.text.data or "", g.lang, form.chosen_agency.data)
        return render_template(
            "cases/new.html", form=form, routing=view, attached=attached, file_problems=[],
            personal_kinds=[], max_files=EVIDENCE_MAX_FILES, standard=_standard(form),
            max_mb=EVIDENCE_MAX_BYTES // (1024 * 1024), text_max=TEXT_MAX_CHARS), 422
    pending.discard(_uploads(), current_user.id, key)
    if created:
        _send_receipt(case)
    return redirect(url_for("cases.receipt", case_id=case.id))


def _send_receipt(case: Case) -> None:
    link = url_for("cases.detail", case_id=case.id, _external=True)
    queue_mail(case.consumer.email, _("Your complaint %(number)s was received", number=case.number),
               _("Hello %(name)s,\n\nWe received your complaint %(number)s.\n%(where)s\n\n"
                 "Follow it here (log in first):\n%(link)s", name=case.consumer.display_name,
                 number=case.number, link=link,
                 where=_("It is in the queue of %(body)s.", body=case.agency_id)
                 if case.agency_id else _("A supervisor will assign it to the right body.")))


@bp.route("/preview", methods=["POST"])
@roles_required(Role.CONSUMER)
@limiter.limit("120/minute")
def preview():  # type: ignore[no-untyped-def]
    """The routing panel for what is typed so far (the form fetches it as the consumer types)."""
    form = FilingForm()
    text = (form.text.data or "")[:TEXT_MAX_CHARS]
    facts = {k: v for k, v in {"amount_krw": _int(request.form.get("amount_krw")),
                               "channel": form.channel.data, "region": form.region.data,
                               "business": form.business_name.data}.items() if v}
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        abort(400)
    routing = route_text(text, facts) if len(text.strip()) >= 2 else None
    view = routing_view(routing, text, g.lang, form.chosen_agency.data) if routing else None
    personal = find_personal_data(text)
    return render_template("cases/_routing.html", routing=view, form=form,
                           personal_kinds=sorted({p.kind for p in personal}),
                           standard=_standard(form) if text.strip() else None)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _case_for(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not case.can_view(current_user):
        abort(404)  # not 403: a case number alone must not confirm that a case exists
    if current_user.is_staff:
        record(db.session, actor_id=current_user.id, action="case.read", target_type="case",
               target_id=case.id, endpoint=request.endpoint)
        db.session.commit()
    return case


@bp.route("/")
@roles_required(Role.CONSUMER)
def mine():  # type: ignore[no-untyped-def]
    cases = db.session.scalars(select(Case).where(Case.consumer_id == current_user.id)
                               .order_by(Case.created_at.desc())).all()
    return render_template("cases/mine.html", cases=cases)


@bp.route("/<int:case_id>/receipt")
@login_required
def receipt(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    return render_template("cases/receipt.html", case=case, labels=_labels())


@bp.route("/<int:case_id>")
@login_required
def detail(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    events = [e for e in case.events if e.visible_to_consumer or current_user.is_staff]
    return render_template("cases/detail.html", case=case, events=events, labels=_labels(),
                           message_form=MessageForm(), evidence_form=EvidenceForm(),
                           withdraw_form=WithdrawForm(), reopen_form=ReopenForm(),
                           feedback_form=FeedbackForm(), max_files=EVIDENCE_MAX_FILES)


@bp.route("/<int:case_id>/messages", methods=["POST"])
@roles_required(Role.CONSUMER)
@limiter.limit("60/hour")
def message(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    form = MessageForm()
    if form.validate_on_submit():
        body, _found = mask_personal_data(form.body.data or "")
        try:
            desk.consumer_answers(db.session, case, current_user, body)
            db.session.commit()
        except workflow.CaseError as err:
            db.session.rollback()
            flash(case_error_message(err.code), "error")
        else:
            flash(_("Your message was sent to the officer."), "success")
    else:
        flash(_("Write a message."), "error")
    return redirect(url_for("cases.detail", case_id=case.id) + "#messages")


@bp.route("/<int:case_id>/evidence", methods=["POST"])
@roles_required(Role.CONSUMER)
@limiter.limit("30/hour")
def add_evidence(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        abort(400)
    checked, problems = _check_uploads(request.files.getlist(form.files.name))
    for problem in problems:
        flash(problem, "error")
    stored: list[str] = []
    try:
        for item in checked:
            stored.append(workflow.attach_evidence(db.session, case, current_user, item,
                                                   _uploads()).stored_name)
        db.session.commit()
    except (workflow.CaseError, EvidenceError) as err:
        db.session.rollback()
        from relief.cases.evidence import remove

        remove(_uploads(), stored)
        flash(evidence_error_message(err) if isinstance(err, EvidenceError)
              else case_error_message(err.code), "error")
    else:
        if checked:
            flash(_("%(n)d file(s) added.", n=len(checked)), "success")
    return redirect(url_for("cases.detail", case_id=case.id) + "#evidence")


@bp.route("/<int:case_id>/evidence/<int:evidence_id>")
@login_required
def evidence_file(case_id: int, evidence_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.case_id != case.id:
        abort(404)
    return send_file(_uploads() / item.stored_name, mimetype=item.content_type,
                     as_attachment=True, download_name=item.original_name)


@bp.route("/<int:case_id>/withdraw", methods=["POST"])
@roles_required(Role.CONSUMER)
def withdraw(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            workflow.withdraw(db.session, case, current_user, form.reason.data or None)
            db.session.commit()
        except workflow.CaseError as err:
            db.session.rollback()
            flash(case_error_message(err.code), "error")
        else:
            flash(_("Your complaint is withdrawn."), "info")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/<int:case_id>/reopen", methods=["POST"])
@roles_required(Role.CONSUMER)
def reopen(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            desk.reopen(db.session, case, current_user, form.reason.data or "")
            db.session.commit()
        except workflow.CaseError as err:
            db.session.rollback()
            flash(case_error_message(err.code), "error")
        else:
            flash(_("Your complaint is reopened; the body will look at it again."), "success")
    else:
        flash(_("Say why you want the case reopened."), "error")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/<int:case_id>/feedback", methods=["POST"])
@roles_required(Role.CONSUMER)
def feedback(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_for(case_id)
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            desk.give_feedback(db.session, case, current_user, int(form.rating.data),
                               form.comment.data or "")
            db.session.commit()
        except workflow.CaseError as err:
            db.session.rollback()
            flash(case_error_message(err.code), "error")
        else:
            flash(_("Thank you for your feedback."), "success")
    return redirect(url_for("cases.detail", case_id=case.id))


def _labels() -> dict[str, dict[str, Any]]:
    return {"channel": CHANNEL_LABELS, "wish": WISH_LABELS, "payment": PAYMENT_LABELS,
            "region": REGION_LABELS}
