"""The answer kinds people ask of news beyond numbers and names: ages, phone numbers,
addresses, and the holder of a role; and the questions asked of the news itself."""

from __future__ import annotations

import pytest

from newsbot.retrieval.question.answer_kinds import (
    WORD,
    answer_kind,
    asks_when,
    gives_hour,
    holds_kind,
    is_kind_word,
    role_words,
)
from newsbot.retrieval.question.measures import measure_asked, measure_words
from newsbot.retrieval.question.news_asks import (
    AUTHOR,
    LATEST,
    OUTLET,
    PUBLISHED,
    NewsAsk,
    news_ask,
)


def words(question: str) -> set[str]:
    return {w.lower() for w in WORD.findall(question)}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How old is Kofi Adjei-Brandt?", "age"),
        ("How old was he when he died?", "age"),
        ("At what age did she retire?", "age"),
        # An age group or range is not an age.
        ("Which age group can get the vaccine?", "name"),
        ("What number can parents call with questions?", "phone"),
        ("What is the phone number of the hotline?", "phone"),
        ("What is the hotline?", "phone"),
        ("What is the address of the clinic?", "address"),
        ("On what street does the parade finish?", "address"),
        # "address" the verb asks for nothing of the kind; "how many" asks for a count.
        ("How will the plan address the shortage?", None),
        ("How many phone numbers were leaked?", "number"),
        # A role is asked by "who", and answered by a name.
        ("Who founded the company that makes the XR-17?", "name"),
        # The kinds already taught answer as before.
        ("How many ferries does Gull Bay run?", "number"),
        ("How long is the crossing?", "number"),
        ("When will the bridge open?", "date"),
        ("What was the final score?", "score"),
        ("Where is the clinic?", "place"),
    ],
)
def test_answer_kind(question, kind):
    assert answer_kind(question) == kind


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        ("Adjei-Brandt, 23, sent goalkeeper Dario Pellegrini the wrong way.", "How old is he?"),
        ("The transit authority brought the 36-year-old Osprey back into service.", "How old?"),
        ("The former leader of the Soviet Union has died at the age of 91.", "How old was he?"),
        ("Mikhail Gorbachev, former Soviet leader, dies at 91", "How old was he?"),
        ("Some of the colonies may be several thousand years old.", "How old are the corals?"),
        ("Tracks from around 113 million years ago were revealed.", "How old are the tracks?"),
        ("Police said he was 21.", "How old is the suspect?"),
    ],
)
def test_a_sentence_holds_an_age(sentence, question):
    assert holds_kind(sentence, "age", words(question))


@pytest.mark.parametrize(
    "sentence",
    [
        "On March 3, 2024, about 90 riders came aboard.",
        "The rate was 21 percent.",
        "The ferry carries 150 passengers and 40 bicycles.",
    ],
)
def test_a_count_or_a_date_is_not_an_age(sentence):
    assert not holds_kind(sentence, "age", words("How old is the ferry?"))


def test_phone_numbers_and_addresses_are_held_in_their_set_forms():
    hotline = "The health department set up a hotline at 555-0148 for parents with questions."
    asked = words("What number can parents call?")
    assert holds_kind(hotline, "phone", asked)
    assert holds_kind("Call (212) 555-0148 or 1-800-555-0199 for help.", "phone", asked)
    assert not holds_kind("The vote was 5-2 after 1,150 doses.", "phone", asked)
    clinic = (
        "The clinics run from 9 a.m. to 3 p.m. at the Lakeshore Community Center on Birch Road."
    )
    assert holds_kind(clinic, "address", words("What is the address of the clinics?"))
    assert holds_kind("The parade finishes on Granger Street.", "address", words("Which street?"))
    assert not holds_kind(hotline, "address", words("What is the address?"))
    # The street the question already names is not the answer.
    birch = words("What is on Birch Road?")
    assert not holds_kind("The clinic stands on Birch Road.", "address", birch)


def test_a_cut_keeps_the_words_of_the_kind():
    q_words = words("How old is he?")
    assert is_kind_word("23,", "age", q_words)
    assert is_kind_word("36-year-old", "age", q_words)
    assert not is_kind_word("Pellegrini", "age", q_words)
    assert is_kind_word("555-0148", "phone", q_words)
    assert not is_kind_word("2024", "phone", q_words)
    assert is_kind_word("Road", "address", q_words)
    assert is_kind_word("Birch", "address", q_words)


