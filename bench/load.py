"""Five minutes of mixed load on the production stack, then reconciliation by id.

gunicorn (2 workers) + PostgreSQL + Redis + a Celery worker and beat, all at once:

- consumers file and track through the API, write to the officer on their cases,
  answer the officers' questions, and download their letters once issued;
- officers work their queue in the browser pages (session, CSRF): accept, note, and
  carry some cases through a question, the business's reply and an outcome to the
  resolution letter (requested in the compose page, rendered by the Celery worker);
- a supervisor reads every queue and the triage, and every few seconds downloads the
  dashboard and the CSV export, each checked for completeness (header, every row whole,
  every case filed before it started present).

Afterwards, once the Celery queue has drained (bounded by ``--drain-timeout``), every
case, event, message and letter a client saw succeed is looked up in the database by
id or content: each requested letter exists exactly once, issued, its file's SHA-256
and size as recorded, its consumer told by mail; every case has its receipt mail and
an unbroken chain of transitions ending in its current state.

    .venv/bin/python bench/load.py [--seconds 300] [--drain-timeout 180]

Last line JSON: requests, errors_5xx, lost, p95_ms, the letter, message, export and
mail figures, per-kind counts and p95. Baseline in the same run: GET /healthz latency,
the server's floor.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import random
import re
import statistics
import subprocess
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from _stack import ROOT, Gunicorn, consumers_with_tokens, fresh_database, pct

TEXTS = ["헬스장 회원권 환불을 거절당했어요. 남은 기간 환불 받고 싶습니다.",
         "인터넷 쇼핑몰에서 산 패딩이 불량인데 반품을 안 해줘요.",
         "휴대폰 요금에 모르는 소액결제가 청구됐습니다.",
         "The airline cancelled my flight and refuses any compensation."]
PASSWORD = "load-officer-2026"
REDIS_URL = "redis://127.0.0.1:6379/9"  # bench/faults.py uses 10
OFFICERS = [("load.kca@relief.demo", "kca"), ("load.ecmc@relief.demo", "ecmc"),
            ("load.telecom@relief.demo", "kcc-tdmc")]
SUPERVISOR = "load.supervisor@relief.demo"
PIPELINE_MAX = 4  # cases an officer carries towards a letter at once
ANSWER_WAIT_S = 30.0  # how long an officer waits for the consumer's answer
EXPORT_EVERY_S = 10.0
LETTER_CHECK_AFTER_S = 3.0
_NO_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def tag() -> str:
    """A unique word without digits: the masker never touches it, so text reads back."""
    return uuid.uuid4().hex[:12].translate(_NO_DIGITS)


class Recorder:
    """What the clients saw succeed, for the reconciliation, and every request's timing."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, list[int]] = defaultdict(list)
        self.cases: set[int] = set()
        self.case_token: dict[int, str] = {}
        self.notes: set[tuple[int, str]] = set()
        # (case id, kind, to_state, reason) of each officer action answered 302.
        self.actions: list[tuple[int, str, str | None, str | None]] = []
        self.messages: dict[int, tuple[int, str]] = {}  # event id -> (case id, body)
        self.asked: list[int] = []  # questions waiting for the consumer
        self.answered: set[int] = set()  # cases whose question the consumer answered
        self.resumed_by_officer: set[int] = set()  # answer never seen: officer moved on
        self.resolved: list[int] = []  # cases whose consumer will write about the outcome
        self.letters: dict[int, tuple[str, float]] = {}  # case id -> (summary, when)
        self.to_download: list[tuple[int, float, int]] = []
        self.downloads_ok = 0
        self.download_mismatch = 0
        self.exports: list[dict[str, Any]] = []
        self.clients_done = False

    def add(self, kind: str, started: float, status: int) -> None:
        with self.lock:
            self.latency[kind].append((time.perf_counter() - started) * 1000)
            self.status[kind].append(status)


def timed(rec: Recorder, kind: str, call: Any, *args: Any, **kwargs: Any
          ) -> requests.Response | None:
    """One request, timed and counted; a dropped connection counts as a 599."""
    started = time.perf_counter()
    try:
        response = call(*args, timeout=60, **kwargs)
    except requests.RequestException:
        rec.add(kind, started, 599)
        return None
    rec.add(kind, started, response.status_code)
    return response


# --- consumers (the JSON API) -------------------------------------------------------------

