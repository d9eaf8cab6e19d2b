"""Relations: a calibrated classifier over pair-scorer outputs and pair features, plus rules.

``RelationClassifier`` (fit / predict_proba, scikit-learn) reads one row per (checked,
evidence) pair: the scorer's (entailment, neutral, contradiction) probabilities in both
directions (evidence as premise, then checked as premise), their combinations (crossed with
whether one side only reports the claim or calls it untrue) and the ``verify.features`` pair
features.  It is a standardised multinomial logistic regression wrapped in scikit-learn's
``CalibratedClassifierCV`` (Platt "sigmoid" or "isotonic"), so its outputs are probabilities
over ``LABELS``.  Its learned parameters are saved as plain JSON (no pickle):
``verify/data/relation_model.json`` ships with the package and
``scripts/train_relations.py`` reproduces it; prediction needs numpy only.

A rule layer on top makes time and attribution matter (``apply_rules``):

- a later update of a figure by the same source (same speaker, different days, the numbers
  differ, nothing negated) is ``follows_up``, not ``contradicts``;
- the same speaker saying the opposite is ``contradicts`` with ``same_speaker`` set, which
  the verdict stage reports as a self-contradiction;
- a report of what someone else said is judged as that someone's statement (the features
  use ``verify.features.effective_speaker``).

``Relater`` ties scorer, features, classifier and rules together and turns statement pairs
into ``Relation`` records with a one-line rationale each.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigError, ModelError
from .features import FEATURE_NAMES, PairFeatures, describe, pair_features, statement_text
from .relate import NLI_COLUMNS, PairScorer
from .types import QuoteKind, Relation, RelationLabel, Span, SpeakerKind, Statement

__all__ = [
    "LABELS",
    "MODEL_FORMAT",
    "LabelledPair",
    "Relater",
    "RelationClassifier",
    "apply_rules",
    "classifier_feature_names",
    "classifier_features",
    "cross_validate",
    "default_model_path",
    "load_classifier",
    "pair_rows",
    "predict_relations",
    "read_pairs",
    "relation_metrics",
    "train_classifier",
]

log = logging.getLogger("verify")

LABELS: tuple[str, ...] = tuple(label.value for label in RelationLabel)
UNANCHORED_RULE = "nothing in common: no shared word or name, no link in the text"
MODEL_FORMAT = "verify-relation-model/1"


def default_model_path(scorer_name: str | None = None) -> Path:
    """The shipped parameters: ``verify/data/relation_model.<scorer>.json`` when the project ships
    a model trained on that scorer's outputs, else ``verify/data/relation_model.json`` (aegis)."""
    data = Path(__file__).parent / "data"
    if scorer_name:
        own = data / f"relation_model.{scorer_name}.json"
        if own.is_file():
            return own
    return data / "relation_model.json"


def classifier_feature_names() -> tuple[str, ...]:
    """Column names of ``classifier_features`` rows."""
    forward = tuple(f"fwd_{c}" for c in NLI_COLUMNS)
    backward = tuple(f"rev_{c}" for c in NLI_COLUMNS)
    combined = ("max_contradiction", "min_entailment", "max_entailment", "sum_related")
    crossed = ("reported_contradiction", "reported_entailment", "refuted_entailment")
    return forward + backward + combined + crossed + FEATURE_NAMES


