"""A figure a later report revised: the answer leads with the newer value and says what the
earlier report gave, and where; in `ask`, in `chat` and in Telegram."""

from __future__ import annotations

import json

import pytest

from newsbot.core.sentences import split_sentences
from newsbot.core.tokenizer import Tokenizer
from newsbot.core.types import Chunk
from newsbot.retrieval.answer.extractive import ExtractiveComposer
from newsbot.retrieval.answer.revisions import sentence_figures
from newsbot.retrieval.search.hybrid import Hit
from tests.bot.test_cli import newsbot
from tests.support.stores import make_settings

QUESTION = "How many people were killed in the Millbrook flood?"
FIRST = (
    "Millbrook Flood Kills 14\n\n"
    "At least 14 people were killed when floodwaters swept through Millbrook on Tuesday night, "
    "county officials said.\n\n"
    "Rescue crews searched the riverside streets for residents who could not be reached.\n\n"
    "May 1, 2024\nSource: Millbrook Ledger\n"
)
LATER = (
    "Millbrook Flood Toll Rises as Search Goes On\n\n"
    "At least 23 people were killed when floodwaters swept through Millbrook, county officials "
    "said on Thursday.\n\n"
    "Volunteers handed out water and blankets at the high school gym.\n\n"
    "May 3, 2024\nSource: Valley Tribune\n"
)


def _hit(article: str, day: str, text: str) -> Hit:
    meta = {"title": article, "article_id": article, "published_at": day}
    return Hit(chunk=Chunk(f"{article}:0", article, text, 0, meta), score=0.5, dense=0.5)


def _compose(*hits: Hit):
    composer = ExtractiveComposer(terms=Tokenizer(), split=split_sentences)
    return composer.compose(QUESTION, list(hits))


def test_the_newer_toll_leads_and_the_earlier_one_is_named_with_its_day_and_citation():
    older = _hit(
        "first",
        "2024-05-01",
        "At least 14 people were killed when floodwaters swept through "
        "Millbrook on Tuesday night, county officials said.",
    )
    newer = _hit(
        "later",
        "2024-05-03",
        "At least 23 people were killed when floodwaters swept through "
        "Millbrook, county officials said on Thursday.",
    )
    for hits in ([older, newer], [newer, older]):  # whichever the search ranks first
        answer = _compose(*hits)
        assert answer.text.startswith("At least 23 people were killed"), answer.text
        assert "[1] Up from 14 people reported on 2024-05-01. [2]" in answer.text
        assert [c.article_id for c in answer.citations] == ["later", "first"]
        # The earlier report is cited for its own words, not for the note.
        assert answer.citations[1].quote.startswith("At least 14 people were killed")


@pytest.mark.parametrize(
    ("question", "older", "newer", "note"),
    [
        (
            "How much will the Gull Bay bridge repair cost?",
            "The Gull Bay bridge repair will cost $12 million, the transport board said.",
            "The Gull Bay bridge repair will now cost $15.5 million, the transport board said.",
            "Up from $12 million reported on 2024-05-01.",
        ),
        (
            "How many homes lost power in the Kessler Valley storm?",
            "About 40,000 homes lost power in the Kessler Valley storm overnight.",
            "About 12,500 homes still lost power in the Kessler Valley storm, the utility said.",
            "Down from 40,000 homes reported on 2024-05-01.",
        ),
    ],
)
def test_made_up_revisions_of_a_cost_and_a_count(question, older, newer, note):
    composer = ExtractiveComposer(terms=Tokenizer(), split=split_sentences)
    answer = composer.compose(
        question, [_hit("first", "2024-05-01", older), _hit("later", "2024-05-03", newer)]
    )
    assert answer.text.startswith(newer), answer.text
    assert f"[1] {note} [2]" in answer.text


@pytest.mark.parametrize(
    ("question", "one", "other"),
    [
        # Another period: "since 2014" is not the invasion's total.
        (
            "How much security assistance has the US given Ukraine?",
            "Since 2014, the US has committed more than $3 billion in security assistance.",
            "Since the invasion, the US has committed more than $6 billion in security assistance.",
        ),
        # Another unit: a share is not a count.
        (
            "How many voters backed the Millbrook budget?",
            "About 62% of voters backed the Millbrook budget in the city vote.",
            "About 9,800 voters backed the Millbrook budget in the city vote.",
        ),
        # Another thing counted in other words.
        (
            "How many people were killed in the Millbrook flood?",
            "At least 14 people were killed in the Millbrook flood.",
            "Officials said 300 people were evacuated from homes along the river after the "
            "Millbrook flood, and shelters stayed open.",
        ),
    ],
)
def test_different_figures_are_not_revisions(question, one, other):
    composer = ExtractiveComposer(terms=Tokenizer(), split=split_sentences)
    answer = composer.compose(
        question, [_hit("first", "2024-05-01", one), _hit("later", "2024-05-03", other)]
    )
    assert "reported on" not in answer.text, answer.text


