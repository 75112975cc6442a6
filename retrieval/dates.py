"""Date expressions in questions ("last week", "in May 2024", "since Monday") as date windows."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from newsbot.retrieval.store import UNKNOWN_DAY, day_number

_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(_WEEKDAYS)
_UNITS = {"day": 1, "week": 7, "month": 30, "year": 365}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}
# News of an event on a given day is often published the day after.
_DAY_LAG = timedelta(days=1)


@dataclass(frozen=True)
class DateWindow:
    """Which articles exist for a question: published on or before as_of, within [start, end]."""

    as_of: date | None = None
    start: date | None = None
    end: date | None = None
    phrase: str = ""  # the words of the question the window came from, for logs and tests
    named: str = ""
    """Words naming the period as articles write it ("2023", "May"), for the keyword search."""
    period_end: date | None = None
    """The last day of a named period ("in 2023": 2023-12-31); the window itself runs on."""

    @property
    def narrowed(self) -> bool:
        """Say whether the question itself narrowed the window beyond as_of."""
        return bool(self.start or self.end)

    def widened(self) -> DateWindow:
        """Drop the question's own narrowing, keeping only as_of."""
        return DateWindow(as_of=self.as_of)

    @property
    def latest(self) -> date | None:
        return min((d for d in (self.as_of, self.end) if d), default=None)

    def chroma_where(self) -> dict[str, Any] | None:
        conditions: list[dict[str, Any]] = []
        if self.latest:
            conditions.append({"published_day": {"$lte": day_number(self.latest)}})
        if self.start:
            conditions.append({"published_day": {"$gte": day_number(self.start)}})
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}

    def mask(self, days: np.ndarray) -> np.ndarray | None:
        if not (self.as_of or self.start or self.end):
            return None
        keep = np.ones(days.shape, dtype=bool)
        if self.latest:
            keep &= days <= day_number(self.latest)
        if self.start:
            keep &= (days >= day_number(self.start)) & (days != UNKNOWN_DAY)
        return keep


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _last_weekday(name: str, today: date) -> date:
    """The most recent such weekday on or before today."""
    back = (today.weekday() - _WEEKDAYS.index(name)) % 7
    return today - timedelta(days=back)


def _recent_month(month: int, today: date) -> int:
    """The year of the most recent such month that has begun by today."""
    return today.year if month <= today.month else today.year - 1


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS.get(word, 1)


_N = r"(\d+|one|two|three|four|five|six|seven|ten)"
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\byesterday\b"), "yesterday"),
    (re.compile(r"\btoday\b|\btonight\b"), "today"),
    (re.compile(r"\b(?:this|past)\s+week\b|\bin\s+the\s+(?:last|past)\s+week\b"), "this_week"),
    (re.compile(r"\blast\s+week\b"), "last_week"),
    (re.compile(r"\bthis\s+month\b"), "this_month"),
    (re.compile(r"\blast\s+month\b"), "last_month"),
    (re.compile(r"\bthis\s+year\b"), "this_year"),
    (re.compile(r"\blast\s+year\b"), "last_year"),
    (re.compile(rf"\b(?:last|past)\s+{_N}\s+(day|week|month|year)s?\b"), "past_n"),
    (re.compile(rf"\b(since|on|last)\s+({_WEEKDAY})\b"), "weekday"),
    (
        re.compile(
            rf"\b(on|since|from)\s+(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?(?:,?\s+(\d{{4}}))?\b"
        ),
        "day_month",
    ),
    (
        re.compile(
            rf"\b(on|since|from)\s+({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?"
        ),
        "month_day",
    ),
    (
        re.compile(rf"\b(in|during|since|from)\s+({_MONTH})\.?(?:\s+(?:of\s+)?(\d{{4}}))?\b"),
        "month",
    ),
    (re.compile(r"\b(in|during|since|from)\s+(?:early\s+|mid-?|late\s+)?(\d{4})\b"), "year"),
]


