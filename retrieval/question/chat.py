"""A question as people type it, read into what it asks, in the words the corpus uses.

People greet the bot, number their questions, thank it, wrap the question in chat ("I saw
something in the news. … Can you help?"), drop hyphens, spell the British way and make
typos. None of that is what the question is about, and every stray word counts against the
composer's support test; so the chat is taken off and each word the corpus does not know is
replaced by the variant it does know (XR17 -> XR-17, Harbour -> Harbor, goverment ->
government). A question in another language is recognised and answered, in that language
where it is known, with a plain note that questions are read in English only.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Protocol

from newsbot.core.tokenizer import Tokenizer
from newsbot.core.types import Answer, Chunk

__all__ = ["clean", "language", "not_english", "read_question", "respell"]

# --- the chat around a question -------------------------------------------------------------

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
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


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
_ENGLISH = _wordset(
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
    words = [w.lower().replace("’", "'") for w in _WORDS.findall(sentence)]
    if any(w in _ASKS or w.split("'")[0] in _ASKS for w in words):
        return False
    return all(w in _META or w in _ENGLISH for w in words)


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
    last = _WORDS.findall(kept[-1])[:1] if kept else []
    if last and last[0].lower() in _OPENS_QUESTION and text[-1:].isalnum():
        text += "?"  # typed without its question mark, which the model reads too
    return text


def _has_words(text: str) -> bool:
    return bool(_WORDS.search(text)) or any(ch.isdigit() for ch in text)


def _is_starter(text: str) -> bool:
    first = _WORDS.match(text)
    return bool(first) and first is not None and first.group().lower() in _ENGLISH


# --- the corpus's spelling ------------------------------------------------------------------

Rarity = Callable[[str], float]

# Words of letters and digits, with their inner hyphens: "XR-17", "counter-terror".
_TOKEN = re.compile(r"[^\W_]+(?:[-‐][^\W_]+)*")
_SEAM = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])|(?<=[a-z])(?=[A-Z])")
# British <-> American spellings that no rule below covers.
_SPELLINGS = {
    "grey": "gray",
    "jewellery": "jewelry",
    "aluminium": "aluminum",
    "tyre": "tire",
    "tyres": "tires",
    "kerb": "curb",
    "plough": "plow",
    "cheque": "check",
    "cheques": "checks",
    "pyjamas": "pajamas",
    "sceptic": "skeptic",
    "sceptical": "skeptical",
    "mould": "mold",
    "moustache": "mustache",
    "draught": "draft",
    "storey": "story",
    "storeys": "stories",
    "gaol": "jail",
    "judgement": "judgment",
    "ageing": "aging",
    "enrolment": "enrollment",
    "fulfil": "fulfill",
    "instalment": "installment",
    "licence": "license",
    "practise": "practice",
}
_SPELLINGS |= {us: uk for uk, us in list(_SPELLINGS.items())}
# Regular British -> American endings, each with its way back (for corpora that spell the
# British way): colour/color, centre/center, organise/organize, analyse/analyze,
# defence/defense, catalogue/catalog, programme/program, travelled/traveled,
# paediatric/pediatric, manoeuvre/maneuver.
_RULES = [
    (
        r"(?<=[a-z]{2}[bdglmnrvi])our(s|ed|ing|ful|ite|ites|hood|able|ably|less)?$",
        r"or\1",
        r"(?<=[a-z]{2}[bdglmnrvi])or(s|ed|ing|ful|ite|ites|hood|able|ably|less)?$",
        r"our\1",
    ),
    (r"(?<=[bcdfgkmnptv])re(s|d)?$", r"er\1", r"(?<=[bcdfgkmnptv])er(s)?$", r"re\1"),
    (
        r"is(e|es|ed|ing|er|ers|ation|ations|ational)$",
        r"iz\1",
        r"iz(e|es|ed|ing|er|ers|ation|ations|ational)$",
        r"is\1",
    ),
    (r"ys(e|es|ed|ing)$", r"yz\1", r"yz(e|es|ed|ing)$", r"ys\1"),
    (r"(?<=[fn])ence(s)?$", r"ense\1", r"(?<=[fn])ense(s)?$", r"ence\1"),
    (r"(?<=[lt])ogue(s)?$", r"og\1", r"(?<=[lt])og(s)?$", r"ogue\1"),
    (r"(?<=gr)amme(s)?$", r"am\1", r"(?<=gr)am(s)?$", r"amme\1"),
    # Only after an unstressed last syllable: travelled/traveled, but filled is not filed.
    (
        r"([aeiou][^aeiou]{1,3}[aeiou])ll(ed|ing|er|ers)$",
        r"\1l\2",
        r"([aeiou][^aeiou]{1,3}[aeiou])l(ed|ing|er|ers)$",
        r"\1ll\2",
    ),
    (r"(?<=[pkhcl])ae(?=[dm])", "e", r"(?<=[pkhcl])e(?=[dm][io])", "ae"),
    (r"(?<=[nf])oe(?=[ut])|^oe(?=s)", "e", r"(?<=n)e(?=uv)", "oe"),
]
_SHORT = 4  # words this short are left as typed: too many neighbours to guess among


Passages = Callable[[str], list[str]]  # a query -> texts of the corpus that best match it


class WordIndex(Protocol):
    """What respelling needs of the keyword index: how rare a term is, and where words are."""

    def idf(self, term: str) -> float: ...

    def search(self, query: str, k: int) -> list[tuple[Chunk, float]]: ...


class Searcher(Protocol):
    """What reading a question needs of the searcher: its tokenizer and keyword index."""

    @property
    def terms(self) -> Tokenizer: ...

    @property
    def keyword(self) -> WordIndex: ...


def _variants(word: str) -> set[str]:
    """British and American spellings of a lower-case word, both ways, besides the word."""
    out = {_SPELLINGS[word]} if word in _SPELLINGS else set()
    american, british = word, word
    for uk, us, us_back, uk_back in _RULES:
        out |= {re.sub(uk, us, word), re.sub(us_back, uk_back, word)}
        american, british = re.sub(uk, us, american), re.sub(us_back, uk_back, british)
    out |= {american, british}
    out.discard(word)
    return out


def _edits(word: str) -> tuple[set[str], set[str]]:
    """Words one edit from `word` inside it: people rarely miss a first or last letter.

    Keeping both ends also spares real words the corpus lacks ("weight" is not "weigh").
    Returns letters dropped, doubled or swapped first, and letters replaced second: among
    words of one stem ("government", "governent") the first kind is the likelier slip.
    """
    letters = "abcdefghijklmnopqrstuvwxyz"
    head, inner, tail = word[:1], word[1:-1], word[-1:]
    splits = [(inner[:i], inner[i:]) for i in range(len(inner) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    inserts = {a + c + b for a, b in splits for c in letters}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    likely = {head + w + tail for w in deletes | swaps | inserts} - {word}
    return likely, {head + w + tail for w in replaces} - likely - {word}


def _match_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


class _Speller:
    """Judge words against the corpus's vocabulary (stems the keyword index has seen)."""

    def __init__(
        self, terms: Tokenizer, rarity: Rarity, passages: Passages | None = None, context: str = ""
    ):
        self.terms = terms
        self.rarity = rarity
        self.passages = passages
        self.context = context  # the question the words come from
        self.unseen = rarity("\x00")  # a term no text holds: unseen terms are rarest

    def known(self, stem: str) -> bool:
        return self.rarity(stem) < self.unseen

    def word_known(self, word: str) -> bool | None:
        """Say whether every term of a word is known; None when it has no terms."""
        stems = self.terms(word)
        return all(self.known(s) for s in stems) if stems else None

    def best(self, words: Iterable[str], worse: Iterable[str] = ()) -> tuple[str, float] | None:
        """The most frequent known word among candidates, by their stems; None when none is.

        A word of `worse` is taken only when its stem is strictly commoner.
        """
        ranked = [(w, 0) for w in set(words)] + [(w, 1) for w in set(worse)]
        ranked = sorted((w, r) for w, r in ranked if w and w not in self.terms.stopwords)
        if not ranked:
            return None
        stems = self.terms.stem_words([w for w, _ in ranked])
        scored = [
            (self.rarity(s), r, w) for (w, r), s in zip(ranked, stems, strict=True) if self.known(s)
        ]
        if not scored:
            return None
        rarity, _, word = min(scored)
        return word, rarity

    def pieces(self, word: str) -> list[str] | None:
        """Split a run-together word into the fewest pieces the corpus knows, or None.

        A piece is a number, a known word of 2+ letters, or a function word ("flea and tick");
        at least one must be a known word of content.
        """
        lower = word.lower()
        if len(lower) > 40:
            return None
        spans = {(i, j) for i in range(len(lower)) for j in range(i + 1, len(lower) + 1)}
        texts = sorted({lower[i:j] for i, j in spans if lower[i:j].isalpha() and j - i > 1})
        stems = dict(zip(texts, self.terms.stem_words(texts), strict=True))
        glue = _ENGLISH | self.terms.stopwords

        def rarity(text: str) -> float | None:  # None: not a piece; 0: glue or a number
            if text.isdigit() or text in glue:
                return 0.0
            stem = stems.get(text)
            return self.rarity(stem) if stem and self.known(stem) else None

        # From each position to the end: fewest pieces, then the rarest piece least rare.
        best: dict[int, tuple[int, float, list[str]] | None] = {len(lower): (0, 0.0, [])}
        for i in range(len(lower) - 1, -1, -1):
            options = []
            for j in range(i + 1, len(lower) + 1):
                here, rest = rarity(lower[i:j]), best.get(j)
                if here is not None and rest is not None:
                    options.append((rest[0] + 1, max(here, rest[1]), [word[i:j], *rest[2]]))
            best[i] = min(options, key=lambda o: (o[0], o[1])) if options else None
        found = best[0]
        if not found or found[0] < 2 or not found[1]:
            return None
        return found[2]

    def split(self, token: str, known: bool) -> str | None:
        """The corpus's way of writing a run-together word in pieces (XR17 -> XR-17), or None.

        Pieces that each exist are not enough ("Millbrook" is not "mill brook"): the passages
        found for the question (or, failing those, for the pieces) must write the word
        hyphenated or spaced more often than solid (twice as often if the corpus knows it).
        """
        if self.passages is None or len(token) > 40:
            return None
        # Any of its letters may be followed by a hyphen or a space in the corpus's spelling.
        pattern = re.compile(
            r"(?<![\w\-‐])" + r"[\s\-‐]?".join(re.escape(c) for c in token) + r"(?![\w\-‐])",
            re.IGNORECASE,
        )
        parts = None if known else self.pieces(token)
        queries = [self.context] + ([" ".join(parts)] if parts else [])
        for query in queries:
            forms: dict[str, int] = {}
            solid = 0
            for text in self.passages(query):
                for match in pattern.finditer(text):
                    if re.search(r"[\s\-‐]", match.group()):
                        forms[match.group()] = forms.get(match.group(), 0) + 1
                    else:
                        solid += 1
            if forms and sum(forms.values()) > (2 * solid if known else solid):
                form = max(sorted(forms), key=lambda f: forms[f])
                return form.lower() if token.islower() else form
        return None

    def seams(self, token: str) -> str | None:
        """Split an unknown word where it shows its joins (TexasMexico, 20for1), or None.

        A capital inside a word, or letters meeting digits, start a new word; the split
        stands only when every piece is a known word, a function word or a number.
        """
        parts = [p for p in _SEAM.split(token) if p]
        if len(parts) < 2:
            return None
        glue = _ENGLISH | self.terms.stopwords
        for part in parts:
            if not (part.isdigit() or part.lower() in glue or self.word_known(part)):
                return None
        return "-".join(parts)

    def respell(self, token: str) -> str:
        """Return the corpus's spelling of one token (the token itself when it knows it)."""
        if token.isdigit():
            return token
        lower = token.lower()
        if re.search(r"[-‐]", token):
            parts = re.split(r"[-‐]", token)
            joined = "".join(parts)
            if self.word_known(token) is False and self.word_known(joined):
                return joined
            return "-".join(self.respell(p) for p in parts)
        known = self.word_known(token)
        if known is None:
            return token
        split = self.split(token, known) or (None if known else self.seams(token))
        if split:
            return split
        if known:
            # A known spelling still gives way to a much commoner one (colour -> color).
            stems = self.terms(token)
            if len(stems) == 1 and token.isalpha() and len(token) > _SHORT:
                other = self.best(_variants(lower))
                if other and other[1] < self.rarity(stems[0]):
                    return _match_case(token, other[0])
            return token
        if not token.isalpha():
            return token
        spelled = self.best(_variants(lower))
        if spelled:
            return _match_case(token, spelled[0])
        if len(token) <= _SHORT:
            return token
        likely, replaced = _edits(lower)
        typo = self.best(
            (w for w in likely if len(w) > _SHORT), (w for w in replaced if len(w) > _SHORT)
        )
        return _match_case(token, typo[0]) if typo else token


