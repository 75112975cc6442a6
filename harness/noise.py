"""Noisy copies of eval questions, typed the way people chat: greetings, typos, British spelling."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

QuestionRow = dict[str, Any]
# A kind returns the noisy question, or None where it does not apply to this question.
NoiseFn = Callable[[str, random.Random], str | None]

_GREETINGS = ("hi, ", "hello newsbot, ", "hey there, ", "hey newsbot, ", "hi newsbot! ")
# Words that start a sentence without being a name, so a greeting may lowercase them.
_STARTER = re.compile(
    r"(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|did|do|does|can|could"
    r"|would|will|should|has|have|had|a|an|the|in|on|at|after|before|during|for|from|to|of"
    r"|according|since|this|these|nearly|some|one|two|three)\b"
)
_PREAMBLES = (
    "I saw something in the news this week.",
    "Quick question about something I read.",
    "I was reading the news earlier.",
)
_CLOSINGS = ("Can you help?", "Any idea?", "Do you know?")
_THANKS = ("Thanks!", "thanks", "Thank you!")

_WORD = re.compile(r"[A-Za-z]+")
# Hyphens inside a token; digit-digit pairs are left alone because "8-0" or "2-1" is a score.
_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z0-9])|(?<=[0-9])-(?=[A-Za-z])")

# American -our words lose the u; each also takes -s, -ed, -ing, -ful, -ite, -ites, -hood.
_OUR_STEMS = (
    "arbor",
    "armor",
    "behavior",
    "color",
    "favor",
    "flavor",
    "harbor",
    "honor",
    "humor",
    "labor",
    "neighbor",
    "rumor",
    "savior",
    "valor",
    "vapor",
)
# American -er words that are -re in British: centers/centres, centered/centred.
_RE_STEMS = ("center", "fiber", "liter", "theater", "somber")
_WHOLE_WORDS = {
    "defense": "defence",
    "defenses": "defences",
    "offense": "offence",
    "offenses": "offences",
    "pretense": "pretence",
    "program": "programme",
    "programs": "programmes",
    "catalog": "catalogue",
    "catalogs": "catalogues",
    "dialog": "dialogue",
    "analyze": "analyse",
    "analyzed": "analysed",
    "analyzes": "analyses",
    "analyzing": "analysing",
    "paralyze": "paralyse",
    "paralyzed": "paralysed",
    "jewelry": "jewellery",
    "gray": "grey",
    "pediatric": "paediatric",
    "pediatrician": "paediatrician",
    "maneuver": "manoeuvre",
    "maneuvers": "manoeuvres",
    "aluminum": "aluminium",
    "canceled": "cancelled",
    "canceling": "cancelling",
    "traveled": "travelled",
    "traveling": "travelling",
    "traveler": "traveller",
    "travelers": "travellers",
    "modeling": "modelling",
    "fueled": "fuelled",
    "labeled": "labelled",
    "counselor": "counsellor",
}
# Stems spelled -ize in American and -ise in British, with their -ization nouns.
_IZE_STEMS = (
    "apolog",
    "author",
    "capital",
    "categor",
    "character",
    "civil",
    "commercial",
    "critic",
    "emphas",
    "final",
    "global",
    "hospital",
    "jeopard",
    "legal",
    "maxim",
    "memorial",
    "minim",
    "mobil",
    "modern",
    "monopol",
    "neutral",
    "normal",
    "optim",
    "organ",
    "penal",
    "popular",
    "priorit",
    "privat",
    "real",
    "recogn",
    "sanit",
    "scrutin",
    "special",
    "stabil",
    "standard",
    "subsid",
    "summar",
    "symbol",
    "sympath",
    "terror",
    "util",
    "vandal",
    "weapon",
)


def _british_table() -> dict[str, str]:
    """Build the lower-case American -> British table, inflected forms included."""
    table = dict(_WHOLE_WORDS)
    for us in _OUR_STEMS:
        uk = us[:-2] + "our"
        for suffix in ("", "s", "ed", "ing", "ful", "ite", "ites", "hood", "hoods", "able"):
            table[us + suffix] = uk + suffix
    for us in _RE_STEMS:
        uk = us[:-2] + "re"
        table |= {
            us: uk,
            us + "s": uk + "s",
            us + "ed": uk[:-1] + "ed",
            us + "ing": uk[:-1] + "ing",
        }
    for stem in _IZE_STEMS:
        for ending in ("ize", "izes", "ized", "izing", "ization", "izations"):
            table[stem + ending] = stem + ending.replace("z", "s")
    return table


_BRITISH = _british_table()


def _match_case(original: str, replacement: str) -> str:
    """Return replacement in the case pattern of original (UPPER, Title or lower)."""
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def _lower_first_word(question: str) -> str:
    """Lower-case the first word when it is a common sentence starter, not a name."""
    if _STARTER.match(question[:1].lower() + question[1:]):
        return question[0].lower() + question[1:]
    return question


def clean(question: str, rng: random.Random) -> str | None:
    """Return the question unchanged, the reference for every other kind."""
    return question


def greeting(question: str, rng: random.Random) -> str | None:
    """Open the question with a greeting, sometimes naming the bot."""
    return rng.choice(_GREETINGS) + _lower_first_word(question)


def numbered(question: str, rng: random.Random) -> str | None:
    """Number the question the way people paste a list: "Q3: ", "3) " or "Question 2 - "."""
    n = rng.randint(1, 9)
    prefix = rng.choice((f"Q{n}: ", f"{n}) ", f"Question {n} - "))
    return prefix + question


def typo(question: str, rng: random.Random) -> str | None:
    """Put one typo in the longest word: swap two inner letters, or drop or double one."""
    words = list(_WORD.finditer(question))
    if not words:
        return None
    longest = max(words, key=lambda m: len(m.group()))
    word = longest.group()
    if len(word) < 4:
        return None
    # Inner letters only: people rarely get the first or last letter of a word wrong.
    swappable = [i for i in range(1, len(word) - 2) if word[i] != word[i + 1]]
    operations = ["drop", "double"] + (["swap"] if swappable else [])
    operation = rng.choice(operations)
    if operation == "swap":
        i = rng.choice(swappable)
        noisy = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    else:
        i = rng.randrange(1, len(word) - 1)
        noisy = word[:i] + word[i + 1 :] if operation == "drop" else word[:i] + word[i] + word[i:]
    return question[: longest.start()] + noisy + question[longest.end() :]


def dehyphen(question: str, rng: random.Random) -> str | None:
    """Drop the hyphens inside tokens ("XR-17" -> "XR17"); None when there are none."""
    noisy = _HYPHEN.sub("", question)
    return noisy if noisy != question else None


def british(question: str, rng: random.Random) -> str | None:
    """Spell listed American words the British way; None when nothing changed."""

    def swap(match: re.Match[str]) -> str:
        word = match.group()
        uk = _BRITISH.get(word.lower())
        return _match_case(word, uk) if uk else word

    noisy = _WORD.sub(swap, question)
    return noisy if noisy != question else None


def preamble(question: str, rng: random.Random) -> str | None:
    """Wrap the question in chat: a sentence before it and a plea for help after it."""
    return f"{rng.choice(_PREAMBLES)} {question} {rng.choice(_CLOSINGS)}"


def thanks(question: str, rng: random.Random) -> str | None:
    """Thank the bot after the question."""
    return f"{question} {rng.choice(_THANKS)}"


def lowercase(question: str, rng: random.Random) -> str | None:
    """Lower-case the whole question and drop the trailing question mark."""
    return question.lower().rstrip().rstrip("?").rstrip()


KINDS: dict[str, NoiseFn] = {
    "clean": clean,
    "greeting": greeting,
    "numbered": numbered,
    "typo": typo,
    "dehyphen": dehyphen,
    "british": british,
    "preamble": preamble,
    "thanks": thanks,
    "lowercase": lowercase,
}


def noisy_copies(
    rows: Iterable[QuestionRow], kinds: Sequence[str], seed: int = 0
) -> Iterator[QuestionRow]:
    """Yield one copy of each row per kind that applies, id suffixed and `noise` set to the kind."""
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise ValueError(f"unknown noise kind(s) {unknown}; known: {', '.join(KINDS)}")
    for row in rows:
        for kind in kinds:
            # Seeded by row and kind, so a copy does not change when other rows or kinds do.
            rng = random.Random(f"{seed}:{row['id']}:{kind}")
            question = KINDS[kind](row["question"], rng)
            if question is None:
                continue
            yield {**row, "id": f"{row['id']}-{kind}", "question": question, "noise": kind}


def count_by_kind(copies: Iterable[QuestionRow]) -> Counter[str]:
    """Count noisy copies per kind, to report how many rows each kind applied to."""
    return Counter(row["noise"] for row in copies)
