"""Progress bars for long work, and the summary printed at the end.

Bars go to stderr and only when it is a terminal: piped or redirected output (CI logs, files)
stays clean.  The library never prints on its own; a caller creates a ``Progress`` and hands it
to the stages that accept one, then prints ``Summary.lines()``.

    with Progress() as progress:
        fetched = progress.bar("fetched", total=20, unit="page")
        fetched.update()
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Self, TextIO

from .types import InputFailure

__all__ = ["Bar", "Progress", "Summary", "counted"]


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Bar:
    """One counter, drawn as a bar when its ``Progress`` is enabled.

    ``count`` and ``total`` are kept either way, so callers and tests can read them.
    """

    def __init__(self, name: str, total: int | None, unit: str, display: Any | None) -> None:
        self.name = name
        self.total = total
        self.unit = unit
        self.count = 0
        self._display = display

    def update(self, n: int = 1) -> None:
        """Add ``n`` (default 1) finished items."""
        self.count += n
        if self._display is not None:
            self._display.update(n)

    def set_total(self, total: int | None) -> None:
        """Set (or change) how many items are expected."""
        self.total = total
        if self._display is not None:
            self._display.total = total
            self._display.refresh()

    def close(self) -> None:
        """Draw the bar a last time and release its line."""
        if self._display is not None:
            self._display.close()
            self._display = None


class Progress:
    """A set of bars on one stream.

    enabled: draw bars (default: only when ``stream`` is a terminal).
    stream: where to draw (default: ``sys.stderr``).
    """

    def __init__(self, enabled: bool | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.bars: dict[str, Bar] = {}

    def bar(self, name: str, total: int | None = None, unit: str = "doc") -> Bar:
        """The bar called ``name`` (made on first use) with ``total`` items expected."""
        existing = self.bars.get(name)
        if existing is not None:
            if total is not None:
                existing.set_total(total)
            return existing
        display = None
        if self.enabled:
            try:
                from tqdm import tqdm
            except ImportError:  # bars are a nicety; counting goes on without them
                tqdm = None
            if tqdm is not None:
                display = tqdm(
                    total=total,
                    desc=f"{name:<10}",
                    unit=f" {unit}",
                    file=self.stream,
                    position=len(self.bars),
                    leave=True,
                    dynamic_ncols=True,
                    mininterval=0.2,
                )
        bar = Bar(name, total, unit, display)
        self.bars[name] = bar
        return bar

    def close(self) -> None:
        """Close every bar."""
        for bar in self.bars.values():
            bar.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()



def counted(n: int, noun: str) -> str:
    """"1 document", "2 documents"."""
    return f"{n} {noun}" + ("" if n == 1 else "s")

@dataclass
class Summary:
    """What succeeded and what failed, and why, for the last lines of a run.

    noun: what is counted ("document").
    succeeded: how many succeeded.
    failures: each failure (origin and reason).
    notes: other counts worth a word, e.g. {"unchanged (not downloaded again)": 20}.
    """

    noun: str = "document"
    succeeded: int = 0
    failures: list[InputFailure] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)

    def ok(self, n: int = 1) -> None:
        """Count ``n`` successes (default 1)."""
        self.succeeded += n

    def fail(self, failure: InputFailure) -> None:
        """Record one failure."""
        self.failures.append(failure)

    def note(self, what: str, n: int = 1) -> None:
        """Add ``n`` (default 1) to the count called ``what``."""
        self.notes[what] = self.notes.get(what, 0) + n

    def lines(self, max_reasons: int = 10) -> list[str]:
        """The summary as lines: totals, other counts, then failures grouped by reason
        (most frequent first, at most ``max_reasons`` groups, default 10), each with one example."""

        head = f"{counted(self.succeeded, self.noun)} succeeded, {len(self.failures)} failed"
        extras = [f"{n} {what}" for what, n in self.notes.items() if n]
        out = [head + (f" ({', '.join(extras)})" if extras else "")]
        groups: dict[str, list[str]] = {}
        for failure in self.failures:
            groups.setdefault(failure.message, []).append(failure.origin)
        ranked = sorted(groups.items(), key=lambda item: -len(item[1]))
        for reason, origins in ranked[:max_reasons]:
            example = origins[0] + (f" and {len(origins) - 1} more" if len(origins) > 1 else "")
            out.append(f"  {len(origins)} × {reason} ({example})")
        if len(ranked) > max_reasons:
            rest = sum(len(origins) for _, origins in ranked[max_reasons:])
            out.append(f"  {rest} more with other reasons")
        return out