def classifier_features(forward: np.ndarray, backward: np.ndarray, features: Sequence[PairFeatures]) -> np.ndarray:
    """Rows for the classifier: scorer probabilities both ways, combinations, pair features.

    The combinations: the larger contradiction, the smaller and larger entailment, their
    sum; then the larger contradiction and entailment when one side only reports the claim,
    and the larger entailment when one side calls something untrue.

    forward: ``[n, 3]`` NLI probabilities with the evidence as premise; backward: with the
    checked statement as premise; features: one ``PairFeatures`` per pair.
    """
    forward = np.asarray(forward, dtype=np.float64).reshape(-1, 3)
    backward = np.asarray(backward, dtype=np.float64).reshape(-1, 3)
    e, c = NLI_COLUMNS.index("entailment"), NLI_COLUMNS.index("contradiction")
    combined = np.column_stack(
        [
            np.maximum(forward[:, c], backward[:, c]),
            np.minimum(forward[:, e], backward[:, e]),
            np.maximum(forward[:, e], backward[:, e]),
            (forward[:, e] + forward[:, c] + backward[:, e] + backward[:, c]) / 2,
        ]
    )
    pairs = np.stack([f.vector() for f in features]) if features else np.zeros((0, len(FEATURE_NAMES)))
    pairs = pairs.astype(np.float64).reshape(-1, len(FEATURE_NAMES))
    # A side that only reports a claim ("reportedly", "claimed") or calls it untrue changes
    # what the scorer's contradiction and entailment mean: a linear model needs the products.
    reported = pairs[:, FEATURE_NAMES.index("report_one_side")]
    refuted = pairs[:, FEATURE_NAMES.index("refute_one_side")]
    crossed = np.column_stack([reported * combined[:, 0], reported * combined[:, 2], refuted * combined[:, 2]])
    return np.hstack([forward, backward, combined, crossed, pairs])


def _sigmoid_calibrator(a: float, b: float, values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(a * values + b))


