"""Find the story an article is a copy of: same text after cleaning, or a near-copy.

Texts are compared as sets of word shingles (runs of SHINGLE words, case and punctuation
dropped, so re-punctuated quotes change nothing). Candidates come from two places, never from
a pass over the store: the keyword index (articles stored by earlier runs), asked for the
article's rarest words, and MinHash LSH indexes (datasketch) of the articles this run stored.
The few candidates are then compared exactly.

A brief (under MIN_WORDS words) groups too, but only when its headline is about its text:
scraped pages of unrelated stories share short blurbs (an ad widget, a consent form) whose
words their headlines do not use. Briefs are copies by Jaccard alone, never by containment,
and only when most of the brief runs unbroken through the other text (BRIEF_RUN).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

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
"""Shorter texts (briefs) join a story only when their headline fits them (HEADLINE_FIT)."""
HEADLINE_FIT = (2, 0.5)
"""A brief's headline fits it when this many of its words (cut to STEM letters), or this
share of them, are in the text. Blurbs shared by unrelated pages share at most one word with
their headlines, most often the outlet's name (measured on dev: 28 pages, two blurbs)."""
STEM = 5
SHORT_SETS = MIN_WORDS - SHINGLE + 1
"""Shingle sets smaller than this are briefs'."""
BRIEF_RUN = 0.8
"""A brief's copy holds this share of the brief's words as one unbroken run: a dateline or a
source line may differ at the ends, but briefs written to one template (another name, another
figure inside) are distinct stories."""
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
# Briefs are copies by Jaccard alone; their sets are too small to sample, so they have an
# index of their own, which also holds every set a brief's copy could have.
BRIEF_LSH_THRESHOLD = 0.4
NEAR_BRIEF_SETS = int(SHORT_SETS / JACCARD) + 1
# Words a headline shares with any text: they say nothing about whether it fits this one.
_FILLER = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in"),
        *("is", "it", "its", "of", "on", "or", "the", "to", "was", "were", "will", "with"),
        *("after", "over", "new", "says", "said", "can", "we", "you", "your", "our", "other"),
        *("how", "what", "who", "why", "when", "not", "no", "this", "that", "more", "all"),
        *("but", "up", "out", "about", "into", "than", "they", "he", "she", "his", "her"),
        *("their", "i", "s", "t"),
    }
)
# "Ford recall - CNN", "Quiz of the week | The Week UK": the outlet after the headline.
_OUTLET_SUFFIX = re.compile(r"\s+[|\-–—]\s+[^|\-–—]{1,30}$")

_WORDS = re.compile(r"\w+")


def words(text: str) -> list[str]:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WORDS.findall(text.lower())


Shingles = frozenset[tuple[str, ...]]


def shingles(text: str, title: str | None = None) -> Shingles:
    """The text's word shingles; empty for a brief whose headline (if any) does not fit it."""
    w = words(text)
    if len(w) < MIN_WORDS and (title is None or not headline_fits(title, w)):
        return frozenset()
    if len(w) < SHINGLE:
        return frozenset([tuple(w)]) if w else frozenset()
    return frozenset(zip(*(w[i:] for i in range(SHINGLE)), strict=False))


def headline_fits(title: str, text_words: list[str]) -> bool:
    """Whether the headline's words are in the text (the brief is what it heads)."""
    heading = {t[:STEM] for t in words(_OUTLET_SUFFIX.sub("", title)) if t not in _FILLER}
    if not heading:
        return False
    shared = len(heading & {t[:STEM] for t in text_words})
    least, share = HEADLINE_FIT
    return shared >= least or shared >= share * len(heading)


def similarity(a: Shingles, b: Shingles) -> tuple[float, float, float]:
    """Jaccard, containment (of the smaller) and size ratio of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0, 0.0
    shared = len(a & b)
    small, large = sorted((len(a), len(b)))
    return shared / (len(a) + len(b) - shared), shared / small, small / large


def is_copy(a: Shingles, b: Shingles) -> bool:
    """Whether two texts are one story by their shingles (briefs: see also `runs_through`)."""
    jaccard, contained, ratio = similarity(a, b)
    if jaccard >= JACCARD:
        return True
    # A brief inside another text is a quote or a teaser, not a copy.
    brief = min(len(a), len(b)) < SHORT_SETS
    return not brief and contained >= CONTAINMENT and ratio >= MIN_SIZE_RATIO


def is_brief(a: Shingles, b: Shingles) -> bool:
    return min(len(a), len(b)) < SHORT_SETS


def runs_through(a: str, b: str) -> bool:
    """Whether the shorter text's words run unbroken through the other, but for its ends."""
    wa, wb = words(a), words(b)
    run = SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, len(wa), 0, len(wb))
    return run.size >= BRIEF_RUN * min(len(wa), len(wb))


@dataclass(frozen=True)
class CopyMatch:
    """The story an article joins, and the stored article it was compared with."""

    story: str
    stored: str
    jaccard: float


