"""Files a consumer attached to a filing that has not gone through yet.

A failed validation must not lose them: they wait here, keyed by the consumer and the
form's submission key, until the filing succeeds or they are a day old.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from relief.cases.evidence import CheckedFile

MAX_AGE_S = 24 * 3600
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _dir(root: Path, consumer_id: int, key: str) -> Path | None:
    if not _KEY.match(key or ""):
        return None
    return root / "pending" / f"{consumer_id}-{key}"


def stash(root: Path, consumer_id: int, key: str, files: list[CheckedFile]) -> None:
    target = _dir(root, consumer_id, key)
    if target is None:
        return
    target.mkdir(parents=True, exist_ok=True)
    start = len(list(target.glob("*.bin")))
    for n, f in enumerate(files, start):
        (target / f"{n}.bin").write_bytes(f.data)
        (target / f"{n}.json").write_text(json.dumps(
            {"name": f.original_name, "type": f.content_type, "sha256": f.sha256}))


def load(root: Path, consumer_id: int, key: str) -> list[CheckedFile]:
    target = _dir(root, consumer_id, key)
    if target is None or not target.exists():
        return []
    files = []
    for meta in sorted(target.glob("*.json"), key=lambda p: int(p.stem)):
        info = json.loads(meta.read_text())
        files.append(CheckedFile(info["name"], info["type"],
                                 (target / f"{meta.stem}.bin").read_bytes(), info["sha256"]))
    return files


def discard(root: Path, consumer_id: int, key: str) -> None:
    target = _dir(root, consumer_id, key)
    if target is None or not target.exists():
        return
    for f in target.iterdir():
        f.unlink(missing_ok=True)
    target.rmdir()


def sweep(root: Path, now: float | None = None) -> int:
    """Remove stashes older than a day; returns how many."""
    now = now or time.time()
    removed = 0
    for target in (root / "pending").glob("*-*") if (root / "pending").exists() else []:
        if now - target.stat().st_mtime > MAX_AGE_S:
            for f in target.iterdir():
                f.unlink(missing_ok=True)
            target.rmdir()
            removed += 1
    return removed
