"""Fetch web pages: http(s) URLs → ``FetchResult`` → ``Document``, politely and without surprises.

What a fetch does, in order, for each URL:

- only ``http`` and ``https``; the fragment is dropped;
- robots.txt of the host is read once per run (``urllib.robotparser``) and honoured unless the
  ``respect_robots`` setting is off; an unreachable robots.txt (5xx, network error) means
  "disallow all", as RFC 9309 says; a missing one (4xx) allows everything;
- requests to one host are spaced by ``http_host_interval`` seconds; at most
  ``http_concurrency`` requests run at once;
- redirects are followed by hand, at most ``http_max_redirects``, and a URL seen twice in one
  chain is a redirect loop;
- 429 and 5xx answers are retried ``http_retries`` times with exponential backoff, waiting what
  ``Retry-After`` asks for; a wait longer than ``http_max_retry_after`` fails the URL at once;
- the body is streamed and cut at ``http_max_bytes`` (decoded bytes, so a compression bomb is
  cut too); ``http_timeout`` bounds each attempt as a whole (connect, headers, body);
- HTML, XHTML, plain text and XML feeds are accepted; a PDF, an image or any other type is one
  clear error;
- a page that came with an ``ETag`` or ``Last-Modified`` is kept in an on-disk cache keyed by
  its URL (``http_cache``; an empty string turns the cache off); the next run asks the server
  whether it changed (``If-None-Match`` / ``If-Modified-Since``) and a 304 answer reuses the
  cached copy, so nothing unchanged is downloaded again;
- the text is decoded from the byte-order mark, the ``Content-Type`` charset, a ``<meta>``
  charset or an XML declaration, in that order, else UTF-8 with a Windows-1252 fallback.

Every failure is a ``FetchError`` naming the URL; ``iter_web_documents`` turns them into
``InputFailure`` so one bad URL never stops a batch.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import datetime as dt
import email.utils
import hashlib
import json
import os
import queue
import random
import re
import threading
import time
import urllib.robotparser
from collections import deque
from collections.abc import AsyncGenerator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from .errors import FetchError, FormatError, InputError
from .types import Document, InputFailure

if TYPE_CHECKING:
    from .progress import Progress

__all__ = [
    "FetchOptions",
    "FetchResult",
    "FetchStats",
    "Fetcher",
    "HttpCache",
    "decode_body",
    "default_cache_dir",
    "document_from_fetch",
    "is_http_url",
    "iter_web_documents",
    "normalise_url",
]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_TYPES = frozenset(
    {
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
    }
)
GZIP_TYPES = frozenset({"application/gzip", "application/x-gzip"})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_CODES = frozenset({429, 500, 502, 503, 504})
ROBOTS_MAX_BYTES = 512_000
_BACKOFF_BASE = 0.5
_BACKOFF_MAX = 30.0

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")


def default_cache_dir() -> str:
    """``$XDG_CACHE_HOME/verify/http`` (``~/.cache/verify/http``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "verify" / "http")


