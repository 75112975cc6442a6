"""The words a followed topic is read with: the news's equivalents for kinds of events, other
names of one thing, words that name no story, and the forms a topic's words take in news."""

from __future__ import annotations

# A noun made of a verb and its particle ("shutdown") is said as the verb ("shutting down").
PHRASAL = ("down", "out", "off", "over", "up", "back")
# A season typed in lower case ("summer flight cancellations") says when, like a year.
SEASONS = {"summer": (6, 7, 8), "winter": (12, 1, 2), "autumn": (9, 10, 11)}
# Topic words that say nothing about which story: asked of every topic.
VAGUE = frozenset(
    [
        "news",
        "latest",
        "update",
        "updates",
        "story",
        "stories",
        "new",
        "happening",
        "happened",
        "article",
        "articles",
        "event",
        "events",
    ]
)
# Clear equivalents of the words news uses for kinds of events (each line one family).
EQUIVALENTS = """
    death dies died dead passes passed killed mourn mourns mourned
    funeral burial mourners mourning coffin
    shooting shot shooter gunman gunfire shootings
    assassination assassinated shot killed
    killing killed murder
    attack attacked attacks
    launch launches launched liftoff blastoff unveil unveils unveiled debut debuts
    election elections vote votes voters ballot elected race contest runoff primary reelection
    trial jury verdict testimony testified courtroom defamation sentenced convicted
    takeover buy buys buying bought acquire acquisition bid purchase deal sale sell sells sold
    merger merge deal
    war invasion invaded troops
    flooding flood floods flooded floodwaters
    earthquake quake
    hurricane storm
    typhoon storm
    cyclone storm
    tornado twister
    wildfire fire blaze
    resignation resigns resigned resign quits
    retirement retire retires retiring farewell
    visit visits visited trip landed arrives arrived
    search searched raid warrant
    arrest arrested detained custody
    shortage shortages
    strike strikes walkout
    protest protests protesters demonstrators
    indictment indicted charged charges
    lawsuit sued sues suit
    recall recalled recalls
    crash crashed collision
    outbreak outbreaks cases
    joining join joins joined membership accession candidacy
    loss losses lose loses losing lost
    hearing hearings testimony testified testify testifies
    law bill bills legislation
    cancelled canceled cancel cancels cancellation scrapped scraps axed axes shelved shelves
    hike hikes hiked raise raises raised
    meeting meet meets met summit talks
"""
# The stages one story goes through: a topic of any stage follows the story into the others
# ("Brittney Griner detained" is the story of her trial and sentence too).
STAGES = """
    search searched raid warrant subpoena subpoenas subpoenaed arrest arrested detained custody
    indictment indicted charged trial jury verdict convicted sentenced sentencing guilty
    acquitted appeal
"""
# Events news says in a phrase rather than a word: a retiring player's "final match".
SAID_AS = {
    # "Last season" is the one before: only a final season is the last one.
    "retirement": r"\bfinal\s+(?:[\w'’-]+\s+){0,3}?(?:game|match|season|tournament|bow|appearance"
    r"|performance|race|start|round|event)s?\b|\blast\s+(?:[\w'’-]+\s+){0,3}?(?:game|match"
    r"|tournament|bow|appearance|performance)s?\b",
}
# Names of one thing: a country and the word for its people ("German court", "Germany"), a
# party and its nickname ("Tory", "Conservative"), a noun and its adjective ("economic").
SAME_NAMES = """
    economy economic
    president presidential
    movie movies film films
    variant variants subvariant subvariants
    germany german
    japan japanese
    china chinese
    russia russian
    ukraine ukrainian
    britain british uk
    france french
    israel israeli
    iran iranian
    mexico mexican
    canada canadian
    india indian
    italy italian
    spain spanish
    sweden swedish
    finland finnish
    poland polish
    taiwan taiwanese
    korea korean
    afghanistan afghan
    colombia colombian
    brazil brazilian
    australia australian
    tory tories conservative conservatives
    gop republican republicans
"""
# Name particles ("al-Zawahiri", "van Gogh"): the name is the word after them.
PARTICLES = frozenset(["al", "el", "bin", "ibn", "de", "la", "le", "van", "von", "der", "da", "di"])
# "Jackson, Mississippi": a state after a town is one name with it, not a list's next item.
STATE_NAMES = """Alabama, Alaska, Arizona, Arkansas, California, Colorado, Connecticut, Delaware,
    Florida, Georgia, Hawaii, Idaho, Illinois, Indiana, Iowa, Kansas, Kentucky, Louisiana, Maine,
    Maryland, Massachusetts, Michigan, Minnesota, Mississippi, Missouri, Montana, Nebraska,
    Nevada, New Hampshire, New Jersey, New Mexico, New York, North Carolina, North Dakota, Ohio,
    Oklahoma, Oregon, Pennsylvania, Rhode Island, South Carolina, South Dakota, Tennessee, Texas,
    Utah, Vermont, Virginia, Washington, West Virginia, Wisconsin, Wyoming, D.C."""
STATES = frozenset(" ".join(name.split()) for name in STATE_NAMES.split(","))
