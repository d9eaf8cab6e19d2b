"""Ingest: local files → ``Document``.

Formats, chosen by extension (content sniffing for the rest):

- ``.txt`` / ``.md``: plain text; an optional first line ``date YYYY-MM-DD`` or a front
  matter block (``---`` lines around ``key: value`` pairs: title, source, url, date, author).
- ``.html`` / ``.htm``: main text, title, author and publication date extracted with
  trafilatura and htmldate.
- ``.jsonl`` / ``.ndjson``: one article object per line; ``.json``: one object or a list.
  Keys: ``text`` (or ``body`` / ``content``), ``title``, ``source``, ``url``, ``date``,
  ``author``; ``columns`` maps them to other key names.
- ``.csv`` / ``.tsv``: one article per row, with a header row; the same columns, mapped by
  ``columns`` (``iter_csv``).

A text or HTML file that gives no date of its own takes one written in its file name
("2022-03-31-ukraine.txt", "nyt_2015-11-24_story.html"), and says so (``Document.date_basis``).

``iter_documents`` yields a ``Document`` or an ``InputFailure`` per input, so one bad
input never stops a batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import DecodeError, EmptyInputError, FormatError, InputError
from .types import Document, InputFailure

__all__ = [
    "ARTICLE_SUFFIXES",
    "MAX_FILE_BYTES",
    "MAX_HTML_CHARS",
    "NO_ARTICLE_FILES",
    "article_files",
    "date_in_name",
    "decode_bytes",
    "document_from_record",
    "iter_csv",
    "iter_documents",
    "iter_json_lines",
    "load_path",
    "looks_like_url",
    "normalise_newlines",
    "parse_html",
    "parse_text",
    "read_text_file",
]

log = logging.getLogger("verify")

MAX_FILE_BYTES = 50_000_000
#: Largest HTML page extracted (the web fetcher's default size limit too): trafilatura needs
#: about 3 s per MB, and a page this size is a data dump, not an article.
MAX_HTML_CHARS = 10_000_000
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
FIELDS = ("text", "title", "source", "url", "author", "date")

_DATE_LINE = re.compile(r"\A[ \t\ufeff]*date[ \t]+(\d{4}-\d{2}-\d{2})\b[ \t]*\r?\n?[ \t]*", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# Files of a folder that are read as articles; others (alias files, READMEs, licences) are
# passed over, so ``verify corpus add corpora/`` loads the examples.
ARTICLE_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".text", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson", ".csv", ".tsv"}
)
NO_ARTICLE_FILES = f"folder holds no article files ({', '.join(sorted(ARTICLE_SUFFIXES))})"
_NOT_ARTICLE = re.compile(
    r"^(?:readme|licen[cs]e|copying|changelog|notice|authors|contributing)(?:\.\w+)?$|(?:^|[._-])alias(?:es)?(?:[._-]|$)",
    re.IGNORECASE,
)  # README.md, LICENSE.txt, aliases.tsv, speaker-aliases.json; not "authors-guild-sues.txt"
_TEXT_KEYS = ("text", "body", "content", "articleBody")
_TOO_DEEP = "malformed JSON (nested too deeply to read)"
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# UTF-32 before UTF-16: the UTF-32 LE mark starts with the UTF-16 LE one
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_bytes(data: bytes, origin: str, warn: bool = True) -> str:
    """Decode file bytes as text: UTF-8 (BOM allowed), UTF-16 or UTF-32 with their byte-order
    mark, else Windows-1252 with a warning
    (``warn=False``: none, for a file read again after its warning was given).

    Raises ``EmptyInputError`` for no text and ``DecodeError`` for binary data.
    """
    if not data.strip():
        raise EmptyInputError(origin, "empty file")
    sample = data[:8192]
    wide = next((codec for bom, codec in _WIDE_BOMS if data.startswith(bom)), None)
    if wide is None and (
        b"\x00" in sample or sample.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\x7fELF", b"GIF8"))
    ):
        raise DecodeError(origin, "binary file, not text")
    try:
        text = data.decode(wide) if wide else data.decode("utf-8-sig")
        if not text.strip():
            raise EmptyInputError(origin, "empty file")
    except UnicodeDecodeError:
        if wide:
            raise DecodeError(origin, f"not valid {wide.upper()} though it starts with its byte-order mark") from None
        text = data.decode("cp1252", errors="replace")
        if warn:
            log.warning("%s: not valid UTF-8; read as Windows-1252 (Latin-1)", origin)
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 50):
        raise DecodeError(origin, "binary file, not text")
    return text


def read_text_file(path: Path, warn: bool = True) -> str:
    """Read and decode a local file, refusing files over ``MAX_FILE_BYTES`` (``warn``: as for
    ``decode_bytes``)."""
    origin = str(path)
    try:
        size = path.stat().st_size  # a pipe (`/dev/stdin`) reads as 0 here and is read as it comes
        if size > MAX_FILE_BYTES:
            raise InputError(origin, f"file too large ({size:,} bytes; limit {MAX_FILE_BYTES:,})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(origin, "no such file or directory") from None
    except IsADirectoryError:
        raise InputError(origin, "is a directory") from None
    except OSError as exc:
        raise InputError(origin, f"cannot read: {exc.strerror or exc}") from None
    return decode_bytes(data, origin, warn)


def _parse_date(value: Any, origin: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        from dateutil import parser as date_parser

        return date_parser.parse(text).date()
    except (ImportError, ValueError, OverflowError):
        raise FormatError(origin, f"cannot read date {text!r} (expected YYYY-MM-DD)") from None


def _make_document(text: str, origin: str, meta: Mapping[str, Any], origin_offset: int | None) -> Document:
    body = text.strip()
    if not body:
        raise EmptyInputError(origin, "no text")
    if origin_offset is not None:
        origin_offset += len(text) - len(text.lstrip())
    return Document(
        id=Document.make_id(body),
        text=body,
        title=(str(meta["title"]).strip() or None) if meta.get("title") else None,
        source=(str(meta["source"]).strip() or None) if meta.get("source") else None,
        url=(str(meta["url"]).strip() or None) if meta.get("url") else None,
        author=(str(meta["author"]).strip() or None) if meta.get("author") else None,
        date=_parse_date(meta.get("date"), origin),
        origin=origin,
        origin_offset=origin_offset,
    )


def parse_text(raw: str, origin: str = "<text>", **meta: Any) -> Document:
    """Plain text or Markdown, with an optional ``date`` line or front matter header.

    Keyword arguments give metadata (title, source, url, date, author) that a header
    in the text overrides.
    """
    fields: dict[str, Any] = dict(meta)
    offset = 0
    raw = normalise_newlines(raw)  # line and column numbers are the same either way
    match = _FRONT_MATTER.match(raw)
    if match:
        for line in match.group(1).splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise FormatError(origin, f"front matter line is not 'key: value': {line.strip()[:60]!r}")
            fields[key.strip().lower()] = value.strip().strip("\"'")
        offset = match.end()
    else:
        match = _DATE_LINE.match(raw)
        if match:
            fields["date"] = match.group(1)
            offset = match.end()
    return _make_document(raw[offset:], origin, fields, offset)


def normalise_newlines(text: str) -> str:
    """``\r\n`` and lone ``\r`` as ``\n``: the same lines, each of the same characters."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([a-zA-Z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def _canonical_link(raw: str, base: str | None) -> str | None:
    """The page's ``<link rel="canonical" href>``, made absolute against ``base``; http(s) only."""
    from urllib.parse import urljoin

    end = raw[:200_000].lower().find("</head")
    head = raw[: end if end >= 0 else 65536]
    for tag in _LINK_TAG.findall(head):
        attributes = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTRIBUTE.finditer(tag)
        }
        if "canonical" in attributes.get("rel", "").lower().split() and attributes.get("href", "").strip():
            href = urljoin(base or "", attributes["href"].strip().replace("&amp;", "&"))
            if href.lower().startswith(("http://", "https://")):
                return href
    return None


