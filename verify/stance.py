"""Sources: one position per source on a checked statement, and claims related to plain texts.

A relation judges one statement against one other.  A source, though (one speaker in one
document), takes one position on a claim: a ministry that "denied the report" in one
sentence and "said the talks were going well" in the next has not both contradicted and
supported it.  So ``consolidate`` groups the relations of a checked statement by source
(``source_key``: the evidence document and its effective speaker,
``verify.features.effective_speaker``) and keeps, per source, its strongest relation: the
one with the highest probability among its related statements.  Its rationale says how many
statements it stands for and how the others read.  A dispute (``disputed``) is then always
between sources, as it should be; a source none of whose statements relate to the checked
one keeps its relations unchanged.

Measured on the project's own invented articles (``verify/data/stance_docs.jsonl``: claims
with the stance of a whole article toward each; ``benchmarks/bench_stance_docs.py``) and on
FNC-1 (``benchmarks/bench_fnc1.py``), reading one position per source beats reading every
relation on its own on both.

``relate_to_articles`` relates claims to plain-text articles (no speakers, each sentence a
statement) the way ``verify check`` relates a statement to a corpus: both benchmarks use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .classify import LABELS
from .features import effective_speaker
from .types import QuoteKind, Relation, RelationLabel, Span, SpeakerKind, Statement

__all__ = ["consolidate", "relate_to_articles", "source_key", "split_sentences", "unattributed"]

_SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z“\"])|\n+")


def split_sentences(text: str, min_words: int = 4) -> list[tuple[int, str]]:
    """(offset, sentence) pairs of a plain text: a punctuation split, fragments under
    ``min_words`` words dropped (headers, bylines)."""
    out, start = [], 0
    for match in list(_SENTENCE_END.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        piece = text[start:end].strip()
        if len(piece.split()) >= min_words:
            out.append((text.index(piece, start), piece))
        start = match.end() if match else len(text)
    return out


def unattributed(document_id: str, text: str, offset: int = 0) -> Statement:
    """A statement with no speaker or date: a headline, or one sentence of a plain text."""
    span = Span(offset, offset + len(text))
    return Statement(
        id=Statement.make_id(document_id, span), document_id=document_id, speaker="unknown", speaker_span=None,
        speaker_id="unknown", speaker_kind=SpeakerKind.PERSON, cue="say", cue_span=Span(offset, offset),
        content=text, content_span=span, quote_kind=QuoteKind.INDIRECT, sentence=text, sentence_span=span, date=None,
    )  # fmt: skip


def relate_to_articles(
    items: Sequence[tuple[str, str]],
    articles: Mapping[str, str],
    embed: Callable[[list[str]], np.ndarray],
    relater: Any,
    top_k: int = 3,
    min_similarity: float = 0.35,
) -> list[tuple[Statement, list[Relation], list[Statement]]]:
    """Relate claims to plain-text articles the way ``verify check`` relates a statement to
    a corpus: the ``top_k`` sentences of the article most similar to the claim, at or above
    ``min_similarity``, each a statement of its own (no speaker, no date).

    items: (claim text, article id) pairs; articles: article id → text; embed: texts → unit
    vectors; relater: a ``verify.classify.Relater``.  Returns, per item, the claim as a
    statement, its relations (none when no sentence is similar enough) and the sentence
    statements they point to, in the same order.
    """
    sentences = {aid: split_sentences(articles[aid]) for aid in sorted({aid for _, aid in items})}
    flat = [(aid, offset, text) for aid, found in sentences.items() for offset, text in found]
    claims = sorted({claim for claim, _ in items})
    vectors = np.asarray(embed([" ".join(t.split()) for _, _, t in flat] + [" ".join(c.split()) for c in claims]))
    claim_row = {claim: len(flat) + n for n, claim in enumerate(claims)}
    by_article: dict[str, list[int]] = {}
    for n, (aid, _, _) in enumerate(flat):
        by_article.setdefault(aid, []).append(n)
    heads, pairs, cosines, owner = [], [], [], []
    for n, (claim, aid) in enumerate(items):
        head = unattributed(f"claim-{claim_row[claim]}", claim)
        heads.append(head)
        members = by_article.get(aid, [])
        if not members:
            continue
        sims = vectors[members] @ vectors[claim_row[claim]]
        for j in np.argsort(-sims, kind="stable")[:top_k]:
            if sims[j] < min_similarity:
                continue
            _, offset, text = flat[members[j]]
            pairs.append((head, unattributed(aid, text, offset)))
            cosines.append(float(sims[j]))
            owner.append(n)
    relations = relater.relate(pairs, cosines) if pairs else []
    found: list[tuple[list[Relation], list[Statement]]] = [([], []) for _ in items]
    for n, relation, (_, sentence) in zip(owner, relations, pairs):
        found[n][0].append(relation)
        found[n][1].append(sentence)
    return [(head, related, statements) for head, (related, statements) in zip(heads, found)]


def source_key(statement: Statement) -> tuple[str, str]:
    """The source of an evidence statement: (document id, effective speaker id)."""
    return statement.document_id, effective_speaker(statement)[0]


_LABEL_WORDS = {"contradicts": "contradicts", "supports": "supports", "follows_up": "follows up"}


def consolidate(relations: Sequence[Relation], evidence: Mapping[str, Statement]) -> list[Relation]:
    """One relation per source for the relations of one checked statement (see the module
    docstring).

    evidence: the statements relations point to, by id (a relation whose statement is
    missing is a source of its own).  Per source with a related statement: its strongest
    related relation, its rationale ending with the count and how the others read, its
    scores with ``source_statements``; sources with none keep their (unrelated) relations.  Deterministic: sources in order of their
    first relation, ties broken by the most serious label, then statement id.
    """
    groups: dict[tuple[str, str], list[Relation]] = {}
    for relation in relations:
        statement = evidence.get(relation.target_id)
        key = source_key(statement) if statement is not None else ("", relation.target_id)
        groups.setdefault(key, []).append(relation)
    out: list[Relation] = []
    for members in groups.values():
        related = [r for r in members if r.label != RelationLabel.UNRELATED]
        if not related:
            out.extend(members)
            continue
        if len(members) == 1:
            out.append(members[0])
            continue
        head = min(related, key=lambda r: (-r.probability, LABELS.index(r.label.value), r.target_id))
        others = sorted(
            (r for r in members if r is not head),
            key=lambda r: (r.label == RelationLabel.UNRELATED, -r.probability, LABELS.index(r.label.value)),
        )
        readings = ", ".join(
            f"{_LABEL_WORDS[r.label.value]} {r.probability:.2f}" if r.label != RelationLabel.UNRELATED else "unrelated"
            for r in others
        )
        note = f"strongest of {len(members)} statements of this source (the others: {readings})"
        scores = {**head.scores, "source_statements": float(len(members))}
        out.append(replace(head, scores=scores, rationale=f"{head.rationale}; {note}"))
    return out
