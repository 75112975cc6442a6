"""The noise report: each kind beside the same questions asked clean."""

from __future__ import annotations

from datetime import date

from newsbot.core.types import Answer
from newsbot.harness.eval_records import EvalQuestion
from newsbot.harness.noise_eval import format_report, noise_report, noisy_questions


class Picky:
    """Answers only questions that start the way the clean ones do."""

    def respond(self, question, history=(), as_of=None, depth=None):
        if question[:1].isupper():
            return Answer(text="Squid Game [1]", citations=[]), []
        return Answer(text="no", citations=[], refused=True), []


QUESTIONS = [
    EvalQuestion("a", "Which show got a new season?", date(2022, 6, 16), "Squid Game", ("u",)),
    EvalQuestion("b", "Which X-17 show got a new season?", date(2022, 6, 16), "Squid Game", ("u",)),
]


def test_each_kind_is_scored_against_the_same_questions_clean():
    report = noise_report(Picky(), QUESTIONS, ["clean", "lowercase", "dehyphen"])
    assert report["clean"]["answer_found"] == 1.0
    assert report["lowercase"]["answer_found"] == 0.0
    assert report["lowercase"]["refusal_rate_with_gold"] == 1.0
    assert report["dehyphen"]["n_questions"] == 1  # only one question has a hyphen
    assert report["dehyphen"]["clean_same"]["n_questions"] == 1
    assert "lowercase" in format_report(report)


def test_noisy_copies_keep_the_ids_and_gold():
    copies = noisy_questions(QUESTIONS, ["thanks"])
    assert [q.id for q in copies["thanks"]] == ["a", "b"]
    assert copies["thanks"][0].gold_urls == ("u",)
