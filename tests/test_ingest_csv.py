"""CSV / TSV dumps of articles (verify.ingest.iter_csv), and the key mapping of JSON / JSONL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from verify.ingest import iter_csv, iter_documents, load_path
from verify.types import Document, InputFailure

BODY_1 = 'The harbour master of Ostvik, Piet Saarinen, said on Monday that "the pier is safe for now."'
BODY_2 = "Councillor Edda Lunde told the Greywick Gazette that the ferry contract would be signed in June."


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_default_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "dump.csv",
        "title,text,date,url,source,author\n"
        f'Pier safe,"{BODY_1.replace(chr(34), chr(34) * 2)}",2024-03-04,https://o.example.invalid/1,Ostvik Post,Ana Berg\n'
        f"Ferry deal,{BODY_2},2024-03-05,,Greywick Gazette,\n",
    )
    first, second = list(iter_csv(path))
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.text == BODY_1
    assert (first.title, first.date, first.url, first.source, first.author) == (
        "Pier safe", dt.date(2024, 3, 4), "https://o.example.invalid/1", "Ostvik Post", "Ana Berg",
    )  # fmt: skip
    assert second.url is None and second.author is None
    assert first.origin == f"{path}:2" and second.origin == f"{path}:3"


def test_mapped_columns_case_insensitive_and_multiline(tmp_path: Path) -> None:
    path = write(
        tmp_path / "export.csv",
        "Headline,Body,Published,Link,Outlet\n"
        f'Pier safe,"{BODY_2}\n\nSecond paragraph.",05/03/2024,https://o.example.invalid/2,Ostvik Post\n',
    )
    (document,) = iter_csv(
        path,
        text_column="body",
        title_column="Headline",
        date_column="published",
        url_column="Link",
        source_column="Outlet",
    )
    assert isinstance(document, Document)
    assert document.text == f"{BODY_2}\n\nSecond paragraph."
    assert document.title == "Pier safe" and document.source == "Ostvik Post"
    assert document.url == "https://o.example.invalid/2"
    assert document.date == dt.date(2024, 5, 3)


def test_tsv_and_windows_1252(tmp_path: Path) -> None:
    path = write(
        tmp_path / "dump.tsv",
        "title\ttext\nCaf\u00e9 row\t\u201cWe are open,\u201d said Ren\u00e9 Dubreuil.\n",
        "cp1252",
    )
    (document,) = iter_csv(path)
    assert isinstance(document, Document)
    assert document.title == "Caf\u00e9 row" and document.text == "\u201cWe are open,\u201d said Ren\u00e9 Dubreuil."


def test_missing_text_column_fails_the_file_naming_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "dump.csv", "headline,story\nA,B\n")
    assert [str(f) for f in iter_csv(path)] == [
        f"{path}: no 'text' (or 'body' / 'content') column (columns: headline, story)"
    ]
    assert [str(f) for f in iter_csv(path, text_column="article")] == [
        f"{path}: no column 'article' for the text (columns: headline, story)"
    ]
    assert [str(f) for f in iter_csv(path, text_column="story", date_column="when")] == [
        f"{path}: no column 'when' for the date (columns: headline, story)"
    ]


def test_bad_rows_fail_alone(tmp_path: Path) -> None:
    path = write(
        tmp_path / "dump.csv",
        "text,date\n"
        "The pier is safe said the harbour master.,2024-03-04\n"
        ",2024-03-05\n"
        f"{BODY_2},last Someday of Nevuary\n"
        "\n"
        f"{BODY_2},2024-03-06,extra cell\n"
        f"{BODY_2} Again.,2024-03-07\n",
    )
    items = list(iter_csv(path))
    kinds = [type(item).__name__ for item in items]
    assert kinds == ["Document", "InputFailure", "InputFailure", "InputFailure", "Document"]
    failures = [item for item in items if isinstance(item, InputFailure)]
    assert failures[0].origin == f"{path}:3" and failures[0].message == "no text in column 'text'"
    assert failures[1].origin == f"{path}:4" and "cannot read date" in failures[1].message
    assert failures[2].origin == f"{path}:6" and failures[2].message == "row has 3 cells but the header names 2"
    assert items[-1].date == dt.date(2024, 3, 7)  # type: ignore[union-attr]


def test_empty_and_header_only(tmp_path: Path) -> None:
    assert [f.message for f in iter_csv(write(tmp_path / "empty.csv", "  \n"))] == ["empty file"]  # type: ignore[union-attr]
    assert [f.message for f in iter_csv(write(tmp_path / "head.csv", "title,text\n"))] == ["no rows under the header"]  # type: ignore[union-attr]
    assert [f.message for f in iter_csv(tmp_path / "missing.csv")] == ["no such file or directory"]  # type: ignore[union-attr]


def test_csv_through_iter_documents_with_columns(tmp_path: Path) -> None:
    write(tmp_path / "a.csv", f"story,headline\n{BODY_2},Ferry\n")
    items = list(iter_documents([tmp_path / "a.csv"], columns={"text": "story", "title": "headline"}))
    assert [(d.title, d.text) for d in items] == [("Ferry", BODY_2)]  # type: ignore[union-attr]
    # no mapping: a CSV file is not read as plain text
    (failure,) = load_path(tmp_path / "a.csv")
    assert isinstance(failure, InputFailure) and "no 'text'" in failure.message


def test_jsonl_key_mapping(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    rows = [
        {"story": BODY_1, "headline": "Pier", "published": "2024-03-04", "link": "https://o.example.invalid/3"},
        {"headline": "no story"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    columns = {"text": "story", "title": "headline", "date": "published", "url": "link"}
    document, failure = load_path(path, columns)
    assert isinstance(document, Document)
    assert (document.title, document.date, document.url) == ("Pier", dt.date(2024, 3, 4), "https://o.example.invalid/3")
    assert isinstance(failure, InputFailure) and str(failure) == f"{path}:2: no text in field 'story'"
    # without a mapping the usual keys still work
    path.write_text(json.dumps({"body": BODY_2, "title": "Ferry"}) + "\n", encoding="utf-8")
    (plain,) = load_path(path)
    assert isinstance(plain, Document) and plain.title == "Ferry"
