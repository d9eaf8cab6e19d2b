"""ClaimReview JSON-LD: required properties, the documented rating mapping, no-evidence left out."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from verify.report import RATINGS, ReportOptions, claim_reviews, render_claimreview
from verify.report.claimreview import BEST_RATING, WORST_RATING
from verify.report.sample import sample_result
from verify.types import SpeakerKind, VerdictLabel


def test_mapping_covers_every_finding_and_stays_in_range():
    assert set(RATINGS) == set(VerdictLabel) - {VerdictLabel.NO_EVIDENCE}
    for rating, name in RATINGS.values():
        assert WORST_RATING <= rating < BEST_RATING
        assert name
    value = {label: RATINGS[label][0] for label in RATINGS}
    assert value[VerdictLabel.SELF_CONTRADICTION] == WORST_RATING
    assert value[VerdictLabel.SELF_CONTRADICTION] < value[VerdictLabel.CONTRADICTED] < value[VerdictLabel.DISPUTED]
    assert value[VerdictLabel.SUPPORTED] == max(value.values())
    # an automatic comparison never claims "true"
    assert max(value.values()) < BEST_RATING


@pytest.mark.parametrize("statements,hostile", [(1, False), (30, False), (30, True)])
def test_every_review_has_the_required_properties(statements, hostile):
    result = sample_result(statements, seed=statements, hostile=hostile)
    text = render_claimreview(result, html_name="check.html")
    assert not {"<", ">", "&"} & set(text)  # pasted into <script type="application/ld+json">, nothing closes it
    reviews = json.loads(text)
    findings = [v for v in result.verdicts if v.label is not VerdictLabel.NO_EVIDENCE]
    assert len(reviews) == len(findings)
    for review, verdict in zip(reviews, findings):
        assert review["@context"] == "https://schema.org"
        assert review["@type"] == "ClaimReview"
        assert review["claimReviewed"].strip()
        assert review["url"].startswith("check.html#s")
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating"
        assert (rating["ratingValue"], rating["alternateName"]) == RATINGS[verdict.label]
        assert (rating["bestRating"], rating["worstRating"]) == (BEST_RATING, WORST_RATING)
        assert review["author"]["@type"] == "Organization" and review["author"]["name"]
        claim = review["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert claim["author"]["@type"] in ("Person", "Organization") and claim["author"]["name"]
        if verdict.statement.date:
            assert claim["datePublished"] == verdict.statement.date.isoformat()
        assert "datePublished" not in review  # no time stamp by default
        assert "\x00" not in json.dumps(review, ensure_ascii=False)


def test_author_types_and_anonymous_sources():
    result = sample_result(60, seed=8)
    reviews = claim_reviews(result)
    findings = [v for v in result.verdicts if v.label is not VerdictLabel.NO_EVIDENCE]
    kinds = {}
    for review, verdict in zip(reviews, findings):
        kinds[verdict.statement.speaker_kind] = review["itemReviewed"]["author"]
    assert kinds[SpeakerKind.PERSON]["@type"] == "Person"
    assert kinds[SpeakerKind.GOVERNMENT]["@type"] == "Organization"
    assert kinds[SpeakerKind.ANONYMOUS]["@type"] == "Person"
    assert "Anonymous" in kinds[SpeakerKind.ANONYMOUS]["description"]


def test_appearance_url_report_url_and_review_date():
    result = sample_result(12)
    options = ReportOptions(
        report_url="https://factcheck.example/valmora/report.html",
        reviewer="Valmora Fact Desk",
        reviewer_url="https://factcheck.example/",
        generated_at=dt.datetime(2031, 3, 5, 9, 0, tzinfo=dt.UTC),
    )
    reviews = claim_reviews(result, options)
    assert all(r["url"].startswith("https://factcheck.example/valmora/report.html#s") for r in reviews)
    assert all(
        r["author"] == {"@type": "Organization", "name": "Valmora Fact Desk", "url": "https://factcheck.example/"}
        for r in reviews
    )
    assert all(r["datePublished"] == "2031-03-05" for r in reviews)
    with_url = [r for r in reviews if "url" in r["itemReviewed"].get("appearance", {})]
    assert with_url, "documents with a URL give the claim an appearance"
    assert all(r["itemReviewed"]["appearance"]["url"].startswith("https://") for r in with_url)


def test_only_http_links_and_report_urls():
    from dataclasses import replace

    from verify.errors import ConfigError
    from verify.report.options import emit_reports

    result = sample_result(6, hostile=True)
    checked = next(v for v in result.verdicts if v.label is not VerdictLabel.NO_EVIDENCE).statement.document_id
    documents = tuple(replace(d, url="javascript:alert(1)") if d.id == checked else d for d in result.documents)
    text = render_claimreview(replace(result, documents=documents))
    assert "javascript:" not in text and "\\u003c" in text  # the hostile title's markup, escaped
    for bad in ("javascript:alert(1)", "relative/page.html"):
        with pytest.raises(ConfigError, match="not an absolute http"):
            emit_reports(result, name="x", formats=["claimreview"], output="unused", report_url=bad, settings={})
