"""What every report format shares: options, clean text, verdict wording, locations.

A location maps a ``Statement``'s character span to 1-based line and column numbers.  When
``Document.origin_offset`` is set and the original file can still be read (and still holds
the same text at that offset), the numbers are those of the original file; otherwise they
count within ``Document.text`` and ``Location.basis`` says so.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..types import CheckResult, Document, Span, SpeakerKind, Statement, Verdict, VerdictLabel

__all__ = [
    "DEFAULT_FAIL_ON",
    "FINDINGS",
    "Location",
    "Locator",
    "ReportOptions",
    "artifact_uri",
    "clean",
    "display_path",
    "document_lookup",
    "http_url",
    "is_finding",
    "one_line",
    "parse_fail_on",
    "relation_phrase",
    "relation_title",
    "relative_link",
    "safe_name",
    "serious_order",
    "severity_level",
    "shorten",
    "speaker_kind_title",
    "verdict_description",
    "verdict_title",
]

DEFAULT_FAIL_ON: frozenset[VerdictLabel] = frozenset({VerdictLabel.CONTRADICTED, VerdictLabel.SELF_CONTRADICTION})

#: Verdicts that count as a finding (everything but no-evidence).
FINDINGS: tuple[VerdictLabel, ...] = tuple(label for label in VerdictLabel if label is not VerdictLabel.NO_EVIDENCE)


@dataclass(frozen=True)
class ReportOptions:
    """How reports are written.

    title: heading of the HTML and Markdown reports (default: "Statement check" plus the
        first document's title when there is one document).
    generated_at: time stamp written into the reports' one time field (JSON ``generated_at``,
        HTML footer, SARIF invocation end time, JUnit ``timestamp``, ClaimReview
        ``datePublished``); ``None`` (default) writes no time at all, so two runs diff cleanly.
    fail_on: verdicts that are failures (JUnit failures, SARIF/GitHub errors); default
        contradicted and self-contradiction.
    reviewer: name of the organisation publishing the fact check (ClaimReview ``author``);
        default "verify".
    reviewer_url: its web address, when known (default ``None``).
    report_url: absolute URL where the HTML report will be published; ClaimReview ``url``
        becomes ``report_url#<statement anchor>``.  Default ``None``: a relative link to the
        HTML report file.
    max_evidence: evidence items shown per statement card in HTML (default 5; the JSON keeps all).
    max_lanes: speakers drawn in the HTML timeline (default 25, most involved first).
    base_dir: folder that file paths in SARIF, JUnit and annotations are made relative to
        (default: the current directory).
    """

    title: str | None = None
    generated_at: dt.datetime | None = None
    fail_on: frozenset[VerdictLabel] = DEFAULT_FAIL_ON
    reviewer: str = "verify"
    reviewer_url: str | None = None
    report_url: str | None = None
    max_evidence: int = 5
    max_lanes: int = 25
    base_dir: Path | None = None

    def stamp(self) -> str | None:
        """``generated_at`` as ISO 8601 UTC with a ``Z`` (seconds precision), or ``None``."""
        if self.generated_at is None:
            return None
        moment = self.generated_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_fail_on(value: str | Iterable[str] | None) -> frozenset[VerdictLabel]:
    """Verdict labels from ``"contradicted,self-contradiction"`` (or a list); ``None`` → default.

    Raises ``ValueError`` naming an unknown label.
    """
    if value is None:
        return DEFAULT_FAIL_ON
    items = value.split(",") if isinstance(value, str) else list(value)
    labels = set()
    for item in items:
        item = item.strip()
        if not item or item == "none":
            continue
        try:
            labels.add(VerdictLabel(item))
        except ValueError:
            known = ", ".join(label.value for label in VerdictLabel)
            raise ValueError(f"unknown verdict {item!r} (known: {known}, none)") from None
    return frozenset(labels)


# C0 controls except tab, newline and carriage return; DEL and C1 controls; lone
# surrogates; the two non-characters XML forbids.  None of them can appear in XML 1.0,
# and in HTML they are parse errors or invisible.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """``text`` as a string with control characters (and anything XML 1.0 forbids) removed."""
    if text is None:
        return ""
    value = text if isinstance(text, str) else str(text)
    if value.isprintable():  # fast path: nothing to remove
        return value
    return _CONTROL.sub("", value)


def one_line(text: object) -> str:
    """``clean(text)`` with every run of white space (newlines included) made one space."""
    return " ".join(clean(text).split())


def shorten(text: object, width: int) -> str:
    """``one_line(text)`` cut to at most ``width`` characters, ending with "…" when cut; the
    cut falls between words when one ends in the last fifth (no "contradicti…")."""
    line = one_line(text)
    if len(line) <= width:
        return line
    head = line[: max(1, width - 1)]
    space = head.rfind(" ")
    if space >= len(head) * 4 // 5 and not line[len(head)].isspace():
        head = head[:space]
    return head.rstrip() + "…"


_VERDICT_TITLES = {
    VerdictLabel.SELF_CONTRADICTION: "Self-contradiction",
    VerdictLabel.CONTRADICTED: "Contradicted",
    VerdictLabel.DISPUTED: "Disputed",
    VerdictLabel.SUPPORTED: "Supported",
    VerdictLabel.FOLLOW_UP: "Follow-up",
    VerdictLabel.NO_EVIDENCE: "No evidence",
}

_VERDICT_DESCRIPTIONS = {
    VerdictLabel.SELF_CONTRADICTION: "The same speaker said something that contradicts this statement at another time.",
    VerdictLabel.CONTRADICTED: "Statements by other sources contradict this statement.",
    VerdictLabel.DISPUTED: "Some statements support this statement and others contradict it.",
    VerdictLabel.SUPPORTED: "Statements by other sources support this statement.",
    VerdictLabel.FOLLOW_UP: "Other statements follow up on this one without supporting or contradicting it.",
    VerdictLabel.NO_EVIDENCE: "No related statement was found in the reference corpus.",
}

_RELATION_PHRASES = {
    "contradicts": "contradicts it",
    "supports": "supports it",
    "follows_up": "follows it up",
    "unrelated": "is unrelated to it",
}
_RELATION_TITLES = {
    "contradicts": "contradicts",
    "supports": "supports",
    "follows_up": "follows up",
    "unrelated": "unrelated",
}

_KIND_TITLES = {
    SpeakerKind.PERSON: "person",
    SpeakerKind.ORGANISATION: "organisation",
    SpeakerKind.GOVERNMENT: "government",
    SpeakerKind.ANONYMOUS: "anonymous source",
    SpeakerKind.GROUP: "group",
}


def verdict_title(label: VerdictLabel) -> str:
    """Human wording of a verdict ("Self-contradiction")."""
    return _VERDICT_TITLES[label]


def verdict_description(label: VerdictLabel) -> str:
    """One sentence saying what a verdict means."""
    return _VERDICT_DESCRIPTIONS[label]


def relation_title(label: object) -> str:
    """Human wording of a relation label ("follows up")."""
    value = getattr(label, "value", label)
    return _RELATION_TITLES.get(str(value), str(value))


def relation_phrase(label: object) -> str:
    """A relation as what the evidence does to the checked statement ("follows it up")."""
    value = str(getattr(label, "value", label))
    return _RELATION_PHRASES.get(value, f"{value} it")


def speaker_kind_title(kind: SpeakerKind) -> str:
    """Human wording of a speaker kind ("anonymous source")."""
    return _KIND_TITLES.get(kind, kind.value)


def is_finding(label: VerdictLabel) -> bool:
    """Whether a verdict is a finding (anything but no-evidence)."""
    return label is not VerdictLabel.NO_EVIDENCE


def severity_level(label: VerdictLabel, fail_on: frozenset[VerdictLabel] = DEFAULT_FAIL_ON) -> str:
    """``error`` (in ``fail_on``), ``warning`` (contradicted or disputed otherwise), ``note``, or ``none``."""
    if label in fail_on:
        return "error"
    if label in (VerdictLabel.SELF_CONTRADICTION, VerdictLabel.CONTRADICTED, VerdictLabel.DISPUTED):
        return "warning"
    if label is VerdictLabel.NO_EVIDENCE:
        return "none"
    return "note"


def serious_order(verdicts: Iterable[tuple[int, Verdict]]) -> list[tuple[int, Verdict]]:
    """(index, verdict) pairs, most serious first, then most confident, then input order."""
    return sorted(verdicts, key=lambda pair: (pair[1].label.severity, -round(pair[1].confidence, 6), pair[0]))


def document_lookup(result: CheckResult) -> dict[str, Document]:
    """Every document a report may mention, by id: evidence documents, then checked ones."""
    documents: dict[str, Document] = dict(result.evidence_documents)
    for verdict in result.verdicts:
        for evidence in verdict.evidence:
            if evidence.document is not None:
                documents.setdefault(evidence.document.id, evidence.document)
    for document in result.documents:
        documents[document.id] = document
    return documents


def display_path(document: Document | None, base_dir: Path | None = None) -> str:
    """A document's origin as a person would type it: a path relative to ``base_dir`` (default:
    the current directory) when it is a local file inside it, else the origin, URL or id."""
    if document is None:
        return "unknown"
    origin = document.origin
    if origin and _is_url(origin):
        return origin
    if origin and not origin.startswith("<"):
        path = Path(origin)
        if path.is_absolute():
            base = (base_dir or Path.cwd()).resolve()
            try:
                return path.resolve().relative_to(base).as_posix()
            except ValueError:
                return path.as_posix()
        return path.as_posix()
    return document.url or origin or document.id


def artifact_uri(document: Document | None, base_dir: Path | None = None) -> str:
    """A URI reference naming a document's file: a (percent-encoded) path relative to
    ``base_dir`` when the origin is a local file inside it, a ``file:`` URI for other local
    files, the URL for web origins, else ``document/<id>``."""
    if document is None:
        return "document/unknown"
    origin = document.origin
    if origin and _is_url(origin):
        return origin
    if origin and not origin.startswith("<"):
        shown = display_path(document, base_dir)
        if Path(shown).is_absolute():
            return Path(shown).as_uri()
        return quote(shown, safe="/:@-._~!$&'()*+,;=")
    if document.url:
        return document.url
    return f"document/{document.id}"


def http_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL, else ``None``: a ``javascript:`` or ``data:``
    URL from an article never becomes a link in any report."""
    if not url:
        return None
    url = one_line(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _is_url(text: str) -> bool:
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text) is not None