def test_a_role_question_wants_the_name_beside_a_word_of_that_role():
    asked = words("Who founded the company that makes the XR-17?")
    founder = (
        "Company founder Ottoline Brackenridge, an aerospace engineer, said the aircraft flew."
    )
    assert holds_kind(founder, "name", asked)
    # Any other name is not a founder's.
    other = "Quillfeather Aeronautics flew its XR-17 drone to Mallow Island."
    assert not holds_kind(other, "name", asked)
    # Without a role word a "who" question takes any new name, as before.
    assert holds_kind(other, "name", words("Who flew the drone?"))


def test_each_role_has_its_own_words():
    assert "founder" in role_words(words("Who founded Quillfeather?"))
    chair = role_words(words("Who chairs Tollbridge's board?"))
    assert "chair" in chair and "founder" not in chair
    assert "director" in role_words(words("Who runs the transit authority?"))
    # Words that describe a person as often as they ask for one do not make a role question.
    assert not role_words(words("Which group was the terrorist, who met President Biden?"))
    assert not role_words(words("Which team did the coach, who prayed, work for?"))
    assert not role_words(words("Which company did he found?"))  # "which", not "who"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("What is the latest news on the Harbor City ferries?", (LATEST, "Harbor City ferries")),
        ("What's the latest on the Kittiwake?", (LATEST, "Kittiwake")),
        ("Any news about Quillfeather Aeronautics?", (LATEST, "Quillfeather Aeronautics")),
        ("What's new with the Wren-1 satellite?", (LATEST, "Wren-1 satellite")),
        ("Any updates on the Millbrook budget this week?", (LATEST, "Millbrook budget")),
        ("What's the latest ferry news?", (LATEST, "ferry")),
        ("Who wrote the article about the Kittiwake?", (AUTHOR, "Kittiwake")),
        ("Who wrote it?", (AUTHOR, "")),
        ("Which reporter covered the Regional Cup final?", (AUTHOR, "Regional Cup final")),
        ("Which paper reported the Kittiwake charger fault?", (OUTLET, "Kittiwake charger fault")),
        ("Which newspaper reported it?", (OUTLET, "")),
        ("Where was the article published?", (OUTLET, "")),
        ("When was the article about the ferries published?", (PUBLISHED, "ferries")),
        ("When was the Wren-1 story published?", (PUBLISHED, "Wren-1")),
        ("When was it published?", (PUBLISHED, "")),
    ],
)
def test_news_ask(question, asked):
    found = news_ask(question)
    assert found is not None
    assert (found.kind, found.topic) == asked


def test_an_outlet_question_may_mean_whoever_broke_the_news():
    assert news_ask("Which newspaper reported it?") == NewsAsk(OUTLET, "", credited=True)
    assert news_ask("Who reported it?") == NewsAsk(AUTHOR, "", credited=True)
    assert news_ask("Who wrote it?") == NewsAsk(AUTHOR, "", credited=False)


@pytest.mark.parametrize(
    "question",
    [
        # What the news says, not the news itself.
        "Who wrote the song that opened the Glastonbury festival?",
        "Who reported record profits this quarter?",
        "Who published the leaked documents?",
        "When was the report released?",
        "When did the deal close?",
        "What is the new name of the company?",
        "Which network will broadcast the games?",
        "What was the latest score?",
        "Who is the author of The Snowman?",
    ],
)
def test_questions_about_what_the_news_says_are_not_news_asks(question):
    assert news_ask(question) is None


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much did Harbor City's electric ferry project cost?", "money"),
        ("How much has the campaigner raised for cancer research?", "money"),
        ("What was the total cost of the new bridge?", "money"),
        # Amounts that are not money stay numbers.
        ("How much did inflation rise in May?", "number"),
        ("How much rain fell on Tuesday?", "number"),
    ],
)
def test_a_question_about_cost_asks_for_money(question, kind):
    assert answer_kind(question) == kind


def test_money_is_a_sum_with_its_currency_and_a_time_answers_when():
    words = {w.lower() for w in WORD.findall("How much did the ferry project cost?")}
    assert holds_kind("The project cost $38.5 million, including both vessels.", "money", words)
    assert holds_kind("She has raised £7m for research.", "money", words)
    assert holds_kind("It cost 40 million euros.", "money", words)
    assert not holds_kind("The two new ferries carried 400 passengers.", "money", words)
    assert holds_kind("At 4:17 a.m., a faint beacon signal came through.", "date", set())


