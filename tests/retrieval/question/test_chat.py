"""Questions as people type them: chat taken off, the corpus's spelling, other languages."""

from __future__ import annotations

import math

import pytest

from newsbot.core.tokenizer import Tokenizer
from newsbot.retrieval.question.chat import clean
from newsbot.retrieval.question.language import language, not_english
from newsbot.retrieval.question.spelling import read_question, respell, truecase
from tests.support.stores import ingest_into, make_settings

TERMS = Tokenizer()


def rarity_of(counts: dict[str, int], n: int = 100):
    """An idf over a made-up corpus: word -> number of articles holding it."""
    df: dict[str, int] = {}
    for word, count in counts.items():
        for stem in TERMS(word):
            df[stem] = df.get(stem, 0) + count
    return lambda term: math.log(1 + (n - df.get(term, 0) + 0.5) / (df.get(term, 0) + 0.5))


CORPUS = rarity_of(
    {
        "harbor": 20,
        "harbour": 1,
        "city": 60,
        "ferries": 8,
        "cost": 30,
        "color": 9,
        "center": 25,
        "centre": 2,
        "defense": 15,
        "organization": 12,
        "xr": 3,
        "17": 40,
        "counter": 10,
        "terror": 6,
        "government": 50,
        "govern": 5,
        "ukrainian": 20,
        "texas": 9,
        "mexico": 9,
        "drone": 4,
        "filled": 3,
        "filed": 30,
        "flight": 10,
        "weigh": 10,
        "fight": 30,
    }
)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hey newsbot, how much did the ferries cost? thanks!", "How much did the ferries cost?"),
        ("Hi there! How much did the ferries cost?", "How much did the ferries cost?"),
        ("hello how much did the ferries cost", "How much did the ferries cost?"),
        ("how much did the ferries cost", "How much did the ferries cost?"),
        ("Q3: How much did the ferries cost?", "How much did the ferries cost?"),
        ("3) How much did the ferries cost?", "How much did the ferries cost?"),
        ("Question 2 - How much did the ferries cost?", "How much did the ferries cost?"),
        (
            "I saw something in the news this week. How much did the ferries cost? Can you help?",
            "How much did the ferries cost?",
        ),
        (
            "Quick question about something I read. How much did the ferries cost? Any idea?",
            "How much did the ferries cost?",
        ),
        ("How much did the ferries cost? Thank you!", "How much did the ferries cost?"),
        ("How much did the ferries cost, newsbot?", "How much did the ferries cost?"),
        ("Can you tell me how much the ferries cost?", "How much the ferries cost?"),
        ("Do you know who founded Quillfeather?", "Who founded Quillfeather?"),
        ("I was wondering if the ferries were late.", "The ferries were late."),
        ("Please tell me who won, thanks so much", "Who won?"),
    ],
)
def test_chat_around_a_question_is_taken_off(typed, meant):
    assert clean(typed) == meant


@pytest.mark.parametrize(
    "question",
    [
        "What is the news today?",  # a lone sentence is the question, however chatty
        "What's the latest on the chat bot?",
        "Hello Kitty maker Sanrio: what did it report?",
        "Q3 earnings of Apple: how much?",
        "Who should I thank?",
        "I read that the ferries were late. Why?",  # context that names things stays
    ],
)
def test_what_is_content_stays(question):
    assert clean(question) == question


def test_a_message_of_only_chat_leaves_nothing_to_ask():
    assert clean("Hi newsbot!") == ""
    assert clean("Thanks!") == ""


def passages(query: str) -> list[str]:
    """The made-up corpus's texts (a real index returns those that match the query best)."""
    return [
        "Drone Trial\nThe XR-17 drone flew 40 trips. Counter-terror units watched.",
        "Harbor News\nMillbrook voters met. The mill stood by a brook.",
    ]


