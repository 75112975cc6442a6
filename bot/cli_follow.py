"""`newsbot follow`, `newsbot alerts` and `newsbot digest`: follows for the command line."""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from typing import TYPE_CHECKING

from newsbot.bot.cli_common import open_newsbot, parse_day

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

DAY = 86400.0


def add_parsers(commands: Subcommands) -> None:
    follow = commands.add_parser(
        "follow", help="follow a topic: `newsbot alerts` then tells of each new story on it"
    )
    follow.add_argument("words", nargs="*", metavar="WORD", help="the topic (none: list them)")
    follow.add_argument(
        "--remove", action="store_true", help="stop following (the words, a number, or all)"
    )
    follow.set_defaults(run=run_follow)

    alerts = commands.add_parser(
        "alerts", help="print the alerts new stories owe your follows since the last time"
    )
    alerts.set_defaults(run=run_alerts)

    digest = commands.add_parser("digest", help="the top stories added since the last digest")
    digest.add_argument(
        "--since", type=parse_day, metavar="DAY", help="since this day (YYYY-MM-DD) instead"
    )
    digest.set_defaults(run=run_digest)


def run_follow(args: argparse.Namespace) -> int:
    from newsbot.bot.alerting import current_seq, open_state
    from newsbot.bot.follows import CLI_CHAT, FollowError, will_match
    from newsbot.bot.settings import BotSettings

    newsbot = open_newsbot()
    follows, _ = open_state(newsbot)
    topic = " ".join(args.words)
    if args.remove:
        gone = follows.remove(CLI_CHAT, topic)
        if not gone:
            raise FollowError(f"not following {topic!r} (`newsbot follow` lists the topics)")
        for f in gone:
            print(f"stopped following: {f.topic}")
        return 0
    if not topic:
        held = follows.of_chat(CLI_CHAT)
        for n, f in enumerate(held, start=1):
            print(f"{n}. {f.topic}")
        if not held:
            print("following nothing yet: newsbot follow WORDS")
        return 0
    meant = will_match(newsbot, topic)
    made = follows.add(CLI_CHAT, 0, topic, current_seq(newsbot), BotSettings().follow_limit)
    print(f"following: {made.topic} ({meant}; `newsbot alerts` prints what is new on it)")
    return 0


def run_alerts(args: argparse.Namespace) -> int:
    from newsbot.bot.alerting import CLI_PASS, alert_pass, open_state
    from newsbot.bot.settings import BotSettings

    newsbot = open_newsbot()
    follows, _ = open_state(newsbot)
    alert_pass(newsbot, CLI_PASS, most=BotSettings().alerts_per_topic)
    owed = follows.outbox(cli=True)
    for alert in owed:
        print(alert.plain, end="\n\n")
        follows.sent(alert.id)
    if not owed:
        print("no new stories on the topics you follow")
    return 0


def run_digest(args: argparse.Namespace) -> int:
    from newsbot.bot.alerting import digest, digest_lines, open_state
    from newsbot.bot.follows import CLI_CHAT
    from newsbot.bot.settings import BotSettings

    newsbot = open_newsbot()
    follows, _ = open_state(newsbot)
    now = time.time()
    if args.since:
        since = datetime(args.since.year, args.since.month, args.since.day).timestamp()
    else:
        since = follows.last_digest(CLI_CHAT) or now - DAY
    topics = [f.topic for f in follows.of_chat(CLI_CHAT)]
    found = digest(newsbot, since, BotSettings().digest_size, topics)
    follows.mark_digest(CLI_CHAT, now)
    when = datetime.fromtimestamp(since).strftime("%Y-%m-%d %H:%M")
    if not found.stories:
        print(f"no new stories since {when}")
        return 0
    print(f"top stories added since {when}:")
    print("\n".join(digest_lines(found, as_html=False)))
    return 0