def parse_html(raw: str, origin: str = "<html>", url: str | None = None) -> Document:
    """Main text, title, author and publication date of an HTML page (trafilatura).

    url: the address the page was read from (default ``None``); ``Document.url`` is the page's
    canonical URL (``<link rel="canonical">``, else ``og:url``), else ``url``.
    """
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - a dependency of the package
        raise InputError(origin, "HTML input needs trafilatura: pip install trafilatura") from None
    if len(raw) > MAX_HTML_CHARS:
        raise InputError(origin, f"HTML page too large to extract ({len(raw):,} characters; limit {MAX_HTML_CHARS:,})")
    if "<" not in raw[:4096] and "<" not in raw:
        raise FormatError(origin, "not HTML (no markup found)")
    try:
        # the main extractor first; its fallbacks (readability, jusText) also "find" text in
        # menus and footers, so a page they rescue must hold at least a paragraph's worth
        rescued = False
        for fast in (True, False):
            result = trafilatura.bare_extraction(
                raw,
                url=url,
                fast=fast,
                with_metadata=True,
                include_comments=False,
                include_tables=False,
                favor_precision=True,
            )
            if result is not None:
                break
            rescued = True
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise FormatError(origin, f"cannot parse HTML: {exc}") from None
    if result is None:
        raise FormatError(origin, "no article text found in the HTML")
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = data.get("text") or ""
    if not text.strip() or (rescued and len(text.split()) < 25):
        raise FormatError(origin, "no article text found in the HTML")
    meta = {
        "title": data.get("title"),
        "source": data.get("sitename"),
        "url": _canonical_link(raw, url) or data.get("url") or url,
        "author": data.get("author"),
        "date": data.get("date"),
    }
    try:
        return _make_document(text, origin, meta, None)
    except FormatError:
        meta["date"] = None
        return _make_document(text, origin, meta, None)


