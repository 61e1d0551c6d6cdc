"""Admin pages for the registry: edit a body with a reason, see its history, download it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from agencies.loader import dump_body
from relief.accounts.models import Role
from relief.core.access import roles_required
from relief.core.db import db
from relief.registry import workflow
from relief.registry.models import Agency, AgencyChange

bp = Blueprint("admin_registry", __name__, url_prefix="/admin/bodies")

PROSE_MAX = 4000
LEXICON_MAX = 20000


class BodyForm(FlaskForm):
    name_ko = StringField(_l("Name (Korean)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    hotline = StringField(_l("Hotline"), validators=[Optional(), Length(max=40)])
    website = StringField(_l("Website (https://...)"), validators=[Optional(), Length(max=300)])
    handles_ko = TextAreaField(_l("What it handles (Korean)"),
                               validators=[DataRequired(), Length(max=PROSE_MAX)])
    handles_en = TextAreaField(_l("What it handles (English)"),
                               validators=[DataRequired(), Length(max=PROSE_MAX)])
    does_not_handle_ko = TextAreaField(_l("What it does not handle (Korean)"),
                                       validators=[DataRequired(), Length(max=PROSE_MAX)])
    does_not_handle_en = TextAreaField(_l("What it does not handle (English)"),
                                       validators=[DataRequired(), Length(max=PROSE_MAX)])
    deadline_days = IntegerField(_l("Statutory deadline in days (empty: not established)"),
                                 validators=[Optional(), NumberRange(min=1, max=3650)])
    day_type = SelectField(_l("Counted in"), choices=[
        SelectChoice("", _l("Not established")), SelectChoice("calendar", _l("Calendar days")),
        SelectChoice("business", _l("Business days"))])
    verified = SelectField(_l("Checked against an official source"), choices=[
        SelectChoice("yes", _l("Yes")), SelectChoice("partly", _l("Partly")),
        SelectChoice("no", _l("No"))])
    terms_ko = TextAreaField(_l("Routing terms (Korean, one per line)"),
                             validators=[Length(max=LEXICON_MAX)])
    terms_en = TextAreaField(_l("Routing terms (English, one per line)"),
                             validators=[Length(max=LEXICON_MAX)])
    reason = StringField(_l("Why this change (kept in the history)"),
                         validators=[DataRequired(_l("Say why you change this body.")),
                                     Length(min=5, max=500)])


def _fill(form: BodyForm, data: dict) -> None:  # type: ignore[type-arg]
    form.name_ko.data = data["name"]["ko"]
    form.name_en.data = data["name"]["en"]
    form.hotline.data = data.get("hotline") or ""
    form.website.data = data.get("website") or ""
    form.handles_ko.data = data["handles"]["ko"]
    form.handles_en.data = data["handles"]["en"]
    form.does_not_handle_ko.data = data["does_not_handle"]["ko"]
    form.does_not_handle_en.data = data["does_not_handle"]["en"]
    form.deadline_days.data = data["deadline"].get("days")
    form.day_type.data = data["deadline"].get("day_type") or ""
    form.verified.data = data["verified"]
    form.terms_ko.data = workflow.lines(data["routing"]["terms"]["ko"])
    form.terms_en.data = workflow.lines(data["routing"]["terms"]["en"])


def _changes(form: BodyForm, data: dict) -> dict:  # type: ignore[type-arg]
    days = form.deadline_days.data
    deadline = {**data["deadline"], "days": days,
                "day_type": (form.day_type.data or None) if days else None}
    routing = {**data["routing"], "terms": {"ko": workflow.parse_lines(form.terms_ko.data or ""),
                                            "en": workflow.parse_lines(form.terms_en.data or "")}}
    return {
        "name": {"ko": form.name_ko.data.strip(), "en": form.name_en.data.strip()},
        "hotline": (form.hotline.data or "").strip() or None,
        "website": (form.website.data or "").strip() or None,
        "handles": {"ko": form.handles_ko.data.strip(), "en": form.handles_en.data.strip()},
        "does_not_handle": {"ko": form.does_not_handle_ko.data.strip(),
                            "en": form.does_not_handle_en.data.strip()},
        "deadline": deadline,
        "verified": form.verified.data,
        "routing": routing,
    }


@bp.route("/")
@roles_required(Role.ADMIN)
def index():  # type: ignore[no-untyped-def]
    agencies = db.session.scalars(select(Agency).order_by(Agency.field, Agency.id)).all()
    pending = {a.id for a in workflow.bodies_differing_from_files(db.session)}
    return render_template("admin/bodies.html", agencies=agencies, pending=pending)


@bp.route("/<agency_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(agency_id: str):  # type: ignore[no-untyped-def]
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = BodyForm()
    problems: list[str] = []
    if not form.is_submitted():
        _fill(form, agency.data)
    elif form.validate():
        try:
            workflow.edit_body(db.session, agency, _changes(form, agency.data),
                               actor=current_user, reason=form.reason.data or "")
        except workflow.RegistryEditError as err:
            db.session.rollback()
            agency = db.session.get(Agency, agency_id)
            problems = [_problem_text(p) for p in err.problems]
        else:
            db.session.commit()
            flash(_("Saved. Run `flask agencies export` to write it back to the data files."),
                  "success")
            return redirect(url_for("admin_registry.edit", agency_id=agency_id))
    history = db.session.scalars(select(AgencyChange).where(
        AgencyChange.agency_id == agency_id).order_by(AgencyChange.at.desc())).all()
    status = 422 if (form.errors or problems) else 200
    return render_template("admin/body_edit.html", agency=agency, form=form, problems=problems,
                           history=history, lang=g.lang), status


@bp.route("/<agency_id>.json")
@roles_required(Role.ADMIN)
def download(agency_id: str):  # type: ignore[no-untyped-def]
    agency = db.session.get(Agency, agency_id) or abort(404)
    return Response(dump_body(agency.data), mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename={agency.id}.json"})


def _problem_text(code: str) -> str:
    if code == "no_change":
        return _("Nothing was changed.")
    if code == "reason_required":
        return _("Say why you change this body.")
    return code  # the validator's own words (English, for admins)
