"""Account forms (Flask-WTF: CSRF on every one) and the words for each rule broken."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from relief.core.security import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

NAME_MAX = 100
EMAIL_MAX = 254

ERROR_MESSAGES = {
    "email_invalid": _l("Enter a valid e-mail address, like name@example.com."),
    "email_taken": _l("An account with this e-mail already exists. Log in, or reset the password."),
    "password_too_short": _l("Use at least %(n)s characters.", n=PASSWORD_MIN_LENGTH),
    "password_too_long": _l("Use at most %(n)s characters.", n=PASSWORD_MAX_LENGTH),
    "password_too_common": _l("This password is too easy to guess. Choose another."),
    "password_contains_email": _l("Do not put your e-mail address in the password."),
    "password_one_kind": _l("Mix letters with numbers or symbols."),
    "token_invalid": _l("This link is not valid. Ask for a new one."),
    "token_expired": _l("This link has expired. Ask for a new one."),
    "role_invalid": _l("Choose a staff role."),
    "agency_required": _l("An officer must belong to one body."),
    "agency_unknown": _l("There is no such body."),
    "agency_not_allowed": _l("Only officers belong to a body, and never to a referral-only one."),
}

LOGIN_FAILED = _l("The e-mail or password is not correct, or the account is paused after "
                  "too many attempts. Try again in a few minutes.")


class SignUpForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[
        DataRequired(_l("Enter your name.")), Length(max=NAME_MAX)])
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(_l("Enter your e-mail address.")), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter a password.")), Length(max=PASSWORD_MAX_LENGTH)])
    password_again = PasswordField(_l("Password again"), validators=[
        DataRequired(_l("Enter the password again.")),
        EqualTo("password", _l("The two passwords are not the same."))])


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(_l("Enter your e-mail address.")), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)])


class EmailOnlyForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(_l("Enter your e-mail address.")), Length(max=EMAIL_MAX)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a password.")), Length(max=PASSWORD_MAX_LENGTH)])
    password_again = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the password again.")),
        EqualTo("password", _l("The two passwords are not the same."))])


class PostOnlyForm(FlaskForm):
    """A button that changes state: CSRF-protected, nothing else."""


class StaffForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[
        DataRequired(_l("Enter a name.")), Length(max=NAME_MAX)])
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(_l("Enter an e-mail address.")), Length(max=EMAIL_MAX)])
    role = SelectField(_l("Role"), choices=[
        SelectChoice("officer", _l("Case officer")),
        SelectChoice("supervisor", _l("Supervisor")),
        SelectChoice("admin", _l("Admin"))])
    agency_id = SelectField(_l("Body (officers only)"), choices=[], validate_choice=False)
    password = PasswordField(_l("Initial password"), validators=[
        DataRequired(_l("Enter a password.")), Length(max=PASSWORD_MAX_LENGTH)])
