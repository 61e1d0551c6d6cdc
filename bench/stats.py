"""Statistics with a million cases on PostgreSQL: dashboard queries and the CSV export.

Targets: every dashboard query <= 500 ms; the CSV export of every case <= 60 s with
resident memory <= 300 MB. Baseline, measured in the same run: the same queries
without the indexes statistics needs, so what each index buys is visible.

    .venv/bin/python bench/stats.py [--cases 1000000] [--repeat 3] [--keep-indexes]

Creates (or reuses) the database relief_bench on 127.0.0.1:5432 (see bench/desk.py).
The indexes are created here only to measure (CONCURRENTLY, then dropped unless
``--keep-indexes``): shipping them is a migration. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desk import ensure_database  # noqa: E402  (bench/desk.py, beside this file)

# What statistics needs beyond the schema: a covering index so every aggregate is an
# index-only scan of narrow tuples (~115 MB) instead of a scan of the wide case rows
# (~400 MB of text and JSON), and a small partial one (~25 MB) for the slowest figure,
# days to resolution, which reads only resolved cases.
INDEXES = {
    "ix_cases_stats_created": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_cases_stats_created ON cases "
        "(created_at) INCLUDE (agency_id, state, region, channel, outcome, "
        "outcome_amount_krw, closed_at, due_at, paused_since, transfer_count, business_key)"),
    "ix_cases_stats_resolved": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_cases_stats_resolved ON cases "
        "(created_at) INCLUDE (agency_id, closed_at, region) "
        "WHERE closed_at IS NOT NULL AND state <> 'withdrawn'"),
}
TARGET_QUERY_MS = 500
TARGET_EXPORT_S = 60
TARGET_RSS_MB = 300


def filters(today: datetime) -> dict[str, dict[str, str]]:
    year_ago = (today - timedelta(days=365)).date().isoformat()
    quarter = (today - timedelta(days=90)).date().isoformat()
    return {
        "all time": {"from": ""},
        "last 12 months (default)": {},
        "one body, all time": {"from": "", "body": "kca"},
        "one field, 12 months": {"field": "telecom"},
        "one region, all time": {"from": "", "region": "seoul"},
        "body + region + quarter": {"from": quarter, "body": "kca", "region": "busan"},
        "12 months from a year ago": {"from": year_ago, "to": today.date().isoformat()},
    }


def time_dashboards(app, repeat: int) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    """Per filter, per query: the best of ``repeat`` runs (a warm cache, as a server has)."""
    from relief.core.db import db
    from relief.stats.queries import StatsFilter, dashboard

    out: dict[str, dict[str, float]] = {}
    with app.app_context():
        today = datetime.now(UTC)
        for name, args in filters(today).items():
            f = StatsFilter.from_args(args)
            best: dict[str, float] = {}
            for _ in range(repeat):
                d = dashboard(db.session, f, timed=True)
                for q, ms in d.timings_ms.items():
                    best[q] = min(ms, best.get(q, float("inf")))
            out[name] = best
            worst = max(best, key=best.get)  # type: ignore[arg-type]
            print(f"  {name:<28} {d.total:>9,} cases  slowest {worst} {best[worst]:.0f} ms  "
                  + " ".join(f"{q}={ms:.0f}" for q, ms in best.items()), flush=True)
        db.session.remove()
    return out


def explain(engine: sa.Engine) -> None:
    """The plans that matter: the widest aggregates, over every case."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.orm import Session

    from relief.stats import queries
    from relief.stats.queries import StatsFilter

    f = StatsFilter.from_args({"from": ""})
    with Session(engine) as session:
        queries.prefer_covering_index(session)
        now = datetime.now(UTC)
        statements = {
            "bodies (per body and state, every case)": queries.body_rows_statement(f, now),
            "resolution (per body and whole day, every case)":
                queries.resolution_statement(session, f),
            "months (per Korean month, every case)": queries.month_statement(session, f)[0],
        }
        for name, stmt in statements.items():
            sql = str(stmt.compile(dialect=postgresql.dialect(),
                                   compile_kwargs={"literal_binds": True}))
            plan = session.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + sql)).scalars()
            print(f"plan: {name}\n  " + "\n  ".join(plan), flush=True)


