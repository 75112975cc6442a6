"""The small types, errors, sentences, words and calendar every room speaks."""

from newsbot.core.errors import ConfigError, InputError, NewsbotError, StoreError
from newsbot.core.types import Answer, Article, Chunk, Citation, Copy, Passage, Story, Turn

__all__ = [
    "Answer",
    "Article",
    "Chunk",
    "Citation",
    "ConfigError",
    "Copy",
    "InputError",
    "NewsbotError",
    "Passage",
    "StoreError",
    "Story",
    "Turn",
]
