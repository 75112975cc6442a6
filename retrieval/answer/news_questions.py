"""Answer questions about the news itself: the latest on a topic, and an article's metadata.

"What's the latest on X" gets the newest story about X (dated, its headline and the first
sentence that names X), older ones as context; "who wrote", "which paper reported" and "when
was it published" get the author, outlet and date the stories carry. Every line is cited.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from urllib.parse import urlparse

from newsbot.core.types import Answer, Chunk, Citation, Copy, Turn
from newsbot.retrieval.answer.params import ComposeParams
from newsbot.retrieval.answer.quotes import citation_for, shorten
from newsbot.retrieval.question.news_asks import AUTHOR, LATEST, OUTLET, NewsAsk, news_ask
from newsbot.retrieval.search.hybrid import Hit


class Reader(Protocol):
    """What answering needs of the composer's scorer: its words, sentences, rarity, limits."""

    @property
    def terms(self) -> Callable[[str], list[str]]: ...
    @property
    def split(self) -> Callable[[str], list[str]]: ...
    @property
    def idf(self) -> Callable[[str], float]: ...
    @property
    def params(self) -> ComposeParams: ...
    @property
    def question_terms(self) -> set[str]: ...


@dataclass(frozen=True)
class _Story:
    """A retrieved story about the topic, and its sentence that names the topic."""

    hit: Hit
    mention: str
    """Its first sentence that names the topic, or its headline when no sentence does."""
    mention_chunk: Chunk
    share: float
    """How much of the topic's rarity the story holds (1.0: every word of it)."""

    @property
    def chunk(self) -> Chunk:
        return self.hit.chunk

    @property
    def day(self) -> date | None:
        return self.hit.chunk.published_at


# Most stories one answer lists.
_MOST_STORIES = 3
# Words an outlet's name ends in, or is ("the Wall Street Journal", "Reuters").
_OUTLET_WORDS = (
    "Journal|Times|Post|News|Press|Herald|Tribune|Guardian|Telegraph|Gazette|Observer|"
    "Chronicle|Courier|Mail|Sun|Star|Globe|Independent|Economist|Insider|Magazine|Reuters|"
    "Bloomberg|Axios|Politico|CNN|BBC|NBC|CBS|ABC|NPR|AFP|AP|Fox"
)
_NAME = rf"(?:[A-Z][\w&'’.-]*\s+){{0,4}}(?:{_OUTLET_WORDS})\b"
# A sentence that credits another outlet with a report ("the Journal reported that ...").
_CREDIT = re.compile(
    rf"(?P<before>{_NAME})\s+(?:first\s+|previously\s+|also\s+|earlier\s+|had\s+)?"
    r"(?:reported|reports|revealed|broke the news|obtained)\b"
    r"|\b(?:according to|reported by|first reported by|as reported by|cited by|told)\s+"
    rf"(?:the\s+)?(?P<after>{_NAME})"
)


def news_answer(
    question: str,
    hits: Sequence[Hit],
    history: Sequence[Turn],
    as_of: date | None,
    reader: Reader,
) -> Answer | None:
    """Answer a question about the news itself from the hits, or None when it is not one.

    None too when no hit is about the topic it names, or, for "who wrote it", when no earlier
    turn cited a story: the composer then answers (or refuses) as for any question.
    """
    asked = news_ask(question)
    if asked is None:
        return None
    # The search keeps to stories out by as_of; a caller's own hits may not.
    hits = [h for h in hits if not (as_of and (h.chunk.published_at or as_of) > as_of)]
    if asked.topic:
        stories = _about(asked.topic, hits, reader)
    else:
        stories = _discussed(hits, history, reader)
    if not stories:
        return None
    if asked.kind == LATEST:
        return _latest(stories, asked.topic, reader)
    return _from_metadata(asked, stories, history, reader)


def _sentences(hit: Hit, reader: Reader) -> list[tuple[str, Chunk]]:
    """A story's sentences in order, from all the chunks the hit carries."""
    chunks = sorted((hit.chunk, *hit.extra), key=lambda c: c.position)
    return [(s, chunk) for chunk in chunks for s in reader.split(chunk.text)]


def _weights(topic: str, reader: Reader) -> dict[str, float]:
    """The topic's words, each weighted by its rarity, names and numbers in full.

    As the composer's support test: an article that lacks a topic's rare names is about
    something else; a plain word may be said otherwise, so it counts less.
    """
    anchors = {
        t
        for w in topic.split()
        if w[:1].isupper() or any(c.isdigit() for c in w)
        for t in reader.terms(w)
    }
    plain = reader.params.plain_word_weight
    words = set(reader.terms(topic)) - reader.question_terms
    return {t: reader.idf(t) * (1.0 if t in anchors else plain) for t in words}


