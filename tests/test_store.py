"""The SQLite store: round trips, idempotent adds, atomicity, refusal of foreign files, search."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from corpus_fakes import SaidExtractor, article_date, article_text

from verify.embed import FakeEmbedder, embed_text
from verify.errors import NotAStoreError, StoreError
from verify.ingest import parse_text
from verify.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    Corpus,
    export_record,
    read_export_record,
)
from verify.types import Document, Relation, RelationLabel, Span, Statement

EMBEDDER = FakeEmbedder(32)
EXTRACTOR = SaidExtractor()


def item(i: int) -> tuple[Document, list[Statement], np.ndarray]:
    document = parse_text(article_text(i), origin=f"article-{i}.txt", date=article_date(i).isoformat())
    statements = EXTRACTOR.extract(document)
    return document, statements, EMBEDDER.embed([embed_text(s) for s in statements])


def items(count: int, start: int = 0) -> list[tuple[Document, list[Statement], np.ndarray]]:
    return [item(i) for i in range(start, start + count)]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "corpus.sqlite"


def test_new_store_is_marked_and_safe(store: Path) -> None:
    with Corpus.open(store) as corpus:
        assert len(corpus) == 0 and corpus.model_id is None
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"documents", "statements", "vectors", "relations", "meta"} <= tables
    conn.close()
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))


def test_missing_store_without_create(store: Path) -> None:
    with pytest.raises(StoreError, match="no corpus store here"):
        Corpus.open(store, create=False)
    assert not store.exists()


def test_round_trip_keeps_every_field(store: Path) -> None:
    batch = items(5)
    with Corpus.open(store) as corpus:
        result = corpus.add_documents(batch, model_id=EMBEDDER.model_id)
        assert (result.documents, result.statements, result.skipped) == (5, sum(len(s) for _, s, _ in batch), 0)
    with Corpus.open(store, create=False) as corpus:
        for document, statements, vectors in batch:
            assert corpus.has_document(document.id)
            assert corpus.get_document(document.id) == document
            assert list(corpus.statements(document.id)) == statements
            for statement in statements:
                assert corpus.get_statement(statement.id) == statement
            np.testing.assert_allclose(corpus.vectors_for([s.id for s in statements]), vectors, atol=1e-6)
        assert [d.id for d in corpus.documents()] == [d.id for d, _, _ in batch]
        assert corpus.get_statement("nope") is None and corpus.get_document("nope") is None
        assert corpus.model_id == EMBEDDER.model_id and corpus.dimension == 32


def test_adding_the_same_100_documents_twice_changes_nothing(store: Path) -> None:
    batch = items(100)
    with Corpus.open(store) as corpus:
        first = corpus.add_documents(batch)
        before = corpus.stats()
        second = corpus.add_documents(batch)
        after = corpus.stats()
    assert first.documents == 100 and second.documents == 0 and second.skipped == 100
    assert (before.documents, before.statements, before.cached_vectors) == (
        after.documents,
        after.statements,
        after.cached_vectors,
    )
    assert after.documents == 100 and after.statements == sum(len(s) for _, s, _ in batch)


def test_same_text_shares_one_cached_vector(store: Path) -> None:
    document, statements, vectors = item(3)
    twin = parse_text(document.text + " Nothing else.", origin="twin.txt")
    twin_statements = EXTRACTOR.extract(twin)
    with Corpus.open(store) as corpus:
        corpus.add_documents([(document, statements, vectors), (twin, twin_statements, vectors)])
        assert corpus.stats().cached_vectors == len({embed_text(s) for s in statements})
        hashes = [hashlib.sha256(embed_text(s).encode()).hexdigest()[:16] for s in statements]
        cached = corpus.cached_vectors(corpus.model_id or "", hashes + ["0" * 16])
        assert set(cached) == set(hashes)


def test_a_failing_call_stores_nothing(store: Path) -> None:
    good = item(1)
    document, statements, vectors = item(2)
    # a second document reusing a statement id of the first: the database refuses it mid-call
    clash_doc = Document(id="clash", text=document.text)
    clash = [Statement(**{**s.__dict__, "document_id": "clash", "id": statements[0].id}) for s in statements[:1]]
    with Corpus.open(store) as corpus:
        with pytest.raises(StoreError):
            corpus.add_documents([good, (document, statements, vectors), (clash_doc, clash, vectors[:1])])
        assert corpus.stats().documents == 0 and len(corpus) == 0
        assert not corpus.has_document(good[0].id)
        assert corpus.check() == []


def test_bad_items_are_refused_before_writing(store: Path) -> None:
    document, statements, vectors = item(2)
    with Corpus.open(store) as corpus:
        with pytest.raises(ValueError, match="statements but vectors"):
            corpus.add_documents([(document, statements, vectors[:-1])])
        bad = vectors.copy()
        bad[0, 0] = np.nan
        with pytest.raises(ValueError, match="NaN"):
            corpus.add_documents([(document, statements, bad)])
        corpus.add_documents([(document, statements, vectors)], model_id="model-a")
        with pytest.raises(StoreError, match="model-a"):
            corpus.add_documents([item(3)], model_id="model-b")
        with pytest.raises(StoreError, match="dimensions"):
            other, its_statements, _ = item(4)
            corpus.add_documents([(other, its_statements, np.ones((len(its_statements), 8)))], model_id="model-a")
        assert corpus.stats().documents == 1


def test_remove_document(store: Path) -> None:
    batch = items(6)
    victim, victim_statements, victim_vectors = batch[2]
    with Corpus.open(store) as corpus:
        corpus.add_documents(batch)
        corpus.put_relations([Relation("outside:1-2", victim_statements[0].id, RelationLabel.CONTRADICTS, 0.9)])
        assert len(corpus.relations("outside:1-2")) == 1
        total = len(corpus)
        assert corpus.remove_document(victim.id) is True
        assert corpus.remove_document(victim.id) is False
        assert len(corpus) == total - len(victim_statements) == len(list(corpus.statements()))
        assert corpus.get_statement(victim_statements[0].id) is None
        assert corpus.relations("outside:1-2") == []
        hits = corpus.search(victim_vectors[0], k=len(corpus))
        assert victim.id not in {s.document_id for s, _ in hits}
        assert corpus.check() == []
        # the vectors stay cached: adding it back embeds nothing new
        assert corpus.add_documents([batch[2]]).new_vectors == 0


def test_exact_search_matches_numpy(store: Path) -> None:
    batch = items(40)
    with Corpus.open(store) as corpus:
        corpus.add_documents(batch)
        everything = list(corpus.statements())
        matrix = corpus.vectors_for([s.id for s in everything])
        rng = np.random.default_rng(7)
        queries = rng.standard_normal((5, 32)).astype(np.float32)
        answers = corpus.search(queries, k=7)
        assert len(answers) == 5
        for query, answer in zip(queries, answers):
            scores = matrix @ (query / np.linalg.norm(query))
            order = sorted(range(len(everything)), key=lambda i: (-scores[i], i))[:7]
            assert [s.id for s, _ in answer] == [everything[i].id for i in order]
            np.testing.assert_allclose([x for _, x in answer], scores[order], atol=1e-5)
        single = corpus.search(queries[0], k=3)
        assert [s.id for s, _ in single] == [s.id for s, _ in answers[0][:3]]
        assert len(corpus.search(queries[0], k=10_000)) == len(everything)


def test_search_filters(store: Path) -> None:
    batch = items(60)
    with Corpus.open(store) as corpus:
        corpus.add_documents(batch)
        everything = list(corpus.statements())
        speaker = everything[0].speaker_id
        query = corpus.vectors_for([everything[5].id])[0]
        hits = corpus.search(query, k=1000, speaker_id=speaker)
        assert hits and {s.speaker_id for s, _ in hits} == {speaker}
        assert len(hits) == sum(1 for s in everything if s.speaker_id == speaker)
        since, until = "2024-01-10", "2024-01-20"
        dated = corpus.search(query, k=1000, since=since, until=until)
        assert dated and all(since <= s.date.isoformat() <= until for s, _ in dated)  # type: ignore[union-attr]
        assert len(dated) == sum(1 for s in everything if s.date and since <= s.date.isoformat() <= until)
        assert corpus.search(query, k=5, speaker_id="nobody-at-all") == []
        with pytest.raises(ValueError, match="not a date"):
            corpus.search(query, since="last week")


def test_search_empty_store_and_wrong_dimension(store: Path) -> None:
    with Corpus.open(store) as corpus:
        assert corpus.search(np.ones(32), k=3) == []
        corpus.add_documents(items(2))
        with pytest.raises(StoreError, match="dimensions"):
            corpus.search(np.ones(31), k=3)


def test_export_import_gives_identical_statements_and_results(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    with Corpus.open(first) as corpus:
        corpus.add_documents(items(30), model_id=EMBEDDER.model_id)
        buffer = io.StringIO()
        assert corpus.export_jsonl(buffer) == 30
    lines = buffer.getvalue().splitlines()
    with Corpus.open(second) as copy:
        records = [read_export_record(json.loads(line)) for line in lines]
        copy.add_documents([(d, s, v) for d, s, v, _ in records], model_id=records[0][3])  # type: ignore[misc]
    query = EMBEDDER.embed(["Bruno Keller said the harbour budget would cost more"])[0]
    with Corpus.open(first) as a, Corpus.open(second) as b:
        assert list(a.statements()) == list(b.statements())
        assert list(a.documents()) == list(b.documents())
        assert a.search(query, k=10) == b.search(query, k=10)
        again = io.StringIO()
        b.export_jsonl(again)
        assert again.getvalue() == buffer.getvalue()


def test_export_record_is_checked() -> None:
    document, statements, vectors = item(5)
    record = export_record(document, statements, vectors, "m")
    assert read_export_record(record)[0] == document
    broken = json.loads(json.dumps(record))
    broken["statements"][0]["content"] = "not what the text says"
    with pytest.raises(ValueError, match="content"):
        read_export_record(broken)
    assert read_export_record(export_record(document, statements, None, None))[2] is None


# -- files that are not stores ------------------------------------------------------------------


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.commit()
    conn.close()


def _real_store(path: Path) -> None:
    with Corpus.open(path) as corpus:
        corpus.add_documents(items(30))


def _truncated_store(path: Path) -> None:
    _real_store(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _store_with_bad_header(path: Path) -> None:
    _real_store(path)
    data = bytearray(path.read_bytes())
    data[0:16] = b"Not SQLite at al"
    path.write_bytes(bytes(data))


def _store_with_garbage_schema_page(path: Path) -> None:
    _real_store(path)
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(3996)  # the rest of page 1: the schema
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_bytes(os.urandom(5000)),
        lambda p: p.write_text("date 2024-01-01\nAlma Ruud said the ferry would be late.\n", encoding="utf-8"),
        lambda p: p.write_bytes(b"SQLite format 3\x00"),
        _foreign_sqlite,
        _truncated_store,
        _store_with_bad_header,
        _store_with_garbage_schema_page,
    ],
    ids=["random-bytes", "text-file", "short-header", "foreign-sqlite", "truncated", "bad-header", "garbage-schema"],
)
def test_foreign_or_corrupt_file_is_refused_and_left_unchanged(tmp_path: Path, make: object) -> None:
    path = tmp_path / "given.sqlite"
    make(path)  # type: ignore[operator]
    for extra in tmp_path.glob("given.sqlite-*"):
        extra.unlink()
    before = sha(path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(NotAStoreError) as caught, Corpus.open(path) as corpus:
        corpus.add_documents(items(3))
    assert str(path) in str(caught.value) and "left unchanged" in str(caught.value)
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-shm", "-wal"))) == listing


def test_store_from_a_newer_verify_is_refused(store: Path) -> None:
    _real_store(store)
    conn = sqlite3.connect(store)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = sha(store)
    with pytest.raises(StoreError, match="newer verify"):
        Corpus.open(store)
    assert sha(store) == before


def test_blank_file_becomes_a_store(store: Path) -> None:
    store.write_bytes(b"")
    with Corpus.open(store) as corpus:
        corpus.add_documents(items(2))
        assert corpus.stats().documents == 2


def test_writer_waits_for_another_writer(store: Path) -> None:
    with Corpus.open(store) as corpus:
        corpus.add_documents(items(1))
    blocker = sqlite3.connect(store, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("INSERT INTO meta (key, value) VALUES ('blocker', 'x')")
    timer = threading.Timer(1.0, lambda: blocker.execute("ROLLBACK"))
    timer.start()
    try:
        started = time.monotonic()
        with Corpus.open(store, busy_seconds=20) as corpus:
            result = corpus.add_documents(items(3, start=1))
        assert result.documents == 3
        assert time.monotonic() - started >= 0.9  # it waited rather than failing
    finally:
        timer.join()
        blocker.close()


def test_writer_gives_a_clear_error_when_kept_waiting_too_long(store: Path) -> None:
    with Corpus.open(store) as corpus:
        corpus.add_documents(items(1))
    blocker = sqlite3.connect(store, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with Corpus.open(store, busy_seconds=0.3) as corpus:
            with pytest.raises(StoreError, match="busy") as caught:
                corpus.add_documents(items(1, start=1))
            assert "database is locked" not in str(caught.value)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_reader_sees_other_connections_writes(store: Path) -> None:
    with Corpus.open(store) as reader, Corpus.open(store) as writer:
        writer.add_documents(items(2))
        assert reader.stats().documents == 2
        first = reader.search(np.ones(32), k=100)
        writer.add_documents(items(2, start=2))
        assert len(reader.search(np.ones(32), k=100)) > len(first)


def test_stats_and_check(store: Path) -> None:
    batch = items(12)
    with Corpus.open(store) as corpus:
        corpus.add_documents(batch)
        info = corpus.stats()
        assert info.documents == 12 and info.statements == sum(len(s) for _, s, _ in batch)
        assert info.speakers == len({s.speaker_id for _, ss, _ in batch for s in ss})
        assert info.first_date == min(d.date for d, _, _ in batch)  # type: ignore[type-var]
        assert info.index["kind"] == "exact"
        assert json.loads(json.dumps(info.to_dict()))["documents"] == 12
        assert corpus.check() == []
        corpus._conn.execute("UPDATE meta SET value = '999' WHERE key = 'statement_count'")
        corpus._load_meta()
        assert any("statement count" in p for p in corpus.check())


def test_spans_none_and_undated(store: Path) -> None:
    document = Document(id="undated", text="Greta Holm said the pier was safe.")
    statement = Statement(
        id="undated:16-33",
        document_id="undated",
        speaker="someone",
        speaker_span=None,
        speaker_id="someone",
        speaker_kind=EXTRACTOR.extract(parse_text("Alma Ruud said x y.", origin="x"))[0].speaker_kind,
        cue="say",
        cue_span=Span(11, 15),
        content=document.text[16:33],
        content_span=Span(16, 33),
        quote_kind=EXTRACTOR.extract(parse_text("Alma Ruud said x y.", origin="x"))[0].quote_kind,
        sentence=document.text,
        sentence_span=Span(0, len(document.text)),
        date=None,
    )
    with Corpus.open(store) as corpus:
        corpus.add_documents([(document, [statement], EMBEDDER.embed([statement.content]))])
        assert corpus.get_statement(statement.id) == statement
        assert corpus.search(EMBEDDER.embed(["pier"])[0], k=3, since="2000-01-01") == []


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE statements SET speaker_kind = 'wizard'",
        "UPDATE statements SET date = 'garbage'",
        "UPDATE vectors SET vector = x'0102'",
        "UPDATE meta SET value = 'abc' WHERE key = 'dimension'",
        "DELETE FROM meta",
        "UPDATE documents SET date = 'garbage'",
    ],
)
def test_a_stored_value_that_does_not_decode_is_a_damaged_store(store: Path, damage: str) -> None:
    with Corpus.open(store) as corpus:
        corpus.add_documents(items(3))
    with sqlite3.connect(store) as conn:
        conn.execute(damage)
    conn.close()
    before = sha(store)
    with pytest.raises(NotAStoreError, match="the store is damaged"), Corpus.open(store, create=False) as corpus:
        corpus.stats()
        list(corpus.statements())
        corpus.search(np.ones(32), k=3)
        list(corpus.documents())
    assert sha(store) == before  # reading it changed nothing


def test_a_store_in_a_read_only_folder_is_read_not_written(tmp_path: Path) -> None:
    import shutil
    import subprocess

    folder = tmp_path / "share"
    folder.mkdir()
    store = folder / "corpus.sqlite"
    with Corpus.open(store) as corpus:
        corpus.add_documents(items(3))
        expected = list(corpus.statements())
    if os.geteuid() == 0:  # root writes anywhere; an immutable folder stops even root
        if (
            not shutil.which("chattr")
            or subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False).returncode
        ):
            pytest.skip("cannot make a read-only folder here")
    else:
        folder.chmod(0o555)
    try:
        before = sha(store)
        with Corpus.open(store, create=False) as corpus:
            assert list(corpus.statements()) == expected and corpus.stats().statements == len(expected)
            with pytest.raises(StoreError, match="readonly"):
                corpus.add_documents(items(1, start=10))
        assert sha(store) == before and sorted(p.name for p in folder.iterdir()) == ["corpus.sqlite"]
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        else:
            folder.chmod(0o755)