def test_a_figure_reads_with_what_it_counts_and_years_and_codes_count_nothing():
    terms = Tokenizer()
    [toll] = sentence_figures("At least 23 people were killed in 2024.", terms)
    assert (toll.phrase, toll.unit) == ("23 people", "")
    [cost] = sentence_figures("The XR-17 aid rose to $3 billion in security help.", terms)
    assert (cost.phrase, cost.unit) == ("$3 billion", "$")


@pytest.fixture(scope="module")
def flood_dir(tmp_path_factory, embedder):
    """A data dir holding the two flood reports, ingested with the real model."""
    root = tmp_path_factory.mktemp("flood")
    articles = root / "articles"
    articles.mkdir()
    (articles / "first.txt").write_text(FIRST, encoding="utf-8")
    (articles / "later.txt").write_text(LATER, encoding="utf-8")
    result = newsbot("ingest", str(articles), data_dir=root / "data")
    assert result.returncode == 0, result.stderr
    return root / "data"


def test_ask_and_chat_lead_with_the_newer_toll(flood_dir):
    asked = newsbot("ask", QUESTION, data_dir=flood_dir)
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.startswith("At least 23 people were killed"), asked.stdout
    assert "Up from 14 people reported on 2024-05-01. [2]" in asked.stdout
    chatted = newsbot("chat", data_dir=flood_dir, input=f"{QUESTION}\nquit\n")
    assert chatted.returncode == 0, chatted.stderr
    assert "Up from 14 people reported on 2024-05-01. [2]" in chatted.stdout


def test_telegram_leads_with_the_newer_toll(flood_dir, embedder):
    from newsbot.retrieval.newsbot import Newsbot
    from tests.bot.test_telegram_bot import run_bot
    from tests.support.fake_telegram import FakeTelegram

    bot = Newsbot(make_settings(flood_dir), embedder=embedder)
    with FakeTelegram() as tg:

        async def body():
            tg.send_text(QUESTION, chat_id=5)
            [call] = await tg.async_wait_for("sendMessage", timeout=60)
            assert "At least 23 people were killed" in call.params["text"]
            assert "Up from 14 people reported on 2024-05-01. [2]" in call.params["text"]

        run_bot(tg, bot, body)


def test_the_timeline_marks_the_step_that_revised_the_toll(flood_dir):
    done = newsbot("timeline", "Millbrook flood", "--json", data_dir=flood_dir)
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)
    assert [s["source"] for s in steps] == ["Millbrook Ledger", "Valley Tribune"]
    assert "revised" not in steps[0]
    assert steps[1]["revised"] == "23 people, up from 14 people [1]"
    told = newsbot("timeline", "Millbrook flood", data_dir=flood_dir)
    assert "(revised: 23 people, up from 14 people [1])" in told.stdout


def test_the_marks_harness_lists_each_mark_with_the_sentences_it_compared(flood_dir, tmp_path):
    from newsbot.harness.timeline_marks import main

    topics = tmp_path / "topics.jsonl"
    topics.write_text(json.dumps({"topic": "Millbrook flood", "stories": []}) + "\n")
    out = tmp_path / "marks.jsonl"
    args = ["--replay", str(flood_dir), "--store", str(tmp_path / "copy"), "--topics", str(topics)]
    assert main([*args, "--out", str(out)]) == 0
    [mark] = [json.loads(line) for line in out.read_text().splitlines()]
    assert mark["note"] == "23 people, up from 14 people [1]"
    assert mark["sentence"].startswith("At least 23 people were killed")
    assert mark["older_sentence"].startswith("At least 14 people were killed")


def _read(text: str) -> list:
    from newsbot.retrieval.answer.revisions import reported

    terms = Tokenizer()
    return [reported(s, terms) for s in split_sentences(text)]


def _revised(older: str, newer: str) -> tuple[str, str] | None:
    from newsbot.retrieval.answer.revisions import revised_in_story

    found = revised_in_story(_read(older), _read(newer), Tokenizer())
    return (found[1].phrase, found[0].phrase) if found else None


