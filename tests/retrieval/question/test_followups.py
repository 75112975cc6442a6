"""Follow-up questions over the bundled samples: the earlier turn's topic carries over."""

from __future__ import annotations

import pytest

from newsbot.core.types import Turn
from newsbot.retrieval.question.followups import (
    answered_name,
    asked_kinds,
    asks_for_more,
    condense,
    fold,
    is_elliptical,
    leans_on_history,
    points_at_answer,
    shown_pieces,
    was_shown,
)


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


def test_a_new_question_that_names_nothing_changes_the_topic_when_its_words_are_elsewhere(
    samples_newsbot,
):
    answer = ask(
        samples_newsbot,
        "How much weight can the XR-17 drone carry?",
        "Who scored the winning penalty in the regional cup final?",
    )
    assert cited_files(answer)[0] == "04_valley-united-regional-cup.txt"
    assert "Kofi Adjei-Brandt" in answer.text


def test_changes_subject_needs_words_enough_and_few_of_them_in_the_story():
    from newsbot.retrieval.question.followups import changes_subject

    def terms(text):
        return [w.strip("?.,").lower() for w in text.split() if len(w) > 3]

    def article_words(ids):
        return {"drone", "carry", "kilograms", "island", "flights"} if "drone" in ids else set()

    history = [Turn("What can the drone carry?", "Up to 4.5 kilograms.", ("drone",))]
    # Words of its own, none in the story: a new subject.
    assert changes_subject("Who scored the winning penalty?", history, terms, article_words)
    # Its words are the story's: the same subject.
    assert not changes_subject("How many island flights were there?", history, terms, article_words)
    # Too few words to name a subject; a pronoun or a name decides by itself.
    assert not changes_subject("What breed?", history, terms, article_words)
    assert not changes_subject("Who scored their winning penalty?", history, terms, article_words)
    assert not changes_subject("Who scored the Cup penalty?", history, terms, article_words)
    assert not changes_subject("Who scored the winning penalty?", [], terms, article_words)


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


def chat(newsbot, *questions: str):
    """Ask questions in one chat, as the front ends do (Turn.of); return every answer."""
    history: list[Turn] = []
    answers = []
    for question in questions:
        answers.append(newsbot.answer(question, history))
        history.append(Turn.of(question, answers[-1]))
    return answers


def sentences(answer) -> list[str]:
    return [s for s in shown_pieces([Turn("", answer.text)])]


def assert_no_repeat(earlier, later):
    """The later answer quotes none of the earlier answer's sentences whole."""
    assert later.text != earlier.text
    for piece in sentences(earlier):
        assert not (len(piece.split()) > 12 and piece in fold(later.text)), piece


def test_when_was_that_answers_with_a_date_not_the_previous_answer(samples_newsbot):
    first, then = chat(samples_newsbot, "Who is buying Tollbridge Dairy?", "And when was that?")
    assert not then.refused
    assert_no_repeat(first, then)
    assert "Monday" in then.text or "2024" in then.text


def test_who_said_it_names_a_person(samples_newsbot):
    first, then = chat(
        samples_newsbot,
        "Which plant did Meridian agree to keep open?",
        "Who said it?",
    )
    assert not then.refused
    assert_no_repeat(first, then)
    assert any(name in then.text for name in ("Agnes Tollbridge", "Douglas Farraday"))


def test_how_many_asks_for_a_number_about_the_same_deal(samples_newsbot):
    first, then = chat(
        samples_newsbot, "Which plant did Meridian agree to keep open?", "How many employees?"
    )
    assert cited_files(then)[0] == "05_meridian-foods-tollbridge-dairy-deal.txt"
    assert "640" in then.text
    assert_no_repeat(first, then)


def test_tell_me_more_gives_the_next_facts(samples_newsbot):
    first, more, again = chat(
        samples_newsbot, "Who is buying Tollbridge Dairy?", "Tell me more", "go on"
    )
    assert not more.refused
    assert cited_files(more)[0] == "05_meridian-foods-tollbridge-dairy-deal.txt"
    assert_no_repeat(first, more)
    assert_no_repeat(more, again)
    assert set(sentences(more)).isdisjoint(sentences(first))


def test_follow_up_kinds():
    assert asks_for_more("Tell me more") and asks_for_more("ok, go on.")
    assert asks_for_more("anything else?") and asks_for_more("tell me more about it")
    assert not asks_for_more("Tell me more about the Pinebrook school week")
    assert is_elliptical("And for diesel?") and is_elliptical("What about the lottery?")
    history = [Turn("Who is buying Tollbridge Dairy?", "Meridian Foods [1]")]
    assert condense("Tell me more", history) == "Who is buying Tollbridge Dairy?"


