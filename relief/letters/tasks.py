"""The letter job on Celery (``relief.render_letter``), inline in the embedded default.

Acks are late and a job whose worker process dies is given back to the queue, so a
worker killed mid-render runs the job again: ``render_letter`` is idempotent (a letter
that is no longer pending is skipped, and a rerun writes the same file name). When the
whole worker is killed, Redis keeps the job's message unacknowledged for an hour: beat's
``relief.recover_letters`` hands letters pending too long to the queue again, and tells
consumers whose notice was lost between the commit and the mail. The consumer is told
after the commit, never before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app, has_app_context, has_request_context

from relief.tasks import celery_app, enqueue, flask_app

if TYPE_CHECKING:
    from relief.cases.models import CaseEvent


@celery_app.task(name="relief.render_letter")
def render_letter_task(letter_id: int) -> str:
    if has_app_context():  # inline mode: inside the request (or CLI) that queued it
        return _run(letter_id)
    app = flask_app()
    with app.app_context():
        return _run(letter_id)


def _run(letter_id: int) -> str:
    from relief.core.db import db
    from relief.letters.workflow import render_letter

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    outcome = render_letter(db.session, letter_id, app.config["RELIEF"])
    if outcome.event is not None:
        _tell_consumer(app, letter_id, outcome.event)
    return outcome.status


def _tell_consumer(app: Flask, letter_id: int, event: CaseEvent) -> None:
    """Queue the consumer's notice, then record it. A crash in between leaves the notice
    owed and the recovery sends it again: twice is better than never."""
    from relief.cases.models import Case
    from relief.cases.notify import notify_consumer
    from relief.core.db import db
    from relief.letters.workflow import mark_notified

    case = db.session.get(Case, event.case_id)
    if case is not None:
        if has_request_context():
            notify_consumer(case, event)
        else:  # a worker: links in the mail point at the public address
            with app.test_request_context(base_url=app.config["RELIEF"].public_base_url):
                notify_consumer(case, event)
    mark_notified(db.session, letter_id)
    db.session.commit()


def queue_render(letter_id: int) -> None:
    """Hand the letter to the job: now (embedded) or to the workers (production)."""
    enqueue(render_letter_task, letter_id)


@celery_app.task(name="relief.recover_letters")
def recover_letters_task() -> dict[str, int]:
    """Beat's safety net for letters whose job or notice was lost; idempotent."""
    if has_app_context():
        return _recover()
    with flask_app().app_context():
        return _recover()


def _recover() -> dict[str, int]:
    from relief.core.db import db
    from relief.letters.models import Letter
    from relief.letters.workflow import (
        announcement_of,
        mark_notified,
        stale_pending_letter_ids,
        unannounced_letter_ids,
    )

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stale = stale_pending_letter_ids(db.session)
    owed = unannounced_letter_ids(db.session)
    db.session.rollback()
    for letter_id in stale:
        queue_render(letter_id)
    for letter_id in owed:
        letter = db.session.get(Letter, letter_id)
        event = announcement_of(db.session, letter) if letter is not None else None
        if event is None:
            mark_notified(db.session, letter_id)
            db.session.commit()
        else:
            _tell_consumer(app, letter_id, event)
    return {"requeued": len(stale), "announced": len(owed)}
