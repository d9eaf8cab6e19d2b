"""Score the statement extractor against the PolNeAR training split.

    python benchmarks/bench_extract_polnear.py [--data ../shared/data/polnear-train] [--limit N]

Reads the third-party data from ``../shared/data/polnear-train`` (skips cleanly when it is
absent; nothing of it is copied into the repository).  A predicted statement matches a gold
attribution when their content character sets overlap with intersection / union ≥ 0.5
(one-to-one, best first).  On matches: speaker accuracy (predicted speaker span overlaps the
gold source span; gold attributions with an empty source are left out) and cue accuracy
(cue spans overlap).  Figures for all gold attributions and for speech-like cues (said,
told, according to, announced, …): precision over predictions with a speech cue, recall over
gold attributions with a speech cue.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verify.extract import SPEECH_CUES, Extractor, is_speech_cue
from verify.types import Document

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "polnear-train"
_IRREGULAR = {
    "said": "say", "says": "say", "saying": "say", "told": "tell", "tells": "tell", "telling": "tell",
    "wrote": "write", "writes": "write", "written": "write", "writing": "write", "denied": "deny",
    "denies": "deny", "replied": "reply", "replies": "reply", "testified": "testify", "implied": "imply",
    "described": "describe", "argued": "argue", "noted": "note", "stated": "state", "declared": "declare",
}


def gold_lemma_words(cue: str) -> list[str]:
    """Crude lemmas of the words of a gold cue ("has said" → ["have", "say"])."""
    out = []
    for word in re.findall(r"[a-z]+", cue.lower()):
        if word in _IRREGULAR:
            out.append(_IRREGULAR[word])
            continue
        for suffix, repl in (("ied", "y"), ("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                stem = word[: -len(suffix)] + repl
                if stem in SPEECH_CUES or stem + "e" in SPEECH_CUES:
                    word = stem if stem in SPEECH_CUES else stem + "e"
                    break
        out.append(word)
    return out


def gold_is_speech(cue: str) -> bool:
    if "according to" in cue.lower():
        return True
    return any(w in SPEECH_CUES for w in gold_lemma_words(cue))


def char_set(spans: list[list[int]]) -> set[int]:
    out: set[int] = set()
    for start, end in spans:
        out.update(range(start, end))
    return out


def iou(a: set[int], b: set[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def load(data: Path, limit: int | None) -> list[tuple[Document, list[dict]]]:
    by_doc: dict[str, dict[str, list[dict]]] = collections.defaultdict(lambda: collections.defaultdict(list))
    with open(data / "polnear_train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            by_doc[row["doc"]][row["annotator"]].append(row)
    dates: dict[str, dt.date] = {}
    meta = data / "metadata.tsv"
    if meta.exists():
        lines = meta.read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        for line in lines[1:]:
            fields = dict(zip(header, line.split("\t")))
            try:
                dates[fields["filename"]] = dt.date.fromisoformat(fields.get("publication_date", "")[:10])
            except ValueError:
                pass
    out = []
    for name in sorted(by_doc):
        path = data / "text" / f"{name}.txt"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        annotator = sorted(by_doc[name])[0]
        out.append((Document(id=Document.make_id(text), text=text, date=dates.get(name), origin=str(path)), by_doc[name][annotator]))
        if limit and len(out) >= limit:
            break
    return out


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if not (args.data / "polnear_train.jsonl").exists():
        print(f"skipped: PolNeAR data not found at {args.data}")
        return 0
    corpus = load(args.data, args.limit)
    extractor = Extractor()
    extractor.extract(Document(id="warm", text="Warm-up, she said."))
    t0 = time.perf_counter()
    results = list(extractor.extract_many(doc for doc, _ in corpus))
    elapsed = time.perf_counter() - t0
    counts = collections.Counter()
    for (document, gold), (_doc, predicted) in zip(corpus, results):
        gold_sets = [char_set(g["content"]["spans"]) for g in gold]
        pairs = []
        for pi, st in enumerate(predicted):
            pset = set(range(st.content_span.start, st.content_span.end))
            for gi, gset in enumerate(gold_sets):
                score = iou(pset, gset)
                if score >= 0.5:
                    pairs.append((score, pi, gi))
        used_p, used_g, matches = set(), set(), []
        for score, pi, gi in sorted(pairs, reverse=True):
            if pi not in used_p and gi not in used_g:
                used_p.add(pi)
                used_g.add(gi)
                matches.append((pi, gi))
        speech_pred = [i for i, st in enumerate(predicted) if is_speech_cue(st.cue)]
        speech_gold = [i for i, g in enumerate(gold) if gold_is_speech(g["cue"]["text"])]
        counts["pred"] += len(predicted)
        counts["gold"] += len(gold)
        counts["tp"] += len(matches)
        counts["speech_pred"] += len(speech_pred)
        counts["speech_gold"] += len(speech_gold)
        counts["speech_tp_pred"] += sum(1 for pi, _ in matches if pi in speech_pred)
        counts["speech_tp_gold"] += sum(1 for _, gi in matches if gi in speech_gold)
        for pi, gi in matches:
            st, g = predicted[pi], gold[gi]
            speech = gi in speech_gold
            if g["source"]["spans"]:
                gs = char_set(g["source"]["spans"])
                ok = bool(st.speaker_span and gs & set(range(st.speaker_span.start, st.speaker_span.end)))
                counts["spk_n"] += 1
                counts["spk_ok"] += ok
                if speech:
                    counts["speech_spk_n"] += 1
                    counts["speech_spk_ok"] += ok
            if g["cue"]["spans"]:
                gc = char_set(g["cue"]["spans"])
                ok = bool(gc & set(range(st.cue_span.start, st.cue_span.end)))
                counts["cue_n"] += 1
                counts["cue_ok"] += ok
                if speech:
                    counts["speech_cue_n"] += 1
                    counts["speech_cue_ok"] += ok
    p, r, f = prf(counts["tp"], counts["pred"], counts["tp"], counts["gold"])
    sp, sr, sf = prf(counts["speech_tp_pred"], counts["speech_pred"], counts["speech_tp_gold"], counts["speech_gold"])
    figures = {
        "documents": len(corpus),
        "documents_per_second": round(len(corpus) / elapsed, 2),
        "all": {
            "gold": counts["gold"], "predicted": counts["pred"], "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "speaker_accuracy": round(counts["spk_ok"] / max(1, counts["spk_n"]), 3),
            "cue_accuracy": round(counts["cue_ok"] / max(1, counts["cue_n"]), 3),
        },
        "speech_cues": {
            "gold": counts["speech_gold"], "predicted": counts["speech_pred"], "precision": round(sp, 3), "recall": round(sr, 3),
            "f1": round(sf, 3),
            "speaker_accuracy": round(counts["speech_spk_ok"] / max(1, counts["speech_spk_n"]), 3),
            "cue_accuracy": round(counts["speech_cue_ok"] / max(1, counts["speech_cue_n"]), 3),
        },
        "targets": {"speech_f1": 0.75, "speech_speaker_accuracy": 0.85},
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
