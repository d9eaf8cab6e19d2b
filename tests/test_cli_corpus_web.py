"""``verify corpus add`` from the web (feeds, URL lists, URLs as PATHS) and from mapped CSV dumps.

A real HTTP server on 127.0.0.1 (tests/loopback.py); a fake extractor and embedder keep it fast.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from loopback import FEED_ITEMS, LoopbackServer, install_news_site, no_proxies  # noqa: F401 - no_proxies is an autouse fixture

from verify import cli_corpus
from verify.cli import cli
from verify.embed import FakeEmbedder
from verify.store import Corpus
from verify.types import Document, QuoteKind, Span, SpeakerKind, Statement

pytestmark = pytest.mark.network


class OneStatementExtractor:
    """Fake extractor: the first sentence holding "said" becomes one statement."""

    def extract(self, document: Document) -> list[Statement]:
        match = re.search(r"[^.\n]*\bsaid\b[^.\n]*\.", document.text)
        if match is None:
            return []
        span = Span(match.start(), match.end())
        return [
            Statement(
                id=Statement.make_id(document.id, span),
                document_id=document.id,
                speaker="someone",
                speaker_span=None,
                speaker_id="someone",
                speaker_kind=SpeakerKind.PERSON,
                cue="say",
                cue_span=span,
                content=match.group(0),
                content_span=span,
                quote_kind=QuoteKind.INDIRECT,
                sentence=match.group(0),
                sentence_span=span,
                date=document.date,
            )
        ]


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_corpus, "_make_extractor", lambda aliases: OneStatementExtractor())
    monkeypatch.setattr(cli_corpus, "_make_embedder", lambda model, batch_size: FakeEmbedder(32))


@pytest.fixture
def site() -> Any:
    with LoopbackServer() as server:
        install_news_site(server)
        yield server


@pytest.fixture(autouse=True)
def keep_logging() -> Any:
    """The CLI sets up the "verify" logger for a terminal; put it back for the tests after."""
    logger = logging.getLogger("verify")
    saved = (logger.handlers[:], logger.propagate, logger.level)
    yield
    logger.handlers[:], logger.propagate, logger.level = saved[0], saved[1], saved[2]


def run(tmp_path: Path, *args: str, timeout: float = 10.0) -> Any:
    env = {
        "VERIFY_HTTP_CACHE": str(tmp_path / "http-cache"),
        "VERIFY_HTTP_TIMEOUT": str(timeout),
        "VERIFY_HTTP_HOST_INTERVAL": "0",
        "VERIFY_HTTP_RETRIES": "1",
        "VERIFY_HTTP_MAX_BYTES": "1000000",
    }
    return CliRunner().invoke(cli, ["corpus", "add", "--store", str(tmp_path / "corpus.sqlite"), *args], env=env)


def downloads(server: LoopbackServer) -> int:
    return sum(n for (path, status), n in server.statuses.items() if status == 200 and path != "/robots.txt")


def stored(tmp_path: Path) -> tuple[int, int, list[Document]]:
    with Corpus.open(tmp_path / "corpus.sqlite", create=False) as corpus:
        info = corpus.stats()
        return info.documents, info.statements, list(corpus.documents())


def test_feed_added_then_rerun_fetches_and_adds_nothing(fakes: None, site: LoopbackServer, tmp_path: Path) -> None:
    first = run(tmp_path, "--feed", site.url("/feed.xml"))
    assert first.exit_code == 0, first.output
    assert f"added {FEED_ITEMS} documents ({FEED_ITEMS} statements); 0 already stored; 0 failed" in first.output
    assert f"web: {FEED_ITEMS + 1} downloaded, 0 unchanged" in first.output  # the feed and its pages
    assert downloads(site) == FEED_ITEMS + 1  # the feed and its 20 pages
    documents, statements, docs = stored(tmp_path)
    assert (documents, statements) == (FEED_ITEMS, FEED_ITEMS)
    assert {d.url for d in docs} == {site.url(f"/articles/{i}") for i in range(1, FEED_ITEMS + 1)}

    again = run(tmp_path, "--feed", site.url("/feed.xml"))
    assert again.exit_code == 0, again.output
    assert f"added 0 documents (0 statements); {FEED_ITEMS} already stored; 0 failed" in again.output
    assert f"web: 0 downloaded, {FEED_ITEMS + 1} unchanged since the last run" in again.output
    assert downloads(site) == FEED_ITEMS + 1, "nothing unchanged was downloaded again"
    assert sum(n for (_, status), n in site.statuses.items() if status == 304) == FEED_ITEMS + 1
    assert stored(tmp_path)[:2] == (FEED_ITEMS, FEED_ITEMS), "nothing added twice"


def test_each_failure_one_line_rest_stored(fakes: None, site: LoopbackServer, tmp_path: Path) -> None:
    url_file = tmp_path / "urls.txt"
    bad = ["/stall", "/big-stream", "/report.pdf", "/loop/a", "/no-article"]
    url_file.write_text("\n".join(site.url(p) for p in ["/lm-article", *bad]) + "\nnot a url\n", encoding="utf-8")
    result = run(tmp_path, site.url("/article"), site.url("/cp1252"), "--urls", str(url_file), timeout=2.0)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(bad) + 1
    for path in bad:
        assert sum(site.url(path) in line for line in errors) == 1, path
    assert any(f"{url_file}:7: not an http(s) URL" in line for line in errors)
    assert any("timed out after 2 s" in line for line in errors)
    assert any("is a PDF document (application/pdf)" in line for line in errors)
    assert any("no article text found in the HTML" in line for line in errors)
    documents, statements, docs = stored(tmp_path)
    assert documents == 3 and statements == 3  # article, cp1252, lm-article: each whole
    assert {d.origin for d in docs} == {site.url("/article"), site.url("/cp1252"), site.url("/lm-article")}
    assert next(d for d in docs if d.origin == site.url("/article")).url == site.url("/news/2024/council-split")


def test_csv_dump_with_mapped_columns(fakes: None, tmp_path: Path) -> None:
    dump = tmp_path / "export.csv"
    dump.write_text(
        "headline,story,published\n"
        'Ferry deal,"Councillor Edda Lunde said the ferry contract would be signed in June.",2024-03-05\n'
        'Pier,"The harbour master said the pier was safe.",2024-03-06\n'
        "Empty,,2024-03-07\n",
        encoding="utf-8",
    )
    result = run(
        tmp_path,
        str(dump),
        "--csv-text-column",
        "story",
        "--csv-title-column",
        "headline",
        "--csv-date-column",
        "published",
    )
    assert result.exit_code == 2
    assert f"error: {dump}:4: no text in column 'story'" in result.output
    documents, _, docs = stored(tmp_path)
    assert documents == 2
    assert sorted((d.title, d.date.isoformat()) for d in docs) == [("Ferry deal", "2024-03-05"), ("Pier", "2024-03-06")]  # type: ignore[union-attr]


def test_nothing_to_add_is_a_usage_error(fakes: None, tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.exit_code == 2
    assert "give articles to add: PATHS, --feed URL or --urls FILE" in result.output


def test_robots_flag(fakes: None, site: LoopbackServer, tmp_path: Path) -> None:
    refused = run(tmp_path, site.url("/private/secret"))
    assert refused.exit_code == 2 and "disallowed by" in refused.output
    allowed = run(tmp_path, "--no-robots", site.url("/private/secret"))
    assert allowed.exit_code == 0, allowed.output
    assert stored(tmp_path)[0] == 1
