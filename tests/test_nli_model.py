"""The NLI model shipped inside the package (``verify/models/nli-minilm-l6``).

Integration tests with the real int8 ONNX model: it loads offline through ``load_scorer``,
its files are hash-checked (a tampered copy is refused), and it labels obvious invented pairs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from verify.errors import ModelError
from verify.relate import NLI_COLUMNS, OnnxNliScorer, bundled_model_dir, load_scorer, verify_manifest

pytestmark = pytest.mark.slow

# (premise, hypothesis, expected label) about invented people and places
OBVIOUS = [
    pytest.param(
        "Mara Velkov is sitting alone in a quiet library, reading a book.",
        "Mara Velkov is reading.",
        "entailment",
        id="library-reading",
    ),
    pytest.param(
        "Mara Velkov is sitting alone in a quiet library, reading a book.",
        "Mara Velkov is running a marathon in the rain.",
        "contradiction",
        id="library-marathon",
    ),
    pytest.param(
        "Tomas Brandt, a baker from Dunmore, sold all his bread at the market on Saturday.",
        "Tomas Brandt sold bread on Saturday.",
        "entailment",
        id="baker-sold",
    ),
    pytest.param(
        "Tomas Brandt, a baker from Dunmore, sold all his bread at the market on Saturday.",
        "Tomas Brandt did not sell any bread on Saturday.",
        "contradiction",
        id="baker-did-not-sell",
    ),
    pytest.param(
        "Two children from Ellsworth are playing football in a park.",
        "The children are playing because it is their birthday.",
        "neutral",
        id="children-birthday",
    ),
]
PAIRS = [tuple(p.values[:2]) for p in OBVIOUS]


@pytest.fixture(scope="session")
def bundled() -> OnnxNliScorer:
    folder = bundled_model_dir()
    assert (folder / "manifest.json").is_file(), f"{folder}: the bundled model is missing (scripts/export_nli.py)"
    scorer = load_scorer(folder, threads=1)
    assert isinstance(scorer, OnnxNliScorer)
    return scorer


def test_bundled_model_files_are_listed_and_small() -> None:
    folder = bundled_model_dir()
    hashes = verify_manifest(folder)
    assert {"model.onnx", "tokenizer.json", "config.json"} <= set(hashes)
    assert (folder / "model.onnx").stat().st_size <= 30 * 1024 * 1024
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert sorted(config["id2label"].values()) == sorted(NLI_COLUMNS)
    assert (folder / "MODEL_CARD.md").is_file()


def test_bundled_model_loads_offline_and_is_named(bundled: OnnxNliScorer, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tuple(bundled.columns) == NLI_COLUMNS
    assert bundled.name.startswith("nli-minilm-l6-")
    # a second load with every hub access disabled still works (nothing is fetched)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    again = load_scorer("bundled", threads=1)
    assert again.name == bundled.name


@pytest.mark.parametrize(("premise", "hypothesis", "expected"), OBVIOUS)
def test_bundled_model_labels_obvious_pairs(
    bundled: OnnxNliScorer, premise: str, hypothesis: str, expected: str
) -> None:
    probs = bundled.score([premise], [hypothesis])
    assert probs.shape == (1, 3)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    assert NLI_COLUMNS[int(probs[0].argmax())] == expected


def test_scores_do_not_depend_on_batch_company(bundled: OnnxNliScorer) -> None:
    premise, hypothesis = PAIRS[1]
    alone = bundled.score([premise], [hypothesis])[0]
    together = bundled.score([p for p, _ in PAIRS], [h for _, h in PAIRS])[1]
    assert np.allclose(alone, together, atol=0.02)


@pytest.mark.parametrize("name", ["model.onnx", "config.json", "tokenizer.json"])
def test_tampered_copy_is_refused(tmp_path: Path, name: str) -> None:
    copy = tmp_path / "model"
    shutil.copytree(bundled_model_dir(), copy)
    target = copy / name
    data = bytearray(target.read_bytes())
    middle = len(data) // 2
    data[middle] = (data[middle] + 1) % 256  # same size, different content
    target.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=name):
        load_scorer(copy)


def test_missing_manifest_entry_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(bundled_model_dir(), copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]["tokenizer.json"]
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelError, match="tokenizer.json"):
        load_scorer(copy)


def test_side_by_side_runs_give_the_same_scores_in_order() -> None:
    # one pair per run, spread over two worker threads, must equal the single-threaded result
    one = load_scorer("bundled", threads=1)
    two = load_scorer("bundled", threads=2)
    premises = [p for p, _ in PAIRS] * 3
    hypotheses = [h for _, h in PAIRS] * 3
    expected = one.score(premises, hypotheses)
    got = two.score(premises, hypotheses)
    assert got.shape == (len(premises), 3)
    assert np.array_equal(expected, got)
    # and the rows follow the input order, not the order the runs finished in
    assert np.array_equal(got[: len(PAIRS)], got[len(PAIRS) : 2 * len(PAIRS)])
    assert len({tuple(r) for r in got[: len(PAIRS)]}) > 1  # the pairs really differ


def test_bundled_model_comes_with_its_own_relation_model(bundled: OnnxNliScorer, caplog: pytest.LogCaptureFixture) -> None:
    from verify.classify import Relater, default_model_path, load_classifier

    own = default_model_path(bundled.name)
    assert own.name == f"relation_model.{bundled.name}.json" and own.is_file()
    # trained on this very scorer's outputs (a new model version needs its own retrained file)
    assert load_classifier(scorer_name=bundled.name).metadata_["scorer"] == bundled.name
    assert default_model_path("some-other-scorer").name == "relation_model.json"
    with caplog.at_level("WARNING", logger="verify"):
        Relater(bundled)
    assert "not calibrated" not in caplog.text
