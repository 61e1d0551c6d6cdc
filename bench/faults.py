"""Faults on the production stack: what breaks, what is lost, how it recovers.

Default mode, the letter worker killed mid-render: a fresh PostgreSQL database and
Redis, N cases brought to an outcome and their letters requested and queued as the
desk does; a real Celery worker (and beat) renders them while this script SIGKILLs it
in the middle of a render, alternately the pool process (the OOM killer's choice;
Celery's main process stays) and the whole worker (main and pool, as a container
kill does; it is started again). When nothing is pending any more, every requested
letter is looked up by id: issued exactly once, its file present with the recorded
size and SHA-256, one request event, one letter_issued transition and one audit
entry per letter, no stray files.

    .venv/bin/python bench/faults.py [--letters 150] [--kills 6]

``--postgres-restart``: gunicorn on PostgreSQL with clients filing complaints through
the API (and tracking them) while PostgreSQL is restarted once with pg_ctlcluster.
Clients behave as the API asks: on 503 (or a dropped connection) they wait
Retry-After and resend with the same Idempotency-Key. Reports the statuses during
the outage (expected: 503 with Retry-After, never 500), reconciles every answered
case by id (case, text and both filing events), looks for cases without their
events, and checks that gunicorn serves again without being restarted.

    .venv/bin/python bench/faults.py --postgres-restart [--seconds 40]

PostgreSQL is shared with everything else on the machine: it is restarted once, and
started again in a ``finally`` whatever happens. Last line JSON; the baseline in the
same run is the fault-free part (letters rendered before the first kill, requests
before the restart).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from _stack import ROOT, Gunicorn, consumers_with_tokens, fresh_database, pct, request

REDIS_URL = "redis://127.0.0.1:6379/10"  # bench/load.py uses 9
PASSWORD = "faults-officer-2026"
TEXTS = ["헬스장 12개월 회원권을 끊었는데 이사 때문에 환불을 요청하니 거절합니다.",
         "온라인 쇼핑몰에서 산 운동화가 불량인데 교환을 안 해줘요.",
         "휴대폰 요금에 가입한 적 없는 부가서비스가 청구됐어요.",
         "My gym refuses to refund the rest of my 6-month membership after I moved."]


# --- the letter worker killed mid-render ------------------------------------------------

class Worker:
    """``celery -A relief.tasks worker`` in its own process group, so it can be killed whole."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "relief.tasks", "worker", "--concurrency",
             "1", "--loglevel", "warning", "-n", f"faults{self.starts}@%h"],
            cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True)
        out.close()
        self.starts += 1

    def pool_pids(self) -> list[int]:
        assert self.proc is not None
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(x) for x in path.read_text().split()]
        except OSError:
            return []

    def kill_pool_process(self) -> bool:
        pids = self.pool_pids()
        if not pids:
            return False
        os.kill(pids[0], signal.SIGKILL)
        return True

    def kill_whole(self) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


def letters_being_rendered(engine: sa.Engine) -> list[int]:
    """Pending letters whose row a worker holds: claimed (UPDATE) and not yet committed.

    SKIP LOCKED passes over exactly those; our own locks are released at once."""
    with engine.connect() as conn:
        if not conn.execute(sa.text(
                "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'letters' AND l.mode = 'RowExclusiveLock' "
                "AND l.pid <> pg_backend_pid() LIMIT 1")).first():
            return []
        pending = set(conn.execute(sa.text(
            "SELECT id FROM letters WHERE status = 'pending'")).scalars())
        free = set(conn.execute(sa.text(
            "SELECT id FROM letters WHERE status = 'pending' FOR UPDATE SKIP LOCKED"))
            .scalars())
        conn.rollback()
    return sorted(pending - free)