def respell(
    question: str, terms: Tokenizer, rarity: Rarity, passages: Passages | None = None
) -> str:
    """Rewrite each word the corpus does not know (or spells otherwise) in its spelling."""
    speller = _Speller(terms, rarity, passages, context=question)
    return _TOKEN.sub(lambda m: speller.respell(m.group()), question)


def truecase(question: str, passages: Passages) -> str:
    """Capitalise the words of an all-lower-case question as the passages it finds write them.

    Names weigh more than plain words in the composer's support test, and it knows them by
    their capitals: "who leads the nhs" should read "who leads the NHS".
    """
    if any(ch.isupper() for ch in question):
        return question
    # Headlines capitalise every word: only the body says which words are names.
    texts = [passage.partition("\n")[2] for passage in passages(question)]

    def case(match: re.Match[str]) -> str:
        word = match.group()
        cut = min((word.find(mark) for mark in "'’" if mark in word), default=len(word))
        return cased(word[:cut]) + word[cut:]  # "city's": the corpus's "City" + "'s"

    def cased(word: str) -> str:
        if word in _ENGLISH or len(word) < 2:
            return word
        forms: dict[str, int] = {}
        pattern = re.compile(rf"(?<![\w\-‐]){re.escape(word)}(?![\w\-‐])", re.IGNORECASE)
        for text in texts:
            for found in pattern.finditer(text):
                before = text[: found.start()].rstrip()
                if not before or before[-1] in ".!?\"“‘'(:\n":
                    continue  # a sentence's first word is capitalised whatever it is
                forms[found.group()] = forms.get(found.group(), 0) + 1
        if not forms:
            return word
        form = max(sorted(forms), key=lambda f: forms[f])
        return form if forms[form] * 2 > sum(forms.values()) else word

    return _WORDS.sub(case, question)


