"""Whether a new story from the story log matches a followed topic."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsbot.core.types import Answer, Citation
from newsbot.retrieval.question.spelling import read_question
from newsbot.retrieval.search.hybrid import Hit
from newsbot.retrieval.topics import LEARN_FROM, Lead, Story, Topic, clause, is_roundup
from newsbot.store.story_log import LoggedStory, StoryLog

if TYPE_CHECKING:
    from newsbot.retrieval.newsbot import Newsbot

log = logging.getLogger(__name__)

CANDIDATES = 4  # best-ranked new stories looked at, per alert a topic may give
COMMON_SHARE = 0.1  # a one-word topic in more of the store's articles names no story
COMMON_FROM = 200  # articles a store needs before a word's share of them says anything
NAME_SHARE = 0.2  # a name in more of the store's articles tells no story apart (outlets)
MEANING_CANDIDATES = 10  # stories read to say what a new follow will match


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


def learned_key(topic: str) -> str:
    """The form two spellings of a topic share (case and spacing aside), as follows keep it."""
    return " ".join(topic.casefold().split())


def read_topic(newsbot: Newsbot, topic: str) -> Topic:
    """The topic as alerts and timelines read it: respelled, its distinctive words found."""
    question = read_question(topic, newsbot.searcher) or topic
    return Topic(question, newsbot.searcher.terms, newsbot.extractive.question_terms)


def learned_story(newsbot: Newsbot, topic: str) -> Story | None:
    """What the topic's first alerts taught it, if it has had any."""
    data = StoryLog(newsbot.settings.data_dir).learned(learned_key(topic))
    return Story.from_json(data) if data else None


def quoted(hit: Hit, lead: Lead, reading: Topic) -> Answer:
    """An alert's text from the article's opening, where the composer found no answer."""
    meta = hit.chunk.metadata
    text = clause(lead, reading)
    source = Citation(
        n=1,
        title=lead.title,
        source=meta.get("source"),
        published_at=meta.get("published_at"),
        url=meta.get("url"),
        path=meta.get("path"),
        quote=text,
        article_id=hit.chunk.article_id,
    )
    return Answer(text=f"{text} [1]", citations=[source])


def teach(
    newsbot: Newsbot, reading: Topic, leads: Sequence[Lead], story: Story | None = None
) -> Story:
    """Teach a topic its story from its first matches, names common in the store left out."""
    view = newsbot.searcher.last_keyword
    names = reading.names_in(leads)
    common = {n for n, df in view.article_counts(names).items() if df > NAME_SHARE * view.articles}
    return reading.learn(story or Story(), leads, common)


def match(
    newsbot: Newsbot, topic: str, stories: Sequence[LoggedStory], most: int
) -> list[TopicMatch]:
    """Return the stories (up to `most`) about the topic's story, each with a cited answer.

    The topic is searched among the stories' lead articles alone; each of the best that is
    about the topic's story (retrieval/topics.py: round-ups never are, so they never use up
    `most`) matches, answered from on its own (or quoted from its opening where the composer
    finds no answer). The first matches teach the topic its story.
    """
    leads = {s.lead.article_id: s for s in stories}
    if not leads:
        return []
    reading = read_topic(newsbot, topic)
    story = learned_story(newsbot, topic)
    hits = newsbot.searcher.search(reading.text, k=CANDIDATES * most, among=list(leads))
    today = newsbot.today()
    found: list[TopicMatch] = []
    taught: list[Lead] = []
    for hit in hits:
        if len(found) >= most:
            break
        lead = Lead.of((hit.chunk, *hit.extra))
        if not reading.about(lead, story):
            continue
        answer = newsbot.composer.compose(reading.text, [hit], as_of=today)
        if answer.refused or hit.chunk.article_id not in {c.article_id for c in answer.citations}:
            # The story is about the topic (decided above): say so with its own opening.
            answer = quoted(hit, lead, reading)
        found.append(TopicMatch(leads[hit.chunk.article_id], answer))
        taught.append(lead)
    if taught and (story is None or story.matches < LEARN_FROM):
        taught.sort(key=lambda lead: lead.published or today)
        learned = teach(newsbot, reading, taught, story)
        StoryLog(newsbot.settings.data_dir).learn(learned_key(topic), learned.to_json())
    return found


