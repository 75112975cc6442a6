"""Follow-up questions over the bundled samples: the earlier turn's topic carries over."""

from __future__ import annotations

from newsbot.retrieval.followups import condense, leans_on_history
from newsbot.retrieval.types import Turn


def ask(newsbot, *questions: str):
    """Ask questions in one chat, as the CLI and the bot do; return the last answer."""
    history: list[Turn] = []
    answer = None
    for question in questions:
        answer = newsbot.answer(question, history)
        history.append(Turn(question, answer.text))
    return answer


def cited_files(answer) -> list[str]:
    return [(c.path or c.url or "").rsplit("/", 1)[-1] for c in answer.citations]


def test_what_did_they_agree_on(samples_newsbot):
    first = "Meridian Foods is buying Tollbridge Dairy, right?"
    answer = ask(samples_newsbot, first, "What did they agree on?")
    assert not answer.refused
    assert cited_files(answer)[0] == "05_meridian-foods-tollbridge-dairy-deal.txt"
    assert any(term in answer.text for term in ("Wexley", "640", "$28.50", "112", "$412"))


def test_when_was_that_after_two_turns(samples_newsbot):
    answer = ask(
        samples_newsbot,
        "Who is buying Tollbridge Dairy?",
        "How much will they pay per share?",
        "When is the deal expected to close?",
    )
    assert not answer.refused
    assert cited_files(answer)[0] == "05_meridian-foods-tollbridge-dairy-deal.txt"
    assert "first quarter of 2024" in answer.text


def test_a_pronoun_follow_up_finds_the_founder(samples_newsbot):
    answer = ask(
        samples_newsbot,
        "What does the XR-17 drone deliver to the islands?",
        "Who is the founder of the company that makes it?",
    )
    assert "Ottoline Brackenridge" in answer.text


def test_a_new_full_question_changes_the_topic(samples_newsbot):
    answer = ask(
        samples_newsbot,
        "Meridian Foods is buying Tollbridge Dairy, right?",
        "How many teaching vacancies did Pinebrook start the school year with?",
    )
    assert cited_files(answer)[0] == "09_pinebrook-four-day-week.txt"
    assert "27" in answer.text


def test_condense_carries_the_chain_of_turns():
    history = [Turn("Who is buying Tollbridge Dairy?", "Meridian Foods [1]")]
    assert leans_on_history("When was that?")
    assert condense("When was that?", history) == "Who is buying Tollbridge Dairy? When was that?"
    longer = [*history, Turn("How much will they pay?", "$28.50 a share [1]")]
    assert condense("And when does it close?", longer).startswith("Who is buying Tollbridge")
    assert condense("How many vacancies did Pinebrook have last autumn?", history) == (
        "How many vacancies did Pinebrook have last autumn?"
    )
    assert condense("When was that?", []) == "When was that?"
