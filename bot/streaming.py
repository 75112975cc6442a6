"""Show an answer while it is written: throttled drafts for chat front ends."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable

from newsbot.core import Answer
from newsbot.retrieval import Final, Token

log = logging.getLogger(__name__)

CURSOR = " …"


async def stream_answer(
    events: Iterable[Token | Final],
    edit: Callable[[str], Awaitable[object]],
    interval: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
) -> Answer:
    """Draft the text through `edit` at most once per `interval` seconds; return the Answer.

    The events come from `Newsbot.stream`, a blocking iterator (retrieval, the model) whose
    tokens are sentences that passed the check, so each step runs in a worker thread. Drafts
    are best effort: after one fails (flood control, a deleted message), no more are sent.
    The caller shows the returned, checked answer itself.
    """
    iterator = iter(events)
    text, drafted = "", ""
    last = float("-inf")
    drafting = True
    try:
        while True:
            event = await asyncio.to_thread(next, iterator, None)
            if event is None:
                raise RuntimeError("the answer stream ended without a final answer")
            if isinstance(event, Final):
                return event.answer
            text += event.text
            if not drafting or clock() - last < interval or not text.strip() or text == drafted:
                continue
            try:
                await edit(text.strip() + CURSOR)
            except Exception as error:
                log.warning("draft edit failed, no more drafts for this answer: %s", error)
                drafting = False
            last, drafted = clock(), text
    finally:
        close = getattr(iterator, "close", None)
        if close:
            # ValueError: still running in its worker thread (we were cancelled).
            with contextlib.suppress(ValueError):
                close()
