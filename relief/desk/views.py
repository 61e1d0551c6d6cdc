"""The case desk: an officer's queue and case page, a supervisor's triage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from agencies import load_registry
from relief.accounts.models import Role, User
from relief.audit.models import record
from relief.cases import deadlines, desk
from relief.cases.forms import CHANNEL_LABELS, PAYMENT_LABELS, REGION_LABELS, WISH_LABELS
from relief.cases.messages import case_error_message
from relief.cases.models import OUTCOMES, Case, CaseEvent
from relief.cases.notify import notify_consumer
from relief.cases.presenting import routing_view
from relief.cases.workflow import CaseError
from relief.core.access import roles_required
from relief.core.db import db, utcnow
from relief.desk.queries import QueueFilter, officers_of, queue_page, triage_page

bp = Blueprint("desk", __name__, url_prefix="/desk")
STAFF = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)


class ActionForm(FlaskForm):
    """CSRF only; each action reads its own fields from the request."""


def _filter() -> QueueFilter:
    a = request.args
    page = a.get("page", "1")
    return QueueFilter(agency_id=a.get("agency") or None, state=a.get("state", "open"),
                       deadline=a.get("deadline", ""), assignee=a.get("assignee", ""),
                       q=a.get("q", "")[:100], sort=a.get("sort", "due"),
                       page=int(page) if page.isdigit() else 1)


@bp.route("/")
@roles_required(*STAFF)
def queue():  # type: ignore[no-untyped-def]
    f = _filter()
    cases, more = queue_page(db.session, f, current_user)
    agency = current_user.agency_id if current_user.role == "officer" else f.agency_id
    return render_template("desk/queue.html", cases=cases, more=more, f=f,
                           officers=officers_of(db.session, agency), now=utcnow(),
                           status=deadlines.deadline_status, bodies=load_registry().case_bodies,
                           form=ActionForm())


@bp.route("/bulk-assign", methods=["POST"])
@roles_required(*STAFF)
def bulk_assign():  # type: ignore[no-untyped-def]
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    assignee = db.session.get(User, int(request.form.get("assignee") or 0) or -1)
    ids = [int(i) for i in request.form.getlist("case_id") if i.isdigit()][:200]
    done = 0
    try:
        for case in db.session.scalars(select(Case).where(Case.id.in_(ids))):
            desk.assign(db.session, case, current_user, assignee)
            done += 1
        db.session.commit()
    except CaseError as err:
        db.session.rollback()
        flash(case_error_message(err.code), "error")
    else:
        flash(_("%(n)d case(s) assigned.", n=done), "success")
    return redirect(request.referrer or url_for("desk.queue"))


@bp.route("/triage")
@roles_required(Role.SUPERVISOR, Role.ADMIN)
def triage():  # type: ignore[no-untyped-def]
    page = request.args.get("page", "1")
    cases, more = triage_page(db.session, int(page) if page.isdigit() else 1)
    return render_template("desk/triage.html", cases=cases, more=more,
                           bodies=load_registry().case_bodies, form=ActionForm(),
                           views={c.id: routing_view(c.routing, c.text, g.lang) for c in cases})


def _load(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not case.can_view(current_user):
        abort(404)
    return case


@bp.route("/cases/<int:case_id>")
@roles_required(*STAFF)
def case_page(case_id: int):  # type: ignore[no-untyped-def]
    case = _load(case_id)
    record(db.session, actor_id=current_user.id, action="case.read", target_type="case",
           target_id=case.id, endpoint="desk.case_page")
    db.session.commit()
    return _render_case(case)


def _render_case(case: Case, *, changed: list[CaseEvent] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    registry = load_registry()
    last_event = case.events[-1].id if case.events else 0
    return render_template(
        "desk/case.html", case=case, routing=routing_view(case.routing, case.text, g.lang),
        ranking=[(registry.get(r["agency"]), r["score"]) for r in
                 (case.routing.get("ranking") or [])[:5] if r["agency"] in registry],
        bodies=registry.case_bodies, all_bodies=registry.bodies,
        officers=officers_of(db.session, case.agency_id), outcomes=OUTCOMES,
        labels={"channel": CHANNEL_LABELS, "wish": WISH_LABELS, "payment": PAYMENT_LABELS,
                "region": REGION_LABELS},
        deadline=deadlines.deadline_status(case.due_at, utcnow(),
                                           paused=case.paused_since is not None),
        form=ActionForm(), last_event=last_event, changed=changed or []), status


def _int(name: str) -> int | None:
    value = (request.form.get(name) or "").replace(",", "").strip()
    return int(value) if value.isdigit() else None


def _text(name: str) -> str:
    return (request.form.get(name) or "").strip()[:5000]


ACTIONS: dict[str, Callable[[Case], Any]] = {
    "accept": lambda c: desk.accept(db.session, c, current_user),
    "claim": lambda c: desk.assign(db.session, c, current_user, current_user),
    "assign": lambda c: desk.assign(db.session, c, current_user,
                                    db.session.get(User, _int("assignee") or -1)),
    "ask": lambda c: desk.ask_consumer(db.session, c, current_user, _text("text")),
    "resume": lambda c: desk.resume(db.session, c, current_user),
    "note": lambda c: desk.write(db.session, c, current_user, _text("text"), internal=True),
    "message": lambda c: desk.write(db.session, c, current_user, _text("text"), internal=False),
    "business_reply": lambda c: desk.record_business_reply(db.session, c, current_user,
                                                           _text("text")),
    "mediation": lambda c: desk.start_mediation(db.session, c, current_user, _text("text")),
    "outcome": lambda c: desk.record_outcome(db.session, c, current_user,
                                             request.form.get("outcome", ""),
                                             _int("amount_krw"), _text("text")),
    "reject": lambda c: desk.reject(db.session, c, current_user, _text("text"),
                                    request.form.get("pointer") or None),
    "transfer": lambda c: desk.transfer(db.session, c, current_user,
                                        request.form.get("agency", ""), _text("text")),
    "extend": lambda c: desk.extend_deadline(db.session, c, current_user, _int("days") or 0,
                                             _text("text")),
    "triage_assign": lambda c: desk.assign_from_triage(db.session, c, current_user,
                                                       request.form.get("agency", "")),
}
NEEDS_TEXT = {"ask", "note", "message", "business_reply", "reject", "transfer", "extend"}


@bp.route("/cases/<int:case_id>/<action>", methods=["POST"])
@roles_required(*STAFF)
def act(case_id: int, action: str):  # type: ignore[no-untyped-def]
    if action not in ACTIONS:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    case = _load(case_id)
    seen_version = _int("version")
    seen_event = _int("last_event") or 0
    if seen_version is not None and seen_version != case.version:
        return _stale(case, seen_event)
    if action in NEEDS_TEXT and not _text("text"):
        flash(_("Write the text or reason for this action."), "error")
        return _render_case(case, status=422)
    before = case.events[-1].id if case.events else 0
    try:
        ACTIONS[action](case)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _stale(db.session.get(Case, case_id), seen_event)
    except CaseError as err:
        db.session.rollback()
        flash(case_error_message(err.code), "error")
        return _render_case(db.session.get(Case, case_id), status=422)
    _notify_since(case, before)
    flash(_("Done."), "success")
    if action == "triage_assign":
        return redirect(url_for("desk.triage"))
    if not case.can_view(current_user):  # transferred away from this officer's body
        return redirect(url_for("desk.queue"))
    return redirect(url_for("desk.case_page", case_id=case.id))


def _notify_since(case: Case, seen_event: int) -> None:
    # Query rather than case.events: events added in this request are not in that list.
    for event in db.session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.id > seen_event).order_by(CaseEvent.id)):
        notify_consumer(case, event)


def _stale(case: Case, seen_event: int):  # type: ignore[no-untyped-def]
    """Someone else changed the case: show what changed and do not overwrite it."""
    changed = list(db.session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.id > seen_event).order_by(CaseEvent.id)))
    flash(case_error_message("stale"), "warning")
    return _render_case(case, changed=changed, status=409)
