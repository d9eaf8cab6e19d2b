"""The one module that runs the stages together: ingest → extract → embed → corpus → ….

Every other module knows only the stages before it; this one composes them.

Corpus building (``add_to_corpus``): sources are read (files, folders, JSONL exports of a
store), documents already stored are skipped before any work, the rest are extracted and
embedded (vectors cached in the store are reused, so nothing is embedded twice) and stored
in batches, one transaction per batch: a document is stored whole or not at all, and
re-adding is a no-op.  One bad input is one ``InputFailure``; the rest still runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .embed import Embedder, embed_text, text_hash
from .errors import InputError, StoreError, VerifyError
from .ingest import (
    NO_ARTICLE_FILES,
    article_files,
    document_from_record,
    iter_json_lines,
    load_path,
    looks_like_url,
    read_text_file,
)
from .store import EXPORT_FORMAT, Corpus, is_export_record, read_export_record
from .types import CheckResult, Document, InputFailure, Statement

if TYPE_CHECKING:  # pragma: no cover
    from .classify import Relater

__all__ = [
    "AddSummary",
    "StatementExtractor",
    "add_to_corpus",
    "article_files",
    "check",
    "iter_corpus_inputs",
    "search_text",
]

log = logging.getLogger("verify")

_JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})


class StatementExtractor(Protocol):
    """Anything with ``extract(document) -> list[Statement]`` (``verify.extract.Extractor``)."""

    def extract(self, document: Document) -> list[Statement]: ...


@dataclass
class AddSummary:
    """What ``add_to_corpus`` did.

    documents_added / statements_added: newly stored.
    documents_skipped: already in the store (or read twice), left unchanged.
    vectors_embedded: texts run through the model; vectors_reused: statements whose vector
        came from the store's cache or from an export file.
    failures: inputs that could not be read, extracted or stored, each with its reason.
    seconds: wall time.
    """

    documents_added: int = 0
    statements_added: int = 0
    documents_skipped: int = 0
    vectors_embedded: int = 0
    vectors_reused: int = 0
    failures: list[InputFailure] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "documents_added": self.documents_added,
            "statements_added": self.statements_added,
            "documents_skipped": self.documents_skipped,
            "vectors_embedded": self.vectors_embedded,
            "vectors_reused": self.vectors_reused,
            "failures": [{"origin": f.origin, "message": f.message} for f in self.failures],
            "seconds": round(self.seconds, 3),
        }


@dataclass
class _Input:
    """A document to store, with statements and vectors when an export file carried them."""

    document: Document
    statements: list[Statement] | None = None
    vectors: np.ndarray | None = None
    model_id: str | None = None


def _read_jsonl(path: Path) -> Iterator[_Input | InputFailure]:
    origin = str(path)
    try:
        raw = read_text_file(path)
    except InputError as exc:
        yield InputFailure(exc.origin, exc.message)
        return
    for item in iter_json_lines(raw, origin):
        if isinstance(item, InputFailure):
            yield item
            continue
        where, record = item
        try:
            version = record.get("format") if isinstance(record, dict) else None
            if isinstance(version, str) and version.startswith("verify-corpus/") and not is_export_record(record):
                raise ValueError(f"a corpus export of format {version!r}; this verify reads {EXPORT_FORMAT!r}")
            if is_export_record(record):
                document, statements, vectors, model_id = read_export_record(record)
                yield _Input(replace(document, origin=document.origin or where), statements, vectors, model_id)
            else:
                yield _Input(document_from_record(record, where))
        except InputError as exc:
            yield InputFailure(exc.origin, exc.message)
        except ValueError as exc:
            yield InputFailure(where, str(exc))


def _read_path(path: Path) -> Iterator[_Input | InputFailure]:
    if path.is_file() and path.suffix.lower() in _JSONL_SUFFIXES:
        yield from _read_jsonl(path)
        return
    for item in load_path(path):
        yield item if isinstance(item, InputFailure) else _Input(item)


def iter_corpus_inputs(sources: Iterable[str | Path | Document | InputFailure]) -> Iterator[_Input | InputFailure]:
    """What ``add_to_corpus`` reads: ``Document``s and ``InputFailure``s (from the web
    fetcher, say) as given; files through ``verify.ingest``, except that a line of a corpus
    export (``Corpus.export_jsonl``) keeps its statements and vectors; folders through
    ``article_files``."""
    for source in sources:
        if isinstance(source, Document):
            yield _Input(source)
            continue
        if isinstance(source, InputFailure):
            yield source
            continue
        if isinstance(source, str) and looks_like_url(source):  # not fetched here: one line naming it as given
            yield from (item if isinstance(item, InputFailure) else _Input(item) for item in load_path(source))
            continue
        path = Path(source)
        if path.is_dir():
            files = article_files(path)
            if not files:
                yield InputFailure(str(path), NO_ARTICLE_FILES)
            for file in files:
                yield from _read_path(file)
        else:
            yield from _read_path(path)


def _batches(items: Iterable[_Input | InputFailure], size: int) -> Iterator[tuple[list[_Input], list[InputFailure]]]:
    batch: list[_Input] = []
    failures: list[InputFailure] = []
    for item in items:
        if isinstance(item, InputFailure):
            failures.append(item)
        else:
            batch.append(item)
        if len(batch) >= size:
            yield batch, failures
            batch, failures = [], []
    if batch or failures:
        yield batch, failures


def _origin(document: Document) -> str:
    return document.origin or document.url or document.id


def _extract_batch(
    inputs: list[_Input], extractor: StatementExtractor
) -> tuple[list[tuple[_Input, list[Statement]]], list[InputFailure]]:
    """Statements of each input; an input whose extraction fails becomes a failure."""
    done: list[tuple[_Input, list[Statement]]] = []
    failures: list[InputFailure] = []
    todo = [item for item in inputs if item.statements is None]
    found: dict[str, list[Statement]] = {}
    many = getattr(extractor, "extract_many", None)
    if callable(many) and len(todo) > 1:
        try:
            for document, statements in many([item.document for item in todo]):
                found[document.id] = list(statements)
        except Exception:  # one bad document spoils the batch: fall back to one at a time
            log.debug("batch extraction failed; extracting one document at a time", exc_info=True)
            found = {}
    for item in inputs:
        if item.statements is not None:
            done.append((item, item.statements))
            continue
        if item.document.id in found:
            done.append((item, found[item.document.id]))
            continue
        try:
            done.append((item, list(extractor.extract(item.document))))
        except VerifyError as exc:
            failures.append(InputFailure(_origin(item.document), str(exc)))
        except Exception as exc:  # an extractor bug must not stop the other documents
            log.debug("extraction of %s failed", _origin(item.document), exc_info=True)
            failures.append(InputFailure(_origin(item.document), f"extraction failed: {type(exc).__name__}: {exc}"))
    return done, failures


def _embed_batch(
    extracted: list[tuple[_Input, list[Statement]]], corpus: Corpus, embedder: Embedder, summary: AddSummary
) -> tuple[list[tuple[Document, list[Statement], np.ndarray]], list[list[str]]]:
    """Vectors for every statement: from an export file (same model), the store's cache, or
    the embedder (each distinct text once)."""
    model_id = embedder.model_id
    per_item_hashes: list[list[str]] = []
    texts: dict[str, str] = {}
    known: dict[str, np.ndarray] = {}
    for item, statements in extracted:
        hashes = []
        for index, statement in enumerate(statements):
            text = embed_text(statement)
            key = text_hash(text)
            hashes.append(key)
            if item.vectors is not None and item.model_id == model_id and item.vectors.shape[1] == embedder.dimension:
                known.setdefault(key, item.vectors[index])
            texts.setdefault(key, text)
        per_item_hashes.append(hashes)
    wanted = [key for key in texts if key not in known]
    cached = corpus.cached_vectors(model_id, wanted) if wanted else {}
    missing = [key for key in wanted if key not in cached]
    fresh: dict[str, np.ndarray] = {}
    if missing:
        vectors = embedder.embed([texts[key] for key in missing])
        fresh = dict(zip(missing, vectors))
        summary.vectors_embedded += len(missing)
    lookup = {**cached, **known, **fresh}
    summary.vectors_reused += sum(len(hashes) for hashes in per_item_hashes) - len(missing)
    items = []
    for (item, statements), hashes in zip(extracted, per_item_hashes):
        array = (
            np.stack([lookup[key] for key in hashes]).astype(np.float32)
            if hashes
            else np.zeros((0, embedder.dimension), dtype=np.float32)
        )
        items.append((item.document, statements, array))
    return items, per_item_hashes


def add_to_corpus(
    sources: Iterable[str | Path | Document | InputFailure],
    corpus: Corpus,
    extractor: StatementExtractor,
    embedder: Embedder,
    batch_size: int = 32,
    on_batch: Callable[[AddSummary], None] | None = None,
    update_index: bool = True,
) -> AddSummary:
    """Read, extract, embed and store documents; returns what was done.

    sources: paths of files or folders (see ``iter_corpus_inputs``), ``Document``s, or
        ``InputFailure``s to report (``verify.fetch.iter_web_documents`` yields both).
    corpus: the open store.  extractor: ``.extract(document)`` (and, when it has one,
        ``.extract_many(documents)`` for speed).  embedder: its model must be the store's.
    batch_size: documents per transaction (default 32): a killed run loses at most the
        batch in progress, and never leaves part of a document.
    on_batch: called with the running summary after each batch (default ``None``).
    update_index: bring the approximate index file up to date at the end (default ``True``;
        does nothing below the ``ann_threshold``).
    Raises ``StoreError`` when the store holds another model's vectors, and whatever the
    embedder raises (``ModelError``); bad inputs are failures in the summary instead.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if corpus.model_id is not None and corpus.model_id != embedder.model_id:
        raise StoreError(
            f"{corpus.path}: this store holds vectors of model {corpus.model_id!r}, not {embedder.model_id!r}; "
            "use that model or another store"
        )
    started = time.perf_counter()
    summary = AddSummary()
    seen: set[str] = set()
    for inputs, failures in _batches(iter_corpus_inputs(sources), batch_size):
        summary.failures.extend(failures)
        stored = corpus.has_documents([item.document.id for item in inputs]) if inputs else set()
        todo = []
        for item in inputs:
            if item.document.id in stored or item.document.id in seen:
                summary.documents_skipped += 1
                continue
            seen.add(item.document.id)
            todo.append(item)
        if todo:
            extracted, failed = _extract_batch(todo, extractor)
            summary.failures.extend(failed)
            items, hashes = _embed_batch(extracted, corpus, embedder, summary)
            if items:
                result = corpus.add_documents(items, model_id=embedder.model_id, text_hashes=hashes)
                summary.documents_added += result.documents
                summary.statements_added += result.statements
                summary.documents_skipped += result.skipped  # another process stored it meanwhile
        summary.seconds = time.perf_counter() - started
        if on_batch is not None:
            on_batch(summary)
    if update_index:
        corpus.update_index()
    summary.seconds = time.perf_counter() - started
    return summary


