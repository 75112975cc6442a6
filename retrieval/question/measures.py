"""Questions that ask for a measure ("how far", "how long", "how heavy") and its units."""

from __future__ import annotations

import re

# A measure as news writes it: a figure and a unit of what is asked ("68 kilometers").
_FIGURE = r"\b\d[\d,.]*(?:\s?(?:thousand|million|billion))?[\s-]?"
_LENGTH = (
    r"kilomet(?:er|re)s?|km|miles?|met(?:er|re)s?|m|centimet(?:er|re)s?|cm|feet|foot|ft"
    r"|inches|yards?|nautical miles?|light[- ]years?"
)
_DURATION = r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?"
_SPEED = r"km/h|kph|mph|miles (?:an|per) hour|kilomet(?:er|re)s (?:an|per) hour|knots"
_MASS = r"kilograms?|kg|grams?|tons?|tonnes?|pounds?|lbs?|ounces?"
_HEAT = r"degrees?|°[CF]?"


def _measure(units: str) -> re.Pattern[str]:
    return re.compile(rf"{_FIGURE}(?:{units})(?![\w/])", re.IGNORECASE)


# The adjective of "how ..." -> the kind of measure it asks for, and how a sentence gives one.
_MEASURES = {
    "far": ("distance", _measure(_LENGTH)),
    "tall": ("length", _measure(_LENGTH)),
    "high": ("length", _measure(_LENGTH)),
    "deep": ("length", _measure(_LENGTH)),
    "wide": ("length", _measure(_LENGTH)),
    "long": ("span", _measure(f"{_DURATION}|{_LENGTH}")),
    "fast": ("speed", _measure(_SPEED)),
    "heavy": ("mass", _measure(_MASS)),
    "cold": ("temperature", _measure(_HEAT)),
    "hot": ("temperature", _measure(_HEAT)),
    "warm": ("temperature", _measure(_HEAT)),
}
MEASURE_KINDS = frozenset(kind for kind, _ in _MEASURES.values())
MEASURE_SPANS = {kind: pattern for kind, pattern in _MEASURES.values()}

# "How far", "how big": the adjective asks for a measure; the answer rarely repeats it
# ("Its maximum range is 68 kilometers").
_ASKING = re.compile(
    r"\bhow (far|big|large|long|high|tall|fast|often|deep|heavy|wide|small|cold|hot|warm)\b",
    re.IGNORECASE,
)
# "What's the hotline number?": words naming the kind asked, which its answer need not say.
_KIND_NAMES = re.compile(r"\b(?:(?:tele)?phone|numbers?|address(?:es)?)\b", re.IGNORECASE)


def measure_words(question: str, wanted: str | None) -> list[str]:
    """The words that ask rather than name: "how far / how big", a phone number, an address."""
    asked = [m[1] for m in _ASKING.finditer(question)]
    if wanted in ("phone", "address"):
        asked += _KIND_NAMES.findall(question)
    return asked


def measure_asked(question: str, wanted: str | None) -> str | None:
    """Narrow "how far / tall / fast / heavy / long" to the measure asked ("distance")."""
    asked = [m.lower() for m in _ASKING.findall(question) if m.lower() in _MEASURES]
    if wanted == "number" and len(asked) == 1:
        return _MEASURES[asked[0]][0]
    return wanted
