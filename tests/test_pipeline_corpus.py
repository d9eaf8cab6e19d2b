"""Building the corpus: ingest → extract → embed → store in batches, and what survives a crash.

Unit tests use ``SaidExtractor`` (tests/corpus_fakes.py) and ``FakeEmbedder``; the
reliability tests run ``verify corpus add`` in subprocesses (killed with SIGKILL, or two at
once); one integration test uses the real extractor and model on the seed article.
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from corpus_fakes import SaidExtractor, expected_statements, write_articles

from verify.embed import FakeEmbedder
from verify.errors import StoreError
from verify.ingest import load_path
from verify.pipeline import AddSummary, add_to_corpus, article_files, search_text
from verify.store import Corpus

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, counting the texts it is asked to embed."""

    def __init__(self, dimension: int = 32, fail_after: int | None = None) -> None:
        super().__init__(dimension)
        self.texts = 0
        self.calls = 0
        self.fail_after = fail_after

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("the embedder broke down")
        self.texts += len(texts)
        return super().embed(texts)


def whole_documents(corpus: Corpus) -> tuple[int, int]:
    """(documents, statements) after checking every stored document is complete."""
    documents = statements = 0
    for document in corpus.documents():
        found = len(list(corpus.statements(document.id)))
        assert found == expected_statements(document.text) > 0, f"{document.origin} is not whole"
        documents += 1
        statements += found
    assert statements == len(corpus)
    return documents, statements


def test_add_then_readd_is_a_no_op(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 100)
    extractor, embedder = SaidExtractor(), CountingEmbedder()
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        first = add_to_corpus(paths, corpus, extractor, embedder, batch_size=16)
        stats = corpus.stats()
        assert first.documents_added == 100 and first.failures == []
        assert first.statements_added == stats.statements == sum(expected_statements(p.read_text()) for p in paths)
        assert whole_documents(corpus) == (100, stats.statements)
        calls, texts = extractor.calls, embedder.texts
        second = add_to_corpus(paths, corpus, extractor, embedder, batch_size=16)
        assert (second.documents_added, second.statements_added, second.documents_skipped) == (0, 0, 100)
        assert (extractor.calls, embedder.texts) == (calls, texts), "stored documents are not read again"
        again = corpus.stats()
        assert (again.documents, again.statements, again.cached_vectors) == (
            stats.documents,
            stats.statements,
            stats.cached_vectors,
        )


def test_duplicate_texts_are_embedded_once(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 4)
    copy = tmp_path / "in" / "copy-of-0.md"
    copy.write_text(paths[0].read_text() + "\nA footer line.\n")
    embedder = CountingEmbedder()
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        summary = add_to_corpus([*paths, copy, paths[1]], corpus, SaidExtractor(), embedder)
        distinct = {s.content for s in corpus.statements()}
        assert embedder.texts == len(distinct)
        assert summary.documents_added == 5 and summary.documents_skipped == 1
        assert summary.vectors_embedded == len(distinct)
        assert summary.vectors_reused == summary.statements_added - len(distinct)
        removed = next(corpus.documents())
        corpus.remove_document(removed.id)
        before = embedder.texts
        assert add_to_corpus(paths, corpus, SaidExtractor(), embedder).documents_added == 1
        assert embedder.texts == before, "vectors of a removed document stay cached"


def test_bad_inputs_fail_alone(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 6)
    (tmp_path / "in" / "empty.txt").write_text("")
    (tmp_path / "in" / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "in" / "poison.txt").write_text("date 2024-01-01\nAlma Ruud said POISON would spread.\n")
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        summary = add_to_corpus(
            [tmp_path / "in", tmp_path / "missing.txt"], corpus, SaidExtractor(fail_on="POISON"), FakeEmbedder(32)
        )
        assert summary.documents_added == len(paths)
        reasons = {Path(f.origin).name: f.message for f in summary.failures}
        assert set(reasons) == {"empty.txt", "binary.txt", "poison.txt", "missing.txt"}
        assert "extraction failed" in reasons["poison.txt"]
        whole_documents(corpus)


def test_a_batch_is_stored_whole_or_not_at_all(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 40)
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        with pytest.raises(RuntimeError, match="broke down"):
            add_to_corpus(paths, corpus, SaidExtractor(), CountingEmbedder(fail_after=2), batch_size=8)
        assert whole_documents(corpus)[0] == 16  # two batches of 8, nothing of the third
        assert corpus.check() == []
        rest = add_to_corpus(paths, corpus, SaidExtractor(), CountingEmbedder(), batch_size=8)
        assert (rest.documents_added, rest.documents_skipped) == (24, 16)


