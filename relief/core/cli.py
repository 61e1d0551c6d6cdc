"""``flask --app wsgi db upgrade`` and ``flask --app wsgi demo load``."""

from __future__ import annotations

import click
from flask import Flask, current_app

from relief.core import migrate


def install(app: Flask) -> None:
    @app.cli.group("db")
    def db_group() -> None:
        """Database schema."""

    @db_group.command("upgrade")
    @click.argument("revision", default="head")
    def db_upgrade(revision: str) -> None:
        """Apply migrations up to REVISION (default: head)."""
        migrate.upgrade(current_app.config["RELIEF"].database_url, revision)
        click.echo(f"database at {revision}")

    @db_group.command("downgrade")
    @click.argument("revision")
    def db_downgrade(revision: str) -> None:
        """Revert migrations down to REVISION."""
        migrate.downgrade(current_app.config["RELIEF"].database_url, revision)
        click.echo(f"database at {revision}")

    @app.cli.group("demo")
    def demo_group() -> None:
        """Demo data for the embedded default."""

    @demo_group.command("generate")
    @click.option("--cases", "count", type=click.IntRange(1, 10_000_000), required=True)
    @click.option("--seed", type=int, default=7)
    def demo_generate(count: int, seed: int) -> None:
        """Add COUNT realistic synthetic cases (fast: COPY on PostgreSQL)."""
        import time

        from relief.demo_cases import generate_cases

        cfg = current_app.config["RELIEF"]
        if cfg.is_production:
            raise click.ClickException("synthetic cases never go into production")
        started = time.perf_counter()
        done = generate_cases(current_app.extensions["relief.engine"], count, seed=seed,
                              progress=lambda n: click.echo(f"  {n:,} cases", err=True))
        click.echo(f"generated {done:,} cases in {time.perf_counter() - started:.1f} s")

    @demo_group.command("load")
    def demo_load() -> None:
        """Create the demo accounts (idempotent) and print their passwords."""
        from relief.demo import load_demo, print_demo_accounts

        cfg = current_app.config["RELIEF"]
        if cfg.is_production:
            raise click.ClickException("demo data is for the embedded default, not production")
        load_demo(cfg)
        print_demo_accounts(cfg, click.echo)