@dataclass(frozen=True)
class Location:
    """Where a span lies: 1-based lines and columns; the end column is the one after the last
    character (as SARIF counts).  basis: ``file`` (the original file) or ``text``
    (``Document.text``, when the file cannot be mapped)."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    basis: str


@dataclass
class _Mapped:
    text: str
    offset: int
    basis: str
    line_starts: list[int] = field(default_factory=list)


class Locator:
    """Maps statement spans to line/column locations, reading each original file at most once.

    base_dir: folder relative origins are resolved against (default: the current directory).
    """

    def __init__(self, base_dir: Path | None = None) -> None:
        self.base_dir = base_dir
        self._cache: dict[str, _Mapped] = {}

    def _mapped(self, document: Document) -> _Mapped:
        cached = self._cache.get(document.id)
        if cached is not None:
            return cached
        mapped = _Mapped(document.text, 0, "text")
        if document.origin_offset is not None and document.origin and not document.origin.startswith("<"):
            path = Path(document.origin)
            if not path.is_absolute() and self.base_dir is not None:
                path = self.base_dir / path
            raw = _read_original(path)
            start = document.origin_offset
            if raw is not None and raw[start : start + len(document.text)] == document.text:
                mapped = _Mapped(raw, start, "file")
        starts = [0]
        starts.extend(match.end() for match in re.finditer("\n", mapped.text))
        mapped.line_starts = starts
        self._cache[document.id] = mapped
        return mapped

    def locate(self, document: Document, span: Span) -> Location:
        """Lines and columns of ``span`` (offsets into ``document.text``)."""
        mapped = self._mapped(document)
        start_line, start_column = _line_column(mapped.line_starts, mapped.offset + span.start)
        end_line, end_column = _line_column(mapped.line_starts, mapped.offset + span.end)
        return Location(start_line, start_column, end_line, end_column, mapped.basis)

    def statement_location(self, statement: Statement, documents: Mapping[str, Document]) -> Location | None:
        """Location of a statement's content, or ``None`` when its document is unknown."""
        document = documents.get(statement.document_id)
        if document is None:
            return None
        return self.locate(document, statement.content_span)


