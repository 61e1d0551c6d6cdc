"""Configuration: embedded defaults and a production that refuses to start half-set."""

from __future__ import annotations

import pytest

from relief.core.config import Config, ConfigError


def test_embedded_default_uses_sqlite_and_keeps_one_secret(tmp_path):
    first = Config.from_env({}, instance_path=tmp_path)
    second = Config.from_env({}, instance_path=tmp_path)
    assert first.database_url.startswith("sqlite:///")
    assert str(tmp_path) in first.database_url
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert first.jobs_inline


def test_production_refuses_to_start_without_a_real_secret(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config.from_env({"RELIEF_ENV": "production", "SECRET_KEY": "changeme",
                         "DATABASE_URL": "postgresql://x/y"}, instance_path=tmp_path)


def test_production_refuses_to_start_without_postgresql(tmp_path):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        Config.from_env({"RELIEF_ENV": "production", "SECRET_KEY": "k" * 48},
                        instance_path=tmp_path)


def test_production_with_redis_runs_jobs_on_celery(tmp_path):
    cfg = Config.from_env({"RELIEF_ENV": "production", "SECRET_KEY": "k" * 48,
                           "DATABASE_URL": "postgresql://db/relief",
                           "REDIS_URL": "redis://127.0.0.1:6379/0"}, instance_path=tmp_path)
    assert cfg.database_url == "postgresql+psycopg://db/relief"
    assert not cfg.jobs_inline and cfg.session_cookie_secure


def test_config_is_frozen(tmp_path):
    cfg = Config.from_env({}, instance_path=tmp_path)
    with pytest.raises(AttributeError):
        cfg.env = "production"  # type: ignore[misc]


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="RELIEF_ENV"):
        Config.from_env({"RELIEF_ENV": "staging"}, instance_path=tmp_path)


def test_a_fresh_process_app_has_every_mapper_configured(tmp_path):
    # Tests import relief.models early; a production worker does not. This once failed.
    import subprocess
    import sys

    code = ("import sqlalchemy.orm as o; from relief import create_app; create_app(); "
            "from relief.core.db import Base; o.configure_mappers(); "
            "[fk.column for t in Base.metadata.tables.values() for fk in t.foreign_keys]; "
            "print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"RELIEF_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin"},
                            cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]),
                            check=False)
    assert result.stdout.strip() == "ok", result.stderr[-2000:]
