"""Sources: plain-text sentences, one position per source, verdicts read per source."""

from __future__ import annotations

from verify.classify import LABELS
from verify.stance import consolidate, source_key, split_sentences, unattributed
from verify.types import Relation, RelationLabel, Span, Statement
from verify.verdicts import build_verdicts, decide, verdict_relation


def spoken(document_id: str, speaker_id: str, content: str, start: int = 0) -> Statement:
    base = unattributed(document_id, content, start)
    span = Span(start, start + len(content))
    return Statement(**{**base.__dict__, "id": Statement.make_id(document_id, span), "speaker": speaker_id,
                        "speaker_id": speaker_id})  # fmt: skip


def relation(checked: Statement, target: Statement, label: str, p: float) -> Relation:
    probs = {name: (1 - p) / 3 for name in LABELS}
    probs[label] = p
    scores = {f"p_{name}": value for name, value in probs.items()}
    scores.update({"nli_fwd_contradiction": 0.1, "nli_fwd_entailment": 0.2, "cosine": 0.6})
    return Relation(checked.id, target.id, RelationLabel(label), p, scores, rationale=f"{label} pair")


def test_split_sentences_keeps_offsets_and_drops_fragments():
    text = "By Ana Lind\nThe mayor said the bridge opens Friday. It will not! “Is it safe?” asked Ola Berg."
    found = split_sentences(text)
    assert [s for _, s in found] == ["The mayor said the bridge opens Friday.", "“Is it safe?” asked Ola Berg."]
    assert all(text[offset : offset + len(s)] == s for offset, s in found)


def test_consolidate_keeps_the_strongest_relation_of_each_source():
    claim = unattributed("c", "The bridge in Tolvar was closed on Monday.")
    a1 = spoken("doc-1", "ana-lind", "The bridge was closed on Monday.", 0)
    a2 = spoken("doc-1", "ana-lind", "Traffic was diverted from the bridge.", 40)
    b1 = spoken("doc-1", "ola-berg", "The bridge stayed open all week.", 90)
    c1 = spoken("doc-2", "ana-lind", "The bridge reopened on Friday.", 0)
    u1 = spoken("doc-3", "eva-holm", "The harvest was good this year.", 0)
    relations = [
        relation(claim, a1, "supports", 0.8),
        relation(claim, a2, "follows_up", 0.6),
        relation(claim, b1, "contradicts", 0.7),
        relation(claim, c1, "follows_up", 0.7),
        relation(claim, u1, "unrelated", 0.9),
    ]
    evidence = {s.id: s for s in (a1, a2, b1, c1, u1)}
    out = consolidate(relations, evidence)
    by_target = {r.target_id: r for r in out}
    assert set(by_target) == {a1.id, b1.id, c1.id, u1.id}  # a2 is read with a1, its source
    assert by_target[a1.id].label == RelationLabel.SUPPORTS and by_target[a1.id].probability == 0.8
    assert by_target[a1.id].scores["source_statements"] == 2.0
    assert "strongest of 2 statements of this source (the others: follows up 0.60)" in by_target[a1.id].rationale
    assert by_target[b1.id] is relations[2] and by_target[c1.id] is relations[3]  # sources of one statement
    assert by_target[u1.id] is relations[4]  # unrelated sources are left alone
    assert consolidate(relations, evidence) == out
    assert source_key(a1) == source_key(a2) != source_key(c1)


def test_consolidate_prefers_a_related_statement_and_breaks_ties_by_seriousness():
    claim = unattributed("c", "The bridge in Tolvar was closed on Monday.")
    a1 = spoken("doc-1", "ana-lind", "The bridge was closed on Monday.", 0)
    a2 = spoken("doc-1", "ana-lind", "It was never closed, she said.", 40)
    a3 = spoken("doc-1", "ana-lind", "The harvest was good.", 80)
    relations = [
        relation(claim, a1, "supports", 0.7),
        relation(claim, a2, "contradicts", 0.7),
        relation(claim, a3, "unrelated", 0.95),
    ]
    (only,) = consolidate(relations, {s.id: s for s in (a1, a2, a3)})
    assert only.target_id == a2.id and only.label == RelationLabel.CONTRADICTS
    assert "(the others: supports 0.70, unrelated)" in only.rationale


def test_build_verdicts_reads_one_position_per_source():
    claim = unattributed("c", "The bridge in Tolvar was closed on Monday.")
    a1 = spoken("doc-1", "ana-lind", "The bridge was closed on Monday.", 0)
    a2 = spoken("doc-1", "ana-lind", "Nobody closed the bridge on Monday, she said later.", 40)
    relations = [relation(claim, a1, "supports", 0.9), relation(claim, a2, "contradicts", 0.55)]
    evidence = {s.id: s for s in (a1, a2)}
    raw = build_verdicts([claim], relations, evidence)[0]
    assert raw.label.value == "disputed"
    (merged,) = build_verdicts([claim], relations, evidence, per_source=True)
    assert merged.label.value == "supported" and len(merged.evidence) == 1


def test_verdict_relation_maps_every_verdict():
    claim = unattributed("c", "The bridge in Tolvar was closed on Monday.")
    a = spoken("doc-1", "ana-lind", "The bridge was closed.")
    b = spoken("doc-2", "ola-berg", "The bridge was open.")
    cases = {
        (("supports", 0.8),): "supports",
        (("contradicts", 0.8),): "contradicts",
        (("follows_up", 0.8),): "follows_up",
        (("supports", 0.7), ("contradicts", 0.9)): "contradicts",
        (("supports", 0.9), ("contradicts", 0.7)): "supports",
        (("supports", 0.3),): "unrelated",
    }
    for found, expected in cases.items():
        relations = [relation(claim, target, label, p) for target, (label, p) in zip((a, b), found)]
        label, _, ranked = decide(relations)
        assert verdict_relation(label, ranked) == expected, found
