"""The small types every part of newsbot speaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


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
