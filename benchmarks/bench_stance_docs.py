"""Verdicts on the project's own invented articles: claims against whole articles.

    python benchmarks/bench_stance_docs.py [--docs verify/data/stance_docs.jsonl]
                                           [--nli-model PATH] [--relation-model FILE]
                                           [--top-k K] [--min-confidence P ...]

Each line of ``--docs`` is {"id", "topic", "article", "claims": [{"text", "stance"}]}: 280
invented news articles (no real people or outlets) with 1,122 claims, the stance being what
the whole article says about the claim (supports / contradicts / follows_up / unrelated);
the debunking or hedging is often in another sentence than the one that restates the claim.
Each claim is related to its article's ``--top-k`` most similar sentences (default: the
pipeline's ``neighbours``, 10) by the scorer and
the relation model (``verify.stance.relate_to_articles``, as ``benchmarks/bench_fnc1.py``
does), and the verdict is mapped to a relation label (``verify.verdicts.verdict_relation``).

Figures: macro-F1 and per-label F1 of the verdicts read one position per source (the
product's default, ``verify.stance.consolidate``) and of the verdicts over every relation
on its own, side by side, for a few ``min_confidence`` values.  Our own data, so it may be
looked at and tuned on (FNC-1 may not).  Results go to
``benchmarks/out/bench_stance_docs.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CACHE = ROOT / "benchmarks" / "out" / "cache"  # git-ignored; shared with the other benchmarks
DOCS = ROOT / "verify" / "data" / "stance_docs.jsonl"
OUT = ROOT / "benchmarks" / "out" / "bench_stance_docs.json"


def read_docs(path: Path) -> list[dict]:
    """The articles of a stance file; ``ConfigError`` naming the line when one is malformed."""
    from verify.classify import LABELS
    from verify.errors import ConfigError

    docs = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                article, claims = str(record["article"]), list(record["claims"])
                for claim in claims:
                    if claim["stance"] not in LABELS or not str(claim["text"]).strip():
                        raise ValueError(f"bad claim {claim!r}")
            except (ValueError, KeyError, TypeError) as exc:
                raise ConfigError(f"{path}:{number}: {exc}") from None
            docs.append({"id": str(record.get("id") or number), "article": article, "claims": claims})
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", default=str(DOCS))
    parser.add_argument("--nli-model", default=None, help="NLI model folder (default: the packaged scorer)")
    parser.add_argument("--relation-model", default=None, help="relation model JSON (default: the shipped one)")
    parser.add_argument("--top-k", type=int, default=None, help="article sentences related per claim (default 10)")
    parser.add_argument("--min-similarity", type=float, default=None, help="default: the pipeline's (0.35)")
    parser.add_argument(
        "--min-confidence", type=float, nargs="+", default=[0.4, 0.45, 0.5, 0.55], help="values to compare"
    )
    parser.add_argument("--cache", default=str(CACHE), help="folder for a disk cache of scorer rows ('' for none)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()

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

    docs = read_docs(Path(args.docs))
    articles = {d["id"]: d["article"] for d in docs}
    items = [(c["text"], d["id"]) for d in docs for c in d["claims"]]
    gold = [c["stance"] for d in docs for c in d["claims"]]
    embedder = load_embedder()
    scorer = load_scorer(args.nli_model)
    if args.cache:
        scorer = CachedScorer.in_folder(scorer, args.cache)
    relater = Relater(scorer, load_classifier(args.relation_model, scorer.name))
    started = time.perf_counter()
    related = relate_to_articles(items, articles, embedder.embed, relater, top_k, min_similarity)
    seconds = time.perf_counter() - started
    print(f"{len(docs)} articles, {len(items)} claims related in {seconds:.0f} s")

    result: dict = {"articles": len(docs), "claims": len(items), "gold": {}, "runs": []}
    for label in sorted(set(gold)):
        result["gold"][label] = gold.count(label)
    for min_confidence in args.min_confidence:
        for per_source in (True, False):
            predicted = []
            for _, relations, statements in related:
                if per_source:
                    relations = consolidate(relations, {s.id: s for s in statements})
                label, _, ranked = decide(relations, min_confidence)
                predicted.append(verdict_relation(label, ranked))
            metrics = relation_metrics(gold, predicted)
            result["runs"].append(
                {
                    "min_confidence": min_confidence,
                    "per_source": per_source,
                    "macro_f1": round(metrics["macro_f1"], 4),
                    "accuracy": round(metrics["accuracy"], 4),
                    "f1": {k: round(v["f1"], 4) for k, v in metrics["per_label"].items()},
                }
            )
            reading = "one per source" if per_source else "each relation"
            per_label = "  ".join(f"{k} {v['f1']:.3f}" for k, v in metrics["per_label"].items())
            print(f"min_confidence {min_confidence:.2f}, {reading:<14} macro-F1 {metrics['macro_f1']:.3f}  {per_label}")
    result["scorer"] = relater.scorer.name
    result["settings"] = {"top_k": top_k, "min_similarity": min_similarity}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
