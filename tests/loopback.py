"""A real HTTP server on 127.0.0.1 for the web-ingest tests and benchmark.

``LoopbackServer`` runs ``http.server.ThreadingHTTPServer`` in a thread on a free port and
answers from a table of routes; it counts requests per path and per status so tests can see
what was (and was not) downloaded.  Nothing here touches an address outside loopback.
"""

from __future__ import annotations

import email.utils
import html
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

import pytest

Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        with owner.lock:
            owner.hits[path] += 1
            owner.user_agents.add(self.headers.get("User-Agent", ""))
            owner.request_times.append((path, time.monotonic()))
            group = path.split("/")[1] if path.count("/") > 1 else path
            owner.active[group] += 1
            owner.max_active[group] = max(owner.max_active[group], owner.active[group])
        try:
            route = owner.routes.get(path)
            if route is None:
                self.send_body(404, b"not found", "text/plain")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with owner.lock:
                owner.active[group] -= 1

    # helpers for routes

    def send_body(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        # counted before anything is sent: once the client has the answer, the count is there
        self.server.owner.count_status(self.path, status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def send_status(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.server.owner.count_status(self.path, status)
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def redirect(self, status: int, location: str) -> None:
        self.send_status(status, {"Location": location})

    def send_cached(
        self, body: bytes, content_type: str, etag: str | None = None, last_modified: str | None = None
    ) -> None:
        """200 with validators, or 304 when the request's validators match."""
        if etag and self.headers.get("If-None-Match") == etag:
            self.send_status(304, {"ETag": etag})
            return
        if last_modified and not etag and self.headers.get("If-Modified-Since") == last_modified:
            self.send_status(304, {"Last-Modified": last_modified})
            return
        headers = {}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        self.send_body(200, body, content_type, headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer


class LoopbackServer:
    """``with LoopbackServer() as server: server.routes["/a"] = fn; server.url("/a")``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.user_agents: set[str] = set()
        self.request_times: list[tuple[str, float]] = []
        # requests being answered now, and the most at once, by first path segment ("slow")
        self.active: Counter[str] = Counter()
        self.max_active: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def count_status(self, path: str, status: int) -> None:
        with self.lock:
            self.statuses[(path.split("?", 1)[0], status)] += 1

    def reset_counts(self) -> None:
        with self.lock:
            self.hits.clear()
            self.statuses.clear()
            self.request_times.clear()
            self.bytes_sent.clear()
            self.max_active.clear()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests must never go through a proxy named in the environment (import this
    fixture into a test module to apply it there)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


# ---------------------------------------------------------------- content


def cached_route(body: bytes, content_type: str, etag: str) -> Route:
    """A route answering ``body`` with an ETag (and 304 to a matching If-None-Match)."""

    def route(handler: Handler) -> None:
        handler.send_cached(body, content_type, etag=etag)

    return route


def http_date(when: float) -> str:
    return email.utils.formatdate(when, usegmt=True)


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    author: str | None = None,
    date: str | None = None,
    canonical: str | None = None,
    charset: str | None = "utf-8",
    site: str = "The Harbour Courier",
) -> str:
    """A news page with navigation and footer around the article, like a real site."""
    head = [f"<title>{html.escape(title)} | {html.escape(site)}</title>"]
    if charset:
        head.insert(0, f'<meta charset="{charset}">')
    if author:
        head.append(f'<meta name="author" content="{html.escape(author)}">')
    if date:
        head.append(f'<meta property="article:published_time" content="{date}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{html.escape(canonical)}">')
    head.append(f'<meta property="og:site_name" content="{html.escape(site)}">')
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>{"".join(head)}</head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<main><article>
<h1>{html.escape(title)}</h1>
{body}
</article></main>
<footer><p>Copyright {html.escape(site)}. All rights reserved.</p></footer>
</body></html>
"""


_NAMES = ["Mara Vell", "Oskar Brandt", "Ilse Navarro", "Tomas Reyk", "Edda Lunde", "Piet Saarinen", "Noor Hadley"]
_PLACES = ["Port Alder", "Greywick", "Lindholm", "Castelmar", "New Tarrow", "Ostvik"]
_TOPICS = [
    "the harbour bridge",
    "the ferry contract",
    "the water tariff",
    "the school budget",
    "the rail link",
    "the fishing quota",
]


def invented_article(index: int) -> tuple[str, list[str]]:
    """Title and paragraphs of an invented local-news article (people and places made up)."""
    name = _NAMES[index % len(_NAMES)]
    other = _NAMES[(index + 3) % len(_NAMES)]
    place = _PLACES[index % len(_PLACES)]
    topic = _TOPICS[(index // 2) % len(_TOPICS)]
    title = f"{place} council split over {topic} (report {index})"
    paragraphs = [
        (
            f"The council of {place} met on Tuesday evening to debate {topic}, a question that has divided "
            f"residents for months and filled the public gallery for the {index + 2}th time this year."
        ),
        (
            f'"We will not sign anything before the audit is finished," said councillor {name}, who chairs the '
            f"finance committee, adding that the figures presented so far were incomplete."
        ),
        (
            f"{other}, the mayor of {place}, said the town could not wait another year and that the delay had "
            f"already cost {index + 3} million crowns in higher prices."
        ),
        (
            f"According to a spokesperson for the regional office, the state expects a decision by the end of "
            f"the month and has offered to cover part of the cost of {topic}."
        ),
        (
            "Residents interviewed outside the town hall were divided. One shop owner said the plan was long "
            "overdue, while a retired teacher warned that the council had underestimated the risks."
        ),
    ]
    return title, paragraphs


def rss_feed(links: list[str], title: str = "The Harbour Courier") -> bytes:
    items = "\n".join(
        f"<item><title>Story {i}</title><link>{html.escape(link)}</link><guid>{html.escape(link)}</guid></item>"
        for i, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link><description>news</description>\n{items}\n</channel></rss>\n"
    ).encode()


def sitemap(links: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{html.escape(link)}</loc></url>" for link in links)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    ).encode()


def sitemap_index(links: list[str]) -> bytes:
    maps = "".join(f"<sitemap><loc>{html.escape(link)}</loc></sitemap>" for link in links)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>\n'
    ).encode()


# ---------------------------------------------------------------- the test site

WIN1252_TEXT = (
    "\u201cWe have made no promise,\u201d said Ren\u00e9 Dubreuil, the caf\u00e9 owners\u2019 spokesman, "
    "who put the loss at 40 000 \u20ac for the summer."
)
STALL_SECONDS = 10
BIG_BYTES = 50 * 1024 * 1024
FEED_ITEMS = 20
ROBOTS_TXT = b"User-agent: *\nDisallow: /private/\n"


def install_news_site(server: LoopbackServer) -> None:
    """Routes every web-ingest test uses: articles, redirects, failures of each kind, feeds."""
    routes = server.routes
    state = {"flaky": 0, "version": "v1"}
    start = time.time() - 86400

    title, paragraphs = invented_article(1)
    article = article_html(
        title, paragraphs, author="Lena Corvin", date="2024-05-02", canonical="/news/2024/council-split"
    ).encode("utf-8")

    routes["/robots.txt"] = lambda h: h.send_body(200, ROBOTS_TXT, "text/plain")
    routes["/article"] = lambda h: h.send_cached(article, "text/html; charset=utf-8", etag='"article-v1"')
    routes["/private/secret"] = lambda h: h.send_body(200, article, "text/html")

    def changing(h: Handler) -> None:
        t, p = invented_article(7 if state["version"] == "v1" else 8)
        body = article_html(t, p, date="2024-05-03").encode("utf-8")
        h.send_cached(body, "text/html", etag=f'"changing-{state["version"]}"')

    routes["/changing"] = changing
    server.state = state  # type: ignore[attr-defined]

    lm = http_date(start)
    t2, p2 = invented_article(2)
    lm_article = article_html(t2, p2, author="Jonas Pell", date="2024-05-01").encode("utf-8")
    routes["/lm-article"] = lambda h: h.send_cached(lm_article, "text/html", last_modified=lm)
    routes["/no-validators"] = lambda h: h.send_body(200, lm_article, "text/html")

    routes["/r/1"] = lambda h: h.redirect(302, "/r/2")
    routes["/r/2"] = lambda h: h.redirect(301, server.url("/r/3"))
    routes["/r/3"] = lambda h: h.redirect(307, "/article")
    routes["/loop/a"] = lambda h: h.redirect(302, "/loop/b")
    routes["/loop/b"] = lambda h: h.redirect(302, "/loop/a")
    routes["/redirect-no-location"] = lambda h: h.send_status(302)
    routes["/redirect-ftp"] = lambda h: h.redirect(302, "ftp://127.0.0.1/file")

    def stall(h: Handler) -> None:
        server.stopping.wait(STALL_SECONDS)
        h.send_body(200, article, "text/html")

    routes["/stall"] = stall

    def big(h: Handler, declare: bool) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        if declare:
            h.send_header("Content-Length", str(BIG_BYTES))
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        sent = 0
        while sent < BIG_BYTES and not server.stopping.is_set():
            piece = chunk[: BIG_BYTES - sent]
            h.wfile.write(piece)
            sent += len(piece)
            with server.lock:
                server.bytes_sent[h.path] = sent

    routes["/big"] = lambda h: big(h, True)
    routes["/big-stream"] = lambda h: big(h, False)

    def flaky(h: Handler) -> None:
        state["flaky"] += 1
        if state["flaky"] == 1:
            h.send_body(503, b"busy", "text/plain", {"Retry-After": "1"})
        else:
            h.send_body(200, article, "text/html")

    routes["/flaky"] = flaky
    routes["/always-503"] = lambda h: h.send_body(503, b"busy", "text/plain")
    routes["/retry-much-later"] = lambda h: h.send_body(429, b"slow down", "text/plain", {"Retry-After": "3600"})
    routes["/gone"] = lambda h: h.send_body(404, b"not here", "text/plain")

    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    routes["/report.pdf"] = lambda h: h.send_body(200, pdf, "application/pdf")
    routes["/pdf-as-html"] = lambda h: h.send_body(200, pdf, "text/html")
    routes["/photo.png"] = lambda h: h.send_body(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")

    t3, p3 = invented_article(3)
    cp_page = article_html(t3, [WIN1252_TEXT] + p3, charset=None).encode("cp1252")
    cp_meta_page = article_html(t3, [WIN1252_TEXT] + p3, charset="windows-1252").encode("cp1252")
    routes["/cp1252"] = lambda h: h.send_body(200, cp_page, "text/html; charset=windows-1252")
    routes["/cp1252-meta"] = lambda h: h.send_body(200, cp_meta_page, "text/html")

    empty = b"""<!DOCTYPE html><html><head><title>Home | The Harbour Courier</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><div class="menu"><ul><li><a href="/a">A</a></li>
<li><a href="/b">B</a></li></ul></div><footer>Copyright</footer></body></html>"""
    routes["/no-article"] = lambda h: h.send_body(200, empty, "text/html")
    routes["/plain.txt"] = lambda h: h.send_body(
        200, ("date 2024-05-04\n" + " ".join(invented_article(4)[1])).encode("utf-8"), "text/plain; charset=utf-8"
    )

    links = []
    for i in range(1, FEED_ITEMS + 1):
        path = f"/articles/{i}"
        t, p = invented_article(100 + i)
        page = article_html(t, p, author="Staff reporter", date=f"2024-04-{i:02d}").encode("utf-8")
        routes[path] = cached_route(page, "text/html", f'"a{i}"')
        links.append(server.url(path))
    feed = rss_feed(links)
    routes["/feed.xml"] = lambda h: h.send_cached(feed, "application/rss+xml", etag='"feed-v1"')
    routes["/sitemap-1.xml"] = lambda h: h.send_body(200, sitemap(links[:10]), "application/xml")
    routes["/sitemap-2.xml"] = lambda h: h.send_body(200, sitemap(links[10:]), "application/xml")
    routes["/sitemap-index.xml"] = lambda h: h.send_body(
        200, sitemap_index([server.url("/sitemap-1.xml"), server.url("/sitemap-2.xml")]), "application/xml"
    )
    routes["/empty-feed.xml"] = lambda h: h.send_body(200, rss_feed([]), "application/rss+xml")
    routes["/not-a-feed.xml"] = lambda h: h.send_body(200, article, "text/html")

    def slow(h: Handler) -> None:
        time.sleep(0.2)
        h.send_body(200, article, "text/html")

    for i in range(12):
        routes[f"/slow/{i}"] = slow
