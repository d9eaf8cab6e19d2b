"""Benchmark: render the reports for a 5,000-statement check.

Target (issue 5): the HTML report for 5,000 statements renders in at most 3 s and weighs at
most 10 MB.  The input is the invented sample from ``verify.report.sample`` (sentences of
25-35 words, about 0.9 evidence items per statement, 55 % of statements with a finding, as
many documents as a real check of that size would have), so no model is needed.

    python benchmarks/bench_report.py                 # 5,000 statements, every format
    python benchmarks/bench_report.py --statements 1 --statements 5000 --evidence 3

"cold" is the first render in a fresh process (template compilation included), "best" the
fastest of ``--repeat`` further renders; wall and CPU seconds are both shown because this
machine's cores are shared.  Files go to benchmarks/out/ (ignored by git).  Exit status 1
when the HTML target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verify.report import (
    render_claimreview,
    render_html,
    render_json,
    render_junit,
    render_markdown,
    render_sarif,
)
from verify.report.sample import sample_result

RENDERERS = {
    "html": render_html,
    "json": render_json,
    "claimreview": render_claimreview,
    "junit": render_junit,
    "sarif": render_sarif,
    "markdown": render_markdown,
}
TARGET_SECONDS = 3.0
TARGET_BYTES = 10_000_000


def _time(func, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    value = func(*args)
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, action="append", help="statements (repeatable; default 5000)")
    parser.add_argument("--evidence", type=int, default=2, help="evidence items per finding (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="warm renders per format (default 3)")
    parser.add_argument("--formats", default=",".join(RENDERERS), help="comma-separated formats (default all)")
    args = parser.parse_args()
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    failed = False
    for count in args.statements or [5000]:
        result, wall, _ = _time(sample_result, count, 0, False, args.evidence)
        evidence = sum(len(v.evidence) for v in result.verdicts)
        print(
            f"\n{count} statements, {len(result.documents)} documents, {evidence} evidence items "
            f"({evidence / max(1, count):.2f} per statement); sample built in {wall:.2f} s"
        )
        print(f"{'format':<12} {'cold wall':>9} {'cold cpu':>9} {'best wall':>9} {'best cpu':>9} {'size':>10}")
        for name in args.formats.split(","):
            render = RENDERERS[name.strip()]
            text, cold_wall, cold_cpu = _time(render, result)
            best_wall, best_cpu = cold_wall, cold_cpu
            for _ in range(args.repeat):
                _, w, c = _time(render, result)
                best_wall, best_cpu = min(best_wall, w), min(best_cpu, c)
            size = len(text.encode("utf-8"))
            (out / f"report-{count}.{name}").write_text(text, encoding="utf-8")
            print(
                f"{name:<12} {cold_wall:>8.2f}s {cold_cpu:>8.2f}s {best_wall:>8.2f}s {best_cpu:>8.2f}s {size / 1e6:>8.2f}MB"
            )
            if name == "html" and count >= 5000:
                ok = cold_wall <= TARGET_SECONDS and size <= TARGET_BYTES
                failed |= not ok
                print(
                    f"  target: <= {TARGET_SECONDS:.0f} s and <= {TARGET_BYTES / 1e6:.0f} MB for 5,000 statements: "
                    f"{'met' if ok else 'MISSED'} (cold {cold_wall:.2f} s, {size / 1e6:.2f} MB, "
                    f"{size / count:.0f} bytes per statement)"
                )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