def test_progress_callback_and_summary(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 10)
    seen: list[int] = []
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        summary = add_to_corpus(
            paths,
            corpus,
            SaidExtractor(),
            FakeEmbedder(32),
            batch_size=3,
            on_batch=lambda s: seen.append(s.documents_added),
        )
    assert seen == [3, 6, 9, 10]
    assert isinstance(summary, AddSummary) and summary.to_dict()["documents_added"] == 10 and summary.seconds > 0


def test_store_of_another_model_is_refused_before_any_work(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 3)
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        add_to_corpus(paths[:1], corpus, SaidExtractor(), FakeEmbedder(32))
        extractor = SaidExtractor()
        with pytest.raises(StoreError, match="fake-bow-32"):
            add_to_corpus(paths, corpus, extractor, FakeEmbedder(16))
        assert extractor.calls == 0


def test_export_then_add_into_a_fresh_store_is_identical(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 25)
    embedder = CountingEmbedder()
    with Corpus.open(tmp_path / "a.sqlite") as original:
        add_to_corpus(paths, original, SaidExtractor(), embedder)
        export = tmp_path / "export.jsonl"
        with open(export, "w", encoding="utf-8") as fh:
            original.export_jsonl(fh)
    never = SaidExtractor(fail_on=" ")  # would fail on any text: the export must not be re-extracted
    copy_embedder = CountingEmbedder()
    with Corpus.open(tmp_path / "b.sqlite") as copy:
        summary = add_to_corpus([export], copy, never, copy_embedder)
        assert summary.failures == [] and summary.documents_added == 25
        assert never.calls == 0 and copy_embedder.texts == 0, "statements and vectors came from the file"
    queries = ["Carla Mendes said the tram line would be delayed", "the water tariff", "a vote on the school merger"]
    with Corpus.open(tmp_path / "a.sqlite") as a, Corpus.open(tmp_path / "b.sqlite") as b:
        assert list(a.statements()) == list(b.statements())
        assert list(a.documents()) == list(b.documents())
        for query in queries:
            assert search_text(a, query, embedder, k=10) == search_text(b, query, embedder, k=10)
        buffer_a, buffer_b = io.StringIO(), io.StringIO()
        a.export_jsonl(buffer_a)
        b.export_jsonl(buffer_b)
        assert buffer_a.getvalue() == buffer_b.getvalue()


def test_export_without_vectors_is_embedded_again(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 5)
    with Corpus.open(tmp_path / "a.sqlite") as original:
        add_to_corpus(paths, original, SaidExtractor(), FakeEmbedder(32))
        export = tmp_path / "export.jsonl"
        with open(export, "w", encoding="utf-8") as fh:
            original.export_jsonl(fh, vectors=False)
        future = '{"format": "verify-corpus/99", "text": "Ana Brel said the pier is safe."}\n'
        export.write_text(
            export.read_text() + "{not json\n" + '{"text": "Dario Vance said the pier was fine."}\n' + future
        )
        embedder = CountingEmbedder()
        with Corpus.open(tmp_path / "b.sqlite") as copy:
            summary = add_to_corpus([export], copy, SaidExtractor(), embedder)
            assert summary.documents_added == 6
            assert [f.origin for f in summary.failures] == [f"{export}:6", f"{export}:8"]
            assert "verify-corpus/99" in summary.failures[1].message  # a newer export is not read as an article
            assert embedder.texts == len(copy) and list(copy.statements())[:-1] == list(original.statements())


def test_article_files_skip_readme_and_alias_files(tmp_path: Path) -> None:
    for name in ("README.md", "aliases.toml", "speaker-aliases.json", "LICENSE", ".hidden.txt", "notes.pdf"):
        (tmp_path / name).write_text("x")
    write_articles(tmp_path / "sub", 2)
    assert [p.name for p in article_files(tmp_path)] == ["article-00000.txt", "article-00001.txt"]
    bundled = article_files(ROOT / "corpora")
    assert [p.name for p in bundled] == ["2022-03-31-ukraine.txt"]


# -- reliability: real processes -----------------------------------------------------------------

