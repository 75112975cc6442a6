"""The small types every part of newsbot speaks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any
from urllib.parse import urlparse


@dataclass(frozen=True)
class Article:
    """One news article as read from a file or feed, before chunking."""

    id: str
    title: str
    text: str
    url: str | None = None
    path: str | None = None
    source: str | None = None
    author: str | None = None
    published_at: date | None = None

    @property
    def location(self) -> str:
        """Say where the article came from: its URL, else its file path."""
        return self.url or self.path or ""


@dataclass(frozen=True)
class Chunk:
    """A piece of an article small enough for the embedding model's window."""

    id: str
    article_id: str
    text: str
    position: int
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.metadata.get("title") or "")

    @property
    def published_at(self) -> date | None:
        value = self.metadata.get("published_at")
        return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk and how well it matched the question (higher is better)."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Copy:
    """One outlet's version of a story: where it ran, under which headline and when."""

    article_id: str
    title: str
    source: str | None = None
    url: str | None = None
    path: str | None = None
    published_at: str | None = None  # ISO day
    stored: bool = False  # the version whose text is searched and cited

    @property
    def outlet(self) -> str:
        """Name where this version ran: its publication, else its site or file."""
        if self.source:
            return self.source
        if self.url:
            return urlparse(self.url).hostname or self.url
        return PurePath(self.path).name if self.path else self.title

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "source": self.source,
            "published_at": self.published_at,
            "url": self.url,
            "path": self.path,
        }

    @classmethod
    def listed(cls, value: Iterable[Copy | Mapping[str, Any]] | None) -> tuple[Copy, ...]:
        """Read the copies a hit's metadata carries under "also" (none when absent)."""
        return tuple(v if isinstance(v, Copy) else cls(**v) for v in value or ())


@dataclass(frozen=True)
class Story:
    """The versions of one text that several outlets ran; its text is stored and searched once."""

    id: str  # the article id of the story's first article
    stored: str | None  # the article whose text is searched (None: none is stored)
    copies: tuple[Copy, ...]  # every version, the stored one first, then by date

    def is_copy(self, article_id: str) -> bool:
        """Whether the article joined a story another article started."""
        return article_id != self.id

    def others(self, article_id: str) -> tuple[Copy, ...]:
        return tuple(c for c in self.copies if c.article_id != article_id)


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer, with the quote it supports."""

    n: int
    title: str
    source: str | None
    published_at: str | None
    url: str | None
    path: str | None
    quote: str = ""
    article_id: str = ""
    also: tuple[Copy, ...] = ()
    """The story's other versions: the same text in other outlets."""


@dataclass(frozen=True)
class Answer:
    """What the bot says: text with [n] markers, and the sources those markers name."""

    text: str
    citations: list[Citation]
    refused: bool = False
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "refused": self.refused,
            "note": self.note,
            "citations": [
                {
                    "n": c.n,
                    "title": c.title,
                    "source": c.source,
                    "published_at": c.published_at,
                    "url": c.url,
                    "path": c.path,
                    "quote": c.quote,
                    # Only for a story in several outlets: other answers keep their shape.
                    **({"also": [o.to_dict() for o in c.also]} if c.also else {}),
                }
                for c in self.citations
            ],
        }


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation, kept so follow-up questions can be understood."""

    question: str
    answer: str
    articles: tuple[str, ...] = ()
    """Ids of the articles the answer cited (none for a refusal), which a follow-up reads first."""

    @classmethod
    def of(cls, question: str, answer: Answer) -> Turn:
        """Remember a question with the answer given to it and the articles that answer cited."""
        cited = () if answer.refused else tuple(c.article_id for c in answer.citations)
        return cls(question=question, answer=answer.text, articles=cited)
