"""``flask --app wsgi stats detect-mass-damage``."""

from __future__ import annotations

import click
from flask import Flask, current_app


def install(app: Flask) -> None:
    @app.cli.group("stats")
    def group() -> None:
        """Statistics and mass damage."""

    @group.command("detect-mass-damage")
    @click.option("--threshold", type=click.IntRange(1), default=None,
                  help="Cases that raise an alert (default 50, or RELIEF_MASS_DAMAGE_THRESHOLD).")
    @click.option("--window-days", type=click.IntRange(1, 365), default=None,
                  help="How far back 'recent' reaches (default 30 days).")
    def detect_mass_damage(threshold: int | None, window_days: int | None) -> None:
        """Flag businesses whose complaints rise together; alert supervisors past the threshold."""
        from relief.stats.mass_damage import MassDamagePolicy, run_once

        policy = MassDamagePolicy.for_app(current_app, threshold=threshold,
                                          window_days=window_days)
        result = run_once(current_app._get_current_object(), policy)  # type: ignore[attr-defined]
        rising = [s for s in result.signals if s.rising]
        for s in rising:
            click.echo(f"rising: {s.key} ({', '.join(s.keys)}): {s.recent} cases in "
                       f"{policy.window_days} days, baseline {s.baseline:.1f}"
                       + (" -> alert" if s.alerting else ""))
        click.echo(f"{len(rising)} rising, {len(result.raised)} new alert(s), "
                   f"{len(result.updated)} updated (threshold {policy.threshold})")
