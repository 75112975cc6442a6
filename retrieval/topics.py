"""What a followed topic means: which articles are about its story (alerts and timelines).

An article is about a topic when its headline names the story (not only its kind of event),
its headline and opening hold every distinctive word of the topic (or a clear equivalent:
"died" for "death", "raid" for "search"), it is not a round-up of unrelated items or a
photo gallery, and it is not about another event of the same kind ("Hurricane Nicole"
for "Hurricane Ian", "Prince Philip's funeral" for "Queen Elizabeth funeral", a headline
dated to an earlier year). A year in the topic ("Wimbledon 2022") is a date, not a word to
find. A topic's first matches teach it its story (`Story`): the names they share and when it
began, so later articles follow the story rather than the words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from newsbot.core.calendar import CALENDAR_NAMES
from newsbot.core.sentences import is_heading, split_sentences, without_dateline
from newsbot.core.types import Chunk
from newsbot.retrieval.topic_words import (
    EQUIVALENTS,
    PARTICLES,
    PHRASAL,
    SAID_AS,
    SAME_NAMES,
    SEASONS,
    STAGES,
    STATES,
    VAGUE,
)

Terms = Callable[[str], list[str]]

OPENING_CHARS = 600  # of the first chunk: where news says what it is about
LEARN_FROM = 3  # a topic's first matches that teach it its story
STORY_NAMES = 8  # names a learned story keeps
EARLIER_DAYS = 45  # published this long before the story began: an earlier event
ROUNDUP_TITLE = re.compile(
    r"\bthings (?:you need )?to know\b|\bnews from around\b|\bit'?s \w+day'?s news\b"
    r"|\bthings podcast\b|\bnews (?:round-?up|in brief|briefing)\b|\b(?:morning|daily|evening)"
    r" briefing\b|\bweek in review\b|\bwhat you missed\b|\btop stories\b|\bheadlines today\b"
    # "Abortion: Five states will have ballot measures": several places are the subject (not
    # "a recall issued in 6 states", one story in several places).
    r"|(?:^|[:?]\s+)(?:two|three|four|five|six|seven|eight|nine|ten|\d+|these|several)"
    r" (?:states|countries)\b"
    # AP's running page of a day's items: "The Latest: Keys rallies for late-night win".
    r"|^\s*the latest:",
    re.IGNORECASE,
)
ROUNDUP_OPENING = re.compile(
    r"\bup to speed on the latest headlines\b|\bon today'?s episode of\b|\bother news today\b"
    r"|^\W*(?:hello|hi|happy \w+|good (?:morning|afternoon|evening)),? [\w ]{0,30}readers\b"
    r"|\bit'?s time for the news\b"
    # "This is the weekly edition of CNN's coronavirus newsletter."
    r"|\b(?:daily|weekly|monthly) edition of\b|\bedition of [\w'’ ]{0,40}\bnewsletter\b"
    # A day's page of a war's or a campaign's items: "This page recaps the news from Ukraine".
    r"|\bthis page recaps the news\b",
    re.IGNORECASE,
)
OUTLET_SUFFIX = re.compile(r"\s+(?:[-–—|])\s+[^-–—|]{1,40}$")
NAME = re.compile(r"\b[A-Z][\w'’-]+")
TIME_WORDS = CALENDAR_NAMES | {"Today", "Tonight", "Yesterday", "Tomorrow", "This", "Next", "Last"}
EARLIER = re.compile(r"\banniversary\b|\byears? ago\b|\bdecades? ago\b", re.IGNORECASE)
CLAUSE_WORDS = 28  # a quoted clause, cut at a clause boundary before this
BOILERPLATE = re.compile(r"\bsign up\b|\bnewsletter\b|\bclick here\b|\bwatch live\b", re.I)
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
# "first title since 2001" measures from an earlier year; the headline is about now.
SINCE_YEAR = re.compile(r"\bsince (?:at least |before )?(?:19[5-9]\d|20[0-4]\d)\b", re.IGNORECASE)
GALLERY = re.compile(
    r"^\s*(?:photos?|pictures|in pictures|gallery)\b[^:|]{0,20}[:|]|\bin pictures\b"
    r"|\b(?:see|stunning|amazing|best|striking) (?:the )?(?:photos|pictures|images)\b",
    re.I,
)
# "3,518 counts" is one number, not two items; "Ruud vs. Alcaraz", "R. Kelly" are one item.
LIST_SPLIT = re.compile(
    r"[;]|,(?!\d)|(?<!\bvs)(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\b[A-Z])\.\s"
)
# A title such as "State of the Union", "Medal of Freedom" or "Bank of England" is one name:
# its words apart are other things ("European Union", "the state of ...").
TITLE_PHRASE = re.compile(r"\b[A-Z][\w'’-]*\s+of(?:\s+the)?\s+[A-Z][\w'’-]*")
CLAUSE_SPLIT = re.compile(r"[,;()]|\s[-–—]\s")
# A box pointing elsewhere ("Turn to CNN for live coverage") says nothing of the story.
POINTER = re.compile(r"^\s*turn to \w+ for live coverage\b", re.IGNORECASE)


def verb_forms(word: str) -> set[str]:
    """Every form of the verbs a word is a form of ("broken": break, breaks, broke ...)."""
    from lemminflect import getAllInflections, getAllLemmas

    lemmas = getAllLemmas(word.lower(), upos="VERB").get("VERB", ())
    return {
        form
        for lemma in lemmas
        for forms in getAllInflections(lemma, upos="VERB").values()
        for form in forms
    }


def is_roundup(title: str, opening: str) -> bool:
    """Whether an article gathers several unrelated items (a briefing, a newsletter)."""
    if ROUNDUP_TITLE.search(title) or ROUNDUP_OPENING.search(opening):
        return True
    # "Ukraine, R. Kelly, long COVID, Queen Elizabeth, hot zip codes ...": a list of items.
    title = OUTLET_SUFFIX.sub("", title).rstrip(". …")
    parts = [p.strip() for p in LIST_SPLIT.split(title.split(":")[0])]
    items: list[str] = []
    for i, part in enumerate(parts):
        # Inside the headline, not ending it: "Jackson, Mississippi, water crisis".
        if part in STATES and items and i < len(parts) - 1:
            items[-1] += ", " + part
        elif part:
            items.append(part)
    short = [p for p in items if len(p.split()) <= 5]
    # Items of a list are names ("Ukraine", "Queen Elizabeth"); a sentence cut by commas
    # ("Yellowstone flooding, damage closes national park, forces ...") is mostly lowercase.
    named = [p for p in items if p[:1].isupper() or p[:1].isdigit()]
    return len(items) >= 3 and len(short) >= len(items) - 1 and 2 * len(named) >= len(items)


@dataclass(frozen=True)
class Lead:
    """An article's headline and opening: what it says it is about."""

    article_id: str
    title: str
    opening: str
    published: date | None

    @staticmethod
    def of(chunks: Iterable[Chunk]) -> Lead:
        """The lead of an article from any of its chunks (the first one gives the opening)."""
        ordered = sorted(chunks, key=lambda c: c.position)
        first = ordered[0]
        opening = first.text[:OPENING_CHARS] if first.position == 0 else ""
        return Lead(first.article_id, first.title, opening, first.published_at)

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.opening}"


