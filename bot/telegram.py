"""The Telegram front end: a python-telegram-bot Application that answers with citations."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.memory import ChatMemory
from bot.render import split_message, to_html, to_terminal
from bot.settings import BotSettings
from retrieval.errors import ConfigError

log = logging.getLogger(__name__)

HELP = (
    "Ask me a question about the news I have read, for example:\n"
    "• What did the two governments agree on?\n"
    "• Who won the regional cup final?\n"
    "Every sentence of an answer ends with [n], the number of its source, listed below it.\n"
    "/start shows what I know, /help shows this."
)
APOLOGY = "Sorry, something went wrong while answering. Please try again in a moment."


def build_application(settings: BotSettings, newsbot: Any) -> Application:
    """Build the Application; the chain is made once and shared through bot_data."""
    token = settings.telegram_token.get_secret_value()
    if not token:
        raise ConfigError("NEWSBOT_TELEGRAM_TOKEN is not set (see .env.example)")
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .concurrent_updates(True)
        .build()
    )
    application.bot_data["newsbot"] = newsbot
    application.bot_data["memory"] = ChatMemory(settings.history_turns)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, question))
    application.add_error_handler(on_error)
    return application


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    newsbot = context.bot_data["newsbot"]
    stats = await asyncio.to_thread(newsbot.stats)
    span = ""
    if stats["first_published"]:
        span = f", published {stats['first_published']} to {stats['last_published']}"
    await update.effective_message.reply_text(
        f"Hello! I answer questions from {stats['articles']} news articles{span}.\n\n{HELP}"
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(HELP)


async def keep_typing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show 'typing…' until cancelled; Telegram clears it after about five seconds."""
    while True:
        with contextlib.suppress(Exception):
            await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
        await asyncio.sleep(4)


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    chat_id = update.effective_chat.id
    newsbot = context.bot_data["newsbot"]
    memory: ChatMemory = context.bot_data["memory"]
    typing = asyncio.create_task(keep_typing(update, context))
    try:
        answer = await asyncio.to_thread(newsbot.answer, message.text, memory.history(chat_id))
    finally:
        typing.cancel()
    memory.remember(chat_id, message.text, answer)
    await send_answer(message, answer)


async def send_answer(message: Any, answer: Any) -> None:
    """Send the answer as HTML; if Telegram rejects the markup, send it as plain text."""
    for piece in split_message(to_html(answer)):
        try:
            await message.reply_html(piece, disable_web_page_preview=True)
        except BadRequest as error:
            if "parse entities" not in str(error).lower():
                raise
            log.warning("Telegram rejected the HTML answer, sending plain text: %s", error)
            for plain in split_message(to_terminal(answer)):
                await message.reply_text(plain, disable_web_page_preview=True)
            return


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the traceback (never shown in a chat) and apologise to the user."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        with contextlib.suppress(Exception):
            await update.effective_message.reply_text(APOLOGY)


def run_polling(settings: BotSettings, newsbot: Any) -> None:
    """Run the bot until Ctrl-C or SIGTERM."""
    newsbot.warm_up()
    application = build_application(settings, newsbot)
    log.info("Telegram bot polling for updates")
    application.run_polling(allowed_updates=Update.ALL_TYPES)
