"""Find the story an article is a copy of: same text after cleaning, or a near-copy.

Texts are compared as sets of word shingles (runs of SHINGLE words, case and punctuation
dropped, so re-punctuated quotes change nothing). Candidates come from two places, never from
a pass over the store: the keyword index (articles stored by earlier runs), asked for the
article's rarest words, and a MinHash LSH index (datasketch) of the articles this run stored.
The few candidates are then compared exactly.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from newsbot.core.calendar import UNKNOWN_DAY
from newsbot.core.tokenizer import Tokenizer
from newsbot.store.chroma_store import Store
from newsbot.store.copies import story_id
from newsbot.store.keyword_view import KeywordView

__all__ = ["CopyMatch", "Shingles", "StoryMatcher", "is_copy", "shingles", "similarity"]

SHINGLE = 5
MIN_WORDS = 50
"""Shorter texts never join a story: scraped pages of unrelated stories share such blurbs."""
JACCARD = 0.6
"""Shared shingles over all shingles of the two texts at which one is a copy of the other."""
CONTAINMENT = 0.9
"""Or: shared shingles over the shorter text's, for a copy cut short or with much added..."""
MIN_SIZE_RATIO = 0.25
"""...as long as the shorter text is at least this share of the longer (not a brief quoted)."""
MAX_DAYS = 7
"""Copies run within days of each other; a text republished later is news again."""
RARE_TERMS = 12  # the article's rarest words the keyword index is asked for...
RARE_FROM = 3000  # ...among its first characters: a copy shares nearly all of them
CANDIDATES = 4  # articles compared exactly from each source
NUM_PERM = 64
SAMPLE = 4  # one shingle in SAMPLE (by hash) makes the MinHash: the same estimate, cheaper
# Far below JACCARD, to propose copies cut short or grown (containment): comparing decides.
LSH_THRESHOLD = 0.2

_WORDS = re.compile(r"\w+")


def words(text: str) -> list[str]:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WORDS.findall(text.lower())


Shingles = frozenset[tuple[str, ...]]


def shingles(text: str) -> Shingles:
    """The text's word shingles; empty when it is too short to be grouped."""
    w = words(text)
    if len(w) < MIN_WORDS:
        return frozenset()
    return frozenset(zip(*(w[i:] for i in range(SHINGLE)), strict=False))