def consumer(base: str, tokens: list[str], stop: float, rec: Recorder, n: int) -> None:
    s = requests.Session()
    rnd = random.Random(n)
    mine: list[int] = []
    i = 0
    while time.time() < stop:
        token = tokens[i % len(tokens)]
        i += 1
        h = {"Authorization": f"Bearer {token}"}
        r = timed(rec, "file", s.post, f"{base}/api/v1/cases", json={
            "text": TEXTS[(n + i) % len(TEXTS)] + f" #{n}-{i}", "amount_krw": 100_000 + i,
            "channel": "online", "region": "seoul", "wish": "refund"},
            headers={**h, "Idempotency-Key": uuid.uuid4().hex})
        if r is not None and r.status_code == 201:
            case_id = r.json()["id"]
            mine.append(case_id)
            with rec.lock:
                rec.cases.add(case_id)
                rec.case_token[case_id] = token
        timed(rec, "track_list", s.get, f"{base}/api/v1/cases", headers=h)
        if mine:
            timed(rec, "track_case", s.get, f"{base}/api/v1/cases/{mine[-1]}",
                  headers=_auth(rec, mine[-1]))
        answer_question(s, base, rec)
        if i % 2 == 0 and mine:  # a word to the officer on one of the recent cases
            send_message(s, base, rec, rnd.choice(mine[-10:]), "message")
        ask_about_outcome(s, base, rec)
        check_letter(s, base, rec)


def _auth(rec: Recorder, case_id: int) -> dict[str, str]:
    with rec.lock:
        return {"Authorization": f"Bearer {rec.case_token[case_id]}"}


def _pop(rec: Recorder, items: list[int]) -> int | None:
    with rec.lock:
        return items.pop(0) if items else None


def send_message(s: requests.Session, base: str, rec: Recorder, case_id: int, kind: str
                 ) -> requests.Response | None:
    body = f"소비자 메시지 {tag()}"
    r = timed(rec, kind, s.post, f"{base}/api/v1/cases/{case_id}/messages",
              json={"body": body}, headers=_auth(rec, case_id))
    if r is not None and r.status_code == 201:
        with rec.lock:
            rec.messages[r.json()["id"]] = (case_id, body)
    return r


def answer_question(s: requests.Session, base: str, rec: Recorder) -> None:
    """The consumer got the question by mail, opens the case and answers it."""
    case_id = _pop(rec, rec.asked)
    if case_id is None:
        return
    r = timed(rec, "track_case", s.get, f"{base}/api/v1/cases/{case_id}",
              headers=_auth(rec, case_id))
    if r is None or r.status_code != 200 or r.json()["state"] != "awaiting_consumer":
        return
    r = send_message(s, base, rec, case_id, "answer")
    if r is not None and r.status_code == 201:
        with rec.lock:
            rec.answered.add(case_id)


def ask_about_outcome(s: requests.Session, base: str, rec: Recorder) -> None:
    """Told the case is resolved, the consumer asks when the letter comes: this races
    the officer's letter request and its rendering."""
    case_id = _pop(rec, rec.resolved)
    if case_id is not None:
        send_message(s, base, rec, case_id, "message")


def check_letter(s: requests.Session, base: str, rec: Recorder) -> None:
    """Download an issued letter as the app does and check it against its SHA-256."""
    with rec.lock:
        due = [x for x in rec.to_download if time.time() - x[1] > LETTER_CHECK_AFTER_S]
        if not due:
            return
        rec.to_download.remove(due[0])
    case_id, _requested, attempts = due[0]
    h = _auth(rec, case_id)
    r = timed(rec, "letter_list", s.get, f"{base}/api/v1/cases/{case_id}/letters", headers=h)
    if r is None or r.status_code != 200:
        return
    items = r.json()["items"]
    if not items:  # not issued yet: look again later
        if attempts < 20:
            with rec.lock:
                rec.to_download.append((case_id, time.time(), attempts + 1))
        return
    r = timed(rec, "letter_pdf", s.get, base + items[0]["download_url"], headers=h)
    if r is None or r.status_code != 200:
        return
    with rec.lock:
        if hashlib.sha256(r.content).hexdigest() == items[0]["sha256"] \
                and len(r.content) == items[0]["size"]:
            rec.downloads_ok += 1
        else:
            rec.download_mismatch += 1


# --- officers (the desk pages) --------------------------------------------------------------

