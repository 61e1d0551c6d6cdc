"""Filing throughput on the production stack: gunicorn (2 workers) on PostgreSQL.

N concurrent clients file complete complaints through the API for a fixed time;
afterwards every successful response is reconciled against the database.
Target: >= 100 filings/s, p95 <= 300 ms, zero errors, zero lost. Baseline, same run:
routing alone (POST /api/v1/route) with the same clients, the floor of a filing.

    .venv/bin/python bench/intake.py [--seconds 60] [--clients 16]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
import uuid

import sqlalchemy as sa
from _stack import Gunicorn, consumers_with_tokens, fresh_database, pct, request

TEXTS = [
    "헬스장 12개월 회원권을 끊었는데 이사 때문에 환불을 요청하니 거절합니다.",
    "온라인 쇼핑몰에서 산 운동화가 불량인데 교환을 안 해줘요.",
    "휴대폰 요금에 가입한 적 없는 부가서비스가 청구됐어요.",
    "항공편이 결항됐는데 항공사가 보상을 못 해준다고 합니다.",
    "My gym refuses to refund the rest of my 6-month membership after I moved.",
    "전세 계약이 끝났는데 집주인이 보증금을 돌려주지 않아요.",
]


def run(port: int, path: str, make_body, tokens: list[str], seconds: float,  # type: ignore[no-untyped-def]
        clients: int) -> tuple[list[float], list[int], list[int]]:
    latencies: list[float] = []
    statuses: list[int] = []
    ids: list[int] = []
    lock = threading.Lock()
    stop = time.time() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = 0
        while time.time() < stop:
            token = tokens[(n + i * clients) % len(tokens)]
            i += 1
            started = time.perf_counter()
            try:
                status, data = request(port, "POST", path, make_body(i), headers={
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": uuid.uuid4().hex}, conn=conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, data = 599, None
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses.append(status)
                if status == 201 and isinstance(data, dict):
                    ids.append(data["id"])
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    url = fresh_database("relief_bench_intake")
    # 30 filings per consumer per hour is the API's limit: enough consumers for the run.
    tokens = consumers_with_tokens(url, 600)
    server = Gunicorn(url, workers=2, extra_env={"RELIEF_RATELIMITS": "off"})
    try:
        for _ in range(8):  # each worker loads the router once
            request(server.port, "POST", "/api/v1/route", {"text": TEXTS[0]},
                    headers={"Authorization": f"Bearer {tokens[0]}"})
        print(f"baseline: routing only, {args.clients} clients, 10 s", flush=True)
        base_lat, base_st, _ = run(server.port, "/api/v1/route",
                                   lambda i: {"text": TEXTS[i % len(TEXTS)]}, tokens, 10,
                                   args.clients)
        print(f"filing: {args.clients} clients, {args.seconds:.0f} s", flush=True)

        def body(i: int) -> dict:  # type: ignore[type-arg]
            return {"text": TEXTS[i % len(TEXTS)] + f" (사례 {i})", "product": "회원권",
                    "business_name": "튼튼피트니스", "amount_krw": 1_200_000 + i,
                    "channel": "shop", "region": "seoul", "wish": "refund",
                    "payment_method": "card", "occurred_on": "2026-10-01"}

        lat, statuses, ids = run(server.port, "/api/v1/cases", body, tokens[8:], args.seconds,
                                 args.clients)
    finally:
        server.stop()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = set(conn.execute(sa.text(
            "SELECT id FROM cases WHERE submission_key LIKE 'api:%'")).scalars())
        events = conn.execute(sa.text("SELECT count(*) FROM case_events")).scalar_one()
    engine.dispose()
    ok = sum(s == 201 for s in statuses)
    errors = len(statuses) - ok
    lost = len(set(ids) - stored)
    extra = len(stored - set(ids))
    figures = {
        "filings": ok, "seconds": args.seconds, "clients": args.clients,
        "filings_per_s": round(ok / args.seconds, 1),
        "p50_ms": round(statistics.median(lat), 1), "p95_ms": round(pct(lat, 95), 1),
        "p99_ms": round(pct(lat, 99), 1), "errors": errors,
        "status_counts": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "lost": lost, "unexpected_rows": extra, "events": events,
        "baseline_route_per_s": round(sum(s == 200 for s in base_st) / 10, 1),
        "baseline_route_p95_ms": round(pct(base_lat, 95), 1),
    }
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
