"""GitHub Actions annotations: format, escaping, only when GITHUB_ACTIONS=true."""

from __future__ import annotations

import io
import re

from verify.report.common import ReportOptions
from verify.report.github import escape_data, escape_property, github_annotations, in_github_actions, write_annotations
from verify.report.sample import sample_result
from verify.types import VerdictLabel

LINE = re.compile(r"^::(error|warning) (file=[^,:]+,line=\d+,endLine=\d+(,col=\d+,endColumn=\d+)?,)?title=[^:,]*::.*$")


def test_escaping_matches_the_runner():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_one_annotation_per_serious_finding():
    result = sample_result(50, seed=7)
    lines = github_annotations(result)
    serious = [
        v
        for v in result.verdicts
        if v.label in (VerdictLabel.SELF_CONTRADICTION, VerdictLabel.CONTRADICTED, VerdictLabel.DISPUTED)
    ]
    assert len(lines) == len(serious)
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == sum(1 for v in serious if v.label is not VerdictLabel.DISPUTED)
    for line in lines:
        assert LINE.match(line), line


def test_locations_and_message():
    result = sample_result(6)
    (first, *_rest) = github_annotations(result)
    assert first.startswith("::error file=articles/harbour-1.txt,line=")
    assert "title=Self-contradiction%3A " in first
    assert "contradicts (p=" in first and "%0A" in first


def test_fail_on_controls_error_level():
    result = sample_result(12)
    lines = github_annotations(result, ReportOptions(fail_on=frozenset()))
    assert lines and all(line.startswith("::warning ") for line in lines)


def test_environment_switch_and_writer():
    assert in_github_actions({"GITHUB_ACTIONS": "true"})
    assert not in_github_actions({"GITHUB_ACTIONS": "false"})
    assert not in_github_actions({})
    out = io.StringIO()
    count = write_annotations(sample_result(12), out)
    assert count == len(out.getvalue().splitlines()) > 0
