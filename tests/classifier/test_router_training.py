"""Training on tiny data: seeded and reproducible, feedback taken in, metrics written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.pipeline import Router
from tests.classifier.conftest import train_tiny

pytestmark = pytest.mark.slow


def _stable(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k != "train_seconds"}


def test_training_twice_with_the_same_seed_gives_the_same_model(tmp_path: Path) -> None:
    first = train_tiny(tmp_path / "a", tmp_path / "work-a")
    second = train_tiny(tmp_path / "b", tmp_path / "work-b")
    assert _stable(first) == _stable(second)
    written = json.loads((tmp_path / "a" / "metrics.json").read_text("utf-8"))
    assert set(written["cross_validation"]) == {"model_only", "rules_fuzzy_only", "combined"}
    assert written["per_agency_f1"]
    text = "헬스장 환불을 안 해줘요 위약금이 너무 많아요"
    a = Router.load(tmp_path / "a").route(text).to_dict()
    b = Router.load(tmp_path / "b").route(text).to_dict()
    assert a == b
    corpus = (tmp_path / "a" / "corpus" / "train.jsonl").read_text("utf-8").splitlines()
    assert set(json.loads(corpus[0])) == {"text", "cats"}


def test_setup_keeps_an_up_to_date_model(tmp_path: Path) -> None:
    first = train_tiny(tmp_path / "m", tmp_path / "work")
    stamp = (tmp_path / "m" / "combiner.json").stat().st_mtime_ns
    again = train_tiny(tmp_path / "m", tmp_path / "work", if_missing=True)
    assert again["data_key"] == first["data_key"]
    assert (tmp_path / "m" / "combiner.json").stat().st_mtime_ns == stamp


def test_training_takes_in_officers_feedback(tmp_path: Path) -> None:
    from classifier.train import train
    from tests.classifier.conftest import write_tiny_config, write_tiny_fixtures

    feedback = tmp_path / "decisions.jsonl"
    feedback.write_text(json.dumps({
        "text": "가습기 살균제 때문에 폐 질환이 생겼어요", "agency": "keiti-humidifier",
        "source": "transfer", "from_agency": "kca"}, ensure_ascii=False) + "\n", "utf-8")
    metrics = train(config_path=write_tiny_config(tmp_path / "tiny.cfg"),
                    fixtures=write_tiny_fixtures(tmp_path / "fixtures"),
                    feedback=[feedback], output=tmp_path / "model", progress=None)
    assert metrics["feedback_examples"] == 1
    assert "keiti-humidifier" in metrics["labels"]
