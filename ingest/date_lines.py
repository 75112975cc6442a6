"""Turn the date forms news uses into dates; never invent one."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from newsbot.core.calendar import MONTH_WORDS, WEEKDAYS

# A weekday as news shortens it or not: "Tue", "Tues", "Tuesday".
_WEEKDAY = rf"(?:{'|'.join(day[:3] for day in WEEKDAYS)})[a-z]*"
# A line that is nothing but a date, in the forms articles print under their body.
DATE_LINE = re.compile(
    rf"^\s*(?:{_WEEKDAY},?\s+)?"
    rf"(?:(?:{MONTH_WORDS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTH_WORDS})\.?,?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}(?:[T ][\d:.]+(?:Z|[+-]\d{{2}}:?\d{{2}})?)?)\s*$",
    re.IGNORECASE,
)


def parse_date(value: object) -> date | None:
    """Parse ISO 8601, 'May 14, 2024', '14 May 2024', RFC 822 or a datetime; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.replace(",", " "))
    cleaned = re.sub(rf"^{_WEEKDAY}\s+", "", cleaned, flags=re.I)
    cleaned = re.sub(r"\.", "", " ".join(cleaned.split()))
    cleaned = re.sub(r"\bsept\b", "Sep", cleaned, flags=re.I)  # strptime knows only "Sep"
    for fmt in ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def is_date_line(line: str) -> bool:
    return bool(DATE_LINE.match(line))
