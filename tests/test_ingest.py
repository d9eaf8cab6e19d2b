"""Ingest of local files: formats, headers, and bad input (acceptance 3 of the extraction issue)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from verify.errors import DecodeError, EmptyInputError
from verify.ingest import date_in_name, decode_bytes, iter_documents, load_path, parse_text
from verify.types import Document, InputFailure


def test_seed_header_sets_date_and_offset(seed_path, seed_document):
    raw = seed_path.read_text(encoding="utf-8")
    assert seed_document.date == dt.date(2022, 3, 31)
    assert seed_document.text.startswith("The movement")
    # spans map back to the file through origin_offset
    start = seed_document.text.index("Pentagon")
    assert raw[seed_document.origin_offset + start :].startswith("Pentagon")


def test_front_matter():
    doc = parse_text("---\ntitle: Bridge news\nsource: Harbour Gazette\ndate: 2024-05-02\n---\nThe bridge opened.\n")
    assert (doc.title, doc.source, doc.date) == ("Bridge news", "Harbour Gazette", dt.date(2024, 5, 2))
    assert doc.text == "The bridge opened."


def test_id_is_stable_and_whitespace_insensitive():
    a = parse_text("The bridge   opened.\n")
    b = parse_text("The bridge opened.")
    assert a.id == b.id == Document.make_id("The bridge opened.")
    assert parse_text("The bridge closed.").id != a.id


def test_latin1_is_read_with_a_warning(tmp_path, caplog):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le ministre a déclaré: «Ça suffit».".encode("latin-1"))
    with caplog.at_level("WARNING", logger="verify"):
        (doc,) = list(load_path(path))
    assert isinstance(doc, Document) and "déclaré" in doc.text
    assert str(path) in caplog.text and "Windows-1252" in caplog.text


def test_decode_rejects_binary_and_empty():
    with pytest.raises(DecodeError):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00", "x.png")
    with pytest.raises(EmptyInputError):
        decode_bytes(b"   \n", "empty.txt")


def test_html_file(tmp_path):
    path = tmp_path / "page.html"
    body = " ".join(["The harbour board said the new ferry will enter service in June."] * 6)
    path.write_text(
        "<html><head><title>Ferry news | Gazette</title><meta property='article:published_time' content='2024-05-02'>"
        f"</head><body><nav>Home</nav><article><h1>Ferry news</h1><p>{body}</p></article></body></html>",
        encoding="utf-8",
    )
    (doc,) = list(load_path(path))
    assert isinstance(doc, Document)
    assert "ferry will enter service" in doc.text and "Home" not in doc.text
    assert doc.date == dt.date(2024, 5, 2)


def test_bad_inputs_each_named_and_the_rest_processed(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("date 2024-05-02\nMara Quell said the bridge would reopen.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><div><p>", encoding="utf-8")
    jsonl = tmp_path / "articles.jsonl"
    jsonl.write_text(
        json.dumps({"text": "Tomas Reyl said the levee held.", "title": "Levee"}) + "\n{not json\n"
        + json.dumps({"title": "no text"}) + "\n",
        encoding="utf-8",
    )
    missing = tmp_path / "missing.txt"
    items = list(iter_documents([good, empty, binary, broken, jsonl, missing]))
    documents = [i for i in items if isinstance(i, Document)]
    failures = [i for i in items if isinstance(i, InputFailure)]
    assert {d.text for d in documents} == {"Mara Quell said the bridge would reopen.", "Tomas Reyl said the levee held."}
    origins = [f.origin for f in failures]
    assert str(empty) in origins and str(binary) in origins and str(broken) in origins and str(missing) in origins
    assert f"{jsonl}:2" in origins and f"{jsonl}:3" in origins
    for failure in failures:
        line = str(failure)
        assert "\n" not in line and line.startswith(failure.origin)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark(tmp_path, codec):
    path = tmp_path / "wide.txt"
    text = "Le ministre a déclaré: «Ça suffit», said Ana Brel."
    data = text.encode(codec)
    path.write_bytes(data if codec != "utf-16-be" else b"\xfe\xff" + data)
    (doc,) = list(load_path(path))
    assert isinstance(doc, Document) and doc.text == text


def test_json_nested_too_deep_or_empty_is_one_failure_each(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    deep_lines = tmp_path / "deep.jsonl"
    deep_lines.write_text('{"text": "Ana Brel said the pier is safe."}\n' + "[" * 100_000 + "]" * 100_000 + "\n")
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    items = list(iter_documents([deep, deep_lines, empty]))
    failures = {f.origin: f.message for f in items if isinstance(f, InputFailure)}
    assert failures == {
        str(deep): "malformed JSON (nested too deeply to read)",
        f"{deep_lines}:2": "malformed JSON (nested too deeply to read)",
        str(empty): "empty JSON list: no articles",
    }
    assert [d.text for d in items if isinstance(d, Document)] == ["Ana Brel said the pier is safe."]


def test_a_folder_gives_its_article_files_and_wrong_field_types_are_named(tmp_path):
    (tmp_path / "a.txt").write_text("Ana Brel said the pier is safe.", encoding="utf-8")
    (tmp_path / "authors-guild-sues.txt").write_text("The guild said it will sue.", encoding="utf-8")
    (tmp_path / "README.md").write_text("How this folder was made.", encoding="utf-8")
    (tmp_path / "aliases.toml").write_text("[actors]", encoding="utf-8")
    (tmp_path / "photo.bin").write_bytes(b"\x00\x01" * 10)
    (tmp_path / "b.json").write_text('[{"text": 12345}, {"body": ["a", "list"]}]', encoding="utf-8")
    items = list(load_path(tmp_path))
    assert [d.text for d in items if isinstance(d, Document)] == [
        "Ana Brel said the pier is safe.",
        "The guild said it will sue.",  # an article whose name starts like AUTHORS is still one
    ]
    assert [f.message for f in items if isinstance(f, InputFailure)] == [
        "field 'text' holds a number, not text",
        "field 'body' holds a list, not text",
    ]
    (empty := tmp_path / "only-readme").mkdir()
    (empty / "README.txt").write_text("Nothing here.", encoding="utf-8")
    (failure,) = list(load_path(empty))
    assert failure.message.startswith("folder holds no article files (.csv, ")


def test_urls_that_are_not_read_here_are_named_as_given():
    urls = ["http://", "http:///page", "https://[bad/x", "ftp://files.example/a.txt", "https://x.example/a"]
    failures = {f.origin: f.message for f in iter_documents(urls)}
    assert failures == {
        "http://": "not a URL that can be fetched (no valid host)",
        "http:///page": "not a URL that can be fetched (no valid host)",
        "https://[bad/x": "not a URL that can be fetched (no valid host)",
        "ftp://files.example/a.txt": "ftp: URLs cannot be fetched (http and https only)",
        "https://x.example/a": "a web page: `verify check` and `verify corpus add` fetch it",
    }


def test_an_html_page_too_large_to_extract_is_one_failure(tmp_path, monkeypatch):
    import verify.ingest

    monkeypatch.setattr(verify.ingest, "MAX_HTML_CHARS", 1_000)
    page = tmp_path / "dump.html"
    page.write_text("<html><body>" + "<p>Ana Brel said the pier is safe.</p>" * 100 + "</body></html>", encoding="utf-8")
    (failure,) = list(load_path(page))
    assert isinstance(failure, InputFailure) and "HTML page too large to extract" in failure.message


def test_a_date_in_the_file_name_when_the_file_gives_none(tmp_path, extractor):
    body = "The harbour board said on Wednesday that the east pier will close in June.\n"
    (tmp_path / "2024-05-02-harbour.txt").write_text(body, encoding="utf-8")
    (tmp_path / "nyt_2015-11-24_pier.txt").write_text("date 2016-01-05\n" + body, encoding="utf-8")
    (tmp_path / "2024-13-45-not-a-day.txt").write_text(body, encoding="utf-8")
    (tmp_path / "story-20240502.txt").write_text(body, encoding="utf-8")  # no separators: not read
    found = {Path(d.origin).name: d for d in iter_documents([tmp_path])}
    named = found["2024-05-02-harbour.txt"]
    assert (named.date, named.date_basis) == (dt.date(2024, 5, 2), "from the file name")
    headed = found["nyt_2015-11-24_pier.txt"]  # its own date line wins over the name
    assert (headed.date, headed.date_basis) == (dt.date(2016, 1, 5), "")
    assert found["2024-13-45-not-a-day.txt"].date is None and found["story-20240502.txt"].date is None
    (statement,) = extractor.extract(named)
    assert statement.date == dt.date(2024, 5, 1)  # "Wednesday" before a Thursday publication
    text = "The harbour board said the east pier will close."
    (plain,) = extractor.extract(Document(id="y" * 16, text=text, date=named.date, date_basis=named.date_basis))
    assert (plain.date, plain.date_basis) == (dt.date(2024, 5, 2), "publication date (from the file name)")


@pytest.mark.parametrize(
    "name, day",
    [
        ("2022-03-31-ukraine.txt", dt.date(2022, 3, 31)),
        ("nyt_2015-11-24_story.html", dt.date(2015, 11, 24)),
        ("2024.05.02.txt", dt.date(2024, 5, 2)),
        ("2020-05_06-mixed.txt", None),  # one separator throughout
        ("v2021.01.02-notes.txt", None),  # a version
        ("2099-01-01-plan.txt", None),  # not after today
        ("2024-02-30-x.txt", None),  # no such day
        ("C:\\news\\2024-01-02\\story.txt", None),  # a folder's date is not the file's
    ],
)
def test_date_in_name(name, day):
    assert date_in_name(name) == day
