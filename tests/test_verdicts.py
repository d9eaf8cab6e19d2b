"""Verdicts from relations: labels, thresholds, ranking, evidence."""

from __future__ import annotations

import pytest
from test_features import make

from verify.types import Document, Relation, RelationLabel, VerdictLabel
from verify.verdicts import build_verdicts, decide, summarise, verdict_line


def rel(target: str, label: str, p: float, same: bool = False) -> Relation:
    return Relation(
        source_id="s",
        target_id=target,
        label=RelationLabel(label),
        probability=p,
        same_speaker=same,
        rationale=f"{label} {p}",
    )


@pytest.mark.parametrize(
    ("relations", "label", "confidence"),
    [
        ([], VerdictLabel.NO_EVIDENCE, 1.0),
        ([rel("a", "unrelated", 0.9)], VerdictLabel.NO_EVIDENCE, 1.0),
        ([rel("a", "contradicts", 0.4)], VerdictLabel.NO_EVIDENCE, 0.6),
        ([rel("a", "contradicts", 0.7)], VerdictLabel.CONTRADICTED, 0.7),
        ([rel("a", "contradicts", 0.7, same=True)], VerdictLabel.SELF_CONTRADICTION, 0.7),
        ([rel("a", "contradicts", 0.7), rel("b", "supports", 0.6)], VerdictLabel.DISPUTED, 0.6),
        ([rel("a", "supports", 0.8), rel("b", "follows_up", 0.9)], VerdictLabel.SUPPORTED, 0.8),
        ([rel("a", "follows_up", 0.55)], VerdictLabel.FOLLOW_UP, 0.55),
        ([rel("a", "contradicts", 0.6, same=True), rel("b", "supports", 0.9)], VerdictLabel.SELF_CONTRADICTION, 0.6),
    ],
)
def test_decide(relations, label, confidence):
    got, conf, _ = decide(relations, 0.5)
    assert got == label and conf == pytest.approx(confidence)


def test_min_confidence_filters_evidence():
    relations = [rel("a", "contradicts", 0.65), rel("b", "supports", 0.55)]
    assert decide(relations, 0.5)[0] == VerdictLabel.DISPUTED
    assert decide(relations, 0.6)[0] == VerdictLabel.CONTRADICTED
    assert decide(relations, 0.7)[0] == VerdictLabel.NO_EVIDENCE


def test_evidence_is_ranked_deciding_kind_first_then_probability_then_id():
    relations = [
        rel("c", "supports", 0.9), rel("b", "contradicts", 0.6), rel("a", "contradicts", 0.6),
        rel("d", "contradicts", 0.8), rel("e", "unrelated", 0.99),
    ]  # fmt: skip
    label, _, ranked = decide(relations, 0.5)
    assert label == VerdictLabel.DISPUTED
    assert [r.target_id for r in ranked] == ["d", "a", "b", "c"]
    assert decide(list(reversed(relations)), 0.5)[2] == ranked


def test_build_verdicts_attaches_statements_and_documents():
    checked = make("the harbour will reopen on Monday")
    other = make("no ship will be unloaded on Monday", speaker="Bo Strand", speaker_id="bo-strand", document_id="d2")
    relation = Relation(
        source_id=checked.id,
        target_id=other.id,
        label=RelationLabel.CONTRADICTS,
        probability=0.8,
        rationale="dispute between sources: different speakers",
    )
    document = Document(id="d2", text="...", title="Courier")
    (verdict,) = build_verdicts([checked], [relation], {other.id: other, checked.id: checked}, {"d2": document})
    assert verdict.label == VerdictLabel.CONTRADICTED and verdict.confidence == 0.8
    assert verdict.evidence[0].statement == other and verdict.evidence[0].document == document
    assert summarise([verdict])["contradicted"] == 1 and next(iter(summarise([]))) == "self-contradiction"
    assert verdict_line(verdict).startswith('contradicted (0.80): Ana Tal, 2023-05-01: "the harbour')


def test_the_same_speaker_going_on_in_the_same_document_is_not_evidence():
    checked = make("the harbour will reopen on Monday")
    going_on = make("the cranes are repaired", offset=200)  # Ana Tal again, same document
    elsewhere = make("the harbour reopens Monday", document_id="d2")  # Ana Tal, another article
    against = make("the harbour will stay shut", offset=400)  # Ana Tal contradicting herself

    def relation(other, label):
        return Relation(
            source_id=checked.id, target_id=other.id, label=RelationLabel(label), probability=0.8,
            same_speaker=True, rationale=label,
        )  # fmt: skip

    statements = {s.id: s for s in (checked, going_on, elsewhere, against)}
    (alone,) = build_verdicts([checked], [relation(going_on, "supports"), relation(going_on, "follows_up")], statements)
    assert alone.label == VerdictLabel.NO_EVIDENCE and alone.evidence == ()
    (repeated,) = build_verdicts([checked], [relation(going_on, "supports"), relation(elsewhere, "supports")], statements)
    assert repeated.label == VerdictLabel.SUPPORTED
    assert [e.statement for e in repeated.evidence] == [elsewhere]
    (reversed_,) = build_verdicts([checked], [relation(against, "contradicts")], statements)
    assert reversed_.label == VerdictLabel.SELF_CONTRADICTION
