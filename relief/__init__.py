"""relief: a one-stop window for consumer damage relief in Korea."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from relief.core.config import PROJECT_ROOT, Config

LANGUAGES = ("ko", "en")


def create_app(config: Config | None = None) -> Flask:
    """Application factory; ``wsgi.py``, the CLI and the tests all go through it."""
    cfg = config or Config.from_env()
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(cfg.instance_path),
        instance_relative_config=False,
    )
    cfg.instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(
        RELIEF=cfg,
        SECRET_KEY=cfg.secret_key,
        TESTING=cfg.env == "test",
        WTF_CSRF_ENABLED=cfg.csrf_enabled,
        WTF_CSRF_TIME_LIMIT=None,  # the session bounds the token; forms may stay open long
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cfg.session_cookie_secure,
        REMEMBER_COOKIE_SECURE=cfg.session_cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=60 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="ko",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        RATELIMIT_STORAGE_URI=cfg.ratelimit_storage_uri,
        RATELIMIT_ENABLED=cfg.ratelimits_enabled,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)

    import relief.models  # noqa: F401  (every mapper registered before the first query)
    from relief import tasks
    from relief.core import access, security
    from relief.core.db import db
    from relief.core.extensions import babel, csrf, limiter, login_manager

    tasks.configure(cfg)
    db.init_app(app, cfg.database_url)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    security.install_headers(app)
    access.install(app)

    from relief.accounts import cli as accounts_cli
    from relief.accounts.views import bp as accounts_bp
    from relief.admin.registry import bp as admin_registry_bp
    from relief.admin.views import bp as admin_bp
    from relief.cases import cli as cases_cli
    from relief.cases.views import bp as cases_bp
    from relief.core import cli as core_cli
    from relief.core import errors, templating
    from relief.desk.views import bp as desk_bp
    from relief.directory.views import bp as directory_bp
    from relief.home.views import bp as home_bp
    from relief.registry import cli as registry_cli

    app.register_blueprint(home_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(admin_registry_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(cases_bp)
    from relief import api

    api.install(app)
    from relief import letters

    letters.install(app)
    app.register_blueprint(desk_bp)
    from relief import stats

    stats.install(app)
    if not cfg.is_production:
        from relief.dev.views import bp as dev_bp

        app.register_blueprint(dev_bp)
    errors.install(app)
    templating.install(app)
    accounts_cli.install(app)
    core_cli.install(app)
    registry_cli.install(app)
    cases_cli.install(app)

    @app.context_processor
    def _shell_context() -> dict[str, object]:
        return {
            "current_locale": str(get_locale() or "ko"),
            "languages": LANGUAGES,
            "relief_env": cfg.env,
        }

    @app.before_request
    def _remember_request_start() -> None:
        g.lang = _select_locale()

    return app


def _select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    # Korean by default; English only on request (a foreign resident picks it once).
    if request and request.args.get("lang") in LANGUAGES:
        return request.args["lang"]
    return "ko"
