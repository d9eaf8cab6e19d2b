"""Dates: resolve day words in an article against its publication date.

"Wednesday" in an article of Thursday 2022-03-31 is 2022-03-30 (the most recent
Wednesday on or before publication, or the next one when the sentence speaks of the
future); "overnight" and "yesterday" are the day before publication; "the same day"
is the date of the last event the text dated before it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["MONTHS", "WEEKDAYS", "DateMention", "find_date_mentions", "resolve_weekday"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}

_MONTH_RE = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_PATTERN = re.compile(
    r"\b(?:"
    r"(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<md>" + _MONTH_RE + r"\s+(?P<md_day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<md_year>\d{4}))?)"
    r"|(?P<dm>(?P<dm_day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE.replace("(", "(?P<dm_month>", 1) + r"(?:,?\s+(?P<dm_year>\d{4}))?)"
    r"|(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?P<same>the\s+same\s+day|that\s+day|the\s+same\s+evening)"
    r"|(?P<yesterday>yesterday|last\s+night|overnight)"
    r"|(?P<today>today|tonight|this\s+morning|this\s+afternoon|this\s+evening)"
    r")\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(will|would|shall|set to|next|upcoming|plans? to|scheduled|expected to|is to|are to)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """A day expression in the text: where it is, what it says, the day it names (or None)."""

    start: int
    end: int
    text: str
    kind: str
    date: dt.date | None


def resolve_weekday(name: str, published: dt.date, future: bool = False) -> dt.date:
    """The day called ``name`` nearest ``published``: on or before it, or after it when ``future``."""
    target = WEEKDAYS.index(name.lower())
    if future:
        delta = (target - published.weekday()) % 7 or 7
        return published + dt.timedelta(days=delta)
    return published - dt.timedelta(days=(published.weekday() - target) % 7)


def _month_number(text: str) -> int:
    return _MONTH_ABBR[text.lower().rstrip(".")[:4] if text.lower().startswith("sept") else text.lower()[:3]]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_date_mentions(text: str, published: dt.date | None) -> list[DateMention]:
    """Every day expression in ``text``, resolved against ``published`` where it can be.

    A weekday is the one on or before ``published`` unless the words just before it speak of the
    future ("talks will resume online Friday"), then the next one after it.
    "the same day" resolves to the last resolved mention before it.
    """
    mentions: list[DateMention] = []
    last: dt.date | None = None
    for match in _PATTERN.finditer(text):
        kind = next(k for k in ("iso", "md", "dm", "weekday", "same", "yesterday", "today") if match.group(k))
        date: dt.date | None = None
        if kind == "iso":
            try:
                date = dt.date.fromisoformat(match.group("iso"))
            except ValueError:
                date = None
        elif kind == "md":
            month = _month_number(match.group("md").split()[0])
            year = int(match.group("md_year") or (published.year if published else 0) or 0)
            date = _safe_date(year, month, int(match.group("md_day"))) if year else None
            if date and published and not match.group("md_year") and date > published + dt.timedelta(days=31):
                date = _safe_date(year - 1, month, date.day)
        elif kind == "dm":
            month = _month_number(match.group("dm_month"))
            year = int(match.group("dm_year") or (published.year if published else 0) or 0)
            date = _safe_date(year, month, int(match.group("dm_day"))) if year else None
        elif kind == "weekday" and published:
            # future only when the words just before the day say so ("talks will resume online Friday");
            # "said Tuesday that it would …" is a past Tuesday
            before = text[max(0, match.start() - 48) : match.start()]
            before = re.split(r"[.!?\n]|\b(?:said|says|told|announced|added)\b", before)[-1]
            date = resolve_weekday(match.group("weekday"), published, future=bool(_FUTURE.search(before)))
        elif kind == "same":
            date = last
        elif kind == "yesterday" and published:
            date = published - dt.timedelta(days=1)
        elif kind == "today" and published:
            date = published
        mentions.append(DateMention(match.start(), match.end(), match.group(0), kind, date))
        if date is not None:
            last = date
    return mentions
