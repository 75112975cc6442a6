"""What kind of thing a question asks for (a number, a person, a place, a date), and where."""

from __future__ import annotations

import re

from newsbot.core.calendar import (
    CALENDAR_NAMES,
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    WEEKDAY_NAMES,
    WEEKDAY_WORDS,
)
from newsbot.retrieval.question.chat import FUNCTION_WORDS
from newsbot.retrieval.question.measures import MEASURE_SPANS

WORD = re.compile(r"[\w'’.-]+")
# How a question is asked, not what it is about: never evidence of a topic.
QUESTION_WORDS = frozenset(
    (
        "how",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "can",
        "could",
        "should",
        "has",
        "have",
        "had",
        "been",
        "much",
        "many",
        "according",
    )
)

# A count is asked for whatever else the question names ("how many phone numbers").
_NOT_COUNTED = r"^(?!.*\bhow (?:many|much)\b)"
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    # An age is a number of years said in a few set ways ("Adjei-Brandt, 23,", "36-year-old").
    (
        "age",
        re.compile(
            r"\bhow old\b|\bat what age\b|\b(?:what|which) age\b(?! (?:group|range|bracket))",
            re.IGNORECASE,
        ),
    ),
    (
        "phone",
        re.compile(
            rf"{_NOT_COUNTED}.*?(?:\b(?:tele)?phone numbers?\b|\b(?:hotline|helpline) numbers?\b"
            r"|\bwhat(?:'s|’s| is| was) the (?:hotline|helpline)\b"
            r"|\b(?:what|which) numbers? (?:\w+ ){0,4}(?:call|ring|dial|text)\b"
            r"|\bnumbers? to (?:call|ring|dial|text)\b)",
            re.IGNORECASE,
        ),
    ),
    # "address" the noun ("the address", "what address"), not the verb ("address inflation").
    (
        "address",
        re.compile(
            rf"{_NOT_COUNTED}.*?(?:\b(?:the|its|their|his|her|what|which|street|mailing|postal"
            r"|home|office) address(?:es)?\b|\b(?:what|which|on what|on which) (?:street|road)\b"
            r"|\bwhere exactly\b)",
            re.IGNORECASE,
        ),
    ),
    # "How much did it cost": an amount of money ("$38.5 million"), not any number.
    (
        "money",
        re.compile(
            r"\bhow much (?:money\b|(?:\S+ ){0,8}?(?:cost|costs|costing|pay|paid|pays|spend"
            r"|spent|spends|raise|raised|raises|earn|earned|earns|worth|charge|charged|charges"
            r"|fund|funded|fine|fined|sell|sold|buy|bought|owe|owed|lose|lost|make|made|save"
            r"|saved|saves|saving)\b)"
            r"|\bhow expensive\b"
            r"|\bhow much (?:is|are|was|were) (?:\S+ ){0,2}?(?:tickets?|admission|entry|fares?"
            r"|tuition|rent|membership)\b"
            r"|\bwhat (?:did|does|will|would) (?:\S+ ){1,8}?(?:cost|pay|spend|charge)\b"
            r"|\bwhat (?:was|is|were|will be) the (?:total )?"
            r"(?:cost|price|bill|fine|salary|budget)\b",
            re.IGNORECASE,
        ),
    ),
    # A score or a vote is two numbers ("6-3"); any other number is not the answer.
    (
        "score",
        re.compile(
            r"\bwhat (?:was|is|were) the (?:final )?(?:score|vote|tally|margin)\b"
            r"|\bby what (?:score|margin)\b",
            re.IGNORECASE,
        ),
    ),
    # A rank is an ordinal ("2nd"), not a count.
    (
        "rank",
        re.compile(
            r"\b(?:what|which) (?:rank|ranking|position|place)\b"
            r"|\bwhere (?:did|does|do|will|was|is) \w+(?: \w+)? (?:rank|finish|place)",
            re.IGNORECASE,
        ),
    ),
    (
        "number",
        re.compile(
            r"\bhow (many|much|old|long|far|high|tall|big|large|fast|often|deep|hot|cold|warm"
            r"|heavy|wide|low|small)\b"
            r"|\bwhat (percentage|percent|share|number|amount|age|proportion|price|rate|sum)\b"
            r"|\bwhat (?:was|is|were) the (?:final )?count\b",
            re.IGNORECASE,
        ),
    ),
    (
        "date",
        re.compile(
            r"\bwhen\b|\b(?:what|which) (?:year|date|day|days|month|decade|night|morning"
            r"|afternoon|evening|weekend|hours)\b|\bwhat time\b(?! zones?\b)",
            re.IGNORECASE,
        ),
    ),
    (
        "place",
        re.compile(
            r"\bwhere\b|\b(which|what) (\w+ )?(country|countries|city|cities|state|states|"
            r"continent|nation|region|town|island|park|county|province|capital)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "reason",
        re.compile(
            r"\bwhy\b|\bhow come\b|\bfor what reason\b"
            r"|\bwhat (caused|causes|led to|leads to|prompted|made)\b",
            re.IGNORECASE,
        ),
    ),
    ("name", re.compile(r"\b(who|whom|whose|which|what)\b", re.IGNORECASE)),
]
# Where one sentence of a question ends and the next begins.
# (after a word of three or more small letters, so "Roe v. Wade" and "Mr. Happy" hold).
_SENTENCE_END = re.compile(r"(?:(?<=[a-z]{3}[.!?])|(?<=\d[.!?]))\s+(?=[A-Z“\"])")
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    "hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|dozen|half"
)
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_SCORE = re.compile(r"\d+[-–]\d+")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
# A month by its first three letters, whatever follows them ("Sept.", "June").
_MONTH_STEMS = "|".join(name[:3].lower() for name in MONTH_NAMES)
_DATE = re.compile(
    rf"\b(1[89]\d\d|20\d\d)\b|\b({_MONTH_STEMS})[a-z]*\.? \d|\b({WEEKDAY_WORDS})\b",
    re.IGNORECASE,
)