def corpus_passages(index: WordIndex, k: int = 50) -> Passages:
    """The k chunks the keyword index ranks best for a query, each as title, newline, text."""

    def passages(query: str) -> list[str]:
        return [f"{chunk.title}\n{chunk.text}" for chunk, _ in index.search(query, k)]

    return passages


def read_question(question: str, searcher: Searcher) -> str:
    """Return what a typed question asks, chat taken off, in the corpus's spelling."""
    text = clean(question)
    if not text:
        return ""
    index = searcher.keyword
    passages = functools.lru_cache(maxsize=8)(corpus_passages(index))
    return truecase(respell(text, searcher.terms, index.idf, passages), passages)


# --- other languages ------------------------------------------------------------------------

# Common function words of each language, chosen to be rare as English words.
_PROFILES = {
    "es": "a el la los las de del en y que qué por para con es son fue una un cuál cuáles cuándo "
    "dónde quién quiénes cómo cuántos cuántas cuánto se lo al sobre pero más este esta ha han "
    "hay entre",
    "fr": "a le la les des du de est et une un qui que quel quelle quels quelles où quand comment "
    "pourquoi combien dans pour sur avec au aux été ont il elle ce cette pas sont était ils",
    "de": "der die das und ist wer wie wo wann warum welche welcher welches ein eine einen den "
    "dem des mit von für auf im nicht hat wurde zu sich auch wieviel viele sind",
    "it": "a il lo la gli le che chi di del della è e un una per con quando dove come perché "
    "quanti quante quale sono ha nel nella stato stata cosa",
    "pt": "a o os as que quem de do da dos das em no na é um uma para com quando onde como "
    "porque quantos quantas qual foi são não ao",
    "nl": "de het een en is wie wat waar wanneer waarom hoe welke van voor met op niet zijn "
    "heeft werd hoeveel dat die",
}
_PROFILE_WORDS = {lang: frozenset(words.split()) for lang, words in _PROFILES.items()}
_ACCENTS = {"es": "ñ¿¡áíóú", "fr": "çàâêèëîïôûœ", "de": "äöüß", "it": "àèìòù", "pt": "ãõçâêô"}
_SCRIPTS = {
    "CYRILLIC": "ru",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "ARABIC": "ar",
}
ENGLISH_ONLY = {
    "en": "I can only read questions in English, so I can't answer this one. "
    "Please ask it again in English.",
    "es": "Solo puedo leer preguntas en inglés, así que no puedo responder a esta. "
    "Por favor, hágala de nuevo en inglés.",
    "fr": "Je ne lis que les questions en anglais, je ne peux donc pas répondre à celle-ci. "
    "Merci de la reposer en anglais.",
    "de": "Ich kann nur Fragen auf Englisch lesen und diese daher nicht beantworten. "
    "Bitte stellen Sie sie noch einmal auf Englisch.",
    "it": "Posso leggere solo domande in inglese, quindi non posso rispondere a questa. "
    "Per favore, riformulala in inglese.",
    "pt": "Só consigo ler perguntas em inglês, por isso não posso responder a esta. "
    "Por favor, faça-a novamente em inglês.",
    "nl": "Ik kan alleen vragen in het Engels lezen, dus deze kan ik niet beantwoorden. "
    "Stel hem alstublieft opnieuw in het Engels.",
    "ru": "Я читаю вопросы только на английском, поэтому не могу ответить на этот. "
    "Пожалуйста, задайте его по-английски.",
    "zh": "我只能阅读英文问题，所以无法回答这个问题。请用英文再问一次。",
    "ja": "英語の質問しか読めないため、この質問にはお答えできません。"
    "英語でもう一度質問してください。",
    "ko": "영어로 된 질문만 읽을 수 있어 이 질문에는 답할 수 없습니다. 영어로 다시 질문해 주세요.",
    "ar": "لا أستطيع قراءة الأسئلة إلا باللغة الإنجليزية، لذا لا يمكنني الإجابة عن هذا السؤال. "
    "يُرجى طرحه مرة أخرى باللغة الإنجليزية.",
}


