"""Read the figures in a text as values: "$9.7 million", "9.7m" and "9,700,000" are one figure."""

from __future__ import annotations

import re
from decimal import Decimal

SCALES = {
    "hundred": 2,
    "thousand": 3,
    "k": 3,
    "million": 6,
    "m": 6,
    "mn": 6,
    "mln": 6,
    "billion": 9,
    "bn": 9,
    "b": 9,
    "trillion": 12,
    "tn": 12,
}
# A scale word written out may follow a space ("9.7 million"); an abbreviation must be attached
# ("9.7m"), since "10 m" is ten metres.
_DIGITS = re.compile(
    r"(?<![\w.,])(?<![^\W\d_]-)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:\s*(hundred|thousand|million|billion|trillion)\b|(k|m|mn|mln|bn|b|tn)\b)?",
    re.IGNORECASE,
)
UNITS = {
    "zero": 0,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
# "one" alone is left out: it is far more often a pronoun ("one of the...") than a count.
_WORDS = re.compile(
    rf"\b(?:(?:{_TENS})(?:[-\s](?:{_ONES}))?|"
    r"zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|(?:one|a)(?=\s+(?:hundred|thousand|million|"
    r"billion|trillion)\b))"
    r"(?:\s+(hundred|thousand|million|billion|trillion))?\b",
    re.IGNORECASE,
)


def _word_value(words: str) -> int:
    total = 0
    for part in re.split(r"[-\s]+", words.lower()):
        total += UNITS.get(part, 1 if part in {"one", "a"} else 0)
    return total


def figure_spans(text: str) -> list[tuple[Decimal, int, int]]:
    """Return every figure a text states, scaled by its word ("million"), with where it is."""
    found: list[tuple[Decimal, int, int]] = []
    for match in _DIGITS.finditer(text):
        value = Decimal(match[1].replace(",", "") + (match[2] or ""))
        scale = (match[3] or match[4] or "").lower()
        found.append(((value.scaleb(SCALES[scale]) if scale else value).normalize(), *match.span()))
    for match in _WORDS.finditer(text):
        number = match[0][: match.start(1) - match.start()] if match[1] else match[0]
        value = Decimal(_word_value(number))
        if match[1]:
            value = value.scaleb(SCALES[match[1].lower()])
        found.append((value.normalize(), *match.span()))
    return found


def figures(text: str) -> list[Decimal]:
    """Return every figure a text states, normalised: "9.7m" and "9,700,000" are equal."""
    return [value for value, _, _ in figure_spans(text)]


def passage_figures(text: str) -> list[tuple[Decimal, int, int]]:
    """Return the figures a passage supports: each value, and for "9.7 million" also "9.7"."""
    found = figure_spans(text)
    for match in _DIGITS.finditer(text):
        if match[3] or match[4]:
            value = Decimal(match[1].replace(",", "") + (match[2] or ""))
            found.append((value.normalize(), *match.span()))
    return found


# No spaces: "2023 — two years" is punctuation, not a range.
_COMPOUND = re.compile(r"(?<![\w.,])\d+(?:[-–:/]\d+)+(?![\w,]?\d)")
# Names with a number in them ("XR-17", "Covid-19", "BA.5", "G7"): the number is no count.
_CODE = re.compile(r"(?<![\w.-])[^\W\d_]+[-.]?\d[\w.-]*(?<![.-])")


def compounds(text: str) -> list[str]:
    """Return what reads as one figure: "3-2", "9:30", "24/7", and codes such as "XR-17"."""
    joined = [m[0].replace("–", "-") for m in _COMPOUND.finditer(text)]
    return joined + [m[0].lower() for m in _CODE.finditer(text)]
