"""/timeline WORDS: how a story developed, oldest first, each step dated and cited."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from newsbot.bot.context import Context
from newsbot.bot.handlers import message_of
from newsbot.bot.render import telegram_messages, to_terminal
from newsbot.core import Answer

HELP = "/timeline WORDS lists the stories on a topic, oldest first, e.g. /timeline electric ferries"
COMMANDS = [("timeline", "the stories on a topic, oldest first")]


async def timeline_command(update: Update, context: Context) -> None:
    from newsbot.retrieval import build_timeline, timeline_answer_of

    message = message_of(update)
    topic = " ".join(context.args or [])
    if not topic:
        await message.reply_text(HELP)
        return
    steps = await asyncio.to_thread(build_timeline, context.bot_data.newsbot, topic)
    if not steps:
        await message.reply_text(f"No stories on “{topic}” yet.")
        return
    answer: Answer = timeline_answer_of(steps)
    for body, _ in telegram_messages(answer):
        try:
            await message.reply_text(body, parse_mode=ParseMode.HTML)
        except BadRequest:  # HTML Telegram would not take: the same answer, plain
            await message.reply_text(to_terminal(answer))
            return