class _Index:
    """One MinHash LSH index of this run's articles, and their signatures."""

    def __init__(self, threshold: float, sample: int):
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.sample = sample
        self.minhash: dict[str, MinHash] = {}
        self._last: tuple[Shingles, MinHash] | None = None

    def signature(self, sets: Shingles) -> MinHash:
        """The set's MinHash; the one just computed when an article is matched then stored."""
        if self._last is None or self._last[0] is not sets:
            self._last = (sets, _minhash(sets, self.sample))
        return self._last[1]

    def insert(self, article_id: str, sets: Shingles) -> None:
        self.minhash[article_id] = self.signature(sets)
        self.lsh.insert(article_id, self.minhash[article_id])

    def remove(self, article_id: str) -> None:
        if self.minhash.pop(article_id, None) is not None:
            self.lsh.remove(article_id)

    def nearest(self, sets: Shingles) -> list[str]:
        """Up to CANDIDATES articles, by estimated Jaccard."""
        if not self.minhash:
            return []
        mine = self.signature(sets)
        near = sorted(self.lsh.query(mine), key=lambda c: -mine.jaccard(self.minhash[c]))
        return near[:CANDIDATES]


class StoryMatcher:
    """Proposes and checks the stories an ingest run's articles may be copies of."""

    def __init__(self, store: Store, view: KeywordView | None, terms: Tokenizer):
        self.store = store
        self.view = view
        self.terms = terms
        self.texts = _Index(LSH_THRESHOLD, SAMPLE)
        self.briefs = _Index(BRIEF_LSH_THRESHOLD, 1)
        self.story_of: dict[str, str] = {}  # articles this run stored, and their stories
        # Until written: shingles, day, and a brief's text (compared word by word).
        self.pending: dict[str, tuple[Shingles, int, str]] = {}
        self.removed: set[str] = set()  # articles this run deleted or rewrote as copies

    def match(
        self, article_id: str, text: str, day: int, sets: Shingles | None = None
    ) -> CopyMatch | None:
        """The story whose stored text this one copies, or None (`day`: its day number)."""
        sets = shingles(text) if sets is None else sets
        if not sets:
            return None
        best: CopyMatch | None = None
        for cand in self._candidates(article_id, text, sets):
            other, other_day, other_text = self._stored(cand)
            if other is None or not is_copy(sets, other):
                continue
            if is_brief(sets, other) and not runs_through(text, other_text):
                continue
            if day > UNKNOWN_DAY and other_day > UNKNOWN_DAY and abs(day - other_day) > MAX_DAYS:
                continue
            jaccard = similarity(sets, other)[0]
            if best is None or jaccard > best.jaccard:
                best = CopyMatch(self._story(cand), cand, jaccard)
        return best

    def remember(
        self, article_id: str, story: str, day: int, sets: Shingles, text: str = ""
    ) -> None:
        """Note an article this run stores, so later articles of the run can join its story."""
        if self.story_of.pop(article_id, None) is not None:
            self._unindex(article_id)
        if not sets:
            return
        self.removed.discard(article_id)
        self.story_of[article_id] = story
        self.pending[article_id] = (sets, day, text if len(sets) < NEAR_BRIEF_SETS else "")
        for index in self._indexes(sets):
            index.insert(article_id, sets)

    def forget(self, article_id: str) -> None:
        """Note an article this run deleted: it is no story to join any more."""
        self.removed.add(article_id)
        self.pending.pop(article_id, None)
        if self.story_of.pop(article_id, None) is not None:
            self._unindex(article_id)

    def written(self) -> None:
        """Drop the texts of written articles: they are read back from the store if needed."""
        self.pending.clear()

    def _indexes(self, sets: Shingles) -> list[_Index]:
        """The indexes a set goes in and is looked up in: briefs', texts', or both."""
        found = [self.briefs] if len(sets) < NEAR_BRIEF_SETS else []
        return [*found, self.texts] if len(sets) >= SHORT_SETS else found

    def _unindex(self, article_id: str) -> None:
        self.texts.remove(article_id)
        self.briefs.remove(article_id)

    def _candidates(self, article_id: str, text: str, sets: Shingles) -> list[str]:
        found: list[str] = []
        for index in self._indexes(sets):
            found += index.nearest(sets)
        if self.view is not None:
            found += self._rare(text)
        seen: set[str] = {article_id}
        out = []
        for cand in found:
            if cand not in seen and cand not in self.removed:
                seen.add(cand)
                out.append(cand)
        return out

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

    def _stored(self, article_id: str) -> tuple[Shingles | None, int, str]:
        """A stored article's shingles, day and text (None: it is not stored any more)."""
        if article_id in self.pending:
            return self.pending[article_id]
        if article_id in self.story_of or self.view is None:
            chunks = self.store.read_articles([article_id]).get(article_id, [])
        else:
            chunks = self.view.article_chunks(article_id)
        if not chunks:
            return None, UNKNOWN_DAY, ""
        day = int(chunks[0].metadata.get("published_day", UNKNOWN_DAY))
        title = str(chunks[0].metadata.get("title", ""))
        text = " ".join(c.text for c in chunks)
        return shingles(text, title), day, text


def _minhash(sets: Shingles, sample: int) -> MinHash:
    """The MinHash of a shingle set (one shingle in `sample`), from Python's own string hashes.

    Those differ between processes, which is fine: the LSH index lives in one ingest run.
    They cost a fraction of datasketch's default SHA-1 per shingle.
    """
    every = np.fromiter(map(hash, sets), dtype=np.int64, count=len(sets)) & 0xFFFFFFFF
    hashes = every[every % sample == 0].tolist()
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