def prepare_cases(app: Any, count: int) -> list[int]:
    """``count`` cases filed, accepted, answered and resolved, ready for their letters."""
    from relief.accounts.models import Role
    from relief.accounts.workflow import create_staff, sign_up
    from relief.cases import desk
    from relief.cases.workflow import Filing, file_case
    from relief.core.db import db, utcnow

    routing = {"ranking": [{"agency": "kca", "score": 0.9}, {"agency": "ecmc", "score": 0.05},
                           {"agency": "kcc-tdmc", "score": 0.03}],
               "evidence": [], "out_of_scope": False, "referral": None,
               "multiple_matters": False, "confidence": 0.9, "needs_triage": False,
               "verdict": "ok", "lang": "ko"}
    cfg = app.config["RELIEF"]
    s = db.session
    officer = create_staff(s, actor=None, email="faults.kca@relief.demo",
                           display_name="피해구제1국 조사관", role=Role.OFFICER,
                           password=PASSWORD, agency_id="kca")
    ids = []
    for n in range(count):
        consumer = sign_up(s, email=f"faults{n}@relief.demo", password=PASSWORD,
                           display_name=f"소비자{n}")
        consumer.email_confirmed_at = utcnow()
        case, _ = file_case(s, consumer, Filing(
            text=TEXTS[n % 3] + f" (사례 {n})", choice="confirmed", business_name="튼튼피트니스",
            amount_krw=600_000 + n), routing=routing, submission_key=f"faults:{n}",
            uploads_dir=cfg.uploads_dir)
        desk.accept(s, case, officer)
        desk.record_business_reply(s, case, officer, "업체가 잔여 기간 환급에 동의함")
        desk.record_outcome(s, case, officer, "refunded", 300_000 + n, "환급 완료")
        ids.append(case.id)
    s.commit()
    return ids


def request_letters(app: Any, case_ids: list[int]) -> list[int]:
    """Request each case's letter and queue its job after the commit, as the desk does."""
    from relief.accounts.models import User
    from relief.cases.models import Case
    from relief.core.db import db
    from relief.letters import workflow
    from relief.letters.content import Draft
    from relief.letters.tasks import queue_render

    s = db.session
    officer = s.scalar(sa.select(User).where(User.email == "faults.kca@relief.demo"))
    letter_ids = []
    for case_id in case_ids:
        case = s.get(Case, case_id)
        letter = workflow.request_letter(s, case, officer, Draft(
            summary="헬스장 이용권 중도 해지 환급 요청",
            facts="사업자는 해지 요청을 받은 사실을 인정함.",
            business_action="소비자에게 금 300,000원을 환급", officer_title="피해구제1국 조사관"))
        s.commit()
        queue_render(letter.id)
        letter_ids.append(letter.id)
    return letter_ids


def count_status(engine: sa.Engine) -> Counter[str]:
    with engine.connect() as conn:
        return Counter(dict(conn.execute(sa.text(
            "SELECT status, count(*) FROM letters GROUP BY status")).all()))


