"""How a story developed: the articles on a topic, oldest first, one cited step each.

The steps are the stories alerts would match (retrieval/topics.py), found among the whole
store, photo galleries left out; each is dated by its text where the opening says when ("on
Tuesday", "June 3") unless that day is before news already published (then it is the story's
backdrop), else by its publication day, and quotes the opening's first clause on the topic.
A first step standing alone long before the story ran is an earlier event and is dropped; a
step giving a figure an earlier day's step gave differently is marked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from newsbot.core.calendar import MONTHS, WEEKDAYS
from newsbot.core.date_window import DateWindow
from newsbot.core.sentences import split_sentences
from newsbot.core.types import Answer, Citation
from newsbot.retrieval.alerts import learned_story, read_topic, teach
from newsbot.retrieval.answer.revisions import reported, revised_in_story
from newsbot.retrieval.topics import Lead, clause

if TYPE_CHECKING:
    from newsbot.retrieval.newsbot import Newsbot

SEARCHED = 60  # stories read per timeline: enough for a story covered for weeks
IN_CHAT = 8  # steps a chat answer shows
TEXT_DAYS = 10  # a day the text names further back than this is not the day it reports
WEEKDAY_BACK = 5  # days back a named weekday may lie
ISOLATED_DAYS = 45  # a first step this long before the next one is an earlier event ...
LATER_STEPS = 3  # ... when the story ran at least this many steps after it
SENTENCES_DATED = 3  # of the opening: where news says when what it reports happened
REVISED_WITHIN_DAYS = 30  # a figure months older measured another state, not one revised
AHEAD = re.compile(  # lower case: "May 12" is a day
    r"\b(?:will|next|upcoming|scheduled|expected|set to|plans? to|could|may|would|coverage"
    r"|ends|begins|starts|opens|closes)\b",
)
WEEKDAY_SAID = re.compile(r"\b(?:on|late|early|last)\s+(" + "|".join(WEEKDAYS) + r")\b", re.I)
MONTH_DAY = re.compile(r"\b(" + "|".join(MONTHS) + r")\.?\s+(\d{1,2})\b", re.I)
ASKED = re.compile(
    r"^\s*(?:so\s+)?(?:what(?:'s| has| have)?\s+happened\s+(?:with|to|in|on|about)"
    r"|(?:give me |show me )?(?:a |the )?timeline (?:of|for|on))\s+(?P<topic>.+?)\s*\??\s*$",
    re.I,
)


@dataclass(frozen=True)
class TimelineStep:
    """One development of a story: when, what (a quoted clause) and where it ran."""

    date: str
    dated_from: str  # "text" or "published"
    text: str
    title: str
    url: str | None
    source: str | None
    also: tuple[str, ...]
    article_id: str
    path: str | None = None
    published_at: str | None = None
    revised: str = ""
    """A figure an earlier step gave differently: "23 people, up from 14 people (step 1)"."""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "date": self.date,
            "text": self.text,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "also": list(self.also),
        }
        if self.revised:
            data["revised"] = self.revised
        return data


def day_said(opening: str, published: date) -> tuple[date, str]:
    """The day the opening reports (a weekday or month-day near publication), else publication.

    Only a sentence that reports (no "will", "next", "scheduled" ...) dates the step: news
    names the days of what is coming too.
    """
    for sentence in split_sentences(opening)[:SENTENCES_DATED]:
        said = WEEKDAY_SAID.search(sentence)
        if said and not AHEAD.search(sentence[: said.end()]):
            wanted = WEEKDAYS.index(said.group(1).lower())
            back = (published.weekday() - wanted) % 7
            if back <= WEEKDAY_BACK:  # "Tuesday" in Monday's paper: a later edit, not last week
                return published - timedelta(days=back), "text"
        for named_day in MONTH_DAY.finditer(sentence):
            month, day = named_day.groups()
            if AHEAD.search(sentence[: named_day.end()]):
                continue
            try:
                named = date(published.year, MONTHS[month.lower()], int(day))
            except ValueError:
                continue
            if named <= published and (published - named).days <= TEXT_DAYS:
                return named, "text"
    return published, "published"


def build_timeline(
    newsbot: Newsbot,
    words: str,
    as_of: date | None = None,
    since: date | None = None,
    most: int = SEARCHED,
) -> list[TimelineStep]:
    """The stories on a topic published in the window, oldest first, one step each."""
    reading = read_topic(newsbot, words)
    window = DateWindow(as_of=as_of, start=since)
    hits = newsbot.searcher.search(reading.text, window=window, k=most)
    found = []
    for hit in hits:
        lead = Lead.of((hit.chunk, *hit.extra))
        day = lead.published
        if not ((as_of and day and day > as_of) or (since and (day is None or day < since))):
            found.append((hit, lead))
    story = learned_story(newsbot, words)
    if story is None:
        # Not followed yet: the earliest strict matches teach the story, as first alerts do.
        strict = sorted((lead for _, lead in found if reading.about(lead)), key=by_day)
        story = teach(newsbot, reading, strict) if strict else None
    if story is not None:
        # A timeline spans the story however long it ran: its names, not when it began.
        story = story.undated()
    # The relevance test leaves out photo galleries: they show the story, no step of it.
    kept = [(hit, lead) for hit, lead in found if reading.about(lead, story)]
    copies = newsbot.store.stories([h.chunk.article_id for h, _ in kept]) if kept else {}
    steps = []
    for hit, lead in kept:
        meta = hit.chunk.metadata
        published = lead.published
        happened, how = day_said(lead.opening, published) if published else (None, "published")
        source = str(meta.get("source") or "") or None
        grouped = copies.get(hit.chunk.article_id)
        others = grouped.others(hit.chunk.article_id) if grouped else ()
        also = tuple(dict.fromkeys(c.source or c.title for c in others if c.source != source))
        steps.append(
            TimelineStep(
                date=happened.isoformat() if happened else "",
                dated_from=how,
                text=clause(lead, reading),
                title=lead.title,
                url=str(meta.get("url") or "") or None,
                source=source,
                also=also,
                article_id=hit.chunk.article_id,
                path=str(meta.get("path") or "") or None,
                published_at=published.isoformat() if published else None,
            )
        )
    steps = without_earlier_events(dated_after_told(steps))
    leads = {lead.article_id: lead for _, lead in kept}
    return marked_revisions(steps, leads, newsbot.searcher.terms)


def dated_after_told(steps: Sequence[TimelineStep]) -> list[TimelineStep]:
    """Date by its publication a step whose text names a day before news already published.

    "The FBI search on Monday was prompted by a tip", published Wednesday after Tuesday's
    news: Monday is the story's backdrop, not what this article reports. So no step comes
    before one published earlier; the steps are returned oldest first.
    """
    told = ""  # the latest day of the steps published on an earlier day
    latest = ""  # the latest day of the steps seen so far
    day = ""  # the publication day at hand
    fixed = []
    for step in sorted(steps, key=lambda s: (s.published_at or "9999", s.date)):
        published = step.published_at or ""
        if published != day:
            told, day = latest, published
        if step.dated_from == "text" and published and step.date < told:
            step = replace(step, date=published, dated_from="published")
        latest = max(latest, step.date)
        fixed.append(step)
    return sorted(fixed, key=lambda s: (s.date or "9999", s.published_at or "", s.article_id))


def without_earlier_events(steps: Sequence[TimelineStep]) -> list[TimelineStep]:
    """Drop a first step that stands alone long before a story covered at least three times.

    An article with the topic's words published ISOLATED_DAYS before anything else on it,
    while the story itself ran later, is an earlier event of the same kind ("Tennis will
    regret pushing Federer to retire", a year before he did).
    """
    kept = list(steps)
    while len(kept) > LATER_STEPS and kept[0].date and kept[1].date:
        gap = date.fromisoformat(kept[1].date) - date.fromisoformat(kept[0].date)
        if gap.days <= ISOLATED_DAYS:
            break
        kept = kept[1:]
    return kept


def marked_revisions(
    steps: Sequence[TimelineStep], leads: dict[str, Lead], terms: Callable[[str], list[str]]
) -> list[TimelineStep]:
    """Mark each step whose opening gives a figure an earlier step gave differently.

    The steps are reports of one story, so a figure is compared as `revised_in_story` does,
    with steps published on an earlier day only, and not more than REVISED_WITHIN_DAYS earlier
    (a player's points a month before, a vote three years before, are other counts).
    """
    read = [
        [
            r
            for s in split_sentences(leads[step.article_id].opening)
            if (r := reported(s, terms)).figures
        ]
        for step in steps
    ]
    marked: list[TimelineStep] = []
    for i, step in enumerate(steps):
        note = ""
        for n in range(i, 0, -1):  # the latest earlier step first: "up from" what was last said
            if (steps[n - 1].published_at or "") >= (step.published_at or ""):
                continue  # reports of one day: which is the newer is unknown
            if not within_days(steps[n - 1].published_at, step.published_at):
                continue
            pair = revised_in_story(read[n - 1], read[i], terms)
            if pair is not None:
                new, old = pair
                direction = "up" if new.value > old.value else "down"
                note = f"{new.phrase}, {direction} from {old.phrase} [{n}]"
                break
        marked.append(replace(step, revised=note) if note else step)
    return marked


def within_days(earlier: str | None, later: str | None) -> bool:
    """Whether two publication days lie at most REVISED_WITHIN_DAYS apart (either unknown: yes)."""
    if not (earlier and later):
        return True
    gap = date.fromisoformat(later[:10]) - date.fromisoformat(earlier[:10])
    return gap <= timedelta(days=REVISED_WITHIN_DAYS)


def by_day(lead: Lead) -> date:
    return lead.published or date.max


def timeline_lines(steps: Sequence[TimelineStep]) -> list[str]:
    """One line per step: the day, the quoted clause, [n], and the other outlets."""
    out = []
    for n, step in enumerate(steps, start=1):
        line = f"{step.date or '(undated)'}  “{step.text}” [{n}]"
        if step.revised:
            line += f" (revised: {step.revised})"
        if step.also:
            line += f" (also in: {', '.join(step.also)})"
        out.append(line)
    return out


def citations(steps: Sequence[TimelineStep]) -> list[Citation]:
    return [
        Citation(
            n=n,
            title=s.title,
            source=s.source,
            published_at=s.published_at,
            url=s.url,
            path=s.path,
            quote=s.text,
            article_id=s.article_id,
        )
        for n, s in enumerate(steps, start=1)
    ]


def asked_topic(question: str) -> str | None:
    """The topic of "what happened with X?" (or "timeline of X"), else None."""
    found = ASKED.match(question)
    return found.group("topic").strip(" ?.") if found else None


def timeline_answer(newsbot: Newsbot, question: str, as_of: date | None = None) -> Answer | None:
    """Answer "what happened with X?" with X's timeline (at most IN_CHAT steps), else None."""
    topic = asked_topic(question)
    if not topic:
        return None
    steps = build_timeline(newsbot, topic, as_of=as_of)
    if not steps:
        return None
    return timeline_answer_of(steps)


def tell_timelines(newsbot: Newsbot) -> Newsbot:
    """Let the facade answer "what happened with X?" with X's timeline, in chat and `ask`."""
    newsbot.storyteller = lambda question, day: timeline_answer(newsbot, question, as_of=day)
    return newsbot


def timeline_answer_of(steps: Sequence[TimelineStep], most: int = IN_CHAT) -> Answer:
    """The steps as a cited answer: how it began, then the latest (at most `most` steps)."""
    if len(steps) > most:
        steps = [steps[0], *steps[-(most - 1) :]]
    return Answer(text="\n".join(timeline_lines(steps)), citations=citations(steps))