# Words that give a cause or a purpose, where the answer to "why" sits.
_REASON_WORDS = frozenset(
    {
        *("because", "due", "owing", "caused", "cause", "causes", "reason", "reasons", "blamed"),
        *("amid", "following", "after", "since", "response", "protest", "result", "aimed"),
        *("part", "effort", "bid", "hope", "hopes", "intended", "meant", "order"),
    }
)
_REASON = re.compile(
    r"\b(?:because|due to|owing to|as a result|in order to|so that|so as to|caused by|"
    r"the cause|reasons?|blamed|amid|in response to|in protest|following|after|since|"
    r"aimed at|to protest|as part of|in an effort to|in a bid to|in hopes? (?:of|to)|"
    r"intended to|meant to)\b",
    re.IGNORECASE,
)

# Words after "to" that begin a place or a thing, not a purpose ("to the UK").
_NOT_VERBS = frozenset(
    ("the", "a", "an", "his", "her", "their", "its", "our", "my", "this", "that")
)

# One word of a date: a year, or a month or weekday by its capitalised name ("may" is a verb).
_MONTH_FORMS = "|".join(
    [*MONTH_NAMES, *(short.capitalize() for shorts in MONTH_ABBREVIATIONS for short in shorts)]
)
_DATE_WORD = re.compile(
    rf"^\W*(?:1[89]\d\d|20\d\d|(?:{_MONTH_FORMS})\.?|{'|'.join(WEEKDAY_NAMES)})\W*$"
)

