"""Admin pages: staff accounts."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from relief.accounts import workflow
from relief.accounts.forms import ERROR_MESSAGES, StaffForm
from relief.accounts.models import Role, User
from relief.core.access import roles_required
from relief.core.db import db
from relief.registry.models import Agency

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _agency_choices(lang: str) -> list[SelectChoice]:
    rows = db.session.scalars(
        select(Agency).where(Agency.kind != "referral").order_by(Agency.id)
    ).all()
    return [SelectChoice("", "—")] + [SelectChoice(a.id, f"{a.name(lang)} ({a.id})")
                                      for a in rows]


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users():  # type: ignore[no-untyped-def]
    from flask import g

    form = StaffForm()
    form.agency_id.choices = _agency_choices(g.lang)
    if form.validate_on_submit():
        try:
            user = workflow.create_staff(
                db.session,
                actor=current_user,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                role=Role(form.role.data),
                password=form.password.data or "",
                agency_id=form.agency_id.data or None,
            )
        except workflow.AccountError as err:
            db.session.rollback()
            field = getattr(form, err.field or "", None)
            if field is not None:
                field.errors = [*field.errors, str(ERROR_MESSAGES[err.code])]
        else:
            db.session.commit()
            flash(_("Account %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    staff = db.session.scalars(
        select(User).where(User.role != Role.CONSUMER.value).order_by(User.role, User.email)
    ).all()
    return render_template("admin/users.html", form=form, staff=staff), (
        422 if form.errors else 200)
