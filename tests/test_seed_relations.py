"""Acceptance on the seed article checked against itself (real extractor, embedder, scorer).

Statements are found by their words, nothing about the article is given to the system: the
relations come out of the scorer, the features and the shipped relation model.
"""

from __future__ import annotations

import pytest

from verify.types import RelationLabel, VerdictLabel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def relater():
    from verify.classify import Relater
    from verify.relate import load_scorer

    return Relater(load_scorer())


@pytest.fixture(scope="session")
def embedder():
    from verify.embed import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def seed_result(seed_path, extractor, embedder, relater):
    from verify.pipeline import check

    return check([seed_path], extractor, embedder, relater)


def verdict_of(result, words: str):
    found = [v for v in result.verdicts if words in v.statement.content]
    assert found, f"no statement with {words!r}"
    return found[0]


def relations_between(result, a: str, b: str, min_confidence: float = 0.5) -> set[RelationLabel]:
    """Labels of evidence relations between the statements holding ``a`` and ``b``, either way."""
    va, vb = verdict_of(result, a), verdict_of(result, b)
    labels = {e.relation.label for e in va.evidence if e.statement.id == vb.statement.id}
    labels |= {e.relation.label for e in vb.evidence if e.statement.id == va.statement.id}
    return {label for label in labels if label != RelationLabel.UNRELATED}


FLAGGED = {VerdictLabel.CONTRADICTED, VerdictLabel.DISPUTED, VerdictLabel.SELF_CONTRADICTION}


def test_kremlin_is_flagged_against_ukrainian_optimism(seed_result):
    kremlin = verdict_of(seed_result, "far from reach")
    assert kremlin.label in FLAGGED
    against = [e for e in kremlin.evidence if e.relation.label == RelationLabel.CONTRADICTS]
    optimism = [e for e in against if "listened" in e.statement.content or "hopes to see" in e.statement.content]
    assert optimism, [e.statement.content for e in against]
    assert "different speakers" in optimism[0].relation.rationale


@pytest.mark.parametrize("words", ["de-escalation", "words"])
def test_pentagon_and_zelensky_dispute_moscows_promise(seed_result, words):
    assert RelationLabel.CONTRADICTS in relations_between(seed_result, words, "drastically reduce")
    assert verdict_of(seed_result, "drastically reduce").label in FLAGGED


@pytest.mark.parametrize("unrelated", ["war crimes", "oil reserves"])
@pytest.mark.parametrize("key", ["far from reach", "de-escalation", "drastically reduce", "words"])
def test_unrelated_statements_are_not_linked(seed_result, unrelated, key):
    assert relations_between(seed_result, unrelated, key) == set()


def test_same_inputs_same_relations_and_verdicts(seed_path, extractor, embedder, relater, seed_result):
    from verify.pipeline import check

    again = check([seed_path], extractor, embedder, relater)

    def plain(result):
        return [
            (v.statement.id, v.label, v.confidence, [(e.statement.id, e.relation.to_dict()) for e in v.evidence])
            for v in result.verdicts
        ]

    assert plain(again) == plain(seed_result)


def test_statements_on_the_same_subject_are_not_linked_unless_their_claims_are(extractor, embedder, relater):
    # Two invented articles about one town: every statement shares its names and words with the
    # others, as in a topical archive, but only the bridge's opening date is in dispute.
    import datetime as dt

    from verify.pipeline import check
    from verify.types import Document

    first = (
        "Mayor Ilse Brandvold said the new Tarn bridge will open to traffic in May. "
        "Brandvold also said the town of Tarn will hire twelve more teachers next year. "
        "Opposition leader Kasper Lunde said the Tarn council's budget vote had been rushed."
    )
    second = (
        "Council spokesman Odd Rime said the Tarn council will meet on Thursday to discuss parking fees. "
        "Lunde said his party will field candidates in every ward of Tarn. "
        "Rime said the Tarn bridge will not open before September because of flood damage."
    )
    documents = [
        Document(id=Document.make_id(text), text=text, date=dt.date(2024, 3, day))
        for text, day in ((first, 4), (second, 6))
    ]
    result = check(documents, extractor, embedder, relater)
    assert len(result.verdicts) == 6
    assert relations_between(result, "open to traffic in May", "not open before September") == {
        RelationLabel.CONTRADICTS
    }
    linked = {
        (v.statement.content, e.statement.content)
        for v in result.verdicts
        for e in v.evidence
        if e.relation.label != RelationLabel.UNRELATED and "bridge" not in v.statement.content
    }
    assert not linked, linked


def test_a_statement_that_makes_no_claim_is_compared_with_nothing(extractor, embedder, relater):
    # "criticized the contract" names a subject and says nothing of it: it is listed, unlinked
    import datetime as dt

    from verify.pipeline import check
    from verify.types import Document

    texts = (
        "Senator Ada Pell criticized the Tarn bridge contract on Monday.",
        "Mayor Ilse Brandvold said the Tarn bridge contract was fair and cost less than planned.",
    )
    documents = [Document(id=Document.make_id(t), text=t, date=dt.date(2024, 3, 4)) for t in texts]
    result = check(documents, extractor, embedder, relater, min_confidence=0.0)
    pell = verdict_of(result, "the Tarn bridge contract")
    assert pell.statement.speaker_id == "ada-pell"
    assert pell.label is VerdictLabel.NO_EVIDENCE and not pell.evidence
    mayor = verdict_of(result, "was fair")
    assert all(e.statement.id != pell.statement.id for e in mayor.evidence)
