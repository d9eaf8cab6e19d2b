"""The report flags (--format, --output, --template-dir, --timestamp, --report-url) and
emit_reports, exercised through a small click command like ``verify check``."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from verify.errors import ConfigError
from verify.report.options import emit_reports, report_name, report_options, report_time
from verify.report.sample import sample_result


@click.command()
@click.argument("paths", nargs=-1)
@report_options
def fake_check(paths, formats, output, template_dir, timestamp, report_url):
    paths_written = emit_reports(
        sample_result(12),
        name=report_name(paths),
        formats=formats,
        output=output,
        template_dir=template_dir,
        timestamp=timestamp,
        report_url=report_url,
    )
    for fmt, path in paths_written.items():
        click.echo(f"wrote {fmt} {path}", err=True)


def _run(args, tmp_path, env=None):
    runner = CliRunner()
    environment = {"GITHUB_ACTIONS": "", "SOURCE_DATE_EPOCH": "", "VERIFY_REPORT_DIR": str(tmp_path / "default")}
    environment.update(env or {})
    return runner.invoke(fake_check, args, env=environment, catch_exceptions=False)


def test_defaults_write_html_and_json_into_report_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _run(["articles/harbour-1.txt"], tmp_path)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "default").iterdir())
    assert names == ["harbour-1.html", "harbour-1.json"]
    data = json.loads((tmp_path / "default" / "harbour-1.json").read_text(encoding="utf-8"))
    assert "generated_at" in data  # time stamps are on by default


def test_format_output_and_no_timestamp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["a.txt", "b.txt", "--format", "sarif,junit", "--format", "json", "-o", "out", "--no-timestamp"]
    first = _run(args, tmp_path)
    assert first.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["check.json", "check.junit.xml", "check.sarif"]
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    _run(args, tmp_path)
    after = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert before == after, "two runs without time stamps give identical files"


def test_source_date_epoch_and_report_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["x.txt", "--format", "json,claimreview", "-o", "out", "--report-url", "https://desk.example/r.html"]
    assert _run(args, tmp_path, {"SOURCE_DATE_EPOCH": "1930000000"}).exit_code == 0
    data = json.loads((tmp_path / "out" / "x.json").read_text(encoding="utf-8"))
    assert data["generated_at"] == "2031-02-27T23:06:40Z"
    reviews = json.loads((tmp_path / "out" / "x.claimreview.jsonld").read_text(encoding="utf-8"))
    assert reviews[0]["url"].startswith("https://desk.example/r.html#s")


def test_github_actions_annotations_and_step_summary(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    summary = tmp_path / "summary.md"
    result = _run(["x.txt", "-o", "out"], tmp_path, {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ")) for line in lines)
    assert summary.read_text(encoding="utf-8").startswith("## Statement check")
    quiet = _run(["x.txt", "-o", "out"], tmp_path)
    assert quiet.stdout == ""


def test_bad_values_are_clear_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="unknown report format"):
        _run(["x.txt", "--format", "pdf"], tmp_path)
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        report_time(True, {"SOURCE_DATE_EPOCH": "yesterday"})
    result = CliRunner().invoke(fake_check, ["x.txt", "--template-dir", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.parametrize(
    "inputs,name",
    [
        (["corpora/2022-03-31-ukraine.txt"], "2022-03-31-ukraine"),
        (["https://news.example/2031/harbour-story.html?x=1"], "harbour-story"),
        (["articles/"], "articles"),
        (["a.txt", "b.txt"], "check"),
        ([], "check"),
    ],
)
def test_report_name(inputs, name):
    assert report_name(inputs) == name
