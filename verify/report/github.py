"""GitHub Actions workflow-command annotations, printed on stdout when ``GITHUB_ACTIONS=true``.

One line per finding that matters to a reviewer: ``::error`` for verdicts in ``fail_on``,
``::warning`` for other contradicted or disputed statements (supported, follow-up and
no-evidence statements are not annotated).  Each line names the file and the 1-based
line/column range of the statement's content, so GitHub shows it on the pull request diff.

Escaping follows the runner: in the message ``%``, CR and LF become ``%25``, ``%0D``, ``%0A``;
in properties ``:`` and ``,`` also become ``%3A`` and ``%2C``.  So every annotation is
exactly one line, and text from an article can never start a workflow command of its own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

from ..types import CheckResult
from .common import (
    Locator,
    ReportOptions,
    clean,
    display_path,
    document_lookup,
    one_line,
    relation_title,
    severity_level,
    shorten,
    verdict_title,
)

__all__ = ["escape_data", "escape_property", "github_annotations", "in_github_actions", "write_annotations"]


def escape_data(text: str) -> str:
    """Escape a workflow-command message."""
    return clean(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value (file, title ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def in_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    """Whether we run inside GitHub Actions (``GITHUB_ACTIONS=true``; default: ``os.environ``)."""
    environ = os.environ if environ is None else environ
    return environ.get("GITHUB_ACTIONS", "").lower() == "true"


def github_annotations(result: CheckResult, options: ReportOptions | None = None) -> list[str]:
    """The annotation lines (without newlines), in input order."""
    options = options or ReportOptions()
    documents = document_lookup(result)
    locator = Locator(options.base_dir)
    lines = []
    for verdict in result.verdicts:
        level = severity_level(verdict.label, options.fail_on)
        if level not in ("error", "warning"):
            continue
        statement = verdict.statement
        when = statement.date.isoformat() if statement.date else "undated"
        title = f"{verdict_title(verdict.label)}: {shorten(statement.speaker, 60)}"
        message = f"{one_line(statement.speaker)} ({when}): \u201c{shorten(statement.content, 240)}\u201d"
        for evidence in verdict.evidence[:3]:
            other = evidence.statement
            message += (
                f"\n{relation_title(evidence.relation.label)} (p={evidence.relation.probability:.2f}): "
                f"{one_line(other.speaker)} ({other.date.isoformat() if other.date else 'undated'}): "
                f"\u201c{shorten(other.content, 200)}\u201d"
            )
        props = []
        document = documents.get(statement.document_id)
        if document is not None:
            where = locator.locate(document, statement.content_span)
            props.append(f"file={escape_property(display_path(document, options.base_dir))}")
            props.append(f"line={where.start_line}")
            props.append(f"endLine={where.end_line}")
            if where.start_line == where.end_line:
                props.append(f"col={where.start_column}")
                props.append(f"endColumn={where.end_column}")
        props.append(f"title={escape_property(title)}")
        lines.append(f"::{level} {','.join(props)}::{escape_data(message)}")
    for failure in result.failures:
        lines.append(f"::error title={escape_property('verify: input error')}::{escape_data(str(failure))}")
    return lines


def write_annotations(result: CheckResult, stream: TextIO, options: ReportOptions | None = None) -> int:
    """Print the annotations to ``stream``, one per line; return how many."""
    lines = github_annotations(result, options)
    stream.writelines(line + "\n" for line in lines)
    return len(lines)
