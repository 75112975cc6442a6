"""A stand-in for the embedding model in tests that need vectors but not the model's meaning."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

WORD = re.compile(r"\w+")
# A rough word-piece count: every word and every punctuation mark is at least one piece.
PIECE = re.compile(r"\w+|[^\w\s]")
SUFFIXES = ("ing", "ed", "es", "s")


def stem(word: str) -> str:
    """Strip one common English suffix, so that 'ferries' and 'ferry' share more of a vector."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def bucket(token: str, dimensions: int) -> tuple[int, float]:
    """Hash a token to a dimension and a sign; stable across processes, unlike hash()."""
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dimensions, 1.0 if value >> 63 else -1.0


class HashingEmbedder:
    """Embed texts by hashing their stemmed words: no model, no torch, same vectors every run.

    Texts that share words land near each other, which is all that store round trips,
    incremental ingest and keyword-index tests need. What the model understands (synonyms,
    paraphrase, ranking quality) is not here: tests of that use the real Embedder.
    """

    def __init__(self, dimensions: int = 384, max_tokens: int = 256):
        self.dimensions = dimensions
        self.max_tokens = max_tokens  # all-MiniLM-L6-v2's window, so chunks come out alike
        self.model_name = "hashing-stand-in"
        self.device = "cpu"
        self.backend = "hashing"
        self.batch_size = 16

    @property
    def vector_space(self) -> str:
        """Name a space of its own, so that a store built here never opens with the model."""
        return f"{self.model_name}-{self.dimensions}:hashing"

    def load_in_background(self) -> None:
        """Do nothing: there is no model to load."""

    def warm_up(self, bulk: bool = True) -> None:
        """Do nothing: there is no model to load."""

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Count words and punctuation marks of each text, a stand-in for word pieces."""
        return [len(PIECE.findall(text)) for text in texts]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as unit vectors (cosine similarity is then a dot product)."""
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()):
                index, sign = bucket(stem(word), self.dimensions)
                vectors[row, index] += sign
            if not vectors[row].any():
                vectors[row, 0] = 1.0  # a zero vector has no cosine to anything
        unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        return unit

    def encode_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self.encode([text])[0]
        return vector