@pytest.mark.parametrize(
    ("typed", "corpus"),
    [
        ("How much did Harbour City's ferries cost?", "How much did Harbor City's ferries cost?"),
        ("What colour is the city centre?", "What color is the city center?"),
        ("Which organisation runs defence?", "Which organization runs defense?"),
        ("How far can the XR17 drone fly?", "How far can the XR-17 drone fly?"),
        ("Who leads counterterror work?", "Who leads counter-terror work?"),
        ("What did the goverment say?", "What did the government say?"),
        ("What did the Ukrainain drone do?", "What did the Ukrainian drone do?"),
        ("Who crossed the TexasMexico border?", "Who crossed the Texas-Mexico border?"),
        ("What was the 20for1 split?", "What was the 20-for-1 split?"),
    ],
)
def test_words_are_respelled_the_way_the_corpus_spells_them(typed, corpus):
    assert respell(typed, TERMS, CORPUS, passages) == corpus


@pytest.mark.parametrize(
    "question",
    [
        "Who filled the post?",  # known words stay, however common a neighbour is
        "Who won the Millbrook marathon?",  # an unknown name with no near neighbour
        "What did Zorblax do in 2023?",  # no known word one edit away
        "What was the XR-17 flight time?",
        "How many fights?",
        "How much weight can it carry?",  # a word the corpus lacks is not a typo of "weigh"
    ],
)
def test_known_and_unguessable_words_stay(question):
    assert respell(question, TERMS, CORPUS, passages) == question


def test_words_run_together_are_split_only_as_the_corpus_writes_them():
    rarity = rarity_of({"mill": 5, "brook": 5, "drone": 3})
    # Both pieces are known words, but the corpus never writes "mill brook" side by side.
    assert respell("Who runs Millbrook?", TERMS, rarity, passages) == "Who runs Millbrook?"
    assert respell("Who runs Millbrook?", TERMS, rarity) == "Who runs Millbrook?"


def test_an_all_lower_case_question_takes_the_corpus_capitals():
    texts = ["Ferry News\nThe Harbor City ferries run daily. It said the NHS helped."]
    asked = "how much did harbor city's ferries cost the nhs"
    assert truecase(asked, lambda q: texts) == "how much did Harbor City's ferries cost the NHS"
    # A phone capitalises the first letter (and so does the chat cleaner): still all lower case.
    assert truecase("How much did harbor city pay?", lambda q: texts) == (
        "How much did Harbor City pay?"
    )
    # Any other capital says the asker chose the capitals.
    assert truecase("How much did harbor City pay?", lambda q: texts) == (
        "How much did harbor City pay?"
    )


def test_a_word_of_someone_elses_name_stays_lower_case():
    texts = [
        "Quilts\nThe quilts of Caldwell Falls are on show. Quillfeather flew the drone.",
        "Dairy\nThe board said the Tollbridge Dairy deal would close. Its dairy farms stay.",
    ]
    # "Falls" only ever stands in "Caldwell Falls", which the question does not name.
    asked = "what if the dairy deal falls apart"
    assert truecase(asked, lambda q: texts) == asked
    assert truecase("what about caldwell falls", lambda q: texts) == "what about Caldwell Falls"
    # Seen only opening a sentence ("Head coach Renata Salgado"), a word says nothing.
    assert truecase("who is the head coach", lambda q: ["Cup\nHead coach Ana Ruiz won."]) == (
        "who is the head coach"
    )


