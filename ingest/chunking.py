"""Cut articles into sentence-aligned chunks that fit the embedding model's window."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from newsbot.core.calendar import day_number
from newsbot.core.sentences import is_heading, split_sentences
from newsbot.core.types import Article, Chunk
from newsbot.store.chroma_rows import chunk_id

TokenCounter = Callable[[Sequence[str]], list[int]]


def split_long(sentence: str, budget: int, count: TokenCounter) -> list[str]:
    """Cut a sentence that alone exceeds the budget into word runs that fit."""
    words = sentence.split()
    pieces: list[str] = []
    lengths = count(words)
    current: list[str] = []
    used = 0
    for word, n in zip(words, lengths, strict=True):
        if current and used + n > budget:
            pieces.append(" ".join(current))
            current, used = [], 0
        current.append(word)
        used += n
    if current:
        pieces.append(" ".join(current))
    return pieces


def chunk_article(
    article: Article,
    count: TokenCounter,
    max_tokens: int = 256,
    target_tokens: int = 200,
    extra_metadata: dict[str, str] | None = None,
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most target_tokens, headline included."""
    # [CLS] + title + newline + body + [SEP] must fit in max_tokens.
    title_tokens = count([article.title])[0] if article.title else 0
    budget = min(target_tokens, max_tokens - 2) - title_tokens - 1
    budget = max(budget, 32)  # an absurdly long title must not leave the body nothing
    # A heading stays a paragraph of its own: joined to the next sentence it would be read,
    # and quoted, as that sentence's start ("Higher fares The ferry's fares rose ...").
    sentences = [
        (sentence, is_heading(paragraph))
        for paragraph in article.text.split("\n\n")
        for sentence in split_sentences(paragraph)
    ]
    lengths = count([sentence for sentence, _ in sentences])
    pieces: list[tuple[str, int, bool]] = []
    for (sentence, heading), n in zip(sentences, lengths, strict=True):
        if n <= budget:
            pieces.append((sentence, n, heading))
        else:
            for part in split_long(sentence, budget, count):
                pieces.append((part, count([part])[0], heading))
    bodies: list[str] = []
    current = ""
    used = 0
    for sentence, n, heading in pieces:
        # +1: joining sentences with a space may add a word piece at most.
        if current and used + n + 1 > budget:
            bodies.append(current.rstrip())
            current, used = "", 0
        used += n + (1 if current else 0)
        current += sentence + ("\n\n" if heading else " ")
    if current:
        bodies.append(current.rstrip())
    meta = base_metadata(article, extra_metadata or {})
    return [
        Chunk(
            id=chunk_id(article.id, n),
            article_id=article.id,
            text=body,
            position=n,
            metadata={**meta, "position": n, "n_chunks": len(bodies)},
        )
        for n, body in enumerate(bodies)
    ]


def base_metadata(article: Article, extra: dict[str, str]) -> dict[str, str | int]:
    """Chroma metadata of every chunk of the article (no None values: Chroma rejects them)."""
    meta: dict[str, str | int] = {
        "article_id": article.id,
        "title": article.title,
        "published_day": day_number(article.published_at),
    }
    optional = {
        "url": article.url,
        "path": article.path,
        "source": article.source,
        "author": article.author,
        "published_at": article.published_at.isoformat() if article.published_at else None,
    }
    meta.update({k: v for k, v in optional.items() if v})
    meta.update(extra)
    return meta
