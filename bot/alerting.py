"""Alerts and digests, for the bot and the command alike: what new stories owe followers."""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsbot.bot.cli_common import unreachable
from newsbot.bot.follows import CLI_CHAT, Alert, Follow, Follows, topic_key
from newsbot.bot.render import file_name, telegram_messages, to_terminal
from newsbot.core import Answer, NewsbotError
from newsbot.retrieval import TopicMatch, digest_order, match, ready_position
from newsbot.store import LoggedStory, StoryLog

if TYPE_CHECKING:
    from newsbot.retrieval import Newsbot

log = logging.getLogger(__name__)

TELEGRAM_PASS, CLI_PASS = "telegram", "cli"
SENTENCES = 2  # an alert quotes this many of its answer's sentences: short on a phone


@functools.cache
def _open(data_dir: Path) -> tuple[Follows, StoryLog]:
    return Follows(data_dir), StoryLog(data_dir)


def open_state(newsbot: Newsbot) -> tuple[Follows, StoryLog]:
    """The data dir's follows and story log, opened once per process."""
    return _open(Path(newsbot.settings.data_dir))


def current_seq(newsbot: Newsbot) -> int:
    """Bring the story log up to what this process can search; return its last story."""
    _, stories = open_state(newsbot)
    stories.read_feed(newsbot.store, ready_position(newsbot))
    return stories.last_seq()


def short(answer: Answer, sentences: int = SENTENCES) -> Answer:
    """The answer's first cited sentences, with only the sources they cite."""
    pieces = re.split(r"(?<=\])\s+", answer.text)[:sentences]
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", " ".join(pieces))}
    citations = [c for c in answer.citations if c.n in cited]
    return Answer(text=" ".join(pieces), citations=citations)


def render(topics: Sequence[str], found: TopicMatch) -> tuple[str, str]:
    """One short cited message about a story: (Telegram HTML, plain text)."""
    named = ", ".join(f"“{t}”" for t in topics)
    answer = short(found.answer)
    also = [o for o in found.story.outlets if o != found.story.lead.source]
    if any(getattr(c, "also", None) for c in answer.citations):
        also = []  # the source lines name the story's other outlets themselves
    note = f"Also in: {', '.join(also)}." if also else None
    shown = Answer(text=f"New on {named}: {answer.text}", citations=answer.citations, note=note)
    body, _ = telegram_messages(shown)[0]
    return body, to_terminal(shown)


def alert_pass(
    newsbot: Newsbot,
    name: str,
    allowed: Callable[[Follow], bool] = lambda follow: True,
    most: int = 5,
) -> int:
    """Match the stories new since the pass's cursor to its follows; queue the alerts.

    `name`: the Telegram pass serves every chat, the command's pass its own follows. Each
    topic is matched once, for every chat that follows it; a story is matched only for the
    follows made before it was logged. Returns how many alerts were queued.

    The bot's pass, run every few seconds, queues nothing while the store's server does not
    answer: the outage is logged once for the whole process, and the stories are matched
    when it is back (the cursor moves only with a queue).
    """
    try:
        return _queue_alerts(newsbot, name, allowed, most)
    except NewsbotError as error:
        if name != TELEGRAM_PASS or not unreachable(error):
            raise
        newsbot.store.outage.failed("the alert pass", error)
        return 0


