"""Rewrite a sentence by rules: faithful paraphrases, and a figure changed, for the support eval."""

from __future__ import annotations

import random
import re
from decimal import Decimal

from newsbot.retrieval.answer.claim_check import URL

# Plain-word synonyms a writer might use instead; none changes what the sentence claims.
SYNONYMS = {
    "said": "stated",
    "says": "states",
    "announced": "revealed",
    "company": "firm",
    "companies": "firms",
    "people": "individuals",
    "increase": "rise",
    "increased": "rose",
    "decrease": "decline",
    "big": "large",
    "large": "big",
    "help": "assist",
    "helped": "assisted",
    "buy": "purchase",
    "bought": "purchased",
    "start": "begin",
    "started": "began",
    "began": "started",
    "ended": "finished",
    "show": "indicate",
    "shows": "indicates",
    "showed": "indicated",
    "about": "around",
    "more than": "over",
    "because": "since",
    "also": "additionally",
    "plans": "intends",
    "planned": "intended",
    "government": "administration",
    "officials": "authorities",
    "children": "kids",
    "quickly": "rapidly",
    "important": "significant",
    "major": "big",
    "nearly": "almost",
    "almost": "nearly",
    "told": "informed",
    "killed": "left dead",
    "died": "lost their lives",
    "attack": "assault",
    "attacks": "assaults",
    "country": "nation",
    "city": "town",
    "percent": "per cent",
    "however": "but",
    "warned": "cautioned",
    "expected": "anticipated",
    "received": "got",
    "according to": "as reported by",
}
WORDS = {
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
    12: "twelve",
    20: "twenty",
    30: "thirty",
    50: "fifty",
}
NUMBERS = {word: n for n, word in WORDS.items()}
_FIGURE = re.compile(
    r"(?<![\w.,:/-])(\$|€|£)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\d)(?:\s(million|billion)\b)?(?![\w,.]\d)(?!\s?[-–:/]\s?\d)"
)
_SCALE = {"million": 6, "billion": 9}
_ATTRIBUTION = re.compile(
    r"^(?P<clause>[^\"“”,]{20,}), (?P<who>(?:[a-z]+ )?(?:[A-Z][\w.]* ?){1,3}|officials|"
    r"police|authorities|experts|researchers) (?P<verb>said|says|added|noted|reported)\.$"
)
_LEAD = re.compile(
    r"^(?P<lead>(?:On|In|By|During|Last|Earlier|After|Since|Before|Over) [^,\"“]{2,40}), "
    r"(?P<rest>[^\"“]+?)(?P<end>[.!])$"
)
FRAMES = [
    "The article says that",
    "It was reported that",
    "According to the report,",
    "Reportedly,",
    "The report notes that",
]
_PLAIN_OPENERS = {"The", "A", "An", "It", "This", "That", "These", "Those", "There", "They"}


def write_figure(match: re.Match[str], rng: random.Random) -> str:
    """Write a figure another way: a scale word spelt out, or dropped, or a small count as words."""
    currency, digits, decimals, scale = match[1] or "", match[2], match[3] or "", match[4]
    value = Decimal(digits.replace(",", "") + decimals)
    if scale:
        whole = value.scaleb(_SCALE[scale])
        if whole == whole.to_integral_value():
            return f"{currency}{int(whole):,}"
        return match[0]
    if not decimals and value >= 1_000_000 and "," in digits:
        for name, power in (("billion", 9), ("million", 6)):
            short = value.scaleb(-power).normalize()
            if short >= 1 and -short.as_tuple().exponent <= 2:  # type: ignore[operator]
                suffix = rng.choice([f" {name}", name[0] if name == "million" else "bn"])
                return f"{currency}{short:f}{suffix}"
    if not currency and not decimals and int(value) in WORDS and "," not in digits:
        return WORDS[int(value)]
    return match[0]


def rewrite_figures(sentence: str, rng: random.Random) -> str:
    """Write each figure another way where one exists; small counts in words become digits."""
    either = re.compile(rf"{_FIGURE.pattern}|(?<![\w-])({'|'.join(NUMBERS)})(?![\w-])")

    def rewrite(match: re.Match[str]) -> str:
        return str(NUMBERS[match[5]]) if match[5] else write_figure(match, rng)

    return either.sub(rewrite, sentence)


def lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first in _PLAIN_OPENERS else text


def reorder(sentence: str) -> str:
    """Move an attribution or a leading time/place phrase to the other end of the sentence."""
    match = _ATTRIBUTION.match(sentence)
    if match:
        who = match["who"][0].upper() + match["who"][1:]
        return f"{who} {match['verb']} that {lower_first(match['clause'])}."
    match = _LEAD.match(sentence)
    if match:
        rest = match["rest"][0].upper() + match["rest"][1:]
        lead = match["lead"][0].lower() + match["lead"][1:]
        return f"{rest} {lead}{match['end']}"
    return sentence


def synonyms(sentence: str, rng: random.Random, most: int = 2) -> str:
    """Replace up to `most` words found in the synonym table, chosen at random."""
    found = [w for w in SYNONYMS if re.search(rf"\b{w}\b", sentence)]
    for word in rng.sample(found, min(most, len(found))):
        sentence = re.sub(rf"\b{word}\b", SYNONYMS[word], sentence, count=1)
    return sentence


def frame(sentence: str, rng: random.Random) -> str:
    """Open the sentence as an answer often does: "The article says that ..."."""
    opener = rng.choice(FRAMES)
    return f"{opener} {lower_first(sentence)}"


def paraphrase(sentence: str, rng: random.Random) -> str | None:
    """Rewrite a sentence without changing what it says; None if no rule applies."""
    rewritten = synonyms(rewrite_figures(reorder(sentence), rng), rng, most=3)
    if rewritten == sentence:
        return None
    return frame(rewritten, rng) if rng.random() < 0.5 else rewritten


def changed_digits(digits: str, rng: random.Random) -> str:
    """Change one digit of a number (a year moves by a few years), keeping its form."""
    plain = digits.replace(",", "")
    if len(plain) == 4 and 1900 <= int(plain) <= 2100 and "," not in digits:
        return str(int(plain) + rng.choice([-3, -2, -1, 1, 2, 3]))
    spots = [i for i, ch in enumerate(digits) if ch.isdigit()]
    spot = rng.choice(spots)
    options = [d for d in "0123456789" if d != digits[spot] and not (spot == 0 and d == "0")]
    return digits[:spot] + rng.choice(options) + digits[spot + 1 :]


def corrupt_figure(sentence: str, rng: random.Random) -> str | None:
    """Change one figure (digits, or a count in words); None if the sentence has none."""
    links = [m.span() for m in URL.finditer(sentence)]
    spans = [
        m.span(2)
        for m in _FIGURE.finditer(sentence)
        if not any(a <= m.start() < b for a, b in links)  # a link is checked on its own
    ]
    words = [m.span() for m in re.finditer(rf"(?<![\w-])({'|'.join(NUMBERS)})(?![\w-])", sentence)]
    if not spans and not words:
        return None
    start, end = rng.choice(spans + words)
    old = sentence[start:end]
    if old in NUMBERS:
        new = rng.choice([w for w in NUMBERS if w != old])
    else:
        new = changed_digits(old, rng)
    return sentence[:start] + new + sentence[end:]
