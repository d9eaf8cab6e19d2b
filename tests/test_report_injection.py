"""Hostile input (markup, quotes, control characters, a javascript: URL) in statements,
speakers, titles and failures: shown as text in HTML and Markdown, valid in JSON and XML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import lxml.html
import pytest

from verify.report import (
    render_claimreview,
    render_html,
    render_json,
    render_junit,
    render_markdown,
    render_sarif,
    write_reports,
)
from verify.report.github import github_annotations
from verify.report.sample import HOSTILE_QUOTE, HOSTILE_SPEAKER, HOSTILE_TITLE, sample_result

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@pytest.fixture(scope="module")
def hostile():
    return sample_result(14, hostile=True)


def _visible(text: str) -> str:
    return " ".join(CONTROL.sub("", text).split())


def test_html_shows_markup_as_text_and_runs_nothing(hostile):
    page = render_html(hostile)
    assert not CONTROL.search(page)
    tree = lxml.html.document_fromstring(page)
    # exactly our one script element, and no element or attribute came from the input
    assert len(tree.xpath("//script")) == 1
    assert not tree.xpath("//img") and not tree.xpath('//b[contains(., "boss")]') and not tree.xpath("//*[@onerror]")
    assert not tree.xpath("//title/following-sibling::title")
    assert not [a for a in tree.xpath("//a/@href") if a.lower().startswith("javascript")]
    body = " ".join(tree.text_content().split())
    assert _visible(HOSTILE_TITLE) in body
    assert _visible(HOSTILE_SPEAKER) in body
    assert _visible(HOSTILE_QUOTE)[1:] in body  # first letter is capitalised in direct quotes
    # the highlighted quote holds the whole hostile content as text, not as markup
    marks = [" ".join(m.text_content().split()) for m in tree.xpath("//mark")]
    assert any(_visible(HOSTILE_QUOTE)[1:] in m for m in marks)
    # the failure line with control characters and angle brackets is shown too
    assert 'cannot read "file" [0m <here>' in body


def test_json_formats_stay_valid(hostile):
    for text in (render_json(hostile), render_sarif(hostile), render_claimreview(hostile)):
        data = json.loads(text)
        assert data
        assert not CONTROL.search(text)
    data = json.loads(render_json(hostile))
    titles = [d["title"] for d in data["documents"]]
    assert HOSTILE_TITLE in titles  # kept exactly, escaped by JSON


def test_junit_is_well_formed_xml(hostile):
    text = render_junit(hostile)
    assert not CONTROL.search(text)
    root = ET.fromstring(text.encode("utf-8"))
    names = " ".join(case.get("name") for case in root.iter("testcase"))
    assert "<b>the boss</b>" in names  # an attribute value, escaped by the serializer
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_markdown_cannot_inject_markup(hostile):
    text = render_markdown(hostile)
    assert not CONTROL.search(text)
    assert "<img" not in text and "<b>" not in text and "<script" not in text
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in text


def test_annotations_are_one_line_each(hostile):
    for line in github_annotations(hostile):
        assert "\n" not in line and "\r" not in line
        assert line.startswith(("::error ", "::warning "))
        assert not CONTROL.search(line)


def test_every_written_file_is_clean(tmp_path, hostile):
    paths = write_reports(hostile, ["all"], tmp_path, 'evil "name" <x>/../y')
    assert {p.parent for p in paths.values()} == {tmp_path}
    for path in paths.values():
        assert not CONTROL.search(path.read_text(encoding="utf-8"))