def similarity(a: Shingles, b: Shingles) -> tuple[float, float, float]:
    """Jaccard, containment (of the smaller) and size ratio of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0, 0.0
    shared = len(a & b)
    small, large = sorted((len(a), len(b)))
    return shared / (len(a) + len(b) - shared), shared / small, small / large


def is_copy(a: Shingles, b: Shingles) -> bool:
    jaccard, contained, ratio = similarity(a, b)
    return jaccard >= JACCARD or (contained >= CONTAINMENT and ratio >= MIN_SIZE_RATIO)


@dataclass(frozen=True)
class CopyMatch:
    """The story an article joins, and the stored article it was compared with."""

    story: str
    stored: str
    jaccard: float


class StoryMatcher:
    """Proposes and checks the stories an ingest run's articles may be copies of."""

    def __init__(self, store: Store, view: KeywordView | None, terms: Tokenizer):
        self.store = store
        self.view = view
        self.terms = terms
        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.story_of: dict[str, str] = {}  # articles this run stored, and their stories
        self.minhash: dict[str, MinHash] = {}
        self.pending: dict[str, tuple[Shingles, int]] = {}  # shingles, day until written
        self.removed: set[str] = set()  # articles this run deleted or rewrote as copies
        self._last: tuple[Shingles, MinHash] | None = None

    def match(
        self, article_id: str, text: str, day: int, sets: Shingles | None = None
    ) -> CopyMatch | None:
        """The story whose stored text this one copies, or None (`day`: its day number)."""
        sets = shingles(text) if sets is None else sets
        if not sets:
            return None
        best: CopyMatch | None = None
        for cand in self._candidates(article_id, text, sets):
            other, other_day = self._stored(cand)
            if other is None or not is_copy(sets, other):
                continue
            if day > UNKNOWN_DAY and other_day > UNKNOWN_DAY and abs(day - other_day) > MAX_DAYS:
                continue
            jaccard = similarity(sets, other)[0]
            if best is None or jaccard > best.jaccard:
                best = CopyMatch(self._story(cand), cand, jaccard)
        return best

    def remember(self, article_id: str, story: str, day: int, sets: Shingles) -> None:
        """Note an article this run stores, so later articles of the run can join its story."""
        if self.story_of.pop(article_id, None) is not None:
            self.lsh.remove(article_id)
            del self.minhash[article_id]
        if not sets:
            return
        self.removed.discard(article_id)
        self.story_of[article_id] = story
        self.pending[article_id] = (sets, day)
        self.minhash[article_id] = self._signature(sets)
        self.lsh.insert(article_id, self.minhash[article_id])

    def forget(self, article_id: str) -> None:
        """Note an article this run deleted: it is no story to join any more."""
        self.removed.add(article_id)
        self.pending.pop(article_id, None)
        if self.story_of.pop(article_id, None) is not None:
            self.lsh.remove(article_id)
            del self.minhash[article_id]

    def written(self) -> None:
        """Drop the texts of written articles: they are read back from the store if needed."""
        self.pending.clear()

    def _candidates(self, article_id: str, text: str, sets: Shingles) -> list[str]:
        found: list[str] = []
        if self.story_of:
            mine = self._signature(sets)
            near = sorted(self.lsh.query(mine), key=lambda c: -mine.jaccard(self.minhash[c]))
            found += near[:CANDIDATES]
        if self.view is not None:
            found += self._rare(text)
        seen: set[str] = {article_id}
        out = []
        for cand in found:
            if cand not in seen and cand not in self.removed:
                seen.add(cand)
                out.append(cand)
        return out

    def _signature(self, sets: Shingles) -> MinHash:
        """The set's MinHash; the one just computed when an article is matched then stored."""
        if self._last is None or self._last[0] is not sets:
            self._last = (sets, _minhash(sets))
        return self._last[1]

    def _rare(self, text: str) -> list[str]:
        """Stored articles that share the most of this text's rarest words."""
        assert self.view is not None
        if not self.view.articles:
            return []
        freq = self.view.doc_freqs(set(self.terms(text[:RARE_FROM])))
        rare = sorted((n, t) for t, n in freq.items() if n > 0)[:RARE_TERMS]
        return self.view.similar_articles([t for _, t in rare], CANDIDATES)

    def _story(self, article_id: str) -> str:
        if article_id in self.story_of:
            return self.story_of[article_id]
        assert self.view is not None
        head = self.view.article_chunks(article_id)[:1]
        return story_id(head[0].metadata if head else None, article_id)

    def _stored(self, article_id: str) -> tuple[Shingles | None, int]:
        """A stored article's shingles and day (None: it is not stored any more)."""
        if article_id in self.pending:
            return self.pending[article_id]
        if article_id in self.story_of or self.view is None:
            chunks = self.store.read_articles([article_id]).get(article_id, [])
        else:
            chunks = self.view.article_chunks(article_id)
        if not chunks:
            return None, UNKNOWN_DAY
        day = int(chunks[0].metadata.get("published_day", UNKNOWN_DAY))
        return shingles(" ".join(c.text for c in chunks)), day


def _minhash(sets: Shingles) -> MinHash:
    """The MinHash of a shingle set, from Python's own string hashes.

    Those differ between processes, which is fine: the LSH index lives in one ingest run.
    They cost a fraction of datasketch's default SHA-1 per shingle.
    """
    every = np.fromiter(map(hash, sets), dtype=np.int64, count=len(sets)) & 0xFFFFFFFF
    hashes = every[every % SAMPLE == 0].tolist()
    perms, scheme = _permutations()
    m = MinHash(num_perm=NUM_PERM, hashfunc=_same, permutations=perms, scheme=scheme)
    m.update_batch(hashes or [0])
    return m


def _same(value: int) -> int:
    return value


@functools.cache
def _permutations() -> tuple[tuple[np.ndarray, np.ndarray], str]:
    """Drawn once: a MinHash draws its permutations afresh unless given them."""
    drawn = MinHash(num_perm=NUM_PERM)
    return drawn.permutations, drawn.scheme
