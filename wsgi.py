"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``."""

import sys

from relief import create_app

app = create_app()

# The embedded default has no Celery beat: the server sweeps deadlines on a timer.
if app.config["RELIEF"].env == "embedded" and "run" in sys.argv[1:]:
    from relief.cases.sweep import start_timer

    start_timer(app)
