"""Verdicts: the relations of each checked statement → one ``Verdict`` with ranked evidence.

Only relations at or above ``min_confidence`` count as evidence, and ``unrelated`` never
does.  The label, from most to least serious:

- ``self-contradiction``: contradicted by a statement of the same speaker;
- ``disputed``: both supported and contradicted (by other speakers);
- ``contradicted``: contradicted, not supported;
- ``supported``: supported, not contradicted;
- ``follow-up``: only follow-ups (the same story, later or updated);
- ``no-evidence``: nothing above the threshold.

A statement is not evidence for itself: support or a follow-up from the same speaker in the
same document (a speaker going on with one thought: "He added, ...") is left out of the
verdict; the same speaker contradicting themselves there still counts.

The verdict's confidence is the probability of its strongest deciding relation (for
``disputed``, the weaker of the strongest support and the strongest contradiction; for
``no-evidence``, one minus the strongest relation that fell short, or 1 without any).
Evidence is ranked: the relations that decide the label first, then by probability, then
by statement id, so the order is the same run after run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .stance import consolidate
from .types import Document, Evidence, Relation, RelationLabel, Statement, Verdict, VerdictLabel

__all__ = ["DEFAULT_MIN_CONFIDENCE", "build_verdicts", "decide", "summarise", "verdict_line", "verdict_relation"]

DEFAULT_MIN_CONFIDENCE = 0.5

# For each verdict, the relation kinds that decide it, in rank order.
_DECIDING = {
    VerdictLabel.SELF_CONTRADICTION: ("self", "contradicts", "supports", "follows_up"),
    VerdictLabel.DISPUTED: ("contradicts", "supports", "self", "follows_up"),
    VerdictLabel.CONTRADICTED: ("contradicts", "follows_up", "supports", "self"),
    VerdictLabel.SUPPORTED: ("supports", "follows_up", "contradicts", "self"),
    VerdictLabel.FOLLOW_UP: ("follows_up", "supports", "contradicts", "self"),
    VerdictLabel.NO_EVIDENCE: ("contradicts", "supports", "follows_up", "self"),
}


def _kind(relation: Relation) -> str:
    if relation.label == RelationLabel.CONTRADICTS and relation.same_speaker:
        return "self"
    return RelationLabel(relation.label).value


def decide(
    relations: Sequence[Relation], min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> tuple[VerdictLabel, float, list[Relation]]:
    """The verdict label, its confidence and the ranked evidence relations for one statement.

    relations: every relation whose ``source_id`` is the statement.
    min_confidence: relations below this probability are not evidence (default 0.5).
    """
    evidence = [r for r in relations if r.label != RelationLabel.UNRELATED and r.probability >= min_confidence]
    by_kind: dict[str, list[Relation]] = {"self": [], "contradicts": [], "supports": [], "follows_up": []}
    for relation in evidence:
        by_kind[_kind(relation)].append(relation)
    best = {kind: max((r.probability for r in items), default=0.0) for kind, items in by_kind.items()}
    if by_kind["self"]:
        label, confidence = VerdictLabel.SELF_CONTRADICTION, best["self"]
    elif by_kind["contradicts"] and by_kind["supports"]:
        label, confidence = VerdictLabel.DISPUTED, min(best["contradicts"], best["supports"])
    elif by_kind["contradicts"]:
        label, confidence = VerdictLabel.CONTRADICTED, best["contradicts"]
    elif by_kind["supports"]:
        label, confidence = VerdictLabel.SUPPORTED, best["supports"]
    elif by_kind["follows_up"]:
        label, confidence = VerdictLabel.FOLLOW_UP, best["follows_up"]
    else:
        short = [r.probability for r in relations if r.label != RelationLabel.UNRELATED]
        label, confidence = VerdictLabel.NO_EVIDENCE, 1.0 - max(short, default=0.0)
    order = _DECIDING[label]
    ranked = sorted(evidence, key=lambda r: (order.index(_kind(r)), -r.probability, r.target_id))
    return label, round(float(confidence), 4), ranked


def verdict_relation(label: VerdictLabel, ranked: Sequence[Relation]) -> str:
    """The relation label a verdict amounts to, for measuring against stance data:
    contradicted / self-contradiction → contradicts, supported → supports, follow-up →
    follows_up, no-evidence → unrelated, disputed → the stronger of its two sides.
    ranked: the verdict's evidence relations (``decide``'s third value)."""
    if label in (VerdictLabel.CONTRADICTED, VerdictLabel.SELF_CONTRADICTION):
        return RelationLabel.CONTRADICTS.value
    if label == VerdictLabel.SUPPORTED:
        return RelationLabel.SUPPORTS.value
    if label == VerdictLabel.DISPUTED:
        best = {r.label.value: r.probability for r in sorted(ranked, key=lambda r: r.probability)}
        stronger = best.get("contradicts", 0.0) >= best.get("supports", 0.0)
        return RelationLabel.CONTRADICTS.value if stronger else RelationLabel.SUPPORTS.value
    if label == VerdictLabel.FOLLOW_UP:
        return RelationLabel.FOLLOWS_UP.value
    return RelationLabel.UNRELATED.value


def _echo(statement: Statement, relation: Relation, evidence_statements: Mapping[str, Statement]) -> bool:
    """Whether ``relation`` is the statement's own speaker agreeing with or going on from it in
    the same document: no evidence of anything (see the module's notes)."""
    other = evidence_statements.get(relation.target_id)
    return (
        relation.same_speaker
        and relation.label in (RelationLabel.SUPPORTS, RelationLabel.FOLLOWS_UP)
        and other is not None
        and other.document_id == statement.document_id
    )


def build_verdicts(
    statements: Sequence[Statement],
    relations: Iterable[Relation],
    evidence_statements: Mapping[str, Statement],
    documents: Mapping[str, Document] | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    per_source: bool = False,
) -> list[Verdict]:
    """One ``Verdict`` per statement, in the order given.

    relations: relations of any of the statements (``source_id``); evidence_statements:
    every statement a relation may point to, by id; documents: their documents by id, to
    attach to the evidence (default none); min_confidence: see ``decide`` (default 0.5);
    per_source: read one position per source, its strongest relation
    (``verify.stance.consolidate``), instead of every relation on its own (default False).
    """
    by_source: dict[str, list[Relation]] = {}
    for relation in relations:
        by_source.setdefault(relation.source_id, []).append(relation)
    verdicts = []
    for statement in statements:
        found = [r for r in by_source.get(statement.id, []) if not _echo(statement, r, evidence_statements)]
        if per_source and found:
            found = consolidate(found, evidence_statements)
        label, confidence, ranked = decide(found, min_confidence)
        evidence = tuple(
            Evidence(
                relation=relation,
                statement=evidence_statements[relation.target_id],
                document=(documents or {}).get(evidence_statements[relation.target_id].document_id),
            )
            for relation in ranked
            if relation.target_id in evidence_statements
        )
        verdicts.append(Verdict(statement=statement, label=label, confidence=confidence, evidence=evidence))
    return verdicts


def _quote(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def verdict_line(verdict: Verdict, width: int = 80) -> str:
    """One readable line: "contradicted (0.81): Kremlin, 2022-03-29: "an agreement is far…"."""
    st = verdict.statement
    when = st.date.isoformat() if st.date else "undated"
    return f'{verdict.label.value} ({verdict.confidence:.2f}): {st.speaker}, {when}: "{_quote(st.content, width)}"'


def summarise(verdicts: Iterable[Verdict]) -> dict[str, int]:
    """Count of verdicts per label, every label present, most serious first."""
    counts = {label.value: 0 for label in VerdictLabel}
    for verdict in verdicts:
        counts[verdict.label.value] += 1
    return counts
