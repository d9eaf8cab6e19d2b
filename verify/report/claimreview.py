"""ClaimReview JSON-LD (https://schema.org/ClaimReview), one review per statement with a finding.

Statements with the verdict no-evidence get no review: nothing was found to review them by.
Ratings use a 1 (worst) to 5 (best) scale.  5 ("True") is never given: agreeing with other
statements in a corpus is support, not proof, so an automatic check stops at 4.

==================  ===========  ================================================
verdict             ratingValue  alternateName
==================  ===========  ================================================
self-contradiction  1            Contradicts the speaker's own statement
contradicted        2            Contradicted by other statements
disputed            3            Disputed: both supported and contradicted
follow-up           3            Followed up elsewhere, not confirmed
supported           4            Supported by other statements
==================  ===========  ================================================
"""

from __future__ import annotations

import json
from typing import Any

from ..types import CheckResult, Document, SpeakerKind, Statement, Verdict, VerdictLabel
from .common import ReportOptions, document_lookup, http_url, is_finding, one_line, relation_phrase, shorten

__all__ = ["BEST_RATING", "RATINGS", "WORST_RATING", "claim_reviews", "render_claimreview", "statement_anchor"]

BEST_RATING = 5
WORST_RATING = 1

#: verdict → (ratingValue, alternateName)
RATINGS: dict[VerdictLabel, tuple[int, str]] = {
    VerdictLabel.SELF_CONTRADICTION: (1, "Contradicts the speaker's own statement"),
    VerdictLabel.CONTRADICTED: (2, "Contradicted by other statements"),
    VerdictLabel.DISPUTED: (3, "Disputed: both supported and contradicted"),
    VerdictLabel.FOLLOW_UP: (3, "Followed up elsewhere, not confirmed"),
    VerdictLabel.SUPPORTED: (4, "Supported by other statements"),
}


def statement_anchor(index: int) -> str:
    """The HTML anchor of the statement at ``index`` (0-based) in ``CheckResult.verdicts``."""
    return f"s{index + 1}"


def _author(statement: Statement) -> dict[str, Any]:
    kind = "Person" if statement.speaker_kind in (SpeakerKind.PERSON, SpeakerKind.ANONYMOUS) else "Organization"
    author: dict[str, Any] = {"@type": kind, "name": one_line(statement.speaker)}
    if statement.speaker_kind is SpeakerKind.ANONYMOUS:
        author["description"] = "Anonymous source, as described in the article"
    return author


def _appearance(document: Document | None) -> dict[str, Any] | None:
    if document is None:
        return None
    work: dict[str, Any] = {"@type": "NewsArticle" if document.source else "CreativeWork"}
    url = http_url(document.url)
    if url:
        work["url"] = url
    if document.title:
        work["headline"] = one_line(document.title)
    if document.source:
        work["publisher"] = {"@type": "Organization", "name": one_line(document.source)}
    if document.author:
        work["author"] = {"@type": "Person", "name": one_line(document.author)}
    if document.date:
        work["datePublished"] = document.date.isoformat()
    return work if len(work) > 1 else None


def _review_body(verdict: Verdict) -> str:
    parts = []
    for evidence in verdict.evidence[:3]:
        other = evidence.statement
        when = f" ({other.date.isoformat()})" if other.date else ""
        text = f"{one_line(other.speaker)}{when} {relation_phrase(evidence.relation.label)}: \u201c{shorten(other.content, 160)}\u201d"
        if evidence.relation.rationale:
            text += f" [{shorten(evidence.relation.rationale, 120)}]"
        parts.append(text)
    return "; ".join(parts)


def claim_reviews(
    result: CheckResult, options: ReportOptions | None = None, html_name: str = "report.html"
) -> list[dict[str, Any]]:
    """One ClaimReview object per statement whose verdict is not no-evidence, in input order.

    html_name: file name of the HTML report, used for ``url`` when ``options.report_url`` is unset.
    """
    options = options or ReportOptions()
    documents = document_lookup(result)
    base = options.report_url or html_name
    reviewer: dict[str, Any] = {"@type": "Organization", "name": one_line(options.reviewer) or "verify"}
    if options.reviewer_url:
        reviewer["url"] = options.reviewer_url
    stamp = options.stamp()
    reviews = []
    for index, verdict in enumerate(result.verdicts):
        if not is_finding(verdict.label):
            continue
        statement = verdict.statement
        value, name = RATINGS[verdict.label]
        claim: dict[str, Any] = {"@type": "Claim", "author": _author(statement)}
        if statement.date:
            claim["datePublished"] = statement.date.isoformat()
        appearance = _appearance(documents.get(statement.document_id))
        if appearance is not None:
            claim["appearance"] = appearance
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{base.split('#')[0]}#{statement_anchor(index)}",
            "claimReviewed": one_line(statement.content),
            "author": reviewer,
            "itemReviewed": claim,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": value,
                "bestRating": BEST_RATING,
                "worstRating": WORST_RATING,
                "alternateName": name,
                "name": name,
            },
            "reviewBody": _review_body(verdict),
            "identifier": statement.id,
        }
        if stamp is not None:
            review["datePublished"] = stamp[:10]
        reviews.append(review)
    return reviews


def render_claimreview(
    result: CheckResult, options: ReportOptions | None = None, html_name: str = "report.html"
) -> str:
    """The ClaimReview JSON-LD document: a JSON array of ClaimReview objects, sorted keys."""
    text = json.dumps(claim_reviews(result, options, html_name), sort_keys=True, indent=2, ensure_ascii=False)
    # safe to paste into <script type="application/ld+json">: no "</script>" can close it early
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
