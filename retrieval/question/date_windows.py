"""Date expressions in questions ("last week", "in May 2024", "since Monday") as date windows."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from newsbot.core.calendar import MONTH_NAMES, MONTH_WORDS, MONTHS, WEEKDAY_WORDS, WEEKDAYS
from newsbot.core.date_window import DateWindow

_UNITS = {"day": 1, "week": 7, "month": 30, "year": 365}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}
# News of an event on a given day is often published the day after.
_DAY_LAG = timedelta(days=1)


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _last_weekday(name: str, today: date) -> date:
    """The most recent such weekday on or before today."""
    back = (today.weekday() - WEEKDAYS.index(name)) % 7
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
    (re.compile(rf"\b(since|on|last)\s+({WEEKDAY_WORDS})\b"), "weekday"),
    (
        re.compile(
            rf"\b(on|since|from)\s+(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_WORDS})\.?(?:,?\s+(\d{{4}}))?\b"
        ),
        "day_month",
    ),
    (
        re.compile(
            rf"\b(on|since|from)\s+({MONTH_WORDS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?"
        ),
        "month_day",
    ),
    (
        re.compile(rf"\b(in|during|since|from)\s+({MONTH_WORDS})\.?(?:\s+(?:of\s+)?(\d{{4}}))?\b"),
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
        month, day = MONTHS[month_s], int(day_s)
        year = int(m[4]) if m[4] else _recent_month(month, today)
        try:
            start = date(year, month, day)
        except ValueError:
            return None
        if start > today and not m[4]:
            start = start.replace(year=year - 1)
        return (start, None) if m[1] != "on" else (start, start + _DAY_LAG)
    if kind == "month":
        month = MONTHS[m[2]]
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


def _naming(kind: str, m: re.Match[str], start: date | None) -> str:
    """The words an article would use for the period a question names."""
    if kind in ("year", "last_year") and start:
        return str(start.year)
    if kind in ("month", "last_month") and start:
        year = m[3] if kind == "month" and m[3] else ""
        return f"{MONTH_NAMES[start.month - 1]} {year}".strip()
    if kind in ("day_month", "month_day") and start:
        return f"{MONTH_NAMES[start.month - 1]} {start.day}"
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
