"""/follow, /following, /unfollow and /digest, and the loop that sends alerts to chats."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from telegram import Bot, Chat, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from newsbot.bot.access import Access
from newsbot.bot.alerting import (
    TELEGRAM_PASS,
    alert_pass,
    current_seq,
    digest,
    digest_heading,
    digest_lines,
    open_state,
)
from newsbot.bot.context import Context
from newsbot.bot.follows import Follow, FollowError, Follows, will_match
from newsbot.bot.handlers import chat_of, message_of
from newsbot.core import NewsbotError

if TYPE_CHECKING:
    from newsbot.bot.settings import BotSettings
    from newsbot.retrieval import Newsbot

log = logging.getLogger(__name__)

DAY = 86400.0
HELP = (
    "/follow WORDS tells you of each new story about them, e.g. /follow electric ferries\n"
    "/following lists what this chat follows\n"
    "/unfollow N (or the words, or all) stops one\n"
    "/digest the top stories added since your last digest (or /digest 2024-05-14)"
)
COMMANDS = [
    ("follow", "tell this chat of new stories on a topic"),
    ("following", "the topics this chat follows"),
    ("unfollow", "stop following a topic"),
    ("digest", "the top stories added since the last digest"),
]


def follows_of(context: Context) -> Follows:
    return open_state(context.bot_data.newsbot)[0]


def words(context: Context) -> str:
    return " ".join(context.args or [])


async def follow(update: Update, context: Context) -> None:
    message, chat, user = message_of(update), update.effective_chat, update.effective_user
    assert chat is not None and user is not None  # commands come from a user in a chat
    topic = words(context)
    if not topic:
        await message.reply_text(HELP)
        return
    newsbot = context.bot_data.newsbot
    try:
        meant = await asyncio.to_thread(will_match, newsbot, topic)
        since = await asyncio.to_thread(current_seq, newsbot)
        made = follows_of(context).add(
            chat.id,
            user.id,
            topic,
            since,
            context.bot_data.settings.follow_limit,
            chat_type=chat.type,
            chat_name=chat.username or "",
            username=user.username or "",
        )
    except FollowError as error:
        await message.reply_text(str(error))
        return
    where = "this group" if chat.type != Chat.PRIVATE else "you"
    await message.reply_text(
        f"Following “{made.topic}”: I'll tell {where} of each new story about it "
        f"({meant}). /following lists the topics, /unfollow stops one."
    )


def listing(held: list[Follow]) -> str:
    if not held:
        return "This chat follows nothing yet. /follow WORDS starts, e.g. /follow electric ferries"
    lines = [f"{n}. {f.topic}" for n, f in enumerate(held, start=1)]
    return "Following here:\n" + "\n".join(lines) + "\n\n/unfollow N stops one."


async def following(update: Update, context: Context) -> None:
    held = follows_of(context).of_chat(chat_of(update))
    await message_of(update).reply_text(listing(held))


async def unfollow(update: Update, context: Context) -> None:
    message, which = message_of(update), words(context)
    follows = follows_of(context)
    if not which:
        await message.reply_text(listing(follows.of_chat(chat_of(update))))
        return
    gone = follows.remove(chat_of(update), which)
    if not gone:
        await message.reply_text(f"Not following “{which}” here. /following lists the topics.")
        return
    await message.reply_text("Stopped following " + ", ".join(f"“{f.topic}”" for f in gone) + ".")


def parse_since(text: str, today: date) -> float | None:
    """A day given as 2024-05-14 (or 'today', 'yesterday'): its start, in local time."""
    text = text.strip().lower()
    if text in {"today", "yesterday"}:
        day = date.fromordinal(today.toordinal() - (text == "yesterday"))
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
    return datetime(day.year, day.month, day.day).timestamp()


async def digest_command(update: Update, context: Context) -> None:
    message, chat = message_of(update), chat_of(update)
    follows, now = follows_of(context), time.time()
    if context.args:
        since = parse_since(words(context), date.today())
        if since is None:
            await message.reply_text("Give a day like 2024-05-14, or nothing for since last time.")
            return
    else:
        since = follows.last_digest(chat) or now - DAY
    newsbot = context.bot_data.newsbot
    topics = [f.topic for f in follows.of_chat(chat)]
    size = context.bot_data.settings.digest_size
    found = await asyncio.to_thread(digest, newsbot, since, size, topics)
    follows.mark_digest(chat, now)
    heading = digest_heading(found, since)
    if not found.stories:
        await message.reply_text(heading)
        return
    text = "\n".join([f"<b>{html.escape(heading)}</b>", *digest_lines(found, as_html=True)])
    try:
        await message.reply_text(text, parse_mode=ParseMode.HTML)
    except BadRequest:  # HTML Telegram would not take: the same lines, plain
        await message.reply_text("\n".join([heading, *digest_lines(found, as_html=False)]))


def may_hear(access: Access) -> Callable[[Follow], bool]:
    """Whether a follow's chat may still be told (the access lists may have changed)."""

    def allowed(f: Follow) -> bool:
        user = User(id=f.user, first_name="", is_bot=False, username=f.username or None)
        chat = Chat(id=f.chat, type=f.chat_type, username=f.chat_name or None)
        return access.allows(user, chat)

    return allowed


class AlertLoop:
    """Every `alert_interval` seconds: match new stories to follows, then send what is owed."""

    def __init__(self, settings: BotSettings, newsbot: Newsbot, access: Access):
        self.settings = settings
        self.newsbot = newsbot
        self.allowed = may_hear(access)
        self.task: asyncio.Task[None] | None = None

    def start(self, bot: Bot) -> None:
        if self.task is None:
            self.task = asyncio.create_task(self.run(bot), name="newsbot-alerts")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None

    async def run(self, bot: Bot) -> None:
        while True:
            try:
                await self.tick(bot)
            except NewsbotError as error:
                log.warning("alert pass failed (%s); trying again", error)
            except Exception:
                log.exception("alert pass failed; trying again")
            await asyncio.sleep(self.settings.alert_interval)

    async def tick(self, bot: Bot) -> None:
        """Queue the alerts new stories owe, then send the queue."""
        await asyncio.to_thread(
            alert_pass,
            self.newsbot,
            TELEGRAM_PASS,
            self.allowed,
            self.settings.alerts_per_topic,
        )
        follows = open_state(self.newsbot)[0]
        for alert in follows.outbox():
            try:
                await bot.send_message(alert.chat, alert.html, parse_mode=ParseMode.HTML)
            except BadRequest:
                with contextlib.suppress(TelegramError):
                    await bot.send_message(alert.chat, alert.plain)
            except Forbidden:
                log.info("chat %s no longer hears from the bot; its alert is dropped", alert.chat)
            except TelegramError as error:
                log.warning("alert to chat %s not sent (%s); trying again later", alert.chat, error)
                return
            follows.sent(alert.id)
