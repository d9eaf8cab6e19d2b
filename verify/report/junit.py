"""JUnit XML: one test suite per checked document, one test case per statement.

A statement whose verdict is in ``fail_on`` (default contradicted and self-contradiction) is
a ``<failure>``; a statement with no evidence is ``<skipped>`` (nothing to check it by);
every other verdict passes.  An input that could not be processed is an ``<error>`` test
case in a suite named "inputs".  Counts on ``<testsuites>`` and each ``<testsuite>`` add up.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..types import CheckResult, Document, Verdict, VerdictLabel
from .common import (
    Locator,
    ReportOptions,
    artifact_uri,
    clean,
    document_lookup,
    one_line,
    relation_phrase,
    relation_title,
    shorten,
    speaker_kind_title,
    verdict_title,
)

__all__ = ["junit_counts", "render_junit"]


def _details(verdict: Verdict) -> str:
    statement = verdict.statement
    lines = [
        f"verdict: {verdict.label.value} (confidence {verdict.confidence:.2f})",
        f"speaker: {one_line(statement.speaker)} [{speaker_kind_title(statement.speaker_kind)}]",
        f"date: {statement.date.isoformat() if statement.date else 'unknown'}",
        f"statement: {one_line(statement.content)}",
    ]
    for evidence in verdict.evidence:
        other = evidence.statement
        when = other.date.isoformat() if other.date else "undated"
        lines.append(
            f"- {relation_title(evidence.relation.label)} (p={evidence.relation.probability:.2f}): "
            f"{one_line(other.speaker)}, {when}: {one_line(other.content)}"
        )
        if evidence.relation.rationale:
            lines.append(f"  why: {one_line(evidence.relation.rationale)}")
    return clean("\n".join(lines))


def _suite_name(document: Document | None, fallback: str) -> str:
    if document is None:
        return fallback
    return one_line(document.title or document.origin or document.id)


def render_junit(result: CheckResult, options: ReportOptions | None = None) -> str:
    """The JUnit XML report as text (UTF-8, with an XML declaration)."""
    options = options or ReportOptions()
    documents = document_lookup(result)
    locator = Locator(options.base_dir)
    stamp = options.stamp()

    groups: dict[str, list[Verdict]] = {document.id: [] for document in result.documents}
    for verdict in result.verdicts:
        groups.setdefault(verdict.statement.document_id, []).append(verdict)

    root = ET.Element("testsuites", name="verify")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suites: list[tuple[ET.Element, dict[str, int]]] = []
    for document_id, verdicts in groups.items():
        document = documents.get(document_id)
        suite = ET.SubElement(root, "testsuite", name=_suite_name(document, document_id))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if document is not None:
            props = ET.SubElement(suite, "properties")
            for key, value in (
                ("document.id", document.id),
                ("document.url", document.url),
                ("document.source", document.source),
            ):
                if value:
                    ET.SubElement(props, "property", name=key, value=one_line(value))
        uri = artifact_uri(document, options.base_dir)
        for verdict in verdicts:
            statement = verdict.statement
            case = ET.SubElement(
                suite,
                "testcase",
                name=shorten(f"{statement.speaker}: {statement.content}", 160),
                classname=f"verify.{one_line(statement.speaker_id) or 'unknown'}",
            )
            case.set("file", clean(uri))
            if document is not None:
                case.set("line", str(locator.locate(document, statement.content_span).start_line))
            counts["tests"] += 1
            message = f"{verdict_title(verdict.label)} (confidence {verdict.confidence:.2f})"
            if verdict.evidence:
                top = verdict.evidence[0]
                message += (
                    f": {one_line(top.statement.speaker)} {relation_phrase(top.relation.label)}:"
                    f" \u201c{shorten(top.statement.content, 120)}\u201d"
                )
            if verdict.label in options.fail_on:
                failure = ET.SubElement(case, "failure", message=clean(message), type=verdict.label.value)
                failure.text = _details(verdict)
                counts["failures"] += 1
            elif verdict.label is VerdictLabel.NO_EVIDENCE:
                ET.SubElement(case, "skipped", message="no evidence found")
                counts["skipped"] += 1
            else:
                out = ET.SubElement(case, "system-out")
                out.text = _details(verdict)
        suites.append((suite, counts))

    if result.failures:
        suite = ET.SubElement(root, "testsuite", name="inputs")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for item in result.failures:
            case = ET.SubElement(suite, "testcase", name=one_line(item.origin), classname="verify.inputs")
            error = ET.SubElement(case, "error", message=one_line(item.message), type="input")
            error.text = clean(str(item))
            counts["tests"] += 1
            counts["errors"] += 1
        suites.append((suite, counts))

    for suite, counts in suites:
        for key in ("tests", "failures", "errors", "skipped"):
            suite.set(key, str(counts[key]))
            totals[key] += counts[key]
        if stamp is not None:
            suite.set("timestamp", stamp.rstrip("Z"))
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def junit_counts(xml_text: str | bytes) -> dict[str, int]:
    """``tests``/``failures``/``errors``/``skipped`` totals of a JUnit document (for checks)."""
    root = ET.fromstring(xml_text)
    return {key: int(root.get(key, "0")) for key in ("tests", "failures", "errors", "skipped")}