def login(base: str, email: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{base}/account/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    s.post(f"{base}/account/login", data={"email": email, "password": PASSWORD,
                                          "csrf_token": token}, timeout=30)
    return s


def _form(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="(csrf_token|version|last_event)" value="([^"]*)"', page))


class Pipeline:
    """One officer's cases on their way to a letter: accept is done, then (every other
    case) ask the consumer and wait for the answer, (every third) write a note, record
    the business's reply and the outcome, and request the letter."""

    def __init__(self) -> None:
        self.steps: dict[int, list[str]] = {}
        self.asked_at: dict[int, float] = {}
        self.count = 0

    def take(self, case_id: int) -> None:
        self.count += 1
        head = ["ask", "await_answer"] if self.count % 2 else []
        note = ["note"] if self.count % 3 == 0 else []
        self.steps[case_id] = [*head, *note, "business_reply", "outcome", "letter"]

    def full(self) -> bool:
        return len(self.steps) >= PIPELINE_MAX


def officer(base: str, email: str, stop: float, rec: Recorder) -> None:
    s = login(base, email)
    work = Pipeline()
    while time.time() < stop:
        r = timed(rec, "queue", s.get, f"{base}/desk/?sort=newest")
        if r is None:
            continue
        ids = [int(x) for x in re.findall(r'href="/desk/cases/(\d+)"', r.text)][:3]
        for case_id in ids:
            if case_id in work.steps:
                continue
            page = timed(rec, "case_page", s.get, f"{base}/desk/cases/{case_id}")
            if page is None or page.status_code != 200:
                continue
            action = "accept" if "/accept\"" in page.text else "note"
            note = f"load note {tag()}"
            r = timed(rec, f"act_{action}", s.post, f"{base}/desk/cases/{case_id}/{action}",
                      data={**_form(page.text), "text": note}, allow_redirects=False)
            if r is None or r.status_code != 302:
                continue
            with rec.lock:
                if action == "note":
                    rec.notes.add((case_id, note))
                else:
                    rec.actions.append((case_id, "transition", "accepted", None))
            if action == "accept" and not work.full():
                work.take(case_id)
        for case_id in list(work.steps):
            if time.time() >= stop:
                break
            advance(s, base, rec, work, case_id)


def advance(s: requests.Session, base: str, rec: Recorder, work: Pipeline, case_id: int
            ) -> None:
    """The case's next step; a stale page (409) is tried again on the next round."""
    step = work.steps[case_id][0]
    if step == "letter":
        if request_letter(s, base, rec, case_id):
            del work.steps[case_id]
        return
    page = timed(rec, "case_page", s.get, f"{base}/desk/cases/{case_id}")
    if page is None or page.status_code != 200:
        return
    text = f"load {step} {tag()}"
    data = {**_form(page.text), "text": text}
    expect: tuple[str, str | None, str | None]
    if step == "await_answer":
        if "/resume\"" not in page.text:  # the consumer's answer resumed the case
            work.steps[case_id].pop(0)
            return
        if time.time() - work.asked_at[case_id] < ANSWER_WAIT_S:
            return
        # No answer in time (or one that did not resume the case): go on without it.
        step, expect = "resume", ("transition", "in_progress", None)
        with rec.lock:
            rec.resumed_by_officer.add(case_id)
    elif step == "ask":
        expect = ("transition", "awaiting_consumer", text)
    elif step == "business_reply":
        expect = ("business_reply", None, text)
    elif step == "note":
        expect = ("note", None, text)
    else:
        data.update(outcome="refunded", amount_krw="150000")
        expect = ("transition", "resolved", text)
    r = timed(rec, f"act_{step}", s.post, f"{base}/desk/cases/{case_id}/{step}", data=data,
              allow_redirects=False)
    if r is None or r.status_code == 409:
        return
    if r.status_code != 302:
        del work.steps[case_id]  # the case went somewhere this officer cannot follow
        return
    work.steps[case_id].pop(0)
    with rec.lock:
        rec.actions.append((case_id, *expect))
        if step == "note":
            rec.notes.add((case_id, text))
        elif step == "ask":
            work.asked_at[case_id] = time.time()
            rec.asked.append(case_id)
        elif step == "outcome":
            rec.resolved.append(case_id)


