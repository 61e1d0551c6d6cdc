"""Statistics: the supervisor's dashboard and exports, the public open data, mass damage.

``install(app)`` registers the blueprints and the ``flask stats`` commands; the rules
live in ``queries`` (aggregations), ``export`` (masked CSV/XLSX), ``opendata``
(suppressed public figures), ``mass_damage`` (alerts and collective groups) and
``businesses`` (one business under many names).
"""

from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    from relief.stats import cli
    from relief.stats.views import bp, open_bp

    app.register_blueprint(bp)
    app.register_blueprint(open_bp)
    cli.install(app)
