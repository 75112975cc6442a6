"""Questions in, cited answers out: reading the question, searching, composing the answer.

Package-level names load their modules on first use, so `newsbot --help` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsbot.retrieval.alerts import TopicMatch, match, ready_position
    from newsbot.retrieval.answer.generative import Final, Token
    from newsbot.retrieval.newsbot import Newsbot
    from newsbot.retrieval.settings import RetrievalSettings

_HOMES = {
    "Final": "newsbot.retrieval.answer.generative",
    "Newsbot": "newsbot.retrieval.newsbot",
    "RetrievalSettings": "newsbot.retrieval.settings",
    "Token": "newsbot.retrieval.answer.generative",
    "TopicMatch": "newsbot.retrieval.alerts",
    "match": "newsbot.retrieval.alerts",
    "ready_position": "newsbot.retrieval.alerts",
}
__all__ = [
    "Final",
    "Newsbot",
    "RetrievalSettings",
    "Token",
    "TopicMatch",
    "match",
    "ready_position",
]


def __getattr__(name: str) -> object:
    """Import a package-level name from the module that defines it, on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
