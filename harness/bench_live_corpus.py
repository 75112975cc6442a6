"""What `newsbot bench-live` writes and asks: the synthetic store, each round's new article.

The synthetic news is short texts of common words around made-up names, each chunk with a
random unit vector (the model is never loaded to build a store); the new article names a word
no synthetic chunk holds, so an answer citing it proves the article was seen.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from newsbot.harness.bench_scale import unit_vectors

WRITE_ARTICLES = 200  # synthetic articles per Store.write_articles call

_COMMON_TEXT = (
    "the a of to in and said on for with that by at from as was is were has have will would "
    "after before during over under about against between new first last year week month day "
    "city council mayor county state government minister officials police court judge trial "
    "school students teachers hospital health doctors patients budget tax million billion "
    "percent market shares prices inflation bank rates economy jobs workers union strike "
    "company chief executive deal talks election vote voters campaign party leader president "
    "river bridge road rail transit ferry airport flights storm flood fire weather heat rain "
    "energy power plant water farm crops festival museum team season game league coach "
    "report study researchers data plan project contract announced expected warned agreed "
    "opened closed rose fell cut raised signed approved rejected delayed reported confirmed"
)
_COMMON = _COMMON_TEXT.split()
_SYLLABLE_TEXT = (
    "ka ro mi ten bar lo vin sa dre po nul ha ze fo rik ma tel gor an bel cas du er fin gul "
    "hel ix jor kel lum nor osk pel quin rad sol tav ur vel wen yor zan"
)
_SYLLABLES = _SYLLABLE_TEXT.split()
# Letters only, absent from every syllable combination above: no synthetic chunk holds them.
_UNIQUE_STEMS = ("Qwyxt", "Zhqorv", "Xyqval", "Vwqix", "Jqyzz", "Pxqulth", "Kqwyv", "Fzqyx")


def names(rng: random.Random, n: int) -> list[str]:
    """Make n pronounceable made-up names (the rare words of the synthetic news)."""
    made: set[str] = set()
    while len(made) < n:
        made.add("".join(rng.choices(_SYLLABLES, k=rng.randint(2, 3))).capitalize())
    return sorted(made)


def sentence(rng: random.Random, people: list[str]) -> str:
    # Zipf-like: the first words of the list are the commonest.
    words = [_COMMON[min(int(rng.paretovariate(0.9)) - 1, len(_COMMON) - 1)] for _ in range(14)]
    words += rng.sample(_COMMON, 4)
    rng.shuffle(words)
    words.insert(rng.randrange(len(words)), rng.choice(people))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 990)}")
    return " ".join(words).capitalize() + "."


def synthetic_articles(n_chunks: int, today: date, seed: int = 5) -> Iterator[list[Any]]:
    """Yield articles of 2-8 chunks (Chunk lists, as ingest stores them) until n_chunks."""
    from newsbot.core.calendar import day_number
    from newsbot.core.types import Chunk
    from newsbot.store.chroma_rows import chunk_id

    rng = random.Random(seed)
    people = names(rng, max(200, n_chunks // 20))
    made = 0
    i = 0
    while made < n_chunks:
        n = min(rng.randint(2, 8), n_chunks - made)
        aid = f"synthetic{i:08d}"
        day = today - timedelta(days=rng.randrange(365))
        title = " ".join(rng.sample(_COMMON[40:], 5)).capitalize() + " " + rng.choice(people)
        meta: dict[str, Any] = {
            "article_id": aid,
            "title": title,
            "published_day": day_number(day),
            "published_at": day.isoformat(),
            "url": f"https://example.invalid/live/{i}",
            "source": f"source{i % 40}.example.invalid",
            "content_hash": f"{i:032x}",
            "origin": "synthetic",
            "n_chunks": n,
        }
        yield [
            Chunk(
                id=chunk_id(aid, p),
                article_id=aid,
                text=" ".join(sentence(rng, people) for _ in range(rng.randint(3, 6))),
                position=p,
                metadata={**meta, "position": p},
            )
            for p in range(n)
        ]
        made += n
        i += 1


def settings_for(data_dir: Path) -> Any:
    from newsbot.retrieval.settings import RetrievalSettings

    return RetrievalSettings(data_dir=data_dir, chroma_url="")


def build_store(data_dir: Path, n_chunks: int) -> dict[str, Any]:
    """Write n_chunks synthetic chunks through Store; catch the keyword index up as ingest does."""
    from newsbot.store.writer import catch_up, open_writer

    settings = settings_for(data_dir)
    vectors = np.random.default_rng(13)
    started = time.perf_counter()
    write_s = catch_up_s = 0.0
    # The model is never loaded: the vectors are made up.
    with open_writer(settings, settings.embedder(), wait=True) as store:
        batch: list[tuple[list[Any], np.ndarray, int]] = []
        for chunks in synthetic_articles(n_chunks, date.today()):
            batch.append((chunks, unit_vectors(vectors, len(chunks)), 0))
            if len(batch) == WRITE_ARTICLES:
                write_s, catch_up_s = _write(store, batch, write_s, catch_up_s, catch_up)
                batch = []
        write_s, catch_up_s = _write(store, batch, write_s, catch_up_s, catch_up)
        count = store.count()
    return {
        "chunks": count,
        "build_s": round(time.perf_counter() - started, 1),
        "chroma_write_s": round(write_s, 1),
        "keyword_catch_up_s": round(catch_up_s, 1),
    }


def _write(store: Any, batch: list[Any], write_s: float, catch_up_s: float, catch_up: Any) -> Any:
    if not batch:
        return write_s, catch_up_s
    started = time.perf_counter()
    store.write_articles(batch)
    middle = time.perf_counter()
    catch_up(store, settled=True)
    return write_s + middle - started, catch_up_s + time.perf_counter() - middle


def new_article(folder: Path, repeat: int, rng: random.Random) -> tuple[Path, str, str]:
    """Write one small article naming a made-up word no synthetic chunk holds."""
    word = f"{_UNIQUE_STEMS[repeat % len(_UNIQUE_STEMS)]}{''.join(rng.choices('qxz', k=4))}"
    figure = f"{rng.randint(11, 99)}.{rng.randint(1, 9)}"
    path = folder / f"{word.lower()}.txt"
    path.write_text(
        f"{word} bridge repair to cost {figure} million\n\n"
        f"The city council approved the {word} bridge repair on Tuesday. Officials said the "
        f"work on the {word} bridge will cost {figure} million and take two years. Traffic "
        "will move to the old ferry route while the bridge is closed.\n\n"
        f"{date.today():%B %d, %Y}\nSource: example.invalid\n",
        encoding="utf-8",
    )
    return path, word, f"How much will the {word} bridge repair cost?"


def keyword_queries(n: int, seed: int = 17) -> list[str]:
    rng = random.Random(seed)
    people = names(random.Random(5), 200)
    return [
        f"What did {rng.choice(people)} say about the {' '.join(rng.sample(_COMMON[40:], 2))}?"
        for _ in range(n)
    ]
