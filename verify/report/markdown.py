"""A Markdown summary for a pull-request comment (GitHub-flavoured Markdown).

Counts per verdict, then the most serious findings (at most ``limit``) with the speaker,
the statement, and the strongest evidence.  Every piece of input text is escaped: Markdown
punctuation gets a backslash, ``<``, ``>`` and ``&`` become entities (GitHub renders HTML in
comments), and newlines become spaces, so an article can neither inject markup nor break
the table.
"""

from __future__ import annotations

import re

from ..types import CheckResult, VerdictLabel
from .claimreview import statement_anchor
from .common import (
    Locator,
    ReportOptions,
    display_path,
    document_lookup,
    is_finding,
    relation_title,
    serious_order,
    shorten,
    speaker_kind_title,
    verdict_title,
)

__all__ = ["escape_markdown", "render_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")

_ICONS = {
    VerdictLabel.SELF_CONTRADICTION: "\u274c",
    VerdictLabel.CONTRADICTED: "\u274c",
    VerdictLabel.DISPUTED: "\u26a0\ufe0f",
    VerdictLabel.SUPPORTED: "\u2705",
    VerdictLabel.FOLLOW_UP: "\U0001f517",
    VerdictLabel.NO_EVIDENCE: "\u2796",
}


def escape_markdown(text: object, width: int = 300) -> str:
    """One line of input text made inert in Markdown and HTML, cut to ``width`` characters (default 300)."""
    line = shorten(text, width)
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", line)


def render_markdown(
    result: CheckResult,
    options: ReportOptions | None = None,
    html_name: str | None = None,
    limit: int = 20,
) -> str:
    """The Markdown summary.

    html_name: the HTML report's file name (or ``options.report_url``) to link findings to;
        default ``None``: no links.
    limit: most findings listed (default 20).
    """
    options = options or ReportOptions()
    documents = document_lookup(result)
    locator = Locator(options.base_dir)
    counts = {label: 0 for label in VerdictLabel}
    for verdict in result.verdicts:
        counts[verdict.label] += 1
    failing = sum(counts[label] for label in options.fail_on)
    speakers = len({v.statement.speaker_id for v in result.verdicts})
    title = options.title or "Statement check"
    lines = [f"## {escape_markdown(title, 120)}", ""]
    status = f"**{failing} failing finding{'s' if failing != 1 else ''}**" if failing else "**No failing findings**"
    lines.append(
        f"{status} \u2014 {len(result.documents)} document{'s' if len(result.documents) != 1 else ''}, "
        f"{len(result.verdicts)} statement{'s' if len(result.verdicts) != 1 else ''}, "
        f"{speakers} speaker{'s' if speakers != 1 else ''}."
    )
    lines += ["", "| verdict | statements |", "|---|---:|"]
    for each in VerdictLabel:
        marker = " (fails)" if each in options.fail_on else ""
        lines.append(f"| {_ICONS[each]} {verdict_title(each)}{marker} | {counts[each]} |")

    findings = serious_order((i, v) for i, v in enumerate(result.verdicts) if is_finding(v.label))
    if findings:
        lines += ["", "### Most serious findings", ""]
        link_base = options.report_url or html_name
        for index, verdict in findings[:limit]:
            statement = verdict.statement
            when = statement.date.isoformat() if statement.date else "undated"
            kind = " (anonymous source)" if statement.speaker_kind.value == "anonymous" else ""
            heading = f"{_ICONS[verdict.label]} **{verdict_title(verdict.label)}**"
            if link_base:
                heading += f" ([details]({link_base.split('#')[0]}#{statement_anchor(index)}))"
            where = ""
            document = documents.get(statement.document_id)
            if document is not None:
                loc = locator.locate(document, statement.content_span)
                where = f" \u2014 `{display_path(document, options.base_dir).replace('`', '')}:{loc.start_line}`"
            lines.append(
                f"- {heading}: {escape_markdown(statement.speaker, 80)}{kind}, {when}: "
                f"\u201c{escape_markdown(statement.content)}\u201d{where}"
            )
            for evidence in verdict.evidence[:2]:
                other = evidence.statement
                other_when = other.date.isoformat() if other.date else "undated"
                lines.append(
                    f"  - {relation_title(evidence.relation.label)} ({evidence.relation.probability:.0%}) by "
                    f"{escape_markdown(other.speaker, 80)} [{speaker_kind_title(other.speaker_kind)}], {other_when}: "
                    f"\u201c{escape_markdown(other.content, 200)}\u201d"
                )
        if len(findings) > limit:
            lines.append(f"- \u2026 and {len(findings) - limit} more in the full report")
    if result.failures:
        lines += ["", "### Inputs that could not be read", ""]
        for failure in result.failures:
            lines.append(f"- {escape_markdown(failure.origin, 200)}: {escape_markdown(failure.message, 200)}")
    return "\n".join(lines) + "\n"