# An age as news writes it: "Adjei-Brandt, 23,", "the 36-year-old Osprey", "aged 40", "(71)",
# "dies at 91", "113 million years ago", "he was 21".
_AGE = re.compile(
    rf"\b(?:\d{{1,3}}|(?:\w+-)?(?:{_NUMBER_WORDS}))[- ](?:years?|months?)[- ]olds?\b"
    r"|\b(?:aged?|at the age of|turned|turns|die[sd]? at|dying at) \d{1,3}\b"
    r"|\b\d[\d,.]*(?: (?:thousand|million|billion))? years? ago\b"
    # "he was 21." (a person's number that nothing measures, ends the clause)
    r"|\b(?:he|she|who|they)(?:'s|’s| is| was| are| were) \d{1,3}(?=[.,;]|$| when| at| and)"
    r"|(?-i:[A-Z])[\w'’-]+, \d{1,3},"
    r"|(?-i:[A-Z])[\w'’-]+ \(\d{1,3}\)",
    re.IGNORECASE,
)
_AGE_WORD = re.compile(r"\d{1,3}(?:-years?-olds?)?", re.IGNORECASE)
# A phone number: seven digits or more in groups ("555-0148", "(212) 555-0148", "1-800-...").
_PHONE = re.compile(
    r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\b\d{1,4}[.-])?\b\d{3}[.-]\d{4}\b"
    r"|\b\d{3}[.-]\d{3}[.-]\d{4}\b"
)
_PHONE_WORD = re.compile(r"(?:\+?\d{1,4}[.-])?\(?\d{2,4}\)?[.-]?\d{3}[.-]\d{4}|\d{3}[.-]\d{4}")
# A street as news writes it: a capitalised name and a street word ("Birch Road", "Route 12").
_STREET_WORDS = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Place|Square|Court|"
    "Highway|Parkway|Terrace|Plaza|Crescent|Close|Row|Wharf|Quay"
)
_ADDRESS = re.compile(
    rf"\b[A-Z][\w'’.-]*\s(?:[A-Z][\w'’.-]*\s)?(?:{_STREET_WORDS})\b\.?"
    r"|\b(?:Route|Highway|Interstate|Pier|Suite|Unit|Building) \d+\b"
)
_STREET = frozenset(w.lower() for w in _STREET_WORDS.split("|"))
# An amount of money: a currency sign or name with its figure ("$38.5 million", "£7m").
_CURRENCY = r"[$£€¥₹]|\b(?:US|A|C|NZ|HK)\$"
_MONEY = re.compile(
    rf"(?:{_CURRENCY})\s?\d[\d,.]*(?:\s?(?:m|bn|k|million|billion|trillion)\b)?"
    r"|\b\d[\d,.]*(?:\s(?:million|billion|trillion))?\s(?:dollars|euros|pounds|yen|yuan"
    r"|rupees|francs|pesos|USD|EUR|GBP)\b",
    re.IGNORECASE,
)
_SPANS = {
    "age": _AGE,
    "phone": _PHONE,
    "address": _ADDRESS,
    "money": _MONEY,
    **MEASURE_SPANS,
}
# "When" with one of these asks for a day or a year, which a time of day does not give.
_CALENDAR_ASKS = frozenset(("year", "date", "day", "month", "decade", "season", "week"))
# A time of day answers "when" as well as a date does ("At 4:17 a.m.").
_TIME = re.compile(r"\b\d{1,2}:\d\d\s?(?:[ap]\.?m\.?)?|\b\d{1,2}\s?[ap]\.m\.", re.IGNORECASE)

# A "who" question with one of these words asks for the holder of a role: the founder, the
# chair, the leader. Its answer is the name beside a word of that role, not any name.
_FOUNDER_WORDS = frozenset(
    ("founded", "founder", "founders", "co-founded", "co-founder", "co-founders", "cofounder")
)
_CHAIR_WORDS = frozenset(
    ("chair", "chairs", "chaired", "chairman", "chairwoman", "chairperson", "chairmen")
)
# Words that describe someone as often as they ask for a role ("President Joe Biden", "a
# football coach who prayed") are left out of what asks; they still answer one.
_LEADER_ASKS = frozenset(("leads", "led", "leader", "heads", "headed", "runs", "ceo"))
_LEADER_WORDS = (
    _LEADER_ASKS
    | _CHAIR_WORDS
    | frozenset(
        (
            *("head", "chief", "executive", "president", "director", "boss", "manager"),
            *("leading", "ran", "run", "owner"),
        )
    )
)
# How far (in words) a role word may stand from the name it goes with ("founder Ottoline").
_ROLE_REACH = 3


