"""Vector search: exact top-k, the IVF-PQ index, its file beside the store, delta, filters, removal."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import numpy as np
import pytest

from verify.errors import StoreError
from verify.index import IvfIndex, VectorIndex, exact_search, index_path
from verify.store import Corpus
from verify.types import Document, QuoteKind, Span, SpeakerKind, Statement

DIM = 24
SPEAKERS = ("ana-lind", "boris-kaan", "cleo-marsh", "dev-patel")


def synthetic(
    start: int, count: int, per_document: int = 10, seed: int = 0
) -> list[tuple[Document, list[Statement], np.ndarray]]:
    """``count`` documents of ``per_document`` statements with clustered random vectors."""
    rng = np.random.default_rng(seed + start)
    centres = np.random.default_rng(99).standard_normal((20, DIM))
    out = []
    for i in range(start, start + count):
        text = " ".join(f"s{i}x{j}." for j in range(per_document))
        document = Document(id=f"doc{i:06d}", text=text, date=dt.date(2023, 1, 1) + dt.timedelta(days=i % 90))
        statements = []
        for j in range(per_document):
            begin = text.index(f"s{i}x{j}.")
            span = Span(begin, begin + len(f"s{i}x{j}"))
            statements.append(
                Statement(
                    id=Statement.make_id(document.id, span),
                    document_id=document.id,
                    speaker="x",
                    speaker_span=None,
                    speaker_id=SPEAKERS[(i + j) % len(SPEAKERS)],
                    speaker_kind=SpeakerKind.PERSON,
                    cue="say",
                    cue_span=span,
                    content=span.slice(text),
                    content_span=span,
                    quote_kind=QuoteKind.DIRECT,
                    sentence=span.slice(text),
                    sentence_span=span,
                    date=document.date,
                )
            )
        vectors = centres[rng.integers(0, 20, per_document)] + 0.6 * rng.standard_normal((per_document, DIM))
        out.append((document, statements, vectors.astype(np.float32)))
    return out


def brute_force(corpus: Corpus, query: np.ndarray, k: int, keep=lambda s: True) -> list[str]:  # type: ignore[no-untyped-def]
    everything = [s for s in corpus.statements() if keep(s)]
    matrix = corpus.vectors_for([s.id for s in everything])
    scores = matrix @ (query / np.linalg.norm(query))
    order = np.argsort(-scores, kind="stable")[:k]
    return [everything[i].id for i in order]


def recall(found: list[str], truth: list[str]) -> float:
    return len(set(found) & set(truth)) / max(1, len(truth))


def test_exact_search_orders_and_breaks_ties_by_label() -> None:
    vectors = np.array([[1, 0], [0, 1], [1, 0], [0.6, 0.8]], dtype=np.float32)
    labels = np.array([40, 10, 30, 20])
    (hits,) = exact_search(labels, vectors, np.array([[1, 0]], dtype=np.float32), 3)
    assert [label for label, _ in hits] == [30, 40, 20]
    assert hits[0][1] == pytest.approx(1.0) and hits[2][1] == pytest.approx(0.6)
    assert exact_search(labels[:0], vectors[:0], np.ones((2, 2), dtype=np.float32), 3) == [[], []]


def test_ivf_index_train_add_candidates_remove_save_load(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((3000, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = np.arange(1, 3001)
    index = IvfIndex.train(DIM, vectors, planned=3000)
    assert len(index) == 0 and index.cells >= 1
    index.add(labels, vectors)
    assert len(index) == 3000 and index.max_label == 3000
    found, scores = index.search(vectors[7], 50)
    assert found[0] == 8 and len(found) == 50 and scores[0] == pytest.approx(1.0, abs=2e-3)
    assert np.all(np.diff(scores) <= 0)
    assert set(index.search(vectors[7], 50, allowed=np.array([1, 2, 3]))[0]) == {1, 2, 3}
    assert index.remove(np.array([8, 99_999])) == 1
    assert 8 not in index.search(vectors[7], 50)[0]
    path = tmp_path / "x.ivf"
    index.removed_applied = 1
    index.save(path)
    loaded = IvfIndex.load(path, DIM)
    assert (len(loaded), loaded.max_label, loaded.trained_on, loaded.removed_applied) == (2999, 3000, 3000, 1)
    assert loaded.search(vectors[100], 5)[0].tolist() == index.search(vectors[100], 5)[0].tolist()
    index.add(np.array([5000]), vectors[:1])  # grows after loading, labels stay sorted
    assert index.search(vectors[0], 2)[0].tolist() in ([1, 5000], [5000, 1])
    assert not list(tmp_path.glob("*.tmp-*"))
    with pytest.raises(StoreError, match="dimensions"):
        IvfIndex.load(path, DIM + 1)


@pytest.fixture
def big_store(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.sqlite"
    with Corpus.open(path, ann_threshold=1000) as corpus:
        corpus.add_documents(synthetic(0, 150))  # 1 500 statements: above the threshold
    return path


def test_above_threshold_uses_a_persisted_index_with_high_recall(big_store: Path) -> None:
    rng = np.random.default_rng(5)
    queries = rng.standard_normal((20, DIM)).astype(np.float32)
    with Corpus.open(big_store, ann_threshold=1000) as corpus:
        answers = corpus.search(queries, k=10)
        info = corpus.stats().index
        assert info["kind"] == "ivf-pq" and info["indexed"] == 1500
        files = list(big_store.parent.glob("corpus.sqlite.*.ivf"))
        assert len(files) == 1 and Path(info["file"]) == files[0]
        scores = [recall([s.id for s, _ in a], brute_force(corpus, q, 10)) for q, a in zip(queries, answers)]
        assert np.mean(scores) >= 0.95
    stamp = files[0].stat().st_mtime_ns
    with Corpus.open(big_store, ann_threshold=1000) as again:  # a new process reads the file
        assert again.search(queries, k=10) == answers
    assert files[0].stat().st_mtime_ns == stamp, "the index was loaded, not rebuilt"


def test_new_statements_are_found_before_and_after_folding(big_store: Path) -> None:
    with Corpus.open(big_store, ann_threshold=1000) as corpus:
        corpus.search(np.ones(DIM), k=1)  # load the index
        index_file = next(big_store.parent.glob("corpus.sqlite.*.ivf"))
        stamp = index_file.stat().st_mtime_ns
        fresh = synthetic(1000, 3, seed=7)
        corpus.add_documents(fresh)
        for document, statements, vectors in fresh:
            (top, score), *_ = corpus.search(vectors[0], k=3)
            assert top.id == statements[0].id and score == pytest.approx(1.0, abs=1e-5)
        assert index_file.stat().st_mtime_ns == stamp, "a small delta is searched exactly, not folded"
        corpus.update_index(force=True)
        assert corpus.stats().index["pending"] == 0
        assert index_file.stat().st_mtime_ns != stamp
    with Corpus.open(big_store, ann_threshold=1000) as corpus:
        assert corpus.stats().index.get("pending", 0) == 0
        _document, statements, vectors = fresh[1]
        assert corpus.search(vectors[2], k=1)[0][0].id == statements[2].id


def test_delta_beyond_the_limit_is_folded_into_the_file(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    with Corpus.open(path, ann_threshold=1000) as corpus:
        corpus.add_documents(synthetic(0, 120))
        corpus.update_index()
        index_file = next(tmp_path.glob("corpus.sqlite.*.ivf"))
        index = corpus._vector_index()
        assert index is not None
        index.delta_limit = 50
        corpus.add_documents(synthetic(120, 10))  # 100 new statements > 50
        corpus.update_index()
        assert corpus.stats().index["indexed"] == 1300 and corpus.stats().index["pending"] == 0
        assert index_file.exists()


def test_filters_agree_with_exact_search_on_both_paths(big_store: Path) -> None:
    rng = np.random.default_rng(11)
    with Corpus.open(big_store, ann_threshold=1000) as corpus:
        index = corpus._vector_index()
        assert index is not None
        for limit in (10_000, 5):  # selective → exact over the subset; broad → index + filter
            index.filter_exact_limit = limit
            for _ in range(5):
                query = rng.standard_normal(DIM).astype(np.float32)
                speaker = SPEAKERS[int(rng.integers(0, len(SPEAKERS)))]
                hits = corpus.search(query, k=10, speaker_id=speaker, since="2023-01-15", until="2023-02-20")
                assert all(
                    s.speaker_id == speaker and dt.date(2023, 1, 15) <= s.date <= dt.date(2023, 2, 20) for s, _ in hits
                )  # type: ignore[operator]

                def keep(s: Statement, speaker: str = speaker) -> bool:
                    return s.speaker_id == speaker and "2023-01-15" <= s.date.isoformat() <= "2023-02-20"  # type: ignore[union-attr]

                truth = brute_force(corpus, query, 10, keep)
                assert len(hits) == len(truth)
                assert recall([s.id for s, _ in hits], truth) >= 0.8


def test_removed_statements_never_come_back_and_many_removals_rebuild(
    big_store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with Corpus.open(big_store, ann_threshold=1000) as corpus:
        victim = next(corpus.documents())
        victim_statements = list(corpus.statements(victim.id))
        vectors = corpus.vectors_for([s.id for s in victim_statements])
        corpus.search(vectors[0], k=1)
        corpus.remove_document(victim.id)
        for vector in vectors:
            assert victim.id not in {s.document_id for s, _ in corpus.search(vector, k=20)}
        with caplog.at_level(logging.INFO, logger="verify"):
            for document in list(corpus.documents())[:45]:
                corpus.remove_document(document.id)
            hits = corpus.search(vectors[0], k=10)
        assert len(hits) == 10
        assert any("rebuilding the approximate index" in r.getMessage() for r in caplog.records)
        assert corpus.stats().index["indexed"] == len(corpus)


def test_a_damaged_index_file_is_rebuilt(big_store: Path, caplog: pytest.LogCaptureFixture) -> None:
    with Corpus.open(big_store, ann_threshold=1000) as corpus:
        corpus.update_index()
        assert corpus._index is not None
        index_file = corpus._index.path
    index_file.write_bytes(b"VRFYIVF1garbage" * 10)
    with Corpus.open(big_store, ann_threshold=1000) as corpus, caplog.at_level(logging.WARNING, logger="verify"):
        _document, statements, vectors = synthetic(0, 1)[0]
        assert corpus.search(vectors[3], k=1)[0][0].id == statements[3].id
    assert any("rebuilding" in r.getMessage() for r in caplog.records)
    assert index_file.stat().st_size > 1000


def test_a_recreated_store_does_not_reuse_the_old_index(big_store: Path) -> None:
    with Corpus.open(big_store, ann_threshold=1000) as corpus:
        corpus.update_index()
        old = corpus._index.path if corpus._index else None
    for leftover in big_store.parent.glob("corpus.sqlite*"):
        if leftover.suffix != ".ivf":
            leftover.unlink()
    with Corpus.open(big_store, ann_threshold=1000) as corpus:
        corpus.add_documents(synthetic(500, 150, seed=3))
        corpus.update_index()
        assert corpus._index is not None and corpus._index.path != old
        _document, statements, vectors = synthetic(500, 1, seed=3)[0]
        assert corpus.search(vectors[0], k=1)[0][0].id == statements[0].id
    assert old is not None and not old.exists(), "the stale index of the old store was removed"
    assert index_path(big_store, "abc").name == "corpus.sqlite.abc.ivf"


def test_vector_index_small_store_stays_exact(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    with Corpus.open(path) as corpus:
        corpus.add_documents(synthetic(0, 5))
        index = corpus._vector_index()
        assert isinstance(index, VectorIndex) and not index.uses_ann
        corpus.update_index()
        assert not list(tmp_path.glob("*.ivf"))


def test_very_selective_filter_through_the_index_selector(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    with Corpus.open(path, ann_threshold=1000) as corpus:
        corpus.add_documents(synthetic(0, 150))  # 1 500 statements
        index = corpus._vector_index()
        assert index is not None
        index.filter_exact_limit = 0  # skip the exact shortcut: over-fetching finds too few, then the index filters
        query = np.random.default_rng(3).standard_normal(DIM).astype(np.float32)

        def keep(s: Statement) -> bool:
            return s.speaker_id == "ana-lind" and s.date == dt.date(2023, 1, 5)

        truth = brute_force(corpus, query, 10, keep)
        hits = corpus.search(query, k=10, speaker_id="ana-lind", since="2023-01-05", until="2023-01-05")
        assert 0 < len(truth) < 10
        assert [s.id for s, _ in hits] == truth
