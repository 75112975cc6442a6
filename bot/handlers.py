"""Thin handlers for commands, questions, source pages and messages the bot cannot read."""

from __future__ import annotations

import asyncio
import logging
import math
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from newsbot.bot.access import addressed_text, is_private
from newsbot.bot.context import Context
from newsbot.bot.render import sources_page
from newsbot.bot.telegram_answer import answer_question
from newsbot.core import NewsbotError

if TYPE_CHECKING:
    from newsbot.ingest import IngestReport
    from newsbot.retrieval import Newsbot

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
    "/follow WORDS tells you of each new story about them, e.g. /follow electric ferries\n"
    "/following lists what this chat follows, /unfollow N stops one\n"
    "/digest the top stories added since your last digest\n"
    "/timeline WORDS the stories on a topic, oldest first\n"
    "/help this text"
)
BUSY = "I'm still working on your last question; ask again once it is answered."
NOT_TEXT = "I can only read text. Type your question about the news."
EDITED = "I read new messages only; send the corrected question again."
MAX_SOURCES_NAMED = 20  # /start names the sources, up to this many
SOURCES_PER_PAGE = 3  # with a quote each, more would scroll off a phone screen


def message_of(update: Update) -> Message:
    """Return the update's message; each handler's filter lets through only updates with one."""
    message = update.effective_message
    assert message is not None
    return message


def chat_of(update: Update) -> int:
    """Return the id of the update's chat; each handler's filter makes sure there is one."""
    chat = update.effective_chat
    assert chat is not None
    return chat.id


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


async def start(update: Update, context: Context) -> None:
    stats = await asyncio.to_thread(context.bot_data.newsbot.stats)
    await message_of(update).reply_text(f"Hello! {describe(stats)}\n\n{HELP}")


async def help_command(update: Update, context: Context) -> None:
    await message_of(update).reply_text(HELP)


async def stats_command(update: Update, context: Context) -> None:
    stats = await asyncio.to_thread(context.bot_data.newsbot.stats)
    counters = context.bot_data.counters
    await message_of(update).reply_text(
        f"{describe(stats)}\n"
        f"Chunks in the store: {stats['chunks']}.\n"
        f"Answered since start: {counters['answered']} questions."
    )


async def reset(update: Update, context: Context) -> None:
    context.bot_data.memory.reset(chat_of(update))
    await message_of(update).reply_text("Forgotten. Ask me a new question.")


def sources_markup(page: int, pages: int) -> InlineKeyboardMarkup | None:
    if pages <= 1:
        return None
    buttons = []
    if page > 0:
        buttons.append(InlineKeyboardButton("◀ Previous", callback_data=f"sources:{page - 1}"))
    if page < pages - 1:
        buttons.append(InlineKeyboardButton("Next ▶", callback_data=f"sources:{page + 1}"))
    return InlineKeyboardMarkup([buttons])


async def sources(update: Update, context: Context) -> None:
    answer = context.bot_data.memory.last_answer(chat_of(update))
    if answer is None or not answer.citations:
        await message_of(update).reply_text("No sources yet: ask me a question first.")
        return
    text, pages = sources_page(answer.citations, 0, SOURCES_PER_PAGE)
    await message_of(update).reply_text(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=sources_markup(0, pages),
    )


async def sources_button(update: Update, context: Context) -> None:
    """Show another page of the source list in place of the current one."""
    query = update.callback_query
    assert query is not None  # a CallbackQueryHandler's update always carries one
    answer = context.bot_data.memory.last_answer(chat_of(update))
    if answer is None or not answer.citations:
        await query.answer("Those sources are gone (the chat was reset).")
        return
    page = int((query.data or "").partition(":")[2] or 0)
    text, pages = sources_page(answer.citations, page, SOURCES_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    await query.answer()
    await query.edit_message_text(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=sources_markup(page, pages),
    )


async def question(update: Update, context: Context) -> None:
    """Answer a question, unless it is not for the bot, too soon, or the user is still waiting."""
    message = message_of(update)
    text = addressed_text(message, context.bot)
    if text is None:
        return  # a group conversation the bot was not asked into
    if not text:
        await message.reply_text(HELP)
        return
    assert update.effective_user is not None  # only channel posts lack one; none get here
    user = update.effective_user.id
    with context.bot_data.busy.claim(user) as claimed:
        if not claimed:
            context.bot_data.counters["busy"] += 1
            await message.reply_text(BUSY)
            return
        wait = context.bot_data.rate_limiter.wait_time(user)
        if wait > 0:
            context.bot_data.counters["rate_limited"] += 1
            await message.reply_text(
                f"You're asking faster than I can read. Please wait {math.ceil(wait)} seconds "
                "and ask again."
            )
            return
        await answer_question(message, context, text)


async def ingest(update: Update, context: Context) -> None:
    """Re-ingest the configured paths (admins only) and report the counts."""
    message = message_of(update)
    if not context.bot_data.access.is_admin(update.effective_user):
        await message.reply_text("Only the bot's admins can run /ingest.")
        return
    paths = context.bot_data.ingest_paths
    if not paths:
        await message.reply_text("Nothing to ingest: NEWSBOT_INGEST_PATHS is not set.")
        return
    await message.reply_text(f"Ingesting {len(paths)} configured path(s)…")
    try:
        report = await asyncio.to_thread(reingest, context.bot_data.newsbot, paths)
    except NewsbotError as error:  # e.g. another ingest holds the lock: say so, in one line
        await message.reply_text(f"Ingest failed: {error}")
        return
    lines = [f"{report.summary()} ({report.seconds:.1f}s)"]
    lines += [f"failed: {line}" for line in report.failures[:5]]
    await message.reply_text("\n".join(lines))


def reingest(newsbot: Newsbot, paths: list[str]) -> IngestReport:
    """Ingest paths into the bot's store under the store's ingest lock, then serve the result."""
    from newsbot.ingest import IngestSettings
    from newsbot.store import open_writer, refresh_vectors

    # A store of its own, opened under the lock: the one serving questions may be stale.
    with open_writer(newsbot.settings, newsbot.embedder) as store:
        report = IngestSettings().indexer(store).ingest(paths)
    refresh_vectors(newsbot.store)
    return report


async def not_text(update: Update, context: Context) -> None:
    """Hint at text questions in private chats; say nothing in groups."""
    message = message_of(update)
    if is_private(message):
        await message.reply_text(NOT_TEXT)


async def edited(update: Update, context: Context) -> None:
    message = message_of(update)
    if is_private(message):
        await message.reply_text(EDITED)


async def unknown_command(update: Update, context: Context) -> None:
    message = message_of(update)
    if is_private(message):
        await message.reply_text("I don't know that command. /help lists mine.")
