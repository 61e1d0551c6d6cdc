"""Router benchmark on real cases no one here wrote (../shared/reference/dev-cases.jsonl).

Measures the trained router (training it first if there is no model), and in the
same run trains and scores two baselines on the same training data (fixtures/):
a keyword lookup over the registry's terms, and TF-IDF character n-grams with a
linear SVM (scikit-learn). Prints top-1, top-3, macro-F1, out-of-scope recall and
precision, the worst confusions, and speed on one core (latency of a 500-character
complaint, batch throughput, model load time, resident memory). The last line is
the figures as JSON.

    .venv/bin/python bench/router.py [--cases FILE] [--no-train]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CASES = ROOT.parent / "shared" / "reference" / "dev-cases.jsonl"


def read_cases(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if isinstance(r.get("text"), str) and r.get("agency")]


def gold_of(row: dict) -> str:
    if row["agency"] == "out-of-scope" and row.get("referral"):
        return row["referral"]
    return row["agency"]


def facts_of(row: dict) -> dict | None:
    facts = {k: row[k] for k in ("amount_krw", "region", "channel", "business")
             if row.get(k) is not None}
    return facts or None


def keyword_baseline(registry, train_labels: list[str], texts: list[str]) -> list[list[str]]:
    """Count registry terms per body (agencies.term_in_text); ties by training frequency."""
    from agencies import term_in_text

    prior = Counter(train_labels)
    lexicon = [(b.id, [t for _, t in b.routing.all_terms()]) for b in registry.bodies]
    out = []
    for text in texts:
        scores = []
        for body, terms in lexicon:
            hits = sum(1 for t in terms if term_in_text(t, text))
            scores.append((hits, prior[body], body))
        scores.sort(reverse=True)
        out.append([b for _, _, b in scores[:5]])
    return out


def tfidf_baseline(train_texts, train_labels, texts) -> list[list[str]]:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
    features = vectorizer.fit_transform(train_texts)
    svm = LinearSVC(C=0.5, random_state=0).fit(features, train_labels)
    decision = svm.decision_function(vectorizer.transform(texts))
    order = np.argsort(-decision, axis=1)[:, :5]
    return [[svm.classes_[i] for i in row] for row in order]


def print_metrics(name: str, m: dict) -> None:
    print(f"{name:>22}: top1 {m['top1']:.3f}  top3 {m['top3']:.3f}  macro-F1 {m['macro_f1']:.3f}"
          f"  oos recall {m['oos_recall']}  oos precision {m['oos_precision']}", flush=True)


SPEED_SCRIPT = r"""
import json, os, sys, time
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
t0 = time.perf_counter()
import classifier
classifier.warm_up()
load_s = time.perf_counter() - t0
router = classifier.get_router()
texts = json.loads(sys.stdin.read())
long_texts = texts["long"]
for t in long_texts[:20]:
    router.route(t)
lat = []
cpu = []
for t in long_texts:
    s = time.perf_counter()
    c = time.thread_time()
    router.route(t)
    cpu.append((time.thread_time() - c) * 1000)
    lat.append((time.perf_counter() - s) * 1000)
from classifier.tokenizer import get_kiwi
kiwi = get_kiwi()
kiwi_lat = []
for t in long_texts:
    c = time.thread_time()
    kiwi.tokenize(t)
    kiwi_lat.append((time.thread_time() - c) * 1000)
kiwi_lat.sort()
cpu.sort()
batch = [(t, None) for t in texts["batch"]]
s = time.perf_counter()
c = time.thread_time()
router.route_many(batch)
per_s = len(batch) / (time.perf_counter() - s)
per_cpu_s = len(batch) / (time.thread_time() - c)
rss = hwm = 0
for line in open("/proc/self/status"):
    if line.startswith("VmRSS"):
        rss = int(line.split()[1]) / 1024
    if line.startswith("VmHWM"):
        hwm = int(line.split()[1]) / 1024
