"""JSON report: valid against its schema, stable across runs, time stamp only when asked."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest

from verify.report import ReportOptions, render_json, report_dict, schema_path
from verify.report.json_out import SCHEMA_FILE, SCHEMA_VERSION
from verify.report.sample import sample_result
from verify.types import VerdictLabel


@pytest.fixture(scope="module")
def schema():
    data = json.loads(schema_path(SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return data


@pytest.mark.parametrize("statements,hostile", [(1, False), (12, False), (40, True)])
def test_report_validates_against_schema(schema, statements, hostile):
    result = sample_result(statements, seed=statements, hostile=hostile)
    data = json.loads(render_json(result))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["summary"]["statements"] == len(result.verdicts) == len(data["verdicts"])


def test_schema_rejects_a_broken_report(schema):
    data = report_dict(sample_result(6))
    data["verdicts"][0]["label"] = "probably-true"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)
    data = report_dict(sample_result(6))
    del data["summary"]["verdicts"]["disputed"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_counts_match_verdicts():
    result = sample_result(60, seed=3)
    data = report_dict(result)
    for label in VerdictLabel:
        assert data["summary"]["verdicts"][label.value] == sum(1 for v in result.verdicts if v.label is label)
    assert data["summary"]["findings"] == sum(1 for v in result.verdicts if v.label is not VerdictLabel.NO_EVIDENCE)
    assert data["summary"]["failing"] == sum(
        1 for v in result.verdicts if v.label in (VerdictLabel.CONTRADICTED, VerdictLabel.SELF_CONTRADICTION)
    )


def test_two_runs_are_identical_and_keys_sorted():
    first = render_json(sample_result(30, seed=5))
    second = render_json(sample_result(30, seed=5))
    assert first == second
    assert "generated_at" not in first

    def check_sorted(value):
        if isinstance(value, dict):
            assert list(value) == sorted(value)
            for item in value.values():
                check_sorted(item)
        elif isinstance(value, list):
            for item in value:
                check_sorted(item)

    check_sorted(json.loads(first))


def test_time_stamp_is_one_separate_field():
    result = sample_result(8)
    plain = json.loads(render_json(result))
    stamped = json.loads(
        render_json(result, ReportOptions(generated_at=dt.datetime(2031, 3, 4, 5, 6, 7, 890, tzinfo=dt.UTC)))
    )
    assert stamped.pop("generated_at") == "2031-03-04T05:06:07Z"
    assert stamped == plain


def test_order_and_content_follow_the_result():
    result = sample_result(20, seed=9)
    data = report_dict(result)
    assert [v["statement"]["id"] for v in data["verdicts"]] == [v.statement.id for v in result.verdicts]
    assert [d["id"] for d in data["documents"]] == [d.id for d in result.documents]
    evidence_ids = [d["id"] for d in data["evidence_documents"]]
    assert evidence_ids == sorted(evidence_ids)
    for entry, verdict in zip(data["verdicts"], result.verdicts):
        assert [e["statement"]["id"] for e in entry["evidence"]] == [e.statement.id for e in verdict.evidence]
        for item in entry["evidence"]:
            assert item["document_id"] in {d["id"] for d in data["documents"] + data["evidence_documents"]}
    # the text itself stays out of the report; its length is kept
    assert "text" not in data["documents"][0]
    assert data["documents"][0]["characters"] == len(result.documents[0].text)


def test_control_characters_stay_valid_json():
    result = sample_result(12, hostile=True)
    text = render_json(result)
    assert "\x00" not in text and "\x1b" not in text
    data = json.loads(text)
    # control characters are escaped, not lost: the content still equals the document slice
    contents = [v["statement"]["content"] for v in data["verdicts"]]
    assert any("\x1b" in c for c in contents)
    text.encode("utf-8")
