"""JUnit XML: parses, one test case per statement, counts match the verdicts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from verify.report import render_junit
from verify.report.common import ReportOptions
from verify.report.junit import junit_counts
from verify.report.sample import sample_result
from verify.types import VerdictLabel

FAILING = {VerdictLabel.CONTRADICTED, VerdictLabel.SELF_CONTRADICTION}


@pytest.mark.parametrize("statements,hostile", [(1, False), (12, False), (80, True)])
def test_counts_match_verdicts(statements, hostile):
    result = sample_result(statements, seed=statements, hostile=hostile)
    text = render_junit(result)
    root = ET.fromstring(text.encode("utf-8"))
    cases = root.findall("./testsuite/testcase")
    statement_cases = [c for c in cases if c.get("classname") != "verify.inputs"]
    assert len(statement_cases) == len(result.verdicts)
    expected_failures = sum(1 for v in result.verdicts if v.label in FAILING)
    expected_skipped = sum(1 for v in result.verdicts if v.label is VerdictLabel.NO_EVIDENCE)
    assert len(root.findall("./testsuite/testcase/failure")) == expected_failures
    assert len(root.findall("./testsuite/testcase/skipped")) == expected_skipped
    assert len(root.findall("./testsuite/testcase/error")) == len(result.failures)
    assert junit_counts(text) == {
        "tests": len(result.verdicts) + len(result.failures),
        "failures": expected_failures,
        "errors": len(result.failures),
        "skipped": expected_skipped,
    }
    # every suite's counts add up to its own test cases
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped"))


def test_failure_types_and_messages():
    result = sample_result(12)
    root = ET.fromstring(render_junit(result))
    failures = root.findall(".//failure")
    assert {f.get("type") for f in failures} == {"contradicted", "self-contradiction"}
    for failure in failures:
        assert failure.get("message")
        assert "verdict:" in failure.text
    # "Contradicted (confidence 0.80): <speaker> contradicts it: “...”", naming who, in plain words
    phrases = {"contradicts it:", "supports it:", "follows it up:"}
    assert all(any(p in f.get("message") for p in phrases) for f in failures if "):" in f.get("message"))
    assert any("):" in f.get("message") for f in failures)


def test_fail_on_decides_what_fails():
    result = sample_result(30, seed=4)
    options = ReportOptions(fail_on=frozenset({VerdictLabel.DISPUTED, VerdictLabel.CONTRADICTED}))
    counts = junit_counts(render_junit(result, options))
    assert counts["failures"] == sum(1 for v in result.verdicts if v.label in options.fail_on)


def test_one_suite_per_document_with_file_and_line():
    result = sample_result(20, seed=1)
    root = ET.fromstring(render_junit(result))
    suites = [s for s in root.findall("testsuite")]
    assert len(suites) == len(result.documents)
    for case in root.iter("testcase"):
        assert case.get("file", "").startswith("articles/")
        assert int(case.get("line")) >= 1


def test_no_time_unless_asked():
    import datetime as dt

    result = sample_result(6)
    assert "timestamp" not in render_junit(result)
    stamped = render_junit(result, ReportOptions(generated_at=dt.datetime(2031, 1, 2, 3, 4, 5)))
    assert 'timestamp="2031-01-02T03:04:05"' in stamped