def _script_language(text: str) -> str | None:
    """The language a question's letters name by their script, when most are not Latin."""
    counts: dict[str, int] = {}
    letters = 0
    for ch in text:
        if not ch.isalpha():
            continue
        letters += 1
        name = unicodedata.name(ch, "")
        if name.startswith("LATIN"):
            continue
        script = next((s for s in _SCRIPTS if name.startswith(s)), "other")
        counts[script] = counts.get(script, 0) + 1
    foreign = sum(counts.values())
    if not letters or foreign * 2 <= letters:
        return None
    if counts.get("HIRAGANA") or counts.get("KATAKANA"):
        return "ja"  # Japanese writes kanji (CJK) beside kana
    script = max(counts, key=lambda s: counts[s])
    return _SCRIPTS.get(script, "other")


def language(question: str) -> str:
    """Guess a question's language: "en", a code of ENGLISH_ONLY, or "other"."""
    by_script = _script_language(question)
    if by_script:
        return by_script
    words = [w.lower().replace("’", "'") for w in _WORDS.findall(question)]
    # Capitalised words past the first are mostly names ("Los Angeles", "De Beers").
    plain = [w for i, w in enumerate(_WORDS.findall(question)) if i == 0 or not w[:1].isupper()]
    plain = [w.lower() for w in plain]
    if not words:
        return "en"
    scores, englishes = {}, {}
    for lang, profile in _PROFILE_WORDS.items():
        # Words both languages have ("a", "do", "die") count for neither.
        hits = sum(w in profile and w not in _ENGLISH for w in plain)
        english = sum(w in _ENGLISH and w not in profile for w in plain)
        accents = sum(ch in _ACCENTS.get(lang, "") for ch in question.lower())
        scores[lang] = hits + 0.5 * min(accents, 4)
        englishes[lang] = english
    best = max(scores, key=lambda lang: scores[lang])
    if (
        scores[best] >= 2
        and scores[best] > 2 * englishes[best]
        and scores[best] >= 0.25 * len(plain)
    ):
        return best
    return "en"


def not_english(question: str) -> Answer | None:
    """A refusal, in the question's language where known, for a question not in English."""
    lang = language(question)
    if lang == "en":
        return None
    text = ENGLISH_ONLY.get(lang, ENGLISH_ONLY["en"])
    if lang in ENGLISH_ONLY:
        text = f"{text}\n{ENGLISH_ONLY['en']}"
    return Answer(text=text, citations=[], refused=True)