@dataclass(frozen=True)
class Meaning:
    """What a new follow will match, said once when it is made."""

    words: list[str]
    example: Lead | None
    too_common: bool

    def line(self) -> str:
        """One line: the story its best match is about, else the words it needs."""
        if self.example is not None:
            when = self.example.published.isoformat() if self.example.published else ""
            title = self.example.title or "(untitled)"
            return f"stories like “{title}”" + (f" ({when})" if when else "")
        return "stories whose headline and opening name " + ", ".join(self.words)


def meaning(newsbot: Newsbot, topic: str) -> Meaning:
    """Say what a topic will match: its words and the stored story that best fits it."""
    reading = read_topic(newsbot, topic)
    shown = [w for w in topic.split() if reading.terms(w) and set(reading.terms(w)) & reading.own]
    view = newsbot.searcher.view()
    too_common = False
    if len(reading.words) == 1 and view.articles >= COMMON_FROM:
        [family] = reading.words
        held = max(view.article_counts(family).values(), default=0)
        too_common = held > COMMON_SHARE * view.articles
    example = None
    for hit in newsbot.searcher.search(reading.text, k=MEANING_CANDIDATES):
        lead = Lead.of((hit.chunk, *hit.extra))
        if reading.about(lead):
            example = lead
            break
    return Meaning(shown or topic.split(), example, too_common)


@dataclass(frozen=True)
class DigestOrder:
    """A digest's stories: those about the chat's followed topics first, round-ups apart."""

    followed: list[LoggedStory]
    """About a followed topic (by the alerts' test), best match first."""
    others: list[LoggedStory]
    """The best ranked of the rest, round-ups left out, while places remain."""
    mentioned: list[LoggedStory]
    """Round-ups (briefings, newsletters) whose headline or opening names a followed topic."""


def digest_order(
    newsbot: Newsbot, ranked: Sequence[LoggedStory], topics: Sequence[str], most: int
) -> DigestOrder:
    """Pick a digest's `most` stories from `ranked` for a chat that follows `topics`.

    Each topic is searched among the stories' lead articles, as alerts are; what is about
    its story comes first. A round-up never takes a place of its own: one that names a
    followed topic is listed as "mentioned in", since it may carry a paragraph on it.
    """
    by_id = {s.lead.article_id: s for s in ranked}
    view = newsbot.searcher.keyword
    leads: dict[str, Lead] = {}

    def lead_of(aid: str) -> Lead:
        if aid not in leads:
            leads[aid] = Lead.of(view.article_chunks(aid))
        return leads[aid]

    def roundup(aid: str) -> bool:
        lead = lead_of(aid)
        return is_roundup(lead.title, lead.opening)

    followed: list[str] = []
    mentioned: list[str] = []
    for topic in topics if by_id else ():
        reading = read_topic(newsbot, topic)
        story = learned_story(newsbot, topic)
        hits = newsbot.searcher.search(reading.text, k=CANDIDATES * most, among=list(by_id))
        for hit in hits:
            aid = hit.chunk.article_id
            if aid in followed or aid in mentioned:
                continue
            if roundup(aid):
                said = reading.said(lead_of(aid))
                if reading.words and all(family & said for family in reading.words):
                    mentioned.append(aid)
            elif reading.about(lead_of(aid), story):
                followed.append(aid)
    chosen = followed[:most]
    for logged in ranked:
        if len(chosen) >= most:
            break
        aid = logged.lead.article_id
        if aid not in chosen and aid not in mentioned and not roundup(aid):
            chosen.append(aid)
    return DigestOrder(
        followed=[by_id[aid] for aid in followed[:most]],
        others=[by_id[aid] for aid in chosen[len(followed[:most]) :]],
        mentioned=[by_id[aid] for aid in mentioned],
    )
