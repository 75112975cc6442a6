"""The Telegram bot: build the python-telegram-bot Application, handle errors, run it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)

from newsbot.bot import follow_handlers, handlers, timeline_handlers
from newsbot.bot.access import PUBLIC, decide_access, gate
from newsbot.bot.cli_common import unreachable
from newsbot.bot.context import BotData, Context
from newsbot.bot.settings import BotSettings
from newsbot.bot.telegram_order import PerChatOrder
from newsbot.core import ConfigError

if TYPE_CHECKING:
    from newsbot.retrieval import Newsbot

log = logging.getLogger(__name__)

# The Application as built here: handlers get a Context; no job queue is used.
BotApplication = Application[ExtBot[Any], Context, dict[Any, Any], dict[Any, Any], BotData, Any]

APOLOGY = "Sorry, something went wrong while answering. Please try again in a moment."
UNREACHABLE = "I cannot reach my news articles right now. Please ask again in a minute."
COMMANDS = [
    BotCommand("start", "what I know: articles, dates, sources"),
    BotCommand("help", "how to ask, with examples"),
    BotCommand("sources", "the sources of my last answer"),
    BotCommand("reset", "forget this chat's conversation"),
    BotCommand("stats", "articles, chunks and questions answered"),
    BotCommand("ingest", "re-read the configured news (admins only)"),
    *(BotCommand(name, about) for name, about in follow_handlers.COMMANDS),
    *(BotCommand(name, about) for name, about in timeline_handlers.COMMANDS),
]


def build_application(settings: BotSettings, newsbot: Newsbot) -> BotApplication:
    """Build the Application; the chain is made once and shared through bot_data."""
    token = settings.telegram_token.get_secret_value()
    if not token:
        raise ConfigError("NEWSBOT_TELEGRAM_TOKEN is not set (see .env.example)")
    decide_access(settings)
    alerts: list[follow_handlers.AlertLoop] = []

    async def started(application: BotApplication) -> None:
        await post_init(application)
        data = application.bot_data
        alerts.append(follow_handlers.AlertLoop(data.settings, data.newsbot, data.access))
        alerts[0].start(application.bot)

    async def stopped(application: BotApplication) -> None:
        for loop in alerts:
            await loop.stop()

    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .context_types(ContextTypes(bot_data=BotData))
        # Answers cite articles by link; a preview of one would push the answer off screen.
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(PerChatOrder())
        # Flood control: queue requests under Telegram's limits, retry after a 429.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(started)
        .post_stop(stopped)
        .build()
    )
    application.bot_data.setup(settings, newsbot)
    add_handlers(application)
    return application


def add_handlers(application: BotApplication) -> None:
    """Register the access gate first, then commands, questions and everything else."""
    application.add_handler(TypeHandler(Update, gate), group=-1)
    for name, callback in [
        ("start", handlers.start),
        ("help", handlers.help_command),
        ("sources", handlers.sources),
        ("reset", handlers.reset),
        ("stats", handlers.stats_command),
        ("ingest", handlers.ingest),
        ("follow", follow_handlers.follow),
        ("following", follow_handlers.following),
        ("unfollow", follow_handlers.unfollow),
        ("digest", follow_handlers.digest_command),
        ("timeline", timeline_handlers.timeline_command),
    ]:
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(handlers.sources_button, pattern=r"^sources:"))
    new = filters.UpdateType.MESSAGE
    application.add_handler(
        MessageHandler(new & filters.TEXT & ~filters.COMMAND, handlers.question)
    )
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, handlers.edited))
    application.add_handler(MessageHandler(new & filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(new & ~filters.TEXT, handlers.not_text))
    application.add_error_handler(on_error)


async def post_init(application: BotApplication) -> None:
    """Register the command menu and load the model before the first question arrives."""
    for scope in (BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats()):
        await application.bot.set_my_commands(COMMANDS, scope=scope)
    await asyncio.to_thread(application.bot_data.newsbot.warm_up)


async def on_error(update: object, context: Context) -> None:
    """Log the traceback, tell the admin chat in one line, apologise to the user."""
    error = context.error
    if not isinstance(update, Update):  # polling/network trouble: PTB retries; the log is enough
        log.error("error outside any update: %s", error, exc_info=error)
        return
    # A store server that went away fails every question until it is back: each user hears
    # so, the log and the admin chat once per outage, without a traceback.
    outage = error is not None and unreachable(error)
    if error is None or not outage:
        log.error("error while handling update %s", update.update_id, exc_info=error)
    elif not context.bot_data.newsbot.store.outage.failed("a question", error):
        error = None  # the admin chat heard of this outage already
    settings = context.bot_data.settings
    if settings.telegram_admin_chat and error is not None:
        summary = f"newsbot error: {type(error).__name__}: {error}"
        token = settings.telegram_token.get_secret_value()
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(
                settings.telegram_admin_chat, summary.replace(token, "<token>")[:1000]
            )
    if update.effective_message:
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_text(UNREACHABLE if outage else APOLOGY)


class RedactToken(logging.Filter):
    """Replace the bot token in log records (httpx logs request URLs, which contain it)."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # malformed %-arguments: let the handler report them
            return True
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "<token>")
        return True


def redact_token_in_logs(token: str) -> None:
    """Keep the token out of every handler the entry point configured."""
    redact = RedactToken(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def webhook_options(settings: BotSettings) -> dict[str, Any]:
    """Say where the webhook listens and how Telegram reaches it; the secret is never empty."""
    secret = settings.telegram_webhook_secret.get_secret_value() or secrets.token_urlsafe(32)
    return {
        "listen": settings.telegram_webhook_listen,
        "port": settings.telegram_webhook_port,
        "url_path": urlsplit(settings.telegram_webhook_url).path.strip("/"),
        "webhook_url": settings.telegram_webhook_url,
        "secret_token": secret,
        "allowed_updates": Update.ALL_TYPES,
    }


def run(settings: BotSettings, newsbot: Newsbot) -> None:
    """Run the bot (webhook when a URL is set, polling otherwise) until SIGINT or SIGTERM."""
    redact_token_in_logs(settings.telegram_token.get_secret_value())
    # PTB runs on the thread's event loop and closes it when it stops: each run gets a new one.
    asyncio.set_event_loop(asyncio.new_event_loop())
    application = build_application(settings, newsbot)
    if settings.telegram_open:  # said at every start, so that nobody runs one unawares
        log.warning(PUBLIC)
    if settings.telegram_webhook_url:
        options = webhook_options(settings)
        log.info(
            "Telegram bot listening for webhook updates on %s:%s/%s",
            options["listen"],
            options["port"],
            options["url_path"],
        )
        application.run_webhook(**options)
    else:
        log.info("Telegram bot polling for updates")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    log.info("Telegram bot stopped")