@dataclass
class Story:
    """What a topic's first matches taught it: the names they share, when the story began."""

    days: list[str] = field(default_factory=list)
    names: Counter[str] = field(default_factory=Counter)

    @property
    def matches(self) -> int:
        return len(self.days)

    @property
    def began(self) -> str | None:
        """The middle day of the first matches: one stray old match does not move it."""
        known = sorted(d for d in self.days if d)
        return known[len(known) // 2] if known else None

    def undated(self) -> Story:
        """The story without the day it began: its matches still count (an undated day is
        no day), so its names are still those two of them share."""
        return Story(days=[""] * self.matches, names=self.names)

    def known_names(self) -> set[str]:
        """The names at least two of the first matches gave (or the only match's names)."""
        least = 2 if self.matches >= 2 else 1
        # Ties go by the name itself, not by the order a set happened to give them in.
        ranked = sorted(self.names.items(), key=lambda item: (-item[1], item[0]))
        common = [n for n, count in ranked if count >= least]
        return set(common[:STORY_NAMES])

    def to_json(self) -> dict[str, object]:
        return {"days": self.days, "names": dict(self.names)}

    @staticmethod
    def from_json(data: dict[str, object]) -> Story:
        days, names = data.get("days"), data.get("names")
        return Story(
            [str(d) for d in days] if isinstance(days, list) else [],
            Counter({str(k): int(v) for k, v in names.items()})
            if isinstance(names, dict)
            else Counter(),
        )


class Topic:
    """A followed topic read once: its distinctive words, each with its equivalents."""

    def __init__(self, text: str, terms: Terms, asked: Iterable[str] = ()) -> None:
        self.text = text
        self.terms = terms
        events = [set(terms(line)) for line in EQUIVALENTS.strip().splitlines()]
        stages = set(terms(STAGES))
        places = [set(terms(line)) for line in SAME_NAMES.strip().splitlines()]
        typed = re.findall(r"[\w'’.]+", text)
        # Vague as typed: "updates" is, "updated Omicron boosters" names which boosters.
        vague = set(asked) | {t for w in typed if w.lower() in VAGUE | PARTICLES for t in terms(w)}
        # A year in a topic ("Wimbledon 2022") says when, not a word headlines repeat; so
        # does a season typed in lower case.
        self.years = {int(y) for y in YEAR.findall(text)}
        seasons = [w for w in typed if w in SEASONS]
        self.months = {m for w in seasons for m in SEASONS[w]}
        dates = {t for y in self.years for t in terms(str(y))} | {
            t for w in seasons for t in terms(w)
        }
        # A verb typed in lower case in all its forms: "broken wrist" is "broke his wrist".
        forms = {
            t: {f for form in verb_forms(w) for f in terms(form)}
            for w in typed
            if w.islower()
            for t in terms(w)
        }
        words: list[frozenset[str]] = []
        for word in dict.fromkeys(terms(text)):
            if word in vague or word in dates:
                continue
            same = {word, *forms.get(word, ())}
            same = same.union(*(f for f in events + places if f & same))
            if stages & same:
                same |= stages
            words.append(frozenset(same))
        self.words = tuple(words)
        self.titles = tuple(" ".join(m.lower().split()) for m in TITLE_PHRASE.findall(text))
        self.own = {w for family in words for w in family}
        self.kinds = {
            w for w in self.own if w in stages or any(w in f and len(f) > 1 for f in events)
        }
        self.describers = self.describing(typed)
        self.phrasal = self.phrasal_verbs(typed)
        self.phrases = {
            self.terms(event)[0]: re.compile(pattern, re.IGNORECASE)
            for event, pattern in SAID_AS.items()
            if set(self.terms(event)) & self.own
        }

    def describing(self, typed: Sequence[str]) -> set[frozenset[str]]:
        """The words typed in lower case just before the event word, which say what kind of it.

        "Virginia flash flooding": news of it says "severe flooding in Virginia"; the event
        and the name must be said, "flash" may not be. Only where a name is left to say.
        """
        found = set()
        for word, after in pairwise(typed):
            stems = set(self.terms(word))
            if (
                word.islower()
                and stems
                and not stems & self.kinds
                and set(self.terms(after)) & self.kinds
            ):
                found |= {f for f in self.words if f & stems}
        names = [f for f in self.words if not f & self.kinds and f not in found]
        return found if names else set()

    def phrasal_verbs(self, typed: Sequence[str]) -> dict[str, tuple[str, str]]:
        """The topic's nouns made of a verb and its particle: "shutdown" is "shut" + "down"."""
        found = {}
        for word in typed:
            low = word.lower()
            for particle in PHRASAL:
                at = low.rfind(particle)
                if at >= 3 and low[at:].rstrip("s") == particle:
                    noun, verb = self.terms(low), self.terms(low[:at])
                    if len(noun) == 1 and len(verb) == 1:
                        found[noun[0]] = (verb[0], particle)
        return found

    def said_otherwise(self, text: str) -> set[str]:
        """The topic's words this text says otherwise: a phrasal noun as its verb ("AT&T shuts
        down 3G" for "shutdown"), an event as a phrase ("her final match" for "retirement")."""
        said = {event for event, phrase in self.phrases.items() if phrase.search(text)}
        for noun, (verb, particle) in self.phrasal.items():
            for before in re.findall(rf"\b([\w'’]+)\s+{particle}\b", text, re.IGNORECASE):
                if self.terms(before) == [verb]:
                    said.add(noun)
                    break
        return said

    def said(self, lead: Lead) -> set[str]:
        """The words the headline and opening say of the story they report.

        A clause of the opening about an earlier event ("when her father died in 1952",
        "the 70th anniversary of") and the rest of its sentence say nothing of this one, while
        what comes before it may ("Macron will face Le Pen in the election, a rematch of their
        contest in 2017");
        an event word tied to another name ("the death of Thailand's King") is not this
        story's event.
        """
        found = set(self.terms(lead.title)) | self.said_otherwise(lead.title)
        year = lead.published.year if lead.published else None
        for whole in split_sentences(lead.opening):
            if POINTER.search(whole):
                continue
            # What follows a clause about an earlier event goes on about it.
            kept = []
            for part in CLAUSE_SPLIT.split(whole):
                if self.earlier(part, year):
                    break
                kept.append(part)
            sentence = ", ".join(kept)
            words = set(self.terms(sentence)) | self.said_otherwise(sentence)
            if words & self.kinds and self.tied_elsewhere(sentence, self.own):
                words -= self.kinds
            found |= words
        return found

    def earlier(self, text: str, year: int | None) -> bool:
        """Whether a clause is about an earlier event: an anniversary, a year before now."""
        years = [int(y) for y in YEAR.findall(text) if int(y) not in self.years]
        return bool(EARLIER.search(text)) or bool(year and any(y < year for y in years))

    def tied_elsewhere(self, text: str, known: set[str]) -> bool:
        """Whether an event word of the topic's kind is tied to a name the topic lacks."""
        for phrase in re.split(r"[,;:|?!()\"“”]|\s[-–—]\s", text):
            tokens = phrase.split()
            for i, token in enumerate(tokens):
                if not set(self.terms(token)) & self.kinds:
                    continue
                near = [tokens[i - 1]] if i > 0 and re.search(r"['’]s$", tokens[i - 1]) else []
                if i + 2 < len(tokens) and tokens[i + 1] == "of":
                    near.append(tokens[i + 2])
                for name in near:
                    bare = re.sub(r"['’]s$", "", name.strip(".'’‘"))
                    stems = set(self.terms(bare))
                    if (
                        bare[:1].isupper()
                        and bare not in TIME_WORDS
                        and stems
                        and not stems & known
                    ):
                        return True
        return False

    def held(self, lead: Lead) -> int:
        """How many of the topic's words (or an equivalent) the headline and opening say."""
        found = self.said(lead)
        return sum(1 for family in self.words if family & found)

    def other_event(self, lead: Lead, story: Story | None) -> bool:
        """Whether the headline is about another event of the topic's kind, or an older one."""
        known = self.own | (story.known_names() if story else set())
        title = OUTLET_SUFFIX.sub("", lead.title)
        words = re.findall(r"[A-Za-z][\w'’-]*", title)
        title_case = sum(w[0].isupper() for w in words) > 0.6 * max(len(words), 1)
        for phrase in re.split(r"[,;:|?!()\"“”]|\s[-–—]\s", title):
            tokens = phrase.split()
            for i, token in enumerate(tokens):
                if not set(self.terms(token)) & self.kinds:
                    continue
                # "Prince Philip's funeral", "Hurricane Nicole": the kind tied to another name.
                near = [tokens[i - 1]] if i > 0 and re.search(r"['’]s$", tokens[i - 1]) else []
                # A capitalized kind before a name names an event ("Hurricane Nicole"); a verb
                # before one does not ("retires OG Internet Explorer").
                if i + 1 < len(tokens) and token[:1].isupper() and not title_case:
                    near.append(tokens[i + 1])
                # "Sunny Balwani convicted": another person's full name doing the event (a verb,
                # not a noun: "GOP House race").
                verb = token.islower() and re.search(r"(?:ed|es)$", token)
                doer = tokens[i - 2 : i] if i > 1 and verb else []
                # "Bank of England hikes": a titled name doing it ("X of Y", "X of the Y").
                titled = TITLE_PHRASE.findall(" ".join(tokens[max(i - 4, 0) : i])) if doer else []
                if titled and titled[-1].split()[-1] == tokens[i - 1]:
                    doer = [t for t in titled[-1].split() if t[:1].isupper()]
                if doer and all(self.unknown_name(t, known) for t in doer):
                    return True
                if any(self.unknown_name(name, known) for name in near):
                    return True
        if EARLIER.search(title):
            return True  # "70 years ago, Queen Elizabeth II took the throne"
        if lead.published:
            dated = SINCE_YEAR.sub("", lead.title)
            years = [int(y) for y in YEAR.findall(dated) if int(y) not in self.years]
            if any(y < lead.published.year for y in years):
                return True
            if self.years and not self.in_years(lead):
                return True
            if self.months and lead.published.month not in self.months:
                return True
            if story and story.began:
                began = date.fromisoformat(story.began)
                if (began - lead.published).days > EARLIER_DAYS:
                    return True
        return False

    def unknown_name(self, token: str, known: set[str]) -> bool:
        """Whether a headline word is a name (capitalized, no day) the topic and story lack."""
        bare = re.sub(r"['’]s$", "", token.strip(".'’‘"))
        stems = set(self.terms(bare))
        named = bare[:1].isupper() and bare not in TIME_WORDS
        return bool(named and stems and not stems & known)

    def in_years(self, lead: Lead) -> bool:
        """Whether an article is of the topic's year: published then, or later naming it."""
        if lead.published is None or lead.published.year in self.years:
            return True
        said = {int(y) for y in YEAR.findall(lead.text)}
        return any(y in said and y < lead.published.year for y in self.years)

    def about(self, lead: Lead, story: Story | None = None) -> bool:
        """Whether the article is news of the topic's story (see the module docstring)."""
        if not self.words or is_roundup(lead.title, lead.opening) or GALLERY.search(lead.title):
            return False  # a gallery shows the story; it is no news of it
        if not self.says_titles(lead):
            return False  # "European Union ... state" is not "State of the Union"
        if not self.headline_names(lead.title, story):
            return False  # the headline is about something else; the topic is its backdrop
        found = self.said(lead)
        unsaid = [f for f in self.words if not f & found and f not in self.describers]
        if unsaid:
            # A learned story lets one name go unsaid when its own names carry the article;
            # never the event itself ("Queen Elizabeth" is not "Queen Elizabeth funeral").
            names = story.known_names() if story else set()
            name_only = len(unsaid) == 1 and not unsaid[0] & self.kinds
            if not (name_only and len(self.words) > 1 and len(names & found) >= 2):
                return False
        return not self.other_event(lead, story)

    def says_titles(self, lead: Lead) -> bool:
        """Whether the headline and opening say each title the topic names, as one phrase."""
        if not self.titles:
            return True
        said = " ".join(lead.text.lower().split())
        return all(title in said for title in self.titles)

    def headline_names(self, title: str, story: Story | None = None) -> bool:
        """Whether the headline names the topic's story, not just an event of its kind.

        The event word alone ("Federer is retiring" for "Serena Williams retirement") may
        name another story; with a name the story learned ("Judge reviews Trump search") it
        names this one.
        """
        head = set(self.terms(title))
        named = [family for family in self.words if not family & self.kinds]
        if any(family & head for family in named or self.words):
            return True
        learned = story.known_names() if story else set()
        return bool(head & self.kinds and head & learned)

    def learn(self, story: Story, leads: Sequence[Lead], common: Iterable[str] = ()) -> Story:
        """Teach the topic its story from its first matches (up to LEARN_FROM of them).

        `common`: names too frequent in the store to tell stories apart (outlets, "New York").
        """
        skip = self.own | set(common)
        for lead in leads:
            if story.matches >= LEARN_FROM:
                break
            story.days.append(lead.published.isoformat() if lead.published else "")
            found = (n for n in NAME.findall(lead.text) if n not in CALENDAR_NAMES)
            story.names.update({t for n in found for t in self.terms(n)} - skip)
        return story

    def names_in(self, leads: Sequence[Lead]) -> set[str]:
        """The name-like terms of these leads (for the caller to weigh before `learn`)."""
        return {
            t for lead in leads for n in NAME.findall(lead.text) for t in self.terms(n)
        } - self.own


def clause(lead: Lead, topic: Topic) -> str:
    """The opening's first sentence on the topic, without dateline, cut short at a clause."""
    sentences = [
        s for s in split_sentences(lead.opening) if not (BOILERPLATE.search(s) or is_heading(s))
    ]
    own = [s for s in sentences if set(topic.terms(s)) & topic.own]
    chosen = without_dateline((own or sentences or [lead.title])[0]).strip()
    words = chosen.split()
    if len(words) <= CLAUSE_WORDS:
        return chosen
    cut = " ".join(words[:CLAUSE_WORDS])
    stop = max(cut.rfind(","), cut.rfind(";"), cut.rfind(" – "), cut.rfind(" — "))
    return (cut[:stop] if stop > len(cut) // 2 else cut).rstrip(",;") + " …"
