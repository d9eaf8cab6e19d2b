"""``verify corpus``: add / search / stats / export / remove through the command line.

The extractor and embedder are swapped for fast fakes (``SaidExtractor``, ``FakeEmbedder``)
through the module's two seams.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from corpus_fakes import SaidExtractor, expected_statements, write_articles

from verify import cli_corpus
from verify.cli import cli
from verify.embed import FakeEmbedder
from verify.store import Corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_corpus, "_make_extractor", lambda aliases: SaidExtractor())
    monkeypatch.setattr(cli_corpus, "_make_embedder", lambda model, batch_size: FakeEmbedder(32))


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    base = {"VERIFY_CONFIG": "/dev/null", "VERIFY_STORE": None}
    return CliRunner().invoke(cli, ["corpus", *args], env={**base, **(env or {})})  # type: ignore[dict-item]


def test_help() -> None:
    assert "corpus" in CliRunner().invoke(cli, ["--help"]).output
    result = run("--help")
    assert result.exit_code == 0
    for command in ("add", "search", "stats", "export", "remove"):
        assert command in result.output


def test_add_twice_then_stats(fakes: None, tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 12)
    store = tmp_path / "c.sqlite"
    total = sum(expected_statements(p.read_text()) for p in paths)
    first = run("add", "--store", str(store), str(tmp_path / "in"))
    assert first.exit_code == 0, first.output
    assert (
        first.output
        == f"added 12 documents ({total} statements); 0 already stored; 0 failed; {total} statements in {store}\n"
    )
    again = run("add", "--store", str(store), *map(str, paths))
    assert (
        again.output
        == f"added 0 documents (0 statements); 12 already stored; 0 failed; {total} statements in {store}\n"
    )
    stats = run("stats", "--store", str(store), "--format", "json", "--check")
    assert stats.exit_code == 0, stats.output
    data = json.loads(stats.output)
    assert (data["documents"], data["statements"], data["model_id"], data["problems"]) == (12, total, "fake-bow-32", [])
    text = run("stats", "--store", str(store))
    assert "documents   12" in text.output and "model fake-bow-32 (32 dimensions)" in text.output


def test_bundled_corpus_in_one_command(fakes: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_corpus, "_make_extractor", lambda aliases: _OneSentence())
    result = run("add", "--store", str(tmp_path / "c.sqlite"), str(ROOT / "corpora"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("added 1 documents (1 statements); 0 already stored; 0 failed")


class _OneSentence:
    """Fake extractor: the first sentence with "said" (the seed article has no "<Name> said")."""

    def extract(self, document):  # type: ignore[no-untyped-def]
        from verify.types import QuoteKind, Span, SpeakerKind, Statement

        end = document.text.index(".") + 1
        span = Span(0, end)
        return [
            Statement(
                id=Statement.make_id(document.id, span),
                document_id=document.id,
                speaker="the Pentagon",
                speaker_span=None,
                speaker_id="pentagon",
                speaker_kind=SpeakerKind.GOVERNMENT,
                cue="say",
                cue_span=span,
                content=document.text[:end],
                content_span=span,
                quote_kind=QuoteKind.INDIRECT,
                sentence=document.text[:end],
                sentence_span=span,
                date=document.date,
            )
        ]


def test_search_formats_and_filters(fakes: None, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 30)
    store = str(tmp_path / "c.sqlite")
    assert run("add", "--store", store, str(tmp_path / "in")).exit_code == 0
    query = "Alma Ruud said the ferry contract would be signed"
    lines = run("search", query, "--store", store, "-k", "4", "--format", "jsonl").output.splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 4 and rows[0]["score"] >= rows[-1]["score"]
    assert {"id", "speaker_id", "content", "date"} <= set(rows[0]["statement"])
    with Corpus.open(store) as corpus:
        expected = corpus.search(FakeEmbedder(32).embed([query])[0], k=4)
    assert [r["statement"]["id"] for r in rows] == [s.id for s, _ in expected]

    filtered = run(
        "search",
        query,
        "--store",
        store,
        "--speaker",
        "bruno-keller",
        "--since",
        "2024-01-05",
        "--until",
        "2024-01-25",
        "--format",
        "json",
    )
    found = json.loads(filtered.output)
    assert found and all(r["statement"]["speaker_id"] == "bruno-keller" for r in found)
    assert all("2024-01-05" <= r["statement"]["date"] <= "2024-01-25" for r in found)

    table = run("search", query, "--store", store, "-k", "2", "--format", "table")
    assert table.exit_code == 0 and table.output.splitlines()[0].split() == ["score", "date", "speaker", "content"]
    assert len(table.output.splitlines()) == 4

    bad = run("search", query, "--store", store, "--since", "yesterday")
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_export_round_trips_through_add(fakes: None, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 15)
    first, second = str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite")
    run("add", "--store", first, str(tmp_path / "in"))
    export = tmp_path / "out" / "export.jsonl"
    export.parent.mkdir()
    result = run("export", "--store", first, "--format", "jsonl", "-o", str(export))
    assert result.exit_code == 0 and "exported 15 documents" in result.output
    stdout = run("export", "--store", first)
    assert stdout.stdout.splitlines() == export.read_text().splitlines()
    imported = run("add", "--store", second, str(export))
    assert imported.exit_code == 0 and imported.output.startswith("added 15 documents")
    query = "the harbour budget would cost more"
    answers = [run("search", query, "--store", s, "--format", "jsonl").stdout for s in (first, second)]
    assert answers[0] == answers[1] and answers[0]
    with Corpus.open(first) as a, Corpus.open(second) as b:
        assert list(a.statements()) == list(b.statements())


def test_remove(fakes: None, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 5)
    store = str(tmp_path / "c.sqlite")
    run("add", "--store", store, str(tmp_path / "in"))
    with Corpus.open(store) as corpus:
        victim = next(corpus.documents())
        left = len(corpus) - len(list(corpus.statements(victim.id)))
    result = run("remove", "--store", store, victim.id, "no-such-id")
    assert result.exit_code == 2
    assert f"removed {victim.id}\n" in result.output
    assert f"error: no-such-id: no such document in {store}" in result.output
    assert json.loads(run("stats", "--store", store, "--format", "json").output)["statements"] == left


def test_store_from_environment_and_config_file(fakes: None, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 2)
    from_env = tmp_path / "env.sqlite"
    assert run("add", str(tmp_path / "in"), env={"VERIFY_STORE": str(from_env)}).exit_code == 0
    assert from_env.exists()
    config = tmp_path / "verify.toml"
    from_config = tmp_path / "config.sqlite"
    config.write_text(f'store = "{from_config}"\n')
    assert run("add", str(tmp_path / "in"), env={"VERIFY_CONFIG": str(config)}).exit_code == 0
    assert from_config.exists()
    flag = tmp_path / "flag.sqlite"
    result = run("add", "--store", str(flag), str(tmp_path / "in"), env={"VERIFY_STORE": str(from_env)})
    assert result.exit_code == 0 and flag.exists()


def test_missing_store_and_foreign_file(fakes: None, tmp_path: Path) -> None:
    missing = tmp_path / "nothing.sqlite"
    result = run("search", "ferry", "--store", str(missing))
    assert result.exit_code == 2
    assert result.output == f"error: {missing}: no corpus store here (create one with `verify corpus add`)\n"
    assert not missing.exists()
    foreign = tmp_path / "notes.txt"
    foreign.write_text("my notes, not a database\n")
    before = hashlib.sha256(foreign.read_bytes()).hexdigest()
    write_articles(tmp_path / "in", 1)
    for args in (("add", str(tmp_path / "in")), ("stats",), ("search", "x"), ("export",), ("remove", "x")):
        result = run(*args, "--store", str(foreign))
        assert result.exit_code == 2, args
        lines = result.output.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {foreign}: not a verify corpus store")
    assert hashlib.sha256(foreign.read_bytes()).hexdigest() == before


def test_failures_one_line_each_and_exit_2(fakes: None, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 3)
    (tmp_path / "in" / "empty.txt").write_text("")
    store = str(tmp_path / "c.sqlite")
    result = run("add", "--store", store, str(tmp_path / "in"), str(tmp_path / "missing.txt"))
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    assert any("empty.txt" in line for line in errors) and any("missing.txt" in line for line in errors)
    assert "added 3 documents" in result.output


def test_a_bad_alias_file_makes_no_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from verify.extract import Extractor

    monkeypatch.setattr(cli_corpus, "_make_extractor", lambda aliases: Extractor(aliases=aliases))
    paths = write_articles(tmp_path / "in", 1)
    store = tmp_path / "new.sqlite"
    result = run("add", "--store", str(store), str(paths[0]), "--aliases", str(tmp_path / "missing.toml"))
    assert result.exit_code == 2 and "missing.toml" in result.output
    assert not store.exists()  # nothing half-made