class RelationClassifier:
    """Calibrated four-label classifier over ``classifier_features`` rows.

    C: inverse regularisation strength of the logistic regression (default 1.0).
    calibration: "sigmoid" (Platt, default) or "isotonic".
    cv: folds for ``CalibratedClassifierCV`` (default 5).
    class_weight: "balanced" (default) or None.
    random_state: seed for the fold split (default 0), so training is reproducible.
    standardize: scale every feature to unit variance before the regression (default
        False: the features are already in [0, 1], and unscaled, a flag seen on few
        training pairs keeps a small weight instead of a large one).

    Learned attributes (set by ``fit`` or ``from_dict``): ``classes_``, ``feature_names_``,
    ``folds_`` (per calibration fold: scaler mean/scale, coefficients, intercepts and one
    calibrator per class), ``n_train_``.
    """

    def __init__(
        self,
        C: float = 1.0,
        calibration: str = "sigmoid",
        cv: int = 5,
        class_weight: str | None = "balanced",
        random_state: int = 0,
        standardize: bool = False,
    ) -> None:
        self.C = C
        self.calibration = calibration
        self.cv = cv
        self.class_weight = class_weight
        self.random_state = random_state
        self.standardize = standardize

    def fit(self, X: np.ndarray, y: Sequence[str], feature_names: Sequence[str] | None = None) -> RelationClassifier:
        """Learn from rows ``X`` (``[n, d]``) and labels ``y`` (strings from ``LABELS``)."""
        if self.calibration not in ("sigmoid", "isotonic"):
            raise ConfigError(f"calibration must be 'sigmoid' or 'isotonic', not {self.calibration!r}")
        try:
            from sklearn.calibration import CalibratedClassifierCV
            from sklearn.linear_model import LogisticRegression
            from sklearn.model_selection import StratifiedKFold
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler
        except ImportError:
            raise ModelError("scikit-learn is not installed: pip install scikit-learn") from None
        X = np.asarray(X, dtype=np.float64)
        labels = np.asarray([str(v) for v in y])
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ConfigError(f"unknown relation labels {unknown}; expected {', '.join(LABELS)}")
        counts = {label: int((labels == label).sum()) for label in set(labels)}
        folds = min(self.cv, min(counts.values()))
        if len(counts) < 2 or folds < 2:
            raise ConfigError(f"too few labelled pairs to train ({counts}); need two labels with {self.cv}+ pairs each")
        base = make_pipeline(
            StandardScaler(with_mean=self.standardize, with_std=self.standardize),
            LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5000),
        )
        model = CalibratedClassifierCV(
            base,
            method=self.calibration,
            cv=StratifiedKFold(folds, shuffle=True, random_state=self.random_state),
        )
        model.fit(X, labels)
        self.classes_ = tuple(str(c) for c in model.classes_)
        self.feature_names_ = (
            tuple(feature_names) if feature_names is not None else tuple(f"x{i}" for i in range(X.shape[1]))
        )
        self.n_train_ = len(labels)
        self.folds_ = []
        for member in model.calibrated_classifiers_:
            scaler, logistic = member.estimator[0], member.estimator[-1]
            calibrators = []
            for calibrator in member.calibrators:
                if self.calibration == "sigmoid":
                    calibrators.append({"a": float(calibrator.a_), "b": float(calibrator.b_)})
                else:
                    calibrators.append(
                        {
                            "x": [float(v) for v in calibrator.X_thresholds_],
                            "y": [float(v) for v in calibrator.y_thresholds_],
                        }
                    )
            width = X.shape[1]
            mean = scaler.mean_ if scaler.mean_ is not None and self.standardize else np.zeros(width)
            scale = scaler.scale_ if scaler.scale_ is not None and self.standardize else np.ones(width)
            self.folds_.append(
                {
                    "mean": [float(v) for v in mean],
                    "scale": [float(v) for v in scale],
                    "classes": [str(c) for c in logistic.classes_],
                    "coef": [[float(v) for v in row] for row in logistic.coef_],
                    "intercept": [float(v) for v in logistic.intercept_],
                    "calibrators": calibrators,
                }
            )
        self._sklearn_model = model
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "folds_"):
            raise ModelError("the relation classifier is not trained (call fit or load)")

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probabilities ``[n, len(classes_)]`` (columns in ``classes_`` order)."""
        self._check_fitted()
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.feature_names_):
            raise ModelError(f"expected {len(self.feature_names_)} features per row, got {X.shape}")
        total = np.zeros((X.shape[0], len(self.classes_)))
        for fold in self.folds_:
            scaled = (X - np.asarray(fold["mean"])) / np.asarray(fold["scale"])
            decision = scaled @ np.asarray(fold["coef"]).T + np.asarray(fold["intercept"])
            proba = np.zeros_like(total)
            for column, class_name in enumerate(fold["classes"]):
                target = self.classes_.index(class_name)
                calibrator = fold["calibrators"][column]
                if "a" in calibrator:
                    proba[:, target] = _sigmoid_calibrator(calibrator["a"], calibrator["b"], decision[:, column])
                else:
                    proba[:, target] = np.interp(decision[:, column], calibrator["x"], calibrator["y"])
            denominator = proba.sum(axis=1, keepdims=True)
            uniform = np.full_like(proba, 1.0 / len(self.classes_))
            proba = np.divide(proba, denominator, out=uniform, where=denominator != 0)
            total += proba
        result = total / len(self.folds_)
        result[(result > 1.0) & (result <= 1.0 + 1e-5)] = 1.0
        return result

    def predict(self, X: np.ndarray) -> list[str]:
        """Most probable label per row (ties: the first in ``classes_``)."""
        proba = self.predict_proba(X)
        return [self.classes_[i] for i in proba.argmax(axis=1)]

    def to_dict(self, **metadata: Any) -> dict[str, Any]:
        """JSON-ready parameters; ``metadata`` (scorer, training data, metrics) is stored beside them."""
        self._check_fitted()
        return {
            "format": MODEL_FORMAT,
            "params": {
                "C": self.C,
                "calibration": self.calibration,
                "cv": self.cv,
                "class_weight": self.class_weight,
                "random_state": self.random_state,
                "standardize": self.standardize,
            },
            "classes": list(self.classes_),
            "feature_names": list(self.feature_names_),
            "n_train": self.n_train_,
            "folds": self.folds_,
            "metadata": metadata,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RelationClassifier:
        """Rebuild a trained classifier from ``to_dict`` output; ``ModelError`` if malformed."""
        try:
            if data.get("format") != MODEL_FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {MODEL_FORMAT!r}")
            clf = cls(**dict(data["params"]))
            clf.classes_ = tuple(str(c) for c in data["classes"])
            clf.feature_names_ = tuple(str(n) for n in data["feature_names"])
            clf.n_train_ = int(data.get("n_train", 0))
            clf.folds_ = [dict(fold) for fold in data["folds"]]
            clf.metadata_ = dict(data.get("metadata") or {})
            width = len(clf.feature_names_)
            for fold in clf.folds_:
                if len(fold["mean"]) != width or any(len(row) != width for row in fold["coef"]):
                    raise ValueError("fold parameters do not match the feature names")
                if len(fold["calibrators"]) != len(fold["classes"]):
                    raise ValueError("one calibrator per class expected")
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"bad relation model parameters: {exc}") from None
        return clf

    def save(self, path: str | os.PathLike[str], **metadata: Any) -> None:
        """Write the parameters as JSON (atomically: a temporary file, then a rename)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        merged = {**getattr(self, "metadata_", {}), **metadata}
        tmp.write_text(json.dumps(self.to_dict(**merged), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RelationClassifier:
        """Read parameters written by ``save``; ``ModelError`` when missing or malformed."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read the relation model ({exc})") from None
        return cls.from_dict(data)


def load_classifier(path: str | os.PathLike[str] | None = None, scorer_name: str | None = None) -> RelationClassifier:
    """The relation classifier at ``path`` (default: the shipped one for ``scorer_name``)."""
    return RelationClassifier.load(path or default_model_path(scorer_name))


@dataclass(frozen=True)
class RuleOutcome:
    """What the rule layer decided for one pair.

    label: final label; probability: its probability; rule: name of the rule that changed
    the classifier's label ("" when none); self_contradiction: same speaker contradicting.
    """

    label: str
    probability: float
    rule: str = ""
    self_contradiction: bool = False


def apply_rules(proba: Mapping[str, float], features: Mapping[str, float]) -> RuleOutcome:
    """Final label for one pair from calibrated probabilities and its features.

    proba: {label: probability} from the classifier; features: {name: value} for the
    ``FEATURE_NAMES`` (``PairFeatures.as_dict()``).  Rules, in order:

    - statements with nothing in common (no shared content word or name in their contents
      and sentences, no link in the text, similarity below ``features.ANCHOR_SIMILARITY``)
      are ``unrelated`` whatever the model says, with probability 1: evidence must be
      about the same thing (``Relater`` does not even score such pairs);
    - same speaker + different days + numbers differ + no negation or opposite wording,
      labelled ``contradicts`` → ``follows_up`` (an update of a figure), with the two
      labels' probabilities added;
    - a ``contradicts`` between the same speaker is flagged as a self-contradiction.
    """
    label = max(LABELS, key=lambda name: (proba.get(name, 0.0), -LABELS.index(name)))
    probability = float(proba.get(label, 0.0))
    same_speaker = features.get("same_speaker", 0.0) > 0
    figure_update = (
        same_speaker
        and features.get("dated", 0.0) > 0
        and features.get("same_day", 0.0) == 0
        and features.get("number_mismatch", 0.0) > 0
        and features.get("negation_mismatch", 0.0) == 0
        and features.get("opposite_words", 0.0) == 0
    )
    if label != "unrelated" and features.get("anchored", 1.0) == 0:
        return RuleOutcome("unrelated", 1.0, rule=UNANCHORED_RULE)
    if label == "contradicts" and figure_update:
        return RuleOutcome(
            "follows_up",
            float(proba.get("follows_up", 0.0) + proba.get("contradicts", 0.0)),
            rule="update of a figure by the same source",
        )
    if label == "contradicts" and same_speaker:
        return RuleOutcome(label, probability, rule="", self_contradiction=True)
    return RuleOutcome(label, probability)


def predict_relations(classifier: RelationClassifier, X: np.ndarray) -> list[RuleOutcome]:
    """Classifier probabilities plus rules for rows of ``classifier_features``."""
    proba = classifier.predict_proba(X)
    names = classifier_feature_names()
    start = len(names) - len(FEATURE_NAMES)
    outcomes = []
    for row, p in zip(np.asarray(X), proba):
        by_label = {name: float(p[classifier.classes_.index(name)]) for name in classifier.classes_}
        outcomes.append(apply_rules(by_label, dict(zip(FEATURE_NAMES, row[start:]))))
    return outcomes


_LEAD = {
    "contradicts": "contradicts",
    "supports": "supports",
    "follows_up": "follow-up",
    "unrelated": "unrelated",
}


def _rationale(outcome: RuleOutcome, features: PairFeatures, forward: np.ndarray, backward: np.ndarray) -> str:
    lead = _LEAD[outcome.label]
    if outcome.self_contradiction:
        lead = "self-contradiction"
    elif outcome.label == "contradicts" and not features.same_speaker:
        lead = "dispute between sources"
    elif outcome.rule and outcome.label == "unrelated":
        lead = f"unrelated ({outcome.rule})"
    elif outcome.rule:
        lead = f"follow-up ({outcome.rule})"
    c, e = NLI_COLUMNS.index("contradiction"), NLI_COLUMNS.index("entailment")
    nli = f"model: contradiction {max(forward[c], backward[c]):.2f}, entailment {max(forward[e], backward[e]):.2f}"
    return f"{lead}: " + describe(features, extra=(nli,))


class Relater:
    """Scores statement pairs and turns them into ``Relation`` records.

    scorer: a ``PairScorer`` with ``NLI_COLUMNS`` output.
    classifier: a trained ``RelationClassifier`` (default: the shipped parameters).
    text_mode: what the scorer reads per statement (``verify.features.statement_text``;
        default "speaker": "<speaker>: <content>").
    """

    def __init__(
        self,
        scorer: PairScorer,
        classifier: RelationClassifier | None = None,
        text_mode: str | None = None,
    ) -> None:
        if tuple(scorer.columns) != NLI_COLUMNS:
            raise ModelError(f"scorer {scorer.name} returns {scorer.columns}, expected {NLI_COLUMNS}")
        self.scorer = scorer
        self.classifier = classifier if classifier is not None else load_classifier(scorer_name=scorer.name)
        metadata = getattr(self.classifier, "metadata_", {}) or {}
        self.text_mode = text_mode or str(metadata.get("text_mode") or "speaker")
        trained_with = metadata.get("scorer")
        if trained_with and trained_with != scorer.name:
            log.warning(
                "the relation model was trained on %s scores, not %s: its probabilities are not calibrated for "
                "this scorer (retrain: verify relations train FILE --nli-model ...)",
                trained_with,
                scorer.name,
            )
        expected = classifier_feature_names()
        if tuple(self.classifier.feature_names_) != expected:
            raise ModelError("the relation model was trained on other features; retrain it (verify relations train)")

    def score_pairs(self, pairs: Sequence[tuple[Statement, Statement]]) -> tuple[np.ndarray, np.ndarray]:
        """Scorer output both ways for (checked, evidence) pairs: (forward, backward).

        forward: evidence as premise, checked as hypothesis; backward: the reverse.  Each
        distinct (premise, hypothesis) text is scored once.
        """
        texts = [(statement_text(a, self.text_mode), statement_text(b, self.text_mode)) for a, b in pairs]
        wanted: dict[tuple[str, str], int] = {}
        for checked, evidence in texts:
            wanted.setdefault((evidence, checked), len(wanted))
            wanted.setdefault((checked, evidence), len(wanted))
        keys = list(wanted)
        scores = self.scorer.score([p for p, _ in keys], [h for _, h in keys]) if keys else np.zeros((0, 3))
        forward = np.array([scores[wanted[(e, c)]] for c, e in texts]).reshape(-1, 3)
        backward = np.array([scores[wanted[(c, e)]] for c, e in texts]).reshape(-1, 3)
        return forward, backward

    def relate(
        self, pairs: Sequence[tuple[Statement, Statement]], cosines: Sequence[float] | None = None
    ) -> list[Relation]:
        """One ``Relation`` per (checked, evidence) pair, in input order.

        cosines: embedding similarity per pair (default 0 for all; pass them, the
        classifier was trained with them).
        """
        if not pairs:
            return []
        sims = list(cosines) if cosines is not None else [0.0] * len(pairs)
        if len(sims) != len(pairs):
            raise ValueError(f"{len(pairs)} pairs but {len(sims)} similarities")
        features = [pair_features(a, b, s) for (a, b), s in zip(pairs, sims)]
        # Pairs with nothing in common are unrelated by rule (``apply_rules``): not scored.
        anchored = [index for index, f in enumerate(features) if f.as_dict()["anchored"] > 0]
        forward = np.full((len(pairs), 3), np.nan)
        backward = np.full((len(pairs), 3), np.nan)
        proba = np.zeros((len(pairs), len(self.classifier.classes_)))
        if anchored:
            scored = [pairs[i] for i in anchored]
            forward[anchored], backward[anchored] = self.score_pairs(scored)
            rows = classifier_features(forward[anchored], backward[anchored], [features[i] for i in anchored])
            proba[anchored] = self.classifier.predict_proba(rows)
        relations = []
        for index, ((checked, evidence), feats) in enumerate(zip(pairs, features)):
            if np.isnan(forward[index, 0]):
                relations.append(_unanchored(checked, evidence, feats, float(sims[index])))
                continue
            by_label = {
                name: float(proba[index, self.classifier.classes_.index(name)]) for name in self.classifier.classes_
            }
            outcome = apply_rules(by_label, feats.as_dict())
            scores: dict[str, float] = {f"p_{name}": round(value, 4) for name, value in by_label.items()}
            for prefix, row in (("nli_fwd", forward[index]), ("nli_rev", backward[index])):
                for column, value in zip(NLI_COLUMNS, row):
                    scores[f"{prefix}_{column}"] = round(float(value), 4)
            scores["cosine"] = round(float(sims[index]), 4)
            if feats.days is not None:
                scores["days"] = float(feats.days)
            scores["self_contradiction"] = float(outcome.self_contradiction)
            relations.append(
                Relation(
                    source_id=checked.id,
                    target_id=evidence.id,
                    label=RelationLabel(outcome.label),
                    probability=round(outcome.probability, 4),
                    scores=scores,
                    rationale=_rationale(outcome, feats, forward[index], backward[index]),
                    same_speaker=feats.same_speaker,
                )
            )
        return relations


def _unanchored(checked: Statement, evidence: Statement, features: PairFeatures, cosine: float) -> Relation:
    """The relation of a pair with nothing in common: unrelated by rule, not scored."""
    scores = {"cosine": round(cosine, 4), "anchored": 0.0}
    if features.days is not None:
        scores["days"] = float(features.days)
    return Relation(
        source_id=checked.id,
        target_id=evidence.id,
        label=RelationLabel.UNRELATED,
        probability=1.0,
        scores=scores,
        rationale=f"unrelated ({UNANCHORED_RULE}): " + describe(features),
        same_speaker=features.same_speaker,
    )


@dataclass(frozen=True)
class LabelledPair:
    """One labelled pair from a JSONL training file: (checked, evidence, label, group)."""

    checked: Statement
    evidence: Statement
    label: str
    group: str
    id: str


def _statement_from_record(record: Any, origin: str, line: int, side: str) -> Statement:
    if isinstance(record, str):
        record = {"content": record}
    if not isinstance(record, Mapping):
        raise ConfigError(f"{origin}:{line}: '{side}' must be an object or a string")
    content = str(record.get("content") or record.get("text") or "").strip()
    if not content:
        raise ConfigError(f"{origin}:{line}: '{side}' has no content")
    speaker = str(record.get("speaker") or "")
    from .speakers import slugify

    speaker_id = str(record.get("speaker_id") or (slugify(speaker) if speaker else "unknown"))
    try:
        kind = SpeakerKind(record.get("speaker_kind") or "person")
        quote = QuoteKind(record.get("quote_kind") or "indirect")
        date = dt.date.fromisoformat(str(record["date"])) if record.get("date") else None
    except ValueError as exc:
        raise ConfigError(f"{origin}:{line}: '{side}': {exc}") from None
    cue = str(record.get("cue") or "said")
    sentence = str(record.get("sentence") or (f"{speaker} {cue} {content}." if speaker else content))
    document_id = str(record.get("document") or f"pairs:{origin}:{line}:{side}")
    try:
        offset = int(record.get("sentence_start") or 0)
        sentence_span = Span(offset, offset + len(sentence))
        at = sentence.find(content)
        span = Span(offset + at, offset + at + len(content)) if at >= 0 else Span(offset, offset + len(content))
        if record.get("cue_span"):
            cue_span = Span(int(record["cue_span"][0]), int(record["cue_span"][1]))
        else:
            cue_at = sentence.find(f" {cue} ") + 1 if speaker else 0
            cue_span = Span(offset + cue_at, offset + cue_at + len(cue)) if cue_at > 0 else Span(offset, offset)
    except (TypeError, ValueError, IndexError) as exc:
        raise ConfigError(f"{origin}:{line}: '{side}': bad offsets ({exc})") from None
    return Statement(
        id=Statement.make_id(document_id, span),
        document_id=document_id,
        speaker=speaker or "unknown",
        speaker_span=None,
        speaker_id=speaker_id,
        speaker_kind=kind,
        cue=cue,
        cue_span=cue_span,
        content=content,
        content_span=span,
        quote_kind=quote,
        sentence=sentence,
        sentence_span=sentence_span,
        date=date,
        date_basis="given",
    )


_LABEL_ALIASES = {
    "contradicts": "contradicts",
    "contradiction": "contradicts",
    "disagree": "contradicts",
    "supports": "supports",
    "support": "supports",
    "entailment": "supports",
    "agree": "supports",
    "follows_up": "follows_up",
    "follows-up": "follows_up",
    "follow-up": "follows_up",
    "discuss": "follows_up",
    "unrelated": "unrelated",
    "neutral": "unrelated",
}


def read_pairs(path: str | os.PathLike[str]) -> list[LabelledPair]:
    """Labelled pairs from a JSONL file, one object per line.

    Keys: ``label`` (contradicts, supports, follows_up, unrelated; FNC/NLI spellings are
    accepted), ``checked`` and ``evidence`` (objects with ``content`` and optionally
    ``speaker``, ``speaker_id``, ``speaker_kind``, ``date``, ``quote_kind``, ``cue``,
    ``sentence``; or plain strings), optional ``id`` and ``story`` (pairs of one story are
    kept in the same cross-validation fold).  Raises ``ConfigError`` naming the line of the
    first malformed record.
    """
    origin = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{origin}: cannot read labelled pairs: {exc}") from None
    pairs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise ConfigError(f"{origin}:{number}: not JSON ({exc})") from None
        if not isinstance(record, dict):
            raise ConfigError(f"{origin}:{number}: expected an object")
        label = _LABEL_ALIASES.get(str(record.get("label", "")).strip().lower())
        if label is None:
            raise ConfigError(
                f"{origin}:{number}: unknown label {record.get('label')!r} (expected {', '.join(LABELS)})"
            )
        checked = record.get("checked", record.get("premise"))
        evidence = record.get("evidence", record.get("hypothesis"))
        if checked is None or evidence is None:
            raise ConfigError(f"{origin}:{number}: needs 'checked' and 'evidence'")
        pairs.append(
            LabelledPair(
                checked=_statement_from_record(checked, origin, number, "checked"),
                evidence=_statement_from_record(evidence, origin, number, "evidence"),
                label=label,
                group=str(record.get("story") or record.get("id") or number),
                id=str(record.get("id") or number),
            )
        )
    if not pairs:
        raise ConfigError(f"{origin}: no labelled pairs")
    return pairs


def pair_rows(
    pairs: Sequence[LabelledPair],
    scorer: PairScorer,
    embed: Any = None,
    text_mode: str = "speaker",
    swap: bool = False,
    anonymous: bool = False,
) -> tuple[np.ndarray, list[str], list[str]]:
    """Classifier rows, labels and groups for labelled pairs.

    embed: a callable ``list[str] -> [n, d]`` unit vectors (cosine = dot product) for the
    contents; ``None`` leaves similarity at 0.  swap: also add each pair the other way
    round (the labels are symmetric), doubling the rows.  anonymous: also add a copy of
    each pair whose same-speaker and date facts are unknown (no speaker, no date, the
    content as its own sentence), so that the classifier copes with text that lacks them
    (a headline, an unattributed sentence); pairs whose label rests on those facts (same
    speaker) are left out of the copy.
    """
    items = list(pairs)
    if anonymous:
        items += [
            LabelledPair(_anonymous(p.checked), _anonymous(p.evidence), p.label, p.group, p.id + "?")
            for p in pairs
            if p.checked.speaker_id != p.evidence.speaker_id
        ]
    if swap:
        items += [LabelledPair(p.evidence, p.checked, p.label, p.group, p.id + "~") for p in items]
    relater = _RowBuilder(scorer, text_mode)
    cosines = [0.0] * len(items)
    if embed is not None and items:
        unique = sorted({s.content for p in items for s in (p.checked, p.evidence)})
        vectors = np.asarray(embed(unique), dtype=np.float64)
        index = {text: i for i, text in enumerate(unique)}
        cosines = [float(vectors[index[p.checked.content]] @ vectors[index[p.evidence.content]]) for p in items]
    X = relater.rows([(p.checked, p.evidence) for p in items], cosines)
    return X, [p.label for p in items], [p.group for p in items]


def _anonymous(statement: Statement) -> Statement:
    document_id = f"{statement.document_id}?"
    span = Span(0, len(statement.content))
    return replace(
        statement,
        id=Statement.make_id(document_id, span),
        document_id=document_id,
        speaker="unknown",
        speaker_id="unknown",
        speaker_kind=SpeakerKind.PERSON,
        cue_span=Span(0, 0),
        content_span=span,
        sentence=statement.content,
        sentence_span=span,
        date=None,
    )


class _RowBuilder(Relater):
    """A ``Relater`` without a classifier, for building training rows."""

    def __init__(self, scorer: PairScorer, text_mode: str) -> None:
        self.scorer = scorer
        self.text_mode = text_mode

    def rows(self, pairs: Sequence[tuple[Statement, Statement]], cosines: Sequence[float]) -> np.ndarray:
        features = [pair_features(a, b, s) for (a, b), s in zip(pairs, cosines)]
        forward, backward = self.score_pairs(pairs)
        return classifier_features(forward, backward, features)


def relation_metrics(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-label precision / recall / F1 / support."""
    truth_a, pred_a = np.asarray(list(truth)), np.asarray(list(predicted))
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = int(((pred_a == label) & (truth_a == label)).sum())
        fp = int(((pred_a == label) & (truth_a != label)).sum())
        fn = int(((pred_a != label) & (truth_a == label)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"precision": precision, "recall": recall, "f1": f1, "support": int((truth_a == label).sum())}
    return {
        "accuracy": float((truth_a == pred_a).mean()) if len(truth_a) else 0.0,
        "macro_f1": float(np.mean([per[label]["f1"] for label in labels])),
        "per_label": per,
        "n": len(truth_a),
    }


def cross_validate(
    X: np.ndarray, y: Sequence[str], groups: Sequence[str], folds: int = 5, **params: Any
) -> dict[str, Any]:
    """Grouped cross-validation (pairs of one story stay in one fold), rules included.

    params: ``RelationClassifier`` parameters.  Returns ``relation_metrics`` of the
    out-of-fold predictions.
    """
    try:
        from sklearn.model_selection import GroupKFold
    except ImportError:
        raise ModelError("scikit-learn is not installed: pip install scikit-learn") from None
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(list(y))
    predicted = np.empty(len(labels), dtype=object)
    for train, test in GroupKFold(n_splits=folds).split(X, labels, list(groups)):
        clf = RelationClassifier(**params).fit(X[train], labels[train], classifier_feature_names())
        predicted[test] = [o.label for o in predict_relations(clf, X[test])]
    return relation_metrics(labels, [str(p) for p in predicted])


def train_classifier(
    pairs: Sequence[LabelledPair],
    scorer: PairScorer,
    embed: Any = None,
    text_mode: str = "speaker",
    evaluate: bool = True,
    anonymous: bool = True,
    **params: Any,
) -> tuple[RelationClassifier, dict[str, Any]]:
    """Train a ``RelationClassifier`` on labelled pairs; optionally measure it first.

    embed: ``list[str] -> unit vectors`` for the cosine feature (``None``: 0).
    text_mode: what the scorer reads (see ``verify.features.statement_text``).
    evaluate: run grouped 5-fold cross-validation and report it (default True).
    anonymous: also learn from copies without speakers and dates (default True; see
    ``pair_rows``).
    params: ``RelationClassifier`` parameters.  Each pair is also used the other way round.
    Returns the classifier (trained on every pair; ``metadata_`` records the scorer,
    text mode and counts) and a report {"cv": metrics or None, "n_pairs", "labels"}.
    """
    X, y, groups = pair_rows(pairs, scorer, embed, text_mode, swap=True, anonymous=anonymous)
    report: dict[str, Any] = {
        "n_pairs": len(pairs),
        "labels": {lab: sum(p.label == lab for p in pairs) for lab in LABELS},
    }
    report["cv"] = cross_validate(X, y, groups, **params) if evaluate else None
    clf = RelationClassifier(**params).fit(X, y, classifier_feature_names())
    clf.metadata_ = {"scorer": scorer.name, "text_mode": text_mode, "n_pairs": len(pairs)}
    return clf, report