def run_letters(args: argparse.Namespace) -> dict[str, Any]:
    import redis

    url = fresh_database("relief_bench_faults")
    redis.Redis.from_url(REDIS_URL).flushdb()  # no jobs left over from an earlier run
    instance = Path(tempfile.mkdtemp(prefix="relief-faults-"))
    env = {**os.environ, "RELIEF_ENV": "production", "DATABASE_URL": url,
           "REDIS_URL": REDIS_URL, "SECRET_KEY": secrets.token_urlsafe(48),
           "RELIEF_INSTANCE_PATH": str(instance), "RELIEF_COOKIE_SECURE": "off"}
    os.environ.update(env)  # this process queues the jobs the way gunicorn would
    from relief import create_app

    app = create_app()
    started = time.perf_counter()
    with app.app_context():
        case_ids = prepare_cases(app, args.letters)
        print(f"{len(case_ids)} cases resolved in {time.perf_counter() - started:.1f} s",
              flush=True)
        letter_ids = request_letters(app, case_ids)
    print(f"{len(letter_ids)} letters requested and queued", flush=True)
    engine = sa.create_engine(url)
    worker = Worker(env, instance / "worker.log")
    beat = subprocess.Popen([str(ROOT / ".venv/bin/celery"), "-A", "relief.tasks", "beat",
                             "--loglevel", "warning", "-s", str(instance / "beat")],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    rnd = random.Random(args.seed)
    kills: list[dict[str, Any]] = []
    baseline: dict[str, float] = {}
    try:
        worker.start()
        t0 = time.perf_counter()
        # Baseline, same run: the first letters, rendered with nobody killing anything.
        while count_status(engine)["issued"] < min(10, len(letter_ids)) \
                and time.perf_counter() - t0 < 120:
            time.sleep(0.05)
        issued0, t_first = count_status(engine)["issued"], time.perf_counter()
        time.sleep(2)
        baseline["letters_per_s"] = round(
            (count_status(engine)["issued"] - issued0) / (time.perf_counter() - t_first), 1)
        print(f"baseline: {baseline['letters_per_s']} letters/s with no faults", flush=True)
        for k in range(args.kills):
            how = "pool_process" if k % 2 == 0 else "whole_worker"
            deadline = time.perf_counter() + 60
            victims: list[int] = []
            while time.perf_counter() < deadline and count_status(engine)["pending"]:
                victims = letters_being_rendered(engine)
                if victims:
                    break
                time.sleep(0.002)
            if not victims:
                print("no render in progress to interrupt: stopping the kills", flush=True)
                break
            time.sleep(rnd.uniform(0, 0.02))  # somewhere inside the render, not at its start
            if how == "pool_process":
                if not worker.kill_pool_process():
                    continue
            else:
                worker.kill_whole()
            mid = [v for v in victims if _status_of(engine, v) == "pending"]
            kills.append({"kind": how, "letters_in_render": victims,
                          "interrupted": mid, "at_s": round(time.perf_counter() - t0, 2)})
            print(f"kill {k + 1}: SIGKILL {how} while rendering letter(s) {victims}"
                  f" ({'interrupted' if mid else 'had just committed'})", flush=True)
            if how == "whole_worker":
                time.sleep(1)
                worker.start()
            # Let some letters through before the next kill, so kills spread over the run.
            target = count_status(engine)["issued"] + 5
            until = time.perf_counter() + 120
            while count_status(engine)["issued"] < min(target, len(letter_ids)) \
                    and time.perf_counter() < until:
                time.sleep(0.05)
        last_kill = time.perf_counter()
        drain_deadline = time.perf_counter() + args.drain_timeout
        while count_status(engine)["pending"] and time.perf_counter() < drain_deadline:
            time.sleep(0.25)
        drained_s = time.perf_counter() - last_kill
        # Then every consumer's notice: one owed by a job killed after its commit is
        # sent by the recovery a minute later.
        while (notices_owed(engine) or _mails(instance) < len(letter_ids)) \
                and time.perf_counter() < drain_deadline + 120:
            time.sleep(0.5)
        noticed_s = time.perf_counter() - last_kill
        total_s = time.perf_counter() - t0
    finally:
        worker.stop()
        beat.terminate()
        beat.wait(timeout=30)
    figures = reconcile_letters(engine, instance, letter_ids, case_ids)
    engine.dispose()
    figures.update({
        "kills": len(kills),
        "kills_mid_render": sum(bool(k["interrupted"]) for k in kills),
        "kills_by_kind": dict(Counter(k["kind"] for k in kills)),
        "letters_interrupted": sorted({v for k in kills for v in k["interrupted"]}),
        "worker_starts": worker.starts,
        "drained": figures["pending"] == 0,
        "time_to_drain_after_last_kill_s": round(drained_s, 1),
        "time_to_all_notices_after_last_kill_s": round(noticed_s, 1),
        "total_s": round(total_s, 1),
        "baseline_letters_per_s_no_faults": baseline.get("letters_per_s"),
    })
    issued_once = figures.pop("_issued_once_ids")
    figures["interrupted_then_issued_once"] = sum(
        1 for v in figures["letters_interrupted"] if v in issued_once)
    return figures


def notices_owed(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM letters WHERE status = 'issued' "
                                    "AND notified_at IS NULL")).scalar_one()


def _mails(instance: Path) -> int:
    return len(list((instance / "outbox").glob("*.eml")))


def _status_of(engine: sa.Engine, letter_id: int) -> str:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT status FROM letters WHERE id = :i"),
                            {"i": letter_id}).scalar_one()