@dataclass(frozen=True)
class FetchOptions:
    """How to fetch; every field comes from a setting of the same meaning (see settings.py).

    timeout: seconds for one attempt, whole (``http_timeout``).
    max_bytes: largest body accepted (``http_max_bytes``).
    concurrency: requests at once (``http_concurrency``).
    cache_dir: on-disk cache folder; ``None`` turns the cache off (``http_cache``).
    user_agent: the User-Agent header; its first word is the robots.txt token (``user_agent``).
    respect_robots: honour robots.txt (``respect_robots``).
    retries: retries after a 429 / 5xx answer (``http_retries``).
    max_redirects: redirects followed (``http_max_redirects``).
    max_retry_after: longest Retry-After wait honoured, seconds (``http_max_retry_after``).
    host_interval: seconds between two requests to one host (``http_host_interval``).
    """

    timeout: float
    max_bytes: int
    concurrency: int
    cache_dir: str | None
    user_agent: str
    respect_robots: bool
    retries: int
    max_redirects: int
    max_retry_after: float
    host_interval: float

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None = None) -> FetchOptions:
        """Options from the settings table; ``settings`` overrides it (``None`` values ignored).

        ``http_cache`` unset means ``default_cache_dir()``; an empty string means no cache.
        """
        from .settings import load_settings

        values = load_settings(settings)
        cache = values["http_cache"]
        if cache is None:
            cache = default_cache_dir()
        return cls(
            timeout=float(values["http_timeout"]),
            max_bytes=int(values["http_max_bytes"]),
            concurrency=max(1, int(values["http_concurrency"])),
            cache_dir=str(cache) if cache not in ("", False) else None,
            user_agent=str(values["user_agent"]),
            respect_robots=bool(values["respect_robots"]),
            retries=max(0, int(values["http_retries"])),
            max_redirects=max(0, int(values["http_max_redirects"])),
            max_retry_after=float(values["http_max_retry_after"]),
            host_interval=max(0.0, float(values["http_host_interval"])),
        )

    @property
    def robots_token(self) -> str:
        """The product token robots.txt rules are matched against ("verify-factcheck")."""
        return (self.user_agent.split() or ["*"])[0].split("/")[0] or "*"


@dataclass(frozen=True)
class FetchResult:
    """One fetched resource.

    url: the URL asked for (normalised); final_url: where the redirects ended.
    status: the HTTP status of the final answer (200, or 304 when the cache was revalidated).
    content_type: media type in lower case without parameters ("text/html").
    charset: the ``charset`` parameter of the Content-Type header, when given.
    content: the body as bytes (at most ``max_bytes``).
    from_cache: the body is the cached copy, confirmed unchanged by a 304 answer.
    """

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    content: bytes
    from_cache: bool = False

    @property
    def text(self) -> str:
        """The body decoded (see ``decode_body``)."""
        return decode_body(self.content, self.charset, self.content_type)


@dataclass
class FetchStats:
    """Counters of one fetch run, for summaries and benchmarks.

    requests: HTTP requests sent (robots.txt included); downloaded: 2xx bodies received;
    not_modified: 304 answers (cache reused); retries: retried requests; bytes: body bytes
    received; failures: URLs that failed; robots_blocked: URLs refused by robots.txt;
    seconds: time spent in fetches, summed over URLs (they overlap, so it exceeds wall time).
    """

    requests: int = 0
    downloaded: int = 0
    not_modified: int = 0
    retries: int = 0
    bytes: int = 0
    failures: int = 0
    robots_blocked: int = 0
    seconds: float = 0.0


