"""The Alembic head matches the models, and every migration goes down and up."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from relief.core.db import make_engine
from relief.core.migrate import downgrade, upgrade
from relief.models import Base


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    # Same rule as migrations/env.py: trigram indexes are PostgreSQL-only, made by hand.
    return not (type_ == "index" and name and name.endswith("_trgm"))


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_object": include_object})
            return compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()


def test_migrations_match_models_and_go_down_and_up(backend, tmp_path):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    else:
        from tests.conftest import _fresh_pg_database, _pg_url, _worker

        url = _fresh_pg_database(_pg_url() or "", f"relief_migrate_{_worker()}")
    upgrade(url)
    assert _diff(url) == []
    downgrade(url, "base")
    upgrade(url)
    assert _diff(url) == []
