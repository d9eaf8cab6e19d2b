"""The command line: help is instant, extract formats, bad input gives one line each and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from verify.cli import cli


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom verify.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\nassert r.exit_code == 0, r.output\n"
        "heavy = [m for m in ('spacy', 'torch', 'sentence_transformers', 'onnxruntime', 'sklearn') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_lists_commands_and_exit_codes():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "extract" in result.output and "Exit codes" in result.output


def test_extract_jsonl(seed_path, extractor):
    result = CliRunner().invoke(cli, ["extract", str(seed_path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) >= 11
    assert {"speaker", "speaker_id", "speaker_kind", "cue", "content", "content_span", "quote_kind", "date"} <= set(rows[0])
    assert any(r["speaker_id"] == "kremlin" and r["date"] == "2022-03-29" for r in rows)


def test_extract_table(seed_path, extractor):
    result = CliRunner().invoke(cli, ["extract", str(seed_path), "--format", "table"])
    assert result.exit_code == 0
    assert "pentagon" in result.output and "2022-03-29" in result.output


def test_extract_bad_inputs(tmp_path, seed_path, extractor):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    missing = tmp_path / "nope.txt"
    result = CliRunner().invoke(cli, ["extract", str(empty), str(binary), str(missing), str(seed_path), "--format", "jsonl"])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 3
    for path in (empty, binary, missing):
        assert sum(str(path) in line for line in errors) == 1
    assert len(result.stdout.splitlines()) >= 11  # the good input is still processed


def test_bad_alias_file_is_one_line(tmp_path, seed_path):
    bad = tmp_path / "aliases.toml"
    bad.write_text("not [valid")
    result = CliRunner().invoke(cli, ["extract", str(seed_path), "--aliases", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(bad) in result.stderr
    names = tmp_path / "aliases.json"
    names.write_text('{"actors": {"x": {"names": [1, null]}}}')
    result = CliRunner().invoke(cli, ["extract", str(seed_path), "--aliases", str(names)])
    assert result.exit_code == 2 and "every name must be a non-empty string" in result.stderr


def test_a_pipe_is_read(tmp_path, seed_path):
    import os
    import threading

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8"))
    writer.start()  # as `cat article.txt | verify extract /dev/stdin`
    result = CliRunner().invoke(cli, ["extract", str(fifo), "--format", "jsonl"])
    writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") >= 10


def test_entry_point_exit_codes(tmp_path, monkeypatch, capsys):
    """The console script: Ctrl-C exits 130 (never 1, "findings"); usage errors 2; --version 0."""
    import click
    import pytest

    import verify.cli as verify_cli

    def run(*args: str) -> int:
        monkeypatch.setattr(sys, "argv", ["verify", *args])
        with pytest.raises(SystemExit) as exit_info:
            verify_cli.main()
        return exit_info.value.code

    assert run("--version") == 0
    assert run("check") == 2 and "Missing argument" in capsys.readouterr().err
    assert run("check", str(tmp_path / "missing.txt"), "--no-reports") == 2

    def interrupted(*args, **kwargs):
        raise click.exceptions.Abort()

    monkeypatch.setattr(verify_cli.cli, "main", interrupted)
    assert run("check", "x") == 130 and "error: interrupted" in capsys.readouterr().err