def test_reports_of_one_story_revise_a_figure_in_other_words():
    # Two reports of one fire word its size differently; the grove both give is no revision.
    older = (
        "The grove covers 248 acres of giant sequoias. "
        "After it was first reported Thursday, the fire had burned through about 703 acres."
    )
    newer = (
        "The grove covers 248 acres and holds 500 mature trees. "
        "The fire grew to 2,000 acres Sunday evening, officials said."
    )
    assert _revised(older, newer) == ("703 acres", "2,000 acres")
    assert _revised(
        "Heavy rains battered South Africa on Wednesday, killing at least 306 people.",
        "Storms and flooding in South Africa, in which nearly 400 people have died.",
    ) == ("306 people", "400 people")


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        # Persons counted with different fates.
        (
            "Police arrested 31 people near the parade in Coeur d'Alene on Saturday.",
            "A caller in Coeur d'Alene saw about 20 people wearing masks near the parade.",
        ),
        # The same fate in different places: two crashes.
        (
            "At least 14 people were killed when a bus crashed near Varo, police said.",
            "At least 9 people were killed when a bus crashed near Kell, police said.",
        ),
        # Ages are claims, not figures a later report revises.
        (
            "Some of the sequoias are as much as 3,500 years old.",
            "Most of the sequoias are more than 2,000 years old.",
        ),
        # Only the word counted in common.
        (
            "The fire had burned 3,221 acres by Monday.",
            "The grove of giant trees stands on 248 acres.",
        ),
        # An age written as one word.
        (
            "A 100-year-old man went on trial in Germany on Thursday.",
            "A 101-year-old man was convicted by a German court on Tuesday.",
        ),
        # An ordinal names which one; a seed, a rank.
        (
            "The 49th annual awards air Friday at 9 p.m.",
            "The 74th annual awards air Monday at 8 p.m.",
        ),
        (
            "Alcaraz beat No. 3 seed Stefanos Tsitsipas in the third round.",
            "Tiafoe lost to No. 12 seed Carlos Alcaraz in the semifinals.",
        ),
        # A day's move is no level: the Dow's points, a price's cents.
        (
            "The Dow Jones Industrial Average was up 662 points, or 2%, on Wednesday.",
            "The Dow fell 1,063 points, or 3.1%, on Thursday.",
        ),
        (
            "Gas prices rose 10 cents since early Monday, according to AAA.",
            "Prices at the pump climbed on Wednesday, jumping an average of 8 cents.",
        ),
        # A price per gallon is not one per barrel.
        (
            "Oil prices hit $120 per barrel on Monday.",
            "Diesel prices hit a record $5.56 per gallon on Thursday.",
        ),
    ],
)
def test_figures_of_one_story_that_count_different_things_are_no_revision(older, newer):
    assert _revised(older, newer) is None


def test_a_day_of_a_month_is_no_figure():
    terms = Tokenizer()
    assert (
        sentence_figures("This page recaps the news from Ukraine on Saturday, March 12.", terms)
        == []
    )


def test_a_level_after_a_move_is_still_a_figure():
    # "dropped three cents to $4.16": the cents moved, $4.16 is the level a later report revises.
    assert _revised(
        "The national average for regular gasoline dropped three cents to $4.16 a gallon.",
        "The national average price for regular gasoline fell to $3.99 a gallon on Thursday.",
    ) == ("$4.16", "$3.99")


def _step(article: str, day: str):
    from newsbot.retrieval.timeline import TimelineStep

    return TimelineStep(day, "published", "", article, None, None, (), article, published_at=day)


@pytest.mark.parametrize(
    ("later", "marked"),
    [("2022-07-10", "2,000 acres, up from 703 acres [1]"), ("2022-09-10", "")],
)
def test_a_timeline_compares_a_figure_with_reports_of_the_last_month_only(later, marked):
    from datetime import date

    from newsbot.retrieval.timeline import marked_revisions
    from newsbot.retrieval.topics import Lead

    steps = [_step("a", "2022-07-08"), _step("b", later)]
    leads = {
        "a": Lead("a", "Fire", "The fire had burned about 703 acres.", date(2022, 7, 8)),
        "b": Lead("b", "Fire", "The fire grew to 2,000 acres Sunday.", date.fromisoformat(later)),
    }
    assert [s.revised for s in marked_revisions(steps, leads, Tokenizer())] == ["", marked]
