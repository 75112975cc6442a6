""" "And who said that?": who said what the last answer quoted, from its article."""

from __future__ import annotations

from newsbot.core.sentences import split_sentences
from newsbot.core.types import Chunk, Turn
from newsbot.retrieval.answer.attribution import asks_who_said, speaker_of, who_said

FERRY = Chunk(
    id="ferry-0",
    article_id="ferry",
    position=0,
    metadata={"title": "Harbor City Launches Ferries", "path": "ferry.txt"},
    text=(
        "Dockside, retired ferry deckhand Walter Abernathy, who worked on the Osprey for 27 "
        'years, watched the first departure. "She was a good old boat," he said. "But I '
        "won't miss the smell of diesel.\"\n\nCounty health officer Dr. Priya Venkataraman said "
        'the first case was identified on January 29. "Measles is one of the most contagious '
        'diseases we know of," Venkataraman said.'
    ),
)


def chunks(article_id):
    return [FERRY] if article_id == "ferry" else []


def ask(question, answer):
    history = [Turn("What did they say?", answer, ("ferry",))]
    return who_said(question, history, chunks, split_sentences)


def test_asks_who_said():
    for question in ("and who said that?", "Who said it?", "who said so", "Says who?"):
        assert asks_who_said(question)
    assert asks_who_said("According to whom?")
    assert not asks_who_said("Who said the ferries were quiet?")  # a question of its own
    assert not asks_who_said("Who founded the company?")


def test_speakers_as_news_writes_them():
    assert speaker_of('"It is quiet now," said Paula Grinstead, director of transit.') == (
        "Paula Grinstead"
    )
    assert speaker_of("Interior Secretary Benjamin Abalos Jr. said 58 landslides hit.") == (
        "Interior Secretary Benjamin Abalos Jr."
    )
    assert speaker_of(
        "Instagram plans to appeal, a spokesperson for its parent company, Meta, said."
    ) == ("a spokesperson for its parent company, Meta")
    assert speaker_of("According to a report by the Centre, 1,524 people died.") == (
        "a report by the Centre"
    )
    # The verb inside the quotation is the quote's, not the speaker's.
    assert speaker_of('"I told them at halftime," Salgado said.') == "Salgado"
    assert speaker_of("The ferries carried 90 riders.") == ""


def test_a_he_said_is_the_person_named_before_it():
    answer = ask("and who said that?", '"She was a good old boat," he said. [1]')
    assert answer is not None and not answer.refused
    assert "Walter Abernathy" in answer.text
    assert answer.text.index("Abernathy") < answer.text.index("good old boat")
    assert answer.citations[0].path == "ferry.txt"


def test_a_surname_is_answered_with_the_whole_name_where_the_article_gives_it():
    answer = ask("who said that?", '"Measles is one of the most contagious diseases we … [1]')
    assert answer is not None
    assert "Dr. Priya Venkataraman" in answer.text
    assert "Venkataraman said." in answer.text


def test_nothing_attributed_is_left_to_the_composer():
    assert ask("who said that?", "The ferries carried 90 riders. [1]") is None
    assert ask("How many riders?", '"She was a good old boat," he said. [1]') is None
    assert who_said("who said that?", [], chunks, split_sentences) is None
