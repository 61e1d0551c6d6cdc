"""`python -m classifier predict | evaluate` as other tools call them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "classifier", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
                          check=False)


def test_predict_writes_one_json_line_per_input_line(model_env: dict[str, str]) -> None:
    lines = [
        {"id": 1, "text": "헬스장 회원권 환불을 거부당했어요"},
        {"id": "b", "text": "I cancelled my mobile contract but still get billed"},
        {"id": 3, "text": "공사장 소음 피해", "amount_krw": 20_000_000, "region": "부산"},
        {"id": 4, "text": ""},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\nnot json\n"
    proc = _run(["predict"], model_env, stdin)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b", 3, 4, None]
    for o in out:
        assert {"id", "ranking", "out_of_scope", "evidence"} <= set(o)
        assert len(o["ranking"]) >= 3
        assert all(set(r) == {"agency", "score"} and 0 <= r["score"] <= 1 for r in o["ranking"])
        assert isinstance(o["out_of_scope"], bool)
        assert isinstance(o["evidence"], list)
    assert out[3]["verdict"] == "unreadable"
    assert "error" in out[4]


def test_evaluate_prints_the_metrics_as_json(model_env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "eval.jsonl"
    rows = [
        {"text": "헬스장 회원권 중도 해지 위약금이 너무 커요", "agency": "kca"},
        {"text": "통신사 약정 위약금이 과다하게 청구됐어요", "agency": "kcc-tdmc"},
        {"text": "중고나라에서 돈만 받고 잠수탄 판매자", "agency": "out-of-scope",
         "referral": "police-cyber"},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    proc = _run(["evaluate", "--data", str(data)], model_env)
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"top1", "top3", "macro_f1", "oos_recall", "oos_precision", "per_agency",
            "variants"} <= set(metrics)
    assert set(metrics["variants"]) == {"model_only", "rules_fuzzy_only", "combined"}
    assert set(metrics["per_agency"]["kca"]) == {"precision", "recall", "f1", "support"}
    assert metrics["n"] == 3


def test_predict_without_a_model_says_how_to_train(tmp_path: Path) -> None:
    import os

    env = dict(os.environ, RELIEF_ROUTER_MODEL=str(tmp_path / "missing"))
    proc = _run(["predict"], env, '{"id": 1, "text": "환불"}\n')
    assert proc.returncode == 2
    assert "python -m classifier train" in proc.stderr
