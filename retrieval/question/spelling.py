"""A question in the words the corpus uses: its spelling of each word, and its capitals.

People drop hyphens, spell the British way and make typos; each word the corpus does not
know is replaced by the variant it does know (XR17 -> XR-17, Harbour -> Harbor, goverment ->
government), and an all-lower-case question takes the capitals the corpus gives its names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Protocol

from newsbot.core.tokenizer import Tokenizer
from newsbot.core.types import Chunk
from newsbot.retrieval.question.chat import FUNCTION_WORDS, WORDS, clean
from newsbot.retrieval.question.news_asks import STORY_WORDS

__all__ = ["corpus_passages", "read_question", "respell", "truecase"]

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
        glue = FUNCTION_WORDS | self.terms.stopwords

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
        glue = FUNCTION_WORDS | self.terms.stopwords
        for part in parts:
            if not (part.isdigit() or part.lower() in glue or self.word_known(part)):
                return None
        return "-".join(parts)

    def respell(self, token: str) -> str:
        """Return the corpus's spelling of one token (the token itself when it knows it)."""
        if token.isdigit():
            return token
        lower = token.lower()
        if lower in STORY_WORDS:  # "story", "article": how people ask about news, not typos
            return token
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
    # Its first letter may be capitalised already: the chat cleaner capitalises it.
    if any(ch.isupper() for ch in question[1:]):
        return question
    # Headlines capitalise every word: only the body says which words are names.
    texts = [passage.partition("\n")[2] for passage in passages(question)]
    asked = {re.split("['’]", w)[0].lower() for w in WORDS.findall(question)}

    def case(match: re.Match[str]) -> str:
        word = match.group()
        cut = min((word.find(mark) for mark in "'’" if mark in word), default=len(word))
        return cased(word[:cut]) + word[cut:]  # "city's": the corpus's "City" + "'s"

    def cased(word: str) -> str:
        if word in FUNCTION_WORDS or len(word) < 2:
            return word
        forms: dict[str, int] = {}
        pattern = re.compile(rf"(?<![\w\-‐]){re.escape(word)}(?![\w\-‐])", re.IGNORECASE)
        for text in texts:
            seen: dict[str, int] = {}
            for found in pattern.finditer(text):
                before = text[: found.start()].rstrip()
                if not before or before[-1] in ".!?\"“‘'(:\n•*|–—-":
                    continue  # a sentence's (or a list item's) first word is capitalised
                if found.group()[:1].isupper() and part_of_other_name(text, found, asked):
                    continue  # "Caldwell Falls" says nothing of "if the deal falls apart"
                seen[found.group()] = seen.get(found.group(), 0) + 1
            if seen:  # each passage votes once, so that one list of "Total population: …"
                vote = max(sorted(seen), key=lambda f: seen[f])  # does not outvote the rest
                forms[vote] = forms.get(vote, 0) + 1
        if not forms:  # only ever opening a sentence ("Head coach Renata Salgado"): unknown
            return word
        form = max(sorted(forms), key=lambda f: forms[f])
        return form if forms[form] * 2 > sum(forms.values()) else word

    cased_question = WORDS.sub(case, question)
    if question[:1].isupper():  # "How", capitalised by the cleaner, stays as it was
        cased_question = cased_question[:1].upper() + cased_question[1:]
    return cased_question


def part_of_other_name(text: str, found: re.Match[str], asked: set[str]) -> bool:
    """Say whether a capitalised word stands in a longer name the question names no other word of.

    Only the words right beside it, with nothing but a space between, make a name with it.
    """
    before = re.search(r"([\w'’-]+) +$", text[max(0, found.start() - 40) : found.start()])
    after = re.match(r" +([\w'’-]+)", text[found.end() : found.end() + 40])
    beside = [m[1] for m in (before, after) if m and m[1][:1].isupper()]
    return bool(beside) and not any(w.lower() in asked for w in beside)


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