def _json_kind(value: Any) -> str:
    """How JSON calls a value's type ("a number", "a list"), for error lines."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return {list: "a list", dict: "an object", str: "a string"}.get(type(value), type(value).__name__)


def document_from_record(record: Any, origin: str, columns: Mapping[str, str] | None = None) -> Document:
    """A ``Document`` from one JSON article object (or CSV row).

    columns: field → key in ``record`` for "text", "title", "source", "url", "author", "date"
        (default ``None``: the field names themselves; text also from body / content).
    """
    if not isinstance(record, dict):
        raise FormatError(origin, f"expected a JSON object, got {_json_kind(record)}")
    columns = columns or {}
    keys = (columns["text"],) if columns.get("text") else _TEXT_KEYS
    text = next((record[k] for k in keys if isinstance(record.get(k), str) and record[k].strip()), None)
    if text is None:
        wrong = next((k for k in keys if record.get(k) is not None and not isinstance(record[k], str)), None)
        if wrong is not None:
            raise FormatError(origin, f"field {wrong!r} holds {_json_kind(record[wrong])}, not text")
        if columns.get("text"):
            raise FormatError(origin, f"no text in field {columns['text']!r}")
        raise FormatError(origin, "no 'text' (or 'body' / 'content') field")
    meta = {k: record.get(columns.get(k) or k) for k in ("title", "source", "url", "author", "date")}
    if record.get("id") and not meta.get("url"):
        meta["url"] = None
    return _make_document(text.replace("\r\n", "\n"), origin, meta, None)


def iter_json_lines(raw: str, origin: str) -> Iterator[tuple[str, Any] | InputFailure]:
    """(``"file:line"``, parsed object) per non-blank JSON line, or a failure naming the line.

    A file with no JSON line at all gives one "empty file" failure.
    """
    any_line = False
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        any_line = True
        where = f"{origin}:{number}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputFailure(where, f"malformed JSON line ({exc.msg}, column {exc.colno})")
        except RecursionError:
            yield InputFailure(where, _TOO_DEEP)
    if not any_line:
        yield InputFailure(origin, "empty file")


def _iter_jsonl(raw: str, origin: str, columns: Mapping[str, str] | None = None) -> Iterator[Document | InputFailure]:
    for item in iter_json_lines(raw, origin):
        if isinstance(item, InputFailure):
            yield item
            continue
        where, record = item
        try:
            yield document_from_record(record, where, columns)
        except InputError as exc:
            yield InputFailure(exc.origin, exc.message)


def _iter_json(raw: str, origin: str, columns: Mapping[str, str] | None = None) -> Iterator[Document | InputFailure]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        yield InputFailure(origin, f"malformed JSON ({exc.msg}, line {exc.lineno} column {exc.colno})")
        return
    except RecursionError:
        yield InputFailure(origin, _TOO_DEEP)
        return
    if isinstance(data, list) and not data:
        yield InputFailure(origin, "empty JSON list: no articles")
        return
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records):
        where = f"{origin}[{index}]" if isinstance(data, list) else origin
        try:
            yield document_from_record(record, where, columns)
        except InputError as exc:
            yield InputFailure(exc.origin, exc.message)


def _iter_csv_text(
    raw: str, origin: str, columns: Mapping[str, str] | None = None, delimiter: str | None = None
) -> Iterator[Document | InputFailure]:
    columns = {k: v for k, v in (columns or {}).items() if v}
    if delimiter is None:
        delimiter = "\t" if origin.lower().endswith(".tsv") else ","
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    reader = csv.reader(io.StringIO(raw.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        yield InputFailure(f"{origin}:1", f"malformed CSV ({exc})")
        return
    if not header or not any(name.strip() for name in header):
        yield InputFailure(origin, "empty file (no header row)")
        return
    names = [name.strip() for name in header]
    by_lower = {name.lower(): name for name in reversed(names)}
    mapping: dict[str, str] = {}
    for name in FIELDS:
        wanted = columns.get(name)
        if wanted is not None:
            found = wanted if wanted in names else by_lower.get(wanted.lower())
            if found is None:
                yield InputFailure(origin, f"no column {wanted!r} for the {name} (columns: {', '.join(names)})")
                return
            mapping[name] = found
        elif name == "text":
            found = next((by_lower[k.lower()] for k in _TEXT_KEYS if k.lower() in by_lower), None)
            if found is None:
                yield InputFailure(origin, f"no 'text' (or 'body' / 'content') column (columns: {', '.join(names)})")
                return
            mapping[name] = found
        elif name in by_lower:
            mapping[name] = by_lower[name]
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield InputFailure(f"{origin}:{reader.line_num}", f"malformed CSV ({exc})")
            return
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        where = f"{origin}:{reader.line_num}"
        if len(row) > len(names):
            yield InputFailure(where, f"row has {len(row)} cells but the header names {len(names)}")
            continue
        record = dict(zip(names, row))
        if not (record.get(mapping["text"]) or "").strip():
            yield InputFailure(where, f"no text in column {mapping['text']!r}")
            continue
        try:
            yield document_from_record(record, where, mapping)
        except InputError as exc:
            yield InputFailure(exc.origin, exc.message)
    if not rows:
        yield InputFailure(origin, "no rows under the header")


def iter_csv(
    path: str | Path,
    text_column: str | None = None,
    title_column: str | None = None,
    date_column: str | None = None,
    url_column: str | None = None,
    source_column: str | None = None,
    author_column: str | None = None,
    delimiter: str | None = None,
) -> Iterator[Document | InputFailure]:
    """Documents (or failures) from a CSV / TSV dump of articles with a header row.

    Each ``*_column`` names the column holding that field; ``None`` (the default) uses the
    column of the field's own name when there is one (case-insensitive; for the text also
    ``body`` / ``content``).  A named column that is missing fails the whole file with the
    columns it has; a bad row fails alone (``path:line``).
    delimiter: default tab for ``.tsv``, comma otherwise.
    """
    origin = str(path)
    try:
        raw = read_text_file(Path(path))
    except InputError as exc:
        yield InputFailure(exc.origin, exc.message)
        return
    columns = {
        "text": text_column,
        "title": title_column,
        "date": date_column,
        "url": url_column,
        "source": source_column,
        "author": author_column,
    }
    yield from _iter_csv_text(raw, origin, {k: v for k, v in columns.items() if v}, delimiter)


def _looks_like_html(raw: str) -> bool:
    head = raw[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head or "<head" in head


def looks_like_url(text: str) -> bool:
    """Whether an input names a URL (``scheme://...``) rather than a local path."""
    return _URL_LIKE.match(text) is not None


def article_files(folder: str | Path) -> list[Path]:
    """Files of ``folder`` (recursively, in name order) read as articles: known article
    extensions, not hidden, not README / LICENSE / alias files."""
    root = Path(folder)
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.suffix.lower() in ARTICLE_SUFFIXES and not _NOT_ARTICLE.search(path.name):
            found.append(path)
    return found


def load_path(path: str | Path, columns: Mapping[str, str] | None = None) -> Iterator[Document | InputFailure]:
    """Documents (or failures) from one local file; a folder yields its ``article_files``.

    columns: for JSON / JSONL / CSV, field → key or column name (see ``document_from_record``;
    default ``None``: the field names).
    """
    if isinstance(path, str) and looks_like_url(path):
        scheme = path.split("://", 1)[0]
        try:
            host = urlsplit(path).hostname
        except ValueError:
            host = None
        if scheme.lower() not in ("http", "https"):
            yield InputFailure(path, f"{scheme}: URLs cannot be fetched (http and https only)")
        elif not host:
            yield InputFailure(path, "not a URL that can be fetched (no valid host)")
        else:
            yield InputFailure(path, "a web page: `verify check` and `verify corpus add` fetch it")
        return
    path = Path(path)
    origin = str(path)
    if path.is_dir():
        files = article_files(path)
        if not files:
            yield InputFailure(origin, NO_ARTICLE_FILES)
        for file in files:
            yield from load_path(file, columns)
        return
    try:
        raw = read_text_file(path)
    except InputError as exc:
        yield InputFailure(exc.origin, exc.message)
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _iter_jsonl(raw, origin, columns)
        return
    if suffix == ".json":
        yield from _iter_json(raw, origin, columns)
        return
    if suffix in CSV_SUFFIXES:
        yield from _iter_csv_text(raw, origin, columns)
        return
    try:
        if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_like_html(raw)):
            document = parse_html(raw, origin)
        else:
            document = parse_text(raw, origin)
    except InputError as exc:
        yield InputFailure(exc.origin, exc.message)
        return
    named = date_in_name(path.name) if document.date is None else None
    yield replace(document, date=named, date_basis="from the file name") if named else document


_NAME_DATE = re.compile(r"(?<![0-9A-Za-z])((?:18|19|20)[0-9]{2})([-_.])([0-9]{2})\2([0-9]{2})(?![0-9])")


def date_in_name(name: str) -> dt.date | None:
    """A date written ``YYYY-MM-DD`` (or with ``_`` or ``.`` throughout) in a file name: a
    real day, not after today, not glued to a letter ("v2021.01.02" is a version)."""
    name = re.split(r"[\\/]", name)[-1]  # a Windows path read on POSIX is one "name"
    for match in _NAME_DATE.finditer(name):
        try:
            day = dt.date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        except ValueError:
            continue
        if day <= dt.date.today():
            return day
    return None


def iter_documents(
    sources: Iterable[str | Path], columns: Mapping[str, str] | None = None
) -> Iterator[Document | InputFailure]:
    """Documents (or failures) from many local paths, in order; never raises for bad input.

    columns: key / column mapping for JSON, JSONL and CSV files (default ``None``; see ``load_path``).
    """
    for source in sources:
        yield from load_path(source, columns)
