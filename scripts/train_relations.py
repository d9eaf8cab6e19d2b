"""Reproduce the shipped relation model (and, optionally, the scorer's label mapping).

    python scripts/train_relations.py                 # verify/data/relation_model.json
    python scripts/train_relations.py --nli-map       # also refit verify/data/aegis_nli_map.json

``--nli-model PATH`` trains on top of another scorer (any folder ``verify.relate.load_scorer``
takes); the scorer's name goes into the model's metadata, and ``benchmarks/bench_fnc1.py
--nli-model PATH --relation-model FILE`` measures the pair.  Scorer rows are cached in
``benchmarks/out/cache/`` (git-ignored; ``--cache ''`` turns it off).

The relation model is trained on ``verify/data/relation_pairs.jsonl`` (the project's own
invented, labelled pairs) with the packaged scorer and embedder; grouped 5-fold
cross-validation figures are printed and stored in the model's metadata.  ``--nli-map``
refits the aegis logit → (entailment, neutral, contradiction) mapping on 3,000 pairs of
``../shared/data/nli-train`` (openly licensed NLI data; skipped when absent).  FNC-1 is never
used here: it is for measuring only (benchmarks/bench_fnc1.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CACHE = ROOT / "benchmarks" / "out" / "cache"  # git-ignored; shared with benchmarks/bench_fnc1.py
NLI_DATA = ROOT.parent / "shared" / "data" / "nli-train" / "nli_train.jsonl.gz"


def fit_nli_map(seed: int = 7, per_label: int = 1000) -> None:
    from verify.relate import AegisScorer, aegis_map_path, fit_aegis_map

    if not NLI_DATA.is_file():
        print(f"skip --nli-map: {NLI_DATA} not found; keeping {aegis_map_path()}")
        return
    with gzip.open(NLI_DATA, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rows = [r for r in rows if r["source"] != "breaking_nli"]  # 88% contradiction: left out
    rng = random.Random(seed)
    rng.shuffle(rows)
    per: dict[str, list[dict]] = {"entailment": [], "neutral": [], "contradiction": []}
    for row in rows:
        if len(per[row["label"]]) < per_label:
            per[row["label"]].append(row)
    sample = [row for label in per for row in per[label]]
    rng.shuffle(sample)
    scorer = AegisScorer()
    started = time.perf_counter()
    logits = scorer.logits([r["premise"] for r in sample], [r["hypothesis"] for r in sample])
    print(f"scored {len(sample)} NLI pairs in {time.perf_counter() - started:.0f} s")
    mapping = fit_aegis_map(logits, [r["label"] for r in sample])
    mapping["data"] = (
        f"{len(sample):,} pairs ({per_label:,} per label) drawn with seed {seed} from shared/data/nli-train "
        "without breaking_nli"
    )
    aegis_map_path().write_text(json.dumps(mapping, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {aegis_map_path()} (held-out accuracy {mapping['heldout_accuracy']:.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", default=str(ROOT / "verify" / "data" / "relation_pairs.jsonl"))
    parser.add_argument("--out", default=str(ROOT / "verify" / "data" / "relation_model.json"))
    parser.add_argument("--text-mode", default="cue", help="what the scorer reads per statement")
    parser.add_argument("--nli-model", default=None, help="NLI model folder (default: the packaged scorer)")
    parser.add_argument("--C", type=float, default=1.0, help="inverse regularisation of the logistic regression")
    parser.add_argument("--calibration", default="sigmoid", choices=["sigmoid", "isotonic"])
    parser.add_argument("--nli-map", action="store_true", help="also refit the scorer's logit → NLI mapping")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation report")
    parser.add_argument(
        "--cache",
        default=str(CACHE),
        help="folder for a disk cache of scorer rows, keyed by scorer and pair texts ('' for none)",
    )
    args = parser.parse_args()

    if args.nli_map:
        fit_nli_map()

    from verify.classify import read_pairs, train_classifier
    from verify.embed import load_embedder
    from verify.relate import CachedScorer, load_scorer

    pairs = read_pairs(args.pairs)
    embedder = load_embedder()
    scorer = load_scorer(args.nli_model)
    if args.cache:
        scorer = CachedScorer.in_folder(scorer, args.cache)
    started = time.perf_counter()
    classifier, report = train_classifier(
        pairs,
        scorer,
        embed=embedder.embed,
        text_mode=args.text_mode,
        evaluate=not args.no_cv,
        C=args.C,
        calibration=args.calibration,
    )
    print(f"trained on {report['n_pairs']} pairs {report['labels']} in {time.perf_counter() - started:.0f} s")
    metadata = {"embedder": embedder.model_id, "pairs": Path(args.pairs).name}
    if report["cv"]:
        cv = report["cv"]
        print(f"grouped 5-fold CV: accuracy {cv['accuracy']:.3f}, macro-F1 {cv['macro_f1']:.3f}")
        for label, row in cv["per_label"].items():
            print(
                f"  {label:<12} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}  n {row['support']}"
            )
        metadata["cv_macro_f1"] = round(cv["macro_f1"], 4)
        metadata["cv_per_label_f1"] = {k: round(v["f1"], 4) for k, v in cv["per_label"].items()}
    classifier.save(args.out, **metadata)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