lat.sort()
print(json.dumps({"load_s": load_s, "lat": lat, "per_s": per_s, "rss_mb": rss, "hwm_mb": hwm,
                  "kiwi_p50": kiwi_lat[len(kiwi_lat) // 2], "cpu_p50": cpu[len(cpu) // 2],
                  "cpu_p99": cpu[min(len(cpu) - 1, int(0.99 * len(cpu)))],
                  "per_cpu_s": per_cpu_s}))
"""


def measure_speed(cases: list[dict]) -> dict:
    """Latency, throughput, load time and memory in a fresh process pinned to one core."""
    texts = [c["text"] for c in cases]
    long_texts = []
    for i in range(300):
        # 500-character complaints: real sentences run together, varied per sample.
        s = ""
        j = i
        while len(s) < 500:
            s += texts[j % len(texts)] + " "
            j += 7
        long_texts.append(s[:500])
    batch = texts * max(1, 1000 // len(texts))
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.run(
        [sys.executable, "-c", SPEED_SCRIPT], input=json.dumps({"long": long_texts,
                                                                 "batch": batch}),
        capture_output=True, text=True, cwd=ROOT, env=env, check=True,
    )
    raw = json.loads(proc.stdout.strip().splitlines()[-1])
    lat = raw["lat"]
    return {
        "p50_ms": round(statistics.median(lat), 2),
        "p99_ms": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))], 2),
        "per_s": round(raw["per_s"], 1),
        "load_s": round(raw["load_s"], 2),
        "rss_mb": round(raw["hwm_mb"], 1),
        "rss_steady_mb": round(raw["rss_mb"], 1),
        "kiwi_p50_ms": round(raw["kiwi_p50"], 2),
        # CPU time of the routing thread: what the figures are when the machine is shared.
        "p50_cpu_ms": round(raw["cpu_p50"], 2),
        "p99_cpu_ms": round(raw["cpu_p99"], 2),
        "per_cpu_s": round(raw["per_cpu_s"], 1),
        "load_avg": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--no-train", action="store_true", help="fail if there is no model")
    args = parser.parse_args()

    from agencies import load_registry
    from classifier.data import fixture_paths, load_examples
    from classifier.metrics import score
    from classifier.pipeline import model_dir

    registry = load_registry()
    if not (model_dir() / "combiner.json").exists():
        if args.no_train:
            print(f"no model in {model_dir()}", file=sys.stderr)
            return 2
        print("no trained model: training one (python -m classifier train)", flush=True)
        subprocess.run([sys.executable, "-m", "classifier", "train", "--quiet"], cwd=ROOT,
                       check=True)

    cases = read_cases(args.cases)
    golds = [gold_of(c) for c in cases]
    texts = [c["text"] for c in cases]
    referrals = frozenset(b.id for b in registry.referrals)
    print(f"{len(cases)} cases from {args.cases}", flush=True)

    import classifier

    router = classifier.get_router()
    results = [router.route(c["text"]) for c in cases]
    rankings = [[a for a, _ in r.ranking] for r in results]
    m_text = score(golds, rankings, referrals, confidences=[r.confidence for r in results])
    with_facts = [router.route(c["text"], facts_of(c)) for c in cases]
    m_facts = score(golds, [[a for a, _ in r.ranking] for r in with_facts], referrals)
    variants = {}
    for c in cases:
        for name, probs in router.variant_scores(router.signals(c["text"])).items():
            order = probs.argsort()[::-1][:5]
            variants.setdefault(name, []).append([router.lexicon.bodies[i] for i in order])
    m_variants = {name: score(golds, r, referrals) for name, r in variants.items()}

    train = load_examples(fixture_paths(), set(registry.ids))
    train_texts = [e.text for e in train]
    train_labels = [e.agency for e in train]
    print(f"baselines trained on the router's training data: {len(train)} fixtures", flush=True)
    m_keyword = score(golds, keyword_baseline(registry, train_labels, texts), referrals)
    m_tfidf = score(golds, tfidf_baseline(train_texts, train_labels, texts), referrals)

    print_metrics("router (text only)", m_text)
    print_metrics("router (text + facts)", m_facts)
    for name, m in m_variants.items():
        print_metrics(f"  variant {name}", m)
    print_metrics("keyword baseline", m_keyword)
    print_metrics("tf-idf + svm baseline", m_tfidf)
    triage = sum(r.needs_triage for r in results) / len(results)
    print(f"calibration error (ECE) {m_text['ece']}, triage rate {triage:.3f}")
    print("worst confusions (gold -> predicted):")
    for c in m_text["confusions"][:10]:
        print(f"  {c['gold']:>22} -> {c['predicted']:<22} x{c['count']}")
    print("per-body F1 (model only / rules+fuzzy only / combined), bodies with errors:")
    for body, per in sorted(m_text["per_agency"].items()):
        if per["support"] and per["f1"] < 1.0:
            f1s = " / ".join(f"{m_variants[v]['per_agency'].get(body, {}).get('f1', 0.0):.2f}"
                             for v in ("model_only", "rules_fuzzy_only", "combined")
                             if v in m_variants)
            print(f"  {body:>22}: {f1s}  (n={per['support']})")

    print("speed (one core, fresh process) ...", flush=True)
    speed = measure_speed(cases)
    print(f"p50 {speed['p50_ms']} ms, p99 {speed['p99_ms']} ms for 500 characters "
          f"(CPU time: p50 {speed['p50_cpu_ms']} ms, p99 {speed['p99_cpu_ms']} ms); "
          f"{speed['per_s']} complaints/s in batch ({speed['per_cpu_s']}/s of CPU); "
          f"machine load average {speed['load_avg']}; model load {speed['load_s']} s; "
          f"peak memory {speed['rss_mb']} MB (after routing {speed['rss_steady_mb']} MB); "
          f"Kiwi alone p50 {speed['kiwi_p50_ms']} ms CPU of it")
    figures = {
        "n": len(cases),
        "top1": m_text["top1"],
        "top3": m_text["top3"],
        "macro_f1": m_text["macro_f1"],
        "oos_recall": m_text["oos_recall"],
        "oos_precision": m_text["oos_precision"],
        "top1_with_facts": m_facts["top1"],
        "top3_with_facts": m_facts["top3"],
        "model_only_top1": m_variants.get("model_only", {}).get("top1"),
        "rules_fuzzy_only_top1": m_variants.get("rules_fuzzy_only", {}).get("top1"),
        "keyword_top1": m_keyword["top1"],
        "keyword_top3": m_keyword["top3"],
        "tfidf_top1": m_tfidf["top1"],
        "tfidf_top3": m_tfidf["top3"],
        "tfidf_oos_recall": m_tfidf["oos_recall"],
        "ece": m_text["ece"],
        "triage_rate": round(triage, 4),
        **speed,
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
