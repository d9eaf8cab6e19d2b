"""Nearest-neighbour search over the corpus vectors: exact for small corpora, HNSW above.

Vectors are unit length, so cosine similarity is a dot product.  Each vector carries an
integer *label*: the statement's SQLite rowid, which only grows (``AUTOINCREMENT``), so "the
index covers every label up to N" describes what an index file holds.

Below ``ann_threshold`` statements (a setting, default 20 000) all vectors sit in one numpy
matrix and a query is one matrix-vector product (about 2 ms at 20 000 × 384).

Above it an HNSW graph (hnswlib) answers queries.  Why hnswlib, of the three libraries the
issue names (measured on this 2-core machine, 384 dimensions, recall@10 against exact):

- it scales best in query time: the graph is walked in O(log n) steps, so 1M statements cost
  a few milliseconds where an IVF index (faiss) must scan a fixed fraction of the vectors:
  reaching recall 0.97 on structureless vectors needed 20% of them, ≈ 25 ms at 1M;
- it grows one item at a time with no training: faiss' IVF needs k-means centroids that go
  stale as a corpus grows for years; usearch builds the same kind of graph but took twice as
  long to build here at equal recall;
- it supports deletion marks, a per-query label filter, and one-file save/load; the wheel is
  small (no BLAS/OpenMP bundle);
- cost: building is slower than IVF (≈ 2–3 k vectors/s on 2 cores), and memory is the raw
  float32 vectors plus the graph (≈ 1.7 GB at 1M × 384).

The HNSW file lives beside the SQLite file (``<store>.<key>.hnsw``, ``key`` derived from
the store's uuid and model) and covers labels up to its largest label.  Statements added
since (the *delta*) are searched exactly and merged; once the delta exceeds
``delta_limit`` they are added to the graph and the file is rewritten (to a temporary file,
then renamed, so readers never see half a file).  Labels of removed statements are skipped
at lookup by the store, marked deleted at the next rewrite, and the graph is rebuilt when
more than a quarter of it is stale.

Filters (speaker, date range) are resolved by the store to a set of allowed labels; a
selective filter (at most ``filter_exact_limit`` statements) is searched exactly over just
those vectors, a broad one through hnswlib's label filter.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, NamedTuple, Protocol, Sequence

import numpy as np

from .errors import ModelError, StoreError

if TYPE_CHECKING:  # pragma: no cover
    import hnswlib

__all__ = [
    "Snapshot",
    "VectorSource",
    "exact_search",
    "HnswIndex",
    "VectorIndex",
    "index_path",
    "index_key",
    "Hits",
    "HNSW_M",
    "HNSW_EF_CONSTRUCTION",
    "HNSW_EF_SEARCH",
]

log = logging.getLogger("verify")

# Graph parameters: M links per node, the beam width while building and while searching.
# Chosen with benchmarks/bench_corpus.py (recall@10 ≥ 0.95 at 1M, p50 well under 20 ms).
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 100
HNSW_EF_SEARCH = 400

# One query's answer: (label, cosine) pairs, best first.
Hits = list[tuple[int, float]]


class Snapshot(NamedTuple):
    """What the store holds right now: live vectors, the largest label, removals so far."""

    live: int
    max_label: int
    removed: int


class VectorSource(Protocol):
    """Where the index reads vectors from (the store implements it)."""

    def snapshot(self) -> Snapshot:
        """Counts describing the store now (cheap: called after every change)."""
        ...

    def removed_labels(self, upto: int) -> np.ndarray:
        """Labels up to ``upto`` whose statements were removed."""
        ...

    def iter_vectors(
        self, after: int = 0, upto: int | None = None, batch: int = 50_000
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(labels, vectors) chunks of the live vectors with ``after < label <= upto``, by label."""
        ...

    def vectors_for_labels(self, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(labels found, their vectors) for the live ones among ``labels``."""
        ...


def exact_search(
    labels: np.ndarray, vectors: np.ndarray, queries: np.ndarray, k: int
) -> list[Hits]:
    """Top ``k`` rows of ``vectors`` by dot product with each query, best first.

    Ties are broken by the smaller label, so equal stores give equal answers.
    """
    out: list[Hits] = []
    if len(labels) == 0 or k <= 0:
        return [[] for _ in range(len(queries))]
    scores = queries @ vectors.T  # (queries, n)
    take = min(k, len(labels))
    for row in scores:
        if take < len(row):
            part = np.argpartition(-row, take - 1)[:take]
            # include every row tied with the k-th score so the tie-break below is exact
            kth = row[part].min()
            part = np.flatnonzero(row >= kth)
        else:
            part = np.arange(len(row))
        order = np.lexsort((labels[part], -row[part]))[:take]
        chosen = part[order]
        out.append([(int(labels[i]), float(row[i])) for i in chosen])
    return out


def _merge(a: Hits, b: Hits, k: int) -> Hits:
    best: dict[int, float] = {}
    for label, score in (*a, *b):
        if label not in best or score > best[label]:
            best[label] = score
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:k]


def index_path(store_path: str | os.PathLike[str], key: str) -> Path:
    """File of the HNSW index for the store at ``store_path`` with ``key``."""
    store = Path(store_path)
    return store.with_name(f"{store.name}.{key}.hnsw")


def index_key(store_uuid: str, model_id: str, dimension: int) -> str:
    """Short key naming an index: another store file or another model is another index."""
    return hashlib.sha256(f"{store_uuid}|{model_id}|{dimension}".encode()).hexdigest()[:12]


def _hnswlib() -> Any:
    try:
        import hnswlib
    except ImportError:
        raise ModelError("the approximate index needs hnswlib: pip install hnswlib") from None
    return hnswlib


class HnswIndex:
    """A thin wrapper of ``hnswlib.Index`` (inner-product space on unit vectors = cosine).

    dimension: vector length.  m, ef_construction, ef_search: graph parameters (defaults
    ``HNSW_M``, ``HNSW_EF_CONSTRUCTION``, ``HNSW_EF_SEARCH``).
    """

    def __init__(
        self,
        dimension: int,
        m: int = HNSW_M,
        ef_construction: int = HNSW_EF_CONSTRUCTION,
        ef_search: int = HNSW_EF_SEARCH,
        capacity: int = 1024,
    ) -> None:
        self.dimension = dimension
        self.ef_search = ef_search
        self._index: hnswlib.Index = _hnswlib().Index(space="ip", dim=dimension)
        self._index.init_index(max_elements=max(capacity, 16), M=m, ef_construction=ef_construction)
        self.max_label = 0
        self._sorted = np.zeros(0, dtype=np.int64)

    @classmethod
    def load(cls, path: Path, dimension: int, ef_search: int = HNSW_EF_SEARCH, extra: int = 0) -> "HnswIndex":
        """Read an index file; ``extra`` reserves room for that many more items."""
        self = cls.__new__(cls)
        self.dimension = dimension
        self.ef_search = ef_search
        self._index = _hnswlib().Index(space="ip", dim=dimension)
        try:
            self._index.load_index(str(path))
            if extra:
                self._index.resize_index(self._index.element_count + extra)
        except (RuntimeError, OSError, MemoryError) as exc:
            raise StoreError(f"{path}: cannot read the approximate index: {exc}") from None
        self._sorted = np.sort(np.asarray(self._index.get_ids_list(), dtype=np.int64))
        self.max_label = int(self._sorted[-1]) if len(self._sorted) else 0
        return self

    def __len__(self) -> int:
        return int(self._index.element_count)

    def add(self, labels: np.ndarray, vectors: np.ndarray) -> None:
        """Insert vectors under labels (the graph grows as needed)."""
        if len(labels) == 0:
            return
        needed = self._index.element_count + len(labels)
        if needed > self._index.max_elements:
            self._index.resize_index(max(needed, int(self._index.max_elements * 1.5)))
        labels = np.asarray(labels, dtype=np.int64)
        self._index.add_items(np.ascontiguousarray(vectors, dtype=np.float32), labels)
        self.max_label = max(self.max_label, int(labels.max()))
        self._sorted = np.union1d(self._sorted, labels) if labels.min() <= self._sorted[-1:].max(initial=0) else (
            np.concatenate([self._sorted, np.sort(labels)])
        )

    def contains(self, labels: np.ndarray) -> np.ndarray:
        """Boolean mask: which ``labels`` are in the graph (deleted marks included)."""
        labels = np.asarray(labels, dtype=np.int64)
        if len(self._sorted) == 0:
            return np.zeros(len(labels), dtype=bool)
        at = np.minimum(np.searchsorted(self._sorted, labels), len(self._sorted) - 1)
        return self._sorted[at] == labels

    def mark_deleted(self, labels: Sequence[int]) -> int:
        """Mark labels deleted (searches skip them); returns how many were newly marked."""
        marked = 0
        for label in labels:
            try:
                self._index.mark_deleted(int(label))
                marked += 1
            except RuntimeError:  # unknown or already deleted
                pass
        return marked

    def search(self, queries: np.ndarray, k: int, allowed: set[int] | None = None) -> list[Hits]:
        """Top ``k`` labels per query (fewer when the graph or the filter holds fewer)."""
        count = len(self)
        if count == 0 or k <= 0:
            return [[] for _ in range(len(queries))]
        k = min(k, count)
        self._index.set_ef(max(self.ef_search, k))
        results: list[Hits] = []
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if allowed is None:
            try:
                found, distances = self._index.knn_query(queries, k=k, num_threads=1)
                return [
                    [(int(label), 1.0 - float(d)) for label, d in zip(row_l, row_d)]
                    for row_l, row_d in zip(found, distances)
                ]
            except RuntimeError:
                pass  # fewer than k reachable (deletions): query one at a time below
        predicate = None if allowed is None else allowed.__contains__
        for query in queries:
            want = k if allowed is None else min(k, len(allowed))
            hits: Hits = []
            while want > 0:
                try:
                    found, distances = self._index.knn_query(query[None, :], k=want, num_threads=1, filter=predicate)
                    hits = [(int(label), 1.0 - float(d)) for label, d in zip(found[0], distances[0])]
                    break
                except RuntimeError:
                    want //= 2
            results.append(hits)
        return results

    def save(self, path: Path) -> None:
        """Write the index to ``path`` atomically (temporary file, then rename)."""
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            self._index.save_index(str(tmp))
            os.replace(tmp, path)
        except (RuntimeError, OSError) as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"{path}: cannot write the approximate index: {exc}") from None


class VectorIndex:
    """The search structure of one store: exact matrix, or HNSW graph plus an exact delta.

    source: where vectors come from (the store).
    store_path: the SQLite file (the HNSW file goes beside it); key: ``index_key(...)``.
    dimension: vector length.
    ann_threshold: live vectors above which HNSW is used (default 20 000).
    delta_limit: vectors added since the file was written that are searched exactly before
        they are folded into the graph and the file rewritten (default 5 000).
    filter_exact_limit: filters allowing at most this many labels are searched exactly
        (default 10 000).
    ef_search: HNSW search beam (default ``HNSW_EF_SEARCH``).
    """

    def __init__(
        self,
        source: VectorSource,
        store_path: str | os.PathLike[str],
        key: str,
        dimension: int,
        ann_threshold: int = 20_000,
        delta_limit: int = 5_000,
        filter_exact_limit: int = 10_000,
        ef_search: int = HNSW_EF_SEARCH,
    ) -> None:
        self.source = source
        self.store_path = Path(store_path)
        self.path = index_path(store_path, key)
        self.dimension = dimension
        self.ann_threshold = ann_threshold
        self.delta_limit = delta_limit
        self.filter_exact_limit = filter_exact_limit
        self.ef_search = ef_search
        self._seen: Snapshot | None = None
        self._fresh = False
        # exact mode: every live vector; ANN mode: the delta past the graph
        self._labels = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, dimension), dtype=np.float32)
        self._hnsw: HnswIndex | None = None
        self._stale = 0

    # -- state -----------------------------------------------------------------------
    def invalidate(self) -> None:
        """The store changed: re-read what is needed before the next search."""
        self._fresh = False

    @property
    def uses_ann(self) -> bool:
        """Whether searches go through the HNSW graph (more live vectors than the threshold)."""
        return self.source.snapshot().live > self.ann_threshold

    def describe(self) -> dict[str, Any]:
        """What the index holds, for ``stats`` (builds nothing)."""
        live = self.source.snapshot().live
        info: dict[str, Any] = {"kind": "hnsw" if live > self.ann_threshold else "exact", "vectors": live}
        if self._hnsw is not None:
            info.update(indexed=len(self._hnsw), pending=len(self._labels), stale=self._stale)
        info["file"] = str(self.path) if self.path.exists() else None
        return info

    def _refresh(self) -> None:
        if self._fresh:
            return
        now = self.source.snapshot()
        if now.live <= self.ann_threshold:
            previous = self._seen if self._hnsw is None else None
            self._hnsw = None
            self._stale = 0
            if previous is not None and previous.removed == now.removed and now.max_label >= previous.max_label:
                self._append(previous.max_label, now.max_label)  # only additions since
            else:
                self._load(0, now.max_label)
        else:
            if self._hnsw is None:
                self._open_hnsw(now)
            assert self._hnsw is not None
            removed = self.source.removed_labels(self._hnsw.max_label)
            removed = removed[self._hnsw.contains(removed)]
            if len(removed) > 0.25 * max(1, len(self._hnsw)):
                log.info("rebuilding the approximate index (%d of %d entries removed)", len(removed), len(self._hnsw))
                self._build(now)
            elif len(removed) != self._stale:
                self._hnsw.mark_deleted(removed.tolist())  # the graph skips them from now on
                self._stale = len(removed)
            self._load(self._hnsw.max_label, now.max_label)
            if len(self._labels) > self.delta_limit:
                self._fold_delta()
        self._seen = now
        self._fresh = True

    def _append(self, after: int, upto: int) -> None:
        chunks = list(self.source.iter_vectors(after=after, upto=upto))
        if chunks:
            self._labels = np.concatenate([self._labels, *(c[0] for c in chunks)])
            self._vectors = np.concatenate([self._vectors, *(c[1] for c in chunks)])

    def _load(self, after: int, upto: int) -> None:
        self._labels = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, self.dimension), dtype=np.float32)
        self._append(after, upto)

    def _open_hnsw(self, now: Snapshot) -> None:
        if self.path.exists():
            try:
                self._hnsw = HnswIndex.load(self.path, self.dimension, self.ef_search, extra=self.delta_limit)
                return
            except StoreError as exc:
                log.warning("%s; rebuilding it", exc)
        log.info("building the approximate index over %d statements (kept in %s)", now.live, self.path)
        self._build(now)

    def _build(self, now: Snapshot) -> None:
        started = time.perf_counter()
        index = HnswIndex(self.dimension, ef_search=self.ef_search, capacity=now.live + self.delta_limit)
        for labels, vectors in self.source.iter_vectors(0, now.max_label):
            index.add(labels, vectors)
        index.max_label = max(index.max_label, now.max_label)
        self._hnsw = index
        self._stale = 0
        self._save()
        log.info("approximate index: %d statements in %.1f s", len(index), time.perf_counter() - started)

    def _fold_delta(self) -> None:
        assert self._hnsw is not None
        upto = int(self._labels.max()) if len(self._labels) else self._hnsw.max_label
        self._hnsw.add(self._labels, self._vectors)
        self._hnsw.max_label = max(self._hnsw.max_label, upto)
        self._labels = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, self.dimension), dtype=np.float32)
        self._save()

    def _save(self) -> None:
        assert self._hnsw is not None
        removed = self.source.removed_labels(self._hnsw.max_label)
        removed = removed[self._hnsw.contains(removed)]
        if len(removed) != self._stale:
            self._hnsw.mark_deleted(removed.tolist())
            self._stale = len(removed)
        self._hnsw.save(self.path)
        # index files of another key (the store file was replaced) and temporary files
        # left by killed writers are of no use to anyone
        prefix = glob.escape(self.store_path.name)
        for other in self.store_path.parent.glob(prefix + ".*.hnsw"):
            if other != self.path:
                other.unlink(missing_ok=True)
        for tmp in self.store_path.parent.glob(prefix + ".*.hnsw.tmp-*"):
            try:
                if time.time() - tmp.stat().st_mtime > 3600:
                    tmp.unlink()
            except OSError:
                pass

    def update(self) -> None:
        """Bring the HNSW file up to date with the store now (when above the threshold)."""
        self._fresh = False
        self._refresh()
        if self._hnsw is not None and len(self._labels):
            self._fold_delta()

    # -- search ----------------------------------------------------------------------
    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[Hits]:
        """Top ``k`` (label, cosine) per query, best first, among ``allowed`` labels if given.

        Labels removed from the store are marked deleted in the graph at the next refresh,
        so they are not returned.
        """
        self._refresh()
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        if queries.shape[1] != self.dimension:
            raise StoreError(f"query vectors have {queries.shape[1]} dimensions; the store's have {self.dimension}")
        if self._hnsw is None:
            if allowed is None:
                return exact_search(self._labels, self._vectors, queries, k)
            mask = np.isin(self._labels, allowed)
            return exact_search(self._labels[mask], self._vectors[mask], queries, k)
        if allowed is not None and len(allowed) <= self.filter_exact_limit:
            labels, vectors = self.source.vectors_for_labels(allowed)
            return exact_search(labels, vectors, queries, k)
        allowed_set = None if allowed is None else set(allowed.tolist())
        graph = self._hnsw.search(queries, k, allowed_set)
        if len(self._labels):
            if allowed is None:
                delta = exact_search(self._labels, self._vectors, queries, k)
            else:
                mask = np.isin(self._labels, allowed)
                delta = exact_search(self._labels[mask], self._vectors[mask], queries, k)
            graph = [_merge(g, d, k) for g, d in zip(graph, delta)]
        return graph

