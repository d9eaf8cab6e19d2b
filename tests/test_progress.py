"""verify.progress: bars only on a terminal, and the end-of-run summary."""

from __future__ import annotations

import io

from verify.progress import Progress, Summary
from verify.types import InputFailure


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_when_not_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(stream=stream) as progress:
        bar = progress.bar("fetched", total=3, unit="page")
        bar.update()
        bar.update(2)
    assert not progress.enabled
    assert stream.getvalue() == ""
    assert bar.count == 3 and bar.total == 3


def test_bars_drawn_on_a_terminal() -> None:
    stream = FakeTerminal()
    with Progress(stream=stream) as progress:
        fetched = progress.bar("fetched", unit="page")
        fetched.set_total(4)
        fetched.update(4)
        embedded = progress.bar("embedded", total=2)
        embedded.update(2)
        assert progress.bar("fetched") is fetched
    assert progress.enabled
    drawn = stream.getvalue()
    assert "fetched" in drawn and "4/4" in drawn
    assert "embedded" in drawn and "2/2" in drawn


def test_summary_groups_failures_by_reason() -> None:
    summary = Summary(noun="page")
    summary.ok(18)
    summary.note("unchanged since the last run", 5)
    summary.note("never used", 0)
    for i in range(3):
        summary.fail(InputFailure(f"http://127.0.0.1/{i}", "timed out after 20 s (setting http_timeout)"))
    summary.fail(InputFailure("http://127.0.0.1/r.pdf", "is a PDF document (application/pdf)"))
    assert summary.lines() == [
        "18 pages succeeded, 4 failed (5 unchanged since the last run)",
        "  3 × timed out after 20 s (setting http_timeout) (http://127.0.0.1/0 and 2 more)",
        "  1 × is a PDF document (application/pdf) (http://127.0.0.1/r.pdf)",
    ]
    assert summary.lines(max_reasons=1)[-1] == "  1 more with other reasons"


def test_summary_singular() -> None:
    summary = Summary()
    summary.ok()
    assert summary.lines() == ["1 document succeeded, 0 failed"]
