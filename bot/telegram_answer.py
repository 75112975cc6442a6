"""Make an answer and deliver it: typing while it is made, HTML with a plain-text fallback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.memory import ChatMemory
from bot.render import telegram_messages
from retrieval.types import Answer

log = logging.getLogger(__name__)

TYPING_EVERY = 4.0  # Telegram clears the typing status after about five seconds


async def keep_typing(bot: Any, chat_id: int) -> None:
    """Show 'typing…' until cancelled."""
    while True:
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        await asyncio.sleep(TYPING_EVERY)


async def answer_question(
    message: Message, context: ContextTypes.DEFAULT_TYPE, question: str
) -> None:
    """Answer one question from the news and send it (the one step streaming would replace)."""
    newsbot = context.bot_data["newsbot"]
    memory: ChatMemory = context.bot_data["memory"]
    chat_id = message.chat_id
    typing = asyncio.create_task(keep_typing(context.bot, chat_id))
    try:
        answer = await asyncio.to_thread(newsbot.answer, question, memory.history(chat_id))
    finally:
        typing.cancel()
    memory.remember(chat_id, question, answer)
    context.bot_data["counters"]["answered"] += 1
    await send_answer(message, answer)


async def send_answer(message: Message, answer: Answer) -> None:
    """Send each piece as HTML; a piece Telegram cannot parse goes out as plain text instead."""
    for html_text, plain in telegram_messages(answer):
        try:
            await message.reply_text(
                html_text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
            )
        except BadRequest as error:
            if "parse entities" not in str(error).lower():
                raise
            log.warning("Telegram rejected the HTML answer, sending plain text: %s", error)
            await message.reply_text(plain, disable_web_page_preview=True)
