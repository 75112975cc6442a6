"""The eval harness: the scoring rule, the metrics, and `newsbot eval` on a tiny fixture set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from newsbot.core.errors import InputError
from newsbot.core.types import Answer, Citation, Turn
from newsbot.harness.eval_metrics import (
    REQUIRED_KEYS,
    answer_found,
    answer_found_early,
    answer_found_words,
    normalize,
    summarize,
)
from newsbot.harness.eval_records import EvalQuestion, Row
from newsbot.harness.evaluation import format_table, full_report, load_questions, run_questions
from tests.support.stores import SHARED


def test_normalize_drops_case_punctuation_articles_and_spacing():
    assert normalize("The  Tony Awards!") == "tony awards"
    assert normalize("“Squid Game”, an  hit") == "squid game hit"
    assert normalize("Bed Bath & Beyond") == "bed bath beyond"


def test_answer_found_early_looks_only_at_the_first_25_words():
    late = " ".join(["word"] * 30) + " at the Tony Awards."
    assert answer_found("Tony Awards", late)
    assert not answer_found_early("Tony Awards", late)
    assert answer_found_early("Tony Awards", "The Tony Awards went to Broadway's stars.")
    assert not answer_found_early("Tony Awards", " ".join(["word"] * 80) + " Tony Awards")


def test_answer_found_is_containment_in_a_short_body():
    assert answer_found("The Tony Awards", "Broadway's stars won at the Tony Awards on Sunday.")
    assert not answer_found("Tony Awards", "Broadway's stars won at the Oscars.")
    padded = "Broadway's stars won at the Tony Awards. " + "word " * 70
    assert len(padded.split()) > 75
    assert not answer_found("Tony Awards", padded)
    # Containment is on the normalized text; the whole-words variant is stricter.
    assert answer_found("6", "It happened in 2016.")
    assert not answer_found_words("6", "It happened in 2016.")
    assert answer_found_words("6 months", "He was held for 6 months.")


def row(rank, gold=True, refused=False, found=False, latency=10.0) -> Row:
    return Row(
        id="q",
        question="q?",
        as_of="2022-06-16",
        text="" if refused else "body",
        refused=refused,
        citations=[],
        retrieved_urls=[],
        gold_answer="x",
        gold_urls=["u"] if gold else [],
        gold_rank=rank,
        found=found,
        latency_ms=latency,
    )


def test_summarize_computes_ranks_over_questions_with_gold():
    rows = [row(1, found=True), row(3), row(None, refused=True), row(None, gold=False)]
    report = summarize(rows)
    assert report["n_questions"] == 4 and report["n_with_gold"] == 3
    assert report["hit_at_1"] == pytest.approx(1 / 3, abs=1e-3)
    assert report["hit_at_5"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["mrr_at_10"] == pytest.approx((1 + 1 / 3) / 3, abs=1e-3)
    assert report["answer_found"] == 0.25
    assert report["refusal_rate"] == 0.25
    assert report["refusal_rate_with_gold"] == pytest.approx(1 / 3, abs=1e-3)


ARTICLES = [
    {
        "id": "a1",
        "url": "https://news.example/kiln",
        "title": "Potters of Brindlemere reopen the old brick kiln",
        "source": "news.example",
        "published_at": "2024-03-02",
        "authors": [],
        "text": "Volunteers in Brindlemere reopened the village's 1870 brick kiln on Saturday. "
        "The restoration cost 84,000 pounds and took three years.",
    },
    {
        "id": "a2",
        "url": "https://news.example/orchard",
        "title": "Orchard cooperative plants rare pear trees",
        "source": "news.example",
        "published_at": "2024-03-05",
        "authors": [],
        "text": "The Hollins Lane orchard cooperative planted 120 trees of the rare "
        "Winter Nelis pear. Members said the first fruit is expected in 2027.",
    },
    {
        "id": "a3",
        "url": "https://news.example/later",
        "title": "Brindlemere kiln fires its first bricks",
        "source": "news.example",
        "published_at": "2024-04-20",
        "authors": [],
        "text": "The restored Brindlemere kiln fired its first batch of 2,000 bricks this month.",
    },
]
QUESTIONS = [
    {
        "id": "t1",
        "question": "How much did the restoration of the Brindlemere brick kiln cost?",
        "asked_on": "2024-03-04",
        "answer": "84,000 pounds",
        "gold_urls": ["https://news.example/kiln"],
    },
    {
        "id": "t2",
        "question": "Which rare pear did the orchard cooperative plant this week?",
        "asked_on": "2024-03-06",
        "answer": "Winter Nelis",
        "gold_urls": ["https://news.example/orchard"],
    },
    {
        "id": "t3",
        "question": "Who won the chess olympiad in Budapest?",
        "asked_on": "2024-03-06",
        "answer": None,
        "gold_urls": [],
    },
]


def run_eval(tmp_path, store, out, *extra):
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(tmp_path / "unused")}
    return subprocess.run(
        [
            sys.executable, "-m", "newsbot.bot.cli", "eval",
            "--articles", str(tmp_path / "articles.jsonl"),
            "--questions", str(tmp_path / "questions.jsonl"),
            "--store", str(store), "--out", str(out), *extra,
        ],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip


@pytest.mark.model  # `newsbot eval` in a child process loads the model
def test_eval_command_writes_report_answers_and_chart(tmp_path):
    (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n")
    (tmp_path / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in QUESTIONS) + "\n")
    store, out = tmp_path / "store", tmp_path / "out"
    result = run_eval(tmp_path, store, out)
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "report.json").read_text())
    assert set(report) >= REQUIRED_KEYS
    assert report["n_questions"] == 3 and report["n_with_gold"] == 2
    assert report["hit_at_1"] == 1.0 and report["mrr_at_10"] == 1.0
    assert report["answer_found"] == 1.0
    lines = [json.loads(x) for x in (out / "answers.jsonl").read_text().splitlines()]
    assert [x["id"] for x in lines] == ["t1", "t2", "t3"]
    for line in lines:
        assert set(line) >= {"id", "question", "as_of", "text", "refused", "citations"}
        assert "retrieved_urls" in line
        assert "[1]" not in line["text"]
    # As of 2024-03-04 the later kiln article does not exist yet.
    assert "https://news.example/later" not in lines[0]["retrieved_urls"]
    assert lines[0]["retrieved_urls"][0] == "https://news.example/kiln"
    assert lines[0]["citations"][0]["url"] == "https://news.example/kiln"
    assert lines[2]["refused"]
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "hit_at_5" in result.stdout
    again = run_eval(tmp_path, store, tmp_path / "out2")
    assert again.returncode == 0, again.stderr
    assert "added 0" in again.stderr


@pytest.mark.skipif(
    not (SHARED / "data" / "realtimeqa-dev").is_dir(), reason="../shared/data is not present"
)
def test_the_shared_dev_questions_load():
    questions = load_questions(SHARED / "data" / "realtimeqa-dev" / "questions.jsonl")
    assert len(questions) == 399
    assert sum(1 for q in questions if q.gold_urls) == 131
    assert all(q.asked_on for q in questions)


class EchoBot:
    """A responder that answers with the question and records the history it was given."""

    def __init__(self):
        self.asked: list[tuple[str, list]] = []

    def respond(self, question, history=(), as_of=None, depth=None):
        self.asked.append((question, list(history)))
        answer = Answer(text=f"echo {question} [1]", citations=[citation(question)])
        return answer, []


def citation(question):
    return Citation(n=1, title="t", source=None, published_at=None, url="u", path=None,
                    article_id=f"a-{question}")  # fmt: skip


def question(id, text, conversation=None, turn=None, answer="x"):
    return EvalQuestion(id=id, question=text, asked_on=date(2024, 3, 4), answer=answer,
                        conversation=conversation, turn=turn)  # fmt: skip


def test_a_conversation_is_asked_in_turn_order_with_the_bots_own_answers_as_history():
    bot = EchoBot()
    questions = [
        question("c-2", "When?", "c", 2),
        question("solo", "Who?"),
        question("c-1", "What happened?", "c", 1),
        question("d-1", "Which one?", "d", 1),
    ]
    rows = run_questions(bot, questions)
    assert [r.id for r in rows] == ["c-1", "c-2", "solo", "d-1"]
    assert [q for q, _ in bot.asked] == ["What happened?", "When?", "Who?", "Which one?"]
    (_, first), (_, second), (_, solo), (_, other) = bot.asked
    assert first == [] and solo == [] and other == []
    assert second == [Turn("What happened?", "echo What happened? [1]", ("a-What happened?",))]
    report = full_report(rows)
    assert report["by_turn"]["first"]["n_questions"] == 3
    assert report["by_turn"]["follow_up"]["n_questions"] == 1
    assert "by_noise" not in report
    assert "by_turn.follow_up" in format_table(report)


def test_noise_copies_every_question_per_kind_and_keeps_conversations_whole(tmp_path):
    path = tmp_path / "q.jsonl"
    rows = [
        {"id": "s", "question": "What did the XR-17 drone deliver?", "asked_on": "2024-03-04"},
        {"id": "c1", "question": "Who bought Tollbridge Dairy?", "conversation": "c", "turn": 1},
        {"id": "c2", "question": "When was that?", "conversation": "c", "turn": 2},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    questions = load_questions(path, noise=["clean", "dehyphen", "lowercase"])
    by_id = {q.id: q for q in questions}
    assert by_id["s-dehyphen"].question == "What did the XR17 drone deliver?"
    # Nothing to dehyphen in the conversation, but its turns stay, as written.
    assert by_id["c2-dehyphen"].question == "When was that?"
    assert by_id["c2-lowercase"].question == "when was that"
    assert {q.conversation for q in questions if q.conversation} == {
        "c-clean", "c-dehyphen", "c-lowercase"
    }  # fmt: skip
    report = full_report(run_questions(EchoBot(), questions))
    assert set(report["by_noise"]) == {"clean", "dehyphen", "lowercase"}
    assert report["by_noise"]["lowercase"]["n_questions"] == 3
    assert report["by_noise"]["clean"]["by_turn"]["follow_up"]["n_questions"] == 1
    with pytest.raises(InputError):
        load_questions(path, noise=["shouting"])


CONVERSATION = [
    {
        "id": "k-1",
        "conversation": "k",
        "turn": 1,
        "question": "How much did the restoration of the Brindlemere brick kiln cost?",
        "asked_on": "2024-03-04",
        "answer": "84,000 pounds",
        "gold_urls": ["https://news.example/kiln"],
    },
    {
        "id": "k-2",
        "conversation": "k",
        "turn": 2,
        "question": "How many years did it take?",
        "asked_on": "2024-03-04",
        "answer": "three years",
        "gold_urls": ["https://news.example/kiln"],
    },
]


@pytest.mark.model  # `newsbot eval` in a child process loads the model
def test_eval_command_runs_conversations_and_noise(tmp_path):
    (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n")
    rows = [*CONVERSATION, QUESTIONS[1]]
    (tmp_path / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in rows) + "\n")
    out = tmp_path / "out"
    result = run_eval(tmp_path, tmp_path / "store", out, "--noise", "clean,greeting")
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["noise"] == ["clean", "greeting"] and report["n_questions"] == 6
    for kind in ("clean", "greeting"):
        section = report["by_noise"][kind]
        assert section["n_questions"] == 3
        assert section["by_turn"]["first"]["n_questions"] == 2
        assert section["by_turn"]["follow_up"]["n_questions"] == 1
    assert report["by_noise"]["clean"]["by_turn"]["follow_up"]["answer_found"] == 1.0
    lines = [json.loads(x) for x in (out / "answers.jsonl").read_text().splitlines()]
    follow_up = next(x for x in lines if x["id"] == "k-2-clean")
    assert follow_up["turn"] == 2 and follow_up["conversation"] == "k-clean"
    assert "three years" in follow_up["text"]
    assert "by_noise.greeting.follow_up" in result.stdout


def test_unrelated_pairs_ask_each_question_after_another_weeks_question():
    from newsbot.harness.unrelated_pairs import unrelated_pairs

    rows = [{"id": str(n), "question": f"Q{n}?", "asked_on": "2022-06-17"} for n in range(5)]
    pairs = unrelated_pairs(rows, offset=2)
    assert [(p["conversation"], p["turn"], p["question"]) for p in pairs[:4]] == [
        ("pair-0", 1, "Q2?"),
        ("pair-0", 2, "Q0?"),
        ("pair-1", 1, "Q3?"),
        ("pair-1", 2, "Q1?"),
    ]
    assert pairs[-2]["question"] == "Q1?"  # wraps round the end of the file