def export_in_child(url: str) -> dict[str, float]:
    """The CSV export of every case in a fresh process, as one web worker serves it."""
    code = f"""
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from relief import create_app
from relief.accounts.models import Role
from relief.accounts.workflow import create_staff, find_user
from relief.core.config import Config
from relief.core.db import db
app = create_app(Config(env="test", secret_key="b" * 40, database_url={url!r},
                        instance_path=Path(tempfile.mkdtemp()), csrf_enabled=False,
                        ratelimits_enabled=False))
with app.app_context(), db.transaction() as s:
    if find_user(s, "bench.supervisor@relief.demo") is None:
        create_staff(s, actor=None, email="bench.supervisor@relief.demo", display_name="bench",
                     role=Role.SUPERVISOR, password="bench-supervisor-2026", agency_id=None)
client = app.test_client()
assert client.post("/account/login", data={{"email": "bench.supervisor@relief.demo",
                   "password": "bench-supervisor-2026"}}).status_code == 302
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
response = client.get("/stats/export.csv?from=", buffered=False)
assert response.status_code == 200
size = rows = 0
for chunk in response.response:
    size += len(chunk)
    rows += chunk.count(b"\\r\\n")
response.close()
export_s = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
xlsx = client.get("/stats/export.xlsx?field=telecom", buffered=False)
xlsx_bytes = sum(len(chunk) for chunk in xlsx.response)
xlsx.close()
print(json.dumps({{"export_s": export_s, "bytes": size, "rows": rows - 1,
                  "rss_before_mb": before / 1024, "rss_mb": rss,
                  "xlsx_s": time.perf_counter() - started, "xlsx_bytes": xlsx_bytes}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def set_indexes(engine: sa.Engine, present: bool) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name, ddl in INDEXES.items():
            if present:
                started = time.perf_counter()
                conn.execute(sa.text(ddl))
                print(f"  created {name} in {time.perf_counter() - started:.1f} s", flush=True)
            else:
                conn.execute(sa.text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))
        # Index-only scans need the visibility map, as autovacuum keeps it on a live system.
        conn.execute(sa.text("VACUUM (ANALYZE) cases"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep-indexes", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    url = ensure_database(args.cases)

    from relief import create_app
    from relief.core.config import Config
    from relief.core.db import db
    from relief.stats.mass_damage import MassDamagePolicy, detect
    from relief.stats.opendata import build_table

    app = create_app(Config(env="test", secret_key="b" * 40, database_url=url,
                            instance_path=Path(tempfile.mkdtemp()), csrf_enabled=False,
                            ratelimits_enabled=False))
    engine = app.extensions["relief.engine"]
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
    print(f"{total:,} cases in the database; {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.1f}", flush=True)

    print("dashboard queries without the statistics index (baseline):", flush=True)
    set_indexes(engine, present=False)
    baseline = time_dashboards(app, args.repeat)
    print("dashboard queries with the statistics index:", flush=True)
    set_indexes(engine, present=True)
    timed = time_dashboards(app, args.repeat)
    explain(engine)

    slowest = max(((f, q, ms) for f, qs in timed.items() for q, ms in qs.items()),
                  key=lambda t: t[2])
    base_slowest = max(((f, q, ms) for f, qs in baseline.items() for q, ms in qs.items()),
                       key=lambda t: t[2])

    with app.app_context():
        started = time.perf_counter()
        result = detect(db.session, MassDamagePolicy())
        db.session.rollback()  # measuring, not alerting
        detect_ms = (time.perf_counter() - started) * 1000
        print(f"mass-damage detection: {detect_ms:.0f} ms, {len(result.signals)} businesses, "
              f"{sum(s.rising for s in result.signals)} rising", flush=True)
        started = time.perf_counter()
        table = build_table(db.session, ("month", "body", "field"))
        open_ms = (time.perf_counter() - started) * 1000
        print(f"open data (month, body, field): {open_ms:.0f} ms, {len(table.rows):,} rows, "
              f"{table.suppressed_rows:,} suppressed", flush=True)
        db.session.remove()

    exported: dict[str, float] = {"export_s": -1, "rss_mb": -1, "rows": 0, "bytes": 0,
                                  "xlsx_s": -1}
    if not args.skip_export:
        print("CSV export of every case in a fresh worker process ...", flush=True)
        exported = export_in_child(url)
        print(f"  {exported['rows']:,} rows, {exported['bytes'] / 1e6:.0f} MB in "
              f"{exported['export_s']:.1f} s, peak RSS {exported['rss_mb']:.0f} MB "
              f"(after start-up {exported['rss_before_mb']:.0f} MB)", flush=True)
        print(f"  XLSX of one field's last 12 months: {exported['xlsx_bytes'] / 1e6:.1f} MB "
              f"in {exported['xlsx_s']:.1f} s", flush=True)
    if not args.keep_indexes:
        set_indexes(engine, present=False)

    figures = {
        "cases": total,
        "max_query_ms": slowest[2],
        "slowest_query": f"{slowest[1]} ({slowest[0]})",
        "baseline_max_query_ms": base_slowest[2],
        "baseline_slowest_query": f"{base_slowest[1]} ({base_slowest[0]})",
        "export_s": round(exported["export_s"], 1),
        "export_rss_mb": round(exported["rss_mb"], 0),
        "export_rows": exported["rows"],
        "export_mb": round(exported["bytes"] / 1e6, 1),
        "xlsx_field_12_months_s": round(exported["xlsx_s"], 1),
        "detect_ms": round(detect_ms, 0),
        "open_data_ms": round(open_ms, 0),
        "target_query_ms": TARGET_QUERY_MS,
        "target_export_s": TARGET_EXPORT_S,
        "target_rss_mb": TARGET_RSS_MB,
        "indexes": list(INDEXES),
        "load_avg": round(os.getloadavg()[0], 1),
        "bench_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0),
    }
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
