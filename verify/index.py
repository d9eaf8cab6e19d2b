"""Nearest-neighbour search over the corpus vectors: exact for small corpora, IVF-PQ above.

Vectors are unit length, so cosine similarity is a dot product.  Each vector carries an
integer *label*: the statement's SQLite rowid, which only grows (``AUTOINCREMENT``), so "the
index covers every label up to N" describes what an index file holds.

Below ``ann_threshold`` statements (a setting, default 20 000) all vectors sit in one numpy
matrix and a query is one matrix-vector product (about 2–3 ms at 20 000 × 384).

Above it, faiss: an inverted file (IVF, ``2·√n`` k-means cells) of 4-bit product-quantized
codes scanned with SIMD ("fast scan", 96 bytes per 384-dimension vector).  A query scans
the nearest cells (at least 40% of the corpus or 40 000 vectors), takes the best 300
candidates by approximate score, re-scores them with a float16 copy of the vectors kept in
the index file, and the best few once more, exactly, with the float32 vectors of the SQLite
file: the scores returned are exact cosines.

Why faiss, of the three libraries the issue names (measured with benchmarks/bench_corpus.py
on this busy 2-core machine, 384 dimensions, synthetic vectors shaped like MiniLM's):

- HNSW (hnswlib; usearch builds the same graph, twice as slowly here) was tried first:
  at 1M statements recall@10 stayed at 0.81 (beam 400) and 0.87 (beam 800), its build took
  33 minutes, and it keeps every float32 vector in memory (1.8 GB per process);
- IVF-PQ fast scan with re-scoring, at 1M: recall@10 0.995 (structureless vectors) and
  0.95–0.97 (clustered, news-like vectors), 7–10 ms per query, built in 1.5 minutes
  (k-means on a sample, then one pass); memory is the codes plus the float16 copies
  (0.9–1.1 GB per searching process);
- it grows incrementally (new vectors are encoded with the trained cells), removes ids,
  and filters by a set of allowed ids inside the scan;
- cost: the cells are learned from the corpus, so the index is retrained when the corpus
  has grown fourfold since (or a quarter of it was removed).

The index file lives beside the SQLite file (``<store>.<key>.ivf``, ``key`` derived from
the store's uuid and model) and covers labels up to the largest label it was given.
Statements added since (the *delta*) are searched exactly and merged; once the delta
exceeds ``delta_limit`` it is added to the index and the file rewritten (to a temporary
file, then renamed, so readers never see half a file).  Removed statements drop out at
re-scoring (their vectors are gone from the store) and are removed from the index at the
next rewrite.

Filters (speaker, date range) are resolved by the store to a set of allowed labels; a
selective filter (at most ``filter_exact_limit`` statements) is searched exactly over just
those vectors, a broad one through faiss' id selector.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import math
import os
import re
import struct
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np

from .errors import ModelError, StoreError

__all__ = [
    "MIN_ANN_VECTORS",
    "RERANK_DEPTH",
    "Hits",
    "IvfIndex",
    "Snapshot",
    "VectorIndex",
    "VectorSource",
    "exact_search",
    "index_key",
    "index_path",
]

log = logging.getLogger("verify")

# Below this many vectors product quantization has too little to learn from; exact is fast.
MIN_ANN_VECTORS = 1_000
# Candidates re-scored per query (plus 10 per result asked for); deeper lists cost time in
# faiss and, measured, found nothing more: recall is set by the share of cells scanned.
RERANK_DEPTH = 300
# A query scans the cells nearest to it: at least this share of the corpus, and at least
# SCAN_VECTORS vectors.  Measured on clustered vectors at 1M: 0.1 → recall 0.86, 0.3 → 0.95.
SCAN_SHARE = 0.40
SCAN_VECTORS = 40_000
_MAGIC = b"VRFYIVF1"

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


def exact_search(labels: np.ndarray, vectors: np.ndarray, queries: np.ndarray, k: int) -> list[Hits]:
    """Top ``k`` rows of ``vectors`` by dot product with each query, best first.

    Ties are broken by the smaller label, so equal stores give equal answers.
    """
    out: list[Hits] = []
    if len(labels) == 0 or k <= 0:
        return [[] for _ in range(len(queries))]
    with _one_blas_thread(len(queries) < 16):
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


_BLAS: Any = None


def _one_blas_thread(wanted: bool) -> contextlib.AbstractContextManager[Any]:
    """One BLAS thread for a matrix-vector product: on a busy machine, OpenBLAS threads
    waiting for each other made a 10 000-vector query 7× slower (19 ms instead of 2.7)."""
    global _BLAS
    if not wanted:
        return contextlib.nullcontext()
    if _BLAS is None:
        try:
            from threadpoolctl import ThreadpoolController

            _BLAS = ThreadpoolController()
        except ImportError:  # pragma: no cover - installed with scikit-learn
            _BLAS = False
    return _BLAS.limit(limits=1, user_api="blas") if _BLAS else contextlib.nullcontext()


def _merge(a: Hits, b: Hits, k: int) -> Hits:
    best: dict[int, float] = {}
    for label, score in (*a, *b):
        if label not in best or score > best[label]:
            best[label] = score
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:k]


def index_path(store_path: str | os.PathLike[str], key: str) -> Path:
    """File of the approximate index for the store at ``store_path`` with ``key``."""
    store = Path(store_path)
    return store.with_name(f"{store.name}.{key}.ivf")


def index_key(store_uuid: str, model_id: str, dimension: int) -> str:
    """Short key naming an index: another store file or another model is another index."""
    return hashlib.sha256(f"{store_uuid}|{model_id}|{dimension}".encode()).hexdigest()[:12]


def _faiss() -> Any:
    try:
        import faiss
    except ImportError:
        raise ModelError("the approximate index needs faiss: pip install faiss-cpu") from None
    return faiss


def _subquantizers(dimension: int) -> int:
    """Product-quantizer parts: two dimensions each when possible (96 bytes for 384)."""
    for parts in range(dimension // 2, 0, -1):
        if dimension % parts == 0 and parts % 2 == 0:
            return parts
    return dimension


@contextlib.contextmanager
def _threads(count: int) -> Iterator[None]:
    """faiss' OpenMP threads for a while.  One, by default everywhere: on this shared 2-core
    machine two OpenMP threads spinning for each other made training on 1 500 vectors take
    8 s instead of 0.03 s."""
    faiss = _faiss()
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


class IvfIndex:
    """faiss ``IndexIVFPQFastScan`` (inner product) for candidates, plus a float16 copy of
    every vector, sorted by label, to re-score them.

    Use ``IvfIndex.train(dimension, sample, planned)`` or ``IvfIndex.load(path)``.
    max_label: largest label given so far; trained_on: corpus size it was trained for;
    removed_applied: removals (labels up to max_label) already taken out of it.
    """

    def __init__(self, index: Any, dimension: int, max_label: int = 0, trained_on: int = 0, removed_applied: int = 0):
        self._index = index
        self.dimension = dimension
        self.max_label = max_label
        self.trained_on = trained_on
        self.removed_applied = removed_applied
        # float16 copies, row i for label _label_buf[i]; grown in place (no copy per add)
        self._size = 0
        self._label_buf = np.zeros(0, dtype=np.int64)
        self._half_buf = np.zeros((0, dimension), dtype=np.float16)
        self._sorted = True

    @classmethod
    def train(cls, dimension: int, sample: np.ndarray, planned: int) -> IvfIndex:
        """A trained, empty index for about ``planned`` vectors, cells learned from ``sample``
        (at least ``MIN_ANN_VECTORS`` rows)."""
        faiss = _faiss()
        cells = max(1, min(int(2 * math.sqrt(planned)), len(sample) // 40))
        quantizer = faiss.IndexFlatIP(dimension)
        index = faiss.IndexIVFPQFastScan(
            quantizer, dimension, cells, _subquantizers(dimension), 4, faiss.METRIC_INNER_PRODUCT
        )
        index.cp.niter = 10
        index.own_fields = True
        quantizer.this.disown()
        with _threads(1):
            index.train(np.ascontiguousarray(sample, dtype=np.float32))
        return cls(index, dimension, trained_on=planned)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def cells(self) -> int:
        """Number of k-means cells."""
        return int(self._index.nlist)

    @property
    def _labels(self) -> np.ndarray:
        return self._label_buf[: self._size]

    @property
    def _half(self) -> np.ndarray:
        return self._half_buf[: self._size]

    def reserve(self, total: int) -> None:
        """Make room for ``total`` vectors at once (building: no regrowth, no copies)."""
        if total > len(self._label_buf):
            labels = np.zeros(total, dtype=np.int64)
            half = np.zeros((total, self.dimension), dtype=np.float16)
            labels[: self._size] = self._labels
            half[: self._size] = self._half
            self._label_buf, self._half_buf = labels, half

    def _put(self, labels: np.ndarray, half: np.ndarray) -> None:
        end = self._size + len(labels)
        if end > len(self._label_buf):
            self.reserve(max(end, int(len(self._label_buf) * 1.25) + 1024))
        if self._size and labels[0] <= self._label_buf[self._size - 1]:
            self._sorted = False
        self._label_buf[self._size : end] = labels
        self._half_buf[self._size : end] = half
        self._size = end

    def _sort(self) -> None:
        if not self._sorted:
            order = np.argsort(self._labels, kind="stable")
            self._label_buf, self._half_buf = self._labels[order], self._half[order]
            self._sorted = True

    def add(self, labels: np.ndarray, vectors: np.ndarray) -> None:
        """Encode and store vectors under labels."""
        if len(labels) == 0:
            return
        labels = np.ascontiguousarray(labels, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with _threads(1):
            self._index.add_with_ids(vectors, labels)
        if len(labels) > 1 and not bool(np.all(labels[1:] > labels[:-1])):
            order = np.argsort(labels, kind="stable")
            labels, vectors = labels[order], vectors[order]
        self._put(labels, vectors.astype(np.float16))
        self.max_label = max(self.max_label, int(labels.max()))

    def remove(self, labels: np.ndarray) -> int:
        """Take labels out (unknown ones are ignored); returns how many were removed."""
        if len(labels) == 0:
            return 0
        faiss = _faiss()
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(labels, dtype=np.int64))
        removed = int(self._index.remove_ids(selector))
        keep = ~np.isin(self._labels, labels)
        self._label_buf, self._half_buf = self._labels[keep], self._half[keep]
        self._size = len(self._label_buf)
        return removed

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None, depth: int = RERANK_DEPTH
    ) -> tuple[np.ndarray, np.ndarray]:
        """(labels, scores) of the ``k`` best vectors for one query, best first: ``depth``
        candidates by approximate (PQ) score from the nearest cells, re-scored with their
        float16 copies (scores within about 1e-3 of the exact cosine)."""
        faiss = _faiss()
        self._sort()
        if len(self) == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        share = max(SCAN_SHARE, SCAN_VECTORS / max(1, len(self)))
        probes = min(self.cells, max(1, math.ceil(self.cells * share)))
        selector = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        params = faiss.SearchParametersIVF(nprobe=probes, sel=selector)
        query = np.ascontiguousarray(query, dtype=np.float32)
        with _threads(1):
            _, found = self._index.search(query[None, :], min(max(depth, k), len(self)), params=params)
        candidates = found[0][found[0] >= 0]
        rows = np.searchsorted(self._labels, candidates)
        rows, candidates = rows[rows < len(self._labels)], candidates[rows < len(self._labels)]
        rows = rows[self._labels[rows] == candidates]
        scores = self._half[rows].astype(np.float32) @ query
        order = np.argsort(-scores, kind="stable")[:k]
        return self._labels[rows[order]], scores[order]

    def save(self, path: Path) -> None:
        """Write the index, its float16 vectors and a header to ``path`` atomically
        (temporary file, then rename)."""
        faiss = _faiss()
        self._sort()
        data = faiss.serialize_index(self._index)
        header = json.dumps(
            {
                "dimension": self.dimension,
                "max_label": self.max_label,
                "trained_on": self.trained_on,
                "removed_applied": self.removed_applied,
                "faiss_bytes": int(data.nbytes),
                "vectors": len(self._labels),
            }
        ).encode()
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            with open(tmp, "wb") as fh:
                fh.write(_MAGIC + struct.pack("<Q", len(header)) + header)
                fh.flush()
                np.ascontiguousarray(data).tofile(fh)
                np.ascontiguousarray(self._labels, dtype="<i8").tofile(fh)
                np.ascontiguousarray(self._half, dtype="<f2").tofile(fh)
            os.replace(tmp, path)
        except (RuntimeError, OSError) as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"{path}: cannot write the approximate index: {exc}") from None

    @classmethod
    def load(cls, path: Path, dimension: int) -> IvfIndex:
        """Read an index file written by ``save``; ``StoreError`` when unreadable or of
        another dimension."""
        faiss = _faiss()
        try:
            with open(path, "rb") as fh:
                head = fh.read(len(_MAGIC) + 8)
                if not head.startswith(_MAGIC) or len(head) < len(_MAGIC) + 8:
                    raise ValueError("not an index file of verify")
                (size,) = struct.unpack("<Q", head[len(_MAGIC) :])
                total = path.stat().st_size
                if size > 1 << 20 or size > total:
                    raise ValueError("damaged header")
                header = json.loads(fh.read(size))
                if int(header["faiss_bytes"]) > total:
                    raise ValueError("truncated file")
                if int(header["dimension"]) != dimension:
                    raise StoreError(f"{path}: approximate index of {header['dimension']} dimensions, not {dimension}")
                raw = fh.read(int(header["faiss_bytes"]))
                index = faiss.deserialize_index(np.frombuffer(raw, dtype=np.uint8))
                del raw
                count = int(header["vectors"])
                labels = np.fromfile(fh, dtype="<i8", count=count)
                half = np.fromfile(fh, dtype="<f2", count=count * dimension).reshape(count, dimension)
                if len(labels) != count or half.shape[0] != count or index.ntotal != count:
                    raise ValueError("truncated file")
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, MemoryError, struct.error) as exc:
            raise StoreError(f"{path}: cannot read the approximate index: {exc}") from None
        loaded = cls(
            index,
            dimension,
            max_label=int(header["max_label"]),
            trained_on=int(header["trained_on"]),
            removed_applied=int(header["removed_applied"]),
        )
        loaded._label_buf, loaded._half_buf, loaded._size = labels, half, count
        loaded._sorted = bool(np.all(labels[1:] > labels[:-1])) if count > 1 else True
        return loaded


class VectorIndex:
    """The search structure of one store: exact matrix, or IVF-PQ index plus an exact delta.

    source: where vectors come from (the store).
    store_path: the SQLite file (the index file goes beside it); key: ``index_key(...)``.
    dimension: vector length.
    ann_threshold: live vectors above which the approximate index is used (default 20 000;
        never below ``MIN_ANN_VECTORS``).
    delta_limit: vectors added since the file was written that are searched exactly before
        they are added to the index and the file rewritten (default 5 000).
    filter_exact_limit: filters allowing at most this many labels are searched exactly
        (default 10 000).
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
    ) -> None:
        self.source = source
        self.store_path = Path(store_path)
        self.path = index_path(store_path, key)
        self.dimension = dimension
        self.ann_threshold = ann_threshold
        self.delta_limit = delta_limit
        self.filter_exact_limit = filter_exact_limit
        self._seen: Snapshot | None = None
        self._fresh = False
        # exact mode: every live vector; approximate mode: the delta past the index
        self._labels = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, dimension), dtype=np.float32)
        self._ivf: IvfIndex | None = None
        self._unapplied = 0

    # -- state -----------------------------------------------------------------------
    def invalidate(self) -> None:
        """The store changed: re-read what is needed before the next search."""
        self._fresh = False

    def _approximate(self, live: int) -> bool:
        return live > max(self.ann_threshold, MIN_ANN_VECTORS)

    @property
    def uses_ann(self) -> bool:
        """Whether searches go through the approximate index (more live vectors than the threshold)."""
        return self._approximate(self.source.snapshot().live)

    def describe(self) -> dict[str, Any]:
        """What the index holds, for ``stats`` (builds nothing)."""
        live = self.source.snapshot().live
        info: dict[str, Any] = {"kind": "ivf-pq" if self._approximate(live) else "exact", "vectors": live}
        if self._ivf is not None:
            info.update(indexed=len(self._ivf), pending=len(self._labels), cells=self._ivf.cells)
        info["file"] = str(self.path) if self.path.exists() else None
        return info

    def _refresh(self) -> None:
        if self._fresh:
            return
        now = self.source.snapshot()
        if not self._approximate(now.live):
            previous = self._seen if self._ivf is None else None
            self._ivf = None
            if previous is not None and previous.removed == now.removed and now.max_label >= previous.max_label:
                self._append(previous.max_label, now.max_label)  # only additions since
            else:
                self._load(0, now.max_label)
        else:
            if self._ivf is None:
                self._open_ivf(now)
            assert self._ivf is not None
            stale = len(self.source.removed_labels(self._ivf.max_label)) - self._ivf.removed_applied
            self._unapplied = min(max(0, stale), 100)  # fetch that many more: they may come back
            if stale > 0.25 * max(1, len(self._ivf)) or now.live > 4 * max(1, self._ivf.trained_on):
                log.info(
                    "rebuilding the approximate index (%d statements, %d removed since it was trained for %d)",
                    now.live,
                    stale,
                    self._ivf.trained_on,
                )
                self._build(now)
            self._load(self._ivf.max_label, now.max_label)
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

    def _open_ivf(self, now: Snapshot) -> None:
        if self.path.exists():
            try:
                self._ivf = IvfIndex.load(self.path, self.dimension)
                return
            except StoreError as exc:
                log.warning("%s; rebuilding it", exc)
        log.info("building the approximate index over %d statements (kept in %s)", now.live, self.path)
        self._build(now)

    def _sample(self, now: Snapshot, size: int) -> np.ndarray:
        """Up to ``size`` live vectors drawn at random (by label) for training."""
        rng = np.random.default_rng(now.max_label)
        if now.live <= size:
            return np.concatenate([v for _, v in self.source.iter_vectors(0, now.max_label)])
        wanted = np.unique(rng.integers(1, now.max_label + 1, int(size * 1.2 * now.max_label / max(1, now.live))))
        parts = [
            self.source.vectors_for_labels(chunk)[1] for chunk in np.array_split(wanted, max(1, len(wanted) // 20_000))
        ]
        return np.concatenate(parts)[:size]

    def _build(self, now: Snapshot) -> None:
        started = time.perf_counter()
        cells = max(1, int(2 * math.sqrt(now.live)))
        index = IvfIndex.train(self.dimension, self._sample(now, max(40 * cells, MIN_ANN_VECTORS)), now.live)
        index.reserve(now.live + self.delta_limit)
        # small chunks: what is read is encoded at once and dropped
        for labels, vectors in self.source.iter_vectors(0, now.max_label, batch=20_000):
            index.add(labels, vectors)
        index.max_label = max(index.max_label, now.max_label)
        # removals up to now are not in it
        index.removed_applied = len(self.source.removed_labels(index.max_label))
        self._ivf = index
        self._save()
        log.info("approximate index: %d statements in %.1f s", len(index), time.perf_counter() - started)

    def _fold_delta(self) -> None:
        assert self._ivf is not None
        upto = int(self._labels.max()) if len(self._labels) else self._ivf.max_label
        self._ivf.add(self._labels, self._vectors)
        self._ivf.max_label = max(self._ivf.max_label, upto)
        self._labels = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, self.dimension), dtype=np.float32)
        self._save()

    def _save(self) -> None:
        assert self._ivf is not None
        removed = self.source.removed_labels(self._ivf.max_label)
        if len(removed) != self._ivf.removed_applied:
            self._ivf.remove(removed)
            self._ivf.removed_applied = len(removed)
        try:
            self._ivf.save(self.path)
        except StoreError as exc:  # searches still work; the index is rebuilt by the next process
            log.warning("%s; the approximate index lives in memory only", exc)
            return
        # index files of another key (the store file was replaced), of older versions, and
        # temporary files left by killed writers are of no use to anyone
        prefix = glob.escape(self.store_path.name)
        for pattern in (".*.ivf", ".*.hnsw", ".*.json"):
            for other in self.store_path.parent.glob(prefix + pattern):
                key = other.name[len(self.store_path.name) + 1 :].rsplit(".", 1)[0]
                if other != self.path and re.fullmatch(r"[0-9a-f]{12}", key):
                    other.unlink(missing_ok=True)
        for tmp in self.store_path.parent.glob(prefix + ".*.ivf.tmp-*"):
            try:
                if time.time() - tmp.stat().st_mtime > 3600:
                    tmp.unlink()
            except OSError:
                pass

    def update(self, force: bool = False) -> None:
        """Keep the index file in step with the store (above the threshold only): build it
        when missing, add statements added since it was written once they are more than
        ``delta_limit`` (or any, with ``force``; default ``False``)."""
        now = self.source.snapshot()
        if not self._approximate(now.live):
            return
        if self._ivf is None and self.path.exists():
            covered = _covered(self.path)
            # cheap upper bound of what the file lacks: labels only grow
            if covered is not None and now.max_label - covered <= (0 if force else self.delta_limit):
                return
        self._fresh = False
        self._refresh()
        if self._ivf is not None and len(self._labels) and force:
            self._fold_delta()

    # -- search ----------------------------------------------------------------------
    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[Hits]:
        """Top ``k`` (label, cosine) per query, best first, among ``allowed`` labels if given.

        Scores are exact: approximate candidates are re-scored with their stored vectors,
        which also drops statements removed since the index was written.
        """
        self._refresh()
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        if queries.shape[1] != self.dimension:
            raise StoreError(f"query vectors have {queries.shape[1]} dimensions; the store's have {self.dimension}")
        if self._ivf is None:
            if allowed is None:
                return exact_search(self._labels, self._vectors, queries, k)
            mask = np.isin(self._labels, allowed)
            return exact_search(self._labels[mask], self._vectors[mask], queries, k)
        if allowed is not None and len(allowed) <= self.filter_exact_limit:
            labels, vectors = self.source.vectors_for_labels(allowed)
            return exact_search(labels, vectors, queries, k)
        depth = min(RERANK_DEPTH + 10 * k, 20_000)  # faiss slows down sharply for very deep lists
        if len(self._labels) and allowed is not None:
            mask = np.isin(self._labels, allowed)
            delta_labels, delta_vectors = self._labels[mask], self._vectors[mask]
        else:
            delta_labels, delta_vectors = self._labels, self._vectors
        out: list[Hits] = []
        for query in queries:
            # twice k by the float16 scores, then exact scores (and removed ones dropped)
            found, _ = self._ivf.search(query, 2 * k + self._unapplied, allowed, depth)
            labels, vectors = self.source.vectors_for_labels(found)
            (hits,) = exact_search(labels, vectors, query[None, :], k)
            if len(delta_labels):
                (delta,) = exact_search(delta_labels, delta_vectors, query[None, :], k)
                hits = _merge(hits, delta, k)
            out.append(hits)
        return out


def _covered(path: Path) -> int | None:
    """Largest label an index file covers, from its header alone (``None``: unreadable)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_MAGIC) + 8)
            if not head.startswith(_MAGIC):
                return None
            (size,) = struct.unpack("<Q", head[len(_MAGIC) :])
            return int(json.loads(fh.read(size))["max_label"])
    except (OSError, ValueError, KeyError, struct.error):
        return None
