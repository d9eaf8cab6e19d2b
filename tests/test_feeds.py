"""verify.feeds: RSS / Atom / sitemap parsing (hardened XML), URL lists, and feeds fetched from loopback."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path
from typing import Any

import pytest
from loopback import FEED_ITEMS, LoopbackServer, install_news_site, no_proxies, rss_feed, sitemap, sitemap_index  # noqa: F401 - no_proxies is an autouse fixture

from verify.errors import EmptyInputError, FormatError, InputError
from verify.feeds import collect_feed_urls, parse_feed, read_url_file
from verify.fetch import Fetcher, FetchOptions, FetchStats, iter_web_documents
from verify.types import Document, InputFailure


def settings(cache: Path, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "http_timeout": 2.0,
        "http_cache": str(cache),
        "http_host_interval": 0.0,
        "http_retries": 0,
        "http_concurrency": 4,
    }
    values.update(overrides)
    return values


# ---------------------------------------------------------------- parsing


def test_rss_links_in_order_each_once() -> None:
    links = [f"https://news.example.invalid/story/{i}" for i in range(5)]
    parsed = parse_feed(rss_feed(links + links[:2]), "feed.xml")
    assert parsed.kind == "rss"
    assert parsed.urls == tuple(links)


def test_rss_guid_permalink_and_relative_links() -> None:
    data = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><guid>https://a.example.invalid/1</guid></item>
    <item><guid isPermaLink="false">tag:a.example.invalid,2024:2</guid></item>
    <item><link>/relative/3</link></item>
    <item><link>mailto:desk@a.example.invalid</link></item>
    </channel></rss>"""
    parsed = parse_feed(data, "feed", base_url="https://a.example.invalid/feeds/main.xml")
    assert parsed.urls == ("https://a.example.invalid/1", "https://a.example.invalid/relative/3")