def test_shown_sentences_are_recognised_whole_or_cut():
    history = [Turn("q", "The deal closes in March. [1] … Meridian will keep 640 workers … [2]")]
    pieces = shown_pieces(history)
    assert was_shown("The deal closes in March.", pieces)
    assert was_shown("Under it, Meridian will keep 640 workers for two years.", pieces)
    assert not was_shown("Farmers were paid on time.", pieces)


def test_a_question_asked_again_is_answered_in_full():
    from newsbot.retrieval.question.followups import without_repeats

    history = [Turn("Who won the cup?", "Valley United [1]"), Turn("When?", "In May [1]")]
    assert without_repeats("who won  the Cup?", history) == history[1:]
    assert without_repeats("Where was it?", history) == history


def test_a_short_question_that_names_its_own_subject_is_a_new_topic():
    assert not leans_on_history("What can the XR-17 drone carry?")
    assert not leans_on_history("Who coaches Valley United?")
    assert leans_on_history("Who coached them?")
    assert leans_on_history("And for Valley United?")
    assert leans_on_history("How many were injured?")
    # However long, a question that names nothing is about the story being discussed.
    assert leans_on_history("How many people were in the crowd at the final that night?")
    # So is one that names only what the conversation already said.
    history = [Turn("Who won the Regional Cup?", "Valley United beat Carden Rovers. [1]")]
    assert leans_on_history("Who scored for Carden Rovers?", history)
    assert not leans_on_history("Who scored for Hollins Town?", history)


def test_and_with_a_question_word_is_a_question_of_its_own():
    from newsbot.retrieval.question.followups import is_elliptical

    assert is_elliptical("And for diesel?")
    assert is_elliptical("What about Valley United?")
    assert not is_elliptical("and when did they start?")
    assert not is_elliptical("And who paid for it?")


def test_what_was_the_score_answers_with_the_score(samples_newsbot):
    first, then = chat(
        samples_newsbot,
        "Who scored the winning goal for Valley United in the Regional Cup final?",
        "What was the score?",
    )
    assert "2-1" in then.text
    assert_no_repeat(first, then)


def test_a_sentence_said_before_answers_a_question_of_another_kind(samples_newsbot):
    # The first answer holds the date too; asked for now, it is quoted again, cut short.
    first, then = chat(
        samples_newsbot,
        "How many small payloads did the rideshare rocket carry?",
        "When did the launch happen?",
    )
    assert "36 small payloads" in first.text
    assert "July 12" in then.text
    assert_no_repeat(first, then)


def test_the_kinds_a_sentence_answered_before():
    said = "The plant will keep 640 workers until March. [1]"
    history = [
        Turn("How many workers will the plant keep?", said),
        Turn("And for the depot?", "I couldn't find this in the news I have."),
    ]
    assert asked_kinds("The plant will keep 640 workers until March.", history) == {"number"}
    assert asked_kinds("Farmers were paid on time.", history) == set()


def test_they_can_mean_the_club_just_answered(samples_newsbot):
    first, then = chat(
        samples_newsbot,
        "Which club did Valley United beat in the Regional Cup final?",
        "Who scored for them?",
    )
    assert "Carden Rovers" in first.text
    assert "Jonas Feldkamp" in then.text


def test_a_pronoun_means_the_name_answered_only_where_it_can():
    who = Turn(
        "Who led the survey?",
        "Dr. Mara Quist, an ecologist at Harlow University in Kent, led the survey. [1] "
        "… the survey found 40 nests … [2]",
    )
    assert answered_name(who) == "Dr Mara Quist"  # not the university after "at"
    assert points_at_answer("Where does she work?", who)
    assert condense("Where does she work?", [who]) == (
        "Who led the survey? Dr Mara Quist Where does she work?"
    )
    # After a question that names someone, "he" may be that person.
    named = Turn("Which part did Tom Reyes play?", "Reyes played Captain Hale. [1]")
    assert not points_at_answer("How old was he?", named)
    # "It" is a thing answered, never a person; "they" may be either.
    event = Turn("After which race will Ana Ruiz retire?", "Ruiz retires after the Coast Cup. [1]")
    assert points_at_answer("Where is it held?", event)
    assert answered_name(event, "After which race will Ana Ruiz retire?") == "Coast Cup"
    assert not points_at_answer("Where is it held?", who)
    # A headline capitalises every word; the name comes from the sentence after it.
    buyer = Turn(
        "Which company is buying the dairy?",
        "Meridian Foods Agrees Deal For Local Dairy [1] Meridian Foods will pay $28.50. [1]",
    )
    assert answered_name(buyer) == "Meridian Foods"