def request_letter(s: requests.Session, base: str, rec: Recorder, case_id: int) -> bool:
    """Open the compose page (and its preview frame), then issue the letter."""
    page = timed(rec, "letter_compose", s.get, f"{base}/desk/cases/{case_id}/letter")
    if page is None or page.status_code != 200:
        return page is not None and page.status_code == 404
    timed(rec, "letter_preview", s.get, f"{base}/desk/cases/{case_id}/letter/preview.html")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    if token is None:
        return False
    summary = f"헬스장 회원권 환불 요청 {tag()}"
    r = timed(rec, "letter_issue", s.post, f"{base}/desk/cases/{case_id}/letter/issue",
              data={"csrf_token": token.group(1), "summary": summary,
                    "facts": "사업자가 잔여 기간 환급에 동의함.",
                    "business_action": "소비자에게 금 150,000원을 환급",
                    "officer_title": "피해구제1국 조사관", "action_due": ""},
              allow_redirects=False)
    if r is None or r.status_code >= 500:
        return False
    if r.status_code == 302:
        with rec.lock:
            rec.letters[case_id] = (summary, time.time())
            rec.to_download.append((case_id, time.time(), 0))
    return True  # 409 (already requested, wrong state): nothing more to do here


# --- the supervisor ---------------------------------------------------------------------

def supervisor(base: str, stop: float, rec: Recorder, columns: tuple[str, ...]) -> None:
    s = login(base, SUPERVISOR)
    next_export = time.time() + 5
    while time.time() < stop:
        for path in ("/desk/?state=all", "/desk/triage", "/desk/?deadline=overdue"):
            timed(rec, "supervisor", s.get, f"{base}{path}")
        if time.time() >= next_export:
            next_export = time.time() + EXPORT_EVERY_S
            r = timed(rec, "dashboard", s.get, f"{base}/stats/")
            if r is not None and r.status_code == 200 and not r.text.rstrip().endswith(
                    "</html>"):
                with rec.lock:
                    rec.exports.append({"kind": "dashboard", "complete": False})
            export(s, base, rec, columns)


def export(s: requests.Session, base: str, rec: Recorder, columns: tuple[str, ...]) -> None:
    """Download the CSV export and check it is whole: every case answered before the
    request began is in it, and nothing beyond what can have been filed by its end."""
    with rec.lock:
        before = set(rec.cases)
    r = timed(rec, "export_csv", s.get, f"{base}/stats/export.csv?from=")
    with rec.lock:
        after = len(rec.cases)
    result: dict[str, Any] = {"kind": "csv", "complete": False, "status": getattr(
        r, "status_code", 599)}
    if r is not None and r.status_code == 200:
        raw = r.content
        result["bytes"] = len(raw)
        try:
            text = raw.decode("utf-8")
            rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        except (UnicodeDecodeError, csv.Error) as exc:
            result["problem"] = exc.__class__.__name__
        else:
            numbers = [row[0] for row in rows[1:]]
            ids = {int(x.rsplit("-", 1)[1]) for x in numbers if re.fullmatch(r"R\d{4}-\d+", x)}
            result.update(
                rows=len(rows) - 1, header_ok=bool(rows) and tuple(rows[0]) == columns,
                whole_rows=all(len(row) == len(columns) for row in rows),
                ends_with_newline=text.endswith("\r\n"),
                unique=len(ids) == len(numbers),
                missing=len(before - ids),
                # Filings in flight when the export ended: one per consumer client at most.
                plausible=len(before) <= len(rows) - 1 <= after + 6)
            result["complete"] = all(result[k] for k in (
                "header_ok", "whole_rows", "ends_with_newline", "unique", "plausible")) \
                and result["missing"] == 0
    with rec.lock:
        rec.exports.append(result)


# --- the stack, the drain and the reconciliation --------------------------------------------

def queue_depth(r: Any) -> int:
    """Jobs waiting in Redis plus those a worker has taken and not yet acknowledged."""
    return int(r.llen("celery")) + int(r.hlen("unacked"))


