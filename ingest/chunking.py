"""Cut articles into sentence-aligned chunks that fit the embedding model's window."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from newsbot.core.calendar import day_number
from newsbot.core.sentences import split_sentences
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
    sentences = split_sentences(article.text)
    lengths = count(sentences)
    pieces: list[tuple[str, int]] = []
    for sentence, n in zip(sentences, lengths, strict=True):
        if n <= budget:
            pieces.append((sentence, n))
        else:
            for part in split_long(sentence, budget, count):
                pieces.append((part, count([part])[0]))
    bodies: list[str] = []
    current: list[str] = []
    used = 0
    for sentence, n in pieces:
        # +1: joining sentences with a space may add a word piece at most.
        if current and used + n + 1 > budget:
            bodies.append(" ".join(current))
            current, used = [], 0
        current.append(sentence)
        used += n + (1 if len(current) > 1 else 0)
    if current:
        bodies.append(" ".join(current))
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