# Follow-ups as people chain them (issue 23): a new subject, "he", "who said that", a count
# the story does not give.

FERRY_COST = "How much did Harbor City's electric ferry project cost?"
XR17_FOUNDER = "Who founded the company that makes the XR-17?"


def test_a_new_question_after_an_unrelated_one_is_read_on_its_own(samples_newsbot):
    _, then = chat(samples_newsbot, FERRY_COST, XR17_FOUNDER)
    alone = samples_newsbot.answer(XR17_FOUNDER)
    assert not then.refused
    assert set(cited_files(then)) == {"06_xr17-island-drone-deliveries.txt"}
    assert then.text == alone.text


def test_an_unrelated_question_does_not_keep_the_earlier_date_window(samples_newsbot):
    from newsbot.retrieval.newsbot import plan_query

    # The ferries' month would leave out the drone article, published in November 2023.
    first = "What did Harbor City's electric ferries cost in March 2024?"
    answer = samples_newsbot.answer(first)
    history = [Turn.of(first, answer)]
    question, kept = samples_newsbot._conversation(XR17_FOUNDER, history)
    assert kept == []
    query = plan_query(question, kept, samples_newsbot.today())
    assert not query.window.narrowed
    assert "ferr" not in query.text.lower()
    then = samples_newsbot.answer(XR17_FOUNDER, history)
    assert not then.refused
    assert cited_files(then)[0] == "06_xr17-island-drone-deliveries.txt"


def test_how_old_is_he_is_about_the_person_just_named(samples_newsbot):
    first, then = chat(
        samples_newsbot,
        "Who scored the winning penalty in the regional cup final?",
        "How old is he?",
    )
    assert "Adjei-Brandt" in first.text
    assert "Adjei-Brandt, 23," in then.text
    # Not the ferry Osprey's "36-year-old" nor any other article's age.
    assert set(cited_files(then)) == {"04_valley-united-regional-cup.txt"}


def test_the_age_of_someone_the_articles_give_no_age_for_is_refused(samples_newsbot):
    *_, last = chat(
        samples_newsbot,
        "How much did Harbor City's electric ferry project cost?",
        "Who founded the company that makes the XR-17?",
        "How old is he?",
    )
    # "he" is the founder; the ferry Osprey's "36-year-old" is no answer to that.
    assert last.refused
    assert "Osprey" not in last.text


def test_he_means_the_person_the_story_is_about_after_a_which_question(samples_newsbot):
    history = [
        Turn.of(q, samples_newsbot.answer(q))
        for q in ["Which midfielder scored the winning penalty in the regional cup final?"]
    ]
    question, kept = samples_newsbot._conversation("How old is he?", history)
    assert kept and "Adjei-Brandt" in question


def test_who_said_that_names_who_said_the_quote_just_given(samples_newsbot):
    first, then = chat(samples_newsbot, "How contagious is measles?", "and who said that?")
    assert "most contagious" in first.text
    assert not then.refused
    assert "Venkataraman" in then.text
    assert "Dr. Priya Venkataraman" in then.text  # who she is, from where the article says it
    assert set(cited_files(then)) == {"07_dorrance-county-measles-clinics.txt"}


def test_a_count_the_story_does_not_give_is_refused(samples_newsbot):
    first, then = chat(
        samples_newsbot,
        "How many firefighters will Millbrook hire?",
        "How many firefighters were injured?",
    )
    assert "six additional firefighters" in first.text
    assert then.refused  # the story counts firefighters hired, none injured


def test_a_count_the_story_gives_is_answered(samples_newsbot):
    _, then = chat(
        samples_newsbot,
        "How many firefighters will Millbrook hire?",
        "How many councilmembers voted against the budget?",
    )
    assert not then.refused
    assert cited_files(then)[0] == "02_millbrook-budget-vote.txt"