def _queue_alerts(newsbot: Newsbot, name: str, allowed: Callable[[Follow], bool], most: int) -> int:
    follows, stories_log = open_state(newsbot)
    last = current_seq(newsbot)
    cli = name == CLI_PASS
    mine = [f for f in follows.all() if (f.chat == CLI_CHAT) == cli]
    cursor = follows.cursor(name)
    if cursor is None:  # the first pass starts where the oldest follow did
        cursor = min((f.since for f in mine), default=last)
    if cursor >= last:
        return 0
    stories = [s for s in stories_log.since(cursor) if s.seq <= last]
    by_topic: dict[str, list[Follow]] = {}
    for follow in mine:
        by_topic.setdefault(topic_key(follow.topic), []).append(follow)
    owed: dict[tuple[int, str], tuple[list[str], TopicMatch]] = {}
    for group in by_topic.values():
        oldest = min(f.since for f in group)
        fresh = [s for s in stories if s.seq > oldest]
        for found in match(newsbot, group[0].topic, fresh, most):
            for follow in group:
                if found.story.seq <= follow.since or not allowed(follow):
                    continue
                key = (follow.chat, found.story.story_id)
                topics, _ = owed.setdefault(key, ([], found))
                topics.append(follow.topic)
    alerts = []
    for (chat, story), (topics, found) in owed.items():
        body, plain = render(topics, found)
        alerts.append(Alert(chat, story, body, plain))
    queued = follows.queue(name, last, alerts)
    if queued:
        log.info("%d alerts queued for %d new stories", queued, len(stories))
    return queued


@dataclass(frozen=True)
class Digest:
    """The top stories added since a moment, and how many were added in all."""

    stories: list[LoggedStory]
    total: int
    followed: int = 0
    """How many of `stories` (the first ones) are about a topic the chat follows."""
    mentioned: tuple[LoggedStory, ...] = ()
    """Round-ups that name a followed topic: listed, never ranked."""


def digest(newsbot: Newsbot, since: float, most: int, topics: Sequence[str] = ()) -> Digest:
    """The stories added since a moment: those about the chat's followed topics first, then
    the rest, most outlets first, then the latest published; round-ups apart."""
    _, stories_log = open_state(newsbot)
    current_seq(newsbot)
    stories = stories_log.added_since(since)
    ranked = sorted(
        stories,
        key=lambda s: (len(s.outlets), s.lead.published_at or "", s.seq),
        reverse=True,
    )
    order = digest_order(newsbot, ranked, topics, most)
    chosen = [*order.followed, *order.others]
    return Digest(chosen, len(stories), len(order.followed), tuple(order.mentioned))


def digest_heading(found: Digest, since: float) -> str:
    """Say what a digest covers: stories added since a moment, and when older ones ran.

    A digest lists what the store took in, which after a first ingest of an archive is years
    of news: the heading names the publication dates so that "since yesterday" misleads nobody.
    """
    when = datetime.fromtimestamp(since).strftime("%Y-%m-%d %H:%M")
    if not found.stories:
        return f"No stories added since {when}."
    heading = f"Top stories added since {when}"
    days = sorted(s.lead.published_at[:10] for s in found.stories if s.lead.published_at)
    if days and days[0] < when[:10]:
        span = days[0] if days[0] == days[-1] else f"{days[0]} to {days[-1]}"
        heading += f" (published {span})"
    if found.followed:
        heading += f"; first, {found.followed} on the topics you follow"
    return heading


def digest_lines(found: Digest, as_html: bool) -> list[str]:
    """One line per story: [n] its headline, where and when it ran, and its other outlets."""
    lines = []
    for n, story in enumerate(found.stories, start=1):
        lead = story.lead
        where = ", ".join(p for p in (lead.source, lead.published_at) if p)
        also = [o for o in story.outlets if o != lead.source]
        link = lead.url or (file_name(lead.path) if lead.path else "")
        if as_html:
            title = html.escape(lead.title or "(untitled)")
            if lead.url:
                title = f'<a href="{html.escape(lead.url, quote=True)}">{title}</a>'
            line = f"[{n}] {title}"
            if where:
                line += f" — <i>{html.escape(where)}</i>"
            if also:
                line += f" (also in: {html.escape(', '.join(also))})"
        else:
            line = " — ".join(p for p in (f"[{n}] {lead.title or '(untitled)'}", where, link) if p)
            if also:
                line += f" (also in: {', '.join(also)})"
        lines.append(line)
    if found.mentioned:
        named = "; ".join(
            " — ".join(p for p in (r.lead.title or "(untitled)", r.lead.source) if p)
            for r in found.mentioned
        )
        lines.append(f"Mentioned in: {html.escape(named) if as_html else named}")
    rest = found.total - len(found.stories) - len(found.mentioned)
    if rest > 0:
        lines.append(f"… and {rest} more.")
    return lines
