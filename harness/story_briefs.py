"""Wire briefs for `eval-stories`: short leads of dev articles, their copies, and neighbours.

A brief is a dev article's lead cut to under MIN_WORDS words; its copy runs under another
headline and outlet, sometimes with a source line; a brief of a distinct story on the same
topic sits beside it, to be kept apart.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

from newsbot.ingest.near_copies import MIN_WORDS, words

BRIEF_KINDS = ("brief_headline", "brief_wire")
BRIEFS = 24  # briefs with a copy each, and as many briefs of distinct stories beside them
BRIEF_WORDS = (12, MIN_WORDS - 1)  # a brief's length is drawn from this range


def make_briefs(
    spare: list[dict[str, Any]],
    cleaned: dict[str | None, str],
    neighbours: list[list[int]],
    index: dict[str, int],
    rng: random.Random,
    count: int,
    outlets: Sequence[str],
) -> list[tuple[dict[str, Any], str, str, str]]:
    """Wire briefs: (record, url of the brief it copies or "", kind, url of a brief beside it).

    Each brief is a dev article's lead cut to under MIN_WORDS words under its own headline;
    its copy has another headline and source line; a brief of a topic neighbour (another
    story on the subject) sits beside it.
    """
    spare_at = {index[r["url"]]: r for r in spare if len(words(cleaned.get(r["url"], ""))) >= 150}
    picks = sorted(spare_at)
    out: list[tuple[dict[str, Any], str, str, str]] = []
    used: set[int] = set()
    for i in rng.sample(picks, len(picks)):
        if len(out) >= 3 * count:
            break
        near = [j for j in neighbours[i] if j in spare_at and j not in used and j != i]
        if i in used or not near:
            continue
        used.update((i, near[0]))
        n = len(out) // 3
        brief = _brief(spare_at[i], cleaned, rng, f"brief-{n}", outlets[n % len(outlets)])
        outlet = outlets[(n + 1) % len(outlets)]
        copy = _brief_copy(brief, BRIEF_KINDS[n % len(BRIEF_KINDS)], outlet, f"brief-copy-{n}")
        other = _brief(spare_at[near[0]], cleaned, rng, f"brief-beside-{n}", outlet)
        out.append((brief, "", "", ""))
        out.append((copy, brief["url"], BRIEF_KINDS[n % len(BRIEF_KINDS)], ""))
        out.append((other, "", "", brief["url"]))
    return out


def _brief(
    record: dict[str, Any],
    cleaned: dict[str | None, str],
    rng: random.Random,
    rid: str,
    outlet: str,
) -> dict[str, Any]:
    """A dev article's lead, whole sentences up to a drawn length, under its dev headline."""
    limit = rng.randint(*BRIEF_WORDS)
    text = ""
    for sentence in re.split(r"(?<=[.!?])\s+", cleaned[record["url"]].replace("\n", " ")):
        if len(words(f"{text} {sentence}")) > limit:
            break
        text = f"{text} {sentence}".strip()
    if len(words(text)) < BRIEF_WORDS[0]:
        text = " ".join(cleaned[record["url"]].split()[:limit])
    slug = "-".join(words(record.get("title") or "")[:6]) or "brief"
    domain = outlet.lower().replace(" ", "") + ".example"
    return {
        "id": rid,
        "url": f"https://{domain}/{record['published_at']}/{slug}-{rid}",
        "title": record.get("title") or "",
        "source": outlet,
        "published_at": record["published_at"],
        "authors": [],
        "text": text,
    }


def _brief_copy(brief: dict[str, Any], kind: str, outlet: str, rid: str) -> dict[str, Any]:
    """The brief as another outlet ran it: its own headline and source line, the same text."""
    if kind == "brief_headline":
        title = " ".join(words(brief["text"])[:9]).capitalize()
        text = brief["text"]
    else:
        title = re.split(r" [|-] ", brief["title"])[0] + f" ({outlet})"
        text = f"({outlet}) -- {brief['text']}"
    domain = outlet.lower().replace(" ", "") + ".example"
    slug = "-".join(words(title)[:6]) or "brief"
    return {
        **brief,
        "id": rid,
        "url": f"https://{domain}/{brief['published_at']}/{slug}-{rid}",
        "title": title,
        "source": outlet,
        "text": text,
    }
