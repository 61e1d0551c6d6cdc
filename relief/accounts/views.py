"""Sign-up, confirmation, login, logout and password reset pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from relief.accounts import workflow
from relief.accounts.forms import (
    ERROR_MESSAGES,
    LOGIN_FAILED,
    EmailOnlyForm,
    LoginForm,
    PostOnlyForm,
    ResetPasswordForm,
    SignUpForm,
)
from relief.accounts.models import User
from relief.core.access import login_required, public
from relief.core.db import db
from relief.core.extensions import limiter, login_manager, submitted_email
from relief.core.mail import queue_mail
from relief.core.security import TokenError
from relief.core.urls import safe_next

bp = Blueprint("accounts", __name__, url_prefix="/account")


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return workflow.load_user(db.session, user_id)


def _show_error(form: object, err: workflow.AccountError) -> None:
    message = ERROR_MESSAGES.get(err.code, ERROR_MESSAGES["token_invalid"])
    field = getattr(form, err.field, None) if err.field else None
    if field is not None:
        field.errors = [*field.errors, str(message)]
    else:
        flash(str(message), "error")


def _send_confirmation(user: User) -> None:
    link = url_for("accounts.confirm", token=workflow.confirmation_token(user), _external=True)
    queue_mail(
        user.email,
        _("Confirm your e-mail for relief"),
        _("Hello %(name)s,\n\nOpen this link to confirm your e-mail address and start "
          "using relief:\n%(link)s\n\nThe link works for 3 days. If you did not sign up, "
          "ignore this message.", name=user.display_name, link=link),
    )


@bp.route("/signup", methods=["GET", "POST"])
@public
@limiter.limit("20/hour", methods=["POST"])
def signup():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = workflow.sign_up(
                db.session,
                email=form.email.data or "",
                password=form.password.data or "",
                display_name=form.display_name.data or "",
                locale=session.get("lang", "ko"),
            )
        except workflow.AccountError as err:
            db.session.rollback()
            _show_error(form, err)
        else:
            db.session.commit()
            _send_confirmation(user)
            return render_template("accounts/check_mail.html", email=user.email)
    return render_template("accounts/signup.html", form=form), 422 if form.errors else 200


@bp.route("/confirm/<token>")
@public
def confirm(token: str):  # type: ignore[no-untyped-def]
    try:
        user = workflow.confirm_email(db.session, token)
    except TokenError as err:
        return render_template("accounts/link_problem.html",
                               message=ERROR_MESSAGES[f"token_{err.reason}"],
                               resend_form=EmailOnlyForm()), 400
    except workflow.AccountError:
        return render_template("accounts/link_problem.html",
                               message=ERROR_MESSAGES["token_invalid"],
                               resend_form=EmailOnlyForm()), 400
    db.session.commit()
    flash(_("Your e-mail is confirmed. You can log in now."), "success")
    return redirect(url_for("accounts.login", email=user.email))


@bp.route("/confirm/resend", methods=["POST"])
@public
@limiter.limit("5/hour", methods=["POST"])
def resend_confirmation():  # type: ignore[no-untyped-def]
    form = EmailOnlyForm()
    if form.validate_on_submit():
        try:
            user = workflow.find_user(db.session, workflow.normalise_email(form.email.data or ""))
        except workflow.AccountError:
            user = None
        if user is not None and user.email_confirmed_at is None:
            _send_confirmation(user)
    # Same answer whether or not the account exists.
    flash(_("If an unconfirmed account uses that e-mail, a new link is on its way."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("30/minute", methods=["POST"])
@limiter.limit("10/minute", methods=["POST"], key_func=submitted_email)
def login():  # type: ignore[no-untyped-def]
    next_url = safe_next(request.values.get("next"), url_for("home.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm(email=request.args.get("email", ""))
    if form.validate_on_submit():
        result = workflow.authenticate(db.session, form.email.data or "", form.password.data or "")
        db.session.commit()  # keep the failure count even when login fails
        if result.reason == "unconfirmed":
            flash(_("Confirm your e-mail first: we sent you a link. You can ask for a new "
                    "one below."), "warning")
            return render_template("accounts/login.html", form=form, next=next_url,
                                   resend_form=EmailOnlyForm(email=form.email.data)), 403
        if result.user is None:
            flash(str(LOGIN_FAILED), "error")
            return render_template("accounts/login.html", form=form, next=next_url), 401
        lang = session.get("lang")
        session.clear()  # a fresh session on login: no fixation
        if lang:
            session["lang"] = lang
        login_user(result.user)
        return redirect(next_url)
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form, next=next_url), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():  # type: ignore[no-untyped-def]
    form = PostOnlyForm()
    if form.validate_on_submit():
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("You have logged out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@public
@limiter.limit("5/hour", methods=["POST"], key_func=submitted_email)
@limiter.limit("30/hour", methods=["POST"])
def forgot():  # type: ignore[no-untyped-def]
    form = EmailOnlyForm()
    if form.validate_on_submit():
        try:
            user = workflow.find_user(db.session, workflow.normalise_email(form.email.data or ""))
        except workflow.AccountError:
            user = None
        if user is not None and user.active:
            link = url_for("accounts.reset", token=workflow.reset_token(user), _external=True)
            queue_mail(
                user.email,
                _("Reset your relief password"),
                _("Hello %(name)s,\n\nOpen this link within one hour to choose a new "
                  "password:\n%(link)s\n\nIf you did not ask for this, ignore this message; "
                  "your password stays as it is.", name=user.display_name, link=link),
            )
        return render_template("accounts/check_mail.html", email=form.email.data, reset=True)
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit("20/hour", methods=["POST"])
def reset(token: str):  # type: ignore[no-untyped-def]
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            workflow.reset_password(db.session, token, form.password.data or "")
        except TokenError as err:
            db.session.rollback()
            return render_template("accounts/link_problem.html",
                                   message=ERROR_MESSAGES[f"token_{err.reason}"],
                                   reset=True), 400
        except workflow.AccountError as err:
            db.session.rollback()
            if err.field is None:
                return render_template("accounts/link_problem.html",
                                       message=ERROR_MESSAGES[err.code], reset=True), 400
            _show_error(form, err)
        else:
            db.session.commit()
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, token=token), (
        422 if form.errors else 200)