def test_short_words_are_not_guessed_at():
    assert respell("Who is Fihgt?", TERMS, CORPUS) == "Who is Fight?"
    assert respell("Who is Fgt?", TERMS, CORPUS) == "Who is Fgt?"


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("¿Quién ganó la Copa del Mundo en 2022?", "es"),
        ("Qui a gagné la coupe du monde en 2022 ?", "fr"),
        ("Wer hat die Weltmeisterschaft 2022 gewonnen?", "de"),
        ("Chi ha vinto la Coppa del Mondo nel 2022?", "it"),
        ("Quem ganhou a Copa do Mundo de 2022?", "pt"),
        ("Wie heeft het WK van 2022 gewonnen?", "nl"),
        ("Кто выиграл чемпионат мира 2022 года?", "ru"),
        ("谁赢得了2022年世界杯？", "zh"),
        ("2022年のワールドカップで優勝したのは誰ですか？", "ja"),
        ("2022 월드컵에서 누가 우승했나요?", "ko"),
        ("من فاز بكأس العالم 2022؟", "ar"),
        ("What did Los Angeles de la Cruz say about El Niño?", "en"),
        ("Was the Der Spiegel report about the Bundestag true?", "en"),
        ("Which team won the Copa del Rey final?", "en"),
        ("who is the ceo of société générale", "en"),
    ],
)
def test_the_language_of_a_question_is_recognised(question, lang):
    assert language(question) == lang


def test_a_question_not_in_english_is_refused_in_its_language():
    answer = not_english("¿Cuánto costaron los transbordadores de Harbor City?")
    assert answer is not None and answer.refused and not answer.citations
    assert "inglés" in answer.text and "English" in answer.text
    assert not_english("How much did the Harbor City ferries cost?") is None


# --- the chain, over the sample articles and the real model ---------------------------------

FERRIES = "How much did Harbor City's ferries cost?"


@pytest.mark.parametrize(
    "typed",
    [
        "hey newsbot, how much did Harbour City's ferries cost? thanks!",
        "Q3: How much did Harbor City's ferries cost?",
        "How much did Harbor City's ferreis cost?",
        "How much did Harbour City's ferries cost?",
        "I saw something in the news this week. How much did Harbor City's ferries cost? "
        "Can you help?",
        "How much did Harbor City's ferries cost? Thanks!",
        "how much did harbor city's ferries cost",
    ],
)
def test_noisy_questions_are_answered_like_the_clean_one(samples_newsbot, typed):
    clean_answer = samples_newsbot.answer(FERRIES)
    assert not clean_answer.refused
    assert samples_newsbot.answer(typed) == clean_answer


def test_a_name_typed_without_its_hyphen_is_found(samples_newsbot):
    answer = samples_newsbot.answer("How much does each XR17 cost to build?")
    assert not answer.refused
    assert "95,000" in answer.text


def test_a_question_in_spanish_is_refused_in_spanish(samples_newsbot):
    answer = samples_newsbot.answer("¿Cuánto costaron los transbordadores eléctricos?")
    assert answer.refused
    assert "inglés" in answer.text
    assert samples_newsbot.answer("Hi newsbot!").text == "Please ask a question about the news."


def test_a_compound_typed_solid_matches_the_hyphenated_text(tmp_path, hashing_embedder):
    from newsbot.retrieval.newsbot import Newsbot

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "raids.txt").write_text(
        "Pakistan Reports Counter-Terror Operations\n\n"
        "Pakistan saw 789 terror attacks and counter-terror operations in 2023, the "
        "institute said in its annual security review published on Tuesday.\n",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "store")
    store, _ = ingest_into(settings, hashing_embedder, folder)
    bot = Newsbot(settings, embedder=hashing_embedder, store=store)
    asked = "How many counterterror operations did Pakistan see?"
    assert read_question(asked, bot.searcher) == asked.replace("counterterror", "counter-terror")
    # The stand-in embedder knows no meaning, so the keyword score tells what matched.
    assert bot.retrieve(asked)[0].keyword > bot.searcher.search(asked)[0].keyword


def test_one_list_does_not_outvote_the_other_passages():
    stats = "Names\nIn 1934, Total population was 126m, the Total births 2m, the Total dead 1m."
    texts = [stats, "Protest\nA total of 35 people were arrested.", "Vote\nThe total was 12."]
    assert truecase("how many people in total", lambda q: texts) == "how many people in total"