def answer_kind(question: str) -> str | None:
    """Name the kind of answer a question wants, or None when it does not say.

    The question is its last sentence ("When she died, the Queen left four dogs. Who will
    take care of them?"). "How old" asks for an age, "what phone number" for a phone number,
    "what address" for an address, "what was the score" for a score, "what rank" for a rank
    and "how many" and its kin for a number, wherever they stand; otherwise the
    first question word counts, since a later "when" or "which" often opens a clause:
    "from which country ... when he was eight" asks for a place.
    """
    sentences = [s for s in _SENTENCE_END.split(question) if s.strip()]
    asked = sentences[-1] if sentences else question
    found = [(m.start(), i, kind) for i, (kind, p) in enumerate(_KINDS) if (m := p.search(asked))]
    for counted in ("age", "phone", "address", "money", "score", "rank", "number"):
        if any(kind == counted for *_, kind in found):
            return counted
    return min(found)[2] if found else None


def _new_words(sentence: str, question_words: set[str], first: int = 1) -> list[str]:
    """Words of a sentence, from its `first` on, that the question does not contain."""
    words = WORD.findall(sentence)[first:]
    return [w for w in words if w.lower().strip(".'’") not in question_words]


def anchor_words(question: str) -> list[str]:
    """Names and numbers of a question: capitalised words after the first, and digits."""
    words = WORD.findall(question)
    return [
        w for i, w in enumerate(words) if (i and w[:1].isupper()) or any(c.isdigit() for c in w)
    ]


def dates_named(text: str) -> list[str]:
    """The words of a text that name a day, a month or a year ("Thursday", "2021")."""
    return [w for w in WORD.findall(text) if _DATE_WORD.search(w)]


def is_kind_word(word: str, kind: str, question_words: set[str]) -> bool:
    """Say whether one word could be (part of) an answer of that kind the question lacks."""
    word = word.strip(".,;:!?'’\"“”‘()[]")
    if word.lower() in question_words:
        return False
    if kind in ("number", "money"):
        return bool(_NUMBER.search(word))
    if kind == "score":
        return bool(_SCORE.fullmatch(word))
    if kind == "rank":
        return bool(_ORDINAL.fullmatch(word))
    if kind == "date":
        return bool(_DATE_WORD.search(word)) or bool(re.fullmatch(r"\d{1,2}:\d\d", word))
    if kind == "reason":
        return word.lower() in _REASON_WORDS
    if kind in ("age", AGE_OF_NAMED):
        return bool(_AGE_WORD.fullmatch(word)) or bool(_NUMBER.fullmatch(word))
    if kind == "phone":
        return bool(_PHONE_WORD.fullmatch(word))
    if kind == "address":
        return word[:1].isupper() or word.lower() in _STREET or word.isdigit()
    return word[:1].isupper() and len(word) > 1


def role_words(question_words: set[str]) -> frozenset[str]:
    """The words of the role a "who" question asks about ("founded": founder), or none."""
    if "who" not in question_words:
        return frozenset()
    if question_words & _FOUNDER_WORDS:
        return _FOUNDER_WORDS
    if question_words & _CHAIR_WORDS:
        return _CHAIR_WORDS
    if question_words & _LEADER_ASKS:
        return _LEADER_WORDS
    return frozenset()


def _holds_role(sentence: str, roles: frozenset[str], question_words: set[str]) -> bool:
    """Say whether a new name stands beside a word of the role ("Company founder Ottoline")."""
    words = [w.strip(".,;:!?'’\"“”‘()[]") for w in WORD.findall(sentence)]
    at_role = [i for i, w in enumerate(words) if w.lower() in roles]
    named = [
        i
        for i, w in enumerate(words)
        if i
        and is_kind_word(w, "name", question_words)
        and w.lower() not in roles
        and w.removesuffix("s") not in CALENDAR_NAMES  # "clinics run on Saturdays"
    ]
    return any(abs(i - j) <= _ROLE_REACH for i in at_role for j in named)