def reconcile_letters(engine: sa.Engine, instance: Path, letter_ids: list[int],
                      case_ids: list[int]) -> dict[str, Any]:
    """Every requested letter, by id: issued once, file and hash right, events once."""
    letters_dir = instance / "letters"
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(sa.text(
            "SELECT id, case_id, status, sha256, stored_name, size FROM letters"))}
        per_case = Counter(conn.execute(sa.text("SELECT case_id FROM letters")).scalars())
        requests = Counter(conn.execute(sa.text(
            "SELECT (data->>'letter_id')::int FROM case_events WHERE kind = 'letter'"))
            .scalars())
        issued_transitions = Counter(conn.execute(sa.text(
            "SELECT case_id FROM case_events WHERE kind = 'transition' "
            "AND to_state = 'letter_issued'")).scalars())
        audits = Counter(int(x) for x in conn.execute(sa.text(
            "SELECT target_id FROM audit_events WHERE action = 'letter.issued'")).scalars())
        states = Counter(conn.execute(sa.text(
            "SELECT state FROM cases WHERE id = ANY(:ids)"), {"ids": case_ids}).scalars())
    bad_file, issued_once = [], set()
    for letter_id in letter_ids:
        row = rows.get(letter_id)
        if row is None or row.status != "issued":
            continue
        path = letters_dir / row.stored_name
        data = path.read_bytes() if path.exists() else b""
        if (not data.startswith(b"%PDF-") or len(data) != row.size
                or hashlib.sha256(data).hexdigest() != row.sha256):
            bad_file.append(letter_id)
        elif (requests[letter_id] == 1 and audits[letter_id] == 1
              and issued_transitions[row.case_id] == 1 and per_case[row.case_id] == 1):
            issued_once.add(letter_id)
    referenced = {r.stored_name for r in rows.values() if r.stored_name}
    on_disk = [p.name for p in letters_dir.iterdir()] if letters_dir.exists() else []
    from relief.core.mail import read_outbox

    # Each consumer has one case, so the recipient names the letter the notice is about.
    told = Counter(m.to for m in read_outbox(instance / "outbox", limit=1_000_000))
    status = Counter(rows[i].status if i in rows else "missing" for i in letter_ids)
    return {
        "letters_requested": len(letter_ids),
        "rendered": status["issued"],
        "issued_exactly_once": len(issued_once),
        "missing": status["missing"], "pending": status["pending"], "failed": status["failed"],
        "duplicates": sum(n - 1 for n in per_case.values() if n > 1)
        + sum(n - 1 for n in requests.values() if n > 1)
        + sum(n - 1 for n in issued_transitions.values() if n > 1)
        + sum(n - 1 for n in audits.values() if n > 1),
        "unexpected_letters": len(set(rows) - set(letter_ids)),
        "bad_files": len(bad_file),
        "stray_files": len([n for n in on_disk if n not in referenced]),
        "cases_letter_issued": states["letter_issued"],
        "consumers_notified": len(told),
        "duplicate_notices": sum(n - 1 for n in told.values()),
        "_issued_once_ids": issued_once,
    }


# --- PostgreSQL restarted under load ----------------------------------------------------

CLUSTER_VERSION = sorted(os.listdir("/etc/postgresql"))[-1] if Path(
    "/etc/postgresql").exists() else ""


def pg_ctl(action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", CLUSTER_VERSION,
                           "main", action], capture_output=True, text=True, timeout=120)


def postgres_accepts(url: str) -> bool:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool,
                              connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()