def drain(engine: sa.Engine, redis_client: Any, timeout: float) -> tuple[bool, float]:
    """Wait until no job is queued or running, no letter is pending and no notice owed."""
    started = time.perf_counter()
    quiet_since = None
    while time.perf_counter() - started < timeout:
        with engine.connect() as conn:
            owed = conn.execute(sa.text(
                "SELECT count(*) FROM letters WHERE status = 'pending' "
                "OR (status = 'issued' AND notified_at IS NULL)")).scalar_one()
        if owed == 0 and queue_depth(redis_client) == 0:
            # Twice, a second apart: a notice job is queued after the letter's commit.
            if quiet_since is not None and time.perf_counter() - quiet_since >= 1:
                return True, time.perf_counter() - started
            quiet_since = quiet_since or time.perf_counter()
        else:
            quiet_since = None
        time.sleep(0.25)
    return False, time.perf_counter() - started


def translations() -> tuple[str, str]:
    """The receipt's subject and the letter state's label, as the Korean mail has them."""
    from babel.support import Translations

    t = Translations.load(str(ROOT / "relief/translations"), ["ko"])
    return (t.gettext("Your complaint %(number)s was received").split("%(number)s")[-1],
            t.gettext("Resolution letter issued"))


def reconcile(engine: sa.Engine, instance: Path, rec: Recorder, staff: dict[str, int]
              ) -> dict[str, Any]:
    with engine.connect() as conn:
        stored = set(conn.execute(sa.text("SELECT id FROM cases")).scalars())
        states = dict(conn.execute(sa.text("SELECT id, state FROM cases")).all())
        events = conn.execute(sa.text(
            "SELECT id, case_id, kind, from_state, to_state, reason, actor_id, data "
            "FROM case_events ORDER BY id")).all()
        letters = conn.execute(sa.text(
            "SELECT id, case_id, status, sha256, stored_name, size, notified_at "
            "FROM letters")).all()
        audits = Counter(int(x) for x in conn.execute(sa.text(
            "SELECT target_id FROM audit_events WHERE action = 'letter.issued'")).scalars())
        consumer_of = dict(conn.execute(sa.text(
            "SELECT c.id, u.email FROM cases c JOIN users u ON u.id = c.consumer_id")).all())
    by_id = {e.id: e for e in events}
    officer_ids = set(staff.values())

    # Cases and the officers' actions, by content.
    lost_cases = rec.cases - stored
    notes = {(e.case_id, e.reason) for e in events if e.kind == "note"}
    lost_notes = rec.notes - notes
    done = Counter((e.case_id, e.kind, e.to_state, e.reason) for e in events
                   if e.actor_id in officer_ids)
    lost_actions = [a for a in rec.actions if done[a] < 1]

    # Consumer messages, by the event id the API answered.
    lost_messages = [i for i, (case_id, body) in rec.messages.items()
                     if i not in by_id or by_id[i].kind != "message"
                     or by_id[i].case_id != case_id or by_id[i].reason != body]
    resumed_by_answer = {e.case_id for e in events if e.kind == "transition"
                         and e.from_state == "awaiting_consumer"
                         and (e.data or {}).get("answered")}

    # Every case's transitions form one unbroken chain ending in its current state.
    current: dict[int, str] = {}
    broken: set[int] = set()
    for e in events:
        if e.kind == "filed":
            current[e.case_id] = e.to_state
        elif e.kind == "transition":
            if current.get(e.case_id) != e.from_state:
                broken.add(e.case_id)
            current[e.case_id] = e.to_state
    broken |= {c for c, state in states.items() if current.get(c) != state}

    # Letters: each requested one exists once, issued, its file as recorded.
    per_case = Counter(row.case_id for row in letters)
    letter_of = {row.case_id: row for row in letters}
    requests_of = Counter((e.data or {}).get("letter_id") for e in events if e.kind == "letter")
    drafts = {(e.data or {}).get("letter_id"): ((e.data or {}).get("draft") or {}).get("summary")
              for e in events if e.kind == "letter"}
    issued_transitions = Counter(e.case_id for e in events if e.kind == "transition"
                                 and e.to_state == "letter_issued")
    status = Counter()
    bad_files, duplicates, wrong_draft, issued_once = [], 0, [], []
    for case_id, (summary, _when) in rec.letters.items():
        row = letter_of.get(case_id)
        status[row.status if row else "missing"] += 1
        if row is None:
            continue
        duplicates += (per_case[case_id] - 1) + max(0, requests_of[row.id] - 1) \
            + max(0, issued_transitions[case_id] - 1) + max(0, audits[row.id] - 1)
        if drafts.get(row.id) != summary:
            wrong_draft.append(row.id)
        if row.status != "issued":
            continue
        path = instance / "letters" / row.stored_name
        data = path.read_bytes() if path.exists() else b""
        if (not data.startswith(b"%PDF-") or len(data) != row.size
                or hashlib.sha256(data).hexdigest() != row.sha256):
            bad_files.append(row.id)
        elif (per_case[case_id] == 1 and requests_of[row.id] == 1 and audits[row.id] == 1
              and issued_transitions[case_id] == 1 and states.get(case_id) == "letter_issued"):
            issued_once.append(row.id)
    unexpected = [row.id for row in letters if row.case_id not in rec.letters]

    # Mail: every case its receipt, every issued letter its notice, none twice.
    from relief.core.mail import read_outbox

    receipt_subject, issued_label = translations()
    receipts: Counter[int] = Counter()
    notices: Counter[int] = Counter()
    mails = read_outbox(instance / "outbox", limit=10_000_000)
    for mail in mails:
        found = re.search(r"/complaints/(\d+)", mail.body)
        if found is None:
            continue
        case_id = int(found.group(1))
        if mail.to != consumer_of.get(case_id):
            continue
        if mail.subject.endswith(receipt_subject):
            receipts[case_id] += 1
        elif issued_label in mail.body:
            notices[case_id] += 1
    issued_cases = [c for c in rec.letters if letter_of.get(c) is not None
                    and letter_of[c].status == "issued"]
    return {
        "lost_cases": len(lost_cases), "lost_notes": len(lost_notes),
        "lost_actions": len(lost_actions), "lost_messages": len(lost_messages),
        "events": len(events), "cases_with_broken_chain": len(broken),
        "answers_that_resumed_the_case": len(rec.answered & resumed_by_answer),
        "answers_that_did_not": len(rec.answered - resumed_by_answer),
        "letters_requested": len(rec.letters), "letters_issued_once": len(issued_once),
        "letters_missing": status["missing"], "letters_pending": status["pending"],
        "letters_failed": status["failed"], "letter_duplicates": duplicates,
        "letters_bad_file": len(bad_files), "letters_wrong_draft": len(wrong_draft),
        "letters_unexpected": len(unexpected),
        "letters_notified": sum(1 for c in issued_cases if notices[c] >= 1
                                and letter_of[c].notified_at is not None),
        "letter_notices_missing": sum(1 for c in issued_cases if notices[c] == 0),
        "mails_sent": len(mails),
        "receipts_missing": sum(1 for c in rec.cases if receipts[c] == 0),
        "duplicate_mails": sum(n - 1 for n in receipts.values() if n > 1)
        + sum(n - 1 for n in notices.values() if n > 1),
    }


