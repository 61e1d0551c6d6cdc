"""Development-only pages: the mail outbox, so sign-up works without an SMTP server.

Registered only outside production (see ``create_app``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from relief.core.access import public
from relief.core.mail import read_outbox

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.route("/outbox")
@public
def outbox():  # type: ignore[no-untyped-def]
    messages = read_outbox(current_app.config["RELIEF"].outbox_dir)
    return render_template("dev/outbox.html", messages=messages)
