"""Ingest: local files → ``Document``.

Formats, chosen by extension (content sniffing for the rest):

- ``.txt`` / ``.md``: plain text; an optional first line ``date YYYY-MM-DD`` or a front
  matter block (``---`` lines around ``key: value`` pairs: title, source, url, date, author).
- ``.html`` / ``.htm``: main text, title, author and publication date extracted with
  trafilatura and htmldate.
- ``.jsonl`` / ``.ndjson``: one article object per line; ``.json``: one object or a list.
  Keys: ``text`` (or ``body`` / ``content``), ``title``, ``source``, ``url``, ``date``,
  ``author``.

``iter_documents`` yields a ``Document`` or an ``InputFailure`` per input, so one bad
input never stops a batch.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from .errors import DecodeError, EmptyInputError, FormatError, InputError
from .types import Document, InputFailure

__all__ = [
    "read_text_file",
    "decode_bytes",
    "parse_text",
    "parse_html",
    "document_from_record",
    "load_path",
    "iter_documents",
    "MAX_FILE_BYTES",
]

log = logging.getLogger("verify")

MAX_FILE_BYTES = 50_000_000
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}

_DATE_LINE = re.compile(r"\A[ \t\ufeff]*date[ \t]+(\d{4}-\d{2}-\d{2})\b[ \t]*\r?\n?[ \t]*", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_TEXT_KEYS = ("text", "body", "content", "articleBody")


def decode_bytes(data: bytes, origin: str) -> str:
    """Decode file bytes as text: UTF-8 (BOM allowed), else Windows-1252 with a warning.

    Raises ``EmptyInputError`` for no text and ``DecodeError`` for binary data.
    """
    if not data.strip():
        raise EmptyInputError(origin, "empty file")
    sample = data[:8192]
    if b"\x00" in sample or sample.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\x7fELF", b"GIF8")):
        raise DecodeError(origin, "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        log.warning("%s: not valid UTF-8; read as Windows-1252 (Latin-1)", origin)
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 50):
        raise DecodeError(origin, "binary file, not text")
    return text


def read_text_file(path: Path) -> str:
    """Read and decode a local file, refusing files over ``MAX_FILE_BYTES``."""
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(origin, f"file too large ({size:,} bytes; limit {MAX_FILE_BYTES:,})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(origin, "no such file or directory") from None
    except IsADirectoryError:
        raise InputError(origin, "is a directory") from None
    except OSError as exc:
        raise InputError(origin, f"cannot read: {exc.strerror or exc}") from None
    return decode_bytes(data, origin)


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
    verbatim = "\r" not in raw
    text = raw[offset:] if verbatim else raw[offset:].replace("\r\n", "\n").replace("\r", "\n")
    return _make_document(text, origin, fields, offset if verbatim else None)


def parse_html(raw: str, origin: str = "<html>", url: str | None = None) -> Document:
    """Main text, title, author and publication date of an HTML page (trafilatura)."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - a dependency of the package
        raise InputError(origin, "HTML input needs trafilatura: pip install trafilatura") from None
    if "<" not in raw[:4096] and "<" not in raw:
        raise FormatError(origin, "not HTML (no markup found)")
    try:
        result = trafilatura.bare_extraction(
            raw, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise FormatError(origin, f"cannot parse HTML: {exc}") from None
    if result is None:
        raise FormatError(origin, "no article text found in the HTML")
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = data.get("text") or ""
    if not text.strip():
        raise FormatError(origin, "no article text found in the HTML")
    meta = {
        "title": data.get("title"),
        "source": data.get("sitename"),
        "url": data.get("url") or url,
        "author": data.get("author"),
        "date": data.get("date"),
    }
    try:
        return _make_document(text, origin, meta, None)
    except FormatError:
        meta["date"] = None
        return _make_document(text, origin, meta, None)


def document_from_record(record: Any, origin: str) -> Document:
    """A ``Document`` from one JSON article object."""
    if not isinstance(record, dict):
        raise FormatError(origin, f"expected a JSON object, got {type(record).__name__}")
    text = next((record[k] for k in _TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
    if text is None:
        raise FormatError(origin, "no 'text' (or 'body' / 'content') field")
    meta = {k: record.get(k) for k in ("title", "source", "url", "author", "date")}
    if record.get("id") and not meta.get("url"):
        meta["url"] = None
    return _make_document(text.replace("\r\n", "\n"), origin, meta, None)


def _iter_jsonl(raw: str, origin: str) -> Iterator[Document | InputFailure]:
    any_line = False
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        any_line = True
        where = f"{origin}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputFailure(where, f"malformed JSON line ({exc.msg}, column {exc.colno})")
            continue
        try:
            yield document_from_record(record, where)
        except InputError as exc:
            yield InputFailure(exc.origin, exc.message)
    if not any_line:
        yield InputFailure(origin, "empty file")


def _iter_json(raw: str, origin: str) -> Iterator[Document | InputFailure]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        yield InputFailure(origin, f"malformed JSON ({exc.msg}, line {exc.lineno} column {exc.colno})")
        return
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records):
        where = f"{origin}[{index}]" if isinstance(data, list) else origin
        try:
            yield document_from_record(record, where)
        except InputError as exc:
            yield InputFailure(exc.origin, exc.message)


def _looks_like_html(raw: str) -> bool:
    head = raw[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head or "<head" in head


def load_path(path: str | Path) -> Iterator[Document | InputFailure]:
    """Documents (or failures) from one local file; a folder yields its files in order."""
    path = Path(path)
    origin = str(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        if not files:
            yield InputFailure(origin, "folder holds no files")
        for file in files:
            yield from load_path(file)
        return
    try:
        raw = read_text_file(path)
    except InputError as exc:
        yield InputFailure(exc.origin, exc.message)
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _iter_jsonl(raw, origin)
        return
    if suffix == ".json":
        yield from _iter_json(raw, origin)
        return
    try:
        if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_like_html(raw)):
            yield parse_html(raw, origin)
        else:
            yield parse_text(raw, origin)
    except InputError as exc:
        yield InputFailure(exc.origin, exc.message)


def iter_documents(sources: Iterable[str | Path]) -> Iterator[Document | InputFailure]:
    """Documents (or failures) from many local paths, in order; never raises for bad input."""
    for source in sources:
        yield from load_path(source)
