"""The HTML report: one self-contained page a fact-checker can hand to an editor.

Rendered with Jinja2 from the templates shipped in ``verify/templates``: one Environment,
autoescape on, and a user folder (``--template-dir``) searched before ours, so any template
(``report.html``, ``card.html``, ``report.css``, ``report.js`` ...) can be overridden one file at
a time.  The page has no external resource: CSS, SVG and the small optional script are
inline, and a Content-Security-Policy allows only that style and that script (by hash),
so even text that slipped through could not load or run anything.  Every string from the
input passes through autoescaping, and control characters are removed on output.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from .. import __version__
from ..errors import ConfigError
from ..types import CheckResult, Document, RelationLabel, SpeakerKind, Statement, Verdict, VerdictLabel
from .claimreview import statement_anchor
from .common import (
    Locator,
    ReportOptions,
    clean,
    display_path,
    document_lookup,
    http_url,
    is_finding,
    one_line,
    relation_title,
    relative_link,
    serious_order,
    shorten,
    speaker_kind_title,
    verdict_description,
    verdict_title,
)

__all__ = ["environment", "html_context", "quote_parts", "render_html", "text_fragment_link"]

#: most contradiction curves drawn in the timeline (the most probable first)
MAX_CURVES = 300

#: characters of sentence context kept on each side of a highlighted quote (evidence: half)
CONTEXT_CHARS = 280


def _finalize(value: Any) -> Any:
    """Applied to every ``{{ ... }}`` before escaping: ``None`` prints nothing, control characters go."""
    if value is None:
        return ""
    if type(value) is str:
        # fast path: printable text has no control character to remove
        return value if value.isprintable() else clean(value)
    if isinstance(value, Markup):
        return value if value.isprintable() else Markup(clean(str(value)))
    if isinstance(value, str):
        return clean(value)
    return value


def _attrs(value: Any) -> Any:
    """Dicts → namespaces (recursively; namespaces are left as they are), so templates read
    ``card.speaker.name`` by plain attribute access, the fastest lookup Jinja has."""
    if isinstance(value, dict):
        return SimpleNamespace(**{key: _attrs(item) for key, item in value.items()})
    if isinstance(value, list) and value and not isinstance(value[0], SimpleNamespace):
        return [_attrs(item) for item in value]
    return value


@functools.lru_cache(maxsize=8)
def environment(template_dir: str | None = None) -> Any:
    """The Jinja2 Environment: ``template_dir`` (when given) first, then the package templates.

    Autoescaping is on for every template.  Raises ``ConfigError`` if ``template_dir`` is not
    a folder.
    """
    import jinja2

    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise ConfigError(f"{template_dir}: template folder not found")
        loaders.append(jinja2.FileSystemLoader(template_dir))
    loaders.append(jinja2.PackageLoader("verify", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )
    return env


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _cut(text: str, limit: int, left: bool) -> str:
    if len(text) <= limit:
        return text
    if left:
        piece = text[-limit:]
        space = piece.find(" ")
        return "…" + (piece[space + 1 :] if 0 <= space < 40 else piece)
    piece = text[:limit]
    space = piece.rfind(" ")
    return (piece[:space] if space > limit - 40 else piece) + "…"


def quote_parts(
    statement: Statement, document: Document | None = None, context: int = CONTEXT_CHARS
) -> tuple[str, str, str]:
    """(before, quote, after): the statement's sentence split around its content.

    Uses ``content_span`` and ``sentence_span``; when the content runs past the sentence and
    the document is known, the surrounding text is taken from the document instead.  Context
    on each side is cut to about ``context`` characters (default ``CONTEXT_CHARS``).
    """
    content_span = statement.content_span
    sentence_span = statement.sentence_span
    sentence = statement.sentence
    if document is not None and document.text[content_span.start : content_span.end] == statement.content:
        text = document.text
        start, end = content_span.start, content_span.end
        if sentence_span.end <= len(text):
            start, end = min(start, sentence_span.start), max(end, sentence_span.end)
        before, after = text[start : content_span.start], text[content_span.end : end]
        return _cut(before, context, True), statement.content, _cut(after, context, False)
    if (
        len(sentence) == len(sentence_span)
        and sentence_span.start <= content_span.start
        and content_span.end <= sentence_span.end
    ):
        a = content_span.start - sentence_span.start
        b = content_span.end - sentence_span.start
        if sentence[a:b] == statement.content:
            return _cut(sentence[:a], context, True), sentence[a:b], _cut(sentence[b:], context, False)
    at = sentence.find(statement.content) if statement.content else -1
    if at >= 0:
        end = at + len(statement.content)
        return _cut(sentence[:at], context, True), statement.content, _cut(sentence[end:], context, False)
    return "", statement.content, ""


def _fragment_term(text: str) -> str:
    return quote(text, safe="").replace("-", "%2D")


@functools.lru_cache(maxsize=65536)
def text_fragment_link(url: str, content: str) -> str:
    """``url`` with a text fragment (``#:~:text=start,end``) that makes the browser scroll to
    and highlight ``content`` on the page."""
    words = one_line(content).strip("\u201c\u201d\"' ").split()
    if not words:
        return url
    if len(words) <= 6:
        directive = _fragment_term(" ".join(words))
    else:
        directive = _fragment_term(" ".join(words[:3])) + "," + _fragment_term(" ".join(words[-3:]))
    separator = ":~:text=" if "#" in url else "#:~:text="
    return f"{url}{separator}{directive}"


_COLORS = {
    VerdictLabel.SELF_CONTRADICTION: "#6a1b9a",
    VerdictLabel.CONTRADICTED: "#c62828",
    VerdictLabel.DISPUTED: "#e65100",
    VerdictLabel.SUPPORTED: "#2e7d32",
    VerdictLabel.FOLLOW_UP: "#1565c0",
    VerdictLabel.NO_EVIDENCE: "#757575",
}


@functools.lru_cache(maxsize=4096)
def _speaker_record(name: str, speaker_id: str, kind: SpeakerKind) -> SimpleNamespace:
    return SimpleNamespace(
        name=one_line(name) or "unknown speaker",
        id=speaker_id,
        kind=kind.value,
        kind_title=speaker_kind_title(kind),
        anonymous=kind is SpeakerKind.ANONYMOUS,
    )


def _speaker(statement: Statement) -> SimpleNamespace:
    return _speaker_record(statement.speaker, statement.speaker_id, statement.speaker_kind)


class _Context:
    """Builds the template context; one instance per render."""

    def __init__(self, result: CheckResult, options: ReportOptions, output_dir: Path | None) -> None:
        self.result = result
        self.options = options
        self.output_dir = output_dir
        self.documents = document_lookup(result)
        self.locator = Locator(options.base_dir)
        self.anchor_of = {v.statement.id: statement_anchor(i) for i, v in enumerate(result.verdicts)}
        self._doc_cache: dict[str, dict[str, Any]] = {}
        self._severity = {label: label.severity for label in VerdictLabel}

    def document(self, document_id: str) -> dict[str, Any]:
        cached = self._doc_cache.get(document_id)
        if cached is not None:
            return cached
        document = self.documents.get(document_id)
        if document is None:
            info: dict[str, Any] = {
                "title": f"document {document_id}",
                "source": None,
                "date": None,
                "url": None,
                "href": None,
                "path": None,
            }
        else:
            url = http_url(document.url)
            info = {
                "title": one_line(document.title) or display_path(document, self.options.base_dir),
                "source": one_line(document.source) or None,
                "date": document.date.isoformat() if document.date else None,
                "url": url,
                "href": url or relative_link(document.origin, self.output_dir, self.options.base_dir),
                "path": display_path(document, self.options.base_dir),
            }
        self._doc_cache[document_id] = info
        return info

    def place(self, statement: Statement) -> SimpleNamespace:
        """Where a statement is: document info, a link to it, its offsets and line."""
        document = self.documents.get(statement.document_id)
        info = dict(self.document(statement.document_id))
        span = statement.content_span
        info["offset"] = f"{span.start}\u2013{span.end}"
        if document is not None:
            where = self.locator.locate(document, span)
            info["line"] = where.start_line
            info["column"] = where.start_column
            info["basis"] = where.basis
        else:
            info["line"] = info["column"] = info["basis"] = None
        if info["url"]:
            info["href"] = text_fragment_link(info["url"], statement.content)
        return SimpleNamespace(**info)

    def evidence(self, verdict: Verdict) -> list[SimpleNamespace]:
        items = []
        for evidence in verdict.evidence[: self.options.max_evidence]:
            other = evidence.statement
            relation = evidence.relation
            label = relation.label.value if isinstance(relation.label, RelationLabel) else str(relation.label)
            items.append(
                SimpleNamespace(
                    relation=label,
                    relation_title=relation_title(relation.label),
                    probability=round(min(1.0, max(0.0, relation.probability)), 3),
                    percent=f"{relation.probability:.0%}",
                    rationale=one_line(relation.rationale),
                    same_speaker=relation.same_speaker,
                    speaker=_speaker(other),
                    date=other.date.isoformat() if other.date else None,
                    quote=quote_parts(other, self.documents.get(other.document_id), CONTEXT_CHARS // 2),
                    place=self.place(other),
                    anchor=self.anchor_of.get(other.id),
                )
            )
        return items

    def card(self, index: int, verdict: Verdict) -> SimpleNamespace:
        statement = verdict.statement
        return SimpleNamespace(
            anchor=statement_anchor(index),
            order=index,
            label=verdict.label.value,
            title=verdict_title(verdict.label),
            severity=self._severity[verdict.label],
            confidence=round(verdict.confidence, 3),
            percent=f"{verdict.confidence:.0%}",
            fails=verdict.label in self.options.fail_on,
            speaker=_speaker(statement),
            date=statement.date.isoformat() if statement.date else None,
            date_basis=one_line(statement.date_basis) or None,
            cue=one_line(statement.cue),
            quote_kind=statement.quote_kind.value,
            quote=quote_parts(statement, self.documents.get(statement.document_id)),
            place=self.place(statement),
            evidence=self.evidence(verdict),
            more=max(0, len(verdict.evidence) - self.options.max_evidence),
        )

    def timeline(self) -> dict[str, Any] | None:
        return _timeline(self.result, self.options, self.anchor_of)

    def build(self) -> dict[str, Any]:
        result, options = self.result, self.options
        counts = Counter(v.label for v in result.verdicts)
        total = len(result.verdicts)
        verdict_rows = []
        x = 0.0
        for label in VerdictLabel:
            width = 100.0 * counts[label] / total if total else 0.0
            verdict_rows.append(
                {
                    "label": label.value,
                    "title": verdict_title(label),
                    "description": verdict_description(label),
                    "count": counts[label],
                    "fails": label in options.fail_on,
                    "x": round(x, 3),
                    "width": round(width, 3),
                    "color": _COLORS[label],
                }
            )
            x += width
        ordered = serious_order(enumerate(result.verdicts))
        top: list[dict[str, Any]] = []
        for index, verdict in ordered:
            if not is_finding(verdict.label) or len(top) >= 10:
                break
            top.append(
                {
                    "anchor": statement_anchor(index),
                    "label": verdict.label.value,
                    "title": verdict_title(verdict.label),
                    "percent": f"{verdict.confidence:.0%}",
                    "speaker": _speaker(verdict.statement),
                    "content": shorten(verdict.statement.content, 180),
                    "date": verdict.statement.date.isoformat() if verdict.statement.date else None,
                    "evidence": len(verdict.evidence),
                }
            )
        per_document = Counter(v.statement.document_id for v in result.verdicts)
        documents = []
        for document in result.documents:
            info = dict(self.document(document.id))
            info["statements"] = per_document[document.id]
            documents.append(info)
        evidence_docs = {e.statement.document_id for v in result.verdicts for e in v.evidence} - {
            d.id for d in result.documents
        }
        title = options.title
        if not title:
            title = "Statement check"
            if len(result.documents) == 1 and result.documents[0].title:
                title += ": " + one_line(result.documents[0].title)
        return {
            "title": title,
            "version": __version__,
            "generated_at": options.stamp(),
            "summary": {
                "documents": len(result.documents),
                "statements": total,
                "speakers": len({v.statement.speaker_id for v in result.verdicts}),
                "findings": sum(1 for v in result.verdicts if is_finding(v.label)),
                "failing": sum(1 for v in result.verdicts if v.label in options.fail_on),
                "anonymous": sum(1 for v in result.verdicts if v.statement.speaker_kind is SpeakerKind.ANONYMOUS),
                "evidence_documents": len(evidence_docs),
                "failures": len(result.failures),
            },
            "verdicts": verdict_rows,
            "top": top,
            "documents": documents[:100],
            "documents_more": max(0, len(documents) - 100),
            "failures": [{"origin": f.origin, "message": f.message} for f in result.failures],
            "corpus": result.corpus,
            "models": sorted(result.models.items()),
            "fail_on": [verdict_title(label) for label in VerdictLabel if label in options.fail_on],
            "timeline": self.timeline(),
            "cards": [self.card(index, verdict) for index, verdict in ordered],
        }


def _timeline(result: CheckResult, options: ReportOptions, anchor_of: Mapping[str, str]) -> dict[str, Any] | None:
    """Geometry of the per-speaker timeline: one lane per speaker, a dot per statement at its
    date, and a curve from each statement to the statements that contradict it."""
    names: dict[str, str] = {}
    anonymous: dict[str, bool] = {}
    statements_per: Counter[str] = Counter()
    involvement: Counter[str] = Counter()
    nodes: dict[str, dict[str, Any]] = {}
    links: list[tuple[float, int, str, str, bool]] = []
    for verdict in result.verdicts:
        statement = verdict.statement
        names.setdefault(statement.speaker_id, one_line(statement.speaker))
        anonymous.setdefault(statement.speaker_id, statement.speaker_kind is SpeakerKind.ANONYMOUS)
        statements_per[statement.speaker_id] += 1
        nodes[statement.id] = {
            "speaker": statement.speaker_id,
            "date": statement.date,
            "label": verdict.label.value,
            "anchor": anchor_of[statement.id],
            # no-evidence dots carry no tooltip: in a large report they are most of the page weight
            "tip": None
            if verdict.label is VerdictLabel.NO_EVIDENCE
            else f"{verdict_title(verdict.label)}: \u201c{shorten(statement.content, 60)}\u201d",
            "checked": True,
        }
        for evidence in verdict.evidence:
            if evidence.relation.label is not RelationLabel.CONTRADICTS:
                continue
            other = evidence.statement
            names.setdefault(other.speaker_id, one_line(other.speaker))
            anonymous.setdefault(other.speaker_id, other.speaker_kind is SpeakerKind.ANONYMOUS)
            involvement[statement.speaker_id] += 1
            involvement[other.speaker_id] += 1
            if other.id not in nodes:
                nodes[other.id] = {
                    "speaker": other.speaker_id,
                    "date": other.date,
                    "label": "evidence",
                    "anchor": anchor_of.get(other.id),
                    "tip": f"Evidence: \u201c{shorten(other.content, 60)}\u201d",
                    "checked": False,
                }
            same = evidence.relation.same_speaker or other.speaker_id == statement.speaker_id
            links.append((-evidence.relation.probability, len(links), statement.id, other.id, same))
    if not nodes:
        return None
    ranked = sorted(names, key=lambda s: (-involvement[s], -statements_per[s], names[s].lower(), s))
    lanes = ranked[: options.max_lanes]
    lane_of = {speaker: i for i, speaker in enumerate(lanes)}
    dates = [n["date"] for n in nodes.values() if n["speaker"] in lane_of and n["date"] is not None]
    undated = sum(1 for n in nodes.values() if n["speaker"] in lane_of and n["date"] is None and n["checked"])
    if not dates:
        return {"lanes": [], "hidden_lanes": len(ranked) - len(lanes), "undated": undated, "height": 0}
    first, last = min(dates), max(dates)
    if first == last:
        first, last = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
    days = (last - first).days
    width, left, right, top, lane_height = 960, 200, 945, 34, 26
    plot_left = left + 12

    def x_of(day: dt.date) -> float:
        return round(plot_left + (day - first).days / days * (right - plot_left), 1)

    stack: Counter[tuple[int, dt.date]] = Counter()
    points: dict[str, tuple[float, float]] = {}
    dots = []
    for statement_id, node in nodes.items():
        lane = lane_of.get(node["speaker"])
        if lane is None or node["date"] is None:
            continue
        k = stack[(lane, node["date"])]
        stack[(lane, node["date"])] += 1
        y = top + lane * lane_height + lane_height / 2 + ((k % 3) - 1) * 6 * (1 if k else 0)
        x = x_of(node["date"])
        points[statement_id] = (x, y)
        dots.append(
            SimpleNamespace(
                x=x, y=y, label=node["label"], anchor=node["anchor"], tip=node["tip"], checked=node["checked"]
            )
        )
    curves: list[SimpleNamespace] = []
    # the strongest contradictions only: past a few hundred curves the picture is a smear
    for _, _, source, target, same in sorted(links):
        if len(curves) >= MAX_CURVES:
            break
        if source not in points or target not in points:
            continue
        (x1, y1), (x2, y2) = points[source], points[target]
        bend = max(14.0, abs(x2 - x1) / 5)
        cx, cy = (x1 + x2) / 2, max(2.0, min(y1, y2) - bend)
        curves.append(SimpleNamespace(d=f"M{x1} {y1}Q{round(cx, 1)} {round(cy, 1)} {x2} {y2}", self=same))
    ticks = []
    count = min(6, days + 1)
    seen = set()
    for i in range(count):
        day = first + dt.timedelta(days=round(i * days / max(1, count - 1)))
        if day in seen:
            continue
        seen.add(day)
        ticks.append({"x": x_of(day), "label": day.isoformat(), "anchor": "middle"})
    if ticks:
        ticks[-1]["anchor"] = "end"
    lane_rows = [
        {
            "y": top + i * lane_height + lane_height / 2,
            "top": top + i * lane_height,
            "name": shorten(names[speaker], 30),
            "full": names[speaker],
            "anonymous": anonymous.get(speaker, False),
            "count": statements_per[speaker],
        }
        for i, speaker in enumerate(lanes)
    ]
    return {
        "width": width,
        "height": top + len(lanes) * lane_height + 8,
        "left": left,
        "plot_left": plot_left,
        "right": right,
        "top": top,
        "lane_height": lane_height,
        "lanes": lane_rows,
        "dots": dots,
        "curves": curves,
        "ticks": ticks,
        "hidden_lanes": len(ranked) - len(lanes),
        "undated": undated,
        "links": len(curves),
        "hidden_links": max(0, len(links) - len(curves)),
        "dense": len(curves) > 60,
    }


def html_context(
    result: CheckResult, options: ReportOptions | None = None, output_dir: Path | None = None
) -> dict[str, Any]:
    """The data the templates receive (documented in docs/reports.md for template authors).

    Top-level names map to values; nested records are namespaces (``card.speaker.name``).
    """
    return {
        key: _attrs(value) for key, value in _Context(result, options or ReportOptions(), output_dir).build().items()
    }


def render_html(
    result: CheckResult,
    options: ReportOptions | None = None,
    template_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
) -> str:
    """The HTML report as text.

    options: see ``ReportOptions`` (default: no time stamp, fail on contradicted and
        self-contradiction).
    template_dir: folder whose templates override the packaged ones (default ``None``).
    output_dir: where the page will be written, so local source files can be linked
        relatively (default ``None``: no links to local files).
    Raises ``ConfigError`` when a user template is missing a name or fails to render.
    """
    import jinja2

    env = environment(str(template_dir) if template_dir is not None else None)
    context = html_context(result, options, Path(output_dir) if output_dir is not None else None)
    context["colors"] = {label.value: color for label, color in _COLORS.items()}
    try:
        style = clean(env.get_template("report.css").render(context))
        script = clean(env.get_template("report.js").render(context))
        context["style"] = Markup(style)
        context["script"] = Markup(script)
        context["csp"] = (
            "default-src 'none'; "
            f"style-src '{_csp_hash(style)}'; "
            f"script-src '{_csp_hash(script)}'; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        )
        return str(env.get_template("report.html").render(context))
    except jinja2.TemplateError as exc:
        where = f" in {template_dir}" if template_dir is not None else ""
        name = getattr(exc, "name", None) or getattr(exc, "filename", None) or "template"
        raise ConfigError(f"{name}{where}: {exc}") from None
