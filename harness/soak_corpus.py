"""What the soak run writes and asks: generated news stories on followable topics, questions.

Each generated story is small (about 100 words, one or two chunks: embedding runs at some 34
chunks a second on a laptop's two cores) and made of slot-dense sentences with made-up names
and numbers, so two stories on one topic are never near-copies of each other. A copy is the
same body under another headline and outlet: it must join its story and never alert again.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Followable topics: (the words a chat follows, a question about a story on it).
TOPICS = (
    ("electric ferries", "What is new on the electric ferries?"),
    ("XR-17 drone", "What is the latest on the XR-17 drone?"),
    ("measles clinics", "What happened at the measles clinics?"),
    ("apple frost", "How bad is the apple frost?"),
    ("student satellite", "What is new with the student satellite?"),
    ("quilt exhibit", "What is on at the quilt exhibit?"),
    ("algae bloom", "How big is the algae bloom?"),
    ("dairy merger", "What is the latest on the dairy merger?"),
)

# The bundled samples' questions (examples/QUESTIONS.md), asked as a user would.
SAMPLE_QUESTIONS = (
    "How much did Harbor City's electric ferry project cost?",
    "By how much did Millbrook raise its property tax rate?",
    "Who scored Valley United's winning penalty in the Regional Cup final?",
    "How much per share is Meridian Foods paying for Tollbridge Dairy?",
    "How much weight can the XR-17 drone carry?",
    "How many MMR doses did Dorrance County give on the first clinic weekend?",
    "By how much did the frost cut the Kessler Valley apple crop?",
    "How many teaching vacancies did Pinebrook start the school year with?",
    "When did the Wren-1 team hear the satellite's first signal?",
    "When is the Kittiwake ferry expected back in regular service?",
    "How deep is the coral reef found off the Calder Shelf?",
    "What is the capacity of the Brightmoor solar array?",
)
FOLLOW_UPS = ("And when was that?", "Who said so?", "Why?", "how much did it cost")
OFF_CORPUS = (
    "Who won the 2026 FIFA World Cup final?",
    "What time does the Millbrook public library open on Sundays?",
    "wat abt the ferrys",  # misspelt on purpose: a user's typing
    "",  # an empty line: the chat ignores it, so the chat driver never sends it
)

_SYLLABLE_TEXT = (
    "ka ro mi ten bar lo vin sa dre po nul ha ze fo rik ma tel gor an bel cas du er fin gul "
    "hel ix jor kel lum nor osk pel quin rad sol tav ur vel wen yor zan"
)
SYLLABLES = _SYLLABLE_TEXT.split()
EVENTS = (
    "adds a night service",
    "wins a regional grant",
    "faces a review",
    "draws record crowds",
    "passes a safety check",
    "gets a new budget",
    "hits a delay",
    "expands to {place}",
)
ROLES = ("the mayor", "a spokesperson", "the director", "a council member", "the chief engineer")
SENTENCES = (
    "{name} of {place} said {n1} residents had signed up by {weekday}, up from {n2} in {month}.",
    "The {place} board approved {n1} thousand dollars for {name}'s plan on a vote of {n3} to 2.",
    "Crews from {name} worked {n2} nights near {place} and expect to finish by {month} {n3}.",
    "{role} {name} called the {n1} reports from {place} encouraging but asked for {n2} more.",
    "A survey of {n3} households in {place} found {n1} percent backed {name}'s proposal.",
    "Costs rose to {n1} million after {name} ordered {n2} extra parts from {place} suppliers.",
)
MONTHS = ("January", "March", "April", "June", "August", "October", "November")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
OUTLETS = ("Lakeshore Daily", "Coastal Observer", "Valley Courier", "Northern Ledger")
WIRE = "Soak Wire Service"


def made_up_name(rng: random.Random, syllables: int = 3) -> str:
    """A word no dictionary holds, so each story's wording is its own."""
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


@dataclass(frozen=True)
class Story:
    """A generated story: its key, topic, headline and body."""

    key: str
    topic: str
    place: str
    title: str
    body: str
    outlet: str

    def as_file(self, title: str | None = None, outlet: str | None = None, day: str = "") -> str:
        """The story as a plain-text article: headline, body, date line, source line."""
        when = day or date.today().strftime("%B %-d, %Y")
        return (
            f"{title or self.title}\n\n{self.body}\n\n{when}\n\nSource: {outlet or self.outlet}\n"
        )


def new_story(rng: random.Random, key: str, topic: str) -> Story:
    """A story on a topic whose headline and opening name the topic, as news leads with it."""
    place = f"{made_up_name(rng, 2)} {rng.choice(('Bay', 'Falls', 'Valley', 'Harbor', 'Ridge'))}"
    event = rng.choice(EVENTS).format(place=made_up_name(rng, 2))
    title = f"{place} {topic_title(topic)} {event.title()}"
    opening = (
        f"The {topic} in {place} {event}, "
        f"{rng.choice(ROLES)} {made_up_name(rng)} said on {rng.choice(WEEKDAYS)}."
    )
    body = [opening]
    for template in rng.sample(SENTENCES, 4):
        body.append(fill(rng, template, place))
    return Story(key, topic, place, title, " ".join(body), rng.choice(OUTLETS))


def topic_title(topic: str) -> str:
    return " ".join(w if w.isupper() or "-" in w else w.capitalize() for w in topic.split())


def fill(rng: random.Random, template: str, place: str) -> str:
    return template.format(
        name=made_up_name(rng),
        place=place,
        role=rng.choice(ROLES).capitalize(),
        n1=rng.randint(11, 990),
        n2=rng.randint(11, 990),
        n3=rng.randint(3, 28),
        month=rng.choice(MONTHS),
        weekday=rng.choice(WEEKDAYS),
    )


def updated(rng: random.Random, story: Story) -> Story:
    """The same story, its last sentence replaced: a correction, which is no new story."""
    sentences = re.split(r"(?<=\.) ", story.body)
    sentences[-1] = fill(rng, rng.choice(SENTENCES), story.place)
    return Story(
        story.key, story.topic, story.place, story.title, " ".join(sentences), story.outlet
    )


def copy_title(story: Story) -> str:
    """A copy's own headline: the wire's wording of the same news."""
    return f"{story.title} (wire)"


def write_copy(path: Path, story: Story) -> None:
    """A wire copy: the story's body under its own headline, outlet and URL (JSON lines)."""
    row = {
        "id": f"wire-{story.key}",
        "url": f"https://wire.example/{story.key}",
        "title": copy_title(story),
        "source": WIRE,
        "published_at": date.today().isoformat(),
        "text": story.body + "\n\nThis article is republished with permission.",
    }
    path.write_text(json.dumps(row) + "\n", "utf-8")
