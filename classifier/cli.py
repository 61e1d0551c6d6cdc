"""`python -m classifier predict | train | evaluate` (the contract in DESIGN.md, Router)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from classifier.facts import FACT_FIELDS


def _facts_of(row: Mapping[str, Any]) -> dict[str, Any] | None:
    facts = {k: row[k] for k in FACT_FIELDS if row.get(k) is not None}
    nested = row.get("facts")
    if isinstance(nested, Mapping):
        facts.update({k: nested[k] for k in FACT_FIELDS if nested.get(k) is not None})
    return facts or None


def predict_lines(lines: Iterable[str], out: TextIO, model: Path | None = None) -> int:
    """One JSON line out per non-blank line in; a broken line gets an "error" field."""
    from classifier import get_router

    router = get_router(model)
    count = 0
    for line in lines:
        if not line.strip():
            continue
        error = None
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            row, error = {}, f"not JSON: {exc.msg}"
        if not isinstance(row, dict):
            row, error = {}, "expected a JSON object"
        text = row.get("text")
        if not isinstance(text, str):
            error = error or "no text"
            text = ""
        result = router.route(text, _facts_of(row))
        payload = {"id": row.get("id"), **result.to_dict()}
        if error:
            payload["error"] = error
        out.write(json.dumps(payload, ensure_ascii=False) + "\n")
        out.flush()
        count += 1
    return count


def evaluate_file(
    data: Path, model: Path | None = None, *, use_facts: bool = True
) -> dict[str, Any]:
    """Metrics of the trained router on a JSONL file with `text` and `agency`."""
    import numpy as np

    from classifier import get_router
    from classifier.data import read_jsonl
    from classifier.metrics import compare_per_body, score

    router = get_router(model)
    rows = [r for r in read_jsonl(data) if isinstance(r.get("text"), str) and r.get("agency")]
    golds = [r["referral"] if r["agency"] == "out-of-scope" and r.get("referral") else r["agency"]
             for r in rows]
    results = [router.route(r["text"], _facts_of(r) if use_facts else None) for r in rows]
    referrals = router.lexicon.referrals
    metrics = score(golds, [[a for a, _ in r.ranking] for r in results], referrals,
                    confidences=[r.confidence for r in results])
    variants: dict[str, dict[str, Any]] = {}
    bodies = router.lexicon.bodies
    per_variant: dict[str, list[list[str]]] = {}
    for row in rows:
        sig = router.signals(row["text"], _facts_of(row) if use_facts else None)
        for name, probs in router.variant_scores(sig).items():
            order = np.argsort(-probs, kind="stable")[:5]
            per_variant.setdefault(name, []).append([bodies[i] for i in order])
    for name, rankings in per_variant.items():
        variants[name] = score(golds, rankings, referrals)
    metrics["variants"] = {
        name: {k: m[k] for k in ("top1", "top3", "macro_f1", "oos_recall", "oos_precision")}
        for name, m in variants.items()
    }
    metrics["per_agency_f1_by_variant"] = compare_per_body(variants) if variants else {}
    metrics["triage_rate"] = round(
        sum(r.needs_triage for r in results) / len(results), 4) if results else 0.0
    return metrics


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_predict = sub.add_parser("predict", help="JSON lines {id, text, ...facts} on stdin")
    p_predict.add_argument("--model", type=Path, help="model directory (default: "
                           "$RELIEF_ROUTER_MODEL or classifier/model)")
    p_train = sub.add_parser("train", help="train on fixtures/ (+ feedback), write the model")
    p_train.add_argument("--config", type=Path)
    p_train.add_argument("--fixtures", type=Path, help="directory of *.jsonl complaints")
    p_train.add_argument("--feedback", type=Path, action="append", default=[],
                         help="officers' decisions (JSONL); may repeat")
    p_train.add_argument("--output", type=Path, help="model directory to write")
    p_train.add_argument("--seed", type=int)
    p_train.add_argument("--quiet", action="store_true")
    p_train.add_argument("--if-missing", action="store_true",
                         help="keep an existing model trained on the same data, config and "
                              "registry (for setup)")
    p_eval = sub.add_parser("evaluate", help="metrics on a JSONL file with text and agency")
    p_eval.add_argument("--data", type=Path, required=True)
    p_eval.add_argument("--model", type=Path)
    p_eval.add_argument("--no-facts", action="store_true",
                        help="ignore amount_krw/region/channel/business in the data")
    args = parser.parse_args(argv)

    if args.command == "predict":
        try:
            predict_lines(sys.stdin, sys.stdout, args.model)
        except FileNotFoundError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        return 0
    if args.command == "train":
        from classifier.pipeline import CONFIG_PATH
        from classifier.train import train

        metrics = train(
            config_path=args.config or CONFIG_PATH,
            fixtures=args.fixtures,
            feedback=args.feedback,
            output=args.output,
            seed=args.seed,
            progress=None if args.quiet else _stderr,
            if_missing=args.if_missing,
        )
        summary = {k: metrics[k] for k in ("examples", "labels", "triage_threshold", "seed")}
        summary["cross_validation"] = {
            name: {k: m[k] for k in ("top1", "top3", "macro_f1", "oos_recall")}
            for name, m in metrics["cross_validation"].items()
        }
        summary["labels"] = len(metrics["labels"])
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    if args.command == "evaluate":
        try:
            metrics = evaluate_file(args.data, args.model, use_facts=not args.no_facts)
        except FileNotFoundError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        print(json.dumps(metrics, ensure_ascii=False))
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
