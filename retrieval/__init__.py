"""Questions in, cited answers out: reading the question, searching, composing the answer.

Package-level names load their modules on first use, so `newsbot --help` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsbot.core.lazy import lazy_names

if TYPE_CHECKING:
    from newsbot.retrieval.alerts import (
        DigestOrder,
        Meaning,
        TopicMatch,
        digest_order,
        match,
        meaning,
        ready_position,
    )
    from newsbot.retrieval.answer.generative import Final, Token
    from newsbot.retrieval.newsbot import Newsbot
    from newsbot.retrieval.settings import RetrievalSettings
    from newsbot.retrieval.timeline import (
        TimelineStep,
        build_timeline,
        tell_timelines,
        timeline_answer,
        timeline_answer_of,
        timeline_lines,
    )

_HOMES = {
    "DigestOrder": "newsbot.retrieval.alerts",
    "Final": "newsbot.retrieval.answer.generative",
    "digest_order": "newsbot.retrieval.alerts",
    "Meaning": "newsbot.retrieval.alerts",
    "TimelineStep": "newsbot.retrieval.timeline",
    "build_timeline": "newsbot.retrieval.timeline",
    "meaning": "newsbot.retrieval.alerts",
    "timeline_answer": "newsbot.retrieval.timeline",
    "timeline_answer_of": "newsbot.retrieval.timeline",
    "timeline_lines": "newsbot.retrieval.timeline",
    "tell_timelines": "newsbot.retrieval.timeline",
    "Newsbot": "newsbot.retrieval.newsbot",
    "RetrievalSettings": "newsbot.retrieval.settings",
    "Token": "newsbot.retrieval.answer.generative",
    "TopicMatch": "newsbot.retrieval.alerts",
    "match": "newsbot.retrieval.alerts",
    "ready_position": "newsbot.retrieval.alerts",
}
__all__ = [
    "DigestOrder",
    "Final",
    "Meaning",
    "Newsbot",
    "RetrievalSettings",
    "TimelineStep",
    "Token",
    "TopicMatch",
    "build_timeline",
    "digest_order",
    "match",
    "meaning",
    "ready_position",
    "tell_timelines",
    "timeline_answer",
    "timeline_answer_of",
    "timeline_lines",
]


__getattr__ = lazy_names(__name__, _HOMES)
