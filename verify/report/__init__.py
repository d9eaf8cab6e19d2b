"""Reports: verdicts → files for people (HTML, Markdown) and for machines (JSON, ClaimReview,
JUnit XML, SARIF), plus GitHub Actions annotations.

    write_reports(result, ["html", "json", "sarif"], "reports", "2022-03-31-ukraine")
    → {"html": Path("reports/2022-03-31-ukraine.html"), ...}

Every format is rendered in memory first and each file is then replaced atomically, so a
failure never leaves a half-written report behind.  Formats and the verdict → rating mapping
are documented in docs/reports.md.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import ConfigError
from ..types import CheckResult
from .claimreview import RATINGS, claim_reviews, render_claimreview
from .common import ReportOptions, parse_fail_on, safe_name
from .github import github_annotations, in_github_actions, write_annotations
from .html import render_html
from .json_out import SCHEMA_VERSION, render_json, report_dict
from .junit import render_junit
from .markdown import render_markdown
from .sarif import render_sarif, sarif_log

__all__ = [
    "FORMATS",
    "RATINGS",
    "SCHEMA_VERSION",
    "ReportOptions",
    "claim_reviews",
    "github_annotations",
    "in_github_actions",
    "parse_fail_on",
    "parse_formats",
    "render_claimreview",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_sarif",
    "report_dict",
    "report_paths",
    "sarif_log",
    "schema_path",
    "write_annotations",
    "write_reports",
]

#: format name → file name suffix
FORMATS: dict[str, str] = {
    "html": ".html",
    "json": ".json",
    "claimreview": ".claimreview.jsonld",
    "junit": ".junit.xml",
    "sarif": ".sarif",
    "markdown": ".md",
}


def schema_path(name: str = "verify-report-1.schema.json") -> Path:
    """Path of a schema file shipped in ``verify/schemas`` (default: the JSON report's)."""
    return Path(__file__).resolve().parent.parent / "schemas" / name


def parse_formats(values: str | Iterable[str]) -> list[str]:
    """Format names from ``"html,json"`` or a list of such strings, in ``FORMATS`` order, no
    repeats; ``all`` means every format.  Raises ``ConfigError`` naming an unknown format."""
    items = [values] if isinstance(values, str) else list(values)
    wanted: set[str] = set()
    for item in items:
        for name in item.split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name == "all":
                wanted.update(FORMATS)
            elif name == "md":
                wanted.add("markdown")
            elif name in FORMATS:
                wanted.add(name)
            else:
                raise ConfigError(f"unknown report format {name!r} (known: {', '.join(FORMATS)}, all)")
    return [name for name in FORMATS if name in wanted]


def report_paths(formats: Sequence[str], output_dir: str | os.PathLike[str], name: str) -> dict[str, Path]:
    """Where ``write_reports`` puts each format: ``output_dir/<name><suffix>``."""
    base = safe_name(name)
    return {fmt: Path(output_dir) / f"{base}{FORMATS[fmt]}" for fmt in parse_formats(formats)}


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_atomic(path: Path, text: str) -> None:
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temp, _file_mode())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def write_reports(
    result: CheckResult,
    formats: Sequence[str],
    output_dir: str | os.PathLike[str],
    name: str,
    template_dir: str | os.PathLike[str] | None = None,
    options: ReportOptions | None = None,
) -> dict[str, Path]:
    """Write the reports and return ``{format: path}`` in ``FORMATS`` order.

    formats: names from ``FORMATS`` (comma-separated strings allowed; ``all``).
    output_dir: folder for the files, created when missing.
    name: base file name ("2022-03-31-ukraine" → ``2022-03-31-ukraine.html`` ...); characters
        unsafe in file names become "-".
    template_dir: folder of HTML templates overriding the packaged ones (default ``None``).
    options: ``ReportOptions`` (default: no time stamp, fail on contradicted and
        self-contradiction, reviewer "verify").
    Raises ``ConfigError`` for an unknown format, a bad template folder or an output folder
    that cannot be written.
    """
    options = options or ReportOptions()
    paths = report_paths(formats, output_dir, name)
    out = Path(output_dir)
    html_name = f"{safe_name(name)}{FORMATS['html']}"
    templates = os.fspath(template_dir) if template_dir is not None else None
    renderers = {
        "html": lambda: render_html(result, options, template_dir=templates, output_dir=out),
        "json": lambda: render_json(result, options),
        "claimreview": lambda: render_claimreview(result, options, html_name=html_name),
        "junit": lambda: render_junit(result, options),
        "sarif": lambda: render_sarif(result, options),
        "markdown": lambda: render_markdown(result, options, html_name=html_name if "html" in paths else None),
    }
    texts = {fmt: renderers[fmt]() for fmt in paths}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for fmt, path in paths.items():
            _write_atomic(path, texts[fmt])
    except OSError as exc:
        raise ConfigError(f"{out}: cannot write reports: {exc.strerror or exc}") from None
    return paths
