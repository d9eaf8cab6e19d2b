"""The report flags of ``verify check`` and the one call that honours them.

    @report_options          # --format, --output, --template-dir, --timestamp/--no-timestamp, --report-url
    def check(..., formats, output, template_dir, timestamp, report_url): ...
        paths = emit_reports(result, name=report_name(paths), formats=formats, output=output, ...)

Only the CLI imports this module (it needs click); the library entry point is
``verify.report.write_reports``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from ..errors import ConfigError
from ..types import CheckResult, VerdictLabel
from . import FORMATS, parse_formats, write_reports
from .common import ReportOptions, safe_name
from .github import in_github_actions, write_annotations
from .markdown import render_markdown

__all__ = ["DEFAULT_FORMATS", "check_report_flags", "emit_reports", "report_name", "report_options", "report_time"]

F = TypeVar("F", bound=Callable[..., Any])

#: formats written when --format is not given
DEFAULT_FORMATS = ("html", "json")


def report_options(func: F) -> F:
    """Add ``--format``, ``--output``, ``--template-dir``, ``--timestamp/--no-timestamp`` and
    ``--report-url`` to a click command (parameters ``formats``, ``output``, ``template_dir``,
    ``timestamp``, ``report_url``)."""
    decorators = [
        click.option(
            "--format",
            "formats",
            multiple=True,
            metavar="LIST",
            help=f"Report formats, comma-separated or repeated: {', '.join(FORMATS)}, all "
            f"(default: {','.join(DEFAULT_FORMATS)}).",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(file_okay=False),
            default=None,
            help="Folder for the reports (default: the report_dir setting, reports/).",
        ),
        click.option(
            "--template-dir",
            type=click.Path(file_okay=False, exists=True),
            default=None,
            help="Folder of HTML templates overriding the packaged ones (see docs/reports.md).",
        ),
        click.option(
            "--timestamp/--no-timestamp",
            default=None,
            help="Write the time into the reports (default: the report_timestamp setting, on); "
            "off makes two runs byte-identical.",
        ),
        click.option(
            "--report-url",
            default=None,
            metavar="URL",
            help="Where the HTML report will be published (ClaimReview url; default: report_url setting).",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def report_name(inputs: Iterable[str]) -> str:
    """Base name of the report files: the single input's file stem (or last URL segment),
    else "check"."""
    items = [str(item) for item in inputs]
    if len(items) != 1:
        return "check"
    item = items[0].rstrip("/")
    stem = item.rsplit("/", 1)[-1].split("?", 1)[0]
    for suffix in (".jsonl", ".ndjson", ".json", ".html", ".htm", ".txt", ".md", ".markdown"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return safe_name(stem or "check")


def report_time(enabled: bool, environ: Mapping[str, str] | None = None) -> dt.datetime | None:
    """The time to write into reports: ``None`` when disabled; ``SOURCE_DATE_EPOCH`` when set
    (the reproducible-builds convention); else now, in UTC."""
    if not enabled:
        return None
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH: not a Unix time: {epoch!r}") from None
    return dt.datetime.now(dt.UTC)


def check_report_flags(
    formats: Iterable[str], report_url: str | None, settings: Mapping[str, Any]
) -> tuple[list[str], str | None]:
    """The report formats and the ``report_url`` (flag, else setting) a run asked for, checked
    before any work is done; ``ConfigError`` for an unknown format or a ``report_url`` that
    is not an absolute http(s) URL."""
    from .common import http_url

    chosen = parse_formats(list(formats) or list(DEFAULT_FORMATS))
    report_url = report_url or settings.get("report_url")
    if report_url and http_url(report_url) is None:
        raise ConfigError(f"report_url: {report_url!r} is not an absolute http(s) URL")
    return chosen, report_url


def emit_reports(
    result: CheckResult,
    *,
    name: str,
    formats: Iterable[str] = (),
    output: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    timestamp: bool | None = None,
    report_url: str | None = None,
    fail_on: frozenset[VerdictLabel] | None = None,
    settings: Mapping[str, Any] | None = None,
    stdout: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write the reports a ``verify check`` run asked for; return ``{format: path}``.

    name: base file name (see ``report_name``).
    formats: values of ``--format`` (default ``DEFAULT_FORMATS``).
    output, template_dir, timestamp, report_url: the flags; ``None`` falls back to the
        settings ``report_dir``, (no template folder), ``report_timestamp``, ``report_url``.
    fail_on: failing verdicts (default: the ``fail_on`` setting).
    settings: resolved settings (default ``load_settings()``).
    stdout: where GitHub Actions annotations go when ``GITHUB_ACTIONS=true`` (default
        ``sys.stdout``); with ``GITHUB_STEP_SUMMARY`` set, the Markdown summary is appended
        to that file too.
    environ: environment to read (default ``os.environ``).
    Raises ``ConfigError`` for an unknown format or verdict, a ``report_url`` that is not an
    absolute http(s) URL, or an unwritable folder.
    """
    import sys

    from ..settings import load_settings
    from .common import parse_fail_on

    environ = os.environ if environ is None else environ
    settings = load_settings(environ=environ) if settings is None else settings
    chosen, report_url = check_report_flags(formats, report_url, settings)
    if fail_on is None:
        try:
            fail_on = parse_fail_on(settings.get("fail_on"))
        except ValueError as exc:
            raise ConfigError(f"fail_on: {exc}") from None
    enabled = settings.get("report_timestamp", True) if timestamp is None else timestamp
    options = ReportOptions(
        generated_at=report_time(bool(enabled), environ),
        fail_on=fail_on,
        reviewer=str(settings.get("report_author") or "verify"),
        report_url=report_url,
    )
    folder = output if output is not None else settings.get("report_dir") or "reports"
    paths = write_reports(result, chosen, folder, name, template_dir=template_dir, options=options)
    if in_github_actions(environ):
        write_annotations(result, stdout or sys.stdout, options)
        summary = environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            try:
                with open(summary, "a", encoding="utf-8") as out:
                    out.write(render_markdown(result, options) + "\n")
            except OSError as exc:
                raise ConfigError(f"{summary}: cannot append the step summary: {exc.strerror or exc}") from None
    return paths
