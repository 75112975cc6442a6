"""Who said what an earlier answer quoted ("And who said that?"), from the article that says it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsbot.core.types import Answer, Chunk, Turn
from newsbot.retrieval.answer.params import ComposeParams
from newsbot.retrieval.answer.quotes import Candidate, cited, shorten
from newsbot.retrieval.question.followups import fold, split_answer, was_shown

_WHO_SAID = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|but|wait)\W+)?(?:"
    r"(?:who|whom)\s+(?:said|says|told|wrote|claimed|stated|announced|reported|made)"
    r"(?:\s+(?:that|this|it|so|those|these)(?:\s+(?:quote|statement|claim|remark))?)?"
    r"|says\s+who|according\s+to\s+(?:whom|who)|who\s+(?:is|was)\s+quoted"
    r"|who(?:'s|’s|\s+is)\s+the\s+source(?:\s+of\s+(?:that|this|it))?"
    r")\W*$",
    re.IGNORECASE,
)
_SPEECH = frozenset(
    (
        *("said", "says", "told", "tells", "added", "adds", "noted", "notes", "wrote"),
        *("writes", "stated", "states", "explained", "warned", "announced", "argued"),
        *("claimed", "confirmed", "recalled", "tweeted", "insisted", "acknowledged"),
        *("continued", "recounted", "reported", "posted"),
    )
)
_QUOTE_MARKS = "\"“”‘’'"
_BOUNDARY_WORDS = frozenset(("that", "and", "but", "because", "while", "as", "which", "who"))
_PRONOUNS = frozenset(("he", "she", "they"))
# Words after a speaker's name that begin where and how it was said, not who said it.
_AFTER_SPEAKER = frozenset(
    (
        *("in", "on", "at", "during", "after", "before", "to", "while", "when", "via"),
        *("through", "last", "this", "earlier", "later", "recently", "previously", "as"),
    )
)
_MOST_SPEAKER_WORDS = 10
_PARAMS = ComposeParams()
_NOT_FIRST = frozenset(("the", "a", "an", "in", "on", "at", "this", "that", "but", "and"))


@dataclass(frozen=True)
class Said:
    """A sentence of an article, the chunk it is in, and who said it there (or "")."""

    sentence: str
    chunk: Chunk
    speaker: str


def asks_who_said(question: str) -> bool:
    """Say whether a question asks who said what was just quoted ("and who said that?")."""
    return bool(_WHO_SAID.match(question))


def who_said(
    question: str,
    history: Sequence[Turn],
    article_chunks: Callable[[str], list[Chunk]],
    split: Callable[[str], list[str]],
    params: ComposeParams = _PARAMS,
) -> Answer | None:
    """Answer "who said that?" with the sentence of the article that names who said it.

    "That" is the first piece of the last answer (refusals aside) that its article
    attributes to someone: in the sentence itself ('..., said Paula Grinstead'), or, for a
    quote that runs on, in the sentence after or before it. A "he said" is the person the
    sentences before it name, and that sentence is quoted first. None when no piece of the
    last answer is attributed: the question is then answered as any other.
    """
    if not asks_who_said(question):
        return None
    last = next((turn for turn in reversed(history) if turn.articles), None)
    if last is None:
        return None
    sentences = [
        (sentence, chunk)
        for article_id in last.articles
        for chunk in article_chunks(article_id)
        for sentence in split(chunk.text)
    ]
    for piece in split_answer(last.answer):
        folded = fold(piece)
        at = next((i for i, (s, _) in enumerate(sentences) if was_shown(s, [folded])), None)
        if at is None:
            continue
        said = _attributed(sentences, at)
        if said:
            return _answer(said, params)
    return None


def _attributed(sentences: Sequence[tuple[str, Chunk]], at: int) -> list[Said]:
    """The sentences that say who said sentence `at`: its own, or one beside a quote."""
    sentence = sentences[at][0]
    near = [at]
    if any(mark in sentence for mark in _QUOTE_MARKS):
        near += [i for i in (at + 1, at - 1) if 0 <= i < len(sentences)]
    for i in near:
        text, where = sentences[i]
        speaker = speaker_of(text)
        if not speaker:
            continue
        said = Said(text, where, speaker)
        if speaker.lower() in _PRONOUNS:
            named = _named_before(sentences, i)
        elif " " not in speaker and speaker[:1].isupper():
            named = _named_in_full(sentences, i, speaker)
        else:
            named = None
        return [named, said] if named else [said]
    return []


def _named_in_full(sentences: Sequence[tuple[str, Chunk]], at: int, surname: str) -> Said | None:
    """The first sentence before `at` that gives the whole name of someone called by surname.

    '"...," Venkataraman said.' is answered with who Venkataraman is: "County health officer
    Dr. Priya Venkataraman said ...".
    """
    for sentence, chunk in sentences[:at]:
        for run in _capitalised_runs(sentence):
            if len(run.split()) > 1 and run.split()[-1] == surname:
                return Said(sentence, chunk, run)
    return None


def _named_before(sentences: Sequence[tuple[str, Chunk]], at: int) -> Said | None:
    """The nearest sentence before `at` that names someone, with the name.

    A name here is two or three capitalised words ("deckhand Walter Abernathy, who ...").
    """
    for i in range(at - 1, max(at - 4, -1), -1):
        sentence, chunk = sentences[i]
        for run in _capitalised_runs(sentence):
            if 2 <= len(run.split()) <= 3 and run.split()[0].lower() not in _NOT_FIRST:
                return Said(sentence, chunk, run)
    return None


def speaker_of(sentence: str) -> str:
    """Who a sentence says said it: "X said", "said X", "according to X"; "" if no one."""
    words = sentence.split()
    lower = [w.strip(_QUOTE_MARKS + ",.;:!?()").lower() for w in words]
    for i in range(len(words) - 1):
        if lower[i] == "according" and lower[i + 1] == "to":
            return _phrase_after(words, i + 2)
    for i, word in enumerate(lower):
        if word not in _SPEECH or _inside_quote(" ".join(words[:i])):
            continue  # '"I told them ...," Salgado said': the quote's verb is not the speaker's
        speaker = _phrase_before(words, i) or _phrase_after(words, i + 1)
        if speaker:
            return speaker
    return ""


def _inside_quote(text: str) -> bool:
    """Say whether a text leaves a quotation open (one more opening mark than closing)."""
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def _phrase_before(words: Sequence[str], verb: int) -> str:
    """The words before a speech verb back to a clause's start: its subject, or ""."""
    if verb == 0 or words[verb - 1][-1:] in _QUOTE_MARKS:
        return ""  # '"...," said X': the speaker follows
    start = _clause_start(words, verb - 1)
    if start is None:
        return ""
    phrase = " ".join(words[start:verb]).strip(_QUOTE_MARKS + " ,")
    # ", a spokesperson for its parent company, Meta, said": a title set off before the name.
    if words[verb - 1].endswith(",") and start and words[start - 1].endswith(","):
        title = _clause_start(words, start - 1)
        if title is not None and words[title].lower() in ("a", "an", "the"):
            phrase = " ".join(words[title:start]) + " " + phrase
    return phrase


