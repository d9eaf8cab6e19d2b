"""Test helpers for the corpus tests: a rule-based fake extractor and invented articles.

``SaidExtractor`` turns every sentence "<Name> said <content>." into one statement, so the
number of statements a document must have is ``text.count(" said ")``: a test can tell a
whole document from a half-written one without running spaCy.  Also imported by the
subprocesses the reliability tests start.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

from verify.types import Document, QuoteKind, Span, SpeakerKind, Statement

NAMES = ("Alma Ruud", "Bruno Keller", "Carla Mendes", "Dario Vance", "Elin Strand", "Femi Okafor", "Greta Holm")
TOPICS = (
    "the ferry contract",
    "the harbour budget",
    "the new bridge",
    "the school merger",
    "the water tariff",
    "the tram line",
    "the library hours",
    "the port expansion",
)
VERBS = ("be signed", "be delayed", "cost more", "be cancelled", "open early", "need a vote")

_SAID = re.compile(r"([A-Z][a-z]+ [A-Z][a-z]+) said ([^.]+)\.")


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class SaidExtractor:
    """One statement per "<Name> said <content>." sentence.

    delay: seconds slept per document (to make a run slow enough to interrupt).
    fail_on: a word; a document containing it raises ``RuntimeError`` (an extractor bug).
    """

    def __init__(self, delay: float = 0.0, fail_on: str | None = None) -> None:
        self.delay = delay
        self.fail_on = fail_on
        self.calls = 0

    def extract(self, document: Document) -> list[Statement]:
        self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        if self.fail_on and self.fail_on in document.text:
            raise RuntimeError("the fake extractor was told to fail here")
        statements = []
        for match in _SAID.finditer(document.text):
            speaker = Span(match.start(1), match.end(1))
            cue_start = match.end(1) + 1
            content = Span(match.start(2), match.end(2))
            statements.append(
                Statement(
                    id=Statement.make_id(document.id, content),
                    document_id=document.id,
                    speaker=match.group(1),
                    speaker_span=speaker,
                    speaker_id=slug(match.group(1)),
                    speaker_kind=SpeakerKind.PERSON,
                    cue="say",
                    cue_span=Span(cue_start, cue_start + 4),
                    content=match.group(2),
                    content_span=content,
                    quote_kind=QuoteKind.INDIRECT,
                    sentence=match.group(0),
                    sentence_span=Span(match.start(), match.end()),
                    date=document.date,
                    date_basis="publication",
                    confidence=0.9,
                )
            )
        return statements


def article_text(i: int) -> str:
    """An invented article; article ``i`` has ``i % 4 + 1`` statements and a unique text."""
    sentences = []
    for j in range(i % 4 + 1):
        name = NAMES[(i + j) % len(NAMES)]
        topic = TOPICS[(i * 3 + j) % len(TOPICS)]
        verb = VERBS[(i + 2 * j) % len(VERBS)]
        sentences.append(f"{name} said {topic} would {verb} before week {i}.")
        sentences.append(f"The meeting number {i * 10 + j} ended late.")
    return " ".join(sentences)


def article_date(i: int) -> dt.date:
    return dt.date(2024, 1, 1) + dt.timedelta(days=i % 60)


def write_articles(folder: Path, count: int, start: int = 0) -> list[Path]:
    """Write articles ``start`` … ``start + count - 1`` as dated text files; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"article-{i:05d}.txt"
        path.write_text(f"date {article_date(i).isoformat()}\n{article_text(i)}\n", encoding="utf-8")
        paths.append(path)
    return paths


def expected_statements(text: str) -> int:
    """How many statements ``SaidExtractor`` finds in a document's text."""
    return len(_SAID.findall(text))