def _share(weight: dict[str, float], text: str, reader: Reader) -> float:
    total = math.fsum(weight.values())
    have = set(reader.terms(text)) & weight.keys()
    return math.fsum(weight[t] for t in have) / total if total else 0.0


def _about(topic: str, hits: Sequence[Hit], reader: Reader) -> list[_Story]:
    """The hits about the topic, best first, each with the sentence that names it.

    As the composer's support test, a story must hold most of the topic's rarity; and, more
    strictly, one sentence (or the headline) must hold at least half of it, so that a story
    that only mentions the topic's words here and there does not count.
    """
    weight = _weights(topic, reader)
    bar = reader.params.min_support
    stories = []
    for hit in hits:
        sentences = _sentences(hit, reader)
        whole = " ".join([hit.chunk.title, *(s for s, _ in sentences)])
        share = _share(weight, whole, reader)
        if share < bar:
            continue
        shares = [_share(weight, s, reader) for s, _ in sentences]
        title_share = _share(weight, hit.chunk.title, reader)
        if max([title_share, *shares]) < bar / 2:
            continue
        # The first sentence that names the topic fully enough, else the one that names most.
        named = [i for i, x in enumerate(shares) if x >= min(bar, max(shares, default=0.0))]
        if named and shares[named[0]] > 0:
            sentence, chunk = sentences[named[0]]
            stories.append(_Story(hit, sentence, chunk, share))
        else:
            stories.append(_Story(hit, hit.chunk.title, hit.chunk, share))
    return stories


def _discussed(hits: Sequence[Hit], history: Sequence[Turn], reader: Reader) -> list[_Story]:
    """The story the last answer cited first, when "it" or "the article" points at it."""
    if not (history and history[-1].articles):
        return []
    first = history[-1].articles[0]
    for hit in hits:
        if hit.chunk.article_id == first:
            sentences = _sentences(hit, reader)
            opening, chunk = sentences[0] if sentences else (hit.chunk.title, hit.chunk)
            return [_Story(hit, opening, chunk, 1.0)]
    return []


def _when(story: _Story, earlier: bool = False) -> str:
    """When a story ran, as an answer's line begins: "On 2025-09-14", or "Undated"."""
    if story.day is None:
        return "Earlier, undated" if earlier else "Undated"
    return f"{'Earlier, on' if earlier else 'On'} {story.day.isoformat()}"


def _outlet(chunk: Chunk) -> str | None:
    """Where a story ran: its publication, else its site."""
    meta = chunk.metadata
    if meta.get("source"):
        return str(meta["source"])
    host = urlparse(str(meta.get("url") or "")).hostname
    return host.removeprefix("www.") if host else None


def _cut(sentence: str, weight: dict[str, float], limit: int, reader: Reader) -> str:
    """The sentence, cut to `limit` words around the topic's words."""

    def focus(word: str) -> bool:
        return bool(set(reader.terms(word)) & weight.keys())

    return shorten(sentence, focus, limit)


class _Lines:
    """Answer lines, each citing one story, numbered in the order first cited."""

    def __init__(self, budget: int):
        self.budget = budget
        self.parts: list[str] = []
        self.citations: list[Citation] = []
        self.numbers: dict[str, int] = {}

    def words_left(self) -> int:
        return self.budget - sum(len(p.split()) for p in self.parts)

    def add(self, text: str, chunk: Chunk, quote: str) -> bool:
        """Add a line citing the chunk's story, if it fits; say whether it did."""
        if len(text.split()) > self.words_left():
            return False
        aid = chunk.article_id
        if aid not in self.numbers:
            self.numbers[aid] = len(self.numbers) + 1
            self.citations.append(citation_for(self.numbers[aid], chunk, quote))
        self.parts.append(text.replace("[n]", f"[{self.numbers[aid]}]"))
        return True

    def answer(self) -> Answer:
        return Answer(text=" ".join(self.parts), citations=self.citations, refused=False)


