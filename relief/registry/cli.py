"""``flask --app wsgi agencies check|sync|export``."""

from __future__ import annotations

import json

import click
from flask import Flask

from agencies import validate
from relief.core.db import db
from relief.registry.sync import sync_registry
from relief.registry.workflow import export_bodies


def install(app: Flask) -> None:
    @app.cli.group("agencies")
    def group() -> None:
        """The registry of relief bodies."""

    @group.command("check")
    def check() -> None:
        """Validate the data files (same as python -m agencies check)."""
        problems = [str(p) for p in validate()]
        click.echo(json.dumps({"problems": problems}, ensure_ascii=False))
        if problems:
            raise SystemExit(1)

    @group.command("sync")
    @click.option("--commit", is_flag=True, help="Write the changes (default: dry run).")
    def sync(commit: bool) -> None:
        """Mirror agencies/ into the database; idempotent, dry run unless --commit."""
        with db.transaction() as session:
            plan = sync_registry(session, commit=commit)
        verb = "synced" if commit else "would sync (dry run; add --commit)"
        click.echo(f"{verb}: {len(plan.added)} added, {len(plan.changed)} changed, "
                   f"{len(plan.unchanged)} unchanged")
        for label, ids in (("added", plan.added), ("changed", plan.changed),
                           ("only in database (kept)", plan.only_in_database)):
            if ids:
                click.echo(f"  {label}: {', '.join(ids)}")

    @group.command("export")
    def export() -> None:
        """Write admin edits from the database back to agencies/bodies/*.json."""
        with db.transaction() as session:
            paths = export_bodies(session)
        click.echo(f"exported {len(paths)} bodies" + "".join(f"\n  {p}" for p in paths))
