"""The records of `newsbot eval`: a question as read, the row written for it, the bot asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from newsbot.core.types import Answer, Turn
from newsbot.retrieval.search.hybrid import Hit


class Responder(Protocol):
    """What the harness needs of the bot: an answer and the ranked hits behind it."""

    def respond(
        self,
        question: str,
        history: Sequence[Turn] = (),
        as_of: date | None = None,
        depth: int | None = None,
    ) -> tuple[Answer, list[Hit]]: ...


@dataclass(frozen=True)
class EvalQuestion:
    """One question of a questions.jsonl file; answer and gold_urls may be absent."""

    id: str
    question: str
    asked_on: date | None
    answer: str | None = None
    gold_urls: tuple[str, ...] = ()
    conversation: str | None = None
    turn: int | None = None
    noise: str | None = None


@dataclass
class Row:
    """What the bot did with one question, as written to answers.jsonl."""

    id: str
    question: str
    as_of: str | None
    text: str
    refused: bool
    citations: list[dict[str, Any]]
    retrieved_urls: list[str]
    gold_answer: str | None = None
    gold_urls: list[str] = field(default_factory=list)
    gold_rank: int | None = None
    gold_cited: bool = False
    found: bool = False
    found_words: bool = False
    found_early: bool = False
    exact: bool = False
    body_words: int = 0
    latency_ms: float = 0.0
    conversation: str | None = None
    turn: int | None = None
    noise: str | None = None
