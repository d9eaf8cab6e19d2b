"""The reference corpus: one SQLite file of documents, statements, vectors and relations.

    with Corpus.open("corpus.sqlite") as corpus:
        corpus.add_documents([(document, statements, vectors)])
        for statement, score in corpus.search(vector, k=10, speaker_id="volodymyr-zelensky"):
            ...

What the file holds (schema version ``SCHEMA_VERSION``, upgraded in place by ``MIGRATIONS``):

- ``documents``: every ``Document`` field; ``statements``: every ``Statement`` field, spans as
  start/end columns, plus the hash of the embedded text; its rowid is the statement's label
  in the vector index and never reused (``AUTOINCREMENT``).
- ``vectors``: float32 vectors cached by (model id, text hash): a statement's vector is the
  one cached for the store's model and its text, so nothing is embedded twice and repeated
  quotes share one vector.
- ``relations``: relations found between a checked statement and corpus statements.
- ``removed_statements``: labels of removed statements (so an index file can skip them);
  ``meta``: the store's uuid, model id, dimension and counts.

Safety: WAL journal (readers never block the writer), foreign keys on, every write in one
``BEGIN IMMEDIATE`` transaction (so a killed process leaves whole documents or nothing) that
waits for other writers (``busy_timeout`` plus retries) instead of failing with "database is
locked".  Before anything is written, a file given as the store is checked (SQLite header,
``application_id``, schema version, tables); a file that is not a verify store, or is
corrupt, raises ``NotAStoreError`` and is left byte-for-byte unchanged.

Search goes through ``verify.index``: exact numpy search for small corpora, an IVF-PQ index
kept beside the file above the ``ann_threshold`` setting.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import logging
import os
import random
import sqlite3
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Self

import numpy as np

from .errors import NotAStoreError, StoreError
from .index import Snapshot, VectorIndex, index_key
from .types import Document, QuoteKind, Relation, RelationLabel, Span, SpeakerKind, Statement

__all__ = [
    "APPLICATION_ID",
    "EXPORT_FORMAT",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AddResult",
    "Corpus",
    "CorpusStats",
    "export_record",
    "is_export_record",
    "read_export_record",
]

log = logging.getLogger("verify")

SCHEMA_VERSION = 1
APPLICATION_ID = int.from_bytes(b"VRFY", "big")  # PRAGMA application_id of every verify store
EXPORT_FORMAT = "verify-corpus/1"
SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_ANN_THRESHOLD = 20_000  # the ``ann_threshold`` setting's default
EXTERNAL_MODEL = "external"  # model id of vectors added without one

# version → SQL that upgrades a store from the version before it
MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE documents (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        title TEXT, source TEXT, url TEXT, author TEXT,
        date TEXT,
        origin TEXT, origin_offset INTEGER,
        added_at TEXT NOT NULL
    );
    CREATE TABLE statements (
        rowid INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        speaker TEXT NOT NULL,
        speaker_start INTEGER, speaker_end INTEGER,
        speaker_id TEXT NOT NULL,
        speaker_kind TEXT NOT NULL,
        cue TEXT NOT NULL,
        cue_start INTEGER NOT NULL, cue_end INTEGER NOT NULL,
        content TEXT NOT NULL,
        content_start INTEGER NOT NULL, content_end INTEGER NOT NULL,
        quote_kind TEXT NOT NULL,
        sentence TEXT NOT NULL,
        sentence_start INTEGER NOT NULL, sentence_end INTEGER NOT NULL,
        date TEXT,
        date_basis TEXT NOT NULL DEFAULT '',
        confidence REAL NOT NULL DEFAULT 1.0,
        text_hash TEXT NOT NULL
    );
    CREATE INDEX statements_by_document ON statements(document_id);
    CREATE INDEX statements_by_speaker ON statements(speaker_id, date);
    CREATE INDEX statements_by_date ON statements(date);
    CREATE TABLE vectors (
        rowid INTEGER PRIMARY KEY,
        model_id TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        vector BLOB NOT NULL,
        UNIQUE (model_id, text_hash)
    );
    CREATE TABLE removed_statements (
        label INTEGER PRIMARY KEY
    );
    CREATE TABLE relations (
        source_id TEXT NOT NULL,
        target_id TEXT NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        probability REAL NOT NULL,
        scores TEXT NOT NULL DEFAULT '{}',
        rationale TEXT NOT NULL DEFAULT '',
        same_speaker INTEGER NOT NULL DEFAULT 0,
        model_id TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        PRIMARY KEY (source_id, target_id, model_id)
    );
    CREATE INDEX relations_by_target ON relations(target_id);
    """,
}

_TABLES = {"meta", "documents", "statements", "vectors", "removed_statements", "relations"}

_STATEMENT_COLUMNS = (
    "id, document_id, speaker, speaker_start, speaker_end, speaker_id, speaker_kind, cue, cue_start, cue_end, "
    "content, content_start, content_end, quote_kind, sentence, sentence_start, sentence_end, date, date_basis, "
    "confidence"
)
_DOCUMENT_COLUMNS = "id, text, title, source, url, author, date, origin, origin_offset"
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class AddResult:
    """What one ``add_documents`` call stored.

    documents / statements: newly stored; skipped: documents already in the store (or
    repeated in the call), left as they were; new_vectors: vectors added to the cache.
    """

    documents: int = 0
    statements: int = 0
    skipped: int = 0
    new_vectors: int = 0