def _line_column(line_starts: list[int], offset: int) -> tuple[int, int]:
    index = bisect.bisect_right(line_starts, offset) - 1
    return index + 1, offset - line_starts[index] + 1


def _read_original(path: Path) -> str | None:
    try:
        from ..ingest import normalise_newlines, read_text_file

        if not path.is_file():
            return None
        # line ends as ingest read them; its encoding warning was given when it was checked
        return normalise_newlines(read_text_file(path, warn=False))
    except Exception:  # noqa: BLE001 - an unreadable original only loses file line numbers
        return None


def safe_name(name: str) -> str:
    """A report base name usable as a file name ("2022-03-31 ukraine" → "2022-03-31-ukraine")."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", one_line(name)).strip("-.")
    return cleaned[:120] or "report"


def relative_link(target: str | None, output_dir: Path | None, base_dir: Path | None = None) -> str | None:
    """A relative link from a report in ``output_dir`` to a local file ``target``, or ``None``."""
    if not target or target.startswith("<") or "://" in target or output_dir is None:
        return None
    path = Path(target)
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    if not path.is_file():
        return None
    try:
        rel = os.path.relpath(path.resolve(), output_dir.resolve())
    except ValueError:
        return None
    return quote(Path(rel).as_posix(), safe="/:@-._~!$&'()*+,;=")
