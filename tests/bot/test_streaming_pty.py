"""On a real terminal, `ask` and `chat` show a model's sentences only once they passed the check.

The commands run on a pty against tests/support/fake_openai.py, which writes slowly enough that
every sentence reaches the terminal piece by piece before the answer ends; whatever the check
removes must never have been on the screen.
"""

from __future__ import annotations

import pytest

from tests.bot.test_chat import Terminal
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.misstatements import DRONE, DRONE_FILE, GOOD_SHOWN, LEAKS, all_cases, reply

pytestmark = pytest.mark.model  # every test here loads the real embedding model

FOUNDER = "Who founded Quillfeather Aeronautics?"
UNCITED = "Ottoline Brackenridge founded Quillfeather Aeronautics."
UNCITED_SHOWN = "Ottoline Brackenridge founded Quillfeather Aeronautics [1]."


def drone_number(samples_newsbot) -> int:
    hits = samples_newsbot.retrieve(DRONE)
    return next(
        n for n, h in enumerate(hits, 1) if h.chunk.metadata.get("path", "").endswith(DRONE_FILE)
    )


def model_env(server: FakeOpenAI, samples_dir) -> dict[str, str]:
    return {
        "NEWSBOT_DATA_DIR": str(samples_dir),
        "NEWSBOT_LLM": "openai:fake-model",
        "NEWSBOT_LLM_BASE_URL": server.url,
    }


def test_ask_on_a_terminal_never_shows_a_removed_sentence_or_link(samples_newsbot, samples_dir):
    n = drone_number(samples_newsbot)
    with FakeOpenAI(Reply(all_cases(n), token_delay=0.02)) as server:
        terminal = Terminal("ask", DRONE, env=model_env(server, samples_dir))
        try:
            terminal.expect(r"Sources:\n\[1\] [^\n]*" + DRONE_FILE.replace(".", r"\."))
            assert terminal.wait() == 0, terminal.seen
        finally:
            terminal.close()
    assert terminal.seen.startswith(GOOD_SHOWN + "\n\nLeft out 6 sentences"), terminal.seen
    for leak in [*LEAKS.values(), "evil", "http"]:
        assert leak not in terminal.seen, leak
    assert "Checked answer" not in terminal.seen


def test_chat_on_a_terminal_never_shows_a_removed_sentence(samples_newsbot, samples_dir):
    n = drone_number(samples_newsbot)
    cases = ["invented link", "instruction followed", "changed figure"]
    replies = [Reply(reply(case, n), token_delay=0.02) for case in cases]
    replies.append(Reply(UNCITED, token_delay=0.02))
    with FakeOpenAI(*replies) as server:
        terminal = Terminal("chat", env=model_env(server, samples_dir))
        try:
            terminal.expect(r"\n> ")
            for _ in cases:
                terminal.type(DRONE + "\n")
                terminal.expect(r"Sources:\n\[1\] [^\n]*\n\n> ")
                terminal.type("reset\n")
                terminal.expect(r"Forgotten\. Ask a new question\.\n\n> ")
            terminal.type(FOUNDER + "\n")
            terminal.expect(r"Sources:\n\[1\] [^\n]*" + DRONE_FILE.replace(".", r"\."))
            terminal.type("quit\n")
            assert terminal.wait() == 0, terminal.seen
        finally:
            terminal.close()
    turns = terminal.seen.split(f"> {DRONE}\n")[1:]
    assert len(turns) == len(cases)
    for case, turn in zip(cases, turns, strict=True):
        assert turn.startswith(GOOD_SHOWN + "\n\nLeft out "), (case, turn)
        assert LEAKS[case] not in turn, case
    assert "evil.example" not in terminal.seen and "http" not in terminal.seen
    assert "Checked answer" not in terminal.seen
    # A correct sentence the model did not cite is shown with the citation the check found.
    assert f"> {FOUNDER}\n{UNCITED_SHOWN}\n\nSources:\n[1] " in terminal.seen