def _latest(stories: Sequence[_Story], topic: str, reader: Reader) -> Answer:
    """The newest story on the topic, dated, headline and what it reports; older ones after.

    The newest comes first: undated stories count as oldest, and stories of one day keep
    the search's order.
    """
    p = reader.params
    dated = sorted(stories, key=lambda s: s.day or date.min, reverse=True)
    newest, older = dated[0], dated[1:]
    lines = _Lines(p.max_words)
    outlet = _outlet(newest.chunk)
    title = newest.chunk.title
    said = f"{_when(newest)}, {outlet} reported" if outlet else _when(newest)
    head = f"{said}: “{title}”." if title else f"{said}:"
    # Room for the headline of one older story, so that the newest is seen as the newest.
    reserve = min(len(older[0].chunk.title.split()) + 4, 20) if older else 0
    room = min(p.sentence_words, p.max_words - len(head.split()) - reserve - 2)
    if newest.mention != title and room >= p.min_words:
        body = _cut(newest.mention, _weights(topic, reader), room, reader)
        lines.add(f"{head} {body} [n]", newest.mention_chunk, newest.mention)
    else:
        lines.add(f"{head} [n]", newest.chunk, title)
    for story in older[: _MOST_STORIES - 1]:
        line = f"{_when(story, earlier=True)}: “{story.chunk.title}” [n]."
        if not lines.add(line, story.chunk, story.chunk.title):
            break
    return lines.answer()


def _from_metadata(
    asked: NewsAsk, stories: Sequence[_Story], history: Sequence[Turn], reader: Reader
) -> Answer:
    """Name the author, outlet or day of each story that matches best, best ranked first."""
    lines = _Lines(reader.params.max_words)
    best = stories[0].share
    for story in [s for s in stories if s.share >= best][:_MOST_STORIES]:
        credit = _credited(asked, story, history, reader)
        if credit:
            name, sentence = credit
            room = min(reader.params.sentence_words, lines.words_left() - len(name.split()) - 3)
            line, quote = f"{name}: {_around(sentence, name, room)} [n]", sentence
        else:
            line, quote = _metadata_line(asked.kind, story), story.chunk.title
        if not lines.add(line, story.chunk, quote):
            break
    return lines.answer()


def _metadata_line(kind: str, story: _Story) -> str:
    """One story's author, outlet or day, the fact asked for first, "[n]" for its citation."""
    title = story.chunk.title or "(untitled)"
    outlet = _outlet(story.chunk)
    day = story.day.isoformat() if story.day else ""
    if kind == AUTHOR:
        author = story.chunk.metadata.get("author")
        where = ", ".join(filter(None, [outlet, day]))
        where = f" ({where})" if where else ""
        if author:
            return f"{author} wrote “{title}”{where} [n]."
        return f"“{title}”{where} names no author [n]."
    if kind == OUTLET:
        return _ran_in(outlet, title, story)
    if day:
        return f"On {day}, {outlet or 'it'} published “{title}” [n]."
    return f"“{title}” ({outlet or 'no outlet named'}) carries no date [n]."


def _around(sentence: str, name: str, limit: int) -> str:
    """The sentence, cut to `limit` words around a name it holds."""
    named = set(name.split())
    return shorten(sentence, lambda w: w.strip(".,;:'’") in named, limit)


def _ran_in(outlet: str | None, title: str, story: _Story) -> str:
    """Say where a story ran, and where its copies ran too."""
    day = f" on {story.day.isoformat()}" if story.day else ""
    said = f"{outlet} ran “{title}”{day} [n]." if outlet else f"“{title}”{day} names no outlet [n]."
    also = Copy.listed(story.chunk.metadata.get("also"))
    others = [c.outlet for c in also if c.outlet and c.outlet != outlet]
    if others:
        said += f" It also ran in {', '.join(dict.fromkeys(others))}."
    return said


def _credited(
    asked: NewsAsk, story: _Story, history: Sequence[Turn], reader: Reader
) -> tuple[str, str] | None:
    """The outlet a story credits with the report, and the sentence that does, if any.

    "Which newspaper reported it?" after a claim asks who broke the claim: a story that says
    "the Wall Street Journal reported that ..." answers with that outlet, not its own name.
    The credit nearest the topic (or the last question, when "it" is the topic) counts.
    """
    if not asked.credited:
        return None
    about = asked.topic or (history[-1].question if history else "")
    weight = _weights(about, reader)
    best: tuple[float, str, str] | None = None
    for sentence, _ in _sentences(story.hit, reader):
        m = _CREDIT.search(sentence)
        near = _share(weight, sentence, reader)
        # A credit that shares no word with what was asked credits something else.
        if m is None or near == 0.0:
            continue
        if best is None or near > best[0]:
            best = (near, " ".join((m["before"] or m["after"]).split()), sentence)
    return (best[1], best[2]) if best else None
