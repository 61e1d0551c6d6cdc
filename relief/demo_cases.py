"""Realistic synthetic cases, fast: ``flask --app wsgi demo generate --cases N``.

For benchmarks and the statistics demo. On PostgreSQL rows go in with COPY (a
million cases in a few minutes); on SQLite with executemany. Seeded, so two runs
with the same seed give the same data. Texts are short templated sentences: they
fill pages and indexes realistically, they are never training data for the router.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from agencies import load_registry
from relief.accounts.models import User
from relief.cases.models import CHANNELS, OUTCOMES, REGIONS, WISHES
from relief.core.security import hash_password

# Share of cases per body, roughly as complaints are spread in practice.
WEIGHTS = {"kca": 30, "ecmc": 8, "kcc-tdmc": 8, "fss-fdmc": 8, "kcdrc": 6, "kmdma": 4,
           "hldc": 4, "adc": 2, "pipc-dmc": 2, "katri-lemon": 1, "kca-crossborder": 3}
BUSINESSES = ["오케이몰", "튼튼피트니스", "하늘항공", "바로통신", "한빛카드", "다온게임즈",
              "새봄여행사", "푸른가구", "미소성형외과", "든든보험", "빠른택배", "OKmall",
              "스타일샵", "온누리렌탈"]
PRODUCTS = ["헬스장 회원권", "항공권", "휴대폰 요금제", "신용카드", "게임 아이템",
            "패키지 여행", "소파", "성형 시술", "실손보험", "택배", "원피스", "정수기 렌탈"]
PROBLEMS = ["환불을 거부합니다", "위약금이 과다합니다", "제품에 하자가 있습니다",
            "배송이 안 됩니다", "계약 해지를 안 해 줍니다", "요금이 잘못 청구됐습니다",
            "보상을 거절합니다"]
STATES = [("routed", 8), ("accepted", 6), ("in_progress", 10), ("awaiting_consumer", 4),
          ("mediation", 2), ("resolved", 12), ("not_resolved", 4), ("letter_issued", 20),
          ("closed", 26), ("withdrawn", 5), ("submitted", 3)]
CLOSED = {"letter_issued", "closed", "withdrawn"}


def _consumers(engine: Engine, count: int) -> list[int]:
    password = hash_password("demo-consumer-0000")  # one hash: they never log in
    with engine.begin() as conn:
        have = conn.execute(select(func.count()).select_from(User).where(
            User.email.like("gen%@relief.demo"))).scalar_one()
        rows = [{"email": f"gen{n}@relief.demo", "display_name": f"소비자{n}",
                 "password_hash": password, "role": "consumer", "locale": "ko",
                 "created_at": datetime.now(UTC), "failed_logins": 0, "session_version": 1,
                 "active": True, "email_confirmed_at": datetime.now(UTC)}
                for n in range(have, count)]
        if rows:
            conn.execute(User.__table__.insert(), rows)
        return list(conn.execute(select(User.id).where(User.email.like("gen%@relief.demo")))
                    .scalars())


def _case_rows(n: int, start_id: int, consumers: list[int], seed: int
               ) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    rng = random.Random(seed)  # noqa: S311  (reproducible synthetic data, not secrets)
    registry = load_registry()
    bodies = [b.id for b in registry.case_bodies]
    weights = [WEIGHTS.get(b, 0.5) for b in bodies]
    states, state_w = zip(*STATES, strict=True)
    now = datetime.now(UTC)
    for i in range(n):
        case_id = start_id + i
        state = rng.choices(states, state_w)[0]
        agency = None if state == "submitted" else rng.choices(bodies, weights)[0]
        created = now - timedelta(days=rng.random() * 730, seconds=rng.randrange(86400))
        business = rng.choice(BUSINESSES)
        product = rng.choice(PRODUCTS)
        accepted = (None if state in ("routed", "submitted")
                    else created + timedelta(days=rng.random() * 5))
        days = registry.get(agency).deadline.days if agency else None
        due = accepted + timedelta(days=days) if accepted and days else None
        closed = created + timedelta(days=5 + rng.random() * 80) if state in CLOSED else None
        outcome = None
        amount = rng.choice([None, rng.randrange(10_000, 5_000_000, 1000)])
        if state in ("resolved", "letter_issued", "closed"):
            outcome = rng.choice(OUTCOMES[:6])
        case = {
            "id": case_id, "consumer_id": rng.choice(consumers), "agency_id": agency,
            "state": state, "version": 1, "lang": "en" if rng.random() < 0.08 else "ko",
            "text": f"{business}에서 산 {product} 문제로 연락드립니다. {rng.choice(PROBLEMS)}.",
            "masked_kinds": "[]", "product": product, "business_name": business,
            "business_key": business.lower(), "amount_krw": amount,
            "channel": rng.choice(CHANNELS[:5]), "region": rng.choice(REGIONS[:17]),
            "wish": rng.choice(WISHES), "routing": json.dumps({"ranking": [
                {"agency": agency or "kca", "score": round(0.5 + rng.random() / 2, 3)}]}),
            "routing_confidence": 0.8, "consumer_choice": "confirmed",
            "in_triage": state == "submitted", "submission_key": f"gen:{seed}:{case_id}",
            "created_at": created, "updated_at": closed or accepted or created,
            "accepted_at": accepted, "due_at": due, "closed_at": closed,
            "deadline_days": days if accepted else None,
            "deadline_day_type": "calendar" if accepted and days else None,
            "paused_days": 0, "extended_days": 0, "transfer_count": int(rng.random() < 0.07),
            "outcome": outcome, "outcome_amount_krw": amount if outcome else None,
        }
        events = [{"case_id": case_id, "at": created, "kind": "filed", "to_state": "submitted",
                   "visible_to_consumer": True, "data": "{}"}]
        if state != "submitted":
            events.append({"case_id": case_id, "at": created, "kind": "transition",
                           "from_state": "submitted", "to_state": "routed",
                           "visible_to_consumer": True, "data": "{}"})
        if accepted:
            events.append({"case_id": case_id, "at": accepted, "kind": "transition",
                           "from_state": "routed", "to_state": "accepted",
                           "visible_to_consumer": True, "data": "{}"})
        yield case, events


CASE_COLUMNS = ["id", "consumer_id", "agency_id", "state", "version", "lang", "text",
                "masked_kinds", "product", "business_name", "business_key", "amount_krw",
                "channel", "region", "wish", "routing", "routing_confidence", "consumer_choice",
                "in_triage", "submission_key", "created_at", "updated_at", "accepted_at", "due_at",
                "closed_at", "deadline_days", "deadline_day_type", "paused_days", "extended_days",
                "transfer_count", "outcome", "outcome_amount_krw"]
EVENT_COLUMNS = ["case_id", "at", "kind", "from_state", "to_state", "visible_to_consumer", "data"]


def generate_cases(engine: Engine, count: int, *, seed: int = 7, batch: int = 20_000,
                   consumers: int = 20_000, progress: Any = None) -> int:
    """Add ``count`` cases (and their events); returns the number added."""
    consumer_ids = _consumers(engine, consumers)
    with engine.begin() as conn:
        start = (conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM cases")).scalar_one()) + 1
    rows = _case_rows(count, start, consumer_ids, seed + start)
    done = 0
    while done < count:
        chunk = [next(rows) for _ in range(min(batch, count - done))]
        cases = [c for c, _ in chunk]
        events = [e for _, es in chunk for e in es]
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                _copy(conn, "cases", CASE_COLUMNS, cases)
                _copy(conn, "case_events", EVENT_COLUMNS, events)
            else:
                from relief.cases.models import Case, CaseEvent

                conn.execute(Case.__table__.insert(), [_py(c) for c in cases])
                conn.execute(CaseEvent.__table__.insert(), [_py(e) for e in events])
        done += len(chunk)
        if progress:
            progress(done)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), "
                              "(SELECT MAX(id) FROM cases))"))
            conn.execute(text("ANALYZE cases"))
            conn.execute(text("ANALYZE case_events"))
    return done


def _py(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("masked_kinds", "routing", "data"):
        if key in out and isinstance(out[key], str):
            out[key] = json.loads(out[key])
    return out


def _copy(conn: Any, table: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row.get(c) for c in columns])