def _purpose(sentence: str, question_words: set[str]) -> bool:
    """Say whether a purpose follows what the question names: "he moved to Kabul to see"."""
    words: list[str] = WORD.findall(sentence)
    return any(
        len(before) > 3
        and before.lower().strip(".'’") in question_words
        and to == "to"
        and verb.islower()
        and verb not in _NOT_VERBS
        for before, to, verb in zip(words, words[1:], words[2:], strict=False)
    )


# "How old is Bill Cosby?": an age beside the name, not the age of anyone else nearby.
AGE_OF_NAMED = "age of the one named"
_FULL_NAME = re.compile(r"(?<!^)\b[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)+")


def age_asked(question: str, wanted: str | None) -> str | None:
    """Narrow an age question that names someone in full to that person's age."""
    if wanted == "age" and _FULL_NAME.search(question.strip()):
        return AGE_OF_NAMED
    return wanted


# Words of "how old is X?" that say it asks an age, not whose.
_AGE_ASKS = frozenset(("old", "age", "aged", "year", "years"))
_AGE_REACH = 3  # words either side of an age in which the one it belongs to is named


def _beside_asked(sentence: str, match: re.Match[str], question_words: set[str]) -> bool:
    """Say whether an age stands beside a word the question names ("Adjei-Brandt, 23,").

    "The 36-year-old Osprey" answers "How old is the Osprey?", not "How old is he?" asked of
    someone the article never gives an age for.
    """
    before = WORD.findall(sentence[: match.start()])[-_AGE_REACH:]
    after = WORD.findall(sentence[match.end() :])[:_AGE_REACH]
    inside = WORD.findall(match[0])
    asked = question_words - QUESTION_WORDS - FUNCTION_WORDS - _AGE_ASKS
    return any(w.lower().strip(".'’,") in asked for w in [*before, *inside, *after])


# A time of day as news writes one ("At 4:17 a.m.", "7 p.m. ET"), not a length ("03:48").
_HOUR = re.compile(r"\b\d{1,2}(?:[:.]\d\d)?\s?[ap]\.m\.|\b\d{1,2}(?:[:.]\d\d)?\s?[AP]M\b")


def gives_hour(sentence: str) -> bool:
    """Say whether a sentence gives a time of day."""
    return bool(_HOUR.search(sentence))


def asks_when(question: str) -> str:
    """The asking sentence of a question opening with "When" or "What time", or "".

    "When did the team hear the first signal?" may be answered to the hour; "When did she
    ascend to the throne?" after a scene, or "what year", asks for a day or a year; and a
    "when" inside a sentence ("cut short when what happened?") opens a clause.
    """
    sentences = [s for s in _SENTENCE_END.split(question) if s.strip()]
    asked = sentences[-1].strip() if sentences else question.strip()
    words = {w.lower() for w in WORD.findall(asked)}
    opens = asked.lower().startswith(("when ", "what time ", "at what time "))
    if len(sentences) > 1 or not opens or words & _CALENDAR_ASKS:
        return ""
    return asked


def holds_kind(sentence: str, kind: str, question_words: set[str]) -> bool:
    """Say whether a sentence holds something of that kind the question does not already say."""
    if kind == "date":  # a date may take two words ("May 14"); a time answers "when" too
        new = " ".join(_new_words(sentence, question_words))
        return bool(_DATE.search(new)) or bool(_TIME.search(sentence))
    if kind == "reason":  # a cause may take two words ("due to")
        new = " ".join(_new_words(sentence, question_words))
        return bool(_REASON.search(new)) or _purpose(sentence, question_words)
    if kind == AGE_OF_NAMED:  # the named person's age, not another's in the sentence
        return any(
            _new_words(m[0], question_words, 0) and _beside_asked(sentence, m, question_words)
            for m in _AGE.finditer(sentence)
        )
    if kind in _SPANS:  # a phone number, an address, a sum: a few words in a set form
        return any(_new_words(m[0], question_words, 0) for m in _SPANS[kind].finditer(sentence))
    if kind == "name" and (roles := role_words(question_words)):  # "who founded": a founder
        return _holds_role(sentence, roles, question_words)
    # Not the first word: a capital there only starts the sentence.
    return any(is_kind_word(w, kind, question_words) for w in WORD.findall(sentence)[1:])
