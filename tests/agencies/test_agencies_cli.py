"""`python -m agencies check|search` as other tools call it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agencies", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_check_prints_one_json_object_and_exits_zero_for_the_packaged_registry() -> None:
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert list(report) == ["bodies", "ids", "problems"]
    assert report["bodies"] == 70
    assert len(report["ids"]) == 70
    assert report["ids"] == sorted(report["ids"])
    assert "kca" in report["ids"]
    assert report["problems"] == []


def test_check_exits_nonzero_and_lists_problems_as_strings(
    registry_copy: Path, edit_body: Any
) -> None:
    edit_body(registry_copy, "kca", lambda b: b["deadline"].update(day_type=None))
    result = run("--path", str(registry_copy), "check")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["bodies"] == 70
    assert len(report["problems"]) == 1
    file, body, message = report["problems"][0].split(": ", 2)
    assert (file, body) == ("bodies/kca.json", "kca")
    assert "day_type is null" in message


def test_search_prints_the_best_body_first() -> None:
    result = run("search", "헬스장 환불")
    assert result.returncode == 0
    assert result.stdout.split()[1] == "kca"


def test_search_says_so_and_exits_nonzero_when_nothing_matches() -> None:
    result = run("search", "zxqv", "--lang", "en")
    assert result.returncode == 1
    assert "no matching body" in result.stdout