def search_text(
    corpus: Corpus,
    text: str,
    embedder: Embedder,
    k: int = 10,
    speaker_id: str | None = None,
    since: Any = None,
    until: Any = None,
) -> list[tuple[Statement, float]]:
    """Corpus statements nearest to ``text`` (embedded with ``embedder``, which must be the
    store's model); ``k`` (default 10) and the filters as in ``Corpus.search``."""
    if corpus.model_id is not None and corpus.model_id != embedder.model_id:
        raise StoreError(
            f"{corpus.path}: this store holds vectors of model {corpus.model_id!r}, not {embedder.model_id!r}"
        )
    vector = embedder.embed([" ".join(text.split())])[0]
    result: list[tuple[Statement, float]] = corpus.search(vector, k=k, speaker_id=speaker_id, since=since, until=until)
    return result


# ---------------------------------------------------------------------------------------------
# Checking articles against the corpus (relate → verdicts) goes below.
# ---------------------------------------------------------------------------------------------


# Statements of one document share the story, so a lower similarity than across documents
# still makes a candidate; below this, only a link in the text (a named speaker, a "But")
# makes one.
SAME_DOCUMENT_MIN_SIMILARITY = 0.2
# Statements the extractor is less sure of than this are listed but compared with nothing: a
# content that only names a subject ("criticized the trade", ``extract.TOPIC_ONLY_CONFIDENCE``)
# makes no claim, and its neighbours share only the subject.
MIN_CLAIM_CONFIDENCE = 0.4


