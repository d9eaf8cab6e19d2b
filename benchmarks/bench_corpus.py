"""Corpus benchmark: adding speed, query latency, recall of the approximate index, memory.

    python benchmarks/bench_corpus.py                       # 10k and 100k (a few minutes)
    python benchmarks/bench_corpus.py --sizes 10000,100000,1000000   # + 1M

What it measures (figures go to stdout and benchmarks/out/bench_corpus.json):

1. Statements added per second through ``add_to_corpus`` with the real all-MiniLM-L6-v2
   embedder (embedding + storing; extraction is left out: it has its own benchmark), and
   through ``Corpus.add_documents`` with vectors computed beforehand.  The texts are
   statement contents of ``../shared/data/polnear-train`` when that folder is present (read
   at run time, never copied), else invented sentences.
2. For each size: a store of synthetic vectors (see below) is filled in batches (adds/s at
   scale), its approximate index built (time, peak memory); then a fresh process opens the
   store, loads the index and runs k=10 queries through ``Corpus.search`` (p50/p99 latency,
   also with a speaker filter, peak memory of that process); recall@10 of the answers against
   exact search computed by brute force in a third process.

Synthetic vectors: there is no time to embed a million sentences on 2 cores, so vectors are
drawn from a Gaussian shaped like MiniLM embeddings of news statements (measured on 3 000
PolNeAR statements: mean vector of norm 0.38, eigenvalues falling as i^-0.75 in a random
basis), then normalised.  Such vectors have no clusters or near-duplicates, which real
corpora have in plenty (the same quote reported by many outlets), so recall here is a
pessimistic estimate.  Queries are fresh draws from the same distribution.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verify.types import Document, QuoteKind, Span, SpeakerKind, Statement

DIM = 384
PER_DOCUMENT = 20
SPEAKERS = 2000
POLNEAR = ROOT.parent / "shared" / "data" / "polnear-train" / "polnear_train.jsonl"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Shape:
    """The synthetic distribution: a fixed mean and power-law spectrum in a random basis."""

    def __init__(self, seed: int = 1234) -> None:
        rng = np.random.default_rng(seed)
        basis, _ = np.linalg.qr(rng.standard_normal((DIM, DIM)))
        spectrum = np.arange(1, DIM + 1, dtype=np.float64) ** -0.75
        spectrum *= 0.857 / spectrum.sum()  # total variance of unit vectors with |mean| = 0.38
        self.scale = (np.sqrt(spectrum)[:, None] * basis.T).astype(np.float32)  # rows: scaled directions
        mean = rng.standard_normal(DIM)
        self.mean = (0.38 * mean / np.linalg.norm(mean)).astype(np.float32)

    def draw(self, count: int, seed: int) -> np.ndarray:
        """Independent draws: no clusters at all (the hardest case for an approximate index)."""
        rng = np.random.default_rng(seed)
        vectors = self.mean + rng.standard_normal((count, DIM), dtype=np.float32) @ self.scale
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


class NewsShape(Shape):
    """The same marginal distribution, with stories: statements come in topics (10 per topic on
    average); a topic keeps a fraction 1 - s² of the variance shared, s drawn per topic from
    U(0.6, 1.0).  Calibrated so the nearest-neighbour similarity of 3 000 draws (quartiles
    0.45 / 0.55 / 0.66) is close to that of 3 000 real MiniLM embeddings of PolNeAR
    statements (0.51 / 0.57 / 0.62)."""

    def __init__(self, size: int, seed: int = 1234) -> None:
        super().__init__(seed)
        rng = np.random.default_rng(seed + 1)
        count = max(1, size // 10)
        self.topics = rng.standard_normal((count, DIM), dtype=np.float32) @ self.scale
        self.spread = rng.uniform(0.6, 1.0, count).astype(np.float32)

    def draw(self, count: int, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        which = rng.integers(0, len(self.topics), count)
        spread = self.spread[which][:, None]
        own = rng.standard_normal((count, DIM), dtype=np.float32) @ self.scale
        vectors = self.mean + np.sqrt(1 - spread**2) * self.topics[which] + spread * own
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def make_shape(kind: str, size: int) -> Shape:
    return NewsShape(size) if kind == "news" else Shape()


def synthetic_items(start_doc: int, documents: int, vectors: np.ndarray) -> list:
    """Documents of ``PER_DOCUMENT`` tiny statements each, carrying the given vectors."""
    items = []
    for offset in range(documents):
        number = start_doc + offset
        text = " ".join(f"s{j}." for j in range(PER_DOCUMENT))
        text = f"doc {number}: {text}"
        document = Document(id=f"d{number:08d}", text=text, date=dt.date(2015, 1, 1) + dt.timedelta(days=number % 3000))
        statements = []
        for j in range(PER_DOCUMENT):
            begin = text.index(f"s{j}.")
            span = Span(begin, begin + len(f"s{j}"))
            statements.append(
                Statement(
                    id=f"{document.id}:{j}",
                    document_id=document.id,
                    speaker="speaker",
                    speaker_span=None,
                    speaker_id=f"speaker-{(number * 7 + j) % SPEAKERS}",
                    speaker_kind=SpeakerKind.PERSON,
                    cue="say",
                    cue_span=span,
                    content=f"n{number}s{j}",
                    content_span=span,
                    quote_kind=QuoteKind.DIRECT,
                    sentence=span.slice(text),
                    sentence_span=span,
                    date=document.date,
                )
            )
        rows = vectors[offset * PER_DOCUMENT : (offset + 1) * PER_DOCUMENT]
        items.append((document, statements, rows))
    return items


# -- phases, each in its own process so peak memory is its own ------------------------------


def phase_fill(store: Path, size: int, kind: str) -> dict:
    """Fill a store with ``size`` synthetic statements, then build its approximate index."""
    from verify.store import Corpus

    shape = make_shape(kind, size)
    chunk_docs = 500  # 10 000 statements per transaction
    started = time.perf_counter()
    with Corpus.open(store, ann_threshold=20_000) as corpus:
        done = 0
        while done < size:
            count = min(chunk_docs * PER_DOCUMENT, size - done)
            vectors = shape.draw(count, seed=done + 1)
            corpus.add_documents(
                synthetic_items(done // PER_DOCUMENT, count // PER_DOCUMENT, vectors), model_id="synthetic"
            )
            done += count
        fill_seconds = time.perf_counter() - started
        fill_rss = peak_rss_mb()
        started = time.perf_counter()
        corpus.update_index()
        index_seconds = time.perf_counter() - started
        info = corpus.stats()
    return {
        "statements": info.statements,
        "adds_per_s_precomputed": round(size / fill_seconds),
        "fill_seconds": round(fill_seconds, 1),
        "fill_peak_rss_mb": round(fill_rss),
        "index_build_seconds": round(index_seconds, 1),
        "build_peak_rss_mb": round(peak_rss_mb()),
        "store_mb": round(info.size_bytes / 1e6),
        "index": info.index.get("kind"),
    }


def phase_query(store: Path, queries: int, out: Path, kind: str, size: int) -> dict:
    """Open the store in a fresh process, run k=10 queries; save the answers for recall."""
    from verify.store import Corpus

    shape = make_shape(kind, size)
    vectors = shape.draw(queries, seed=987_654_321)
    with Corpus.open(store, create=False) as corpus:
        started = time.perf_counter()
        corpus.search(vectors[0], k=10)  # loads the index (or the exact matrix)
        open_seconds = time.perf_counter() - started
        latencies, answers = [], []
        for vector in vectors:
            t = time.perf_counter()
            hits = corpus.search(vector, k=10)
            latencies.append(time.perf_counter() - t)
            answers.append([s.id for s, _ in hits])
        filtered = []
        for number, vector in enumerate(vectors[:50]):
            t = time.perf_counter()
            corpus.search(vector, k=10, speaker_id=f"speaker-{number % SPEAKERS}")
            filtered.append(time.perf_counter() - t)
        broad = []
        for vector in vectors[:50]:
            t = time.perf_counter()
            corpus.search(vector, k=10, since="2016-01-01", until="2021-12-31")
            broad.append(time.perf_counter() - t)
        info = corpus.stats().index
    out.write_text(json.dumps(answers))
    ms = np.array(latencies) * 1000
    return {
        "search": info.get("kind"),
        "cells": info.get("cells"),
        "open_and_first_query_s": round(open_seconds, 2),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "speaker_filter_p50_ms": round(float(np.percentile(np.array(filtered) * 1000, 50)), 2),
        "date_range_filter_p50_ms": round(float(np.percentile(np.array(broad) * 1000, 50)), 2),
        "query_peak_rss_mb": round(peak_rss_mb()),
    }


def phase_exact(store: Path, queries: int, out: Path, kind: str, size: int) -> None:
    """Exact top-10 by brute force over the stored vectors, streamed in chunks."""
    from verify.store import Corpus, _Source

    shape = make_shape(kind, size)
    vectors = shape.draw(queries, seed=987_654_321)
    best_scores = np.full((queries, 10), -np.inf, dtype=np.float32)
    best_labels = np.zeros((queries, 10), dtype=np.int64)
    with Corpus.open(store, create=False) as corpus:
        for labels, chunk in _Source(corpus).iter_vectors(0, None, batch=100_000):
            scores = vectors @ chunk.T
            merged_scores = np.concatenate([best_scores, scores], axis=1)
            merged_labels = np.concatenate([best_labels, np.broadcast_to(labels, scores.shape)], axis=1)
            top = np.argsort(-merged_scores, axis=1)[:, :10]
            best_scores = np.take_along_axis(merged_scores, top, axis=1)
            best_labels = np.take_along_axis(merged_labels, top, axis=1)
        ids = []
        for row in best_labels:
            marks = ",".join("?" * len(row))
            found = dict(
                corpus._conn.execute(f"SELECT rowid, id FROM statements WHERE rowid IN ({marks})", row.tolist())
            )
            ids.append([found[int(label)] for label in row])
    out.write_text(json.dumps(ids))


# -- real model ---------------------------------------------------------------------------------


def statement_texts(count: int) -> tuple[list[str], str]:
    """Statement contents: PolNeAR's when present, else invented ones."""
    if POLNEAR.exists():
        texts, seen = [], set()
        with open(POLNEAR, encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line)["content"]["text"].strip()
                if len(text.split()) >= 5 and text not in seen:
                    seen.add(text)
                    texts.append(text)
                if len(texts) >= count:
                    break
        return texts, "PolNeAR statement contents"
    rng = np.random.default_rng(5)
    subjects = ["the council", "the ferry operator", "the union", "the ministry", "the mayor", "the harbour board"]
    verbs = ["would raise", "had cut", "plans to review", "refused to fund", "will double", "never approved"]
    objects = ["the water tariff", "night buses", "the bridge repairs", "school meals", "the port budget", "bike lanes"]
    texts = [
        f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} in {2000 + i % 25} after {i % 97} complaints"
        for i in range(count)
    ]
    return texts, "invented sentences"


