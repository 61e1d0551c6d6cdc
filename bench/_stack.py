"""Shared by the benches that run the production stack on this machine: a fresh
PostgreSQL database, gunicorn serving wsgi:app, consumers with API tokens."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] if values else 0.0


def fresh_database(name: str) -> str:
    from relief.core.migrate import upgrade
    from relief.registry.sync import sync_registry

    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    engine = sa.create_engine(url)
    with sa.orm.Session(engine) as s:
        sync_registry(s, commit=True, reason="bench")
        s.commit()
    engine.dispose()
    return url


def consumers_with_tokens(url: str, count: int) -> list[str]:
    """Confirmed consumers, each with an API token; returns the token secrets."""
    from relief.accounts.models import User
    from relief.api.models import ApiToken, hash_token
    from relief.core.db import utcnow
    from relief.core.security import hash_password

    engine = sa.create_engine(url)
    password = hash_password("bench-consumer-2026")
    secrets_out = []
    with sa.orm.Session(engine) as s:
        for n in range(count):
            user = User(email=f"bench{n}@relief.demo", display_name=f"벤치{n}",
                        password_hash=password, role="consumer", locale="ko",
                        email_confirmed_at=utcnow())
            s.add(user)
            s.flush()
            secret = ApiToken.new_secret()
            s.add(ApiToken(user_id=user.id, token_hash=hash_token(secret), name="bench"))
            secrets_out.append(secret)
        s.commit()
    engine.dispose()
    return secrets_out


class Gunicorn:
    """gunicorn wsgi:app in production mode on a free loopback port."""

    def __init__(self, url: str, workers: int = 2, extra_env: dict[str, str] | None = None,
                 log: Path | None = None):
        self.instance = Path(tempfile.mkdtemp(prefix="relief-bench-"))
        self.port = _free_port()
        env = {**os.environ, "RELIEF_ENV": "production", "DATABASE_URL": url,
               "SECRET_KEY": secrets.token_urlsafe(48),
               "RELIEF_INSTANCE_PATH": str(self.instance), **(extra_env or {})}
        env.pop("REDIS_URL", None) if "REDIS_URL" not in (extra_env or {}) else None
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b",
             f"127.0.0.1:{self.port}", "--timeout", "60", "--log-level", "warning",
             "--preload", "wsgi:app"], cwd=ROOT, env=env,
            # The app logs every inline job at INFO: a bench may keep that out of its figures.
            stdout=log.open("ab") if log else None, stderr=subprocess.STDOUT if log else None)
        self._wait()

    def _wait(self) -> None:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _ = request(self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: Any = None,
            headers: dict[str, str] | None = None, conn: http.client.HTTPConnection | None = None
            ) -> tuple[int, Any]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    payload = json.dumps(body).encode() if body is not None else None
    hdrs = {"Content-Type": "application/json", **(headers or {})} if payload else (headers or {})
    conn.request(method, path, body=payload, headers=hdrs)
    response = conn.getresponse()
    data = response.read()
    if own:
        conn.close()
    ctype = response.getheader("Content-Type") or ""
    return response.status, json.loads(data) if "json" in ctype and data else data
