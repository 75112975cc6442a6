"""Thin handlers for commands, questions, source pages and messages the bot cannot read."""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Any

from newsbot.bot.access import Access, addressed_text, is_private
from newsbot.bot.memory import ChatMemory
from newsbot.bot.ratelimit import Busy, RateLimiter
from newsbot.bot.render import sources_page
from newsbot.bot.telegram_answer import answer_question
from newsbot.retrieval.errors import NewsbotError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

log = logging.getLogger(__name__)

HELP = (
    "Ask me a question about the news I have read, in your own words, for example:\n"
    "• How much did Harbor City's electric ferries cost?\n"
    "• Who scored the winning penalty in the regional cup final?\n"
    "• And when was that? (follow-up questions work)\n\n"
    "Every sentence of an answer ends with [n], the number of its source, listed below it. "
    "In a group, mention me or reply to one of my messages.\n\n"
    "/sources the sources of my last answer\n"
    "/reset forget our conversation\n"
    "/stats what I know\n"
    "/help this text"
)
BUSY = "I'm still working on your last question; ask again once it is answered."
NOT_TEXT = "I can only read text. Type your question about the news."
EDITED = "I read new messages only; send the corrected question again."
MAX_SOURCES_NAMED = 20  # /start names the sources, up to this many
SOURCES_PER_PAGE = 3  # with a quote each, more would scroll off a phone screen


def newsbot_of(context: ContextTypes.DEFAULT_TYPE) -> Any:
    return context.bot_data["newsbot"]


def memory_of(context: ContextTypes.DEFAULT_TYPE) -> ChatMemory:
    return context.bot_data["memory"]


def describe(stats: dict[str, Any]) -> str:
    """Summarise what the store holds in one sentence."""
    text = f"I know {stats['articles']} news articles"
    if stats.get("first_published"):
        text += f", published {stats['first_published']} to {stats['last_published']}"
    sources = stats.get("sources") or []
    if sources:
        shown = ", ".join(sources[:MAX_SOURCES_NAMED])
        extra = len(sources) - MAX_SOURCES_NAMED
        more = f" and {extra} more" if extra > 0 else ""
        text += f", from {shown}{more}"
    return text + "."


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    stats = await asyncio.to_thread(newsbot_of(context).stats)
    await update.effective_message.reply_text(f"Hello! {describe(stats)}\n\n{HELP}")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(HELP)


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    stats = await asyncio.to_thread(newsbot_of(context).stats)
    counters = context.bot_data["counters"]
    await update.effective_message.reply_text(
        f"{describe(stats)}\n"
        f"Chunks in the store: {stats['chunks']}.\n"
        f"Answered since start: {counters['answered']} questions."
    )


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    memory_of(context).reset(update.effective_chat.id)
    await update.effective_message.reply_text("Forgotten. Ask me a new question.")


def sources_markup(page: int, pages: int) -> InlineKeyboardMarkup | None:
    if pages <= 1:
        return None
    buttons = []
    if page > 0:
        buttons.append(InlineKeyboardButton("◀ Previous", callback_data=f"sources:{page - 1}"))
    if page < pages - 1:
        buttons.append(InlineKeyboardButton("Next ▶", callback_data=f"sources:{page + 1}"))
    return InlineKeyboardMarkup([buttons])


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    answer = memory_of(context).last_answer(update.effective_chat.id)
    if answer is None or not answer.citations:
        await update.effective_message.reply_text("No sources yet: ask me a question first.")
        return
    text, pages = sources_page(answer.citations, 0, SOURCES_PER_PAGE)
    await update.effective_message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=sources_markup(0, pages),
        disable_web_page_preview=True,
    )


async def sources_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show another page of the source list in place of the current one."""
    query = update.callback_query
    answer = memory_of(context).last_answer(update.effective_chat.id)
    if answer is None or not answer.citations:
        await query.answer("Those sources are gone (the chat was reset).")
        return
    page = int(query.data.partition(":")[2] or 0)
    text, pages = sources_page(answer.citations, page, SOURCES_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    await query.answer()
    await query.edit_message_text(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=sources_markup(page, pages),
        disable_web_page_preview=True,
    )


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question, unless it is not for the bot, too soon, or the user is still waiting."""
    message = update.effective_message
    text = addressed_text(message, context.bot)
    if text is None:
        return  # a group conversation the bot was not asked into
    if not text:
        await message.reply_text(HELP)
        return
    user = update.effective_user.id
    busy: Busy = context.bot_data["busy"]
    with busy.claim(user) as claimed:
        if not claimed:
            context.bot_data["counters"]["busy"] += 1
            await message.reply_text(BUSY)
            return
        limiter: RateLimiter = context.bot_data["rate_limiter"]
        wait = limiter.wait_time(user)
        if wait > 0:
            context.bot_data["counters"]["rate_limited"] += 1
            await message.reply_text(
                f"You're asking faster than I can read. Please wait {math.ceil(wait)} seconds "
                "and ask again."
            )
            return
        await answer_question(message, context, text)


async def ingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-ingest the configured paths (admins only) and report the counts."""
    access: Access = context.bot_data["access"]
    message = update.effective_message
    if not access.is_admin(update.effective_user):
        await message.reply_text("Only the bot's admins can run /ingest.")
        return
    paths: list[str] = context.bot_data["ingest_paths"]
    if not paths:
        await message.reply_text("Nothing to ingest: NEWSBOT_INGEST_PATHS is not set.")
        return
    await message.reply_text(f"Ingesting {len(paths)} configured path(s)…")
    try:
        report = await asyncio.to_thread(reingest, newsbot_of(context), paths)
    except NewsbotError as error:  # e.g. another ingest holds the lock: say so, in one line
        await message.reply_text(f"Ingest failed: {error}")
        return
    lines = [
        f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
        f"skipped {report.skipped}, failed {report.failed} ({report.seconds:.1f}s)"
    ]
    lines += [f"failed: {line}" for line in report.failures[:5]]
    await message.reply_text("\n".join(lines))


def reingest(newsbot: Any, paths: list[str]) -> Any:
    """Ingest paths into the bot's own store under the store's ingest lock."""
    from newsbot.ingest.indexer import ingest_lock
    from newsbot.ingest.settings import IngestSettings

    with ingest_lock(newsbot.settings.data_dir):
        return IngestSettings().indexer(newsbot.store).ingest(paths)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hint at text questions in private chats; say nothing in groups."""
    if is_private(update.effective_message):
        await update.effective_message.reply_text(NOT_TEXT)


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if is_private(update.effective_message):
        await update.effective_message.reply_text(EDITED)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if is_private(update.effective_message):
        await update.effective_message.reply_text("I don't know that command. /help lists mine.")
