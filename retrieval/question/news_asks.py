"""Questions asked of the news itself: the latest on a topic, and who wrote, ran or dated a story.

These are answered from the stories' dates and metadata (author, source, published_at), not
from a sentence that states the fact, so they are read apart from the answer kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsbot.retrieval.question.date_windows import without_dates

LATEST = "latest"
AUTHOR = "author"
OUTLET = "outlet"
PUBLISHED = "published"


@dataclass(frozen=True)
class NewsAsk:
    """A question about the news itself: which of the four it is, and about what."""

    kind: str
    """LATEST (the newest story on the topic), AUTHOR, OUTLET or PUBLISHED (its metadata)."""
    topic: str
    """The words that name what it is about; "" when it points at the story just discussed."""
    credited: bool = False
    """It may mean whoever broke the news a story reports ("which paper reported it?")."""


# What people call a news story. A corpus may lack these words, so respelling must keep them.
STORY_WORDS = frozenset(
    (
        *("article", "articles", "story", "stories", "piece", "column", "feature", "coverage"),
        *("news", "headline", "headlines", "byline", "reporter", "outlet", "newspaper"),
    )
)
# ... and how they point at one ("the article", "the Kittiwake story", "it").
_STORY = (
    r"(?:news\s+)?(?:article|story|stories|piece|news\s+item|column|feature"
    r"|coverage|write-?up|news|headline)"
)
_POINTER = rf"(?:it|this|that|(?:the|this|that|an?|your)\s+(?:\w+\s+){{0,4}}?{_STORY})"
_PREFIX = r"^(?:(?:so|and|ok|okay|hey|hi|please|now|then)\W+)*"
_ABOUT = r"(?:on|about|with|from|regarding|concerning|for|in|re|at|over|around)"
_FRESH = r"(?:latest|newest|most\s+recent|recent|last)"
_NEWS = r"(?:news|updates?|stories|story|developments?|reports?|word|headlines?|info|information)"

_LATEST = [
    # "What's the latest on X", "Any news about X", "What's new with X", "Updates on X?"
    re.compile(
        _PREFIX + r"(?:(?:what(?:'s|’s|\s+is|\s+are|\s+was)|tell\s+me|give\s+me|show\s+me"
        r"|have\s+you\s+got|do\s+you\s+have|got|is\s+there|are\s+there|anything)\s+)?"
        rf"(?:(?:the|any|some)\s+)?(?:{_FRESH}(?:\s+{_NEWS})?|{_NEWS}|new|happening"
        rf"|going\s+on)\s+{_ABOUT}\s+(?P<topic>.+)$",
        re.IGNORECASE,
    ),
    # "What's the latest ferry news?", "Latest Harbor City updates"
    re.compile(
        _PREFIX + rf"(?:what(?:'s|’s|\s+is|\s+are)\s+)?(?:the\s+)?{_FRESH}\s+(?P<topic>.+?)\s+"
        rf"{_NEWS}$",
        re.IGNORECASE,
    ),
]
_AUTHOR = [
    # "Who wrote the article about X", "Who reported it", "Who covered the X story"
    re.compile(
        r"\bwho\s+(?:has\s+|had\s+)?(?:wrote|writes|written|authored|penned|filed"
        r"|(?P<reported>reported|first\s+reported|broke)|covered|bylined)\s+(?P<rest>.+)$",
        re.IGNORECASE,
    ),
    # "Who is the author of the article on X" (not "of the book")
    re.compile(
        r"\bwho(?:'s|’s|\s+is|\s+was)\s+the\s+(?:author|writer|reporter|journalist"
        r"|correspondent)s?\s+(?:of|behind|for|on)\s+(?P<rest>.+)$",
        re.IGNORECASE,
    ),
    # "Which reporter covered X": a reporter covers news, whatever X is
    re.compile(
        r"\b(?:which|what)\s+(?:reporter|journalist|correspondent|writer)s?\s+(?:wrote|reported"
        r"|covered|filed)\s+(?:(?:on|about)\s+)?(?P<topic>.+)$",
        re.IGNORECASE,
    ),
    # "Whose byline is on it", "Who is it by", "Who was the story by"
    re.compile(
        rf"\b(?:whose\s+byline\s+(?:is\s+)?(?:on\s+)?(?P<rest>.+)$"
        rf"|who\s+(?:is|was)\s+(?P<pointer>{_POINTER})\s+by\b)",
        re.IGNORECASE,
    ),
]
_OUTLET = [
    # "Which paper reported X", "What outlet ran the story on X"
    re.compile(
        r"\b(?:which|what)\s+(?:news\s*paper|paper|outlet|news\s+outlet|site|website|web\s+site"
        r"|news\s+site|publication|news\s+agency|agency|wire|magazine|media\s+outlet"
        r"|broadcaster|newsroom)s?\s+(?:first\s+)?(?:reported|published|ran|carried|broke"
        r"|covered|printed|posted|wrote|had|has)\s+(?P<topic>.+)$",
        re.IGNORECASE,
    ),
    # "Which paper is it from", "What publication was the story in"
    re.compile(
        r"\b(?:which|what)\s+(?:news\s*paper|paper|outlet|site|website|publication|source)\s+"
        rf"(?:is|was|did)\s+(?P<pointer>{_POINTER})\s+(?:from|in|on|come\s+from|run\s+in|appear"
        r"\s+in)\b",
        re.IGNORECASE,
    ),
    # "Who published the article about X", "Where was it published", "What's the source?"
    re.compile(
        rf"\b(?:who\s+(?:published|ran|printed|carried)\s+(?P<rest>.+)$"
        rf"|where\s+(?:was|were|is|did)\s+(?P<pointer>{_POINTER})\s+(?:published|reported|run"
        rf"|printed|from|appear|come\s+from)\b(?P<after>.*)$"
        rf"|what(?:'s|’s|\s+is|\s+was)\s+the\s+source(?:\s+(?:of|for)\s+(?P<source_of>.+))?$)",
        re.IGNORECASE,
    ),
]
_PUBLISHED = [
    # "When was the article about X published", "When was it published", "When did it run"
    re.compile(
        rf"\b(?:when|what\s+(?:date|day))\s+(?:was|were|did|is)\s+(?P<pointer>{_POINTER}"
        rf"(?:\s+{_ABOUT}\s+.+?)?|.+?\s+{_STORY})\s+(?:published|posted|written|printed|dated"
        r"|come\s+out|came\s+out|run|appear|go\s+up|put\s+out|from)\b(?P<after>.*)$",
        re.IGNORECASE,
    ),
    # "What is the date of the article on X", "the publication date of the X story"
    re.compile(
        r"\b(?:publication|publishing|published|release)\s+date\s+(?:of|for|on)\s+(?P<rest>.+)$"
        rf"|\bwhat(?:'s|’s|\s+is|\s+was)\s+the\s+date\s+(?:of|on)\s+(?P<pointer>{_POINTER}.*)$",
        re.IGNORECASE,
    ),
]
# Words that point at a story or ask about it, not the story's topic.
_POINTING = re.compile(
    rf"\b(?:{_STORY}|it|this|that|the|an?|your|its|s)\b|^\s*{_ABOUT}\b|\b{_ABOUT}\s*$",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"[\s?.!,;:]+$")


def _story_words(text: str) -> bool:
    """Say whether text points at a story ("it", "the article about ...", "the X story")."""
    return bool(re.match(rf"^\s*(?:{_POINTER}|{_ABOUT}\b)", text, re.IGNORECASE)) or bool(
        re.search(rf"\b{_STORY}\b", text, re.IGNORECASE)
    )


def _topic(text: str) -> str:
    """What a piece of the question names, without the words that point at a story."""
    text = without_dates(text)
    while True:
        stripped = " ".join(_POINTING.sub(" ", text).split())
        if stripped == text:
            return text
        text = stripped


def news_ask(question: str) -> NewsAsk | None:
    """Read a question about the news itself, or None when it asks about what the news says.

    "Who wrote ..." and "who reported ..." ask for an author only when they point at a story
    ("who wrote it", "who wrote the article about X"): "who wrote the song" asks what the
    news says. "When was it published" likewise needs a story to point at.
    """
    asked = _TRAILING.sub("", " ".join(question.split()))
    for pattern in _LATEST:
        if m := pattern.search(asked):
            topic = _topic(m["topic"])
            return NewsAsk(LATEST, topic) if topic else None
    for kind, patterns in ((AUTHOR, _AUTHOR), (OUTLET, _OUTLET), (PUBLISHED, _PUBLISHED)):
        for pattern in patterns:
            m = pattern.search(asked)
            if m is None:
                continue
            found = {k: v for k, v in m.groupdict().items() if v}
            rest = found.get("rest", "")
            # A verb's object names a story only when it points at one ("the X story", "it").
            if rest and not _story_words(rest):
                continue
            credited = kind == OUTLET or "reported" in found
            if "topic" in found:
                return NewsAsk(kind, _topic(found["topic"]), credited)
            named = " ".join(found.get(k, "") for k in ("rest", "pointer", "after", "source_of"))
            return NewsAsk(kind, _topic(named), credited)
    return None
