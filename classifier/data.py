"""Training data: fixtures/complaints/*.jsonl (+ officers' feedback) -> {"text", "cats"}."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_ROOT / "fixtures" / "complaints"
OUT_OF_SCOPE = "out-of-scope"


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    agency: str
    lang: str | None = None
    source: str = "fixtures"


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{path}:{n}: skipped, not JSON ({exc.msg})", file=sys.stderr)
                continue
            if isinstance(row, dict):
                yield row


def load_examples(
    paths: Iterable[Path], known: set[str], *, source: str = "fixtures"
) -> list[Example]:
    """Examples whose agency is a registry body; others are reported and skipped."""
    out = []
    skipped: dict[str, int] = {}
    for path in paths:
        for row in read_jsonl(path):
            text, agency = row.get("text"), row.get("agency")
            if not isinstance(text, str) or not text.strip() or not isinstance(agency, str):
                continue
            if agency == OUT_OF_SCOPE and isinstance(row.get("referral"), str):
                agency = row["referral"]
            if agency not in known:
                skipped[agency] = skipped.get(agency, 0) + 1
                continue
            out.append(Example(text, agency, row.get("lang"), source))
    for agency, count in sorted(skipped.items()):
        print(f"skipped {count} example(s) labelled {agency!r}: not a registry body",
              file=sys.stderr)
    return out


def fixture_paths(directory: Path = FIXTURES) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def dedupe(examples: Iterable[Example]) -> list[Example]:
    """Drop repeated texts (the first label wins) so folds never share a text."""
    seen: set[str] = set()
    out = []
    for ex in examples:
        key = " ".join(ex.text.split())
        if key in seen:
            continue
        seen.add(key)
        out.append(ex)
    return out


def write_cats(examples: Iterable[Example], labels: list[str], path: Path) -> None:
    """The spaCy-style training file: one {"text", "cats"} object per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for ex in examples:
            cats = {label: float(label == ex.agency) for label in labels}
            fh.write(json.dumps({"text": ex.text, "cats": cats}, ensure_ascii=False) + "\n")