def _window(kind: str, m: re.Match[str], today: date) -> tuple[date | None, date | None] | None:
    """Turn one matched expression into (start, end); None when it names no usable period."""
    if kind == "yesterday":
        return today - timedelta(days=1), today
    if kind == "today":
        return today - _DAY_LAG, today
    if kind == "this_week":
        return today - timedelta(days=7), today
    if kind == "last_week":
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6) + _DAY_LAG
    if kind == "this_month":
        return today.replace(day=1), today
    if kind == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end + _DAY_LAG
    if kind == "this_year":
        return date(today.year, 1, 1), today
    if kind == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if kind == "past_n":
        return today - timedelta(days=_number(m[1]) * _UNITS[m[2]]), today
    if kind == "weekday":
        # Reports of what happened on a weekday appear from that day on.
        return _last_weekday(m[2], today), today
    if kind in ("day_month", "month_day"):
        day_s, month_s = (m[2], m[3]) if kind == "day_month" else (m[3], m[2])
        month, day = _MONTHS[month_s], int(day_s)
        year = int(m[4]) if m[4] else _recent_month(month, today)
        try:
            start = date(year, month, day)
        except ValueError:
            return None
        if start > today and not m[4]:
            start = start.replace(year=year - 1)
        return (start, None) if m[1] != "on" else (start, start + _DAY_LAG)
    if kind == "month":
        month = _MONTHS[m[2]]
        year = int(m[3]) if m[3] else _recent_month(month, today)
        start = date(year, month, 1)
        return (start, None) if m[1] in ("since", "from") else (start, _month_end(year, month))
    if kind == "year":
        year = int(m[2])
        start = date(year, 1, 1)
        return (start, None) if m[1] in ("since", "from") else (start, date(year, 12, 31))
    return None


# Periods a question names as when something happened ("in 2023", "last year"): reports,
# reviews and court cases about them keep appearing after they end, up to the as-of day.
# Relative ones ("this week", "yesterday", "past 3 days") ask for what is new.
_HAPPENED = frozenset(
    ("year", "month", "day_month", "month_day", "last_year", "last_month", "last_week")
)
# Each month's full name: the first of its names above.
_MONTH_NAMES = [next(k for k, v in _MONTHS.items() if v == n).capitalize() for n in range(1, 13)]


def _naming(kind: str, m: re.Match[str], start: date | None) -> str:
    """The words an article would use for the period a question names."""
    if kind in ("year", "last_year") and start:
        return str(start.year)
    if kind in ("month", "last_month") and start:
        year = m[3] if kind == "month" and m[3] else ""
        return f"{_MONTH_NAMES[start.month - 1]} {year}".strip()
    if kind in ("day_month", "month_day") and start:
        return f"{_MONTH_NAMES[start.month - 1]} {start.day}"
    return ""


_VAGUE = re.compile(r"\b(?:recently|lately|these days|right now|currently)\b")


def without_dates(text: str) -> str:
    """Drop the words that say when ("this week", "in May 2024"): they are not the topic."""
    for pattern, _ in [*_RULES, (_VAGUE, "")]:
        text = _sub_folded(pattern, text)
    return " ".join(text.split())


def _sub_folded(pattern: re.Pattern[str], text: str) -> str:
    """Substitute a lower-case pattern in text of any case, keeping the rest as written."""
    lowered = text.lower()
    pieces, last = [], 0
    for m in pattern.finditer(lowered):
        pieces.append(text[last : m.start()])
        pieces.append(" ")
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)


def resolve_dates(question: str, today: date) -> DateWindow:
    """Find the first date expression in a question and turn it into a window as of today."""
    text = question.lower()
    found: list[tuple[int, str, re.Match[str]]] = []
    for pattern, kind in _RULES:
        for m in pattern.finditer(text):
            found.append((m.start(), kind, m))
    window = DateWindow(as_of=today)
    for _, kind, m in sorted(found, key=lambda f: f[0]):
        span = _window(kind, m, today)
        if span is None:
            continue
        start, end = span
        # A period that has not begun by today says nothing about what has been published.
        if start and start > today:
            continue
        end = min(end, today) if end else None
        if kind in _HAPPENED and end is not None:
            return replace(
                window,
                start=start,
                end=today,
                phrase=m[0],
                named=_naming(kind, m, start),
                period_end=end,
            )
        return replace(window, start=start, end=end, phrase=m[0])
    return window


_YEAR = re.compile(r"(?<![\d,.])(19\d\d|20\d\d)(?![\d,.]\d)")
_PAST = re.compile(
    r"\b(did|was|were|won|had|became)\b|^\s*(who|which \w+|what \w+)\s+\w+ed\b", re.IGNORECASE
)


def asks_after(question: str, today: date) -> bool:
    """Say whether a question asks what happened in a year that has not come yet."""
    years = [int(y) for y in _YEAR.findall(question)]
    return any(y > today.year for y in years) and bool(_PAST.search(question))
