"""Five minutes of mixed load on the production stack, then reconciliation by id.

gunicorn (2 workers) + PostgreSQL + Redis + a Celery worker and beat. Consumers file
and track through the API, officers work their queue in the browser pages (session,
CSRF), a supervisor reads every queue and the triage. Afterwards every case, event
and message a client saw succeed is looked up in the database.

    .venv/bin/python bench/load.py [--seconds 300]

Last line JSON: requests, errors_5xx, lost, p95_ms (+ per-kind figures). Baseline in
the same run: GET /healthz latency, the server's floor.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import threading
import time
import uuid
from collections import defaultdict
from typing import Any

import requests
import sqlalchemy as sa
from _stack import ROOT, Gunicorn, consumers_with_tokens, fresh_database, pct

TEXTS = ["헬스장 회원권 환불을 거절당했어요. 남은 기간 환불 받고 싶습니다.",
         "인터넷 쇼핑몰에서 산 패딩이 불량인데 반품을 안 받아줘요.",
         "휴대폰 요금에 모르는 소액결제가 청구됐습니다.",
         "The airline cancelled my flight and refuses any compensation."]
PASSWORD = "load-officer-2026"


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, list[int]] = defaultdict(list)
        self.cases: set[int] = set()
        self.notes: set[tuple[int, str]] = set()

    def add(self, kind: str, started: float, status: int) -> None:
        with self.lock:
            self.latency[kind].append((time.perf_counter() - started) * 1000)
            self.status[kind].append(status)


def consumer(base: str, tokens: list[str], stop: float, rec: Recorder, n: int) -> None:
    s = requests.Session()
    mine: list[int] = []
    i = 0
    while time.time() < stop:
        token = tokens[i % len(tokens)]
        i += 1
        h = {"Authorization": f"Bearer {token}"}
        started = time.perf_counter()
        r = s.post(f"{base}/api/v1/cases", json={
            "text": TEXTS[(n + i) % len(TEXTS)] + f" #{n}-{i}", "amount_krw": 100_000 + i,
            "channel": "online", "region": "seoul", "wish": "refund"},
            headers={**h, "Idempotency-Key": uuid.uuid4().hex}, timeout=30)
        rec.add("file", started, r.status_code)
        if r.status_code == 201:
            mine.append(r.json()["id"])
            with rec.lock:
                rec.cases.add(r.json()["id"])
        started = time.perf_counter()
        r = s.get(f"{base}/api/v1/cases", headers=h, timeout=30)
        rec.add("track_list", started, r.status_code)
        if mine:
            started = time.perf_counter()
            r = s.get(f"{base}/api/v1/cases/{mine[-1]}", headers={
                "Authorization": f"Bearer {tokens[(i - 1) % len(tokens)]}"}, timeout=30)
            rec.add("track_case", started, r.status_code)


def officer(base: str, email: str, stop: float, rec: Recorder) -> None:
    s = requests.Session()
    page = s.get(f"{base}/account/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    s.post(f"{base}/account/login", data={"email": email, "password": PASSWORD,
                                          "csrf_token": token}, timeout=30)
    while time.time() < stop:
        started = time.perf_counter()
        r = s.get(f"{base}/desk/?sort=newest", timeout=30)
        rec.add("queue", started, r.status_code)
        ids = [int(x) for x in re.findall(r'href="/desk/cases/(\d+)"', r.text)][:3]
        for case_id in ids:
            started = time.perf_counter()
            page = s.get(f"{base}/desk/cases/{case_id}", timeout=30)
            rec.add("case_page", started, page.status_code)
            form = dict(re.findall(r'name="(csrf_token|version|last_event)" value="([^"]*)"',
                                   page.text))
            action = "accept" if "/accept\"" in page.text else "note"
            note = f"load note {uuid.uuid4().hex[:8]}"
            started = time.perf_counter()
            r = s.post(f"{base}/desk/cases/{case_id}/{action}",
                       data={**form, "text": note}, timeout=30, allow_redirects=False)
            rec.add(f"act_{action}", started, r.status_code)
            if action == "note" and r.status_code == 302:
                with rec.lock:
                    rec.notes.add((case_id, note))


def supervisor(base: str, stop: float, rec: Recorder) -> None:
    s = requests.Session()
    page = s.get(f"{base}/account/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    s.post(f"{base}/account/login", data={"email": "load.supervisor@relief.demo",
                                          "password": PASSWORD, "csrf_token": token}, timeout=30)
    while time.time() < stop:
        for path in ("/desk/?state=all", "/desk/triage", "/desk/?deadline=overdue"):
            started = time.perf_counter()
            r = s.get(f"{base}{path}", timeout=60)
            rec.add("supervisor", started, r.status_code)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=300)
    args = parser.parse_args()
    url = fresh_database("relief_bench_load")
    tokens = consumers_with_tokens(url, 300)
    from relief.accounts.models import Role
    from relief.accounts.workflow import create_staff

    engine = sa.create_engine(url)
    with sa.orm.Session(engine) as s:
        for email, role, agency in [("load.kca@relief.demo", Role.OFFICER, "kca"),
                                    ("load.ecmc@relief.demo", Role.OFFICER, "ecmc"),
                                    ("load.telecom@relief.demo", Role.OFFICER, "kcc-tdmc"),
                                    ("load.supervisor@relief.demo", Role.SUPERVISOR, None)]:
            create_staff(s, actor=None, email=email, display_name=email.split("@")[0],
                         role=role, password=PASSWORD, agency_id=agency)
        s.commit()
    redis_url = "redis://127.0.0.1:6379/9"
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # no jobs left over from an earlier run
    env = {"RELIEF_RATELIMITS": "off", "REDIS_URL": redis_url, "RELIEF_COOKIE_SECURE": "off"}
    server = Gunicorn(url, workers=2, extra_env=env)
    celery_env = {**os.environ, "RELIEF_ENV": "production", "DATABASE_URL": url,
                  "SECRET_KEY": "x" * 48, "REDIS_URL": redis_url, "RELIEF_COOKIE_SECURE": "off",
                  "RELIEF_INSTANCE_PATH": str(server.instance)}
    worker = subprocess.Popen([str(ROOT / ".venv/bin/celery"), "-A", "relief.tasks", "worker",
                               "--concurrency", "1", "--loglevel", "warning"], cwd=ROOT,
                              env=celery_env)
    beat = subprocess.Popen([str(ROOT / ".venv/bin/celery"), "-A", "relief.tasks", "beat",
                             "--loglevel", "warning", "-s", str(server.instance / "beat")],
                            cwd=ROOT, env=celery_env)
    base = f"http://127.0.0.1:{server.port}"
    rec = Recorder()
    try:
        requests.post(f"{base}/api/v1/route", json={"text": TEXTS[0]}, timeout=60)
        floor = []
        for _ in range(50):
            started = time.perf_counter()
            requests.get(f"{base}/healthz", timeout=10)
            floor.append((time.perf_counter() - started) * 1000)
        stop = time.time() + args.seconds
        threads = [threading.Thread(target=consumer, args=(base, tokens[n::6], stop, rec, n))
                   for n in range(6)]
        threads += [threading.Thread(target=officer, args=(base, e, stop, rec)) for e in (
            "load.kca@relief.demo", "load.ecmc@relief.demo", "load.telecom@relief.demo")]
        threads.append(threading.Thread(target=supervisor, args=(base, stop, rec)))
        print(f"{len(threads)} clients for {args.seconds:.0f} s", flush=True)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(5)  # let the worker drain the mail queue
    finally:
        server.stop()
        for proc in (worker, beat):
            proc.terminate()
            proc.wait(timeout=30)
    with engine.connect() as conn:
        stored = set(conn.execute(sa.text("SELECT id FROM cases")).scalars())
        notes = set(conn.execute(sa.text(
            "SELECT case_id, reason FROM case_events WHERE kind = 'note'")).all())
        events = conn.execute(sa.text("SELECT count(*) FROM case_events")).scalar_one()
    engine.dispose()
    outbox = len(list((server.instance / "outbox").glob("*.eml")))
    all_lat = [x for v in rec.latency.values() for x in v]
    all_status = [x for v in rec.status.values() for x in v]
    lost = len(rec.cases - stored) + len(rec.notes - {(c, r) for c, r in notes})
    figures: dict[str, Any] = {
        "seconds": args.seconds, "requests": len(all_status),
        "per_s": round(len(all_status) / args.seconds, 1),
        "errors_5xx": sum(s >= 500 for s in all_status), "lost": lost,
        "p50_ms": round(statistics.median(all_lat), 1), "p95_ms": round(pct(all_lat, 95), 1),
        "p99_ms": round(pct(all_lat, 99), 1), "cases_filed": len(rec.cases),
        "notes_written": len(rec.notes), "events": events, "mails_sent": outbox,
        # Every filing sends a receipt through Celery; fewer mails than filings is a loss.
        "mails_missing": max(0, len(rec.cases) - outbox),
        "baseline_healthz_p95_ms": round(pct(floor, 95), 1),
        "by_kind": {k: {"n": len(v), "p95_ms": round(pct(v, 95), 1),
                        "non_2xx_3xx": sum(not 200 <= s < 400 for s in rec.status[k])}
                    for k, v in rec.latency.items()},
    }
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
