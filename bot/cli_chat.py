"""`newsbot ask` and `newsbot chat`: answers printed on the terminal as they are written."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from newsbot.bot.cli_common import EXIT_OK, NO_ARTICLES, open_newsbot, unreachable
from newsbot.core import NewsbotError, StoreError

if TYPE_CHECKING:
    from newsbot.bot.memory import ChatMemory
    from newsbot.core import Answer
    from newsbot.retrieval import Final, Newsbot, Token


def run_ask(args: argparse.Namespace) -> int:
    newsbot = open_newsbot()
    if not newsbot.store.count():
        # An answer, not an error: the same exit code as a refusal, and --json keeps its shape.
        from newsbot.core import Answer

        hint = Answer(text=NO_ARTICLES, citations=[], refused=True)
        print(json.dumps(hint.to_dict(), indent=2) if args.json else NO_ARTICLES)
        return EXIT_OK
    if args.json:
        answer = newsbot.answer(args.question, as_of=args.as_of)
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_stream(newsbot.stream(args.question, as_of=args.as_of))
    return EXIT_OK


def run_chat(args: argparse.Namespace) -> int:
    import signal

    from newsbot.bot.memory import ChatMemory
    from newsbot.bot.settings import BotSettings

    if sys.stdin.isatty():
        # A chat on a terminal handles Ctrl-C itself, even when started from a shell that
        # ignores SIGINT for the commands it runs in the background (Python then keeps it off).
        signal.signal(signal.SIGINT, signal.default_int_handler)
    newsbot = open_newsbot(live=True)
    memory = ChatMemory(BotSettings().history_turns)
    stats = newsbot.stats()
    if not stats["articles"]:
        # The chat stays open: articles another process ingests are answered within seconds.
        print(f"{NO_ARTICLES}\nAsk once they are in; 'quit' or Ctrl-D leaves.")
    else:
        print(
            f"newsbot: {stats['articles']} articles ({stats['first_published']} to "
            f"{stats['last_published']}). Ask a question; 'quit' or Ctrl-D leaves, "
            "'reset' forgets."
        )
    while True:
        try:
            question = read_line("\n> ").strip()
        except EOFError:
            print()
            return EXIT_OK
        except KeyboardInterrupt:
            # As in Python's REPL: the line typed so far is dropped, the conversation is kept.
            print()
            continue
        if question.lower() in {"quit", "exit", ":q"}:
            return EXIT_OK
        try:
            chat_turn(newsbot, memory, question, args.as_of)
        except KeyboardInterrupt:
            # Wherever it lands (a library call, a half-printed line, the remembering), Ctrl-C
            # ends only this turn; an answer cut short is never remembered.
            print("(cancelled)")
        except NewsbotError as error:
            # A store that went away ends only this turn: the next question tries it again.
            print(f"newsbot: {turn_failure(error, newsbot.store.location)}")


def read_line(prompt: str) -> str:
    """Show the prompt and read a line; on a terminal, a Ctrl-C at any moment interrupts it."""
    if not sys.stdin.isatty():
        return input(prompt)
    import select

    print(prompt, end="", flush=True)
    # input() waits in C, where a Ctrl-C landing just before its read (a second Ctrl-C right
    # after "(cancelled)") would wait for Enter; this loop sees it within a fraction of a second.
    # A terminal's stdin is readable only once a whole line (or Ctrl-D) is in.
    while not select.select([sys.stdin], [], [], 0.2)[0]:
        pass
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.removesuffix("\n")


def turn_failure(error: NewsbotError, location: str) -> str:
    """Say in one line why a question got no answer."""
    if isinstance(error, StoreError) and unreachable(error):
        return f"the article store at {location} is not reachable; retrying"
    return str(error)


def chat_turn(newsbot: Newsbot, memory: ChatMemory, question: str, as_of: date | None) -> None:
    """Answer one line of the chat, printing as it is written, and remember it once complete."""
    if question.lower() == "reset":
        memory.reset("cli")
        print("Forgotten. Ask a new question.")
        return
    if not question:
        return
    start = functools.partial(newsbot.stream, question, memory.history("cli"), as_of=as_of)
    answer = print_stream(in_background(start))
    memory.remember("cli", question, answer)


class Failed:
    """An exception raised on the worker thread, to raise again where the answer is read."""

    def __init__(self, error: BaseException):
        self.error = error


def in_background(start: Callable[[], Iterable[Token | Final]]) -> Iterator[Token | Final]:
    """Yield the events of an answer made on a worker thread; closing this cancels the answer.

    Ctrl-C then interrupts only the wait here, never the chain or a library half way through
    a call (Chroma, the model, an HTTP stream), which could leave a lock held or a cache half
    built for the next question. A cancelled answer stops at its next event, on its own thread.
    """
    import queue
    import threading

    # A Queue, whose wait Ctrl-C interrupts (a SimpleQueue's C wait need not).
    inbox: queue.Queue[Token | Final | Failed | None] = queue.Queue()
    cancelled = threading.Event()

    def work() -> None:
        try:
            events = iter(start())
            try:
                for event in events:
                    if cancelled.is_set():
                        break
                    inbox.put(event)
            finally:
                close = getattr(events, "close", None)
                if close:
                    close()
        except BaseException as error:  # a cancelled answer's error goes unread, as it should
            inbox.put(Failed(error))
        finally:
            inbox.put(None)

    try:
        threading.Thread(target=work, name="newsbot-answer", daemon=True).start()
        while (item := inbox.get()) is not None:
            if isinstance(item, Failed):
                raise item.error
            yield item
    finally:
        cancelled.set()


def print_stream(events: Iterable[Token | Final]) -> Answer:
    """Print each checked sentence as it comes, then the note and sources; return the Answer.

    The stream yields only sentences that passed the check, so nothing printed is taken back.
    Should a composer's final answer still differ from what it streamed, the answer is
    printed again in full under a heading.
    """
    from newsbot.bot.render import source_line, to_terminal
    from newsbot.retrieval import Final

    streamed = mid_line = False
    try:
        for event in events:
            mid_line = True  # until a print is known to have ended its line
            if not isinstance(event, Final):
                print(event.text, end="", flush=True)
                streamed = True
                mid_line = not event.text.endswith("\n")
                continue
            answer = event.answer
            if not streamed:
                print(to_terminal(answer))
            elif event.changed:
                print("\n\nChecked answer (only what the articles support):")
                print(to_terminal(answer))
            else:
                print()
                if answer.note:
                    print(f"\n{answer.note}")
                if answer.citations:
                    print("\nSources:")
                    print("\n".join(f"[{c.n}] {source_line(c)}" for c in answer.citations))
            return answer
    except KeyboardInterrupt:
        if mid_line:
            print()  # what follows starts on a line of its own
        raise
    finally:
        close = getattr(events, "close", None)
        if close:
            close()  # a stream left early stops its model call now
    raise RuntimeError("the answer stream ended without a final answer")
