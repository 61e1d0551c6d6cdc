"""``flask letters fonts | check | render-pending``."""

from __future__ import annotations

import click
from flask import Flask

from relief.core.db import db


def install(app: Flask) -> None:
    @app.cli.group("letters")
    def group() -> None:
        """Resolution letters."""

    @group.command("fonts")
    @click.option("--force", is_flag=True, help="Rebuild even if the fonts exist.")
    def fonts(force: bool) -> None:
        """Build the letter font from Pretendard GOV (or NanumGothic); setup runs this."""
        from relief.letters.fonts import FACES, build_fonts

        written = build_fonts(force=force)
        for face in FACES:
            click.echo(f"{face.path} {'built' if face.path in written else 'present'}")

    @group.command("check")
    def check() -> None:
        """Fail unless the letter font has an outline for every Hangul syllable."""
        from relief.letters.fonts import FACES, font_paths, missing_syllables

        font_paths()
        problems = {face.path.name: missing_syllables(face.path) for face in FACES}
        for name, missing in problems.items():
            click.echo(f"{name}: {11172 - len(missing)} of 11172 syllables"
                       + (f", missing {''.join(missing[:20])}" if missing else ""))
        if any(problems.values()):
            raise SystemExit(1)

    @group.command("render-pending")
    def render_pending() -> None:
        """Render every pending letter now (after a worker outage); idempotent."""
        from relief.letters.tasks import render_letter_task
        from relief.letters.workflow import pending_letter_ids

        ids = pending_letter_ids(db.session)
        db.session.rollback()
        for letter_id in ids:
            click.echo(f"letter {letter_id}: {render_letter_task(letter_id)}")
        click.echo(f"{len(ids)} pending letter(s) handled")