def test_the_age_of_someone_named_is_the_age_beside_their_name():
    from newsbot.retrieval.question.answer_kinds import AGE_OF_NAMED, age_asked

    question = "How old is Ottoline Brackenridge?"
    assert age_asked(question, answer_kind(question)) == AGE_OF_NAMED
    assert age_asked("How old is the Osprey ferry?", "age") == "age"
    words = {w.lower() for w in WORD.findall(question)}
    other = "The transit authority brought the 36-year-old Osprey back into service."
    assert holds_kind(other, "age", words)  # some age, as any age question takes
    assert not holds_kind(other, AGE_OF_NAMED, words)  # but not hers
    assert holds_kind("Brackenridge, 52, founded the company.", AGE_OF_NAMED, words)


@pytest.mark.parametrize(
    ("question", "asks_hour"),
    [
        ("When did the Wren-1 team hear the satellite's first signal?", True),
        ("when will the ferry leave", True),
        ("what time did the council vote end", True),
        # A year or a day is asked for, not an hour.
        ("When did she ascend to the throne? In what year?", False),
        ("When did the Queen die, and on which day?", False),
        # A scene before the question: the moment it asks about is not the news of the hour.
        ("The Queen died Thursday. When did she ascend to the throne?", False),
        # "when" opening a clause, not the question.
        ("The debate was cut short when what happened?", False),
    ],
)
def test_a_when_question_about_a_moment_may_be_answered_to_the_hour(question, asks_hour):
    assert bool(asks_when(question)) is asks_hour


def test_what_time_asks_for_a_time_of_day_but_a_time_zone_does_not():
    assert answer_kind("what time did the council vote end") == "date"
    assert answer_kind("What time zone is Harbor City in?") != "date"


def test_a_time_of_day_is_told_from_a_length_or_a_score():
    assert gives_hour("At 4:17 a.m., a faint beacon signal came through the receiver.")
    assert gives_hour("The palace issued a statement about 6.30 p.m. local time.")
    assert gives_hour("Doors open at 7 PM on Friday.")
    assert not gives_hour("The video runs 03:48 and was shared 12:17 times.")
    assert not gives_hour("Valley United won 2-1 in the 88th minute.")


@pytest.mark.parametrize(
    ("question", "measure", "holds", "lacks"),
    [
        ("how far can the XR-17 fly", "distance", "Its range is 68 kilometers.", "It costs $95"),
        ("How tall was it?", "length", "It stood about 15 feet tall.", "It weighed 7 tons."),
        ("How long will the mission last?", "span", "It will last 18 months.", "It has 36 parts."),
        ("How fast were the winds?", "speed", "Winds reached 45 km/h.", "45 kilometers away."),
        ("How heavy is the satellite?", "mass", "It weighs 1.3 kilograms.", "It is 10 cm wide."),
        ("How cold did it get?", "temperature", "It fell to minus 4 degrees.", "It fell 4 days."),
    ],
)
def test_how_far_tall_long_fast_heavy_ask_for_a_measure_in_its_units(
    question, measure, holds, lacks
):
    assert measure_asked(question, answer_kind(question)) == measure
    assert holds_kind(holds, measure, words(question))
    assert not holds_kind(lacks, measure, words(question))


def test_how_much_or_many_is_no_measure():
    assert measure_asked("How much did it cost?", "money") == "money"
    assert measure_asked("How many people died?", "number") == "number"


def test_how_much_saved_asks_for_money():
    assert answer_kind("How much will Meridian save each year from the deal?") == "money"
    assert answer_kind("What did Harbor City pay for the Plover?") == "money"


def test_the_words_naming_a_phone_or_address_ask_rather_than_name():
    for question, asking in [
        ("what's the measles hotline number", ["number"]),
        ("What is the address of the vaccine clinic?", ["address"]),
        ("How many numbers did the lottery draw?", []),
    ]:
        assert measure_words(question, answer_kind(question)) == asking


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # A part of a day, or opening hours, asks when; "what" alone asked for a name.
        ("what night did the frost hit kessler valley", "date"),
        ("what hours are the measles clinics open on weekends", "date"),
        ("Which day did the clinic open?", "date"),
        # The price of a ticket is money, though no "cost" or "pay" is said.
        ("how much are tickets for the quilt show", "money"),
        ("How much is a ticket?", "money"),
        ("How much warmer was the lake?", "number"),
    ],
)
def test_the_ways_people_ask_when_and_what_it_costs(question, kind):
    assert answer_kind(question) == kind


def test_a_month_or_a_weekday_beside_a_role_word_is_no_one_s_name():
    asked = words("Who runs the drone company?")
    assert not holds_kind("The waiver runs until March 31, 2024.", "name", asked)
    assert not holds_kind("The clinics run on Saturdays and Sundays.", "name", asked)
    assert holds_kind("The company, run by Ottoline Brackenridge, flew 40 trips.", "name", asked)
