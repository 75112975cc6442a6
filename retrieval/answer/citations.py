"""Check a model's [n] citations against the passages it was given; renumber by first use."""

from __future__ import annotations

import re

from newsbot.core.sentences import split_sentences

# [1], [1, 2], [1][2], [Passage 3]: the forms models write when told to cite [n].
MARKER = re.compile(
    r"\[\s*(?:(?:passage|source)\s*)?(\d+(?:\s*[,;]\s*(?:(?:passage|source)\s*)?\d+)*)\s*\]",
    re.IGNORECASE,
)
# A marker written after the full stop ("million.[1] Next") belongs to the sentence before it.
_MARKERS_AFTER_END = re.compile(r"([.!?])[ \t]*((?:\[\d+\][ \t]*)+)")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,;:!?])")
# Longest marker a stream may hold back while waiting for its closing bracket.
_HOLD = 24
NOT_ANSWERED = re.compile(
    r"\b(?:(?:do|does)(?: not|n't|n’t) "
    r"(?:say|state|mention|answer|contain|include|provide|specify)|"
    r"no information|not (?:mentioned|stated|provided|specified|covered)|"
    r"(?:cannot|can't|couldn't|could not) (?:find|answer|tell|determine))\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


class MarkerRewriter:
    """Renumber [n] markers by first use and drop those naming no passage, as text streams in."""

    def __init__(self, n_passages: int):
        self.n_passages = n_passages
        self.numbers: dict[int, int] = {}  # passage number in the prompt -> number shown
        self.pending = ""

    def feed(self, text: str) -> str:
        """Rewrite what can be rewritten now; hold back a marker that is not closed yet."""
        self.pending += text
        start = self.pending.rfind("[")
        if start != -1 and "]" not in self.pending[start:] and len(self.pending) - start < _HOLD:
            ready, self.pending = self.pending[:start], self.pending[start:]
        else:
            ready, self.pending = self.pending, ""
        return MARKER.sub(self._renumber, ready)

    def flush(self) -> str:
        """Rewrite whatever is still held back; the stream has ended."""
        ready, self.pending = self.pending, ""
        return MARKER.sub(self._renumber, ready)

    def _renumber(self, match: re.Match[str]) -> str:
        shown: list[int] = []
        for number in map(int, re.findall(r"\d+", match[1])):
            if 1 <= number <= self.n_passages:
                new = self.numbers.setdefault(number, len(self.numbers) + 1)
                if new not in shown:
                    shown.append(new)
        return "".join(f"[{n}]" for n in shown)

    @property
    def cited(self) -> list[int]:
        """Passage numbers (as in the prompt) in order of first use."""
        return list(self.numbers)


def tidy(line: str) -> str:
    """Move markers before the full stop they follow and drop spaces left by removed ones."""
    line = _MARKERS_AFTER_END.sub(lambda m: f" {m[2].strip()}{m[1]} ", line)
    line = _SPACE_BEFORE_PUNCT.sub(r"\1", line)
    line = re.sub(r"\]\s+\[", "][", line)
    return " ".join(line.split())


def best_quote(passage_text: str, claims: list[str]) -> str:
    """Pick the passage sentence sharing the most words with the sentences that cite it."""
    wanted = {w.lower() for claim in claims for w in _WORD.findall(MARKER.sub("", claim))}
    best, best_score = "", 0
    for sentence in split_sentences(passage_text):
        score = len(wanted & {w.lower() for w in _WORD.findall(sentence)})
        if score > best_score:
            best, best_score = sentence, score
    return best


def sentences_citing(text: str, shown: int) -> list[str]:
    """Return the sentences of a checked answer that carry marker [shown]."""
    marker = f"[{shown}]"
    return [s for line in text.splitlines() for s in split_sentences(line) if marker in s]
