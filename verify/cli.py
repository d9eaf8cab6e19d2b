"""The ``verify`` command: a thin layer that parses arguments, calls the library, formats.

Heavy modules (spaCy, torch, the models) are imported inside the commands so that
``verify --help`` answers at once.

Exit codes: 0 clean; 1 findings at or above ``--fail-on`` (``check``); 2 usage errors or
an input that could not be processed (each named on its own line on stderr); 130 interrupted.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

from .errors import VerifyError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C: never read as "findings" (1)

F = TypeVar("F", bound=Callable[..., Any])


class _LineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        prefix = "error" if record.levelno >= logging.ERROR else "warning" if record.levelno >= logging.WARNING else ""
        message = record.getMessage()
        return f"{prefix}: {message}" if prefix else message


def _setup_logging(verbose: int, quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LineFormatter())
    logger = logging.getLogger("verify")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)


def error_line(message: str) -> None:
    """Print one error line on stderr."""
    click.echo(f"error: {message}", err=True)


def handle_errors(func: F) -> F:
    """Turn a ``VerifyError`` into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VerifyError as exc:
            error_line(str(exc))
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def aliases_option(func: F) -> F:
    return click.option(
        "--aliases",
        type=click.Path(dir_okay=False),
        default=None,
        envvar="VERIFY_ALIASES",
        help="Alias file mapping speaker names to one actor (see corpora/README.md).",
    )(func)


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "jsonl"]),
        default=None,
        help="Output format (default: table on a terminal, jsonl otherwise).",
    )(func)


def report_failures(failures: Iterable[Any]) -> int:
    """Print each input failure as one error line; return how many there were."""
    count = 0
    for failure in failures:
        error_line(str(failure))
        count += 1
    return count


class LazyGroup(click.Group):
    """A group whose subcommands live in modules imported only when they run."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module_name, attr = self.lazy[name].split(":")
            import importlib

            return getattr(importlib.import_module(module_name), attr)  # type: ignore[no-any-return]
        return super().get_command(ctx, name)


@click.group(
    cls=LazyGroup,
    lazy={
        "corpus": "verify.cli_corpus:corpus",
        "check": "verify.cli_check:check",
        "relations": "verify.cli_check:relations",
    },
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="verify-statements", prog_name="verify")
@click.option("-v", "--verbose", count=True, help="More progress detail (repeat for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Log only errors, no warnings; results still print.")
def cli(verbose: int, quiet: bool) -> None:
    """verify: find who said what and when, and check it against a reference corpus.

    \b
    verify extract ARTICLE...        attributed statements in articles
    verify corpus add ARTICLE...     grow the reference corpus
    verify check ARTICLE...          verdicts and reports (HTML, JSON, CI formats)

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input errors,
    130 interrupted.
    """
    _setup_logging(verbose, quiet)


def _iter_statements(paths: Iterable[str], aliases: str | None, failures: list[Any]) -> Iterator[Any]:
    from .extract import Extractor
    from .ingest import iter_documents
    from .types import InputFailure

    extractor = Extractor(aliases=aliases)
    for item in iter_documents(paths):
        if isinstance(item, InputFailure):
            error_line(str(item))
            failures.append(item)
            continue
        for statement in extractor.extract(item):
            yield item, statement


def _table(rows: list[tuple[Any, Any]], width: int) -> str:
    lines = []
    for document, st in rows:
        date = st.date.isoformat() if st.date else "?"
        kind = st.speaker_kind.value
        content = " ".join(st.content.split())
        room = max(30, width - 60)
        if len(content) > room:
            content = content[: room - 1] + "…"
        lines.append(f"{date}  {st.speaker_id[:24]:<24} {kind[:5]:<5} {st.cue[:12]:<12} {st.quote_kind.value[:3]}  {content}")
    header = f"{'date':<10}  {'speaker':<24} {'kind':<5} {'cue':<12} q    content"
    return "\n".join([header, "-" * min(width, 120)] + lines)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@format_option
@aliases_option
@handle_errors
def extract(paths: tuple[str, ...], fmt: str | None, aliases: str | None) -> None:
    """Attributed statements (who said what, when) in articles.

    PATHS are text, Markdown, HTML, JSON or JSONL files, or folders of them.
    """
    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    failures: list[Any] = []
    if fmt == "jsonl":
        for _document, statement in _iter_statements(paths, aliases, failures):
            click.echo(json.dumps(statement.to_dict(), ensure_ascii=False))
    else:
        rows = list(_iter_statements(paths, aliases, failures))
        if fmt == "json":
            click.echo(json.dumps([st.to_dict() for _, st in rows], ensure_ascii=False, indent=2))
        else:
            import shutil

            click.echo(_table(rows, shutil.get_terminal_size((120, 20)).columns))
            click.echo(f"\n{len(rows)} statements from {len({d.id for d, _ in rows})} documents", err=True)
    if failures:
        sys.exit(EXIT_ERROR)


def main() -> None:
    """Console entry point: as click's own, except that Ctrl-C exits 130, not 1."""
    try:
        code = cli.main(prog_name="verify", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        error_line("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