def _makes_claim(statement: Statement) -> bool:
    """Whether a statement is compared with others (see ``MIN_CLAIM_CONFIDENCE``)."""
    return statement.confidence >= MIN_CLAIM_CONFIDENCE


def _candidate_pairs(
    statements: Sequence[Statement],
    vectors: np.ndarray,
    same_document: int,
    neighbours: int,
    min_similarity: float,
) -> dict[tuple[int, int], float]:
    """Pairs (checked index, evidence index) among the checked statements, with similarity.

    Within a document: the ``same_document`` most similar others at or above
    ``SAME_DOCUMENT_MIN_SIMILARITY``, plus those the text ties to it (``features.linked``)
    whatever their similarity; across checked documents: up to ``neighbours`` others at or
    above ``min_similarity``.  Pairs are made symmetric (scoring both ways costs nothing
    more, see ``Relater.score_pairs``).  Statements under ``MIN_CLAIM_CONFIDENCE`` are in no pair.
    """
    from .features import linked

    pairs: dict[tuple[int, int], float] = {}
    if len(statements) < 2:
        return pairs
    similarity = vectors @ vectors.T
    claims = [j for j, st in enumerate(statements) if _makes_claim(st)]
    for i in claims:
        statement = statements[i]
        same = [j for j in claims if j != i and statements[j].document_id == statement.document_id]
        other = [j for j in claims if statements[j].document_id != statement.document_id]
        same.sort(key=lambda j: (-similarity[i, j], statements[j].id))
        other.sort(key=lambda j: (-similarity[i, j], statements[j].id))
        near = [j for j in same if similarity[i, j] >= SAME_DOCUMENT_MIN_SIMILARITY]
        chosen = near[:same_document] + [
            j for j in same if j not in near[:same_document] and linked(statement, statements[j])
        ]
        chosen += [j for j in other if similarity[i, j] >= min_similarity][:neighbours]
        for j in chosen:
            for key in ((i, j), (j, i)):
                pairs[key] = float(similarity[key])
    return pairs