WORKER = """
import sys, time
sys.path.insert(0, {tests!r})
from corpus_fakes import SaidExtractor
from verify import cli_corpus, store
from verify.cli import cli

original = store._Connection.executemany
def slow_executemany(self, sql, rows):
    result = original(self, sql, rows)
    time.sleep({write_delay})  # widen the window in which a transaction is open
    return result
store._Connection.executemany = slow_executemany
cli_corpus._make_extractor = lambda aliases: SaidExtractor(delay={delay})
cli(["corpus", "add", "--store", {store!r}, "--model", "fake-bow-32", "--batch-size", "{batch}", *{paths!r}],
    prog_name="verify")
"""


def start_worker(
    store: Path, paths: list[Path], delay: float = 0.0, write_delay: float = 0.0, batch: int = 4
) -> subprocess.Popen[str]:
    code = WORKER.format(
        tests=str(TESTS),
        store=str(store),
        paths=[str(p) for p in paths],
        delay=delay,
        write_delay=write_delay,
        batch=batch,
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "VERIFY_CONFIG": os.devnull}
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def stored_documents(store: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_sigkill_in_the_middle_of_corpus_add_leaves_whole_documents(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 120)
    store = tmp_path / "c.sqlite"
    worker = start_worker(store, paths, delay=0.002, write_delay=0.05, batch=4)
    deadline = time.monotonic() + 120
    while stored_documents(store) < 12 and worker.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker.poll() is None, f"the worker ended before it could be killed: {worker.communicate()}"
    time.sleep(0.13)  # most of the worker's time is inside a write transaction
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with Corpus.open(store) as corpus:
        assert corpus.check() == []
        documents, _statements = whole_documents(corpus)
        assert 12 <= documents < 120 and documents % 4 == 0, "only whole batches were committed"
        summary = add_to_corpus(paths, corpus, SaidExtractor(), FakeEmbedder(32))
        assert summary.documents_skipped == documents and summary.documents_added == 120 - documents
        assert whole_documents(corpus)[0] == 120


def test_two_processes_adding_at_once_both_succeed(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 130)
    store = tmp_path / "c.sqlite"
    first = start_worker(store, paths[:80], delay=0.001, write_delay=0.01, batch=3)
    second = start_worker(store, paths[50:], delay=0.001, write_delay=0.01, batch=3)
    outputs = [first.communicate(timeout=300), second.communicate(timeout=300)]
    for worker, (out, err) in zip((first, second), outputs):
        assert worker.returncode == 0, err
        assert "locked" not in err and "busy" not in err
        assert "0 failed" in out
    added = [int(out.split()[1]) for out, _ in outputs]
    skipped = [int(out.split(";")[1].split()[0]) for out, _ in outputs]
    assert sum(added) == 130 and sum(skipped) == 30  # each overlapping document stored once
    with Corpus.open(store) as corpus:
        assert corpus.check() == []
        assert whole_documents(corpus)[0] == 130
        assert {d.origin for d in corpus.documents()} == {str(p) for p in paths}


# -- integration: the real extractor and model ----------------------------------------------------


@pytest.fixture(scope="session")
def minilm():  # type: ignore[no-untyped-def]
    """The real all-MiniLM-L6-v2 embedder, loaded once per session."""
    from verify.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.mark.slow
def test_seed_article_with_real_extractor_and_model(tmp_path: Path, extractor, minilm, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    (document,) = list(load_path(seed_path))
    expected = extractor.extract(document)
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        summary = add_to_corpus([ROOT / "corpora"], corpus, extractor, minilm)
        assert summary.failures == [] and summary.documents_added == 1
        assert list(corpus.statements()) == expected
        assert corpus.model_id == "all-MiniLM-L6-v2" and corpus.dimension == 384
        hits = search_text(corpus, "the Russian promise is just words", minilm, k=3)
        assert hits[0][0].speaker_id == "volodymyr-zelensky" and "words" in hits[0][0].content
        assert hits[0][1] > hits[1][1] + 0.2
        pentagon = search_text(corpus, "pulling back troops near Kyiv is not a de-escalation", minilm, k=3)
        assert "de-escalation" in pentagon[0][0].content
        only = search_text(corpus, "peace deal", minilm, k=5, speaker_id="volodymyr-zelensky")
        assert only and {s.speaker_id for s, _ in only} == {"volodymyr-zelensky"}
        exact = corpus.search(corpus.vectors_for([expected[0].id])[0], k=1)
        assert exact[0][0] == expected[0] and exact[0][1] == pytest.approx(1.0, abs=1e-5)
        again = add_to_corpus([seed_path], corpus, extractor, minilm)
        assert (again.documents_added, again.documents_skipped) == (0, 1)
