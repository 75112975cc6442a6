"""Wire briefs under MIN_WORDS words join their story; blurbs shared by unrelated pages do not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbot.ingest.indexer import Indexer
from newsbot.ingest.near_copies import MIN_WORDS, is_copy, runs_through, shingles, words
from newsbot.store.chroma_store import Store
from tests.bot.test_cli import newsbot
from tests.support.stores import make_settings

BRIEF = (
    "Quillfeather Aeronautics grounded its XR-17 delivery drones on Saltry Island on Monday "
    "after one of them lost power over the harbour and landed in the water, the company said."
)
HEADLINE = "Quillfeather grounds XR-17 drones after harbour landing"
OTHER_HEADLINE = "Saltry Island drone deliveries halted"
# A consent form that scraped pages of unrelated stories share, word for word.
BLURB = (
    "You can find out more about our legitimate interest activity in our privacy policy. "
    "We and our partners use cookies to store and access personal data such as browsing data."
)


def brief_file(folder: Path, name: str, title: str, source: str, text: str = BRIEF) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text(f"{title}\n\n{text}\n\nMay 14, 2024\n\nSource: {source}\n", "utf-8")
    return path


def test_a_brief_groups_with_its_copy_but_not_as_a_quote_in_a_longer_text():
    assert len(words(BRIEF)) < MIN_WORDS
    own, other = shingles(BRIEF, HEADLINE), shingles(BRIEF, OTHER_HEADLINE)
    assert own and other and is_copy(own, other)
    dateline = shingles(f"SALTRY, May 14 (Northern Wire) -- {BRIEF}", OTHER_HEADLINE)
    assert is_copy(own, dateline)
    longer = " ".join([BRIEF] + [f"Residents said ferry number {n} ran late." for n in range(9)])
    assert not is_copy(own, shingles(longer, HEADLINE))
    follow_up = (
        "Quillfeather Aeronautics resumed XR-17 drone deliveries on Saltry Island on Thursday, "
        "three days after one of them lost power over the harbour, the company said."
    )
    assert not is_copy(own, shingles(follow_up, "Quillfeather resumes XR-17 drone deliveries"))
    # A few words (under one shingle) still compare, as a whole.
    assert is_copy(
        shingles("Drones grounded", "Drones grounded"),
        shingles("drones, grounded", "Drones grounded again"),
    )
    # Texts given without a headline stay as before: a brief is not grouped.
    assert not shingles(BRIEF)


def test_briefs_written_to_one_template_are_distinct_stories():
    template = (
        "The harbour authority said on Tuesday that fares on the ferry will fall by {0} percent "
        "from June, after a year in which the electric ferries carried more passengers."
    )
    twenty, ten = template.format("twenty"), template.format("ten")
    a, b = shingles(twenty, "Ferry fares to fall"), shingles(ten, "Ferry fares cut")
    assert a and b and is_copy(a, b)  # the shingles alone would group them...
    assert not runs_through(twenty, ten)  # ...but the figure breaks the run
    assert runs_through(BRIEF, f"SALTRY (Northern Wire) -- {BRIEF} Reporting by Jo Poe.")


def test_a_blurb_unrelated_headlines_share_is_never_grouped():
    assert not shingles(BLURB, "Will Ukraine join the EU? | The Week UK")
    assert not shingles(BLURB, "Quiz of The Week: 13 – 19 August | The Week UK")
    assert shingles(BLURB, "Our privacy policy: how partners use cookies")


@pytest.mark.parametrize("same_run", [False, True])
def test_brief_copies_join_the_story_in_one_run_or_the_next(tmp_path, hashing_embedder, same_run):
    store = Store(make_settings(tmp_path / "data"), hashing_embedder, fresh=True)
    first, later = tmp_path / "first", tmp_path / ("first" if same_run else "later")
    brief_file(first, "wire", HEADLINE, "Northern Wire")
    brief_file(later, "copy", OTHER_HEADLINE, "Gull Bay Gazette")
    # Two unrelated pages holding only the same consent form stay two stories.
    brief_file(first, "page1", "Will Ukraine join the EU? | The Week UK", "The Week", BLURB)
    brief_file(later, "page2", "Next Tory leader odds and polls | The Week UK", "The Week", BLURB)
    reports = [Indexer(store).ingest([first])]
    if not same_run:
        reports.append(Indexer(store).ingest([later]))
    assert sum(r.copies for r in reports) == 1
    assert sum(r.added for r in reports) == 3
    assert store.copies.count() == 1
    (record,) = list(store.copies)
    assert record.source in {"Northern Wire", "Gull Bay Gazette"}
    assert store.copies.sources() == [record.source]  # `stats` lists the copies' outlets too


@pytest.mark.model  # every command loads the model in a process of its own
def test_follow_alerts_once_for_a_brief_and_its_copy(tmp_path):
    """The README promises one alert per story: a brief's copy must not alert again."""
    data = tmp_path / "data"

    def run(*args: str) -> str:
        done = newsbot(*args, data_dir=data, NEWSBOT_LLM="none")
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("ingest", str(brief_file(tmp_path / "old", "old", "Harbour fares", "Gazette", BLURB)))
    assert run("follow", "XR-17", "drones").startswith("following: XR-17 drones")
    counts = json.loads(
        run("ingest", "--json", str(brief_file(tmp_path / "a", "a", HEADLINE, "Wire")))
    )
    assert counts["added"] == 1
    assert run("alerts").count("New on “XR-17 drones”: ") == 1
    copy = brief_file(tmp_path / "b", "b", OTHER_HEADLINE, "Gazette")
    counts = json.loads(run("ingest", "--json", str(copy)))
    assert (counts["added"], counts["copies"]) == (0, 1)
    assert run("alerts") == "no new stories on the topics you follow\n"


@pytest.mark.parametrize("sentences", [1, 6])  # a brief, and a text well over MIN_WORDS
def test_a_twin_read_before_a_stored_article_never_takes_its_text_away(
    tmp_path, hashing_embedder, sentences
):
    store = Store(make_settings(tmp_path / "data"), hashing_embedder, fresh=True)
    folder = tmp_path / "news"
    text = " ".join([BRIEF] * sentences).replace("Monday", "Monday again", sentences - 1)
    brief_file(folder, "wire", HEADLINE, "Northern Wire", text)
    assert Indexer(store).ingest([folder]).added == 1
    # The same file under a name that sorts first: it joins the story, the stored one stays.
    (folder / "a-twin.txt").write_bytes((folder / "wire.txt").read_bytes())
    report = Indexer(store).ingest([folder])
    assert (report.copies, report.unchanged, report.added, report.updated) == (1, 1, 0, 0)
    (stored,) = store.articles()
    assert store.stories([stored])[stored].stored == stored
