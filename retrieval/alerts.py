"""Whether a new story from the story log matches a followed topic."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsbot.core.types import Answer
from newsbot.retrieval.question.spelling import read_question
from newsbot.retrieval.search.hybrid import Hit
from newsbot.store.story_log import LoggedStory

if TYPE_CHECKING:
    from newsbot.retrieval.newsbot import Newsbot

log = logging.getLogger(__name__)

CANDIDATES = 2  # best-ranked new stories answered from, per alert a topic may give
LEAD_SHARE = 0.5  # of a topic's words that an article's headline and opening must hold


def ready_position(newsbot: Newsbot) -> int:
    """How far into the feed this process can search: the keyword index and dense vectors."""
    ready = newsbot.searcher.view().cursor
    if newsbot.store.embedded:
        # An embedded process sees other processes' vectors only as far as it has them.
        ready = min(ready, newsbot.store.vectors_at)
    return ready


@dataclass(frozen=True)
class TopicMatch:
    """A new story that answers a followed topic: the cited answer says how."""

    story: LoggedStory
    answer: Answer


def leads_with(words: set[str], hit: Hit, terms: Callable[[str], list[str]]) -> bool:
    """Whether the article's headline and opening hold at least LEAD_SHARE of the words.

    News says what it is about in its headline and first paragraphs; an article that only
    mentions the topic further down (a round-up's item, an aside) is not news of it.
    """
    if not words:
        return False
    first = min((hit.chunk, *hit.extra), key=lambda c: c.position)
    opening = set(terms(hit.chunk.title)) | (
        set(terms(first.text)) if first.position == 0 else set()
    )
    return len(words & opening) >= LEAD_SHARE * len(words)


def match(
    newsbot: Newsbot, topic: str, stories: Sequence[LoggedStory], most: int
) -> list[TopicMatch]:
    """Return the stories (up to `most`) that answer the topic as a question would be answered.

    The topic is searched among the stories' lead articles alone, with the search answers
    use; each of the best is then answered from on its own, and matches only when the
    composer does not refuse and cites it, and the article leads with the topic.
    """
    leads = {s.lead.article_id: s for s in stories}
    if not leads:
        return []
    question = read_question(topic, newsbot.searcher) or topic
    terms = newsbot.searcher.terms
    words = set(terms(question)) - newsbot.extractive.question_terms
    hits = newsbot.searcher.search(question, k=CANDIDATES * most, among=list(leads))
    today = newsbot.today()
    found: list[TopicMatch] = []
    for hit in hits:
        if len(found) >= most:
            break
        if not leads_with(words, hit, terms):
            continue
        answer = newsbot.composer.compose(question, [hit], as_of=today)
        if answer.refused or hit.chunk.article_id not in {c.article_id for c in answer.citations}:
            continue
        found.append(TopicMatch(leads[hit.chunk.article_id], answer))
    return found