def _clause_start(words: Sequence[str], end: int) -> int | None:
    """Where the clause that ends with word `end` starts; None when it is too long."""
    start = end
    while start > 0:
        previous = words[start - 1]
        if previous[-1:] in _QUOTE_MARKS + ",;:" or previous.lower() in _BOUNDARY_WORDS:
            break
        start -= 1
    return start if end - start < _MOST_SPEAKER_WORDS else None


def _phrase_after(words: Sequence[str], start: int) -> str:
    """The words after a speech verb up to a comma, or to where and how it was said."""
    phrase: list[str] = []
    for word in words[start : start + 2 * _MOST_SPEAKER_WORDS]:
        bare = word.strip(_QUOTE_MARKS + ",.;:!?()")
        if phrase and bare.lower() in _AFTER_SPEAKER:
            break
        if not bare or (not phrase and word[:1] in _QUOTE_MARKS):
            break
        phrase.append(bare)
        if word[-1:] in ",.;:!?" and not re.fullmatch(r"(?:[A-Z]|Jr|Sr|Dr|St)\.", word):
            break
    # A lowercase word that is not an article opens a clause ("said it would"), not a name.
    if phrase and phrase[0].islower() and phrase[0] not in ("the", "a", "an"):
        return ""
    return " ".join(phrase)


def _capitalised_runs(sentence: str) -> list[str]:
    runs, run = [], []
    for raw in [*sentence.split()[1:], ""]:
        word = raw.strip(_QUOTE_MARKS + ",.;:!?()")
        if word[:1].isupper():
            run.append(word)
            if raw[-1:] in ",;:":
                runs.append(" ".join(run))
                run = []
        elif run:
            runs.append(" ".join(run))
            run = []
    return runs


def _answer(said: Sequence[Said], params: ComposeParams) -> Answer:
    """Quote the sentences that name who said it, each cut around the name."""
    chosen = []
    for one in said:
        names = {w.lower() for w in one.speaker.split()}

        def focus(word: str, names: set[str] = names) -> bool:
            return word.strip(_QUOTE_MARKS + ",.;:!?()").lower() in names

        text = shorten(one.sentence, focus, params.sentence_words)
        chosen.append(Candidate(text, 0, one.chunk, 1.0))
    return cited(chosen)
