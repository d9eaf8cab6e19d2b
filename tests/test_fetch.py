"""verify.fetch against a real HTTP server on 127.0.0.1 (tests/loopback.py); nothing else is reached."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from loopback import BIG_BYTES, FEED_ITEMS, WIN1252_TEXT, LoopbackServer, install_news_site, no_proxies  # noqa: F401 - no_proxies is an autouse fixture

from verify.errors import FetchError
from verify.fetch import (
    Fetcher,
    FetchOptions,
    FetchResult,
    FetchStats,
    _retry_after,
    decode_body,
    document_from_fetch,
    is_http_url,
    iter_web_documents,
    normalise_url,
)
from verify.progress import Progress
from verify.types import Document, InputFailure

pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def site() -> Any:
    with LoopbackServer() as server:
        install_news_site(server)
        yield server


def make_settings(cache: Path | None, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "http_timeout": 5.0,  # the stall tests lower it
        "http_cache": str(cache) if cache is not None else "",
        "http_host_interval": 0.0,
        "http_retries": 1,
        "http_max_bytes": 1_000_000,
        "http_concurrency": 4,
        "user_agent": "verify-test/9.9 (+https://example.invalid/test)",
        "respect_robots": True,
    }
    values.update(overrides)
    return values


def fetch(url: str, cache: Path | None = None, stats: FetchStats | None = None, **overrides: Any) -> FetchResult:
    async def run() -> FetchResult:
        options = FetchOptions.from_settings(make_settings(cache, **overrides))
        async with Fetcher(options, stats=stats) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(run())


def fetch_error(url: str, **overrides: Any) -> str:
    with pytest.raises(FetchError) as info:
        fetch(url, **overrides)
    assert info.value.origin == url
    assert "\n" not in str(info.value)
    return info.value.message


# ---------------------------------------------------------------- pages that work


def test_normal_article_becomes_a_document(site: LoopbackServer) -> None:
    result = fetch(site.url("/article"))
    assert result.status == 200 and result.content_type == "text/html" and not result.from_cache
    document = document_from_fetch(result)
    assert isinstance(document, Document)
    assert document.title == "Greywick council split over the harbour bridge (report 1)"
    assert document.author == "Lena Corvin"
    assert document.date == dt.date(2024, 5, 2)
    assert document.origin == site.url("/article")
    # the canonical link (relative in the page) is kept as the document's URL
    assert document.url == site.url("/news/2024/council-split")
    assert '"We will not sign anything before the audit is finished," said councillor' in document.text
    assert "All rights reserved" not in document.text  # the footer is not article text


def test_user_agent_comes_from_the_setting(site: LoopbackServer) -> None:
    fetch(site.url("/article"), user_agent="verify-ua-check/1.0 (+https://example.invalid)")
    assert "verify-ua-check/1.0 (+https://example.invalid)" in site.user_agents


def test_redirect_chain_is_followed(site: LoopbackServer) -> None:
    result = fetch(site.url("/r/1"))
    assert result.url == site.url("/r/1")
    assert result.final_url == site.url("/article")
    assert document_from_fetch(result).title.startswith("Greywick council split")


def test_plain_text_page(site: LoopbackServer) -> None:
    document = document_from_fetch(fetch(site.url("/plain.txt")))
    assert document.date == dt.date(2024, 5, 4)
    assert document.text.startswith("The council of New Tarrow met on Tuesday")


@pytest.mark.parametrize("path", ["/cp1252", "/cp1252-meta"])
def test_windows_1252_page_is_decoded(site: LoopbackServer, path: str) -> None:
    document = document_from_fetch(fetch(site.url(path)))
    assert WIN1252_TEXT in document.text
    assert "\ufffd" not in document.text


def test_503_then_success_honours_retry_after(site: LoopbackServer) -> None:
    stats = FetchStats()
    started = time.monotonic()
    result = fetch(site.url("/flaky"), stats=stats, http_retries=2)
    waited = time.monotonic() - started
    assert result.status == 200
    assert site.statuses[("/flaky", 503)] == 1 and site.statuses[("/flaky", 200)] == 1
    assert stats.retries == 1
    assert waited >= 0.9  # Retry-After: 1


# ---------------------------------------------------------------- failures, one clear line each


def test_redirect_loop(site: LoopbackServer) -> None:
    message = fetch_error(site.url("/loop/a"))
    assert message.startswith("redirect loop: ")
    assert site.url("/loop/b") in message


def test_too_many_redirects(site: LoopbackServer) -> None:
    message = fetch_error(site.url("/r/1"), http_max_redirects=2)
    assert message == "too many redirects (more than 2, setting http_max_redirects)"


def test_redirect_to_other_scheme_and_without_location(site: LoopbackServer) -> None:
    assert "only http and https" in fetch_error(site.url("/redirect-ftp"))
    assert fetch_error(site.url("/redirect-no-location")) == "HTTP 302 redirect without a Location header"


def test_stall_times_out(site: LoopbackServer) -> None:
    started = time.monotonic()
    message = fetch_error(site.url("/stall"), http_timeout=1.0)
    assert message == "timed out after 1 s (setting http_timeout)"
    assert time.monotonic() - started < 5  # the server stalls for 10 s


def test_declared_50_mb_body_refused(site: LoopbackServer) -> None:
    message = fetch_error(site.url("/big"))
    assert message == f"response too large ({BIG_BYTES:,} bytes; limit 1,000,000, setting http_max_bytes)"


def test_streamed_50_mb_body_cut_at_the_cap(site: LoopbackServer) -> None:
    message = fetch_error(site.url("/big-stream"))
    assert message == "response larger than 1,000,000 bytes (setting http_max_bytes); download stopped"
    time.sleep(0.2)
    # the client hung up early: the server could only push what the socket buffers held
    assert site.bytes_sent["/big-stream"] < BIG_BYTES // 2


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/report.pdf", "is a PDF document (application/pdf)"),
        ("/pdf-as-html", "is a PDF document (application/pdf)"),
        ("/photo.png", "is an image (image/png)"),
    ],
)
def test_unsupported_types(site: LoopbackServer, path: str, expected: str) -> None:
    assert fetch_error(site.url(path)).startswith(expected + ", not a web page or feed")


def test_http_errors_and_retries(site: LoopbackServer) -> None:
    assert fetch_error(site.url("/gone")) == "HTTP 404 Not Found"
    before = site.hits["/always-503"]
    assert fetch_error(site.url("/always-503"), http_retries=1) == "HTTP 503 Service Unavailable (after 1 retries)"
    assert site.hits["/always-503"] - before == 2


def test_retry_after_beyond_the_cap_fails_at_once(site: LoopbackServer) -> None:
    started = time.monotonic()
    message = fetch_error(site.url("/retry-much-later"), http_retries=3, http_max_retry_after=30)
    assert "retry after 3600 s, more than http_max_retry_after (30 s)" in message
    assert time.monotonic() - started < 5


def test_page_without_article_text(site: LoopbackServer) -> None:
    with pytest.raises(Exception) as info:
        document_from_fetch(fetch(site.url("/no-article")))
    assert str(info.value) == f"{site.url('/no-article')}: no article text found in the HTML"


def test_unreachable_port_and_bad_urls() -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    message = fetch_error(f"http://127.0.0.1:{port}/x")
    assert message.startswith(f"cannot connect to 127.0.0.1:{port}")
    assert fetch_error("ftp://127.0.0.1/file") == "only http and https URLs can be fetched, not 'ftp'"
    assert fetch_error("http:///nohost") == "URL has no host"


# ---------------------------------------------------------------- robots.txt


def test_robots_txt_is_honoured(site: LoopbackServer) -> None:
    message = fetch_error(site.url("/private/secret"))
    assert message == f"disallowed by {site.base}/robots.txt for 'verify-test' (setting respect_robots)"
    assert fetch(site.url("/private/secret"), respect_robots=False).status == 200


def test_robots_txt_read_once_per_host(site: LoopbackServer, tmp_path: Path) -> None:
    before = site.hits["/robots.txt"]
    urls = [site.url("/article"), site.url("/lm-article"), site.url("/plain.txt")]
    items = list(iter_web_documents(urls, settings=make_settings(tmp_path)))
    assert all(isinstance(item, Document) for item in items)
    assert site.hits["/robots.txt"] - before == 1


def test_unreachable_robots_txt_disallows_everything() -> None:
    with LoopbackServer() as server:
        install_news_site(server)
        server.routes["/robots.txt"] = lambda h: h.send_body(503, b"down", "text/plain")
        message = fetch_error(server.url("/article"))
        assert (
            message
            == f"{server.base}/robots.txt answered HTTP 503, so nothing there is fetched (setting respect_robots)"
        )
        server.routes["/robots.txt"] = lambda h: h.send_body(404, b"none", "text/plain")
        assert fetch(server.url("/private/secret")).status == 200  # a fresh run: no robots.txt, all allowed


# ---------------------------------------------------------------- cache and revalidation


def test_second_run_revalidates_and_downloads_nothing(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        install_news_site(server)
        paths = ["/article", "/lm-article", *(f"/articles/{i}" for i in range(1, 6))]
        urls = [server.url(p) for p in paths]
        first = list(iter_web_documents(urls, settings=make_settings(tmp_path)))
        assert all(isinstance(item, Document) for item in first)
        assert all(server.statuses[(p, 200)] == 1 for p in paths)

        stats = FetchStats()
        second = list(iter_web_documents(urls, settings=make_settings(tmp_path), stats=stats))
        assert [d.id for d in second] == [d.id for d in first]  # type: ignore[union-attr]
        assert all(server.statuses[(p, 200)] == 1 for p in paths), "nothing downloaded twice"
        assert all(server.statuses[(p, 304)] == 1 for p in paths)
        assert stats.not_modified == len(paths) and stats.downloaded == 0


def test_changed_page_is_downloaded_again(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        install_news_site(server)
        first = document_from_fetch(fetch(server.url("/changing"), cache=tmp_path))
        again = fetch(server.url("/changing"), cache=tmp_path)
        assert again.from_cache and again.status == 304
        server.state["version"] = "v2"  # type: ignore[attr-defined]
        changed = fetch(server.url("/changing"), cache=tmp_path)
        assert not changed.from_cache and changed.status == 200
        assert document_from_fetch(changed).id != first.id
        assert server.statuses[("/changing", 200)] == 2 and server.statuses[("/changing", 304)] == 1


def test_page_without_validators_is_not_cached(site: LoopbackServer, tmp_path: Path) -> None:
    before = site.statuses[("/no-validators", 200)]
    fetch(site.url("/no-validators"), cache=tmp_path)
    fetch(site.url("/no-validators"), cache=tmp_path)
    assert site.statuses[("/no-validators", 200)] - before == 2
    assert not list(tmp_path.rglob("*.body"))


def test_corrupt_cache_entry_is_ignored(site: LoopbackServer, tmp_path: Path) -> None:
    fetch(site.url("/article"), cache=tmp_path)
    (body,) = tmp_path.rglob("*.body")
    body.write_bytes(b"tampered")
    result = fetch(site.url("/article"), cache=tmp_path)
    assert not result.from_cache and result.status == 200


# ---------------------------------------------------------------- batches, limits, progress


def test_batch_one_failure_per_bad_url_rest_kept(site: LoopbackServer, tmp_path: Path) -> None:
    paths = ["/article", "/loop/a", "/stall", "/report.pdf", "/cp1252", "/no-article", "/gone", "/lm-article"]
    progress = Progress(enabled=False)
    settings = make_settings(tmp_path, http_timeout=2.0)
    items = list(iter_web_documents([site.url(p) for p in paths], settings=settings, progress=progress))
    assert [type(item).__name__ for item in items] == [
        "Document", "InputFailure", "InputFailure", "InputFailure", "Document", "InputFailure", "InputFailure", "Document",
    ]  # fmt: skip
    failures = [item for item in items if isinstance(item, InputFailure)]
    assert [f.origin for f in failures] == [
        site.url(p) for p in ("/loop/a", "/stall", "/report.pdf", "/no-article", "/gone")
    ]
    assert all("\n" not in str(f) for f in failures)
    assert progress.bars["fetched"].count == len(paths) and progress.bars["fetched"].total == len(paths)


def test_duplicate_urls_fetched_once(site: LoopbackServer, tmp_path: Path) -> None:
    before = site.hits["/lm-article"]
    url = site.url("/lm-article")
    items = list(iter_web_documents([url, url + "#comments", url], settings=make_settings(tmp_path)))
    assert len(items) == 1 and site.hits["/lm-article"] - before == 1


def test_concurrency_is_bounded(site: LoopbackServer, tmp_path: Path) -> None:
    urls = [site.url(f"/slow/{i}") for i in range(9)]
    items = list(iter_web_documents(urls, settings=make_settings(tmp_path, http_concurrency=3)))
    assert len(items) == 9
    assert 1 < site.max_active["slow"] <= 3


def test_per_host_rate_limit_spaces_requests(site: LoopbackServer, tmp_path: Path) -> None:
    start = len(site.request_times)
    urls = [site.url(p) for p in ("/article", "/lm-article", "/plain.txt", "/cp1252")]
    list(iter_web_documents(urls, settings=make_settings(tmp_path, http_host_interval=0.2, http_concurrency=4)))
    times = sorted(t for _, t in site.request_times[start:])
    assert len(times) == 5  # robots.txt and four pages
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.15


def test_closing_the_generator_early_stops_fetching(site: LoopbackServer, tmp_path: Path) -> None:
    urls = [site.url("/article")] + [site.url("/stall")] * 1 + [site.url(f"/slow/{i}") for i in range(12)]
    documents = iter_web_documents(urls, settings=make_settings(tmp_path, http_concurrency=2, http_timeout=30.0))
    first = next(documents)
    assert isinstance(first, Document)
    started = time.monotonic()
    documents.close()
    assert time.monotonic() - started < 5  # not the 10 s stall nor the 30 s timeout


# ---------------------------------------------------------------- small parts


def test_decode_body_order_of_evidence() -> None:
    text = "caf\u00e9 \u201cquoted\u201d \u20ac"
    assert decode_body(text.encode("cp1252"), "windows-1252") == text
    assert decode_body(text.encode("cp1252"), "ISO-8859-1") == text  # WHATWG: latin-1 means cp1252
    assert decode_body(b'<meta charset="windows-1252"><p>' + text.encode("cp1252")).endswith(text)
    assert decode_body(
        b'<?xml version="1.0" encoding="windows-1252"?><a>' + "\u00e9".encode("cp1252") + b"</a>",
        None,
        "application/xml",
    ).endswith("\u00e9</a>")
    assert decode_body("\ufeff".encode("utf-8") + text.encode("utf-8"), "windows-1252") == text  # BOM wins
    assert decode_body(text.encode("utf-8")) == text
    assert decode_body(text.encode("cp1252")) == text  # not UTF-8: Windows-1252 fallback


def test_retry_after_forms() -> None:
    assert _retry_after("7") == 7.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)
    assert 100 < (_retry_after(later.strftime("%a, %d %b %Y %H:%M:%S GMT")) or 0) <= 120


def test_url_helpers() -> None:
    assert normalise_url("HTTP://Example.INVALID/a?b=1#frag") == "http://example.invalid/a?b=1"
    assert normalise_url("https://example.invalid") == "https://example.invalid/"
    assert is_http_url("https://example.invalid/x") and not is_http_url("corpora/file.txt")
    assert not is_http_url("mailto:someone@example.invalid")


def test_options_from_settings(tmp_path: Path) -> None:
    options = FetchOptions.from_settings(make_settings(tmp_path, http_concurrency=0))
    assert options.concurrency == 1 and options.cache_dir == str(tmp_path)
    assert options.robots_token == "verify-test"
    assert FetchOptions.from_settings(make_settings(None)).cache_dir is None


def test_feed_given_as_page_says_to_use_feed(site: LoopbackServer) -> None:
    with pytest.raises(Exception) as info:
        document_from_fetch(fetch(site.url("/feed.xml")))
    assert "give it as a feed (--feed)" in str(info.value)
    assert FEED_ITEMS == 20
