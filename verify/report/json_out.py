"""The JSON report: every verdict with its evidence, in a stable, versioned shape.

The shape is described by ``verify/schemas/verify-report-1.schema.json`` (JSON Schema
2020-12).  Keys are sorted, lists keep a fixed order (documents and verdicts in input
order, evidence strongest first, evidence documents by id), numbers are rounded to six
decimals, and the only time in the file is the optional top-level ``generated_at``, so two
runs over the same input produce the same bytes.

``schema_version`` follows MAJOR.MINOR: a new optional field raises MINOR, anything that
can break a reader raises MAJOR (and the schema file name).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .. import __version__
from ..types import CheckResult, Document, VerdictLabel
from .common import Locator, ReportOptions, artifact_uri, document_lookup, is_finding

__all__ = ["SCHEMA_FILE", "SCHEMA_VERSION", "render_json", "report_dict"]

SCHEMA_VERSION = "1.0"
SCHEMA_FILE = "verify-report-1.schema.json"

_SURROGATE = re.compile("[\ud800-\udfff]")


def _stable(value: Any) -> Any:
    """Round floats, drop non-finite numbers, replace unencodable lone surrogates."""
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    if isinstance(value, str):
        return value if value.isprintable() else _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {str(_stable(k)): _stable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    return value


def _document(document: Document) -> dict[str, Any]:
    data = document.to_dict()
    data.pop("text", None)
    data["characters"] = len(document.text)
    return data


def report_dict(result: CheckResult, options: ReportOptions | None = None) -> dict[str, Any]:
    """The JSON report as plain data (see the module docstring and the schema file)."""
    options = options or ReportOptions()
    documents = document_lookup(result)
    locator = Locator(options.base_dir)
    counts = {label.value: 0 for label in VerdictLabel}
    verdicts = []
    for verdict in result.verdicts:
        counts[verdict.label.value] += 1
        document = documents.get(verdict.statement.document_id)
        location = None
        if document is not None:
            where = locator.locate(document, verdict.statement.content_span)
            location = {
                "uri": artifact_uri(document, options.base_dir),
                "start_line": where.start_line,
                "start_column": where.start_column,
                "end_line": where.end_line,
                "end_column": where.end_column,
                "basis": where.basis,
            }
        verdicts.append(
            {
                "statement": verdict.statement.to_dict(),
                "label": verdict.label.value,
                "severity": verdict.label.severity,
                "confidence": verdict.confidence,
                "failing": verdict.label in options.fail_on,
                "location": location,
                "evidence": [
                    {
                        "relation": evidence.relation.to_dict(),
                        "statement": evidence.statement.to_dict(),
                        "document_id": evidence.statement.document_id,
                    }
                    for evidence in verdict.evidence
                ],
            }
        )
    checked_ids = {document.id for document in result.documents}
    evidence_ids = sorted(
        {e.statement.document_id for v in result.verdicts for e in v.evidence} | set(result.evidence_documents)
    )
    data: dict[str, Any] = {
        "format": "verify-report",
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "verify", "version": __version__},
        "corpus": result.corpus,
        "models": dict(result.models),
        "fail_on": [label.value for label in VerdictLabel if label in options.fail_on],
        "summary": {
            "documents": len(result.documents),
            "statements": len(result.verdicts),
            "speakers": len({v.statement.speaker_id for v in result.verdicts}),
            "findings": sum(1 for v in result.verdicts if is_finding(v.label)),
            "failing": sum(1 for v in result.verdicts if v.label in options.fail_on),
            "failures": len(result.failures),
            "verdicts": counts,
        },
        "documents": [_document(document) for document in result.documents],
        "evidence_documents": [
            _document(documents[doc_id]) for doc_id in evidence_ids if doc_id in documents and doc_id not in checked_ids
        ],
        "verdicts": verdicts,
        "failures": [{"origin": failure.origin, "message": failure.message} for failure in result.failures],
    }
    stamp = options.stamp()
    if stamp is not None:
        data["generated_at"] = stamp
    return _stable(data)  # type: ignore[no-any-return]


def render_json(result: CheckResult, options: ReportOptions | None = None) -> str:
    """The JSON report as text: sorted keys, two-space indent, UTF-8, final newline."""
    return (
        json.dumps(report_dict(result, options), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    )
