"""Check a model's answer sentence by sentence as it streams, and release only what stands.

A sentence that cites passages must be supported by them; one that cites none is checked
against every passage the model was shown and, when one supports it, gets that citation. The
text released is final: markers are numbered by first use among the kept sentences only.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsbot.core.sentences import split_sentences
from newsbot.core.types import Citation
from newsbot.retrieval.answer.citations import (
    MARKER,
    NOT_ANSWERED,
    MarkerRewriter,
    best_quote,
    sentences_citing,
    tidy,
)
from newsbot.retrieval.answer.claim_check import (
    Evidence,
    claim_text,
    remove_links,
    stems,
    verdict,
)
from newsbot.retrieval.answer.quotes import citation_for
from newsbot.retrieval.search.hybrid import Hit

_WORD = re.compile(r"\w")
# A marker, or the start of one still being written: not yet words of the next sentence.
_MARKER_OR_OPEN = re.compile(r"\[[^\]]*\]?")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


def passage_texts(hit: Hit) -> list[str]:
    """Return the pieces of an article the model is shown for one hit."""
    return [hit.chunk.text, *(c.text for c in hit.extra[:2])]


def evidence_for(hit: Hit) -> Evidence:
    """Read what the model was shown of an article (headline, text, date) for the checker."""
    text = "\n".join([hit.chunk.title, *passage_texts(hit)])
    return Evidence.of(text, hit.chunk.published_at)


def with_marker(sentence: str, number: int) -> str:
    """Put a [number] marker before the sentence's closing punctuation (or at its end)."""
    end = _SENTENCE_END.search(sentence)
    at = end.start() if end else len(sentence)
    return f"{sentence[:at].rstrip()} [{number}]{sentence[at:]}"


# "Based on the information provided in the passage, X." says where X comes from, which the
# citation says; small models open most sentences so. Only X is a claim.
_PREAMBLE = re.compile(
    r"^\s*(?:based on|according to|as (?:stated|mentioned|reported) in|from)\s+"
    r"(?:the\s+)?(?:(?:information|details)\s+)?(?:(?:provided|given)\s+)?(?:in\s+)?"
    r"(?:the\s+)?(?:passages?|articles?|texts?|context|sources?)\s*(?P<marks>(?:\[\d+\])*)\s*,\s*",
    re.IGNORECASE,
)


def without_preamble(sentence: str) -> str:
    """Take "Based on the passage," off a sentence; its marker, if any, moves to the end."""
    found = _PREAMBLE.match(sentence)
    if found is None or not _WORD.search(sentence[found.end() :]):
        return sentence
    rest = sentence[found.end() :]
    rest = rest[:1].upper() + rest[1:]
    return tidy(f"{rest} {found['marks']}") if found["marks"] else rest


def has_words(text: str) -> bool:
    """Say whether text holds a word outside its markers (or a marker still being written)."""
    return bool(_WORD.search(_MARKER_OR_OPEN.sub(" ", text)))


@dataclass(frozen=True)
class Outcome:
    """What the gate made of a whole answer."""

    text: str | None  # None when no sentence stands
    citations: list[Citation]
    generated: int  # sentences the model wrote
    dropped: list[tuple[str, str]]  # (sentence, why)
    uncited_dropped: int  # of those, sentences that cited nothing and no passage supports
    attributed: int  # uncited sentences kept with the citation of the passage that supports them
    links_removed: int
    not_answered: bool  # the model said (in an uncited sentence) the passages do not answer


