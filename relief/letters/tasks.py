"""The letter job on Celery (``relief.render_letter``), inline in the embedded default.

Acks are late, so a worker killed mid-render runs the job again: ``render_letter`` is
idempotent (a letter that is no longer pending is skipped, and a rerun writes the same
file name). The consumer is told after the commit, never before.
"""

from __future__ import annotations

from flask import current_app, has_app_context, has_request_context

from relief.tasks import celery_app, enqueue, flask_app


@celery_app.task(name="relief.render_letter")
def render_letter_task(letter_id: int) -> str:
    if has_app_context():  # inline mode: inside the request (or CLI) that queued it
        return _run(letter_id)
    app = flask_app()
    with app.app_context():
        return _run(letter_id)


def _run(letter_id: int) -> str:
    from relief.cases.models import Case
    from relief.cases.notify import notify_consumer
    from relief.core.db import db
    from relief.letters.workflow import render_letter

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cfg = app.config["RELIEF"]
    outcome = render_letter(db.session, letter_id, cfg)
    if outcome.event is not None:
        case = db.session.get(Case, outcome.event.case_id)
        if case is not None:
            if has_request_context():
                notify_consumer(case, outcome.event)
            else:  # a worker: links in the mail point at the public address
                with app.test_request_context(base_url=cfg.public_base_url):
                    notify_consumer(case, outcome.event)
    return outcome.status


def queue_render(letter_id: int) -> None:
    """Hand the letter to the job: now (embedded) or to the workers (production)."""
    enqueue(render_letter_task, letter_id)