def test_a_sum_the_last_answer_quoted_from_its_second_article_is_answered(samples_newsbot):
    # The cost answer quotes the repairs' $1.2 million from the first-year story [2]; the
    # launch story it drew on first never mentions repairs.
    first, then = chat(samples_newsbot, FERRY_COST, "and how much were the repairs?")
    assert "$1.2 million" in first.text
    assert not then.refused and "$1.2 million" in then.text.split("[")[0]


@pytest.fixture(scope="module")
def seed_newsbot(tmp_path_factory, embedder):
    """The real chain over the samples and the seed article (Pakistan, from Dawn)."""
    from newsbot.retrieval.newsbot import Newsbot
    from tests.support.stores import EXAMPLES, SHARED, ingest_into, make_settings

    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared/seeds is not present")
    settings = make_settings(tmp_path_factory.mktemp("seed-store"))
    store, report = ingest_into(settings, embedder, EXAMPLES, SHARED / "seeds")
    assert report.failed == 0
    return Newsbot(settings, embedder=embedder, store=store)


def test_police_killed_after_police_trained_is_refused_and_who_said_that_is_the_report(
    seed_newsbot,
):
    first, killed, who = chat(
        seed_newsbot,
        "What did Pakistan and the US say about terror attacks?",
        "How many police were killed?",
        "and who said that?",
    )
    assert not first.refused
    assert killed.refused  # the story's only count of police is of those trained
    assert "Centre for Research and Security Studies" in who.text
    assert "Millbrook" not in who.text and "Harbor City" not in who.text


def test_a_question_that_names_what_the_story_never_said_changes_the_subject():
    from newsbot.core.tokenizer import Tokenizer
    from newsbot.retrieval.question.followups import changes_subject

    terms = Tokenizer()
    ferry = "Harbor City's electric ferries cost $38.5 million, including both vessels."

    def article_words(ids):
        return set(terms(ferry)) if "ferry" in ids else set()

    history = [Turn(FERRY_COST, "The project cost $38.5 million. [1]", ("ferry",))]
    # "that" opens a clause here, and nothing it names was said: a subject of its own.
    assert changes_subject(XR17_FOUNDER, history, terms, article_words)
    assert changes_subject(
        "What country elected its first leftist leader?", history, terms, article_words
    )
    # What the story holds, a pronoun meaning what was said, or too few words: the story.
    assert not changes_subject(
        "How much did the Harbor City vessels cost?", history, terms, article_words
    )
    assert not changes_subject("Who built them?", history, terms, article_words)
    assert not changes_subject("Who paid for it, the city?", history, terms, article_words)
    assert not changes_subject("And for the XR-17?", history, terms, article_words)


def test_a_pronoun_points_back_unless_it_means_a_name_or_the_thing_asked_for():
    from newsbot.retrieval.question.followups import points_back

    assert points_back("Where does he work?")
    assert points_back("What happened to him?")
    assert points_back("Who scored their winning penalty?")  # a team said before, maybe
    assert points_back("How many people are in quarantine there?")
    assert not points_back("Which team did Rob Gronkowski play for when he won?")
    assert not points_back("Which company raised its prices?")
    assert not points_back("Who announced his resignation this week?")
    assert not points_back("Is there any news on Ghana?")
    assert not points_back("Who founded the company that makes the XR-17?")


def test_streaming_answers_who_said_that_and_refuses_a_missing_count_alike(samples_newsbot):
    from newsbot.retrieval.answer.generative import Final

    question = "How contagious is measles?"
    history = [Turn.of(question, samples_newsbot.answer(question))]
    events = list(samples_newsbot.stream("and who said that?", history))
    assert isinstance(events[-1], Final)
    assert events[-1].answer.text == samples_newsbot.answer("and who said that?", history).text
    question = "How many firefighters will Millbrook hire?"
    history = [Turn.of(question, samples_newsbot.answer(question))]
    events = list(samples_newsbot.stream("How many firefighters were injured?", history))
    assert isinstance(events[-1], Final) and events[-1].answer.refused


def test_a_follow_up_leans_on_the_new_subject_not_on_the_turns_before_it(samples_newsbot):
    history: list[Turn] = []
    for question in (
        "Who scored the winning penalty in the regional cup final?",
        "Who founded the company that makes the XR-17?",  # a new subject
    ):
        history.append(Turn.of(question, samples_newsbot.answer(question, history)))
    _, kept = samples_newsbot._conversation("How much does each one cost?", history)
    assert [turn.question for turn in kept] == [history[-1].question]
    answer = samples_newsbot.answer("How much does each one cost?", history)
    assert not answer.refused and "$95,000" in answer.text
