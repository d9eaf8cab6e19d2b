"""``verify check`` and ``verify relations``: the commands over relations and verdicts.

The library does the work (``verify.pipeline.check``, ``verify.classify``); these commands
parse flags, call it, print a readable summary and set the exit code: 0 clean, 1 when a
verdict listed in ``--fail-on`` is found, 2 for usage or input errors.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import click

from .cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, aliases_option, error_line, handle_errors
from .errors import ConfigError
from .progress import counted
from .report.options import check_report_flags, emit_reports, report_name, report_options
from .types import CheckResult, RelationLabel, Verdict, VerdictLabel

__all__ = ["check", "format_summary", "relations"]

_MARK = {
    RelationLabel.CONTRADICTS: "✗",
    RelationLabel.SUPPORTS: "✓",
    RelationLabel.FOLLOWS_UP: "→",
    RelationLabel.UNRELATED: "·",
}


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def _who(statement: Any) -> str:
    when = statement.date.isoformat() if statement.date else "undated"
    return f"{statement.speaker} ({when})"


def _verdict_block(verdict: Verdict, width: int, max_evidence: int) -> list[str]:
    st = verdict.statement
    head = f"  {verdict.label.value.upper():<18} {verdict.confidence:.2f}  {_who(st)}: "
    lines = [head + '"' + _short(st.content, max(30, width - len(head) - 2)) + '"']
    for evidence in verdict.evidence[:max_evidence]:
        relation, other = evidence.relation, evidence.statement
        where = ""
        if evidence.document is not None and evidence.document.id != st.document_id:
            where = f" [{evidence.document.title or evidence.document.origin or evidence.document.id}]"
        lead = f"      {_MARK[relation.label]} {relation.label.value:<11} {relation.probability:.2f}  {_who(other)}{where}: "
        lines.append(lead + '"' + _short(other.content, max(30, width - len(lead) - 2)) + '"')
        lines.append("          " + _short(relation.rationale, max(30, width - 10)))
    if len(verdict.evidence) > max_evidence:
        lines.append(f"      … and {len(verdict.evidence) - max_evidence} more")
    return lines


def format_summary(result: CheckResult, width: int = 100, show_all: bool = False, max_evidence: int = 3) -> str:
    """The text ``verify check`` prints: per document, each verdict with its top evidence.

    show_all: also list statements without evidence (default: only counted).
    """
    from .verdicts import summarise

    lines: list[str] = []
    for document in result.documents:
        verdicts = [v for v in result.verdicts if v.statement.document_id == document.id]
        counts = summarise(verdicts)
        found = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
        name = document.origin or document.title or document.id
        lines.append(f"{name}: {len(verdicts)} statements" + (f" ({found})" if found else ""))
        for verdict in sorted(
            verdicts, key=lambda v: (v.label.severity, -v.confidence, v.statement.content_span.start)
        ):
            if verdict.label == VerdictLabel.NO_EVIDENCE and not show_all:
                continue
            lines.extend(_verdict_block(verdict, width, max_evidence))
        lines.append("")
    total = summarise(result.verdicts)
    found = ", ".join(f"{label} {n}" for label, n in total.items() if n)
    lines.append(
        f"{counted(len(result.verdicts), 'statement')} in {counted(len(result.documents), 'document')}"
        + (f" checked against {result.corpus}" if result.corpus else "")
        + (f": {found}" if found else "")
    )
    return "\n".join(lines)


def _parse_fail_on(value: str | None) -> frozenset[VerdictLabel]:
    from .report.common import parse_fail_on

    try:
        return parse_fail_on(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fail-on") from None


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--corpus",
    "corpus_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Reference corpus store (default: the inputs are checked among themselves).",
)
@click.option(
    "--fail-on",
    default=None,
    metavar="LABELS",
    help="Verdicts that make the exit code 1, comma-separated (default: the fail_on setting, "
    "contradicted,self-contradiction; 'none' never fails).",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Relations below this probability are not evidence (default: the min_confidence setting, 0.5).",
)
@click.option(
    "--nli-model",
    type=click.Path(file_okay=False),
    default=None,
    help="NLI model folder (CrossEncoder or ONNX export) instead of the bundled scorer.",
)
@click.option(
    "--relation-model",
    type=click.Path(dir_okay=False),
    default=None,
    help="Relation model trained with `verify relations train` (default: the bundled one).",
)
@click.option(
    "--each-relation",
    is_flag=True,
    help="Judge every evidence statement on its own; by default each source (one speaker in one "
    "document) counts once, by its strongest relation.",
)
@click.option("--all", "show_all", is_flag=True, help="Also list statements without evidence.")
@click.option("--reports/--no-reports", default=True, help="Write report files (default: on).")
@report_options
@aliases_option
@handle_errors
def check(
    paths: tuple[str, ...],
    corpus_path: str | None,
    fail_on: str | None,
    min_confidence: float | None,
    nli_model: str | None,
    relation_model: str | None,
    each_relation: bool,
    show_all: bool,
    reports: bool,
    formats: tuple[str, ...],
    output: str | None,
    template_dir: str | None,
    timestamp: bool | None,
    report_url: str | None,
    aliases: str | None,
) -> None:
    """Check articles: who said what, and what contradicts, supports or follows it up.

    PATHS are articles (text, Markdown, HTML, JSON, JSONL, CSV), folders of them, or web
    page URLs (fetched as `verify corpus add` fetches them).  Each statement is compared
    with the other statements of the inputs and, with --corpus, with its nearest statements
    in the store; a verdict per statement is printed and written to the reports.  Exit code
    1 when a verdict listed in --fail-on is found.
    """
    from .classify import Relater, load_classifier
    from .embed import load_embedder
    from .extract import Extractor
    from .pipeline import check as run_check
    from .relate import load_scorer
    from .settings import load_settings
    from .store import Corpus

    settings = load_settings({"min_confidence": min_confidence, "nli_model": nli_model, "fail_on": fail_on})
    failing = _parse_fail_on(settings["fail_on"])
    threshold = float(settings["min_confidence"])
    if reports:  # a bad --format or --report-url is told before the models load, not after the run
        check_report_flags(formats, report_url, settings)
    if corpus_path is not None and not Path(corpus_path).expanduser().is_file():
        raise click.BadParameter(f"{corpus_path}: no corpus store here", param_hint="--corpus")
    corpus = Corpus.open(corpus_path, create=False) if corpus_path else None
    try:
        embedder = load_embedder(corpus.model_id if corpus is not None and corpus.model_id else settings["embed_model"])
        scorer = load_scorer(settings["nli_model"])
        relater = Relater(scorer, load_classifier(relation_model or settings.get("relation_model"), scorer.name))
        result = run_check(
            _check_sources(paths, settings),
            Extractor(aliases=aliases),
            embedder,
            relater,
            corpus=corpus,
            neighbours=int(settings["neighbours"]),
            min_confidence=threshold,
            per_source=not each_relation,
        )
    finally:
        if corpus is not None:
            corpus.close()
    for failure in result.failures:
        error_line(str(failure))
    if result.documents:
        click.echo(format_summary(result, width=shutil.get_terminal_size((100, 20)).columns, show_all=show_all))
    if reports and result.documents:
        written = emit_reports(
            result,
            name=report_name(paths),
            formats=formats,
            output=output,
            template_dir=template_dir,
            timestamp=timestamp,
            report_url=report_url,
            fail_on=failing,
            settings=settings,
        )
        for path in written.values():
            click.echo(f"report: {path}", err=True)
    elif result.documents:
        from .report.common import ReportOptions
        from .report.github import in_github_actions, write_annotations

        if in_github_actions():  # annotations are not a report file: --no-reports keeps them
            write_annotations(result, sys.stdout, ReportOptions(fail_on=failing))
    if result.failures:
        sys.exit(EXIT_ERROR)
    if any(v.label in failing for v in result.verdicts):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


def _check_sources(paths: tuple[str, ...], settings: dict[str, Any]) -> list[Any]:
    """The inputs of ``verify check``: local paths as given, then the pages of the URLs among
    them, fetched (an unreachable page is an ``InputFailure`` naming it, like a bad file)."""
    from .fetch import is_http_url, iter_web_documents

    urls = [path for path in paths if is_http_url(path)]
    local: list[Any] = [path for path in paths if not is_http_url(path)]
    return local + list(iter_web_documents(urls, (), settings)) if urls else local


@click.group()
def relations() -> None:
    """The relation classifier: retrain it on your own labelled pairs."""


@relations.command("train")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write the model (default: relation_model.json in the verify data folder).",
)
@click.option(
    "--nli-model",
    type=click.Path(file_okay=False),
    default=None,
    help="NLI model folder the relation model will be used with (default: the bundled scorer).",
)
@click.option(
    "--text-mode",
    type=click.Choice(["content", "speaker", "cue", "sentence"]),
    default="cue",
    show_default=True,
    help="What the scorer reads per statement.",
)
@click.option(
    "--C",
    "c",
    type=click.FloatRange(min=1e-6),
    default=1.0,
    show_default=True,
    help="Inverse regularisation strength of the logistic regression.",
)
@click.option("--calibration", type=click.Choice(["sigmoid", "isotonic"]), default="sigmoid", show_default=True)
@click.option("--no-cv", is_flag=True, help="Skip the cross-validation report.")
@handle_errors
def train(
    file: str, out: str | None, nli_model: str | None, text_mode: str, c: float, calibration: str, no_cv: bool
) -> None:
    """Train the relation classifier on labelled pairs (JSONL) and save it as JSON.

    Each line: {"label": "contradicts|supports|follows_up|unrelated", "checked": {...},
    "evidence": {...}, "story": "..."} where a statement object has "content" and optionally
    "speaker", "speaker_id", "speaker_kind", "date", "quote_kind", "cue", "sentence"
    (see verify/data/relation_pairs.jsonl).  Use the model with
    `verify check --relation-model PATH` or the relation_model setting.
    """
    from .classify import read_pairs, train_classifier
    from .embed import load_embedder
    from .relate import load_scorer
    from .settings import default_store_path

    if not Path(file).is_file():
        error_line(f"{file}: no such file")
        sys.exit(EXIT_ERROR)
    pairs = read_pairs(file)
    target = Path(out) if out else Path(default_store_path()).parent / "relation_model.json"
    embedder = load_embedder()
    scorer = load_scorer(nli_model)
    classifier, report = train_classifier(
        pairs, scorer, embed=embedder.embed, text_mode=text_mode, evaluate=not no_cv, C=c, calibration=calibration
    )
    metadata: dict[str, Any] = {"embedder": embedder.model_id, "pairs": Path(file).name}
    click.echo(f"trained on {report['n_pairs']} pairs: " + ", ".join(f"{k} {v}" for k, v in report["labels"].items()))
    if report["cv"]:
        cv = report["cv"]
        click.echo(f"grouped 5-fold cross-validation: accuracy {cv['accuracy']:.3f}, macro-F1 {cv['macro_f1']:.3f}")
        for label, row in cv["per_label"].items():
            click.echo(
                f"  {label:<12} precision {row['precision']:.3f}  recall {row['recall']:.3f}  F1 {row['f1']:.3f}"
            )
        metadata["cv_macro_f1"] = round(cv["macro_f1"], 4)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        classifier.save(target, **metadata)
    except OSError as exc:
        raise ConfigError(f"{target}: cannot write the model: {exc.strerror or exc}") from None
    click.echo(f"wrote {target}")