class Prebuilt:
    """An 'extractor' returning statements made beforehand (extraction is not measured)."""

    def __init__(self, by_document: dict[str, list[Statement]]) -> None:
        self.by_document = by_document

    def extract(self, document: Document) -> list[Statement]:
        return self.by_document[document.id]


def real_model(count: int, workdir: Path) -> dict:
    from verify.embed import SentenceTransformerEmbedder
    from verify.pipeline import add_to_corpus
    from verify.store import Corpus

    texts, origin = statement_texts(count)
    documents, by_document = [], {}
    for start in range(0, len(texts), 10):
        group = texts[start : start + 10]
        text = "\n".join(group)
        document = Document(id=Document.make_id(text), text=text, origin=f"bench-{start}")
        statements, position = [], 0
        for line in group:
            span = Span(position, position + len(line))
            statements.append(
                Statement(
                    id=Statement.make_id(document.id, span),
                    document_id=document.id,
                    speaker="someone",
                    speaker_span=None,
                    speaker_id="someone",
                    speaker_kind=SpeakerKind.PERSON,
                    cue="say",
                    cue_span=span,
                    content=line,
                    content_span=span,
                    quote_kind=QuoteKind.INDIRECT,
                    sentence=line,
                    sentence_span=span,
                    date=None,
                )
            )
            position += len(line) + 1
        documents.append(document)
        by_document[document.id] = statements
    embedder = SentenceTransformerEmbedder(batch_size=64)
    embedder.embed(["warm up the model"])
    with Corpus.open(workdir / "real.sqlite") as corpus:
        started = time.perf_counter()
        summary = add_to_corpus(documents, corpus, Prebuilt(by_document), embedder, batch_size=32)
        with_model = time.perf_counter() - started
        statements = [s for d in documents for s in by_document[d.id]]
        vectors = corpus.vectors_for([s.id for s in statements])
        started = time.perf_counter()
        again = add_to_corpus(documents, corpus, Prebuilt(by_document), embedder, batch_size=32)
        readd = time.perf_counter() - started
    items, offset = [], 0
    for document in documents:
        n = len(by_document[document.id])
        items.append((document, by_document[document.id], vectors[offset : offset + n]))
        offset += n
    with Corpus.open(workdir / "precomputed.sqlite") as corpus:
        started = time.perf_counter()
        for start in range(0, len(items), 32):
            corpus.add_documents(items[start : start + 32], model_id=embedder.model_id)
        precomputed = time.perf_counter() - started
    assert again.documents_added == 0 and again.vectors_embedded == 0
    return {
        "texts": origin,
        "statements": summary.statements_added,
        "adds_per_s_real_model": round(summary.statements_added / with_model, 1),
        "adds_per_s_precomputed": round(len(statements) / precomputed),
        "readd_seconds": round(readd, 2),
    }


