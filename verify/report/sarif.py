"""SARIF 2.1.0: one result per finding, so CI systems show findings inline.

Each verdict other than no-evidence is one result whose ``ruleId`` is the verdict label
(``contradicted``, ``self-contradiction`` ...).  ``level`` follows severity: ``error`` for
verdicts in ``fail_on``, ``warning`` for other contradicted/disputed ones, ``note`` for
supported and follow-up.  The location is the statement's content: the document's file
(relative to the working directory) and 1-based start/end line and column in Unicode code
points (``run.columnKind`` is ``unicodeCodePoints``; the end column is the one after the last
character).  Lines and columns are those of the original file when ``Document.origin_offset``
maps the text into it; otherwise they count within the extracted text and the result's
``properties.locationBasis`` is ``text``.  Evidence statements are ``relatedLocations``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .. import __version__
from ..types import CheckResult, Document, Statement, VerdictLabel
from .common import (
    FINDINGS,
    Locator,
    ReportOptions,
    artifact_uri,
    clean,
    document_lookup,
    one_line,
    relation_title,
    severity_level,
    shorten,
    speaker_kind_title,
    verdict_description,
    verdict_title,
)

__all__ = ["SARIF_SCHEMA_URI", "render_sarif", "sarif_log"]

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule(label: VerdictLabel, fail_on: frozenset[VerdictLabel]) -> dict[str, Any]:
    return {
        "id": label.value,
        "name": "".join(word.capitalize() for word in verdict_title(label).split("-")),  # SelfContradiction
        "shortDescription": {"text": f"{verdict_title(label)} statement"},
        "fullDescription": {"text": verdict_description(label)},
        "defaultConfiguration": {"level": severity_level(label, fail_on)},
        "properties": {"tags": ["fact-check", label.value]},
    }


def _region(locator: Locator, document: Document, statement: Statement) -> tuple[dict[str, Any], str]:
    where = locator.locate(document, statement.content_span)
    region = {
        "startLine": where.start_line,
        "startColumn": where.start_column,
        "endLine": where.end_line,
        "endColumn": where.end_column,
        "snippet": {"text": clean(statement.content)},
    }
    return region, where.basis


def _fingerprint(statement: Statement) -> str:
    key = f"{statement.speaker_id}\n{' '.join(statement.content.split()).lower()}"
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]


def sarif_log(result: CheckResult, options: ReportOptions | None = None) -> dict[str, Any]:
    """The SARIF log as plain data."""
    options = options or ReportOptions()
    documents = document_lookup(result)
    locator = Locator(options.base_dir)
    rules = [_rule(label, options.fail_on) for label in FINDINGS]
    rule_index = {label: i for i, label in enumerate(FINDINGS)}

    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}

    def artifact(document: Document) -> dict[str, Any]:
        uri = clean(artifact_uri(document, options.base_dir))
        if uri not in artifact_index:
            artifact_index[uri] = len(artifacts)
            entry: dict[str, Any] = {"location": {"uri": uri}}
            if document.title:
                entry["description"] = {"text": one_line(document.title)}
            artifacts.append(entry)
        return {"uri": uri, "index": artifact_index[uri]}

    for document in result.documents:
        artifact(document)

    results = []
    for verdict in result.verdicts:
        if verdict.label is VerdictLabel.NO_EVIDENCE:
            continue
        statement = verdict.statement
        when = statement.date.isoformat() if statement.date else "undated"
        text = (
            f"{verdict_title(verdict.label)}: {one_line(statement.speaker)} ({when}) said "
            f"\u201c{shorten(statement.content, 200)}\u201d."
        )
        if verdict.evidence:
            top = verdict.evidence[0]
            text += (
                f" Evidence {relation_title(top.relation.label)} it (p={top.relation.probability:.2f}): "
                f"{one_line(top.statement.speaker)} \u201c{shorten(top.statement.content, 160)}\u201d"
            )
            if top.relation.rationale:
                text += f" ({shorten(top.relation.rationale, 160)})"
        entry: dict[str, Any] = {
            "ruleId": verdict.label.value,
            "ruleIndex": rule_index[verdict.label],
            "level": severity_level(verdict.label, options.fail_on),
            "message": {"text": text},
            "partialFingerprints": {"verifyStatement/v1": _fingerprint(statement)},
            "properties": {
                "verdict": verdict.label.value,
                "confidence": round(verdict.confidence, 6),
                "statementId": statement.id,
                "speaker": one_line(statement.speaker),
                "speakerId": one_line(statement.speaker_id),
                "speakerKind": speaker_kind_title(statement.speaker_kind),
                "date": statement.date.isoformat() if statement.date else None,
            },
        }
        checked_document = documents.get(statement.document_id)
        if checked_document is not None:
            region, basis = _region(locator, checked_document, statement)
            entry["locations"] = [
                {"physicalLocation": {"artifactLocation": artifact(checked_document), "region": region}}
            ]
            entry["properties"]["locationBasis"] = basis
        related = []
        for number, evidence in enumerate(verdict.evidence, start=1):
            other = evidence.statement
            other_document = documents.get(other.document_id)
            label = (
                f"{relation_title(evidence.relation.label)} (p={evidence.relation.probability:.2f}): "
                f"{one_line(other.speaker)}, {other.date.isoformat() if other.date else 'undated'}: "
                f"\u201c{shorten(other.content, 200)}\u201d"
            )
            related_location: dict[str, Any] = {"id": number, "message": {"text": label}}
            if other_document is not None:
                region, _ = _region(locator, other_document, other)
                related_location["physicalLocation"] = {"artifactLocation": artifact(other_document), "region": region}
            related.append(related_location)
        if related:
            entry["relatedLocations"] = related
        results.append(entry)

    # inputs that could not be read were not analysed: the run exits 2, and says so here
    invocation: dict[str, Any] = {"executionSuccessful": not result.failures}
    if result.failures:
        invocation["exitCode"] = 2
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": clean(str(failure))}} for failure in result.failures
        ]
    stamp = options.stamp()
    if stamp is not None:
        invocation["endTimeUtc"] = stamp
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "verify",
                "semanticVersion": __version__,
                "version": __version__,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "artifacts": artifacts,
        "results": results,
        "properties": {"corpus": result.corpus, "models": dict(sorted(result.models.items()))},
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(result: CheckResult, options: ReportOptions | None = None) -> str:
    """The SARIF log as JSON text (sorted keys, final newline)."""
    return json.dumps(sarif_log(result, options), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
