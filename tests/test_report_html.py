"""HTML report: parsed and checked element by element (content, highlighting, evidence,
self-containment, template override)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re

import lxml.html
import pytest

from verify.errors import ConfigError
from verify.report import ReportOptions, render_html
from verify.report.html import quote_parts, text_fragment_link
from verify.report.sample import sample_result
from verify.types import CheckResult, RelationLabel, SpeakerKind, VerdictLabel


def _tree(html: str):
    return lxml.html.document_fromstring(html)


def _text(element) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(scope="module")
def result():
    return sample_result(40, seed=11)


@pytest.fixture(scope="module")
def page(result):
    return render_html(result)


def test_summary_counts(result, page):
    tree = _tree(page)
    (summary,) = tree.xpath('//section[@id="summary"]')
    stats = [_text(li) for li in summary.xpath('.//ul[@class="stats"]/li')]
    assert f"{len(result.documents)}documents" in [s.replace(" ", "") for s in stats]
    assert f"{len(result.verdicts)}statements" in [s.replace(" ", "") for s in stats]
    rows = summary.xpath('.//table[@id="verdict-counts"]/tbody/tr')
    assert len(rows) == len(VerdictLabel)
    for row, label in zip(rows, VerdictLabel):
        assert row.get("class") == f"v-{label.value}"
        assert int(_text(row.xpath("./td")[1])) == sum(1 for v in result.verdicts if v.label is label)


def test_most_serious_findings_first(result, page):
    tree = _tree(page)
    items = tree.xpath('//ol[@id="top-findings"]/li')
    assert 1 <= len(items) <= 10
    order = [label.value for label in VerdictLabel]
    labels = [item.get("class")[2:] for item in items]
    assert [order.index(x) for x in labels] == sorted(order.index(x) for x in labels)
    assert labels[0] == "self-contradiction"
    # each links to its card
    for item in items:
        (link,) = item.xpath("./a")
        assert tree.xpath(f'//li[@id="{link.get("href")[1:]}"]')


def test_one_card_per_statement_most_serious_first(result, page):
    tree = _tree(page)
    cards = tree.xpath('//ol[@id="cards"]/li')
    assert len(cards) == len(result.verdicts)
    severities = [
        list(VerdictLabel).index(VerdictLabel(re.search(r"v-([a-z-]+)", c.get("class")).group(1))) for c in cards
    ]
    assert severities == sorted(severities)
    assert len({c.get("id") for c in cards}) == len(cards)


def test_cards_show_speaker_date_cue_and_highlighted_quote(result, page):
    tree = _tree(page)
    for index, verdict in enumerate(result.verdicts):
        statement = verdict.statement
        (card,) = tree.xpath(f'//li[@id="s{index + 1}"]')
        assert f"v-{verdict.label.value}" in card.get("class")
        assert _text(card.xpath('.//span[@class="who"]')[0]) == " ".join(statement.speaker.split())
        header = _text(card.xpath('./div[@class="h"]')[0])
        assert f"cue: {statement.cue}" in header
        if statement.date:
            assert card.xpath(".//time")[0].get("datetime") == statement.date.isoformat()
        quote = card.xpath("./div/div/blockquote")[0]
        assert _text(quote.xpath("./mark")[0]) == " ".join(statement.content.split())
        assert _text(quote) == " ".join(statement.sentence.split())


def test_anonymous_sources_are_marked(result, page):
    tree = _tree(page)
    anonymous = 0
    for index, verdict in enumerate(result.verdicts):
        (card,) = tree.xpath(f'//li[@id="s{index + 1}"]')
        badge = card.xpath('./div[@class="h"]/span[contains(@class, "anon")]')
        if verdict.statement.speaker_kind is SpeakerKind.ANONYMOUS:
            anonymous += 1
            assert "anon" in card.get("class").split()
            assert "anonymous source" in _text(badge[0])
        else:
            assert not badge
    assert anonymous, "the sample has anonymous speakers"


def test_evidence_side_by_side_with_relation_probability_rationale_and_link(result, page):
    tree = _tree(page)
    documents = {**dict(result.evidence_documents), **{d.id: d for d in result.documents}}
    checked = 0
    for index, verdict in enumerate(result.verdicts):
        (card,) = tree.xpath(f'//li[@id="s{index + 1}"]')
        items = card.xpath('.//ol[@class="ev-list"]/li')
        assert len(items) == len(verdict.evidence)
        for item, evidence in zip(items, verdict.evidence):
            label = evidence.relation.label.value
            assert item.get("class") == f"e-{label}"
            assert _text(item.xpath('.//span[contains(@class, "r ")]')[0]) == label.replace("_", " ")
            assert float(item.xpath(".//meter")[0].get("value")) == pytest.approx(
                evidence.relation.probability, abs=1e-3
            )
            assert _text(item.xpath('./p[@class="why"]')[0]) == evidence.relation.rationale
            assert _text(item.xpath("./blockquote/mark")[0]) == " ".join(evidence.statement.content.split())
            source = _text(item.xpath('./p[@class="src"]')[-1])
            span = evidence.statement.content_span
            assert f"chars {span.start}\u2013{span.end}" in source
            document = documents[evidence.statement.document_id]
            links = [a.get("href") for a in item.xpath('./p[@class="src"]//a') if not a.get("href").startswith("#")]
            if document.url and document.url.startswith("https://"):
                assert links and links[0].startswith(document.url + "#:~:text=")
            else:
                assert not links
            checked += 1
    assert checked > 10


def test_timeline_draws_statements_and_contradictions(result, page):
    tree = _tree(page)
    (svg,) = tree.xpath('//section[@id="timeline"]//svg')
    dots = svg.xpath(".//circle")
    checked_dots = [d for d in dots if d.get("class", "").startswith("d-")]
    dated = [v for v in result.verdicts if v.statement.date]
    assert 0 < len(checked_dots) <= len(dated)
    contradictions = sum(
        1 for v in result.verdicts for e in v.evidence if e.relation.label is RelationLabel.CONTRADICTS
    )
    curves = svg.xpath(".//path")
    assert 0 < len(curves) <= contradictions
    assert svg.xpath('.//path[contains(@class, "self")]'), "a self-contradiction is drawn dashed"


def test_page_is_self_contained_with_hashed_csp(page):
    tree = _tree(page)
    assert not tree.xpath("//*[@src]"), "nothing is loaded from anywhere"
    assert not tree.xpath('//link[@rel="stylesheet"]')
    assert all(link.get("href").startswith("data:") for link in tree.xpath("//link"))
    (csp,) = tree.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert "default-src 'none'" in csp
    (style,) = tree.xpath("//style")
    (script,) = tree.xpath("//script")
    for element, directive in ((style, "style-src"), (script, "script-src")):
        digest = base64.b64encode(hashlib.sha256(element.text.encode("utf-8")).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp
    assert "@import" not in style.text and "url(" not in style.text
    assert "fetch(" not in script.text and "XMLHttpRequest" not in script.text
    # controls exist for JavaScript to reveal; without it they stay hidden
    assert tree.xpath('//div[@id="controls"]')[0].get("hidden") is not None


@pytest.mark.parametrize("statements", [0, 1])
def test_tiny_reports(statements):
    result = sample_result(max(statements, 1))
    if statements == 0:
        result = CheckResult(documents=result.documents, verdicts=())
    tree = _tree(render_html(result))
    assert len(tree.xpath('//ol[@id="cards"]/li')) == statements
    assert tree.xpath('//section[@id="summary"]')
    if statements == 0:
        assert "No attributed statements" in _text(tree.xpath('//section[@id="statements"]')[0])


def test_quote_parts_uses_offsets(result):
    statement = result.verdicts[0].statement
    before, quote, after = quote_parts(statement)
    assert quote == statement.content
    assert before + quote + after == statement.sentence


def test_text_fragment_link_encodes_directive_characters():
    link = text_fragment_link("https://news.example/a", "well-known, long & winding road to the old pier")
    assert link.startswith("https://news.example/a#:~:text=")
    directive = link.split("#:~:text=")[1]
    start, _end = directive.split(",")
    assert "%2D" in start and "-" not in directive and "&" not in directive
    assert text_fragment_link("https://news.example/a#top", "short quote").startswith(
        "https://news.example/a#top:~:text="
    )


def test_time_stamp_only_when_asked(result):
    import datetime as dt

    assert render_html(result) == render_html(result)
    stamped = render_html(result, ReportOptions(generated_at=dt.datetime(2031, 3, 4, 5, 6, 7)))
    assert '<time datetime="2031-03-04T05:06:07Z">' in stamped


def test_user_templates_override_ours(tmp_path, result):
    (tmp_path / "card.html").write_text(
        '<li class="card" id="{{ card.anchor }}">CUSTOM {{ card.speaker.name }} {{ card.quote[1] }}</li>',
        encoding="utf-8",
    )
    (tmp_path / "report.css").write_text("body{background:#000}", encoding="utf-8")
    page = render_html(result, template_dir=tmp_path)
    tree = _tree(page)
    cards = tree.xpath('//ol[@id="cards"]/li')
    assert len(cards) == len(result.verdicts)
    assert all(_text(card).startswith("CUSTOM") for card in cards)
    assert tree.xpath("//style")[0].text == "body{background:#000}"
    # the packaged templates still provide the rest
    assert tree.xpath('//section[@id="summary"]')


def test_user_templates_are_escaped_too(tmp_path):
    result = sample_result(6, hostile=True)
    (tmp_path / "card.html").write_text("<li>{{ card.quote[1] }}</li>", encoding="utf-8")
    page = render_html(result, template_dir=tmp_path)
    assert "<img src=x" not in page


def test_bad_template_folder_and_template_errors(tmp_path, result):
    with pytest.raises(ConfigError, match="template folder not found"):
        render_html(result, template_dir=tmp_path / "missing")
    (tmp_path / "card.html").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(ConfigError, match="card.html"):
        render_html(result, template_dir=tmp_path)
    (tmp_path / "card.html").write_text("{{ card.no_such_field }}", encoding="utf-8")
    with pytest.raises(ConfigError, match="no_such_field"):
        render_html(result, template_dir=tmp_path)


def test_quote_runs_past_its_sentence():
    from verify.types import Document, QuoteKind, Span, Statement

    text = "The mayor spoke. \u201cThe bridge opens in May. Traffic will halve,\u201d she said on Tuesday."
    document = Document(id="d1", text=text)
    start = text.index("The bridge")
    end = text.index("halve") + len("halve")
    sentence_start = text.index("Traffic")
    statement = Statement(
        id="d1:1",
        document_id="d1",
        speaker="Mayor Elena Brandt",
        speaker_span=None,
        speaker_id="elena-brandt",
        speaker_kind=SpeakerKind.PERSON,
        cue="say",
        cue_span=Span(text.index("said"), text.index("said") + 4),
        content=text[start:end],
        content_span=Span(start, end),
        quote_kind=QuoteKind.DIRECT,
        sentence=text[sentence_start:],
        sentence_span=Span(sentence_start, len(text)),
        date=None,
    )
    before, quote, after = quote_parts(statement, document)
    assert quote == statement.content
    assert before == "" and after == ",\u201d she said on Tuesday."
    # without the document the content is still shown whole
    assert quote_parts(statement)[1] == statement.content


def test_local_documents_are_linked_relative_to_the_report(tmp_path, monkeypatch):
    from verify.ingest import load_path
    from verify.report import write_reports
    from verify.types import Verdict

    monkeypatch.chdir(tmp_path)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "pier.txt").write_text(
        "date 2031-03-02 Harbour master Ines Okafor said the east pier will close in June.\n", encoding="utf-8"
    )
    (document,) = list(load_path("articles/pier.txt"))
    statement = sample_result(1).verdicts[0].statement
    content = "the east pier will close in June"
    start = document.text.index(content)
    from verify.types import Span

    statement = dataclasses.replace(
        statement,
        document_id=document.id,
        content=content,
        content_span=Span(start, start + len(content)),
        sentence=document.text,
        sentence_span=Span(0, len(document.text)),
    )
    result = CheckResult(documents=(document,), verdicts=(Verdict(statement, VerdictLabel.NO_EVIDENCE, 0.5),))
    page = write_reports(result, ["html"], "reports", "pier")["html"].read_text(encoding="utf-8")
    tree = _tree(page)
    hrefs = tree.xpath('//li[@id="s1"]//p[@class="src"]/a/@href')
    assert hrefs == ["../articles/pier.txt"]
    assert "articles/pier.txt:1:" in _text(tree.xpath('//li[@id="s1"]//p[@class="src"]')[0])


def test_shorten_cuts_between_words_where_it_can():
    from verify.report.common import shorten

    assert shorten("model: contradiction 0.08, entailment 0.90", 25) == "model: contradiction…"
    assert shorten("Ukrainian and Russian negotiators", 12) == "Ukrainian…"
    assert shorten("abcdefghijklmnopqrstuvwxyz", 10) == "abcdefghi…"  # no space near the end: cut in the word
    assert shorten("short  line", 40) == "short line"
    assert all(len(shorten("word " * 40, w)) <= w for w in range(2, 60))