# -- driver ---------------------------------------------------------------------------------------


def run_phase(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", *args], check=False, capture_output=True, text=True, cwd=ROOT
    )
    if out.returncode != 0:
        raise SystemExit(f"phase {args[0]} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="store sizes, comma-separated")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--real", type=int, default=1000, help="statements embedded with the real model (0: skip)")
    parser.add_argument(
        "--vectors",
        default="news,gaussian",
        help="synthetic distributions: news (topics, calibrated on real embeddings), gaussian (no clusters)",
    )
    parser.add_argument("--workdir", default=None, help="where stores go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic stores")
    parser.add_argument("--phase", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    if args.phase:
        name, *rest = args.phase
        if name == "fill":
            print(json.dumps(phase_fill(Path(rest[0]), int(rest[1]), rest[2])))
        elif name == "query":
            print(json.dumps(phase_query(Path(rest[0]), int(rest[1]), Path(rest[2]), rest[3], int(rest[4]))))
        elif name == "exact":
            phase_exact(Path(rest[0]), int(rest[1]), Path(rest[2]), rest[3], int(rest[4]))
            print("{}")
        elif name == "real":
            print(json.dumps(real_model(int(rest[0]), Path(rest[1]))))
        return

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    workdir.mkdir(parents=True, exist_ok=True)
    report: dict = {"machine": f"{os.cpu_count()} CPUs", "sizes": {}}
    if args.real:
        report["real_model"] = run_phase("real", str(args.real), str(workdir))
        print(json.dumps({"real_model": report["real_model"]}), flush=True)
    for kind in [k for k in args.vectors.split(",") if k]:
        for size in [int(s) for s in args.sizes.split(",") if s]:
            store = workdir / f"{kind}-{size}.sqlite"
            for leftover in workdir.glob(f"{kind}-{size}.sqlite*"):
                leftover.unlink()
            row = run_phase("fill", str(store), str(size), kind)
            exact_file = workdir / f"exact-{kind}-{size}.json"
            run_phase("exact", str(store), str(args.queries), str(exact_file), kind, str(size))
            truth = json.loads(exact_file.read_text())
            runs = []
            answers_file = workdir / f"answers-{kind}-{size}.json"
            query = run_phase("query", str(store), str(args.queries), str(answers_file), kind, str(size))
            answers = json.loads(answers_file.read_text())
            hits = [len(set(a) & set(t)) / 10 for a, t in zip(answers, truth)]
            query["recall_at_10"] = round(float(np.mean(hits)), 4)
            runs.append(query)
            row["queries"] = runs
            report["sizes"][f"{kind}-{size}"] = row
            print(json.dumps({f"{kind}-{size}": row}), flush=True)
            if not args.keep:
                for leftover in workdir.glob(f"{kind}-{size}.sqlite*"):
                    leftover.unlink()
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_corpus.json").write_text(json.dumps(report, indent=2))
    print(
        "\n| vectors | statements | adds/s (precomputed) | index build | p50 ms | p99 ms | recall@10 | query RSS MB | build RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, row in report["sizes"].items():
        kind, size = name.split("-")
        for q in row["queries"]:
            print(
                f"| {kind} | {int(size):,} | {row['adds_per_s_precomputed']:,} | {row['index_build_seconds']} s | "
                f"{q['p50_ms']} | {q['p99_ms']} | {q['recall_at_10']} ({q['search']}) | "
                f"{q['query_peak_rss_mb']} | {row['build_peak_rss_mb']} |"
            )


if __name__ == "__main__":
    main()