def is_http_url(text: str) -> bool:
    """True when ``text`` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def normalise_url(url: str, origin: str | None = None) -> str:
    """The URL without its fragment, scheme and host in lower case; ``FetchError`` if not http(s)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host_ok = bool(parts.hostname)
    except ValueError:
        raise FetchError(origin or url, "not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(origin or url, f"only http and https URLs can be fetched, not {parts.scheme or 'no scheme'!r}")
    if not host_ok:
        raise FetchError(origin or url, "URL has no host")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _codec(name: str | None) -> str | None:
    """A Python codec for a charset label, following the WHATWG aliases (latin-1 → cp1252)."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in ("iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "iso_8859-1", "cp819"):
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_body(content: bytes, charset: str | None = None, content_type: str = "text/html") -> str:
    """Bytes → text: byte-order mark, then ``charset`` (from the header), then a ``<meta>`` charset
    (HTML) or the XML declaration, else UTF-8, falling back to Windows-1252.

    Undecodable bytes become U+FFFD rather than an error.
    """
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if content.startswith(bom):
            return content[len(bom) :].decode(name, errors="replace")
    encoding = _codec(charset)
    if encoding is None:
        head = content[:4096]
        match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
        if match:
            encoding = _codec(match.group(1).decode("ascii", "replace"))
    # a page cannot really be UTF-16 when its header was read as ASCII
    if encoding is not None and not encoding.startswith("utf-16"):
        return content.decode(encoding, errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _media_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media.strip().lower(), charset


def _sniff(head: bytes) -> str:
    start = head.lstrip()[:512]
    if start.startswith(b"%PDF"):
        return "application/pdf"
    if start.startswith((b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"RIFF")):
        return "image/*"
    if start.startswith(b"\x1f\x8b"):
        return "application/gzip"
    if start.startswith(b"PK\x03\x04"):
        return "application/zip"
    lower = start.lower()
    if lower.startswith(b"<?xml") and b"<html" not in lower:
        return "application/xml"
    if lower.startswith((b"<!doctype html", b"<html")) or b"<body" in lower or b"<head" in lower:
        return "text/html"
    if b"\x00" in start:
        return "application/octet-stream"
    return "text/plain"


def _describe(media: str) -> str:
    if media == "application/pdf":
        return "a PDF document"
    if media.startswith("image/"):
        return "an image"
    if media.startswith("video/"):
        return "a video"
    if media.startswith("audio/"):
        return "an audio file"
    if media in ("application/zip", *GZIP_TYPES):
        return "a compressed archive"
    if media in ("application/json", "application/ld+json"):
        return "JSON"
    return "an unsupported kind of file"


def _accepted(media: str, kind: str) -> bool:
    if media in HTML_TYPES or media.startswith("text/") or media in XML_TYPES or media.endswith("+xml"):
        return True
    return kind == "feed" and media in GZIP_TYPES


def _type_error(url: str, media: str) -> FetchError:
    return FetchError(
        url, f"is {_describe(media)} ({media}), not a web page or feed: verify reads HTML, XHTML, plain text and feeds"
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


# --------------------------------------------------------------------------- cache


@dataclass(frozen=True)
class CacheEntry:
    """A cached answer: the validators and where its body lies."""

    url: str
    final_url: str
    etag: str | None
    last_modified: str | None
    content_type: str
    charset: str | None
    sha256: str
    size: int
    stored_at: float


class HttpCache:
    """An on-disk HTTP cache keyed by URL: ``<dir>/<xx>/<sha256 of URL>.json`` + ``.body``.

    Only answers with an ``ETag`` or ``Last-Modified`` are kept (nothing else could be
    revalidated), never one marked ``Cache-Control: no-store``.  Files are replaced
    atomically; an entry whose body does not match its recorded hash is ignored.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        folder = self.directory / key[:2]
        return folder / f"{key}.json", folder / f"{key}.body"

    def load(self, url: str) -> tuple[CacheEntry, bytes] | None:
        """The entry and body cached for ``url``, or ``None``."""
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            entry = CacheEntry(**meta)
            body = body_path.read_bytes()
        except (OSError, ValueError, TypeError):
            return None
        if entry.url != url or len(body) != entry.size or hashlib.sha256(body).hexdigest() != entry.sha256:
            return None
        return entry, body

    def store(self, result: FetchResult, headers: httpx.Headers) -> bool:
        """Keep ``result`` when its headers allow revalidation; True when stored."""
        etag = headers.get("etag")
        last_modified = headers.get("last-modified")
        if not (etag or last_modified) or "no-store" in headers.get("cache-control", "").lower():
            return False
        meta_path, body_path = self._paths(result.url)
        entry = CacheEntry(
            url=result.url,
            final_url=result.final_url,
            etag=etag,
            last_modified=last_modified,
            content_type=result.content_type,
            charset=result.charset,
            sha256=hashlib.sha256(result.content).hexdigest(),
            size=len(result.content),
            stored_at=time.time(),
        )
        try:
            meta_path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(body_path, result.content)
            _atomic_write(meta_path, json.dumps(entry.__dict__).encode("utf-8"))
        except OSError:
            return False  # a cache that cannot be written only costs a refetch
        return True


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- fetcher


@dataclass
class _Answer:
    status: int
    reason: str
    headers: httpx.Headers
    content: bytes | None = None


class Fetcher:
    """Asynchronous, polite fetcher; use as ``async with Fetcher(options) as f: await f.fetch(url)``.

    options: ``FetchOptions`` (default: ``FetchOptions.from_settings()``).
    transport: an httpx transport (tests may inject one); default: real network.
    stats: counters to fill (default: a new ``FetchStats``, see ``.stats``).
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        stats: FetchStats | None = None,
    ) -> None:
        self.options = options or FetchOptions.from_settings()
        self.stats = stats if stats is not None else FetchStats()
        self.cache = HttpCache(self.options.cache_dir) if self.options.cache_dir else None
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._semaphore: asyncio.Semaphore | None = None
        self._robots: dict[str, tuple[urllib.robotparser.RobotFileParser | None, str]] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._host_next: dict[str, float] = {}

    async def __aenter__(self) -> Self:
        timeout = httpx.Timeout(self.options.timeout)
        limits = httpx.Limits(
            max_connections=self.options.concurrency * 2, max_keepalive_connections=self.options.concurrency
        )
        self._client = httpx.AsyncClient(
            headers={
                "User-Agent": self.options.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,text/*;q=0.8",
            },
            timeout=timeout,
            limits=limits,
            follow_redirects=False,
            transport=self._transport,
            trust_env=self._transport is None,
        )
        self._semaphore = asyncio.Semaphore(self.options.concurrency)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # ---- public

    async def fetch(self, url: str, *, kind: str = "page") -> FetchResult:
        """Fetch one URL (``kind`` "page" or "feed"; a feed may also be gzip); raises ``FetchError``."""
        if self._client is None or self._semaphore is None:
            raise RuntimeError("use 'async with Fetcher(...) as fetcher'")
        origin = url.strip()
        started = time.perf_counter()
        try:
            url = normalise_url(origin)
            async with self._semaphore:
                return await self._follow(url, origin, kind)
        except FetchError:
            self.stats.failures += 1
            raise
        finally:
            self.stats.seconds += time.perf_counter() - started

    async def fetch_all(
        self, urls: Iterable[str], *, kind: str = "page"
    ) -> AsyncGenerator[tuple[str, FetchResult | InputError], None]:
        """``(url, result or error)`` for each URL, in the order given, fetching up to
        ``concurrency`` at once (and looking ahead a few times that many)."""
        window = self.options.concurrency * 4
        pending: deque[tuple[str, asyncio.Task[FetchResult | InputError]]] = deque()
        try:
            for url in urls:
                pending.append((url, asyncio.ensure_future(self._outcome(url, kind))))
                while len(pending) >= window:
                    done_url, task = pending.popleft()
                    yield done_url, await task
            while pending:
                done_url, task = pending.popleft()
                yield done_url, await task
        finally:
            for _, task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*(task for _, task in pending), return_exceptions=True)

    async def _outcome(self, url: str, kind: str) -> FetchResult | InputError:
        try:
            return await self.fetch(url, kind=kind)
        except InputError as exc:
            return exc

    # ---- steps

    async def _follow(self, url: str, origin: str, kind: str) -> FetchResult:
        cached = self.cache.load(url) if self.cache else None
        seen = [url]
        current = url
        for _hop in range(self.options.max_redirects + 1):
            if self.options.respect_robots:
                await self._check_robots(current, origin)
            headers: dict[str, str] = {}
            if cached is not None and cached[0].final_url == current:
                if cached[0].etag:
                    headers["If-None-Match"] = cached[0].etag
                if cached[0].last_modified:
                    headers["If-Modified-Since"] = cached[0].last_modified
            answer = await self._request_with_retries(current, origin, headers, kind)
            if answer.status in REDIRECT_CODES:
                location = answer.headers.get("location")
                if not location:
                    raise FetchError(origin, f"HTTP {answer.status} redirect without a Location header")
                target = normalise_url(urljoin(current, location.strip()), origin)
                if target in seen:
                    raise FetchError(origin, f"redirect loop: {' → '.join(seen[seen.index(target) :] + [target])}")
                seen.append(target)
                current = target
                continue
            if answer.status == 304:
                if cached is None:
                    raise FetchError(origin, "HTTP 304 Not Modified, but there is no cached copy")
                self.stats.not_modified += 1
                entry, body = cached
                return FetchResult(url, current, 304, entry.content_type, entry.charset, body, from_cache=True)
            if not 200 <= answer.status < 300:
                retried = (
                    f" (after {self.options.retries} retries)"
                    if answer.status in RETRY_CODES and self.options.retries
                    else ""
                )
                raise FetchError(origin, f"HTTP {answer.status} {answer.reason}".rstrip() + retried)
            assert answer.content is not None
            media, charset = _media_type(answer.headers.get("content-type"))
            sniffed = _sniff(answer.content[:1024])
            if not media or media == "application/octet-stream":
                media = sniffed
            # a server may call a PDF text/html; believe the bytes
            if sniffed in ("application/pdf", "image/*", "application/zip") or (
                sniffed in GZIP_TYPES and kind != "feed"
            ):
                media = sniffed
            if not _accepted(media, kind):
                raise _type_error(origin, media)
            if not answer.content.strip():
                raise FetchError(origin, f"HTTP {answer.status}: empty response")
            result = FetchResult(url, current, answer.status, media, charset, answer.content)
            if self.cache is not None:
                self.cache.store(result, answer.headers)
            return result
        raise FetchError(
            origin, f"too many redirects (more than {self.options.max_redirects}, setting http_max_redirects)"
        )

    async def _request_with_retries(self, url: str, origin: str, headers: dict[str, str], kind: str) -> _Answer:
        attempt = 0
        while True:
            answer = await self._attempt(url, origin, headers, kind)
            if answer.status not in RETRY_CODES or attempt >= self.options.retries:
                return answer
            asked = _retry_after(answer.headers.get("retry-after"))
            if asked is not None and asked > self.options.max_retry_after:
                raise FetchError(
                    origin,
                    f"HTTP {answer.status} {answer.reason}; the server asks to retry after {asked:.0f} s, "
                    f"more than http_max_retry_after ({self.options.max_retry_after:g} s)",
                )
            if asked is None:
                asked = min(_BACKOFF_MAX, _BACKOFF_BASE * 2**attempt) * (0.75 + random.random() / 2)
            attempt += 1
            self.stats.retries += 1
            await asyncio.sleep(asked)

    async def _attempt(self, url: str, origin: str, headers: dict[str, str], kind: str) -> _Answer:
        assert self._client is not None
        await self._wait_turn(url)
        self.stats.requests += 1
        limit = self.options.max_bytes
        try:
            async with asyncio.timeout(self.options.timeout):
                request = self._client.build_request("GET", url, headers=headers)
                response = await self._client.send(request, stream=True)
                try:
                    answer = _Answer(response.status_code, response.reason_phrase, response.headers)
                    if not 200 <= response.status_code < 300:
                        return answer
                    media, _ = _media_type(response.headers.get("content-type"))
                    if media and media != "application/octet-stream" and not _accepted(media, kind):
                        raise _type_error(origin, media)
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit and "content-encoding" not in response.headers:
                        raise FetchError(
                            origin,
                            f"response too large ({int(declared):,} bytes; limit {limit:,}, setting http_max_bytes)",
                        )
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > limit:
                            raise FetchError(
                                origin,
                                f"response larger than {limit:,} bytes (setting http_max_bytes); download stopped",
                            )
                        chunks.append(chunk)
                    answer.content = b"".join(chunks)
                    self.stats.downloaded += 1
                    self.stats.bytes += size
                    return answer
                finally:
                    await response.aclose()
        except TimeoutError:
            raise FetchError(origin, f"timed out after {self.options.timeout:g} s (setting http_timeout)") from None
        except httpx.TimeoutException:
            raise FetchError(origin, f"timed out after {self.options.timeout:g} s (setting http_timeout)") from None
        except httpx.ConnectError as exc:
            raise FetchError(origin, f"cannot connect to {urlsplit(url).netloc}: {_reason(exc)}") from None
        except httpx.HTTPError as exc:
            raise FetchError(origin, f"HTTP failure: {_reason(exc)}") from None

    async def _wait_turn(self, url: str) -> None:
        """Space requests to one host by ``host_interval`` seconds."""
        interval = self.options.host_interval
        if interval <= 0:
            return
        host = urlsplit(url).netloc
        lock = self._host_locks.setdefault(host, asyncio.Lock())
        async with lock:
            loop = asyncio.get_running_loop()
            wait = self._host_next.get(host, 0.0) - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._host_next[host] = loop.time() + interval

    async def _check_robots(self, url: str, origin: str) -> None:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._robots:
            lock = self._robots_locks.setdefault(site, asyncio.Lock())
            async with lock:
                if site not in self._robots:
                    self._robots[site] = await self._read_robots(site)
        parser, why = self._robots[site]
        if parser is None:
            self.stats.robots_blocked += 1
            raise FetchError(origin, why)
        if not parser.can_fetch(self.options.robots_token, url):
            self.stats.robots_blocked += 1
            raise FetchError(
                origin, f"disallowed by {site}/robots.txt for {self.options.robots_token!r} (setting respect_robots)"
            )

    async def _read_robots(self, site: str) -> tuple[urllib.robotparser.RobotFileParser | None, str]:
        """The parsed robots.txt of ``site``; ``(None, message)`` when it is unreachable (disallow all)."""
        assert self._client is not None
        parser = urllib.robotparser.RobotFileParser(f"{site}/robots.txt")
        url = f"{site}/robots.txt"
        try:
            for _ in range(5):
                await self._wait_turn(url)
                self.stats.requests += 1
                async with asyncio.timeout(self.options.timeout):
                    response = await self._client.get(url)
                if response.status_code in REDIRECT_CODES and response.headers.get("location"):
                    url = urljoin(url, response.headers["location"])
                    continue
                break
        except (TimeoutError, httpx.TimeoutException):
            return (
                None,
                f"{site}/robots.txt timed out after {self.options.timeout:g} s, so nothing there is fetched (setting respect_robots)",
            )
        except httpx.ConnectError as exc:
            return None, f"cannot connect to {urlsplit(site).netloc}: {_reason(exc)}"
        except httpx.HTTPError as exc:
            return (
                None,
                f"{site}/robots.txt cannot be read ({_reason(exc)}), so nothing there is fetched (setting respect_robots)",
            )
        status = response.status_code
        if 200 <= status < 300:
            text = decode_body(
                response.content[:ROBOTS_MAX_BYTES], _media_type(response.headers.get("content-type"))[1], "text/plain"
            )
            parser.parse(text.splitlines())
        elif 400 <= status < 500 or status in REDIRECT_CODES:
            parser.parse([])  # no rules: everything allowed
        else:
            return (
                None,
                f"{site}/robots.txt answered HTTP {status}, so nothing there is fetched (setting respect_robots)",
            )
        return parser, ""


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


# --------------------------------------------------------------------------- documents


def document_from_fetch(result: FetchResult) -> Document:
    """The ``Document`` of a fetched page: HTML through ``ingest.parse_html`` (its canonical URL
    kept as ``Document.url``), plain text through ``ingest.parse_text``.

    A feed or sitemap given as a page is a ``FormatError`` that says to use it as a feed.
    """
    from .ingest import parse_html, parse_text

    media = result.content_type
    if media in XML_TYPES or (media.endswith("+xml") and media not in HTML_TYPES) or media in GZIP_TYPES:
        raise FormatError(result.url, f"is a feed or XML file ({media}), not an article: give it as a feed (--feed)")
    text = result.text
    if media in HTML_TYPES or _sniff(result.content[:1024]) == "text/html":
        return parse_html(text, origin=result.url, url=result.final_url)
    return parse_text(text, origin=result.url, url=result.final_url)


_DONE = object()


def iter_web_documents(
    urls: Iterable[str] = (),
    feeds: Iterable[str] = (),
    settings: Mapping[str, Any] | None = None,
    *,
    progress: Progress | None = None,
    stats: FetchStats | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Iterator[Document | InputFailure]:
    """Documents (or failures) from web pages and from the pages feeds list; never raises for bad input.

    urls: page URLs, fetched in this order.
    feeds: RSS / Atom feeds or sitemaps (sitemap indexes are followed); their links are fetched
        after ``urls``, each URL once.
    settings: settings overrides (see ``FetchOptions.from_settings``; default: the table).
    progress: a ``verify.progress.Progress`` to show a "fetched" bar on (default: none).
    stats: a ``FetchStats`` to fill (default: none kept).
    transport: an httpx transport (tests); default: the network.

    Fetching runs on an event loop in a background thread, a bounded window ahead of the
    consumer; the HTML extraction runs in the caller's thread while the next pages download.
    Closing the generator early stops the fetching.
    """
    from .feeds import collect_feed_urls

    options = FetchOptions.from_settings(settings)
    stats = stats if stats is not None else FetchStats()
    url_list = list(urls)
    feed_list = list(feeds)
    channel: queue.Queue[Any] = queue.Queue(maxsize=options.concurrency * 2)
    stop = threading.Event()
    bar = progress.bar("fetched", total=None, unit="page") if progress is not None else None

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                channel.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    async def produce() -> None:
        async with Fetcher(options, transport=transport, stats=stats) as fetcher:
            pages = list(url_list)
            for feed in feed_list:
                try:
                    found = await collect_feed_urls(fetcher, feed)
                except InputError as exc:
                    if not await asyncio.to_thread(put, InputFailure(exc.origin, exc.message)):
                        return
                    continue
                pages.extend(found)
            unique: list[str] = []
            seen: set[str] = set()
            for url in pages:
                try:
                    key = normalise_url(url)
                except FetchError:
                    key = url
                if key not in seen:
                    seen.add(key)
                    unique.append(url)
            if bar is not None:
                bar.set_total(len(unique))
            async with contextlib.aclosing(fetcher.fetch_all(unique)) as results:
                async for url, outcome in results:
                    if not await asyncio.to_thread(put, (url, outcome)):
                        return

    async def until_stopped() -> None:
        # the consumer may close early while a slow fetch is awaited: cancel it then
        work = asyncio.ensure_future(produce())
        while not work.done():
            await asyncio.wait({work}, timeout=0.1)
            if stop.is_set() and not work.done():
                work.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await work
                return
        work.result()

    def run() -> None:
        try:
            asyncio.run(until_stopped())
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which re-raises it
            put(exc)
        finally:
            put(_DONE)

    thread = threading.Thread(target=run, name="verify-fetch", daemon=True)
    thread.start()
    try:
        while True:
            item = channel.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, InputFailure):
                yield item
                continue
            _url, outcome = item
            if bar is not None:
                bar.update()
            if isinstance(outcome, InputError):
                yield InputFailure(outcome.origin, outcome.message)
                continue
            try:
                yield document_from_fetch(outcome)
            except InputError as exc:
                yield InputFailure(exc.origin, exc.message)
    finally:
        stop.set()
        thread.join(timeout=options.timeout + 5)
        if bar is not None:
            bar.close()
