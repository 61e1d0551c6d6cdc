"""Background jobs: Celery on Redis in production, inline in the embedded default.

``celery -A relief.tasks worker`` and ``celery -A relief.tasks beat`` run them; the
workflow calls ``enqueue(task, ...)`` and never cares which mode is on.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery
from flask import Flask, has_app_context
from kombu.exceptions import OperationalError

from relief.core.config import Config

log = logging.getLogger(__name__)
celery_app = Celery("relief", include=["relief.letters.tasks"])
_flask_app: Flask | None = None


def configure(cfg: Config) -> None:
    celery_app.conf.update(
        broker_url=cfg.redis_url or "memory://",
        result_backend=None,
        task_always_eager=cfg.jobs_inline,
        task_acks_late=True,  # a killed worker's job runs again, so jobs are idempotent
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="Asia/Seoul",
        beat_schedule={
            "deadline-sweep": {"task": "relief.sweep_deadlines", "schedule": 15 * 60},
            "mass-damage": {"task": "relief.detect_mass_damage", "schedule": 60 * 60},
            # Letters whose job died with a whole worker (see relief/letters/tasks.py).
            "recover-letters": {"task": "relief.recover_letters", "schedule": 30},
        },
    )


def flask_app() -> Flask:
    """The worker's own app, created once (tasks need the database and config)."""
    global _flask_app
    if _flask_app is None:
        from relief import create_app

        _flask_app = create_app()
    return _flask_app


@celery_app.task(name="relief.send_mail", autoretry_for=(OSError,), retry_backoff=True,
                 max_retries=8)
def send_mail_task(to: str, subject: str, body: str) -> None:
    from relief.core.mail import send_mail

    if has_app_context():  # inline mode: we are inside the request that queued it
        send_mail(to, subject, body)
        return
    with flask_app().app_context():
        send_mail(to, subject, body)


def enqueue(task: Any, *args: Any) -> None:
    """Run now (embedded) or hand to the workers (production).

    With the broker unreachable the job runs here instead: the request has already
    committed, so failing it now would tell the consumer their filing failed when it
    did not. Jobs are idempotent, so a later duplicate from a retry is harmless.
    """
    try:
        task.apply_async(args, retry=False)
    except (OperationalError, ConnectionError, OSError) as exc:
        log.warning("broker unavailable (%s): running %s in the request", exc, task.name)
        task.apply(args)


@celery_app.task(name="relief.sweep_deadlines")
def sweep_deadlines_task() -> dict[str, int]:
    from relief.cases.sweep import run_once

    result = run_once(flask_app())
    return {"reminded": len(result.reminded), "overdue": len(result.overdue)}


@celery_app.task(name="relief.detect_mass_damage")
def detect_mass_damage_task() -> int:
    from relief.stats.mass_damage import run_once

    return len(run_once(flask_app()).raised)


# The celery command imports this module without create_app: read the environment.
if os.environ.get("REDIS_URL"):
    configure(Config.from_env())
