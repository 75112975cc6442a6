"""Follow-up questions ("What did they agree on?") read in the light of the earlier turns."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence

from newsbot.core.calendar import MONTH_AND_WEEKDAY_NAMES
from newsbot.core.types import Turn
from newsbot.retrieval.question.answer_kinds import QUESTION_WORDS, anchor_words, answer_kind
from newsbot.retrieval.question.date_windows import without_dates

# Words that lean on an earlier turn: "What did they agree on?", "When was that?"
_ANAPHORA = re.compile(
    r"\b(they|them|their|theirs|it|its|that|this|those|these|he|him|his|she|her|there|then|"
    r"the same|the deal|the agreement|the company|the country|the city|the team|the project|"
    r"the plan|the law|the bill|the event)\b",
    re.IGNORECASE,
)
# "Tell me more", "go on", "anything else?": the next facts about the same thing.
_MORE = re.compile(
    r"^\W*(?:(?:ok|okay|thanks|and|so)\W+)?(?:please\W+)?"
    r"(?:tell me more|more|go on|continue|keep going|what else|anything else|and then"
    r"|(?:any |more |further )?(?:details|info|information))"
    r"(?:\s+(?:about|on)\s+(?:it|that|this|them|him|her|the \w+))?"
    r"(?:\W+please)?\W*$",
    re.IGNORECASE,
)
# An elliptical question asks what the earlier one asked, of something else: "And for diesel?"
_ELLIPSIS = re.compile(r"^\W*(?:and|what about|how about)\b", re.IGNORECASE)
_ASKS = re.compile(r"\b(?:who|whom|whose|what|when|where|which|why|how)\b", re.IGNORECASE)
_MARKER = re.compile(r"\s*\[\d+\]\s*")
_PRONOUN = re.compile(r"\b(?:he|him|his|she|her|hers|it|its|they|them|their)\b", re.IGNORECASE)
# Words that can only mean something said before (unlike "that", which may open a clause).
_POINTER = re.compile(
    r"\b(?:he|him|his|she|her|hers|it|its|they|them|their|theirs|there)\b", re.IGNORECASE
)
# "Is there", "there are": a "there" that points nowhere.
_BEING = frozenset(("is", "are", "was", "were", "will", "has", "have", "had", "isn't", "aren't"))
_POSSESSIVE = frozenset(("its", "their", "his", "her"))
_PERSONAL = frozenset(("he", "him", "his", "she", "her", "hers"))
_NAME_WORD = re.compile(r"[\w'’.-]+")
_PUNCT = "…\"'“”‘’()[],;:.!?"
_QUESTION_STEMS = frozenset(w[:5] for w in QUESTION_WORDS)
# Question words as the tokenizer stems them ("many" -> "mani"): not a subject's words.
# Fewest words of its own (question words aside) that can name a new subject.
_OWN_SUBJECT = 3
# How much more a name says what a question is about than any other word of it.
_NAME_WEIGHT = 2.0
# Words that say how a question is asked, not what about (stemmed as search does).
_NOT_SUBJECT = " ".join(
    sorted(
        {*QUESTION_WORDS, "many", "much", "he", "him", "his", "she", "her", "hers", "it", "its"}
        | {"they", "them", "their", "theirs", "there", "be", "being", "may", "might", "must"}
    )
)
# "Which company ... its", "Who announced his ...": a pronoun that means the thing asked for.
_HELPING = r"(?:is|are|was|were|did|does|do|has|have|had|will|would|can|could|should|may|might)"
_WHICH_THING = re.compile(rf"\b(?:which|what|whose)\s+(?!{_HELPING}\b)\w", re.IGNORECASE)
_WHO_DID = re.compile(rf"\bwho\s+(?!{_HELPING}\b)\w", re.IGNORECASE)
# Words before a place or an organisation's name, rather than before a person's.
_BEFORE_PLACES = frozenset(("in", "at", "from", "of", "to", "on", "for", "near", "into", "across"))
# Capitalised words that start a sentence rather than a name.
_FUNCTION_WORD = re.compile(
    r"a|an|the|he|she|it|they|we|i|his|her|its|their|this|that|these|those|but|and|or|so|if"
    r"|in|on|at|as|by|for|to|of|with|after|before|when|while",
    re.IGNORECASE,
)
# Most words between a name and a word of the question in the clause that answered it.
_NEAR = 12
_PERSON_ASKS = frozenset(("who", "whom", "whose"))
_PLURAL = frozenset(("they", "them", "their"))
_DATE_NAME = re.compile(MONTH_AND_WEEKDAY_NAMES)
_ELLIPSIS_MARK = re.compile(r"…|\.\.\.")


def leans_on_history(question: str, history: Sequence[Turn] = ()) -> bool:
    """Say whether a question needs an earlier turn to be understood."""
    if _leans_by_form(question):
        return True
    # Without these, a question is a new topic only if it names something new: one that
    # names nothing ("How many people visit the area daily?"), or only what the conversation
    # already said ("When does the US Open start?" after its answer said "US Open"), is
    # about the story discussed.
    return not names_something(question) or (bool(history) and names_said(question, history))


def changes_subject(
    question: str,
    history: Sequence[Turn],
    terms: Callable[[str], list[str]],
    article_words: Callable[[Sequence[str]], set[str]],
) -> bool:
    """Say whether a question asks about a subject of its own rather than the story discussed.

    "Who founded the company that makes the XR-17?" after a turn about ferries leans on
    nothing: its "that" opens a clause, and most of what it says (its names counting
    double) is in no turn and no article cited. "Who scored the winning penalty in the
    regional cup final?" after a turn about a drone names no one, yet has words enough for a
    subject, and fewer than half of them are in the story discussed. A pronoun that can only
    mean something said before ("When did he retire?"), an "and for X?" or a "tell me more"
    keeps the story, and so does a question of too few words to name a subject ("What
    breed?"). `terms` stems text as search does; `article_words` gives the stems of
    articles' text.
    """
    if not history or points_back(question) or is_elliptical(question) or asks_for_more(question):
        return False
    skip = set(terms(_NOT_SUBJECT))
    names = {t for word in anchor_words(question) for t in terms(word)} - skip
    # A date ("this week") says when, not what: most stories share one.
    own = [t for t in dict.fromkeys(terms(without_dates(question))) if t not in skip]
    if not own or (not names and len(own) < _OWN_SUBJECT):
        return False
    said = " ".join(f"{turn.question} {turn.answer}" for turn in history)
    cited = [aid for turn in history for aid in turn.articles]
    discussed = article_words(list(dict.fromkeys(cited))) | set(terms(said))
    weight = {t: _NAME_WEIGHT if t in names else 1.0 for t in own}
    known = math.fsum(w for t, w in weight.items() if t in discussed)
    return known * 2 < math.fsum(weight.values())


def points_back(question: str) -> bool:
    """Say whether a question holds a pronoun that can only mean something said before.

    "Where does he work?" does; "Which team did Rob Gronkowski play for when he won?" and
    "Which company raised its prices?" do not: there the pronoun means the name before it,
    or what the question asks about. "That", "this" and "the company" often open a clause
    or name anew, so they alone do not point back.
    """
    pronoun = next(
        (m for m in _POINTER.finditer(question) if not _existential(question, m)),
        None,
    )
    if pronoun is None:
        return False
    before = question[: pronoun.start()]
    named = any(
        w[:1].isupper() and not _FUNCTION_WORD.fullmatch(w) and w.lower() not in QUESTION_WORDS
        for w in _NAME_WORD.findall(before)
    )
    # Only a possessive means what is asked about: "Which company raised its prices?", but
    # "What happened to him?"; "Who scored their penalty?" may mean a team said before.
    word = pronoun.group().lower()
    own = word in _POSSESSIVE and (
        bool(_WHICH_THING.search(before)) or (word != "their" and bool(_WHO_DID.search(before)))
    )
    return not (named or own)


def _existential(question: str, pronoun: re.Match[str]) -> bool:
    """Say whether a "there" only says that something exists ("Is there news on X?")."""
    if pronoun.group().lower() != "there":
        return False
    before = question[: pronoun.start()].split()[-1:]
    after = question[pronoun.end() :].split()[:1]
    return any(w.strip("?!.,").lower() in _BEING for w in [*before, *after])


def _leans_by_form(question: str) -> bool:
    return bool(_ANAPHORA.search(question)) or is_elliptical(question) or asks_for_more(question)


def names_said(question: str, history: Sequence[Turn]) -> bool:
    """Say whether every name and number of a question was said earlier in the conversation."""
    names = anchor_words(question)
    said = fold(" ".join(f"{t.question} {t.answer}" for t in history))
    return bool(names) and all(re.search(rf"\b{re.escape(fold(n))}\b", said) for n in names)


def names_something(question: str) -> bool:
    """Say whether a question names a thing of its own: a capitalised word past the first, or
    a word with a digit in it ("What can the XR-17 drone carry?")."""
    words = [w.strip("?!.,;:\"'()") for w in question.split()[1:]]
    return any(w[:1].isupper() or any(c.isdigit() for c in w) for w in words if w)


def asks_for_more(question: str) -> bool:
    """Say whether a question only asks for more about what was discussed ("tell me more")."""
    return bool(_MORE.match(question))


def is_elliptical(question: str) -> bool:
    """Say whether a question repeats the earlier one's ask of something new ("And for X?").

    "And when did they start?" asks a question of its own: a question word after the opener
    makes it an ordinary follow-up.
    """
    return bool(_ELLIPSIS.match(question)) and not _ASKS.search(without_ellipsis(question))


def without_ellipsis(question: str) -> str:
    """What an elliptical question asks itself, without its "and"/"what about" opener."""
    return _ELLIPSIS.sub("", question, count=1)


def condense(question: str, history: Sequence[Turn]) -> str:
    """Prefix a follow-up with the (itself condensed) earlier question it leans on, and with
    the name that turn answered when the follow-up's pronoun points at it."""
    if not history or not leans_on_history(question, history):
        return question
    earlier = condense(history[-1].question, history[:-1])
    if asks_for_more(question):
        return earlier  # "tell me more" names nothing to search for but the earlier topic
    return f"{earlier} {with_name(question, history)}"


def with_name(question: str, history: Sequence[Turn]) -> str:
    """The question, preceded by the name the last turn answered if its pronoun means that."""
    if not (history and points_at_answer(question, history[-1])):
        return question
    said = condense(history[-1].question, history[:-1])
    return " ".join(filter(None, [answered_name(history[-1], said), question]))


def points_at_answer(question: str, earlier: Turn) -> bool:
    """Say whether a follow-up's pronoun stands for what the earlier turn answered.

    After "Who led the study?", "Where does he work?" asks about the person answered, but
    after "Who did Tony Dow play?" a "he" may still be Tony Dow: a question that names
    anyone keeps its "he". "It" stands for a thing answered ("After which event will he
    retire?" "Where is it held?"), never for a person.
    """
    pronoun = _PRONOUN.search(question)
    asked = _ASKS.search(earlier.question)
    if not (pronoun and asked and answer_kind(earlier.question) == "name"):
        return False
    word, person = pronoun.group().lower(), asked.group().lower() in _PERSON_ASKS
    if word in _PERSONAL:
        return person and not names_something(earlier.question)
    return word in _PLURAL or not person


def answered_name(turn: Turn, said: str = "") -> str:
    """The name a turn's answer gave first, near a word of its question, or "".

    Names already said, dates, sentence openers, and places or organisations (a run after
    "in", "at", "from"...) are passed over; `said` is everything asked up to that turn.
    """
    # A headline capitalises every word: no name stands out in it.
    pieces = [p for p in _MARKER.split(turn.answer) if p.strip() and not looks_like_headline(p)]
    if not pieces:
        return ""
    asked = {w.lower()[:5] for w in _NAME_WORD.findall(turn.question)} - _QUESTION_STEMS
    said_names = {
        w.lower() for w in _NAME_WORD.findall(said or turn.question)[1:] if w[:1].isupper()
    }
    words = [w.strip(_PUNCT) for w in pieces[0].split()]
    ends = [w[-1:] in ',;:)"”' for w in pieces[0].split()]
    focus = [i for i, w in enumerate(words) if len(w) > 3 and w.lower()[:5] in asked]
    for run in _runs(words, ends):
        first = run[0]
        if (
            any(words[i].lower() in said_names for i in run)
            or (first and words[first - 1].lower() in _BEFORE_PLACES)
            or _DATE_NAME.fullmatch(words[first])
            or (first == 0 and len(run) == 1)
            or all(_FUNCTION_WORD.fullmatch(words[i]) for i in run)
            or words[first].lower().removesuffix("'s") in QUESTION_WORDS
        ):
            continue
        # A short answer ("Meridian Foods") holds no word of the question.
        if not focus or min(abs(i - f) for i in run for f in focus) <= _NEAR:
            return " ".join(words[i] for i in run)
    return ""


def looks_like_headline(text: str) -> bool:
    """Say whether nearly all longer words of a text are capitalised, as in a headline."""
    longer = [w for w in text.split() if len(w) > 3 and w[:1].isalpha()]
    return len(longer) > 2 and 4 * sum(w[:1].isupper() for w in longer) >= 3 * len(longer)


def _runs(words: list[str], ends: list[bool]) -> list[list[int]]:
    """Positions of the runs of capitalised words; a comma or a colon ends a run."""
    runs: list[list[int]] = []
    run: list[int] = []
    for i, word in enumerate(words):
        if word[:1].isupper():
            run.append(i)
        elif run:
            runs.append(run)
            run = []
        if run and ends[i]:
            runs.append(run)
            run = []
    return [*runs, run] if run else runs


def split_answer(text: str) -> list[str]:
    """The pieces an answer quoted, without their [n] markers."""
    return [piece.strip() for piece in _MARKER.split(text) if piece.strip()]


def fold(text: str) -> str:
    """Lower case with the quoting marks and spacing of an answer folded away, for matching."""
    text = _ELLIPSIS_MARK.sub(" ", _MARKER.sub(" ", text))
    return " ".join(text.lower().split())


def shown_pieces(history: Iterable[Turn], min_words: int = 4) -> list[str]:
    """The sentences (or cut pieces of them) the earlier answers quoted, folded."""
    pieces = []
    for turn in history:
        for piece in _MARKER.split(turn.answer):
            folded = fold(piece)
            if len(folded.split()) >= min_words:
                pieces.append(folded)
    return pieces


def was_shown(sentence: str, pieces: Sequence[str]) -> bool:
    """Say whether an earlier answer quoted this sentence, whole or cut."""
    folded = fold(sentence)
    return any(piece in folded or folded in piece for piece in pieces)


def asked_kinds(sentence: str, history: Iterable[Turn]) -> set[str | None]:
    """The kinds of answer asked for by the earlier turns whose answers quoted this sentence.

    Words of another kind in a quoted sentence were not what those turns answered with, so
    they may answer a new question without repeating an earlier answer.
    """
    turns = list(history)
    return {
        turn_kind(turn.question, turns[:i])
        for i, turn in enumerate(turns)
        if was_shown(sentence, shown_pieces([turn]))
    }


def turn_kind(question: str, history: Sequence[Turn]) -> str | None:
    """The kind of answer a turn asked for; an elliptical one asks what the turn before did."""
    if is_elliptical(question):
        question = without_ellipsis(question)
    kind = answer_kind(question)
    if kind is None and history and leans_on_history(question, history):
        return turn_kind(history[-1].question, history[:-1])
    return kind


def without_repeats(question: str, history: Sequence[Turn]) -> list[Turn]:
    """Drop earlier turns that asked this very question: asked again, it is answered in full."""
    asked = question.casefold().split()
    return [turn for turn in history if turn.question.casefold().split() != asked]