def _statement_vectors(statements: Sequence[Statement], embedder: Embedder, corpus: Corpus | None) -> np.ndarray:
    """Vectors of the statements' texts: from the store's cache when it has them, else embedded."""
    if not statements:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    texts = {text_hash(embed_text(st)): embed_text(st) for st in statements}
    cached = corpus.cached_vectors(embedder.model_id, list(texts)) if corpus is not None else {}
    missing = [key for key in texts if key not in cached]
    fresh = dict(zip(missing, embedder.embed([texts[key] for key in missing]))) if missing else {}
    lookup = {**cached, **fresh}
    return np.stack([np.asarray(lookup[text_hash(embed_text(st))], dtype=np.float32) for st in statements])


def check(
    sources: Iterable[str | Path | Document | InputFailure],
    extractor: StatementExtractor,
    embedder: Embedder,
    relater: Relater,
    corpus: Corpus | None = None,
    neighbours: int = 10,
    same_document: int = 6,
    min_similarity: float = 0.35,
    min_confidence: float = 0.5,
    per_source: bool = True,
) -> CheckResult:
    """Check articles: their statements against each other and against a corpus.

    sources: paths, ``Document``s or ``InputFailure``s, as for ``add_to_corpus``.
    extractor / embedder: as for ``add_to_corpus`` (the embedder must be the store's model).
    relater: a ``verify.classify.Relater`` (pair scorer + relation classifier).
    corpus: the reference store (default ``None``: the inputs are checked among themselves).
    neighbours: corpus statements (and statements of other checked documents) compared per
        statement, at most (default 10, the ``neighbours`` setting).
    same_document: most similar statements of the same document compared per statement
        (default 6, similarity at least ``SAME_DOCUMENT_MIN_SIMILARITY``), plus every
        statement the text ties to it (it names the speaker, or the writer contrasts the two).
    min_similarity: cosine below which a corpus or other-document statement is not a
        candidate (default 0.35).
    min_confidence: relations below this probability are not evidence (default 0.5).
    per_source: one position per source (document and speaker), its strongest relation
        (default True; ``verify.stance``); False: every relation counts on its own.
    Returns a ``CheckResult`` with one verdict per statement, documents in input order;
    inputs that cannot be read or extracted are ``failures``.  The same inputs give the
    same result run after run.
    """
    from .verdicts import build_verdicts

    if corpus is not None and corpus.model_id is not None and corpus.model_id != embedder.model_id:
        raise StoreError(
            f"{corpus.path}: this store holds vectors of model {corpus.model_id!r}, not {embedder.model_id!r}"
        )
    failures: list[InputFailure] = []
    inputs: list[_Input] = []
    for item in iter_corpus_inputs(sources):
        if isinstance(item, InputFailure):
            failures.append(item)
        else:
            inputs.append(item)
    seen: set[str] = set()
    unique = []
    for item in inputs:
        if item.document.id not in seen:
            seen.add(item.document.id)
            unique.append(item)
    extracted, failed = _extract_batch(unique, extractor)
    failures.extend(failed)
    documents = [item.document for item, _ in extracted]
    statements = [st for _, sts in extracted for st in sorted(sts, key=lambda s: (s.content_span.start, s.id))]
    vectors = _statement_vectors(statements, embedder, corpus)

    pairs = _candidate_pairs(statements, vectors, same_document, neighbours, min_similarity)
    evidence: dict[str, Statement] = {st.id: st for st in statements}
    pair_list: list[tuple[Statement, Statement]] = []
    cosines: list[float] = []
    for (i, j), similarity in sorted(pairs.items()):
        pair_list.append((statements[i], statements[j]))
        cosines.append(similarity)

    corpus_documents: dict[str, Document] = {}
    if corpus is not None and statements and len(corpus):
        checked_ids = {st.id for st in statements}
        checked_docs = {d.id for d in documents}
        claims = [i for i, st in enumerate(statements) if _makes_claim(st)]
        hits = corpus.search(vectors[claims], k=neighbours + len(statements)) if claims else []
        for statement, found in zip((statements[i] for i in claims), hits):
            kept = 0
            for other, score in found:
                if kept >= neighbours or score < min_similarity:
                    break
                if other.id in checked_ids or other.document_id in checked_docs or not _makes_claim(other):
                    continue
                evidence[other.id] = other
                pair_list.append((statement, other))
                cosines.append(float(score))
                kept += 1
        for document_id in sorted({evidence[st_id].document_id for st_id in evidence} - checked_docs):
            document = corpus.get_document(document_id)
            if document is not None:
                corpus_documents[document_id] = document

    relations = relater.relate(pair_list, cosines)
    all_documents = {d.id: d for d in documents} | corpus_documents
    verdicts = build_verdicts(statements, relations, evidence, all_documents, min_confidence, per_source)
    models = {"embedder": embedder.model_id, "scorer": relater.scorer.name}
    trained_on = getattr(relater.classifier, "metadata_", {}).get("scorer")
    if trained_on:
        models["relation_model"] = f"relation-model ({trained_on}, {relater.text_mode})"
    return CheckResult(
        documents=tuple(documents),
        verdicts=tuple(verdicts),
        failures=tuple(failures),
        corpus=str(corpus.path) if corpus is not None else None,
        models=models,
        evidence_documents=corpus_documents,
    )
