"""Words as search sees them: one tokenizer shared by the keyword index and the composer."""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol


class WordStemmer(Protocol):
    """What the tokenizer needs of PyStemmer's stemmer (the package has no type hints)."""

    def stemWords(self, words: list[str]) -> list[str]: ...


def _stemmer() -> WordStemmer | None:
    try:
        import Stemmer

        stemmer: WordStemmer = Stemmer.Stemmer("english")
        return stemmer
    except ImportError:  # pragma: no cover - PyStemmer is a dependency; degrade gracefully
        return None


# One stem for the everyday word and the news's: "kids" are "children" (and "a child").
SAME_STEMS = {"kid": "child", "children": "child"}


def without_accents(word: str) -> str:
    """The word as people type it on a plain keyboard: "Beyoncé" is "Beyonce"."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Tokenizer:
    """bm25s's English tokenization (words of 2+ characters, stopwords out, stemmed), cached.

    Accents are dropped before stemming, so a name typed without them finds the articles that
    print them (and the other way round); initials with dots are a word ("U.S." is "US"), and
    so is a code ("BA.5" is "BA5"); "kids" and "children" are one word (`SAME_STEMS`).

    The composer tokenizes every candidate sentence, so this runs thousands of times per
    answer: the stem of each distinct word is computed once per process.
    """

    WORDS = re.compile(r"(?u)\b\w\w+\b")
    # "U.S.", "U.K.", "D.C.": letters with dots are one word ("US"), not single letters dropped.
    INITIALS = re.compile(r"\b(?:[A-Z]\.){2,}")
    # "BA.5", "XBB.1.5": a code of letters and numbers is one word ("ba5"); apart, "BA.5" and
    # "BA.2" were the same word "ba" (a one-digit number is too short to be a word).
    CODES = re.compile(r"\b([A-Za-z]{1,5})\.(\d+(?:\.\d+)*)\b")

    def __init__(self) -> None:
        from bm25s.stopwords import STOPWORDS_EN

        self.stopwords = frozenset(STOPWORDS_EN)
        self.stemmer = _stemmer()
        self._stems: dict[str, str] = {}

    def __call__(self, text: str) -> list[str]:
        if "." in text:
            text = self.INITIALS.sub(lambda m: m.group(0).replace(".", ""), text)
            text = self.CODES.sub(lambda m: m.group(0).replace(".", ""), text)
        words = [w for w in self.WORDS.findall(text.lower()) if w not in self.stopwords]
        new = [w for w in set(words) if w not in self._stems]
        if new:
            plain = [without_accents(w) for w in new]
            stems = self.stemmer.stemWords(plain) if self.stemmer else plain
            self._stems.update(zip(new, (SAME_STEMS.get(s, s) for s in stems), strict=True))
        return [self._stems[w] for w in words]

    def stem_words(self, words: list[str]) -> list[str]:
        """Stem words as the index does, without caching (for one-off candidate spellings)."""
        plain = [without_accents(w) for w in words]
        stems = self.stemmer.stemWords(plain) if self.stemmer else plain
        return [SAME_STEMS.get(s, s) for s in stems]
