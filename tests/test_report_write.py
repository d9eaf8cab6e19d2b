"""write_reports: file names, formats, atomic replacement, clear errors."""

from __future__ import annotations

import os

import pytest

from verify.errors import ConfigError
from verify.report import FORMATS, parse_formats, report_paths, write_reports
from verify.report.sample import sample_result


def test_writes_each_format(tmp_path):
    result = sample_result(12)
    paths = write_reports(result, ["html,json", "junit"], tmp_path / "out", "2031-03-02 harbour")
    assert list(paths) == ["html", "json", "junit"]
    assert paths["html"] == tmp_path / "out" / "2031-03-02-harbour.html"
    assert paths["junit"].name == "2031-03-02-harbour.junit.xml"
    for path in paths.values():
        assert path.stat().st_size > 100
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths.values())


def test_all_formats_and_aliases():
    assert parse_formats("all") == list(FORMATS)
    assert parse_formats(["md", "sarif", "SARIF"]) == ["sarif", "markdown"]
    with pytest.raises(ConfigError, match="unknown report format 'pdf'"):
        parse_formats("html,pdf")


def test_existing_reports_are_replaced_whole(tmp_path):
    result = sample_result(6)
    paths = report_paths(["json"], tmp_path, "r")
    paths["json"].write_text("old", encoding="utf-8")
    write_reports(result, ["json"], tmp_path, "r")
    assert paths["json"].read_text(encoding="utf-8").startswith("{")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_failing_render_writes_nothing(tmp_path):
    result = sample_result(6)
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "report.html").write_text("{{ nope }}", encoding="utf-8")
    with pytest.raises(ConfigError):
        write_reports(result, ["json", "html"], tmp_path / "out", "r", template_dir=tmp_path / "tpl")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder_is_a_clear_error(tmp_path):
    target = tmp_path / "ro"
    target.mkdir()
    target.chmod(0o500)
    with pytest.raises(ConfigError, match="cannot write reports"):
        write_reports(sample_result(6), ["json"], target, "r")


def test_output_path_that_is_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot write reports"):
        write_reports(sample_result(6), ["json"], blocker, "r")
