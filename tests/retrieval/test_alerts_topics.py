"""What a followed topic means (retrieval/topics.py), read with the real tokenizer."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from newsbot.core.tokenizer import Tokenizer
from newsbot.retrieval.topics import Lead, Story, Topic, is_roundup


@pytest.fixture(scope="module")
def terms():
    return Tokenizer()


def lead(title: str, opening: str = "", day: date = date(2022, 9, 20)) -> Lead:
    return Lead("a1", title, opening, day)


def test_round_ups_and_newsletters_are_never_about_a_topic(terms):
    ian = Topic("Hurricane Ian", terms)
    assert is_roundup("5 things to know for Sept. 26: Hurricane Ian, Ukraine, Covid", "")
    assert is_roundup("Ukraine, R. Kelly, long COVID, Queen Elizabeth, hot zip codes ...", "")
    assert is_roundup("Senate passes a bill", "Hello, OnPolitics readers! Hurricane Ian ...")
    assert not ian.about(lead("Hurricane Ian, Ukraine, Emmys: It's Monday's news"))
    assert not is_roundup("Queen Elizabeth II dies at 96: A timeline of her life, royal reign", "")
    assert not is_roundup("Serena Williams, other stars improve women's sports - CNN", "")
    assert ian.about(lead("Hurricane Ian makes landfall in Florida"))
    # Two names a match or a title joins are one item, not a list.
    final = "2022 US Open men's final, Casper Ruud vs. Carlos Alcaraz: Time ..."
    assert not is_roundup(final, "")
    assert Topic("Carlos Alcaraz US Open", terms).about(lead(final))


def test_every_distinctive_word_or_an_equivalent_must_be_said(terms):
    funeral = Topic("Queen Elizabeth funeral", terms)
    assert not funeral.about(lead("Queen Elizabeth's corgis find a new home", "The dogs ..."))
    assert funeral.about(
        lead("Inside Westminster Hall, where the Queen lies", "Elizabeth's coffin awaits burial.")
    )
    death = Topic("Queen Elizabeth's death", terms)
    assert death.about(lead("Queen Elizabeth II dies at 96", "She died Thursday at Balmoral."))
    # "U.S." says "US" ("Carlos Alcaraz US Open").
    title = "Carlos Alcaraz wins his first Grand Slam title with U.S. Open victory"
    assert Topic("Carlos Alcaraz US Open", terms).about(lead(title))
    # The headline must name the topic at all: the event said only in the opening is backdrop.
    assert not death.about(lead("King Charles III's reign begins", "Queen Elizabeth II died."))


def test_an_earlier_or_another_event_of_the_same_kind_is_not_the_story(terms):
    ian = Topic("Hurricane Ian", terms)
    assert not ian.about(lead("Hurricane Nicole makes landfall", "Weeks after Hurricane Ian ..."))
    funeral = Topic("Queen Elizabeth funeral", terms)
    philip = lead("Prince Philip's funeral: Queen Elizabeth sits alone", "The funeral ...")
    assert not funeral.about(philip)
    series = Topic("Astros Phillies World Series", terms)
    assert not series.about(lead("The 2017 Astros and Phillies: World Series greats", ""))
    death = Topic("Queen Elizabeth death", terms)
    # The event word in a sentence about 1952 says nothing of this story.
    old = lead(
        "Queen Elizabeth II took the throne", "When her father died in 1952, she became Queen."
    )
    assert not death.about(old)
    thai = lead(
        "Queen Elizabeth becomes longest-serving monarch", "After the death of Thailand's King."
    )
    assert not death.about(thai)


def test_first_matches_teach_the_story(terms):
    topic = Topic("FBI search of Mar-a-Lago", terms)
    first = [
        lead(
            "FBI searches Mar-a-Lago",
            "Agents searched Donald Trump's Palm Beach club.",
            date(2022, 8, 8),
        ),
        lead(
            "FBI search of Mar-a-Lago: what next", "Trump's Palm Beach home ...", date(2022, 8, 9)
        ),
    ]
    story = topic.learn(Story(), first)
    assert story.began == "2022-08-09" and {"palm", "beach"} <= story.known_names()
    # One name unsaid is carried by the story's own names; without them it is not enough.
    judge = lead("Judge names special master in Mar-a-Lago case", "Search: Palm Beach papers ...")
    assert topic.about(judge, story) and not topic.about(judge)
    # The event itself may never go unsaid.
    no_event = lead("Mar-a-Lago guests", "FBI agents were at Trump's Palm Beach club.")
    assert not topic.about(no_event, story)
    # Published long before the story began: an earlier event.
    old = lead("FBI search of Mar-a-Lago", "Palm Beach ...", date(2021, 1, 5))
    assert not topic.about(old, story) and Story.from_json(story.to_json()) == story


def test_a_sentence_cut_by_commas_is_no_list_of_items(terms):
    assert not is_roundup("Yellowstone flooding, damage closes national park, forces ...", "")
    assert not is_roundup("Accused Nazi SS guard, age 100, faces German trial on 3,518 counts", "")
    assert is_roundup("Gas prices, Rudy Giuliani, Liz Cheney, Tasmanian tiger resurrection", "")
    trial = Topic("Nazi camp guard trial in Germany", terms)
    opening = "A German court set a trial date for a man who served as a Nazi camp guard."
    assert trial.about(
        lead("Accused Nazi SS guard, age 100, faces German trial on 3,518 counts", opening)
    )


def test_the_event_word_alone_in_the_headline_names_another_story(terms):
    serena = Topic("Serena Williams retirement", terms)
    federer = lead(
        "Roger Federer says he is retiring from pro tennis",
        "Federer retires, a month after Serena Williams said she would retire.",
    )
    assert not serena.about(federer)
    assert serena.about(lead("Serena Williams announces her retirement", "Williams will retire."))
    # Once the story is learned, the event word with one of its names is enough.
    search = Topic("FBI search of Mar-a-Lago", terms)
    story = Story(days=["2022-08-08"] * 3, names=Counter({"trump": 3, "palm": 2}))
    judge = lead(
        "Florida judge authorizes special master to review Trump search",
        "The FBI search of Mar-a-Lago yielded classified papers.",
    )
    assert not search.about(judge) and search.about(judge, story)


def test_galleries_anniversaries_and_since_a_year(terms):
    abe = Topic("Shinzo Abe assassination", terms)
    assert not abe.about(lead("Photos: Shinzo Abe assassination", "Abe was assassinated."))
    volcano = Topic("Sakurajima volcano eruption", terms)
    opening = "Ash spewed from Sakurajima volcano, which erupted on Sunday."
    assert volcano.about(lead("Japan volcano eruption: Sakurajima spews ash", opening))
    assert not volcano.about(lead("Japan volcano eruption: See photos of Sakurajima", opening))
    assert not Topic("Olivia Newton-John death", terms).about(
        lead("Olivia Newton-John: a life in pictures", "Olivia Newton-John died on Monday.")
    )
    death = Topic("Queen Elizabeth's death", terms)
    assert not death.about(
        lead("70 years ago, Queen Elizabeth II took the throne", "Queen Elizabeth died ...")
    )
    cup = Topic("Stanley Cup Final", terms)
    won = lead("Avalanche win first Stanley Cup title since 2001", "They won the Final in Game 6.")
    assert cup.about(won)
    assert not cup.about(lead("The 2001 Stanley Cup Final, revisited", "The Final in 2001 ..."))


def test_the_words_news_uses_for_kids_a_launch_losses_and_hearings(terms):
    kids = Topic("Covid vaccine kids under 5", terms)
    assert kids.about(lead("Covid-19 vaccinations begin for US children under 5"))
    iphone = Topic("iPhone 14 launch", terms)
    assert iphone.about(lead("Apple unveils the iPhone 14 and a satellite SOS feature"))
    assert not iphone.about(lead("iPhone 14 cases: the best ones to buy"))
    netflix = Topic("Netflix subscriber losses", terms)
    assert netflix.about(lead("Netflix loses subscribers, but stops the bleeding"))
    hearings = Topic("January 6 committee hearings", terms)
    opening = "Cassidy Hutchinson testified before the January 6 committee on Tuesday."
    assert hearings.about(lead("January 6 committee: Trump aides left speechless", opening))


def test_a_bill_is_the_law_an_adjective_its_noun_and_mourning_a_death(terms):
    law = Topic("California fast food law", terms)
    assert law.about(lead("McDonald's is fighting California's fast food bill"))
    assert not law.about(lead("California fast food chains raise menu prices"))
    medal = Topic("Presidential Medal of Freedom", terms)
    opening = "President Joe Biden will award the Medal of Freedom to 17 people."
    assert medal.about(lead("Medal of Freedom: Simone Biles, Megan Rapinoe honored", opening))
    crisis = Topic("Sri Lanka economic crisis", terms)
    assert crisis.about(lead("Sri Lanka's economy is in crisis as fuel runs out"))
    death = Topic("Olivia Newton-John death", terms)
    opening = "Fans worldwide mourned Olivia Newton-John on Tuesday."
    assert death.about(lead("Olivia Newton-John: co-stars pay tribute", opening))
    assert not death.about(lead("Olivia Newton-John: co-stars pay tribute", "A new album."))


def test_a_title_with_of_is_said_as_one_phrase(terms):
    sotu = Topic("State of the Union 2022", terms)
    opening = "President Biden delivered his first State of the Union address on Tuesday."
    assert sotu.about(lead("State of the Union: Biden vows to fight inflation", opening))
    drought = "Sixty-three percent of land in the European Union is under drought; states ..."
    assert not sotu.about(lead("Drought in the European Union and US states", drought))


def test_the_words_news_uses_for_a_cancelled_film_and_a_rate_hike(terms):
    batgirl = Topic("Batgirl movie cancelled", terms)
    assert batgirl.about(lead("'Batgirl' film axed by Warner Bros."))
    assert batgirl.about(lead("Why was 'Batgirl' shelved?", "The studio shelved the movie."))
    assert not batgirl.about(lead("'Batgirl' movie: first look at the costume"))
    fed = Topic("Fed interest rate hikes", terms)
    assert fed.about(lead("Fed raises key interest rate in attempt to curb inflation"))


def test_joining_has_its_equivalents_and_event_is_a_vague_word(terms):
    eu = Topic("Ukraine joining the EU", terms)
    assert eu.about(lead("EU makes Ukraine a candidate for membership", "Ukraine's candidacy ..."))
    pride = Topic("Patriot Front arrests at Idaho Pride event", terms)
    assert pride.about(
        lead(
            "Patriot Front members arrested near Pride parade",
            "Police in Idaho arrested 31 members of Patriot Front near a Pride parade.",
        )
    )


def test_a_year_in_a_topic_says_when_not_a_word_to_repeat(terms):
    wimbledon = Topic("Wimbledon 2022", terms)
    draw = lead("Wimbledon draw: Djokovic to face Kwon", "The champion ...", date(2022, 6, 24))
    assert wimbledon.about(draw)
    # Another year's tournament, and another story of the year, are not it.
    assert not wimbledon.about(lead("Wimbledon draw: Djokovic to face Kwon", "", date(2021, 6, 25)))
    assert not wimbledon.about(lead("2022 Oscars slap: did Will Smith apologize?", ""))
    # Published later, it is of the topic's year only when it says so.
    later = date(2023, 1, 5)
    assert wimbledon.about(lead("Wimbledon: what the 2022 final meant", "Kyrgios ...", later))
    assert not wimbledon.about(lead("Wimbledon seeds announced", "The draw ...", later))


def test_only_the_clause_about_an_earlier_year_says_nothing(terms):
    election = Topic("French presidential election", terms)
    runoff = lead(
        "French election: Emmanuel Macron to face Marine Le Pen",
        "Macron will face Le Pen in the second round of the country's presidential election,"
        " setting up a rematch of their runoff contest in 2017.",
    )
    assert election.about(runoff)
    death = Topic("Queen Elizabeth death", terms)
    old = lead(
        "Queen Elizabeth II took the throne", "She became Queen, when her father died in 1952."
    )
    assert not death.about(old)


def test_the_news_own_words_for_a_party_a_race_and_a_name(terms):
    race = Topic("Tory leadership race", terms)
    assert race.about(
        lead(
            "Conservative leadership race: who might replace Boris Johnson",
            "Candidates for the Conservative leadership go through rounds of voting.",
        )
    )
    killed = Topic("Ayman al-Zawahiri killed", terms)
    assert killed.about(lead("Al-Qaeda leader Ayman al-Zawahiri killed", "A drone killed him."))
    assert [sorted(family) for family in killed.words][:2] == [["ayman"], ["zawahiri"]]


def test_a_state_after_a_town_and_boxes_that_point_elsewhere(terms):
    assert not is_roundup(
        "The water crisis in Jackson, Mississippi, has gotten so bad, the city", ""
    )
    assert not is_roundup("Jackson, Mississippi, water crisis: Repairs have begun", "")
    assert is_roundup("Student loans", "It's Wednesday. How's it going? It's time for the news.")
    launch = Topic("Artemis I launch", terms)
    box = "Turn to CNN for live coverage of the Artemis I launch. NASA said on Monday ..."
    assert not launch.about(lead("Artemis I: what the words mean", box))
    assert is_roundup("FBI search of Trump's Mar-a-Lago, Serena Williams, New Mexico ...", "")


def test_another_person_doing_the_event_is_another_story(terms):
    trial = Topic("Elizabeth Holmes trial", terms)
    opening = "A jury convicted a Theranos executive of fraud at a trial in San Jose."
    other = lead("Elizabeth Holmes: Top Theranos executive Sunny Balwani convicted", opening)
    assert not trial.about(other)
    assert trial.about(lead("Elizabeth Holmes convicted of fraud", opening))
    primary = Topic("Liz Cheney primary", terms)
    race = lead("Liz Cheney loses Wyoming GOP House race", "Cheney lost her primary on Tuesday.")
    assert primary.about(race)


def test_what_follows_an_earlier_year_and_pieces_on_several_places(terms):
    resignation = Topic("Boris Johnson resignation", terms)
    report = lead(
        "Boris Johnson: No one knows what to do about the UK prime minister",
        "A report into gatherings held at Downing Street in 2020 and 2021, some attended by"
        " Johnson, was so damning that any other leader might have been expected to resign.",
    )
    assert not resignation.about(report)
    vote = Topic("Kansas abortion vote", terms)
    assert not vote.about(lead("Abortion: Five states will have ballot measures", "Kansas ..."))
    assert vote.about(lead("Kansas voters reject abortion amendment", "Kansas voters ..."))
    recall = Topic("Family Dollar rodent recall", terms)
    rodents = lead("FDA finds rodents in Family Dollar facility, recall issued in 6 states", "")
    assert recall.about(rodents)
    assert not vote.about(lead("What's next? These states could be pivotal for abortion", "Kansas"))


def test_a_code_a_describing_word_and_a_vague_word_as_typed(terms):
    # "BA.5" is one word: a story on BA.2 is another variant.
    ba5 = Topic("BA.5 variant", terms)
    assert ba5.about(lead("Why the Omicron offshoot BA.5 variant is a big deal", ""))
    assert not ba5.about(lead("New studies bring BA.2 variant into sharper focus", ""))
    # "updated" names which boosters ("updates" alone would say nothing).
    updated = Topic("updated Omicron boosters", terms)
    assert updated.about(lead("FDA authorizes updated Omicron boosters", ""))
    assert not updated.about(lead("Second Omicron booster shots authorized for adults", ""))
    # "flash" says what kind of flooding; news of it says "flooding in Virginia".
    virginia = Topic("Virginia flash flooding", terms)
    assert virginia.about(lead("Dozens missing after severe flooding in Virginia", ""))
    assert not virginia.about(lead("Dozens missing after severe storms in Virginia", ""))
    # With no name left to say, the describing word is all that tells the story apart.
    assert not Topic("flash flooding", terms).about(lead("Severe flooding in Virginia", ""))
    # A sale is bought.
    assert Topic("Chelsea FC sale", terms).about(lead("Consortium to buy Chelsea FC", ""))


def test_a_season_typed_in_lower_case_says_when(terms):
    summer = Topic("summer flight cancellations", terms)
    july = lead("Airlines cancel 1,500 flights as travel rebounds", "", date(2022, 7, 5))
    january = lead("Airlines cancel 1,500 flights as travel rebounds", "", date(2022, 1, 5))
    assert summer.about(july)
    assert not summer.about(january)


def test_a_newsletter_edition_is_a_round_up_and_a_subvariant_a_variant(terms):
    opening = "This is the weekly edition of CNN's coronavirus newsletter. Look out for it."
    assert is_roundup("BA.5: The 'worst variant' is here", opening)
    assert not Topic("BA.5 variant", terms).about(
        lead("BA.5: The 'worst variant' is here", opening)
    )
    ba2 = Topic("BA.2 subvariant", terms)
    assert ba2.about(lead("New studies bring BA.2 variant into sharper focus", ""))


def test_a_noun_of_a_verb_and_its_particle_is_said_as_the_verb(terms):
    shutdown = Topic("AT&T 3G shutdown", terms)
    assert shutdown.about(lead("AT&T shuts down its 3G network Tuesday", ""))
    assert shutdown.about(lead("3G networks are shutting down soon", "AT&T ends 3G service."))
    assert not shutdown.about(lead("3G phones slow down as networks age", ""))
    assert Topic("Twitter layoffs", terms).about(lead("Twitter lays off half its staff", ""))


def test_a_legal_story_is_followed_through_its_stages(terms):
    detained = Topic("Brittney Griner detained in Russia", terms)
    sentenced = lead("Brittney Griner sentenced to 9 years in Russian jail", "A Moscow court ...")
    assert detained.about(sentenced)
    assert Topic("FBI search of Mar-a-Lago", terms).about(
        lead("Judge unseals FBI warrant for Mar-a-Lago", "")
    )
    # The stages are of a legal story only: a visit is not her detention.
    assert not detained.about(lead("Brittney Griner visits Russia for a game", ""))


def test_a_titled_name_doing_the_event_is_another_story(terms):
    hikes = Topic("Fed interest rate hikes", terms)
    opening = "The move follows the Fed's own interest rate hike last week."
    assert not hikes.about(lead("Bank of England hikes interest rates again", opening))
    assert hikes.about(lead("Fed hikes interest rates again", opening))


def test_a_verb_typed_in_lower_case_is_said_in_any_form(terms):
    wrist = Topic("chris sale broken wrist", terms)
    opening = "Chris Sale broke his right wrist in a bike accident."
    assert wrist.about(lead("Sale out for year after breaking wrist", opening))
    assert not wrist.about(lead("Sale out for year after a rib injury", "Chris Sale is out."))
    meeting = Topic("Xi Putin Samarkand meeting", terms)
    assert meeting.about(lead("Xi and Putin meet in Samarkand", ""))
    assert meeting.about(lead("Xi, Putin hold talks at Samarkand summit", ""))


def test_a_day_page_of_many_items_is_a_round_up(terms):
    strike = Topic("Ukraine Independence Day strike", terms)
    page = "Editor's note: This page recaps the news from Ukraine on Wednesday, Aug. 24."
    title = "Russian strike kills 22 on Ukraine's Independence Day"
    assert not strike.about(lead(title, page))
    assert strike.about(lead(title, "A Russian missile strike hit a train station."))
    assert is_roundup("The Latest: Tiafoe beats No. 5-seed Rublev in late Open", "")


def test_a_retirement_is_said_as_a_final_game(terms):
    bird = Topic("Sue Bird retirement", terms)
    title = "Loss couldn't spoil Sue Bird's final Seattle Storm regular-season game"
    assert bird.about(lead(title, "They lined up hours before the game."))
    assert bird.about(lead("Sue Bird takes her final bow in Seattle", ""))
    assert not bird.about(lead("Sue Bird scores 20 in a win over Las Vegas", ""))
    # "Last season" is the one before.
    assert not bird.about(lead("Sue Bird's Storm beat last season's champions", ""))


def test_an_alert_or_a_timeline_quotes_a_sentence_not_a_heading(terms):
    from newsbot.retrieval.topics import clause

    news = "Ferry service across Gull Bay will resume in June, officials said."
    heading = "TIMELINE: When the Gull Bay ferries stopped running"
    ferries = Lead("a", "Ferries to return", f"{heading}\n\n{news}", date(2024, 5, 1))
    assert clause(ferries, Topic("Gull Bay ferries", terms)) == news
