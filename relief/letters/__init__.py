"""Resolution letters: rendered once, stored with their SHA-256, never changed.

``install(app)`` registers the letter pages, the API's letter endpoints, the CLI and
the ``case_letters`` template global that the case pages use to list a case's letters.
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def install(app: Flask) -> None:
    """Idempotent."""
    if "relief.letters" in app.extensions:
        return
    app.extensions["relief.letters"] = True

    from relief.letters import cli, tasks  # noqa: F401  (tasks: registers the Celery task)
    from relief.letters.views import api_bp, bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    cli.install(app)

    @app.template_global("case_letters")
    def _case_letters(case: Any) -> dict[str, Any]:
        from flask_login import current_user

        from relief.core.db import db
        from relief.letters import workflow

        letters = workflow.letters_of(db.session, case.id)
        staff = workflow.is_staff_of(case, current_user)
        return {
            "letters": letters if staff else [x for x in letters if x.status == "issued"],
            "superseded": workflow.superseded_ids(letters),
            "staff": staff,
            "can_request": workflow.can_request(case, current_user, letters),
            "can_correct": workflow.can_correct(case, current_user, letters),
        }
