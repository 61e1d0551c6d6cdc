"""The periodic deadline sweep: due-soon reminders to officers, overdue flags.

Celery beat runs it in production; the embedded default runs it on a timer thread
and ``flask --app wsgi cases sweep`` runs it on demand. Idempotent: a case is
reminded once and flagged overdue once.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from relief.accounts.models import User
from relief.cases.deadlines import DUE_SOON_DAYS
from relief.cases.models import Case
from relief.cases.states import STATE_TYPE, StateType
from relief.core.db import utcnow
from relief.core.mail import queue_mail

log = logging.getLogger(__name__)
_CLOCK_RUNNING = [s.value for s, t in STATE_TYPE.items() if t is StateType.OPEN]


@dataclass
class SweepResult:
    reminded: list[int]
    overdue: list[int]


def sweep_deadlines(session: Session, now: datetime | None = None) -> SweepResult:
    """Flag and collect; does not commit and sends nothing (see ``send_reminders``)."""
    now = now or utcnow()
    running = (select(Case).where(Case.state.in_(_CLOCK_RUNNING), Case.due_at.is_not(None),
                                  Case.paused_since.is_(None)))
    overdue = list(session.scalars(running.where(Case.due_at < now,
                                                 Case.overdue_since.is_(None))))
    for case in overdue:
        case.overdue_since = now
    soon = list(session.scalars(running.where(
        Case.due_at >= now, Case.due_at < now + timedelta(days=DUE_SOON_DAYS),
        Case.reminded_at.is_(None))))
    for case in soon:
        case.reminded_at = now
    return SweepResult([c.id for c in soon], [c.id for c in overdue])


def send_reminders(session: Session, result: SweepResult) -> int:
    """Mail each officer once about their due-soon and overdue cases; after the commit."""
    ids = result.reminded + result.overdue
    if not ids:
        return 0
    cases = session.scalars(select(Case).where(Case.id.in_(ids))).all()
    by_officer: dict[int, list[Case]] = {}
    for case in cases:
        recipients = [case.assignee_id] if case.assignee_id else list(session.scalars(
            select(User.id).where(User.role == "officer", User.agency_id == case.agency_id)))
        for officer_id in recipients:
            by_officer.setdefault(officer_id, []).append(case)
    for officer_id, items in by_officer.items():
        officer = session.get(User, officer_id)
        if officer is None:
            continue
        with force_locale(officer.locale):
            lines = [f"- {c.number} ({_('Overdue') if c.id in result.overdue else _('Due soon')})"
                     f" {url_for('desk.case_page', case_id=c.id, _external=True)}" for c in items]
            queue_mail(officer.email, _("Cases that need you before their deadline"),
                       _("Hello %(name)s,\n\nThese cases are due soon or overdue:\n%(lines)s",
                         name=officer.display_name, lines="\n".join(lines)))
    return len(by_officer)


def run_once(app: Flask) -> SweepResult:
    """One sweep with its own transaction and mail, as the timer and the task run it."""
    from relief.core.db import db

    with app.app_context(), app.test_request_context(base_url=app.config["RELIEF"]
                                                    .public_base_url):
        with db.transaction() as session:
            result = sweep_deadlines(session)
        send_reminders(db.session, result)
        db.session.remove()
    return result


def start_timer(app: Flask, interval_s: int = 15 * 60) -> threading.Thread:
    """The embedded default's stand-in for Celery beat: a daemon thread."""

    def loop() -> None:
        while True:
            time.sleep(interval_s)
            try:
                run_once(app)
            except Exception:  # a failed sweep must not stop the next one
                log.exception("deadline sweep failed")

    thread = threading.Thread(target=loop, name="deadline-sweep", daemon=True)
    thread.start()
    return thread
