"""Feeds and lists of URLs → the article URLs to fetch.

- RSS 2.0 (``<item><link>``, or a permalink ``<guid>``), RSS 1.0 / RDF, and Atom
  (``<entry><link rel="alternate" href>``, relative links resolved against ``xml:base`` or
  the feed's URL);
- sitemaps (``<urlset><url><loc>``), sitemap indexes (``<sitemapindex><sitemap><loc>``,
  followed a few levels deep) and gzip-compressed sitemaps;
- a text file of URLs, one per line (blank lines and ``#`` comments skipped).

XML is parsed with defusedxml: entity declarations (the "billion laughs" and external entity
attacks) are refused with a clear error rather than expanded.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from .errors import EmptyInputError, FormatError, InputError
from .types import InputFailure

if TYPE_CHECKING:
    from .fetch import Fetcher

__all__ = ["MAX_FEED_URLS", "MAX_SITEMAP_DEPTH", "FeedLinks", "collect_feed_urls", "parse_feed", "read_url_file"]

MAX_FEED_URLS = 50_000
MAX_SITEMAP_DEPTH = 3
MAX_UNZIPPED_BYTES = 50_000_000  # the sitemap protocol's own limit
_XML_NS = "{http://www.w3.org/XML/1998/namespace}"


@dataclass(frozen=True)
class FeedLinks:
    """What a feed or sitemap lists.

    kind: "rss", "rdf", "atom", "sitemap" or "sitemapindex".
    urls: article (page) URLs, absolute, in document order, each once.
    sitemaps: further sitemaps a sitemap index points to.
    """

    kind: str
    urls: tuple[str, ...]
    sitemaps: tuple[str, ...] = ()


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: Any) -> str:
    return (element.text or "").strip() if element is not None else ""


def _gunzip(data: bytes, origin: str) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_UNZIPPED_BYTES + 1)
    except zlib.error as exc:
        raise FormatError(origin, f"broken gzip data ({exc})") from None
    if len(out) > MAX_UNZIPPED_BYTES:
        raise FormatError(origin, f"uncompressed sitemap larger than {MAX_UNZIPPED_BYTES:,} bytes")
    return out


def _http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def parse_feed(data: bytes | str, origin: str, base_url: str | None = None) -> FeedLinks:
    """The links an RSS / Atom feed or a sitemap lists.

    data: the document (bytes keep the XML declaration's encoding; gzip is unpacked).
    origin: the feed's name for errors (its URL or path).
    base_url: resolves relative links (default: ``origin``).

    Raises ``FormatError`` for malformed or unsafe XML, or XML that is neither a feed nor a
    sitemap.  Links that are not http(s) are left out.
    """
    try:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import ParseError, fromstring
    except ImportError:  # pragma: no cover - a dependency of the package
        raise InputError(origin, "reading feeds needs defusedxml: pip install defusedxml") from None
    if isinstance(data, bytes) and data[:2] == b"\x1f\x8b":
        data = _gunzip(data, origin)
    head = (data[:1024].decode("latin-1") if isinstance(data, bytes) else data[:1024]).lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        raise FormatError(origin, "is an HTML page, not an RSS/Atom feed or a sitemap")
    if not head.strip():
        raise EmptyInputError(origin, "empty feed")
    try:
        root = fromstring(data)
    except DefusedXmlException as exc:
        raise FormatError(origin, f"unsafe XML refused ({type(exc).__name__}: entity or DTD declarations)") from None
    except ParseError as exc:
        raise FormatError(origin, f"malformed XML ({exc})") from None
    base = base_url or origin
    kind = _local(root.tag)
    urls: list[str] = []
    sitemaps: list[str] = []
    if kind == "rss":
        channel = next(iter(_children(root, "channel")), root)
        for item in _children(channel, "item"):
            link = next((_text(e) for e in _children(item, "link") if _text(e)), "")
            if not link:
                for guid in _children(item, "guid"):
                    if guid.get("isPermaLink", "true").lower() != "false" and _text(guid):
                        link = _text(guid)
            if link:
                urls.append(urljoin(base, link))
    elif kind == "rdf":
        kind = "rdf"
        for item in _children(root, "item"):
            link = next((_text(e) for e in _children(item, "link") if _text(e)), "") or item.get(
                "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about", ""
            )
            if link:
                urls.append(urljoin(base, link))
    elif kind == "feed":
        kind = "atom"
        feed_base = urljoin(base, root.get(f"{_XML_NS}base", ""))
        for entry in _children(root, "entry"):
            entry_base = urljoin(feed_base, entry.get(f"{_XML_NS}base", ""))
            links = _children(entry, "link")
            chosen = next((e for e in links if e.get("rel", "alternate") == "alternate" and e.get("href")), None)
            if chosen is None:
                chosen = next((e for e in links if e.get("href")), None)
            if chosen is not None:
                urls.append(urljoin(entry_base, chosen.get("href").strip()))
    elif kind == "urlset":
        kind = "sitemap"
        for node in _children(root, "url"):
            loc = next((_text(e) for e in _children(node, "loc")), "")
            if loc:
                urls.append(urljoin(base, loc))
    elif kind == "sitemapindex":
        for node in _children(root, "sitemap"):
            loc = next((_text(e) for e in _children(node, "loc")), "")
            if loc:
                sitemaps.append(urljoin(base, loc))
    else:
        raise FormatError(origin, f"not an RSS/Atom feed or a sitemap (its root element is <{_local(root.tag)}>)")
    return FeedLinks(
        kind, tuple(dict.fromkeys(u for u in urls if _http(u))), tuple(dict.fromkeys(s for s in sitemaps if _http(s)))
    )


async def collect_feed_urls(fetcher: Fetcher, url: str, *, max_urls: int = MAX_FEED_URLS) -> list[str]:
    """Fetch a feed or sitemap and return the article URLs it lists, following sitemap indexes
    ``MAX_SITEMAP_DEPTH`` levels deep; at most ``max_urls`` (default 50,000).

    fetcher: an open ``verify.fetch.Fetcher`` (the feed goes through its cache, robots and
    limits like any page).  Raises ``InputError`` (naming the feed URL) when the feed cannot be
    fetched or read, or lists no links; a broken child sitemap is named in the error.
    """
    found: dict[str, None] = {}
    seen: set[str] = set()

    async def visit(feed_url: str, depth: int) -> None:
        if feed_url in seen or len(found) >= max_urls:
            return
        seen.add(feed_url)
        result = await fetcher.fetch(feed_url, kind="feed")
        links = parse_feed(result.content, feed_url, base_url=result.final_url)
        for link in links.urls:
            if len(found) >= max_urls:
                break
            found.setdefault(link)
        if links.sitemaps and depth >= MAX_SITEMAP_DEPTH:
            raise FormatError(feed_url, f"sitemap indexes nested more than {MAX_SITEMAP_DEPTH} levels deep")
        for child in links.sitemaps:
            await visit(child, depth + 1)

    try:
        await visit(url, 0)
    except InputError as exc:
        if exc.origin == url:
            raise
        raise InputError(url, f"{exc.origin}: {exc.message}") from None
    if not found:
        raise EmptyInputError(url, "the feed lists no article links")
    return list(found)


def read_url_file(path: str | Path) -> tuple[list[str], list[InputFailure]]:
    """The URLs in a text file, one per line; blank lines and ``#`` comments are skipped.

    Returns ``(urls, failures)``: a line that is not an http(s) URL is a failure naming
    ``path:line``; an unreadable file is one failure naming the file.
    """
    from .fetch import is_http_url
    from .ingest import read_text_file

    origin = str(path)
    try:
        raw = read_text_file(Path(path))
    except InputError as exc:
        return [], [InputFailure(exc.origin, exc.message)]
    urls: list[str] = []
    failures: list[InputFailure] = []
    for number, line in enumerate(raw.splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if is_http_url(text):
            urls.append(text)
        else:
            failures.append(InputFailure(f"{origin}:{number}", f"not an http(s) URL: {text[:80]!r}"))
    if not urls and not failures:
        failures.append(InputFailure(origin, "the file lists no URLs"))
    return urls, failures
