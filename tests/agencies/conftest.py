"""Fixtures for the agency registry tests: writable copies to break on purpose."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "agencies"
REFERENCE_CSV = PACKAGE.parent.parent / "shared" / "reference" / "relief-bodies.csv"

BodyEditor = Callable[[Path, str, Callable[[dict[str, Any]], None]], None]
RulesEditor = Callable[[Path, Callable[[list[dict[str, Any]]], None]], None]


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    """A copy of bodies/, rules.json and fields.json in tmp_path/project/agencies.

    Nothing sits at ../shared/reference beside the copy, so the reference-table check
    is skipped, as it is wherever the shared data is not checked out.
    """
    target = tmp_path / "project" / "agencies"
    shutil.copytree(PACKAGE / "bodies", target / "bodies")
    for name in ("rules.json", "fields.json"):
        shutil.copy(PACKAGE / name, target / name)
    return target


def _edit_body(registry: Path, body_id: str, change: Callable[[dict[str, Any]], None]) -> None:
    file = registry / "bodies" / f"{body_id}.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    change(data)
    file.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _edit_rules(registry: Path, change: Callable[[list[dict[str, Any]]], None]) -> None:
    file = registry / "rules.json"
    rules = json.loads(file.read_text(encoding="utf-8"))
    change(rules)
    file.write_text(json.dumps(rules, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture
def edit_body() -> BodyEditor:
    return _edit_body


@pytest.fixture
def edit_rules() -> RulesEditor:
    return _edit_rules
