"""Retraining the router with what people decided: one command, metrics before and after.

relief never imports spaCy: it exports the feedback as JSON lines and drives the
classifier's own command line (``python -m classifier train|evaluate``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from relief.cases.models import RoutingFeedback
from relief.core.config import PROJECT_ROOT

MODEL_DIR = PROJECT_ROOT / "classifier" / "model"
DEV_CASES = PROJECT_ROOT.parent / "shared" / "reference" / "dev-cases.jsonl"


@dataclass
class RetrainReport:
    feedback: int
    before: dict[str, dict[str, Any]]
    after: dict[str, dict[str, Any]]
    activated: bool


def export_feedback(session: Session, path: Path) -> int:
    """Officers' decisions as training examples (the classifier's feedback format)."""
    from classifier.feedback import examples_from_decisions

    decisions = [{"text": f.text, "agency": f.agency_id, "source": f.source,
                  "from_agency": f.from_agency}
                 for f in session.scalars(select(RoutingFeedback).order_by(RoutingFeedback.id))]
    examples = examples_from_decisions(decisions)
    with path.open("w", encoding="utf-8") as out:
        for example in examples:
            out.write(json.dumps(example, ensure_ascii=False) + "\n")
    return len(examples)


def _classifier(*args: str) -> str:
    # Our own interpreter and module, with arguments we build: no untrusted input.
    result = subprocess.run([sys.executable, "-m", "classifier", *args], cwd=PROJECT_ROOT,  # noqa: S603
                            capture_output=True, text=True, check=True, timeout=3600)
    return result.stdout


def _evaluate(model: Path, data: Path) -> dict[str, Any]:
    out = _classifier("evaluate", "--data", str(data), "--model", str(model))
    report = json.loads(out.strip().splitlines()[-1])
    return {k: report[k] for k in ("top1", "top3", "macro_f1", "oos_recall") if k in report}


def retrain(session: Session, workdir: Path, *, activate: bool) -> RetrainReport:
    """Train a new model on fixtures + feedback; evaluate old and new on the same data.

    Evaluation sets: the feedback itself (does the model now agree with the officers?)
    and, where present, the held-out real cases in shared/reference (measurement only).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    feedback = workdir / "feedback.jsonl"
    count = export_feedback(session, feedback)
    sets = {"feedback": feedback} if count else {}
    if DEV_CASES.exists():
        sets["dev_cases"] = DEV_CASES
    before = {name: _evaluate(MODEL_DIR, data) for name, data in sets.items()}
    new_model = workdir / "model"
    args = ["train", "--output", str(new_model), "--quiet"]
    if count:
        args += ["--feedback", str(feedback)]
    _classifier(*args)
    after = {name: _evaluate(new_model, data) for name, data in sets.items()}
    if activate:
        previous = MODEL_DIR.with_name("model.previous")
        shutil.rmtree(previous, ignore_errors=True)
        if MODEL_DIR.exists():
            MODEL_DIR.rename(previous)
        shutil.copytree(new_model, MODEL_DIR)
        from classifier import reset_router

        reset_router()
    return RetrainReport(count, before, after, activate)