class SentenceGate:
    """Take a model's text as it streams; give back each sentence once it passed the check."""

    def __init__(self, hits: Sequence[Hit]):
        self.hits = hits
        self.buffer = ""
        self.renumber = MarkerRewriter(len(hits))  # over kept sentences only
        self.lines: list[list[str]] = [[]]
        self.released = False
        self.generated = 0
        self.dropped: list[tuple[str, str]] = []
        self.uncited_dropped = 0
        self.attributed = 0
        self.links_removed = 0
        self.not_answered = False
        self._evidence: dict[int, Evidence] = {}
        self._urls = [str(h.chunk.metadata.get("url") or "") for h in hits]

    def feed(self, text: str) -> str:
        """Add what the model wrote; return the checked text of the sentences it completed."""
        self.buffer += text
        out = []
        while "\n" in self.buffer:
            line, self.buffer = self.buffer.split("\n", 1)
            out += [self._judge(s) for s in split_sentences(self._canonical(line))]
            if self.lines[-1]:
                self.lines.append([])
        pieces = split_sentences(self._canonical(self.buffer))
        # The last piece may still grow; the one before it is complete only once the last
        # holds words (a marker written after a full stop belongs to the sentence before it).
        if len(pieces) >= 2 and not has_words(pieces[-1]):
            pieces[-2:] = [f"{pieces[-2]} {pieces[-1]}"]
        if len(pieces) >= 2:
            out += [self._judge(s) for s in pieces[:-1]]
            trailing = " " if self.buffer[-1:].isspace() else ""
            self.buffer = pieces[-1] + trailing
        return "".join(out)

    def flush(self) -> str:
        """The model has finished: judge what is left."""
        rest, self.buffer = self.buffer, ""
        return "".join(self._judge(s) for s in split_sentences(self._canonical(rest)))

    def _canonical(self, text: str) -> str:
        """Write markers as [k] (prompt numbers), and those naming no passage as [0]; tidy."""

        def valid(match: re.Match[str]) -> str:
            numbers = dict.fromkeys(int(n) for n in re.findall(r"\d+", match[1]))
            return "".join(f"[{n if 1 <= n <= len(self.hits) else 0}]" for n in numbers)

        return tidy(MARKER.sub(valid, text))

    def evidence(self, number: int) -> Evidence:
        """Read passage `number` (as in the prompt) once."""
        if number not in self._evidence:
            self._evidence[number] = evidence_for(self.hits[number - 1])
        return self._evidence[number]

    def _judge(self, sentence: str) -> str:
        """Check one sentence; return it (with its separator) if it stands, else ''."""
        if not has_words(sentence):
            return ""
        self.generated += 1
        sentence = without_preamble(sentence)
        markers = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
        cited = [n for n in markers if n]
        if markers and not cited:
            # A source that does not exist is an invented one: no other passage is tried.
            self.uncited_dropped += 1
            self.dropped.append((sentence, "it cites no passage that exists"))
            self._strip_links(sentence, [])
            return ""
        if cited:
            found = functools.reduce(operator.or_, (self.evidence(n) for n in cited))
            judged = verdict(sentence, found)
            if not judged.supported:
                self.dropped.append((sentence, judged.reason))
                self._strip_links(sentence, [])  # its links count as removed too
                return ""
        else:
            number = self._supporting_passage(sentence)
            if number is None:
                self.uncited_dropped += 1
                self._strip_links(sentence, [])
                return ""
            self.attributed += 1
            sentence = with_marker(sentence, number)
            cited = [number]
        sentence = self._strip_links(sentence, cited)
        shown = self.renumber.feed(sentence) + self.renumber.flush()
        separator = ("\n" if not self.lines[-1] else " ") if self.released else ""
        self.lines[-1].append(shown)
        self.released = True
        return separator + shown

    def _supporting_passage(self, sentence: str) -> int | None:
        """The passage that supports an uncited sentence best, if any does."""
        if NOT_ANSWERED.search(sentence):
            # "The passages do not say ..." is about the passages, not the news.
            self.not_answered = True
            self.dropped.append((sentence, "it says the passages do not answer"))
            return None
        if not stems(claim_text(sentence)):
            # Nothing to compare ("And then"): it would match any passage.
            self.dropped.append((sentence, "it says nothing a passage could support"))
            return None
        best: tuple[float, int] | None = None
        for number in range(1, len(self.hits) + 1):
            judged = verdict(sentence, self.evidence(number))
            if judged.supported and (best is None or judged.overlap > best[0]):
                best = (judged.overlap, number)
        if best is None:
            self.dropped.append((sentence, "no passage supports it"))
            return None
        return best[1]

    def _strip_links(self, sentence: str, cited: list[int]) -> str:
        """Remove links other than the cited articles' own, counting them."""
        sentence, removed = remove_links(sentence, [self._urls[n - 1] for n in cited])
        self.links_removed += removed
        return tidy(sentence)

    def outcome(self) -> Outcome:
        """Everything kept, its sources (in order of first use) and what was left out."""
        text = "\n".join(" ".join(line) for line in self.lines if line) or None
        citations = []
        for shown, number in enumerate(self.renumber.cited, start=1):
            hit = self.hits[number - 1]
            passage = "\n".join([hit.chunk.text, *(c.text for c in hit.extra)])
            quote = best_quote(passage, sentences_citing(text or "", shown))
            citations.append(citation_for(shown, hit.chunk, quote))
        return Outcome(
            text,
            citations,
            self.generated,
            self.dropped,
            self.uncited_dropped,
            self.attributed,
            self.links_removed,
            self.not_answered,
        )