def start_stack(url: str) -> tuple[Gunicorn, list[subprocess.Popen[bytes]]]:
    env = {"RELIEF_RATELIMITS": "off", "REDIS_URL": REDIS_URL, "RELIEF_COOKIE_SECURE": "off"}
    server = Gunicorn(url, workers=2, extra_env=env)
    celery_env = {**os.environ, "RELIEF_ENV": "production", "DATABASE_URL": url,
                  "SECRET_KEY": "x" * 48, "REDIS_URL": REDIS_URL, "RELIEF_COOKIE_SECURE": "off",
                  "RELIEF_INSTANCE_PATH": str(server.instance)}
    celery = str(ROOT / ".venv/bin/celery")
    worker = subprocess.Popen([celery, "-A", "relief.tasks", "worker", "--concurrency", "1",
                               "--loglevel", "warning"], cwd=ROOT, env=celery_env)
    beat = subprocess.Popen([celery, "-A", "relief.tasks", "beat", "--loglevel", "warning",
                             "-s", str(server.instance / "beat")], cwd=ROOT, env=celery_env)
    return server, [worker, beat]


def create_staff_users(url: str) -> dict[str, int]:
    from relief.accounts.models import Role
    from relief.accounts.workflow import create_staff

    engine = sa.create_engine(url)
    ids = {}
    with sa.orm.Session(engine) as s:
        for email, role, agency in [*((e, Role.OFFICER, a) for e, a in OFFICERS),
                                    (SUPERVISOR, Role.SUPERVISOR, None)]:
            ids[email] = create_staff(s, actor=None, email=email, display_name=email.split("@")[0],
                                      role=role, password=PASSWORD, agency_id=agency)
        s.commit()
        ids = {email: user.id for email, user in ids.items()}
    engine.dispose()
    return ids