@dataclass(frozen=True)
class CorpusStats:
    """What a store holds.

    path, size_bytes (file plus its WAL), schema_version, model_id and dimension of the
    vectors searched (``None`` while empty), documents, statements, speakers (distinct
    canonical ids), first_date / last_date of the statements, cached_vectors (all models),
    relations, index (kind "exact" or "ivf-pq", counts, file).
    """

    path: str
    size_bytes: int
    schema_version: int
    model_id: str | None
    dimension: int | None
    documents: int
    statements: int
    speakers: int
    first_date: dt.date | None
    last_date: dt.date | None
    cached_vectors: int
    relations: int
    index: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "path": self.path,
            "size_bytes": self.size_bytes,
            "schema_version": self.schema_version,
            "model_id": self.model_id,
            "dimension": self.dimension,
            "documents": self.documents,
            "statements": self.statements,
            "speakers": self.speakers,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "cached_vectors": self.cached_vectors,
            "relations": self.relations,
            "index": dict(self.index),
        }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _as_date(value: dt.date | str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def _span(start: int | None, end: int | None) -> Span | None:
    return None if start is None or end is None else Span(start, end)


def _statement_from_row(row: Sequence[Any]) -> Statement:
    return Statement(
        id=row[0],
        document_id=row[1],
        speaker=row[2],
        speaker_span=_span(row[3], row[4]),
        speaker_id=row[5],
        speaker_kind=SpeakerKind(row[6]),
        cue=row[7],
        cue_span=Span(row[8], row[9]),
        content=row[10],
        content_span=Span(row[11], row[12]),
        quote_kind=QuoteKind(row[13]),
        sentence=row[14],
        sentence_span=Span(row[15], row[16]),
        date=_date(row[17]),
        date_basis=row[18],
        confidence=float(row[19]),
    )


def _statement_row(st: Statement, text_hash: str) -> tuple[Any, ...]:
    sp = st.speaker_span
    return (
        st.id,
        st.document_id,
        st.speaker,
        sp.start if sp else None,
        sp.end if sp else None,
        st.speaker_id,
        SpeakerKind(st.speaker_kind).value,
        st.cue,
        st.cue_span.start,
        st.cue_span.end,
        st.content,
        st.content_span.start,
        st.content_span.end,
        QuoteKind(st.quote_kind).value,
        st.sentence,
        st.sentence_span.start,
        st.sentence_span.end,
        _iso(st.date),
        st.date_basis,
        float(st.confidence),
        text_hash,
    )


def _document_from_row(row: Sequence[Any]) -> Document:
    return Document(
        id=row[0],
        text=row[1],
        title=row[2],
        source=row[3],
        url=row[4],
        author=row[5],
        date=_date(row[6]),
        origin=row[7],
        origin_offset=row[8],
    )


def _blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def _unblob(blobs: Sequence[bytes], dimension: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), dimension).astype(np.float32)


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; rows already of unit length are kept bit for bit, so a
    vector survives export and import unchanged."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[(norms == 0) | (np.abs(norms - 1.0) < 1e-5)] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def export_record(
    document: Document, statements: Sequence[Statement], vectors: np.ndarray | None, model_id: str | None
) -> dict[str, Any]:
    """One line of ``export_jsonl``: the document's fields at the top level (so the file is
    also plain article JSONL), its statements, and each statement's vector as base64 of
    little-endian float32 when ``vectors`` is given."""
    record: dict[str, Any] = {"format": EXPORT_FORMAT, **document.to_dict()}
    items = []
    for index, statement in enumerate(statements):
        item = statement.to_dict()
        if vectors is not None:
            item["vector"] = base64.b64encode(_blob(vectors[index])).decode("ascii")
        items.append(item)
    record["model_id"] = model_id if vectors is not None else None
    record["statements"] = items
    return record


def is_export_record(record: Any) -> bool:
    """Whether a JSON object is a line of a verify corpus export."""
    return isinstance(record, dict) and record.get("format") == EXPORT_FORMAT


