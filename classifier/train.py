"""`python -m classifier train`: convert -> cross-validate -> fit combination -> train -> save.

1. convert: fixtures/complaints/*.jsonl (+ feedback) -> corpus/train.jsonl ({"text", "cats"})
2. cross-validate: the text classifier is trained on k-1 folds and predicts the k-th,
   so every fixture has a model prediction from a model that never saw it;
3. combine: the signal weights ("model only", "rules + fuzzy only", "combined") are
   fitted on those out-of-fold predictions, compared per body, thresholds chosen;
4. train the final text classifier on everything and save the pipeline, the
   combination (combiner.json) and the metrics (metrics.json) in the model directory.

Seeded throughout: the same data and config give the same model and metrics.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example as SpacyExample
from spacy.util import fix_random_seed, minibatch
from thinc.api import Adam

from classifier.combine import (
    FEATURES,
    VARIANTS,
    Combiner,
    apply_precedence,
    fit_weights,
    predict_proba,
)
from classifier.data import Example, dedupe, fixture_paths, load_examples, read_jsonl, write_cats
from classifier.feedback import examples_from_decisions
from classifier.lexicon import compile_lexicon, registry_fingerprint
from classifier.metrics import compare_per_body, score
from classifier.pipeline import CONFIG_PATH, build_nlp, model_dir
from classifier.signals import RegistryMatcher, content_lemmas, signals_for

Progress = Callable[[str], None]
# Bump when the text classifier's features change, so cached predictions are not reused.
CACHE_VERSION = 2


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_feedback(path: Path) -> list[Example]:
    """Feedback rows are decisions ({"text", "agency", "source", ...}) or examples."""
    rows = list(read_jsonl(path))
    decisions = [r for r in rows if "source" in r and "style" not in r]
    ready = [r for r in rows if not ("source" in r and "style" not in r)]
    out = [
        Example(r["text"], r["agency"], r.get("lang"), "feedback")
        for r in [*examples_from_decisions(decisions), *ready]
        if isinstance(r.get("text"), str) and isinstance(r.get("agency"), str)
    ]
    return out


def _fold_of(example: Example, folds: int) -> int:
    # Stable across runs and machines (Python's hash() is salted per process).
    return zlib.crc32(example.text.encode("utf-8")) % folds


def train_textcat(
    docs: Sequence[Doc],
    golds: Sequence[str],
    labels: Sequence[str],
    config: dict[str, Any],
    *,
    progress: Progress | None = None,
    title: str = "",
) -> Language:
    """A fresh pipeline whose textcat is trained on docs (tokenized by any Kiwi nlp)."""
    tcfg = config["training"]
    seed = int(tcfg["seed"])
    fix_random_seed(seed)
    nlp = build_nlp(with_matcher=False)
    textcat = nlp.get_pipe("textcat")
    for label in labels:
        textcat.add_label(label)
    examples = [
        SpacyExample.from_dict(doc, {"cats": {label: float(label == gold) for label in labels}})
        for doc, gold in zip(docs, golds, strict=True)
    ]
    with nlp.select_pipes(enable=["textcat"]):
        nlp.initialize(lambda: examples[:200])
    optimizer = Adam(learn_rate=float(tcfg["learn_rate"]), L2=float(tcfg["L2"]),
                     use_averages=False)
    rng = random.Random(seed)  # noqa: S311 - shuffling training data, not security
    order = list(range(len(examples)))
    for epoch in range(int(tcfg["epochs"])):
        rng.shuffle(order)
        losses: dict[str, float] = {}
        # textcat.update directly: nlp.update would copy every doc on every step.
        for batch in minibatch([examples[i] for i in order], size=int(tcfg["batch_size"])):
            textcat.update(batch, sgd=optimizer, drop=float(tcfg["dropout"]), losses=losses)
        if progress:
            progress(f"  {title}epoch {epoch + 1:2d}/{tcfg['epochs']}  "
                     f"loss {losses.get('textcat', 0.0):.4f}")
    return nlp


def predict_textcat(nlp: Language, docs: Sequence[Doc]) -> list[dict[str, float]]:
    textcat = nlp.get_pipe("textcat")
    scores = np.asarray(textcat.predict(list(docs)))
    labels = list(textcat.labels)
    return [dict(zip(labels, row.tolist(), strict=True)) for row in scores]


def _rankings(probs: np.ndarray, bodies: Sequence[str]) -> tuple[list[list[str]], list[float]]:
    order = np.argsort(-probs, axis=1, kind="stable")[:, :5]
    rankings = [[bodies[i] for i in row] for row in order]
    confidences = [float(probs[n, row[0]]) for n, row in enumerate(order)]
    return rankings, confidences


def _triage_threshold(correct: np.ndarray, confidence: np.ndarray, target: float) -> float:
    """Lowest confidence at which the accepted cases are right at least `target` often."""
    best = 1.0
    for threshold in np.round(np.arange(0.95, 0.0, -0.025), 3):
        accepted = confidence >= threshold
        if accepted.sum() >= max(5, 0.05 * len(confidence)) and correct[accepted].mean() >= target:
            best = float(threshold)
    return max(0.15, min(best, 0.6))


def _cache_key(examples: Sequence[Example], config: Any, folds: int) -> str:
    digest = hashlib.sha256()
    for ex in examples:
        digest.update(f"{ex.agency}\t{ex.text}\n".encode())
    settings = {"components": config["components"], "training": config["training"],
                "folds": folds, "version": CACHE_VERSION}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:20]


def _load_oof(cache: Path, n: int) -> list[dict[str, float]] | None:
    path = cache / "oof.json"
    if not path.exists() or not (cache / "final").exists():
        return None
    oof = json.loads(path.read_text("utf-8"))
    return oof if len(oof) == n else None


def _save_cache(cache: Path, oof: list[dict[str, float]], final: Language) -> None:
    # Only the newest cache is kept: it exists to make re-fitting the registry side fast.
    if cache.parent.exists():
        shutil.rmtree(cache.parent)
    cache.mkdir(parents=True)
    final.to_disk(cache / "final")
    (cache / "oof.json").write_text(json.dumps(oof), encoding="utf-8")


def _current_metrics(output: Path) -> dict[str, Any] | None:
    if not (output / "combiner.json").exists() or not (output / "metrics.json").exists():
        return None
    try:
        return json.loads((output / "metrics.json").read_text("utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def train(
    *,
    config_path: Path = CONFIG_PATH,
    fixtures: Path | None = None,
    feedback: Sequence[Path] = (),
    output: Path | None = None,
    seed: int | None = None,
    registry: Any = None,
    progress: Progress | None = _stderr,
    if_missing: bool = False,
) -> dict[str, Any]:
    """Train and save a router model; returns the metrics written to metrics.json.

    With `if_missing`, an existing model trained on the same examples, config and
    registry is kept as it is (what setup runs on every start).
    """
    from agencies import load_registry

    started = time.perf_counter()
    say = progress or (lambda _m: None)
    config = spacy.util.load_config(config_path).interpolate()
    if seed is not None:
        config["training"]["seed"] = seed
    registry = registry or load_registry()
    output = Path(output or model_dir())
    known = set(registry.ids)

    # 1. convert
    paths = fixture_paths(fixtures) if fixtures else fixture_paths()
    examples = load_examples(paths, known)
    fb: list[Example] = []
    for path in feedback:
        fb += [e for e in load_feedback(path) if e.agency in known]
    examples = dedupe([*fb, *examples])  # feedback first: a person's decision wins
    if len(examples) < 4:
        raise ValueError(f"only {len(examples)} usable training examples; need at least 4")
    labels = sorted({e.agency for e in examples})
    folds = max(2, min(int(config["training"]["folds"]), len(examples) // 2))
    data_key = _cache_key(examples, config, folds)
    fingerprint = registry_fingerprint(registry)
    if if_missing:
        current = _current_metrics(output)
        if current and current.get("data_key") == data_key and current.get(
            "registry_fingerprint"
        ) == fingerprint:
            say(f"model in {output} is up to date")
            return current
    say(f"convert: {len(examples)} examples ({len(fb)} from feedback), {len(labels)} bodies, "
        f"{len(paths)} fixture files")

    nlp = build_nlp(config_path)
    matcher: RegistryMatcher = nlp.get_pipe("relief_registry_matcher")
    lexicon = compile_lexicon(registry, lambda term: content_lemmas(nlp, term))
    matcher.set_lexicon(lexicon)
    say(f"lexicon: {len(lexicon.entries)} registry terms, {len(lexicon.rules)} precedence rules")
    t0 = time.perf_counter()
    docs = [matcher(nlp.make_doc(e.text)) for e in examples]
    golds = [e.agency for e in examples]
    say(f"tokenize + match: {len(docs)} docs in {time.perf_counter() - t0:.1f}s")

    # 2. cross-validate the text classifier (reused from the cache when neither the
    #    examples nor the config changed: only the registry side is refitted then)
    fold_of = np.array([_fold_of(e, folds) for e in examples])
    cache = output / ".cache" / data_key
    oof = _load_oof(cache, len(examples))
    if oof is not None:
        say(f"cross-validation: reusing out-of-fold predictions from {cache}")
    else:
        oof = [{} for _ in examples]
        for k in range(folds):
            train_idx = np.nonzero(fold_of != k)[0]
            test_idx = np.nonzero(fold_of == k)[0]
            if not len(test_idx) or not len(train_idx):
                continue
            fold_nlp = train_textcat(
                [docs[i] for i in train_idx], [golds[i] for i in train_idx], labels, config,
                progress=progress, title=f"fold {k + 1}/{folds} ",
            )
            for i, p in zip(test_idx, predict_textcat(fold_nlp, [docs[i] for i in test_idx]),
                            strict=True):
                oof[i] = p
            say(f"fold {k + 1}/{folds}: trained on {len(train_idx)}, predicted {len(test_idx)}")

    # 3. fit the combination on out-of-fold predictions; report cross-fitted metrics
    bodies = lexicon.bodies
    sigs = [signals_for(nlp, lexicon, d, None, p) for d, p in zip(docs, oof, strict=True)]
    x = np.stack([s.x for s in sigs])
    body_index = {b: i for i, b in enumerate(lexicon.bodies)}
    fired = [[(f.rule.prefer, f.rule.over) for f in s.fired] for s in sigs]
    gold_idx = np.array([bodies.index(g) for g in golds])
    rcfg = config["relief"]
    fit = {"l2": float(rcfg["combine_l2"]), "steps": int(rcfg["combine_steps"])}
    half = fold_of % 2
    variant_metrics: dict[str, dict[str, Any]] = {}
    variant_weights: dict[str, dict[str, float]] = {}
    cross_probs: dict[str, np.ndarray] = {}
    for name, features in VARIANTS.items():
        probs = np.zeros(x.shape[:2])
        for h in (0, 1):
            fit_on, test_on = half != h, half == h
            if fit_on.any() and test_on.any():
                w = fit_weights(x[fit_on], gold_idx[fit_on], features, **fit)
                probs[test_on] = predict_proba(x[test_on], w)
        if name != "model_only":  # the model alone knows nothing of precedence rules
            probs = np.stack([apply_precedence(p, body_index, f)
                              for p, f in zip(probs, fired, strict=True)])
        cross_probs[name] = probs
        rankings, conf = _rankings(probs, bodies)
        variant_metrics[name] = score(golds, rankings, lexicon.referrals, confidences=conf)
        variant_weights[name] = fit_weights(x, gold_idx, features, **fit)
        m = variant_metrics[name]
        say(f"{name:>17}: top1 {m['top1']:.3f}  top3 {m['top3']:.3f}  "
            f"macro-F1 {m['macro_f1']:.3f}  oos recall {m['oos_recall']}")
    rankings, conf = _rankings(cross_probs["combined"], bodies)
    correct = np.array([r[0] == g for r, g in zip(rankings, golds, strict=True)])
    threshold = _triage_threshold(correct, np.array(conf),
                                  float(rcfg["triage_target_precision"]))
    combiner = Combiner(
        weights=variant_weights["combined"],
        triage_threshold=round(threshold, 3),
        meta={"variants": variant_weights},  # type: ignore[dict-item]
    )
    say(f"combined weights: {json.dumps(combiner.weights)}")
    say(f"triage below confidence {combiner.triage_threshold}")

    # 4. final text classifier on everything, then save
    if (cache / "final").exists():
        final = spacy.load(cache / "final")
        say("final text classifier: reused from the cache")
    else:
        final = train_textcat(docs, golds, labels, config, progress=progress, title="final ")
        _save_cache(cache, oof, final)
    nlp.remove_pipe("textcat")
    nlp.add_pipe("textcat", source=final)
    output.mkdir(parents=True, exist_ok=True)
    for old in output.iterdir():
        if old.name != ".cache":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    nlp.to_disk(output)
    write_cats(examples, labels, output / "corpus" / "train.jsonl")
    shutil.copy(config_path, output / "train.cfg")
    metrics = {
        "seed": int(config["training"]["seed"]),
        "examples": len(examples),
        "feedback_examples": len(fb),
        "labels": labels,
        "registry_fingerprint": lexicon.fingerprint,
        "data_key": data_key,
        "lexicon_entries": len(lexicon.entries),
        "rules": len(lexicon.rules),
        "folds": folds,
        "cross_validation": {
            name: {k: v for k, v in m.items() if k != "per_agency"}
            for name, m in variant_metrics.items()
        },
        "per_agency_f1": compare_per_body(variant_metrics),
        "per_agency": variant_metrics["combined"]["per_agency"],
        "weights": variant_weights,
        "triage_threshold": combiner.triage_threshold,
        "features": list(FEATURES),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    (output / "combiner.json").write_text(
        json.dumps(combiner.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (output / "metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    say(f"saved {output} in {metrics['train_seconds']}s")
    return metrics
