"""Who may talk to the bot, and whether a group message is meant for it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from telegram import Bot, Chat, Message, Update, User
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from newsbot.core import ConfigError

if TYPE_CHECKING:
    from newsbot.bot.context import Context
    from newsbot.bot.settings import BotSettings

log = logging.getLogger(__name__)

REFUSAL = "Sorry, this bot is private. Ask its owner for access."
CLOSED = (
    "nobody may use this bot: set NEWSBOT_TELEGRAM_ALLOWED_USERS or "
    "NEWSBOT_TELEGRAM_ALLOWED_CHATS (or NEWSBOT_TELEGRAM_ADMINS), "
    "or NEWSBOT_TELEGRAM_OPEN=true for a public bot"
)
BOTH = (
    "NEWSBOT_TELEGRAM_OPEN=true lets anyone in, so the allow-lists would do nothing: "
    "set the lists or NEWSBOT_TELEGRAM_OPEN, not both"
)
PUBLIC = (
    "this bot is public (NEWSBOT_TELEGRAM_OPEN=true): anyone who finds it on Telegram "
    "can ask it about the articles"
)


def _split(entries: Iterable[str]) -> tuple[set[int], set[str]]:
    """Separate numeric ids from usernames (compared without '@', case-insensitively)."""
    ids: set[int] = set()
    names: set[str] = set()
    for entry in entries:
        entry = entry.strip()
        try:
            ids.add(int(entry))
        except ValueError:
            names.add(entry.lstrip("@").lower())
    return ids, names


def _matches(who: User | Chat | None, ids: set[int], names: set[str]) -> bool:
    if who is None:
        return False
    username = (getattr(who, "username", None) or "").lower()
    return who.id in ids or (bool(username) and username in names)


class Access:
    """The allow lists and admins from the settings; only a public bot lets anyone in."""

    def __init__(
        self,
        users: Iterable[str] = (),
        chats: Iterable[str] = (),
        admins: Iterable[str] = (),
        public: bool = False,
    ):
        self.user_ids, self.usernames = _split(users)
        self.chat_ids, self.chat_names = _split(chats)
        self.admin_ids, self.admin_names = _split(admins)
        self.public = public

    @classmethod
    def from_settings(cls, settings: BotSettings) -> Access:
        return cls(
            settings.telegram_allowed_users,
            settings.telegram_allowed_chats,
            settings.telegram_admins,
            public=settings.telegram_open,
        )

    @property
    def listed(self) -> bool:
        return bool(self.user_ids or self.usernames or self.chat_ids or self.chat_names)

    def is_admin(self, user: User | None) -> bool:
        return _matches(user, self.admin_ids, self.admin_names)

    def allows(self, user: User | None, chat: Chat | None) -> bool:
        """Say whether this user, in this chat, may use the bot."""
        if self.public or self.is_admin(user):
            return True
        return _matches(user, self.user_ids, self.usernames) or _matches(
            chat, self.chat_ids, self.chat_names
        )


def decide_access(settings: BotSettings) -> Access:
    """Return who may use the bot; refuse a bot nobody may use, or lists a public bot ignores."""
    access = Access.from_settings(settings)
    if access.public and access.listed:
        raise ConfigError(BOTH)
    if not (access.public or access.listed or access.admin_ids or access.admin_names):
        raise ConfigError(CLOSED)
    return access


def is_private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


def addressed_text(message: Message, bot: Bot) -> str | None:
    """Return the question a message puts to the bot, or None when it is not meant for it."""
    text = message.text or ""
    if is_private(message):
        return text.strip()
    mention = re.compile(rf"(?<![\w@])@{re.escape(bot.username)}(?!\w)", re.IGNORECASE)
    replied = message.reply_to_message
    to_bot = bool(replied and replied.from_user and replied.from_user.id == bot.id)
    if not (to_bot or mention.search(text)):
        return None
    return " ".join(mention.sub(" ", text).split())


def is_for_bot(update: Update, bot: Bot) -> bool:
    """Say whether an update deserves a reply: private chats, commands, mentions, replies."""
    message = update.effective_message
    if update.callback_query or message is None:
        return update.callback_query is not None
    if is_private(message):
        return True
    text = message.text or ""
    if text.startswith("/"):  # "/start@otherbot" belongs to another bot in the group
        _, _, target = text.split(maxsplit=1)[0].partition("@")
        return not target or target.lower() == bot.username.lower()
    return message.text is not None and addressed_text(message, bot) is not None


async def gate(update: object, context: Context) -> None:
    """Stop updates from anyone not allowed, with one polite line and nothing from the corpus."""
    if not isinstance(update, Update):
        return
    access = context.bot_data.access
    user, chat = update.effective_user, update.effective_chat
    if access.allows(user, chat):
        return
    log.info(
        "refused an update from user %s in chat %s",
        user.id if user else None,
        chat.id if chat else None,
    )
    if update.callback_query:
        await update.callback_query.answer(REFUSAL)
    elif update.message and is_for_bot(update, context.bot):
        await update.message.reply_text(REFUSAL)
    raise ApplicationHandlerStop