def read_export_record(record: Mapping[str, Any]) -> tuple[Document, list[Statement], np.ndarray | None, str | None]:
    """(document, statements, vectors or ``None``, model id) from one export line.

    Raises ``ValueError`` when the record is inconsistent (a statement of another
    document, content that is not the text at its span, a vector of the wrong size).
    """
    if not is_export_record(record):
        raise ValueError(f"not a {EXPORT_FORMAT} record")
    try:
        document = Document.from_dict(
            {k: v for k, v in record.items() if k not in ("format", "statements", "model_id")}
        )
        statements = [Statement.from_dict(item) for item in record.get("statements") or []]
    except (TypeError, KeyError, ValueError) as exc:
        raise ValueError(f"bad record: {exc}") from None
    if not isinstance(document.text, str) or not document.id:
        raise ValueError("bad record: no document id or text")
    for st in statements:
        if st.document_id != document.id:
            raise ValueError(f"statement {st.id} belongs to document {st.document_id}, not {document.id}")
        if st.content_span.slice(document.text) != st.content:
            raise ValueError(f"statement {st.id}: content is not the document text at its span")
    blobs = [item.get("vector") for item in record.get("statements") or []]
    vectors = None
    model_id = record.get("model_id")
    if statements and model_id and all(isinstance(b, str) for b in blobs):
        try:
            raw = [base64.b64decode(b, validate=True) for b in blobs]  # type: ignore[arg-type]
        except ValueError:
            raise ValueError("bad record: a vector is not base64") from None
        sizes = {len(r) for r in raw}
        if len(sizes) != 1 or next(iter(sizes)) % 4:
            raise ValueError("bad record: vectors of different sizes")
        vectors = _unblob(raw, next(iter(sizes)) // 4)
        if not np.isfinite(vectors).all():
            raise ValueError("bad record: a vector holds NaN or infinity")
    return document, statements, vectors, model_id if vectors is not None else None


class _Source:
    """The store seen by the vector index (``verify.index.VectorSource``)."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def snapshot(self) -> Snapshot:
        conn = self.corpus._conn
        live = int(self.corpus._meta_value("statement_count") or 0)
        max_label = conn.execute("SELECT max(rowid) FROM statements").fetchone()[0] or 0
        removed = conn.execute("SELECT count(*) FROM removed_statements").fetchone()[0]
        return Snapshot(live, int(max_label), int(removed))

    def removed_labels(self, upto: int) -> np.ndarray:
        rows = self.corpus._conn.execute("SELECT label FROM removed_statements WHERE label <= ?", (upto,))
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def iter_vectors(
        self, after: int = 0, upto: int | None = None, batch: int = 50_000
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        corpus = self.corpus
        upto = (1 << 62) if upto is None else upto
        while True:
            rows = corpus._conn.execute(
                "SELECT s.rowid, v.vector FROM statements s JOIN vectors v "
                "ON v.model_id = ? AND v.text_hash = s.text_hash "
                "WHERE s.rowid > ? AND s.rowid <= ? ORDER BY s.rowid LIMIT ?",
                (corpus.model_id, after, upto, batch),
            ).fetchall()
            if not rows:
                return
            labels = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            yield labels, _unblob([r[1] for r in rows], corpus.dimension or 0)
            after = int(labels[-1])
            if len(rows) < batch:
                return

    def vectors_for_labels(self, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        corpus = self.corpus
        found: list[int] = []
        blobs: list[bytes] = []
        for part in _chunks([int(x) for x in labels]):
            marks = ",".join("?" * len(part))
            for rowid, blob in corpus._conn.execute(
                "SELECT s.rowid, v.vector FROM statements s JOIN vectors v "
                f"ON v.model_id = ? AND v.text_hash = s.text_hash WHERE s.rowid IN ({marks})",
                (corpus.model_id, *part),
            ):
                found.append(rowid)
                blobs.append(blob)
        return np.asarray(found, dtype=np.int64), _unblob(blobs, corpus.dimension or 0)


class Corpus:
    """An open corpus store.  Use ``Corpus.open(path)``, preferably as a context manager.

    path: the SQLite file.  ann_threshold: statements above which searches use the approximate
    index (default 20 000, the ``ann_threshold`` setting).
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, ann_threshold: int, busy_seconds: float) -> None:
        self.path = path
        self._conn = conn
        self.ann_threshold = ann_threshold
        self._busy_seconds = busy_seconds
        self._index: VectorIndex | None = None
        self._data_version: int | None = None
        self._meta_cache: dict[str, str] = {}

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        create: bool = True,
        ann_threshold: int | None = None,
        busy_seconds: float = 300.0,
    ) -> Corpus:
        """Open (and with ``create``, default ``True``, create) the store at ``path``.

        ann_threshold: default ``None``: the setting's default, 20 000.
        busy_seconds: how long a write waits for other writers before ``StoreError``
            (default 300).
        Raises ``NotAStoreError`` (file left unchanged) for a file that is not a verify
        store or is corrupt, ``StoreError`` for a missing store when ``create`` is false,
        a store made by a newer verify, or a path that cannot be used.
        """
        store = Path(path).expanduser()
        if store.is_dir():
            raise StoreError(f"{store}: is a directory, not a store file")
        exists = store.exists() and store.stat().st_size > 0
        if not exists and not create:
            raise StoreError(f"{store}: no corpus store here (create one with `verify corpus add`)")
        if exists:
            _validate(store)
        else:
            try:
                store.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{store}: cannot create the folder: {exc.strerror or exc}") from None
        threshold = DEFAULT_ANN_THRESHOLD if ann_threshold is None else ann_threshold
        try:
            return cls._connect(store, threshold, busy_seconds, read_only=False)
        except StoreError as exc:
            unsaved = Path(f"{store}-wal").is_file() and Path(f"{store}-wal").stat().st_size > 0
            if not exists or unsaved or not _cannot_open(exc):
                raise  # with a write-ahead log left beside it, the file alone would be out of date
            # a store in a folder this user cannot write to (a read-only share): read it as it is,
            # without the journal files a writer needs; writing to it then fails with one error line
            try:
                return cls._connect(store, threshold, busy_seconds, read_only=True)
            except StoreError:
                raise exc from None

    @classmethod
    def _connect(cls, store: Path, ann_threshold: int, busy_seconds: float, read_only: bool) -> Corpus:
        try:
            if read_only:
                uri = "file:" + urllib.parse.quote(str(store.resolve())) + "?immutable=1"
                conn = sqlite3.connect(uri, uri=True, timeout=min(busy_seconds, 30.0), isolation_level=None)
            else:
                conn = sqlite3.connect(store, timeout=min(busy_seconds, 30.0), isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{store}: cannot open: {exc}") from None
        corpus = cls(store, conn, ann_threshold, busy_seconds)
        try:
            corpus._setup(read_only)
        except BaseException:
            conn.close()
            raise
        return corpus

    def _setup(self, read_only: bool = False) -> None:
        conn = self._conn
        try:
            if not read_only:
                mode = self._retry(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone()[0])
                if str(mode).lower() != "wal":
                    log.warning("%s: WAL journal not available (%s); concurrent use will be slower", self.path, mode)
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION and read_only:
                raise StoreError(f"{self.path}: made by an older verify and read-only here, so it cannot be upgraded")
            if version < SCHEMA_VERSION:
                self._migrate()
            elif version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: made by a newer verify (schema {version}; this one reads up to {SCHEMA_VERSION})"
                )
            self._load_meta()
        except sqlite3.OperationalError as exc:  # e.g. a read-only file or folder
            raise StoreError(f"{self.path}: cannot open: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise NotAStoreError(f"{self.path}: not a usable verify store ({exc}); it was left unchanged") from None

    def _migrate(self) -> None:
        with self._transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                application = conn.execute("PRAGMA application_id").fetchone()[0]
                if tables or application not in (0, APPLICATION_ID):
                    raise NotAStoreError(f"{self.path}: not a verify corpus store; it was left unchanged")
            for target in range(version + 1, SCHEMA_VERSION + 1):
                conn.executescript_in_transaction(MIGRATIONS[target])
                conn.execute(f"PRAGMA user_version = {int(target)}")
            if version == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("uuid", uuid.uuid4().hex),
                        ("created_at", now),
                        ("statement_count", "0"),
                        ("document_count", "0"),
                    ],
                )
            if version:
                log.info("%s: upgraded the store from schema %d to %d", self.path, version, SCHEMA_VERSION)

    def _load_meta(self) -> None:
        self._meta_cache = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        missing = sorted({"uuid", "statement_count", "document_count"} - set(self._meta_cache))
        if missing:  # every store has them from its creation on; without them its counts would lie
            raise NotAStoreError(f"{self.path}: the store is damaged (no {', '.join(missing)} in its meta table)")
        self._data_version = self._conn.execute("PRAGMA data_version").fetchone()[0]

    def _meta_value(self, key: str) -> str | None:
        return self._meta_cache.get(key)

    def close(self) -> None:
        """Close the store (an approximate index in memory is dropped, not written)."""
        self._index = None
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r})"

    # -- transactions and freshness ---------------------------------------------------------
    def _retry(self, action: Any) -> Any:
        """Run ``action`` again while SQLite answers busy/locked, up to ``busy_seconds``."""
        deadline = time.monotonic() + self._busy_seconds
        delay = 0.01
        while True:
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"{self.path}: another process kept the store busy for {self._busy_seconds:.0f} s; try again"
                    ) from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 1.0)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[_Connection]:
        """One write transaction (``BEGIN IMMEDIATE``: waits for other writers), committed on
        success and rolled back on any error."""
        conn = self._conn
        self._retry(lambda: conn.execute("BEGIN IMMEDIATE"))
        try:
            yield _Connection(conn)
            self._retry(lambda: conn.execute("COMMIT"))
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._changed()

    def _changed(self) -> None:
        self._load_meta()
        if self._index is not None:
            self._index.invalidate()

    def _sync(self) -> None:
        """Notice commits made by other connections since the last look."""
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._changed()

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreError(f"{self.path}: {doing}: the store is busy; try again") from None
            raise StoreError(f"{self.path}: {doing}: {exc}") from None
        except sqlite3.IntegrityError as exc:  # nothing was written: the transaction rolled back
            raise StoreError(f"{self.path}: {doing}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise NotAStoreError(f"{self.path}: {doing}: the store is damaged ({exc})") from None
        except UnicodeEncodeError:  # the output cannot take the text (an export to an ASCII stdout)
            raise
        except (ValueError, TypeError, OverflowError) as exc:  # a stored value that does not decode
            raise NotAStoreError(f"{self.path}: {doing}: the store is damaged ({exc})") from None

    # -- properties --------------------------------------------------------------------------
    @property
    def uuid(self) -> str:
        """Random id given to the store when it was created."""
        return self._meta_value("uuid") or ""

    @property
    def model_id(self) -> str | None:
        """Model of the vectors searched (set by the first ``add_documents``)."""
        return self._meta_value("model_id")

    @property
    def dimension(self) -> int | None:
        """Length of the vectors searched (``None`` while empty)."""
        value = self._meta_value("dimension")
        try:
            return int(value) if value else None
        except ValueError:
            raise NotAStoreError(f"{self.path}: the store is damaged (dimension {value!r})") from None

    def __len__(self) -> int:
        """Number of stored statements."""
        return int(self._meta_value("statement_count") or 0)

    def __bool__(self) -> bool:  # an empty store is still an open store
        return True

    # -- reading -------------------------------------------------------------------------------
    def has_document(self, document_id: str) -> bool:
        """Whether a document with this id is stored."""
        with self._errors("reading"):
            return self._conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() is not None

    def has_documents(self, document_ids: Sequence[str]) -> set[str]:
        """Which of these document ids are stored."""
        found: set[str] = set()
        with self._errors("reading"):
            for part in _chunks(list(document_ids)):
                marks = ",".join("?" * len(part))
                found.update(r[0] for r in self._conn.execute(f"SELECT id FROM documents WHERE id IN ({marks})", part))
        return found

    def get_document(self, document_id: str) -> Document | None:
        """The stored document with this id, or ``None``."""
        with self._errors("reading"):
            row = self._conn.execute(
                f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (document_id,)
            ).fetchone()
            return _document_from_row(row) if row else None

    def documents(self) -> Iterator[Document]:
        """Every stored document, in the order they were added."""
        with self._errors("reading"):
            rows = self._conn.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents ORDER BY rowid").fetchall()
            for row in rows:
                yield _document_from_row(row)

    def get_statement(self, statement_id: str) -> Statement | None:
        """The stored statement with this id, or ``None``."""
        with self._errors("reading"):
            row = self._conn.execute(
                f"SELECT {_STATEMENT_COLUMNS} FROM statements WHERE id = ?", (statement_id,)
            ).fetchone()
            return _statement_from_row(row) if row else None

    def statements(self, document_id: str | None = None) -> Iterator[Statement]:
        """Stored statements in the order they were added; only one document's when
        ``document_id`` is given (default ``None``: all)."""
        query = f"SELECT {_STATEMENT_COLUMNS} FROM statements"
        params: tuple[Any, ...] = ()
        if document_id is not None:
            query += " WHERE document_id = ?"
            params = (document_id,)
        with self._errors("reading"):
            cursor = self._conn.execute(query + " ORDER BY rowid", params)
            while True:
                rows = cursor.fetchmany(1000)
                if not rows:
                    return
                for row in rows:
                    yield _statement_from_row(row)

    def vectors_for(self, statement_ids: Sequence[str]) -> np.ndarray:
        """The vectors of these statements, one row each in the given order (float32, unit
        length).  Raises ``KeyError`` naming an id that is not stored."""
        dimension = self.dimension or 0
        by_id: dict[str, bytes] = {}
        with self._errors("reading"):
            for part in _chunks(list(dict.fromkeys(statement_ids))):
                marks = ",".join("?" * len(part))
                by_id.update(
                    self._conn.execute(
                        "SELECT s.id, v.vector FROM statements s JOIN vectors v "
                        f"ON v.model_id = ? AND v.text_hash = s.text_hash WHERE s.id IN ({marks})",
                        (self.model_id, *part),
                    ).fetchall()
                )
        missing = [sid for sid in statement_ids if sid not in by_id]
        if missing:
            raise KeyError(f"statement not in the store: {missing[0]}")
        return _unblob([by_id[sid] for sid in statement_ids], dimension)

    def cached_vectors(self, model_id: str, content_hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors of ``model_id`` for these text hashes (``embed.text_hash``); hashes
        with no vector are left out."""
        out: dict[str, np.ndarray] = {}
        with self._errors("reading"):
            for part in _chunks(list(dict.fromkeys(content_hashes))):
                marks = ",".join("?" * len(part))
                for text_hash, blob in self._conn.execute(
                    f"SELECT text_hash, vector FROM vectors WHERE model_id = ? AND text_hash IN ({marks})",
                    (model_id, *part),
                ):
                    out[text_hash] = np.frombuffer(blob, dtype="<f4").astype(np.float32)
        return out

    # -- writing -----------------------------------------------------------------------------------
    def add_documents(
        self,
        items: Sequence[tuple[Document, Sequence[Statement], np.ndarray]],
        model_id: str | None = None,
        text_hashes: Sequence[Sequence[str]] | None = None,
    ) -> AddResult:
        """Store documents with their statements and one vector per statement, atomically:
        all of this call's new documents are stored, or none.

        items: (document, its statements, array of shape (len(statements), dimension)).
        model_id: the model that made the vectors (default ``None``: the store's model, or
            ``"external"`` for an empty store).  A store holds one model's vectors; another
            model or dimension raises ``StoreError``.
        text_hashes: per item, the cache key of each statement's embedded text (default
            ``None``: ``embed.text_hash(embed.embed_text(statement))``).
        A document already stored (same id) is skipped, unchanged.  Vectors are scaled to
        unit length and cached by (model id, text hash).
        """
        from .embed import embed_text, text_hash

        model_id = model_id or self.model_id or EXTERNAL_MODEL
        prepared: list[tuple[Document, list[tuple[Any, ...]], list[tuple[str, bytes]]]] = []
        dimension = self.dimension
        for position, item in enumerate(items):
            document, statements, vectors = item
            statements = list(statements)
            array = np.asarray(vectors, dtype=np.float32)
            if statements and (array.ndim != 2 or array.shape[0] != len(statements)):
                raise ValueError(
                    f"document {document.id}: {len(statements)} statements but vectors of shape {array.shape}"
                )
            if not statements:
                array = array.reshape(0, dimension or 0) if array.size == 0 else array
            if array.ndim == 2 and array.shape[0]:
                if not np.isfinite(array).all():
                    raise ValueError(f"document {document.id}: a vector holds NaN or infinity")
                if dimension is None:
                    dimension = int(array.shape[1])
                elif array.shape[1] != dimension:
                    raise StoreError(
                        f"{self.path}: vectors of {array.shape[1]} dimensions; this store holds {dimension}"
                    )
                array = _unit_rows(array)
            hashes = (
                list(text_hashes[position])
                if text_hashes is not None
                else [text_hash(embed_text(st)) for st in statements]
            )
            seen_ids: set[str] = set()
            rows = []
            cache = []
            for index, st in enumerate(statements):
                if st.document_id != document.id:
                    raise ValueError(f"statement {st.id} belongs to document {st.document_id}, not {document.id}")
                if st.id in seen_ids:
                    raise ValueError(f"document {document.id}: statement id {st.id} twice")
                seen_ids.add(st.id)
                rows.append(_statement_row(st, hashes[index]))
                cache.append((hashes[index], _blob(array[index])))
            prepared.append((document, rows, cache))
        if not prepared:
            return AddResult()

        added_documents = added_statements = skipped = new_vectors = 0
        with self._errors("writing"), self._transaction() as conn:
            stored_model = conn.value("SELECT value FROM meta WHERE key = 'model_id'")
            stored_dimension = conn.value("SELECT value FROM meta WHERE key = 'dimension'")
            if stored_model is not None and stored_model != model_id:
                raise StoreError(
                    f"{self.path}: this store holds vectors of model {stored_model!r}, not {model_id!r}; "
                    "use that model or another store"
                )
            if stored_dimension is not None and dimension is not None and int(stored_dimension) != dimension:
                raise StoreError(f"{self.path}: vectors of {dimension} dimensions; this store holds {stored_dimension}")
            if stored_model is None and dimension is not None:
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("model_id", model_id), ("dimension", str(dimension))],
                )
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            for document, rows, cache in prepared:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO documents (id, text, title, source, url, author, date, origin, origin_offset,"
                    " added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        document.id,
                        document.text,
                        document.title,
                        document.source,
                        document.url,
                        document.author,
                        _iso(document.date),
                        document.origin,
                        document.origin_offset,
                        now,
                    ),
                )
                if cursor.rowcount == 0:
                    skipped += 1
                    continue
                added_documents += 1
                if rows:
                    before = conn.total_changes
                    conn.executemany(
                        "INSERT OR IGNORE INTO vectors (model_id, text_hash, vector) VALUES (?, ?, ?)",
                        [(model_id, h, blob) for h, blob in cache],
                    )
                    new_vectors += conn.total_changes - before
                    conn.executemany(
                        "INSERT INTO statements (id, document_id, speaker, speaker_start, speaker_end, speaker_id,"
                        " speaker_kind, cue, cue_start, cue_end, content, content_start, content_end, quote_kind,"
                        " sentence, sentence_start, sentence_end, date, date_basis, confidence, text_hash)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        rows,
                    )
                    added_statements += len(rows)
            if added_documents:
                conn.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'statement_count'",
                    (added_statements,),
                )
                conn.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'document_count'",
                    (added_documents,),
                )
        return AddResult(added_documents, added_statements, skipped, new_vectors)

    def remove_document(self, document_id: str) -> bool:
        """Remove a document with its statements and their relations; ``False`` when it was
        not stored.  Cached vectors stay (re-adding it embeds nothing)."""
        with self._errors("writing"), self._transaction() as conn:
            if conn.value("SELECT 1 FROM documents WHERE id = ?", (document_id,)) is None:
                return False
            conn.execute(
                "INSERT OR IGNORE INTO removed_statements (label) SELECT rowid FROM statements WHERE document_id = ?",
                (document_id,),
            )
            removed = conn.execute("DELETE FROM statements WHERE document_id = ?", (document_id,)).rowcount
            conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) - ? WHERE key = 'statement_count'", (removed,))
            conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) - 1 WHERE key = 'document_count'")
        return True

    def put_relations(self, relations: Sequence[Relation], model_id: str = "") -> int:
        """Store relations whose evidence (``target_id``) is a stored statement, replacing
        earlier ones for the same pair and model; returns how many were stored."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        rows = [
            (
                r.source_id, r.target_id, RelationLabel(r.label).value, float(r.probability),
                json.dumps(dict(r.scores), sort_keys=True), r.rationale, int(r.same_speaker), model_id, now,
            )
            for r in relations
        ]  # fmt: skip
        with self._errors("writing"), self._transaction() as conn:
            known = {
                r
                for part in _chunks([row[1] for row in rows])
                for (r,) in conn.execute(f"SELECT id FROM statements WHERE id IN ({','.join('?' * len(part))})", part)
            }
            rows = [row for row in rows if row[1] in known]
            conn.executemany(
                "INSERT OR REPLACE INTO relations (source_id, target_id, label, probability, scores, rationale,"
                " same_speaker, model_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def relations(self, source_id: str, model_id: str | None = None) -> list[Relation]:
        """Stored relations from a checked statement (of one model when ``model_id`` is given,
        default ``None``: any), most probable first."""
        query = "SELECT source_id, target_id, label, probability, scores, rationale, same_speaker FROM relations WHERE source_id = ?"
        params: list[Any] = [source_id]
        if model_id is not None:
            query += " AND model_id = ?"
            params.append(model_id)
        with self._errors("reading"):
            rows = self._conn.execute(query + " ORDER BY probability DESC, target_id", params).fetchall()
            return [Relation(r[0], r[1], RelationLabel(r[2]), r[3], json.loads(r[4]), r[5], bool(r[6])) for r in rows]

    # -- search ------------------------------------------------------------------------------------
    def _vector_index(self) -> VectorIndex | None:
        self._sync()
        if self._index is None and self.model_id and self.dimension:
            key = index_key(self.uuid, self.model_id, self.dimension)
            self._index = VectorIndex(_Source(self), self.path, key, self.dimension, ann_threshold=self.ann_threshold)
        return self._index

    def update_index(self, force: bool = False) -> None:
        """Keep the approximate index file in step (only above ``ann_threshold``): build it
        when missing, fold in statements added since it was written once there are more
        than its ``delta_limit`` (or any, with ``force``; default ``False``).  The pipeline
        calls it after adding, so the next search need not."""
        with self._errors("indexing"):
            index = self._vector_index()
            if index is not None:
                index.update(force=force)

    def _filter_sql(self, speaker_id: str | None, since: str | None, until: str | None) -> tuple[str, list[Any]]:
        conditions: list[str] = []
        params: list[Any] = []
        if speaker_id is not None:
            conditions.append("speaker_id = ?")
            params.append(speaker_id)
        if since is not None:
            conditions.append("date >= ?")
            params.append(since)
        if until is not None:
            conditions.append("date <= ?")
            params.append(until)
        return " AND ".join(conditions), params

    def search(
        self,
        vector_or_vectors: np.ndarray | Sequence[float] | Sequence[Sequence[float]],
        k: int = 10,
        speaker_id: str | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
    ) -> Any:
        """Nearest stored statements by cosine similarity.

        vector_or_vectors: one query vector (shape ``(dimension,)``) → a list of
            ``(Statement, score)``, best first; or several (shape ``(n, dimension)``) → one
            such list per query.
        k: how many per query (default 10).
        speaker_id: only this canonical speaker (default ``None``: any).
        since / until: only statements dated within these days, inclusive (default
            ``None``: no bound); undated statements are left out when either is given.
        Ties are broken by statement order, so two stores with the same content answer alike.
        """
        queries = np.asarray(vector_or_vectors, dtype=np.float32)
        single = queries.ndim == 1
        queries = np.atleast_2d(queries)
        if queries.ndim != 2:
            raise ValueError("search takes one vector or a 2-D array of vectors")
        if k < 1:
            raise ValueError("k must be at least 1")
        since_s, until_s = _as_date(since, "since"), _as_date(until, "until")
        with self._errors("searching"):
            index = self._vector_index()
            if index is None or len(queries) == 0:
                results: list[list[tuple[Statement, float]]] = [[] for _ in range(len(queries))]
            else:
                if queries.shape[1] != index.dimension:
                    raise StoreError(
                        f"{self.path}: query vectors have {queries.shape[1]} dimensions; the store's have {index.dimension}"
                    )
                queries = _unit_rows(queries)
                where, params = self._filter_sql(speaker_id, since_s, until_s)
                hits = self._search_labels(index, queries, k, where, params)
                results = self._hydrate(hits, k)
        return results[0] if single else results

    def _search_labels(
        self, index: VectorIndex, queries: np.ndarray, k: int, where: str, params: list[Any]
    ) -> list[list[tuple[int, float]]]:
        if not where:
            return index.search(queries, k)
        limit = index.filter_exact_limit
        if not index.uses_ann:
            labels = self._filtered_labels(where, params, None)
            return index.search(queries, k, labels)
        matching = self._conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM statements WHERE {where} LIMIT {int(limit) + 1})", params
        ).fetchone()[0]
        if matching <= limit:  # selective: exact over just those vectors
            return index.search(queries, k, self._filtered_labels(where, params, None))
        # broad filter: ask for more than k and keep the matching ones
        fetch = 4 * k
        live = len(self)
        while fetch <= 16 * k:
            raw = index.search(queries, min(fetch, live))
            wanted = {label for hits in raw for label, _ in hits}
            keep = self._matching(wanted, where, params)
            kept = [[(label, score) for label, score in hits if label in keep][:k] for hits in raw]
            if all(len(h) >= k for h in kept) or fetch >= live:
                return kept
            fetch *= 4
        # still too few: let the index skip the others itself
        return index.search(queries, k, self._filtered_labels(where, params, None))

    def _filtered_labels(self, where: str, params: list[Any], limit: int | None) -> np.ndarray:
        query = f"SELECT rowid FROM statements WHERE {where}"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        rows = self._conn.execute(query, params)
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def _matching(self, labels: set[int], where: str, params: list[Any]) -> set[int]:
        found: set[int] = set()
        ordered = sorted(labels)
        for part in _chunks(ordered):
            marks = ",".join("?" * len(part))
            found.update(
                r[0]
                for r in self._conn.execute(
                    f"SELECT rowid FROM statements WHERE rowid IN ({marks}) AND {where}", (*part, *params)
                )
            )
        return found

    def _hydrate(self, hits: list[list[tuple[int, float]]], k: int) -> list[list[tuple[Statement, float]]]:
        labels = sorted({label for row in hits for label, _ in row})
        by_label: dict[int, Statement] = {}
        for part in _chunks(labels):
            marks = ",".join("?" * len(part))
            for row in self._conn.execute(
                f"SELECT rowid, {_STATEMENT_COLUMNS} FROM statements WHERE rowid IN ({marks})", part
            ):
                by_label[row[0]] = _statement_from_row(row[1:])
        return [[(by_label[label], score) for label, score in row if label in by_label][:k] for row in hits]

    # -- whole store ---------------------------------------------------------------------------------
    def stats(self) -> CorpusStats:
        """Counts and settings of the store (see ``CorpusStats``)."""
        with self._errors("reading"):
            self._sync()
            conn = self._conn
            first, last = conn.execute("SELECT min(date), max(date) FROM statements").fetchone()
            speakers = conn.execute("SELECT count(DISTINCT speaker_id) FROM statements").fetchone()[0]
            cached = conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
            relations = conn.execute("SELECT count(*) FROM relations").fetchone()[0]
            index = self._vector_index()
            info = index.describe() if index is not None else {"kind": "exact", "vectors": 0, "file": None}
            size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
            return CorpusStats(
                path=str(self.path),
                size_bytes=size,
                schema_version=SCHEMA_VERSION,
                model_id=self.model_id,
                dimension=self.dimension,
                documents=int(self._meta_value("document_count") or 0),
                statements=len(self),
                speakers=int(speakers),
                first_date=_date(first),
                last_date=_date(last),
                cached_vectors=int(cached),
                relations=int(relations),
                index=info,
            )

    def export_jsonl(self, fh: IO[str], vectors: bool = True) -> int:
        """Write every document with its statements (and, by default, their vectors) as JSON
        lines (``export_record``) that ``verify corpus add`` reads back; returns the number of
        documents written."""
        count = 0
        with self._errors("exporting"):
            for document in self.documents():
                statements = list(self.statements(document.id))
                array = self.vectors_for([s.id for s in statements]) if vectors and statements else None
                record = export_record(document, statements, array, self.model_id if vectors else None)
                if vectors and not statements:
                    record["model_id"] = self.model_id
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        return count

    def check(self) -> list[str]:
        """SQLite's ``PRAGMA integrity_check`` plus the store's own counts; an empty list
        means all is well (slow on a large store: it reads every page)."""
        with self._errors("checking"):
            problems = [r[0] for r in self._conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
            problems += [f"foreign key: {tuple(r)}" for r in self._conn.execute("PRAGMA foreign_key_check")]
            count = self._conn.execute("SELECT count(*) FROM statements").fetchone()[0]
            if count != len(self):
                problems.append(f"statement count {len(self)} recorded, {count} stored")
            missing = self._conn.execute(
                "SELECT count(*) FROM statements s LEFT JOIN vectors v "
                "ON v.model_id = ? AND v.text_hash = s.text_hash WHERE v.rowid IS NULL",
                (self.model_id,),
            ).fetchone()[0]
            if missing:
                problems.append(f"{missing} statements without a vector")
        return problems


class _Connection:
    """The connection inside a write transaction, with a helper or two."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> sqlite3.Cursor:
        return self._conn.executemany(sql, rows)

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @property
    def total_changes(self) -> int:
        return self._conn.total_changes

    def executescript_in_transaction(self, script: str) -> None:
        # executescript() would COMMIT first; run the statements one by one instead
        for statement in script.split(";"):
            if statement.strip():
                self._conn.execute(statement)


def _cannot_open(exc: Exception) -> bool:
    """SQLite could not open the file as asked: in a folder this user cannot write to, a store
    in WAL mode cannot make its journal files (read it immutable instead)."""
    return "unable to open database file" in str(exc)


def _validate(path: Path) -> None:
    """Refuse (``NotAStoreError``) a file that is not a verify store, touching nothing."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotAStoreError(f"{path}: not a verify corpus store (not a SQLite database); it was left unchanged")
    try:
        _validate_tables(path, "mode=ro")
    except NotAStoreError as exc:
        if not _cannot_open(exc):
            raise
        _validate_tables(path, "immutable=1")  # a read-only folder: no journal files can be made


def _validate_tables(path: Path, mode: str) -> None:
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?" + mode
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open: {exc}") from None
    try:
        application = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if application == 0 and not tables:
            return  # a blank database (a store whose creation was interrupted): set up on open
        if application != APPLICATION_ID:
            raise NotAStoreError(
                f"{path}: not a verify corpus store (a SQLite database of another program); it was left unchanged"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path}: made by a newer verify (schema {version}; this one reads up to {SCHEMA_VERSION})"
            )
        missing = _TABLES - tables
        if version >= 1 and missing:
            raise NotAStoreError(
                f"{path}: damaged verify store (no {', '.join(sorted(missing))} table); it was left unchanged"
            )
        # read a little of every table so damage near the start shows now, not mid-write
        for table in sorted(_TABLES):
            conn.execute(
                f"SELECT * FROM {table} ORDER BY rowid DESC LIMIT 1" if table != "meta" else "SELECT * FROM meta"
            ).fetchall()
        conn.execute("SELECT count(*) FROM documents").fetchone()
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            return  # another process is writing; a store it is: the real open waits for it
        raise NotAStoreError(f"{path}: not a usable verify store ({exc}); it was left unchanged") from None
    except sqlite3.DatabaseError as exc:
        raise NotAStoreError(f"{path}: not a verify corpus store ({exc}); it was left unchanged") from None
    finally:
        conn.close()
