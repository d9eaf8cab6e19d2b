"""A real archive end to end: how many flags `verify check` raises on real news.

    python benchmarks/bench_archive.py [--store-docs 80] [--check-docs 10]
                                       [--relation-model FILE] [--min-similarity S]
                                       [--judged FILE]

FNC-1 and our own stance articles relate a claim to one article.  A reference corpus is
different: every statement of the checked articles meets its ten nearest statements of the
store, and in a topical archive those are nearly always on the same subject but seldom
about the same claim.  This benchmark measures that setting on PolNeAR's 2016 US political
news (``../shared/data/polnear-train/text``, read at run time, never copied; skipped when
absent): every 10th article (up to ``--store-docs``) goes into a fresh store with
`verify corpus add`, every 10th article from the 5th on (``--check-from``; up to ``--check-docs``, none of
them in the store) is checked against it with `verify check`, and the JSON report is read.

Figures: statements checked, verdicts by label, relations kept as evidence (per checked
statement and by label), the share of statements with any finding, and the seconds each
step took.  There are no gold relations for these articles, so the figures count flags; a
flag's worth is judged by hand.  ``--judged FILE`` reads such judgements (JSON lines
``{"checked": ID, "evidence": ID, "judgement": "right" | "related" | "noise"}``, kept
outside the repository since they describe third-party text) and reports how many of each
kind are still evidence.  Results go to ``benchmarks/out/bench_archive.json``; the report
stays in ``benchmarks/out/archive/``.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")

TEXTS = ROOT.parent / "shared" / "data" / "polnear-train" / "text"
WORK = ROOT / "benchmarks" / "out" / "archive"
OUT = ROOT / "benchmarks" / "out" / "bench_archive.json"
CLI = [sys.executable, "-c", "import sys; from verify.cli import main; sys.exit(main())"]


def run(args: list[str]) -> float:
    """Run the CLI with ``args``; seconds taken.  Exits with its output when it fails."""
    started = time.perf_counter()
    done = subprocess.run(CLI + args, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"verify {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", default=str(TEXTS))
    parser.add_argument("--store-docs", type=int, default=80, help="articles in the store (every 10th)")
    parser.add_argument("--check-docs", type=int, default=10, help="articles checked (every 10th from the 5th)")
    parser.add_argument("--check-from", type=int, default=5, help="the first article checked (1-9; 10 is stored)")
    parser.add_argument("--relation-model", default=None, help="relation model JSON (default: the shipped one)")
    parser.add_argument("--min-confidence", type=float, default=None, help="default: the setting (0.5)")
    parser.add_argument("--judged", default=None, help="hand judgements of flags (JSON lines, see above)")
    parser.add_argument("--keep-store", action="store_true", help="reuse the store of the last run")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()

    texts = Path(args.texts)
    if not texts.is_dir():
        print(f"skip: PolNeAR texts not found in {texts}")
        return 0
    names = sorted(p.name for p in texts.glob("*.txt"))
    stored = names[9::10][: args.store_docs]
    if not 1 <= args.check_from <= 9:
        parser.error("--check-from must be between 1 and 9")
    checked = names[args.check_from - 1 :: 10][: args.check_docs]
    store = WORK / "store.sqlite"
    store_seconds = None
    if not (args.keep_store and store.is_file()):
        shutil.rmtree(WORK, ignore_errors=True)
        (WORK / "store-in").mkdir(parents=True)
        for name in stored:
            shutil.copyfile(texts / name, WORK / "store-in" / name)
        store_seconds = run(["corpus", "add", str(WORK / "store-in"), "--store", str(store)])
    check_in = WORK / "check-in"
    shutil.rmtree(check_in, ignore_errors=True)
    check_in.mkdir(parents=True)
    for name in checked:
        shutil.copyfile(texts / name, check_in / name)
    options = ["--corpus", str(store), "--fail-on", "none", "--format", "json", "--no-timestamp"]
    options += ["-o", str(WORK / "report")]
    if args.relation_model:
        options += ["--relation-model", args.relation_model]
    if args.min_confidence is not None:
        options += ["--min-confidence", str(args.min_confidence)]
    check_seconds = run(["check", str(check_in), *options])
    report = json.loads((WORK / "report" / "check-in.json").read_text(encoding="utf-8"))

    verdicts = report["verdicts"]
    flags = {
        (v["statement"]["id"], e["statement"]["id"]): e["relation"]["label"] for v in verdicts for e in v["evidence"]
    }
    statements = report["summary"]["statements"]
    counts = report["summary"]["verdicts"]
    result = {
        "store_documents": len(stored),
        "checked_documents": len(checked),
        "statements_checked": statements,
        "verdicts": counts,
        "share_with_finding": round(1 - counts.get("no-evidence", 0) / statements, 3) if statements else None,
        "evidence_relations": len(flags),
        "evidence_per_statement": round(len(flags) / statements, 2) if statements else None,
        "evidence_by_label": dict(collections.Counter(flags.values())),
        "store_seconds": round(store_seconds, 1) if store_seconds is not None else None,
        "check_seconds": round(check_seconds, 1),
    }
    if args.judged:
        kept: collections.Counter[str] = collections.Counter()
        total: collections.Counter[str] = collections.Counter()
        with open(args.judged, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    total[row["judgement"]] += 1
                    kept[row["judgement"]] += (row["checked"], row["evidence"]) in flags
        result["judged_still_evidence"] = {k: f"{kept[k]}/{total[k]}" for k in sorted(total)}
    print(
        f"{statements} statements of {len(checked)} articles checked against {len(stored)} stored articles "
        f"in {check_seconds:.0f} s: {result['share_with_finding']:.0%} with a finding, "
        f"{len(flags)} evidence relations ({result['evidence_per_statement']} per statement)"
    )
    print(f"  verdicts {counts}")
    print(f"  evidence by label {result['evidence_by_label']}")
    if "judged_still_evidence" in result:
        print(f"  judged flags still evidence {result['judged_still_evidence']}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
