"""Make an answer and deliver it: typing while it is made, HTML with a plain-text fallback."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError

from newsbot.bot.context import Context
from newsbot.bot.render import telegram_messages
from newsbot.bot.streaming import stream_answer
from newsbot.core import Answer

log = logging.getLogger(__name__)

DRAFT_LIMIT = 4000  # a draft longer than one message is cut; the final answer is split
TYPING_EVERY = 4.0  # Telegram clears the typing status after about five seconds
FIRST_TYPING_WAIT = 2.0  # at most this long an answer waits for its first "typing…" to go out


class Typing:
    """Show 'typing…' while an answer is made, repeated until stopped."""

    def __init__(self, bot: Bot, chat_id: int):
        self.shown = asyncio.Event()
        self.task = asyncio.create_task(self._keep_typing(bot, chat_id))

    async def _keep_typing(self, bot: Bot, chat_id: int) -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            self.shown.set()
            await asyncio.sleep(TYPING_EVERY)

    async def stop(self) -> None:
        """Stop, after the first 'typing…' went out: a fast answer must not cut it mid-request."""
        if not self.task.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.shown.wait(), FIRST_TYPING_WAIT)
        self.task.cancel()


async def answer_question(message: Message, context: Context, question: str) -> None:
    """Answer one question from the news; a chat model's words are shown as they come."""
    newsbot = context.bot_data.newsbot
    memory = context.bot_data.memory
    chat_id = message.chat_id
    typing = Typing(context.bot, chat_id)
    draft: Message | None = None

    async def edit(text: str) -> None:
        # Drafts are plain text (nothing to escape); the checked answer replaces the last one.
        nonlocal draft
        await typing.stop()
        if draft is None:
            draft = await message.reply_text(text[:DRAFT_LIMIT])
        else:
            await draft.edit_text(text[:DRAFT_LIMIT])

    # Telegram allows about 20 messages a minute in a group: draft less often there.
    interval = 1.0 if message.chat.type == "private" else 3.0
    try:
        events = newsbot.stream(question, memory.history(chat_id))
        answer = await stream_answer(events, edit, interval=interval)
    finally:
        await typing.stop()
    memory.remember(chat_id, question, answer)
    context.bot_data.counters["answered"] += 1
    await send_answer(message, answer, draft)


async def send_answer(message: Message, answer: Answer, draft: Message | None = None) -> None:
    """Send each piece as HTML (the first replacing the draft, if any); plain text if rejected."""
    for i, (html_text, plain) in enumerate(telegram_messages(answer)):
        replace = draft if i == 0 else None
        try:
            await deliver_piece(message, replace, html_text, plain)
        except TelegramError as error:
            if replace is None:
                raise
            # The draft showed the model's unchecked words: it must not outlive the answer.
            log.warning("could not turn the draft into the answer, replacing it: %s", error)
            with contextlib.suppress(TelegramError):
                await replace.delete()
            await deliver_piece(message, None, html_text, plain)


async def deliver_piece(
    message: Message, draft: Message | None, html_text: str, plain: str
) -> None:
    """Deliver one piece as HTML, or as plain text if Telegram cannot parse the HTML."""
    try:
        await deliver(message, draft, html_text, ParseMode.HTML)
    except BadRequest as error:
        if "parse entities" not in str(error).lower():
            raise
        log.warning("Telegram rejected the HTML answer, sending plain text: %s", error)
        await deliver(message, draft, plain, None)


async def deliver(message: Message, draft: Message | None, text: str, mode: str | None) -> None:
    """Reply with text, or turn the draft into it."""
    if draft is None:
        await message.reply_text(text, parse_mode=mode)
    else:
        await draft.edit_text(text, parse_mode=mode)
