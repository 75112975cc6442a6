"""Who a follow-up's "he" or "she" means, read from the conversation and the story's text."""

from __future__ import annotations

from newsbot.core.types import Turn
from newsbot.retrieval.question.persons import is_person, person_meant, with_person

STORY = (
    "Four-time Super Bowl champion Rob Gronkowski, a tight end for the Tampa Bay Buccaneers, "
    "announced his retirement Tuesday. Gronkowski, 33, wrote on social media that he was "
    "done. The Buccaneers thanked him. Rob is a true professional, Tampa Bay General Manager "
    "Jason Licht said. Gronkowski played every season with quarterback Tom Brady."
)


def story(ids):
    return STORY if ids else ""


def test_a_person_is_named_by_surname_as_news_does():
    assert is_person("Rob Gronkowski", STORY)  # "Gronkowski, 33,"
    assert is_person("Jason Licht", "Jason Licht said so. Licht said more.")
    assert not is_person("Tampa Bay Buccaneers", STORY)  # "The Buccaneers thanked him"
    assert not is_person("Gronkowski", STORY)  # one word is not a name and surname
    assert not is_person("July Fourth", "on July Fourth, the Fourth of July parade")
    assert not is_person("Salt Lake City", "Salt Lake City, Utah. City officials said")


def test_he_after_a_which_question_is_the_person_the_story_is_about():
    history = [
        Turn(
            "Which NFL tight end announced his retirement on Tuesday?",
            "Four-time Super Bowl champion Rob Gronkowski, a tight end for the Tampa Bay "
            "Buccaneers, announced his retirement Tuesday. [1]",
            ("gronk",),
        )
    ]
    assert person_meant("How old is he?", history, story) == "Rob Gronkowski"
    # A question that names someone keeps its own "he".
    assert person_meant("How old was Tom Brady when he retired?", history, story) == ""
    # So does one without a personal pronoun.
    assert person_meant("How old is it?", history, story) == ""


def test_he_after_who_is_the_person_who_answered_it_not_the_one_asked_about():
    history = [
        Turn("In which city was Shinzo Abe shot?", "Abe was shot in Nara. [1]", ()),
        Turn(
            "Who is the suspect?",
            "Police seized a suspect believed to have shot Shinzo Abe. [1] A suspect, "
            "identified as Tetsuya Yamagami, was arrested, police said. [1]",
            (),
        ),
    ]

    def text(ids):
        return "Yamagami was arrested. Abe was taken to hospital. Abe died."

    assert person_meant("How old is he?", history, text) == "Tetsuya Yamagami"


def test_she_after_who_opens_with_the_surname():
    history = [
        Turn(
            "Who became the UK's new prime minister?",
            "Truss, 47, became the third female prime minister after Margaret Thatcher. [1] "
            "Liz Truss met the Queen at Balmoral. [1]",
            (),
        )
    ]
    assert person_meant("How old is she?", history, story) == "Liz Truss"


def test_the_name_takes_the_place_of_the_first_pronoun():
    assert with_person("How old is he?", "Rob Gronkowski") == "How old is Rob Gronkowski?"
    assert with_person("When did his mother die?", "Charles") == "When did Charles's mother die?"
    assert (
        with_person("Who beat her in the final?", "Sue Bird") == "Who beat Sue Bird in the final?"
    )
    assert with_person("Where did her husband go?", "Ann Lee") == "Where did Ann Lee's husband go?"
    assert with_person("How old was he when he died?", "Tony Dow") == (
        "How old was Tony Dow when he died?"
    )
    assert with_person("How old is he?", "") == "How old is he?"
