"""``flask --app wsgi users create ...``: staff accounts from the command line."""

from __future__ import annotations

import click
from flask import Flask

from relief.accounts import workflow
from relief.accounts.models import Role
from relief.core.db import db


def install(app: Flask) -> None:
    @app.cli.group("users")
    def users_group() -> None:
        """User accounts."""

    @users_group.command("create")
    @click.option("--email", required=True)
    @click.option("--name", "display_name", required=True)
    @click.option("--role", type=click.Choice(["officer", "supervisor", "admin"]), required=True)
    @click.option("--agency", "agency_id", default=None, help="Body id (officers only)")
    @click.password_option("--password", help="Prompted for when not given")
    def create(email: str, display_name: str, role: str, agency_id: str | None,
               password: str) -> None:
        """Create a staff account: an officer of one body, a supervisor or an admin."""
        try:
            with db.transaction() as session:
                user = workflow.create_staff(
                    session, actor=None, email=email, display_name=display_name,
                    role=Role(role), password=password, agency_id=agency_id)
        except workflow.AccountError as err:
            raise click.ClickException(_CLI_MESSAGES.get(err.code, err.code)) from err
        click.echo(f"created {user.role} {user.email}" + (
            f" of {user.agency_id}" if user.agency_id else ""))


_CLI_MESSAGES = {
    "email_invalid": "that is not a valid e-mail address",
    "email_taken": "an account with this e-mail already exists",
    "agency_required": "an officer needs --agency with a body id",
    "agency_unknown": "no body with that id (run: flask --app wsgi agencies sync --commit)",
    "agency_not_allowed": "only officers take --agency, and never a referral-only body",
    "password_too_short": "the password is too short (at least 10 characters)",
    "password_too_common": "the password is too easy to guess",
    "password_one_kind": "mix letters with numbers or symbols in the password",
    "password_contains_email": "do not put the e-mail in the password",
}