class Attempts:
    """Every HTTP attempt: when, what, which status, whether Retry-After came with it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: list[tuple[float, str, int, bool, float]] = []
        self.filed: dict[str, int] = {}  # Idempotency-Key -> case id the API answered
        self.sent: dict[str, str] = {}  # Idempotency-Key -> text
        self.gave_up: list[str] = []

    def add(self, at: float, kind: str, status: int, retry_after: bool, ms: float) -> None:
        with self.lock:
            self.rows.append((at, kind, status, retry_after, ms))


def _call(port: int, method: str, path: str, body: Any, headers: dict[str, str],
          conn: http.client.HTTPConnection) -> tuple[int, Any, dict[str, str]]:
    payload = json.dumps(body).encode() if body is not None else None
    hdrs = {"Content-Type": "application/json", **headers} if payload else headers
    conn.request(method, path, body=payload, headers=hdrs)
    response = conn.getresponse()
    data = response.read()
    ctype = response.getheader("Content-Type") or ""
    return (response.status, json.loads(data) if "json" in ctype and data else data,
            {k.lower(): v for k, v in response.getheaders()})


def filing_client(port: int, tokens: list[str], stop: float, rec: Attempts, n: int) -> None:
    """Files complaints and tracks them; resends with the same key until it is answered."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = 0
    while time.time() < stop:
        token = tokens[i % len(tokens)]
        i += 1
        key = uuid.uuid4().hex
        text = TEXTS[(n + i) % len(TEXTS)] + f" ({n}-{i} {key[:6]})"
        with rec.lock:
            rec.sent[key] = text
        auth = {"Authorization": f"Bearer {token}"}
        give_up = time.time() + 60
        while True:
            started = time.perf_counter()
            try:
                status, data, headers = _call(port, "POST", "/api/v1/cases", {
                    "text": text, "amount_krw": 100_000 + i, "channel": "online",
                    "region": "seoul", "wish": "refund"},
                    {**auth, "Idempotency-Key": key}, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, data, headers = 599, None, {}
            rec.add(time.time(), "file", status, "retry-after" in headers,
                    (time.perf_counter() - started) * 1000)
            if status in (200, 201) and isinstance(data, dict):
                with rec.lock:
                    rec.filed[key] = data["id"]
                break
            if status not in (503, 599) or time.time() > give_up:
                with rec.lock:
                    rec.gave_up.append(key)
                break
            time.sleep(min(float(headers.get("retry-after", 1)), 5))
        started = time.perf_counter()
        try:
            status, _, headers = _call(port, "GET", "/api/v1/cases", None, auth, conn)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status, headers = 599, {}
        rec.add(time.time(), "track", status, "retry-after" in headers,
                (time.perf_counter() - started) * 1000)
    conn.close()


def run_postgres_restart(args: argparse.Namespace) -> dict[str, Any]:
    if not CLUSTER_VERSION:
        raise SystemExit("no /etc/postgresql: this mode needs a Debian PostgreSQL cluster")
    url = fresh_database("relief_bench_faults_pg")
    tokens = consumers_with_tokens(url, 200)
    log = Path(tempfile.mkdtemp(prefix="relief-faults-pg-")) / "gunicorn.log"
    server = Gunicorn(url, workers=2, extra_env={"RELIEF_RATELIMITS": "off"}, log=log)
    print(f"gunicorn log: {log}", flush=True)
    master_pid = server.proc.pid
    workers_before = _children(master_pid)
    rec = Attempts()
    timeline: dict[str, float] = {}
    restart_output = ""
    try:
        for _ in range(4):  # each gunicorn worker loads the router once, before the clock
            request(server.port, "POST", "/api/v1/route", {"text": TEXTS[0]},
                    headers={"Authorization": f"Bearer {tokens[0]}"})
        start = time.time()
        stop = start + args.seconds
        threads = [threading.Thread(target=filing_client,
                                    args=(server.port, tokens[n::args.clients], stop, rec, n))
                   for n in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(args.seconds / 3)
        print(f"{args.clients} clients filing; restarting PostgreSQL now", flush=True)
        timeline["restart_begun"] = time.time()
        try:
            result = pg_ctl("restart")
            restart_output = (result.stdout + result.stderr).strip()
        finally:
            timeline["restart_returned"] = time.time()
            _ensure_postgres_up(url)
        while not postgres_accepts(url) and time.time() < stop + 60:
            time.sleep(0.1)
        timeline["postgres_back"] = time.time()
        print(f"PostgreSQL back after {timeline['postgres_back'] - timeline['restart_begun']:.1f}"
              " s", flush=True)
        for t in threads:
            t.join()
        timeline["clients_done"] = time.time()
        # The app recovers by itself: the same gunicorn answers a fresh filing.
        status, data = request(server.port, "POST", "/api/v1/cases", {
            "text": TEXTS[0] + " (after)", "channel": "online", "region": "seoul",
            "wish": "refund"}, headers={"Authorization": f"Bearer {tokens[-1]}",
                                        "Idempotency-Key": uuid.uuid4().hex})
        after_status = status
        if status == 201 and isinstance(data, dict):
            rec.filed[f"after-{data['id']}"] = data["id"]
            rec.sent[f"after-{data['id']}"] = TEXTS[0] + " (after)"
        same_master = server.proc.poll() is None and server.proc.pid == master_pid
        workers_after = _children(master_pid)
    finally:
        _ensure_postgres_up(url)
        server.stop()
    server_log = log.read_text(errors="replace")
    return reconcile_filings(url, rec, timeline, start, {
        # The server's own account: the 503 handler logs each outage hit, a 500 is logged
        # as unhandled.
        "server_logged_database_unavailable": server_log.count("database unavailable on"),
        "server_logged_unhandled_errors": server_log.count("unhandled error on"),
        "gunicorn_master_unchanged": same_master,
        "gunicorn_workers_replaced": len(set(workers_before) - set(workers_after)),
        "filing_after_recovery_status": after_status,
        "restart_output": restart_output[-200:],
    })


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _ensure_postgres_up(url: str) -> None:
    """Whatever happened, leave PostgreSQL running: other work on this machine needs it."""
    for _ in range(3):
        if postgres_accepts(url):
            return
        status = pg_ctl("status")
        if status.returncode == 3:  # not running
            pg_ctl("start")
        time.sleep(2)
    if not postgres_accepts(url):
        raise RuntimeError("PostgreSQL did not come back: start it with pg_ctlcluster")


def reconcile_filings(url: str, rec: Attempts, timeline: dict[str, float], start: float,
                      extra: dict[str, Any]) -> dict[str, Any]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        cases = {r.submission_key: r for r in conn.execute(sa.text(
            "SELECT id, submission_key, text, state FROM cases"))}
        events = Counter()
        for case_id, kind in conn.execute(sa.text("SELECT case_id, kind FROM case_events")):
            events[(case_id, kind)] += 1
        without_events = conn.execute(sa.text(
            "SELECT count(*) FROM cases c WHERE NOT EXISTS "
            "(SELECT 1 FROM case_events e WHERE e.case_id = c.id)")).scalar_one()
    engine.dispose()
    by_id = {r.id: r for r in cases.values()}

    def complete(case_id: int) -> bool:
        # A filing routed to a body writes its 'filed' event and its 'routed' transition.
        row = by_id.get(case_id)
        if row is None or events[(case_id, "filed")] != 1:
            return False
        return row.state != "routed" or events[(case_id, "transition")] == 1

    lost, incomplete, mismatched = [], [], []
    for key, case_id in rec.filed.items():
        row = by_id.get(case_id)
        if row is None:
            lost.append(case_id)
            continue
        if not complete(case_id):
            incomplete.append(case_id)
        if not key.startswith("after-") and (not row.submission_key.endswith(":" + key)
                                              or row.text != rec.sent[key]):
            mismatched.append(case_id)
    half_written = [r.id for r in cases.values() if not complete(r.id)]
    answered_keys = {k for k in rec.filed if not k.startswith("after-")}
    # A case nobody was told about: its request died with the database and the client
    # gave up. Not a loss (the consumer was never told it was filed), but counted.
    unanswered_cases = [r.id for k, r in cases.items()
                        if k.startswith("api:") and k.split(":")[-1] not in answered_keys
                        and not any(r.id == v for v in rec.filed.values())]
    outage = (timeline["restart_begun"], timeline["postgres_back"])
    phases: dict[str, Counter[str]] = {"before": Counter(), "outage": Counter(),
                                       "after": Counter()}
    retry_after_missing = 0
    latencies: dict[str, list[float]] = {"before": [], "after": []}
    first_ok_after = None
    for at, _kind, status, retry_after, ms in sorted(rec.rows):
        phase = ("before" if at < outage[0] else "outage" if at <= outage[1] + 0.5
                 else "after")
        phases[phase][str(status)] += 1
        if status == 503 and not retry_after:
            retry_after_missing += 1
        if phase in latencies and status < 400:
            latencies[phase].append(ms)
        if phase == "after" and status < 400 and first_ok_after is None:
            first_ok_after = at
    all_statuses = Counter(str(r[2]) for r in rec.rows)
    return {
        "requests": len(rec.rows),
        "statuses": dict(sorted(all_statuses.items())),
        "statuses_before": dict(sorted(phases["before"].items())),
        "statuses_during_outage": dict(sorted(phases["outage"].items())),
        "statuses_after": dict(sorted(phases["after"].items())),
        "errors_500": sum(n for s, n in all_statuses.items() if s.startswith("5")
                          and s not in ("503", "599")),
        "dropped_connections": all_statuses.get("599", 0),
        "503_without_retry_after": retry_after_missing,
        "outage_s": round(outage[1] - outage[0], 1),
        # First success counted in "after" (0.5 s past PostgreSQL answering again): an
        # upper bound on recovery, as clients that got a 503 are waiting out Retry-After.
        "recovered_after_s": round(first_ok_after - outage[1], 2) if first_ok_after else None,
        "filings_answered": len(rec.filed),
        "filings_given_up": len(rec.gave_up),
        "lost": len(lost), "answered_but_incomplete": len(incomplete),
        "mismatched": len(mismatched),
        "cases_without_their_events": len(half_written),
        "cases_without_any_event": without_events,
        "cases_stored": len(cases), "unanswered_cases": len(unanswered_cases),
        "p95_ms_before": round(pct(latencies["before"], 95), 1),
        "p95_ms_after": round(pct(latencies["after"], 95), 1),
        "started": round(start, 1),
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres-restart", action="store_true",
                        help="restart PostgreSQL under filing load instead")
    parser.add_argument("--letters", type=int, default=150)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--drain-timeout", type=float, default=600)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--clients", type=int, default=6)
    args = parser.parse_args()
    if args.postgres_restart:
        figures = {"mode": "postgres_restart", **run_postgres_restart(args)}
    else:
        figures = {"mode": "worker_killed", **run_letters(args)}
    for key, value in figures.items():
        print(f"{key:>34}: {value}")
    print(json.dumps(figures, default=list))


if __name__ == "__main__":
    main()