def test_atom_alternate_links_with_xml_base() -> None:
    data = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://b.example.invalid/news/">
      <title>t</title>
      <entry><title>1</title><link rel="self" href="https://b.example.invalid/api/1"/>
             <link rel="alternate" href="one.html"/></entry>
      <entry><title>2</title><link href="/two.html"/></entry>
      <entry xml:base="https://c.example.invalid/"><title>3</title><link href="three"/></entry>
    </feed>"""
    parsed = parse_feed(data, "atom")
    assert parsed.kind == "atom"
    assert parsed.urls == (
        "https://b.example.invalid/news/one.html",
        "https://b.example.invalid/two.html",
        "https://c.example.invalid/three",
    )


def test_rss_1_rdf() -> None:
    data = b"""<?xml version="1.0"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
      <channel rdf:about="https://d.example.invalid/"><title>t</title></channel>
      <item rdf:about="https://d.example.invalid/a"><title>a</title><link>https://d.example.invalid/a</link></item>
      <item rdf:about="https://d.example.invalid/b"><title>b</title></item>
    </rdf:RDF>"""
    parsed = parse_feed(data, "rdf")
    assert parsed.kind == "rdf" and parsed.urls == ("https://d.example.invalid/a", "https://d.example.invalid/b")


def test_sitemap_index_and_gzip() -> None:
    pages = [f"https://e.example.invalid/p/{i}" for i in range(3)]
    assert parse_feed(sitemap(pages), "s.xml").urls == tuple(pages)
    assert parse_feed(gzip.compress(sitemap(pages)), "s.xml.gz").urls == tuple(pages)
    index = parse_feed(sitemap_index(["https://e.example.invalid/s1.xml", "https://e.example.invalid/s2.xml"]), "i.xml")
    assert index.kind == "sitemapindex" and index.urls == ()
    assert index.sitemaps == ("https://e.example.invalid/s1.xml", "https://e.example.invalid/s2.xml")


def test_encoding_declaration_is_used() -> None:
    data = '<?xml version="1.0" encoding="windows-1252"?><rss><channel><item><link>https://f.example.invalid/caf\u00e9</link></item></channel></rss>'
    assert parse_feed(data.encode("cp1252"), "f").urls == ("https://f.example.invalid/caf\u00e9",)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            (
                b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
                b"<rss><channel><item><link>&lol2;</link></item></channel></rss>"
            ),
            "unsafe XML refused",
        ),
        (
            (
                b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel>'
                b"<item><link>&x;</link></item></channel></rss>"
            ),
            "unsafe XML refused",
        ),
        (b"<rss><channel><item><link>x</link></channel>", "malformed XML"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", "is an HTML page, not an RSS/Atom feed or a sitemap"),
        (
            b"<?xml version='1.0'?><catalog><book/></catalog>",
            "not an RSS/Atom feed or a sitemap (its root element is <catalog>)",
        ),
        (b"\x1f\x8bnot really gzip", "broken gzip data"),
    ],
)
def test_bad_and_unsafe_xml(data: bytes, expected: str) -> None:
    with pytest.raises(FormatError) as info:
        parse_feed(data, "bad.xml")
    assert info.value.origin == "bad.xml"
    assert expected in info.value.message


def test_empty_feed_is_an_error() -> None:
    with pytest.raises(EmptyInputError):
        parse_feed(b"   ", "empty.xml")


# ---------------------------------------------------------------- URL lists


def test_read_url_file(tmp_path: Path) -> None:
    path = tmp_path / "urls.txt"
    path.write_text(
        "# morning list\nhttps://g.example.invalid/1\n\n  http://g.example.invalid/2  \nnot a url\nftp://g.example.invalid/3\n",
        encoding="utf-8",
    )
    urls, failures = read_url_file(path)
    assert urls == ["https://g.example.invalid/1", "http://g.example.invalid/2"]
    assert [str(f) for f in failures] == [
        f"{path}:5: not an http(s) URL: 'not a url'",
        f"{path}:6: not an http(s) URL: 'ftp://g.example.invalid/3'",
    ]


def test_read_url_file_missing_or_empty(tmp_path: Path) -> None:
    urls, failures = read_url_file(tmp_path / "nope.txt")
    assert urls == [] and [f.message for f in failures] == ["no such file or directory"]
    (tmp_path / "comments.txt").write_text("# nothing yet\n", encoding="utf-8")
    urls, failures = read_url_file(tmp_path / "comments.txt")
    assert urls == [] and [f.message for f in failures] == ["the file lists no URLs"]


# ---------------------------------------------------------------- feeds over loopback HTTP


@pytest.fixture(scope="module")
def site() -> Any:
    with LoopbackServer() as server:
        install_news_site(server)
        yield server


def collect(url: str, cache: Path) -> list[str]:
    async def run() -> list[str]:
        async with Fetcher(FetchOptions.from_settings(settings(cache))) as fetcher:
            return await collect_feed_urls(fetcher, url)

    return asyncio.run(run())


@pytest.mark.network
def test_feed_and_sitemap_index_over_http(site: LoopbackServer, tmp_path: Path) -> None:
    expected = [site.url(f"/articles/{i}") for i in range(1, FEED_ITEMS + 1)]
    assert collect(site.url("/feed.xml"), tmp_path) == expected
    assert collect(site.url("/sitemap-index.xml"), tmp_path) == expected


@pytest.mark.network
def test_feed_errors_name_the_feed(site: LoopbackServer, tmp_path: Path) -> None:
    with pytest.raises(EmptyInputError) as empty:
        collect(site.url("/empty-feed.xml"), tmp_path)
    assert str(empty.value) == f"{site.url('/empty-feed.xml')}: the feed lists no article links"
    with pytest.raises(InputError) as html:
        collect(site.url("/not-a-feed.xml"), tmp_path)
    assert html.value.message == "is an HTML page, not an RSS/Atom feed or a sitemap"
    with pytest.raises(InputError) as gone:
        collect(site.url("/gone"), tmp_path)
    assert gone.value.message == "HTTP 404 Not Found"


@pytest.mark.network
def test_feed_of_20_items_ingested_then_revalidated(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        install_news_site(server)
        feed = server.url("/feed.xml")
        first = list(iter_web_documents(feeds=[feed], settings=settings(tmp_path)))
        assert len(first) == FEED_ITEMS and all(isinstance(d, Document) for d in first)
        assert len({d.id for d in first}) == FEED_ITEMS  # type: ignore[union-attr]
        assert first[0].url == server.url("/articles/1")  # type: ignore[union-attr]
        downloaded = sum(n for (path, status), n in server.statuses.items() if status == 200 and path != "/robots.txt")
        assert downloaded == FEED_ITEMS + 1  # the feed and its 20 pages

        stats = FetchStats()
        second = list(iter_web_documents(feeds=[feed], settings=settings(tmp_path), stats=stats))
        assert [d.id for d in second] == [d.id for d in first]  # type: ignore[union-attr]
        again = sum(n for (path, status), n in server.statuses.items() if status == 200 and path != "/robots.txt")
        assert again == downloaded, "an unchanged feed and pages are not downloaded again"
        assert stats.not_modified == FEED_ITEMS + 1 and stats.downloaded == 0


@pytest.mark.network
def test_urls_and_feeds_together_each_url_once(site: LoopbackServer, tmp_path: Path) -> None:
    urls = [site.url("/articles/3"), site.url("/report.pdf")]
    items = list(
        iter_web_documents(urls, feeds=[site.url("/feed.xml"), site.url("/gone")], settings=settings(tmp_path))
    )
    failures = [item for item in items if isinstance(item, InputFailure)]
    documents = [item for item in items if isinstance(item, Document)]
    assert sorted(f.origin for f in failures) == sorted([site.url("/gone"), site.url("/report.pdf")])
    assert len(documents) == FEED_ITEMS  # /articles/3 appears in both, fetched once
