"""``verify corpus …``: grow, search, export and prune the reference corpus.

The store is ``--store``, else ``$VERIFY_STORE``, else the ``store`` setting of verify.toml,
else ``~/.local/share/verify/corpus.sqlite``.  Parsing and formatting only: the work is in
``verify.pipeline`` and ``verify.store``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .cli import EXIT_ERROR, aliases_option, error_line, format_option, handle_errors, report_failures
from .settings import load_settings

if TYPE_CHECKING:  # pragma: no cover
    from .embed import Embedder
    from .pipeline import AddSummary, StatementExtractor
    from .store import Corpus
    from .types import Statement

F = TypeVar("F", bound=Callable[..., Any])


def store_option(func: F) -> F:
    """The ``--store FILE`` option shared by every corpus command."""
    return click.option(
        "--store",
        type=click.Path(dir_okay=False),
        default=None,
        help="Corpus store file [default: $VERIFY_STORE, the `store` setting, ~/.local/share/verify/corpus.sqlite].",
    )(func)


def _open(settings: dict[str, Any], create: bool) -> Corpus:
    from .store import Corpus

    return Corpus.open(settings["store"], create=create, ann_threshold=int(settings["ann_threshold"]))


def _make_extractor(aliases: str | None) -> StatementExtractor:
    """The statement extractor (a seam for tests)."""
    from .extract import Extractor

    return Extractor(aliases=aliases)


def _make_embedder(model: str, batch_size: int) -> Embedder:
    """The embedder for ``model`` (a seam for tests)."""
    from .embed import load_embedder

    return load_embedder(model, batch_size=batch_size)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def web_options(func: F) -> F:
    """Sources from the web and the column mapping of data dumps, for ``corpus add``."""
    options = [
        click.option(
            "--feed",
            "feeds",
            multiple=True,
            metavar="URL",
            help="RSS/Atom feed or sitemap whose articles to add (repeatable).",
        ),
        click.option(
            "--urls",
            "url_files",
            multiple=True,
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Text file of article URLs, one per line (repeatable).",
        ),
        click.option("--no-robots", is_flag=True, help="Fetch pages that robots.txt disallows."),
    ]
    for field in ("text", "title", "date", "url", "source", "author"):
        options.append(
            click.option(
                f"--csv-{field}-column",
                metavar="NAME",
                default=None,
                help=f"Column (CSV) or key (JSON, JSONL) holding the {field} [default: {field!r}].",
            )
        )
    for option in reversed(options):
        func = option(func)
    return func


def _corpus_sources(
    paths: tuple[str, ...], web: dict[str, Any], settings: dict[str, Any], progress: Any, stats: Any
) -> Iterator[Any]:
    """Paths, Documents and InputFailures for ``add_to_corpus``: local paths first (data dumps
    read with the column mapping when one is given), then the web pages, fetched as they go."""
    from pathlib import Path

    from .feeds import read_url_file
    from .fetch import is_http_url, iter_web_documents
    from .ingest import CSV_SUFFIXES, FIELDS, JSONL_SUFFIXES, load_path, looks_like_url
    from .pipeline import article_files

    columns = {field: web[f"csv_{field}_column"] for field in FIELDS if web.get(f"csv_{field}_column")}
    data_suffixes = {".json", *CSV_SUFFIXES, *JSONL_SUFFIXES}
    urls = [path for path in paths if is_http_url(path)]
    for path in paths:
        if is_http_url(path):
            continue
        if not columns or looks_like_url(path):  # a URL not fetched: named as given by the pipeline
            yield path
            continue
        files = article_files(path) if Path(path).is_dir() else [Path(path)]
        for file in files:
            if file.suffix.lower() in data_suffixes:
                yield from load_path(file, columns)
            else:
                yield str(file)
    for url_file in web["url_files"]:
        found, failures = read_url_file(url_file)
        urls.extend(found)
        yield from failures
    if urls or web["feeds"]:
        yield from iter_web_documents(urls, web["feeds"], settings, progress=progress, stats=stats)


@click.group()
def corpus() -> None:
    """Grow, search and export the reference corpus (one SQLite file).

    \b
    verify corpus add corpora/           load the bundled example
    verify corpus add ARTICLE...         add articles (already stored ones are skipped)
    verify corpus search "TEXT"          nearest statements
    verify corpus stats | export | remove DOC_ID
    """


@corpus.command()
@click.argument("paths", nargs=-1)
@store_option
@aliases_option
@click.option("--model", default=None, help="Embedding model for a new store [default: the `embed_model` setting].")
@click.option("--batch-size", type=click.IntRange(1), default=32, show_default=True, help="Documents per transaction.")
@web_options
@handle_errors
def add(
    paths: tuple[str, ...], store: str | None, aliases: str | None, model: str | None, batch_size: int, **web: Any
) -> None:
    """Extract, embed and store the statements of articles.

    PATHS are text, Markdown, HTML, JSON, JSONL or CSV files, folders of them (README,
    LICENSE and alias files in a folder are passed over), or JSONL files written by
    `verify corpus export`, whose statements and vectors are taken as they are.
    PATHS may also be http(s) URLs of articles; --feed and --urls add more.  Pages are
    fetched politely (robots.txt, size and time limits, an on-disk cache: an unchanged page
    is not downloaded again).
    A document already in the store is skipped; each batch is stored whole or not at all.
    """
    from .fetch import FetchStats
    from .pipeline import add_to_corpus
    from .progress import Progress

    if not (paths or web["feeds"] or web["url_files"]):
        raise click.UsageError("give articles to add: PATHS, --feed URL or --urls FILE")
    settings = load_settings(
        {
            "store": store,
            "aliases": aliases,
            "embed_model": model,
            "respect_robots": False if web["no_robots"] else None,
        }
    )
    fetched = FetchStats()
    extractor = _make_extractor(settings["aliases"])  # a bad alias file is told before a store is made
    with _open(settings, create=True) as opened:
        embedder = _make_embedder(opened.model_id or settings["embed_model"], int(settings["batch_size"]))
        with Progress() as progress:
            bar = progress.bar("documents", unit="doc")

            def on_batch(summary: AddSummary) -> None:
                done = summary.documents_added + summary.documents_skipped + len(summary.failures)
                bar.update(done - bar.count)

            sources = _corpus_sources(paths, web, settings, progress, fetched)
            summary = add_to_corpus(sources, opened, extractor, embedder, batch_size=batch_size, on_batch=on_batch)
        total = len(opened)
    failed = report_failures(summary.failures)
    if fetched.requests:
        click.echo(
            f"web: {fetched.downloaded} downloaded, {fetched.not_modified} unchanged since the last run "
            f"(not downloaded again), {fetched.failures} failed"
        )
    click.echo(
        f"added {summary.documents_added} documents ({summary.statements_added} statements); "
        f"{summary.documents_skipped} already stored; {failed} failed; "
        f"{total} statements in {settings['store']}"
    )
    if failed:
        sys.exit(EXIT_ERROR)


def _search_table(results: list[tuple[Statement, float]]) -> str:
    import shutil

    width = shutil.get_terminal_size((120, 20)).columns
    lines = [f"{'score':>5}  {'date':<10}  {'speaker':<24} content", "-" * min(width, 120)]
    for statement, score in results:
        date = statement.date.isoformat() if statement.date else "?"
        content = " ".join(statement.content.split())
        room = max(30, width - 46)
        if len(content) > room:
            content = content[: room - 1] + "…"
        lines.append(f"{score:5.3f}  {date:<10}  {statement.speaker_id[:24]:<24} {content}")
    return "\n".join(lines)


@corpus.command()
@click.argument("text")
@click.option("-k", "--top", "k", type=click.IntRange(1), default=10, show_default=True, help="How many statements.")
@click.option("--speaker", default=None, help="Only this canonical speaker id (as in `verify extract`).")
@click.option("--since", callback=_date, default=None, help="Only statements made on or after this day (YYYY-MM-DD).")
@click.option("--until", callback=_date, default=None, help="Only statements made on or before this day (YYYY-MM-DD).")
@format_option
@store_option
@handle_errors
def search(
    text: str,
    k: int,
    speaker: str | None,
    since: dt.date | None,
    until: dt.date | None,
    fmt: str | None,
    store: str | None,
) -> None:
    """Corpus statements nearest in meaning to TEXT."""
    from .pipeline import search_text

    settings = load_settings({"store": store})
    with _open(settings, create=False) as opened:
        if opened.model_id is None:
            results = []
        else:
            embedder = _make_embedder(opened.model_id, int(settings["batch_size"]))
            results = search_text(opened, text, embedder, k=k, speaker_id=speaker, since=since, until=until)
    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    rows = [{"score": round(score, 6), "statement": st.to_dict()} for st, score in results]
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(_search_table(results))


@corpus.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--check", is_flag=True, help="Also run SQLite's integrity check (reads the whole file).")
@store_option
@handle_errors
def stats(fmt: str, check: bool, store: str | None) -> None:
    """What the store holds: documents, statements, speakers, dates, model, index."""
    settings = load_settings({"store": store})
    with _open(settings, create=False) as opened:
        info = opened.stats()
        problems = opened.check() if check else []
    data = info.to_dict()
    if check:
        data["problems"] = problems
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
    else:
        index = data["index"]
        dates = f"{data['first_date'] or '?'} … {data['last_date'] or '?'}"
        lines = [
            f"store       {data['path']} ({data['size_bytes'] / 1e6:.1f} MB, schema {data['schema_version']})",
            f"documents   {data['documents']}",
            f"statements  {data['statements']} by {data['speakers']} speakers, {dates}",
            f"vectors     {data['cached_vectors']} cached; model {data['model_id'] or '-'} ({data['dimension'] or '-'} dimensions)",
            f"index       {index.get('kind')}" + (f" ({index['file']})" if index.get("file") else ""),
            f"relations   {data['relations']}",
        ]
        if check:
            lines.append("check       " + ("ok" if not problems else f"{len(problems)} problems"))
        click.echo("\n".join(lines))
    for problem in problems:
        error_line(f"{settings['store']}: {problem}")
    if problems:
        sys.exit(EXIT_ERROR)


@corpus.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="File (default: stdout)."
)
@click.option("--no-vectors", is_flag=True, help="Leave the vectors out (`corpus add` embeds again).")
@store_option
@handle_errors
def export(fmt: str, output: str, no_vectors: bool, store: str | None) -> None:
    """Every document with its statements (and vectors) as JSON lines that `corpus add` reads back."""
    settings = load_settings({"store": store})
    with _open(settings, create=False) as opened:
        if output == "-":
            count = opened.export_jsonl(sys.stdout, vectors=not no_vectors)
        else:
            import os

            tmp = f"{output}.tmp-{os.getpid()}"
            try:
                with open(tmp, "w", encoding="utf-8") as fh:
                    count = opened.export_jsonl(fh, vectors=not no_vectors)
                os.replace(tmp, output)
            except OSError as exc:
                from .errors import StoreError

                raise StoreError(f"{output}: cannot write: {exc.strerror or exc}") from None
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
    click.echo(f"exported {count} documents", err=True)


@corpus.command()
@click.argument("document_ids", nargs=-1, required=True)
@store_option
@handle_errors
def remove(document_ids: tuple[str, ...], store: str | None) -> None:
    """Remove documents (by id, as in `verify corpus export`) with their statements."""
    settings = load_settings({"store": store})
    missing = 0
    with _open(settings, create=False) as opened:
        for document_id in document_ids:
            if opened.remove_document(document_id):
                click.echo(f"removed {document_id}")
            else:
                error_line(f"{document_id}: no such document in {settings['store']}")
                missing += 1
        opened.update_index()
    if missing:
        sys.exit(EXIT_ERROR)
