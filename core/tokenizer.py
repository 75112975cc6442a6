"""Words as search sees them: one tokenizer shared by the keyword index and the composer."""

from __future__ import annotations

import re
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


class Tokenizer:
    """bm25s's English tokenization (words of 2+ characters, stopwords out, stemmed), cached.

    The composer tokenizes every candidate sentence, so this runs thousands of times per
    answer: the stem of each distinct word is computed once per process.
    """

    WORDS = re.compile(r"(?u)\b\w\w+\b")

    def __init__(self) -> None:
        from bm25s.stopwords import STOPWORDS_EN

        self.stopwords = frozenset(STOPWORDS_EN)
        self.stemmer = _stemmer()
        self._stems: dict[str, str] = {}

    def __call__(self, text: str) -> list[str]:
        words = [w for w in self.WORDS.findall(text.lower()) if w not in self.stopwords]
        new = [w for w in set(words) if w not in self._stems]
        if new:
            stems = self.stemmer.stemWords(new) if self.stemmer else new
            self._stems.update(zip(new, stems, strict=True))
        return [self._stems[w] for w in words]

    def stem_words(self, words: list[str]) -> list[str]:
        """Stem words as the index does, without caching (for one-off candidate spellings)."""
        return self.stemmer.stemWords(words) if self.stemmer else list(words)
