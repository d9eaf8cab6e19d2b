"""Markdown summary for a pull-request comment."""

from __future__ import annotations

from verify.report import render_markdown
from verify.report.common import ReportOptions, verdict_title
from verify.report.markdown import escape_markdown
from verify.report.sample import sample_result
from verify.types import VerdictLabel


def test_counts_table_and_findings():
    result = sample_result(40, seed=6)
    text = render_markdown(result, html_name="check.html")
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith("| verdict")
    }
    assert len(rows) == len(VerdictLabel)
    for label in VerdictLabel:
        (key,) = [k for k in rows if f" {verdict_title(label)}" in k]
        assert rows[key] == str(sum(1 for v in result.verdicts if v.label is label))
        assert key.endswith("(fails)") == (label in (VerdictLabel.CONTRADICTED, VerdictLabel.SELF_CONTRADICTION))
    failing = sum(1 for v in result.verdicts if v.label in (VerdictLabel.CONTRADICTED, VerdictLabel.SELF_CONTRADICTION))
    assert f"**{failing} failing finding" in text
    findings = [line for line in text.splitlines() if line.startswith("- ") and "**" in line]
    assert findings[0].startswith("- \u274c **Self-contradiction** ([details](check.html#s")
    assert len(findings) == min(20, sum(1 for v in result.verdicts if v.label is not VerdictLabel.NO_EVIDENCE))


def test_limit_and_more_line():
    result = sample_result(200, seed=2)
    text = render_markdown(result, limit=5)
    assert len([line for line in text.splitlines() if line.startswith("- ") and "**" in line]) == 5
    assert "more in the full report" in text
    assert "[details]" not in text  # no HTML report named, no links


def test_clean_run_says_so():
    result = sample_result(6)
    text = render_markdown(result, ReportOptions(fail_on=frozenset()))
    assert "**No failing findings**" in text


def test_escape_markdown():
    assert escape_markdown("*bold* [x](y) <b> a|b\nc") == "\\*bold\\* \\[x\\]\\(y\\) &lt;b&gt; a\\|b c"
