"""Desk speed with a million cases on PostgreSQL: the queue page and the case page.

Target: p95 <= 200 ms for both. Baseline, measured in the same run: the bare SQL of
the same queue page (no ORM, no template), so the overhead of the page is visible.

    .venv/bin/python bench/desk.py [--cases 1000000] [--requests 200]

Creates (or reuses) the database relief_bench on 127.0.0.1:5432; the last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DB = "relief_bench"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def ensure_database(cases: int) -> str:
    from relief.core.migrate import upgrade
    from relief.demo_cases import generate_cases
    from relief.registry.sync import sync_registry

    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"),
                            {"d": DB}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{DB}"'))
    admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + DB
    upgrade(url)
    engine = sa.create_engine(url)
    with sa.orm.Session(engine) as s:
        sync_registry(s, commit=True, reason="bench")
        s.commit()
    with engine.connect() as conn:
        have = conn.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
    if have < cases:
        print(f"generating {cases - have:,} cases ...", flush=True)
        started = time.perf_counter()
        generate_cases(engine, cases - have,
                       progress=lambda n: print(f"  {n:,}", flush=True) if n % 200_000 == 0
                       else None)
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    url = ensure_database(args.cases)

    from relief import create_app
    from relief.accounts.models import Role
    from relief.accounts.workflow import create_staff, find_user
    from relief.core.config import Config
    from relief.core.db import db

    instance = Path(tempfile.mkdtemp())
    app = create_app(Config(env="test", secret_key="b" * 40, database_url=url,
                            instance_path=instance, csrf_enabled=False,
                            ratelimits_enabled=False))
    with app.app_context(), db.transaction() as s:
        if find_user(s, "bench.officer@relief.demo") is None:
            create_staff(s, actor=None, email="bench.officer@relief.demo",
                         display_name="bench", role=Role.OFFICER,
                         password="bench-officer-2026", agency_id="kca")
    client = app.test_client()
    r = client.post("/account/login", data={"email": "bench.officer@relief.demo",
                                            "password": "bench-officer-2026"})
    assert r.status_code == 302, r.status_code

    engine = app.extensions["relief.engine"]
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
        kca = conn.execute(sa.text("SELECT count(*) FROM cases WHERE agency_id='kca'")
                           ).scalar_one()
        ids = list(conn.execute(sa.text(
            "SELECT id FROM cases WHERE agency_id='kca' ORDER BY random() LIMIT :n"),
            {"n": args.requests}).scalars())
    print(f"{total:,} cases in the database, {kca:,} at kca", flush=True)

    queue_urls = ["/desk/", "/desk/?state=all&sort=newest", "/desk/?deadline=overdue",
                  "/desk/?state=closed&sort=updated", "/desk/?q=오케이몰",
                  "/desk/?state=all&page=50"]
    for u in queue_urls:  # warm caches once, as a running server would be
        client.get(u)
    queue_ms: list[float] = []
    for i in range(args.requests):
        started = time.perf_counter()
        response = client.get(queue_urls[i % len(queue_urls)])
        queue_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    case_ms: list[float] = []
    for case_id in ids:
        started = time.perf_counter()
        response = client.get(f"/desk/cases/{case_id}")
        case_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    sql_ms: list[float] = []
    with engine.connect() as conn:
        for _ in range(args.requests):
            started = time.perf_counter()
            conn.execute(sa.text(
                "SELECT * FROM cases WHERE agency_id='kca' AND state IN ('routed','accepted',"
                "'in_progress','mediation','resolved','not_resolved','rejected','submitted',"
                "'transferred') ORDER BY due_at ASC NULLS LAST, id LIMIT 51")).all()
            sql_ms.append((time.perf_counter() - started) * 1000)
        plan = "\n".join(r[0] for r in conn.execute(sa.text(
            "EXPLAIN ANALYZE SELECT * FROM cases WHERE agency_id='kca' AND state IN "
            "('routed','accepted','in_progress') ORDER BY due_at ASC NULLS LAST, id LIMIT 51")))
    print("queue plan:\n" + plan)
    figures = {
        "cases": total,
        "queue_p50_ms": round(statistics.median(queue_ms), 1),
        "queue_p95_ms": round(pct(queue_ms, 95), 1),
        "case_p50_ms": round(statistics.median(case_ms), 1),
        "case_p95_ms": round(pct(case_ms, 95), 1),
        "baseline_sql_queue_p95_ms": round(pct(sql_ms, 95), 1),
        "target_p95_ms": 200,
    }
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
