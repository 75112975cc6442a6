"""Take the chat off a question: greetings, numbering, requests to be told, thanks.

People greet the bot, number their questions, thank it and wrap the question in chat ("I saw
something in the news. … Can you help?"). None of that is what the question is about, and
every stray word counts against the composer's support test.
"""

from __future__ import annotations

import re

__all__ = ["FUNCTION_WORDS", "WORDS", "clean"]

_NAMES = r"(?:newsbot|news\s*bot|bot)"
_PUNCT = r"\s*[,!.:;\-–—]+\s*"
_ASKING = (
    r"(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|did|do|does|can|could"
    r"|would|will|has|have|had|i|in|on|the|tell|please|quick|any|so)\b"
)
# Each pattern is taken off the start of a sentence, repeatedly, in any order.
_OPENERS = [
    # Greetings, with whom they greet: "hey newsbot,", "hi there!", "good morning all". A bare
    # greeting needs punctuation or a question after it ("Hello Kitty" is a name).
    r"(?:hi|hello|hey|hiya|howdy|greetings|good\s+(?:morning|afternoon|evening|day))"
    rf"(?:\s+(?:there|all|everyone|folks|guys|friend|again|{_NAMES}))*"
    rf"(?:{_PUNCT}|\s+(?={_ASKING}))",
    # The bot addressed by name: "newsbot, ...", "@newsbot ...".
    rf"@?{_NAMES}{_PUNCT}|@{_NAMES}\b\s*",
    # Numbering as lists are pasted: "Q3:", "Question 2 -", "3)", "4.", "(5)", "#6".
    r"(?:q|question|no\.?|number|#)\s*\d+\s*[:.)\-–—]\s*|\(?\d{1,2}[.)]\s+|\d{1,2}\s*:\s+",
    # Discourse fillers: "so", "ok", "um", "well,", "quick question:", "one more thing -".
    r"(?:so|ok(?:ay)?|um+|uh+|erm|anyway|alright)\b,?\s+|(?:well|right|also),\s*",
    r"(?:(?:a\s+)?quick|one\s+more|another|random|simple)\s+(?:question|one|thing)\b"
    r"\s*[,:\-–—]*\s*",
    r"(?:i\s+have|i'?ve\s+got|got)\s+a\s+(?:quick\s+)?question\b\s*[,:\-–—]*\s*",
    # Requests to be told: "can you tell me", "could you please let me know", "please tell me".
    r"(?:please\s+)?(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?"
    r"(?:tell|show|let|help)\s+me\s+(?:know\s+|find\s+out\s+|understand\s+)?",
    r"(?:please\s+)?(?:tell|remind)\s+me\s+",
    r"(?:do|does)\s+(?:you|u|anyone|anybody)\s+(?:happen\s+to\s+)?know\s+",
    # Wondering aloud: "I was wondering", "I'd like to know", "I'm curious".
    r"i\s*(?:was|am|'m|’m)\s+(?:just\s+)?"
    r"(?:wondering|curious|trying\s+to\s+(?:find|figure)\s+out)"
    r"(?:\s+(?:about|to\s+know))?\s*,?\s*",
    r"i\s*(?:just\s+)?(?:wonder|want(?:ed)?\s+to\s+know|(?:would|'d|’d)\s+(?:like|love)\s+to\s+know)"
    r"\s*,?\s*",
    r"please\b,?\s+",
]
_OPENER = re.compile("|".join(f"(?:{p})" for p in _OPENERS), re.IGNORECASE)
# "I was wondering if/whether the ferry..." leaves "if the ferry...": the question is the rest.
_IF = re.compile(r"^(?:if|whether)\s+", re.IGNORECASE)
# Thanks and pleas at the end; the bot's name only after a comma ("the chat bot" is content).
_CLOSER = re.compile(
    r"(?:[\s,;:\-–—]*\b(?:(?:many\s+)?thanks|thank\s+(?:you|u)|thx|ty|cheers|please|pls|plz"
    r"|much\s+appreciated|appreciate\s+it)"
    rf"(?:\s+(?:so\s+much|a\s+lot|very\s+much|in\s+advance|again|for\s+(?:the|your)\s+help))*"
    rf"|\s*,\s*{_NAMES})\s*$",
    re.IGNORECASE,
)
_END = re.compile(r"[\s?!.]*$")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
# Words of letters, with an inner apostrophe ("city's"); numbers are not words here.
WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words of talk about asking and the news in general: a sentence made of these (and English
# function words) says nothing about what is asked.
_META = _wordset(
    """
    hi hello hey hiya howdy yo greetings dear morning afternoon evening day good great
    thanks thank thx ty cheers appreciate appreciated please pls plz sorry ok okay well so
    newsbot bot news headline headlines article articles story stories report reports paper
    newspaper online somewhere someone something anything thing things stuff saw seen see
    read reading heard hear hearing noticed came across come across question questions quick
    another random simple ask asking asked wondering wonder curious know knew help idea clue
    sure think guess tell telling explain wanted want like love earlier today yesterday week
    recently lately just now again around there here much lot little bit kind
    """
)
# English function words, for telling a sentence of chat from one with content, and English
# from other languages.
FUNCTION_WORDS = _wordset(
    """
    a an the and or but if so of to in on at by for from with about into over after before
    during since than as is are was were be been being am do does did done have has had
    having can could will would shall should may might must i me my mine we us our you your
    yours he him his she her it its they them their this that these those what which who
    whom whose when where why how any some all each no not yes one also too very more most
    just only there here then there's it's what's i'm i've i'd you're don't didn't can't
    """
)


_ASKS = _wordset("what which who whom whose when where why how")


_OPENS_QUESTION = _ASKS | _wordset(
    "is are was were did do does can could will would has have had should which"
)


def _is_meta(sentence: str) -> bool:
    """Say whether a sentence is only chat: no question word, nothing but talk and glue."""
    words = [w.lower().replace("’", "'") for w in WORDS.findall(sentence)]
    if any(w in _ASKS or w.split("'")[0] in _ASKS for w in words):
        return False
    return all(w in _META or w in FUNCTION_WORDS for w in words)


def _strip_sentence(sentence: str) -> str:
    """Take greetings, numbering, requests to be told and thanks off one sentence."""
    text = sentence.strip()
    while True:
        match = _OPENER.match(text)
        if not match or not match.group():
            break
        text = text[match.end() :].lstrip()
    text = _IF.sub("", text) if text != sentence.strip() else text
    end = _END.search(text)
    tail = end.group() if end else ""
    body = text[: len(text) - len(tail)]
    while True:
        stripped = _CLOSER.sub("", body).rstrip(" ,;:-–—")
        if stripped == body:
            break
        body = stripped
    if len(body) + len(tail) == len(text):
        return text
    # The question mark stays with the question when thanks or a name followed it.
    return body + ("?" if "?" in tail else tail.strip()[:1]) if body else ""


def clean(question: str) -> str:
    """Return the question without the chat around it ("" when it was only chat)."""
    sentences = [s for s in _SENTENCE.split(" ".join(question.split())) if s]
    if len(sentences) > 1:
        # A sentence of pure chat goes when something else is said; a lone one is the question.
        content = [s for s in sentences if not _is_meta(s)]
        sentences = content or sentences[-1:]
    kept = [piece for piece in (_strip_sentence(s) for s in sentences) if _has_words(piece)]
    text = " ".join(kept)
    if text and text[0].islower() and _is_starter(text):
        text = text[0].upper() + text[1:]
    last = WORDS.findall(kept[-1])[:1] if kept else []
    if last and last[0].lower() in _OPENS_QUESTION and text[-1:].isalnum():
        text += "?"  # typed without its question mark, which the model reads too
    return text


def _has_words(text: str) -> bool:
    return bool(WORDS.search(text)) or any(ch.isdigit() for ch in text)


def _is_starter(text: str) -> bool:
    first = WORDS.match(text)
    return bool(first) and first is not None and first.group().lower() in FUNCTION_WORDS
