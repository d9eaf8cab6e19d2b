"""SARIF 2.1.0: valid against the official schema, one result per finding, exact locations."""

from __future__ import annotations

import json

import jsonschema
import pytest

from verify.ingest import load_path
from verify.report import render_sarif, sarif_log, schema_path
from verify.report.common import ReportOptions
from verify.report.sample import sample_result
from verify.types import CheckResult, QuoteKind, Span, SpeakerKind, Statement, Verdict, VerdictLabel


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(schema_path("sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    return jsonschema.Draft4Validator(schema)


@pytest.mark.parametrize("statements,hostile", [(1, False), (6, False), (50, True)])
def test_validates_against_sarif_schema(validator, statements, hostile):
    log = json.loads(render_sarif(sample_result(statements, seed=statements, hostile=hostile)))
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, errors[0].message
    assert log["version"] == "2.1.0"


def test_schema_catches_a_bad_log(validator):
    log = sarif_log(sample_result(6))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(log))
    log = sarif_log(sample_result(6))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    assert list(validator.iter_errors(log))


def test_one_result_per_finding_with_rule_and_level():
    result = sample_result(60, seed=2)
    log = sarif_log(result)
    run = log["runs"][0]
    findings = [v for v in result.verdicts if v.label is not VerdictLabel.NO_EVIDENCE]
    assert len(run["results"]) == len(findings)
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert set(rules) == {label.value for label in VerdictLabel} - {"no-evidence"}
    names = {rule["id"]: rule["name"] for rule in run["tool"]["driver"]["rules"]}
    assert names["self-contradiction"] == "SelfContradiction" and names["follow-up"] == "FollowUp"
    levels = {
        "self-contradiction": "error",
        "contradicted": "error",
        "disputed": "warning",
        "supported": "note",
        "follow-up": "note",
    }
    for entry, verdict in zip(run["results"], findings):
        assert entry["ruleId"] == verdict.label.value
        assert rules[entry["ruleIndex"]] == entry["ruleId"]
        assert entry["level"] == levels[entry["ruleId"]]
        assert entry["properties"]["statementId"] == verdict.statement.id
        assert len(entry.get("relatedLocations", [])) == len(verdict.evidence)


def test_fail_on_changes_levels():
    result = sample_result(12)
    options = ReportOptions(fail_on=frozenset({VerdictLabel.DISPUTED}))
    levels = {r["ruleId"]: r["level"] for r in sarif_log(result, options)["runs"][0]["results"]}
    assert levels["disputed"] == "error"
    assert levels["contradicted"] == "warning"


def _statement(document, content: str, speaker: str = "Harbour master Ines Okafor") -> Statement:
    start = document.text.index(content)
    span = Span(start, start + len(content))
    sentence_start = document.text.rfind("\n", 0, start) + 1
    sentence_end = document.text.find(".", start) + 1
    return Statement(
        id=Statement.make_id(document.id, span),
        document_id=document.id,
        speaker=speaker,
        speaker_span=None,
        speaker_id="ines-okafor",
        speaker_kind=SpeakerKind.PERSON,
        cue="say",
        cue_span=Span(start, start),
        content=content,
        content_span=span,
        quote_kind=QuoteKind.INDIRECT,
        sentence=document.text[sentence_start:sentence_end],
        sentence_span=Span(sentence_start, sentence_end),
        date=document.date,
    )


def _line_col(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


@pytest.mark.parametrize(
    "header",
    [
        "date 2031-03-02 ",
        "date 2031-03-02\n\n",
        "---\ntitle: Harbour \u00e9t\u00e9 report\nsource: Radio Valmora\ndate: 2031-03-02\n---\n\n",
    ],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_locations_point_into_the_original_file(tmp_path, monkeypatch, header, newline):
    body = (
        "The harbour master said the new pier is safe.\n\n"
        "Later, harbour master Ines Okafor said the east pier will close in June, \u201cfor good\u201d.\n"
    )
    path = tmp_path / "article.txt"
    path.write_text(header + body, encoding="utf-8", newline=newline)  # Windows line ends too
    monkeypatch.chdir(tmp_path)
    (document,) = list(load_path("article.txt"))
    assert document.origin_offset is not None
    content = "the east pier will close in June, \u201cfor good\u201d"
    statement = _statement(document, content)
    result = CheckResult(documents=(document,), verdicts=(Verdict(statement, VerdictLabel.CONTRADICTED, 0.9),))
    (entry,) = sarif_log(result)["runs"][0]["results"]
    location = entry["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "article.txt"
    region = location["region"]
    raw = path.read_text(encoding="utf-8")  # universal newlines: the lines a SARIF viewer counts
    start = raw.index(content)
    assert (region["startLine"], region["startColumn"]) == _line_col(raw, start)
    assert (region["endLine"], region["endColumn"]) == _line_col(raw, start + len(content))
    assert region["snippet"]["text"] == content
    assert entry["properties"]["locationBasis"] == "file"


def test_locations_fall_back_to_the_text_when_the_file_is_gone(tmp_path, monkeypatch):
    path = tmp_path / "gone.txt"
    path.write_text("date 2031-03-02\nIntro line.\nThe mayor said the bridge will open in May.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (document,) = list(load_path("gone.txt"))
    path.unlink()
    statement = _statement(document, "the bridge will open in May")
    result = CheckResult(documents=(document,), verdicts=(Verdict(statement, VerdictLabel.SUPPORTED, 0.8),))
    (entry,) = sarif_log(result)["runs"][0]["results"]
    region = entry["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == _line_col(document.text, statement.content_span.start)
    assert entry["properties"]["locationBasis"] == "text"


def test_input_failures_become_notifications():
    log = sarif_log(sample_result(6, hostile=True))
    invocation = log["runs"][0]["invocations"][0]
    notes = invocation["toolExecutionNotifications"]
    assert len(notes) == 1 and "broken" in notes[0]["message"]["text"]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2  # as the CLI exits
    clean_run = sarif_log(sample_result(6))["runs"][0]["invocations"][0]
    assert clean_run["executionSuccessful"] is True and "exitCode" not in clean_run
    assert "\x1b" not in notes[0]["message"]["text"]
