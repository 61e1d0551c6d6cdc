"""``flask --app wsgi cases sweep`` and ``flask --app wsgi router retrain``."""

from __future__ import annotations

import click
from flask import Flask

from relief.core.db import db


def install(app: Flask) -> None:
    @app.cli.group("cases")
    def group() -> None:
        """Cases."""

    @group.command("sweep")
    def sweep() -> None:
        """Flag overdue cases and remind officers of due-soon ones (idempotent)."""
        from relief.cases.sweep import send_reminders, sweep_deadlines

        with db.transaction() as session:
            result = sweep_deadlines(session)
        mailed = send_reminders(db.session, result)
        click.echo(f"{len(result.reminded)} due soon, {len(result.overdue)} newly overdue, "
                   f"{mailed} officers reminded")

    @app.cli.group("router")
    def router_group() -> None:
        """The router's model."""

    @router_group.command("retrain")
    @click.option("--activate", is_flag=True,
                  help="Replace the active model (default: train and compare only).")
    def retrain_command(activate: bool) -> None:
        """Retrain with officers' confirmed and corrected routings; print metrics."""
        import tempfile
        from pathlib import Path

        from relief.cases.retrain import retrain

        with tempfile.TemporaryDirectory() as tmp:
            report = retrain(db.session, Path(tmp), activate=activate)
        click.echo(f"feedback examples: {report.feedback}")
        for name in report.before:
            click.echo(f"{name}: before {report.before[name]}")
            click.echo(f"{name}: after  {report.after[name]}")
        click.echo("new model activated" if report.activated else
                   "not activated (add --activate to replace the active model)")