def summarise_exports(rec: Recorder) -> dict[str, Any]:
    csvs = [x for x in rec.exports if x["kind"] == "csv"]
    return {
        "exports": len(csvs),
        "exports_complete": sum(x["complete"] for x in csvs),
        "export_rows_last": csvs[-1].get("rows") if csvs else None,
        "export_mb_last": round(csvs[-1].get("bytes", 0) / 1e6, 2) if csvs else None,
        "export_p50_ms": round(statistics.median(rec.latency["export_csv"]), 1)
        if rec.latency["export_csv"] else None,
        "export_p95_ms": round(pct(rec.latency["export_csv"], 95), 1),
        "exports_incomplete": [x for x in csvs if not x["complete"]][:3],
        "dashboards": len(rec.latency["dashboard"]),
        "dashboards_incomplete": sum(1 for x in rec.exports if x["kind"] == "dashboard"),
        "dashboard_p95_ms": round(pct(rec.latency["dashboard"], 95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--drain-timeout", type=float, default=180)
    args = parser.parse_args()
    url = fresh_database("relief_bench_load")
    tokens = consumers_with_tokens(url, 300)
    staff = create_staff_users(url)
    import redis

    from relief.stats.export import COLUMNS

    redis_client = redis.Redis.from_url(REDIS_URL)
    redis_client.flushdb()  # no jobs left over from an earlier run
    server, celery = start_stack(url)
    engine = sa.create_engine(url)
    base = f"http://127.0.0.1:{server.port}"
    rec = Recorder()
    try:
        for _ in range(4):  # each gunicorn worker loads the router once, before the clock
            requests.post(f"{base}/api/v1/route", json={"text": TEXTS[0]}, timeout=60)
        floor = []
        for _ in range(50):
            started = time.perf_counter()
            requests.get(f"{base}/healthz", timeout=10)
            floor.append((time.perf_counter() - started) * 1000)
        stop = time.time() + args.seconds
        threads = [threading.Thread(target=consumer, args=(base, tokens[n::6], stop, rec, n))
                   for n in range(6)]
        threads += [threading.Thread(target=officer, args=(base, e, stop, rec))
                    for e, _agency in OFFICERS]
        threads.append(threading.Thread(target=supervisor, args=(base, stop, rec, COLUMNS)))
        print(f"{len(threads)} clients for {args.seconds:.0f} s", flush=True)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        server.stop()
        print("clients done; waiting for the Celery queue to drain", flush=True)
        drained, drain_s = drain(engine, redis_client, args.drain_timeout)
    finally:
        if server.proc.poll() is None:
            server.stop()
        for proc in celery:
            proc.terminate()
            proc.wait(timeout=30)
    found = reconcile(engine, server.instance, rec, staff)
    engine.dispose()
    all_lat = [x for v in rec.latency.values() for x in v]
    all_status = [x for v in rec.status.values() for x in v]
    lost = (found["lost_cases"] + found["lost_notes"] + found["lost_actions"]
            + found["lost_messages"] + found["letters_missing"])
    figures: dict[str, Any] = {
        "seconds": args.seconds, "requests": len(all_status),
        "per_s": round(len(all_status) / args.seconds, 1),
        "errors_5xx": sum(s >= 500 for s in all_status), "lost": lost,
        "p50_ms": round(statistics.median(all_lat), 1), "p95_ms": round(pct(all_lat, 95), 1),
        "p99_ms": round(pct(all_lat, 99), 1), "cases_filed": len(rec.cases),
        "notes_written": len(rec.notes), "officer_actions": len(rec.actions),
        "messages_sent": len(rec.messages), "questions_answered": len(rec.answered),
        "questions_resumed_by_officer": len(rec.resumed_by_officer),
        "letters_downloaded_ok": rec.downloads_ok,
        "letters_download_mismatch": rec.download_mismatch,
        **summarise_exports(rec),
        "queue_drained": drained, "drain_s": round(drain_s, 1),
        **found,
        "baseline_healthz_p95_ms": round(pct(floor, 95), 1),
        "by_kind": {k: {"n": len(v), "p95_ms": round(pct(v, 95), 1),
                        "non_2xx_3xx": dict(Counter(str(s) for s in rec.status[k]
                                                    if not 200 <= s < 400))}
                    for k, v in sorted(rec.latency.items())},
    }
    for key, value in figures.items():
        print(f"{key:>32}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
