"""Questions in, cited answers out: reading the question, searching, composing the answer.

Package-level names load their modules on first use, so `newsbot --help` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsbot.core.lazy import lazy_names

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


__getattr__ = lazy_names(__name__, _HOMES)
