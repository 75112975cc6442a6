"""Month and weekday names as English news writes them, and days as numbers Chroma compares."""

from __future__ import annotations

from datetime import date

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Capitalised like names, but dates: "The waiver runs until March 31" names no one.
CALENDAR_NAMES = frozenset(MONTH_NAMES + WEEKDAY_NAMES)
# Short forms news writes for each month (1 = January); "May" has none.
MONTH_ABBREVIATIONS = (
    ("jan",),
    ("feb",),
    ("mar",),
    ("apr",),
    (),
    ("jun",),
    ("jul",),
    ("aug",),
    ("sept", "sep"),
    ("oct",),
    ("nov",),
    ("dec",),
)
# Lower-case month name or short form -> month number.
MONTHS = {
    name: n
    for n, (full, short) in enumerate(zip(MONTH_NAMES, MONTH_ABBREVIATIONS, strict=True), start=1)
    for name in (full.lower(), *short)
}
WEEKDAYS = tuple(name.lower() for name in WEEKDAY_NAMES)
# Regex alternations, longest first so "september" wins over "sep".
MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_WORDS = "|".join(WEEKDAYS)
MONTH_AND_WEEKDAY_NAMES = "|".join(MONTH_NAMES + WEEKDAY_NAMES)

# Chunks without a known date get this day number so "published on or before" keeps them.
UNKNOWN_DAY = -1


def day_number(day: date | None) -> int:
    """Turn a date into an integer Chroma can compare ($gte/$lte work on numbers only)."""
    return day.toordinal() if day else UNKNOWN_DAY
