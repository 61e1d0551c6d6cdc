"""One typed, frozen configuration read from the environment.

The embedded default (SQLite under ``instance/``, inline jobs, mail to the outbox
folder) needs nothing set; production refuses to start without a real secret key
and a real database.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"

ENVIRONMENTS = ("embedded", "production", "test")
_WEAK_SECRETS = {"", "dev", "changeme", "secret", "change-me", "development"}


class ConfigError(RuntimeError):
    """The environment does not describe a configuration we can run with."""


@dataclass(frozen=True)
class Config:
    env: str
    secret_key: str
    database_url: str
    instance_path: Path
    redis_url: str | None = None
    jobs_inline: bool = True
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    mail_from: str = "relief <no-reply@relief.local>"
    ratelimit_storage_uri: str = "memory://"
    ratelimits_enabled: bool = True
    csrf_enabled: bool = True
    session_cookie_secure: bool = False
    public_base_url: str = "http://127.0.0.1:5000"
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def outbox_dir(self) -> Path:
        return self.instance_path / "outbox"

    @property
    def uploads_dir(self) -> Path:
        return self.instance_path / "uploads"

    @property
    def letters_dir(self) -> Path:
        return self.instance_path / "letters"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, instance_path: Path | None = None
    ) -> Config:
        """Build the configuration; raises ``ConfigError`` with the reason in words."""
        env = dict(os.environ if environ is None else environ)
        mode = env.get("RELIEF_ENV", "embedded").strip().lower()
        if mode not in ENVIRONMENTS:
            raise ConfigError(f"RELIEF_ENV must be one of {', '.join(ENVIRONMENTS)}, not {mode!r}")
        instance = Path(env.get("RELIEF_INSTANCE_PATH") or instance_path or DEFAULT_INSTANCE)

        if mode == "production":
            secret = env.get("SECRET_KEY", "")
            if secret.lower() in _WEAK_SECRETS or len(secret) < 32:
                raise ConfigError(
                    "Production needs SECRET_KEY set to a random value of at least 32 characters "
                    "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')."
                )
            database_url = env.get("DATABASE_URL", "")
            if not database_url or database_url.startswith("sqlite"):
                raise ConfigError("Production needs DATABASE_URL pointing at PostgreSQL.")
        else:
            secret = env.get("SECRET_KEY") or _instance_secret(instance)
            database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'relief.sqlite3'}"

        redis_url = env.get("REDIS_URL") or None
        return cls(
            env=mode,
            secret_key=secret,
            database_url=_normalise_db_url(database_url),
            instance_path=instance,
            redis_url=redis_url,
            # Production runs jobs on Celery when Redis is configured; otherwise inline.
            jobs_inline=not (mode == "production" and redis_url),
            smtp_host=env.get("SMTP_HOST") or None,
            smtp_port=int(env.get("SMTP_PORT", "587")),
            smtp_user=env.get("SMTP_USER") or None,
            smtp_password=env.get("SMTP_PASSWORD") or None,
            smtp_starttls=env.get("SMTP_STARTTLS", "1") not in {"0", "false", "no"},
            mail_from=env.get("MAIL_FROM", "relief <no-reply@relief.local>"),
            ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI")
            or (redis_url if mode == "production" and redis_url else "memory://"),
            # Behind TLS in production; a loopback bench over plain HTTP switches it off.
            session_cookie_secure=mode == "production"
            and env.get("RELIEF_COOKIE_SECURE", "on").lower() != "off",
            # Load benches switch limits off to measure capacity, never a deployment.
            ratelimits_enabled=env.get("RELIEF_RATELIMITS", "on").lower() != "off",
            public_base_url=env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        )

    def replace(self, **changes: object) -> Config:
        from dataclasses import replace

        return replace(self, **changes)


def _normalise_db_url(url: str) -> str:
    # Heroku-style URLs and bare postgresql:// should use the psycopg 3 driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _instance_secret(instance: Path) -> str:
    """A secret generated once and kept in ``instance/`` so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
