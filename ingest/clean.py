"""Normalise article text and drop the boilerplate that scraped pages and blogs carry."""

from __future__ import annotations

import re
import unicodedata

from newsbot.core.calendar import MONTH_WORDS
from newsbot.core.sentences import is_ended, split_sentences

# Lines that are page furniture, not news: blog footers, cookie banners, ad and share widgets.
BOILERPLATE_LINE = re.compile(
    r"^\s*(?:related posts?|leave a reply|leave a comment|your email address will not be "
    r"published.*|required fields are marked.*|share this:?|like this:?|share on (?:facebook|"
    r"twitter|x|linkedin|whatsapp|email)|how relevant is this ad to you\??|advertisement|"
    r"skip advertisement|supported by|sign up for (?:our|the) .*newsletter.*|subscribe(?: now)?|"
    r"(?:we|this (?:site|website)) uses? cookies.*|accept (?:all )?cookies|cookie (?:policy|"
    r"settings)|read more:?|click here.*|copyright ©.*|© \d{4}.*|all rights reserved\.?|"
    r"post navigation|previous post|next post|comments?|\d+ comments?)\s*$",
    re.IGNORECASE,
)


# Cheap test first: only paragraphs with one of these words are split into sentences. Plain
# substring tests on the lower-cased paragraph, because one case-blind regex made this test the
# bulk of an unchanged re-ingest.
_JUNK_HINTS = (
    "sign up", "sign me up", "newsletter", "subscri", "inbox", "follow", "read more",
    "click here", "cookie", "relevant is this ad", "share this", "share on", "share via",
    "leave a reply", "leave a comment", "journalism", "join us on", "you have shared",
    "your data",
)  # fmt: skip
_JUNK_HINT_START = re.compile(r"(?:contact|reach|call|email)\b")
# A sentence that is a call to action of the page, not news. Each needs two signals where one
# alone also occurs in news ("sign up" + "newsletter", never "sign up" alone).
_JUNK_SENTENCE = [
    re.compile(rx, re.IGNORECASE)
    for rx in (
        r"\bsign (?:me )?up\b.*\b(?:newsletters?|inbox|here|alerts|text messages|updates|"
        r"briefing|email)\b",
        r"\b(?:newsletters?|briefing)\b.*\b(?:sign up|subscribe|inbox|delivered)\b",
        r"\b(?:subscribe|sign up)\b.*\bnewsletters?\b",
        r"\bnewsletters?\b.*\b(?:free (?:daily|weekly)|daily digest|three times a week)\b",
        r"\b(?:version of this (?:story|article)|this (?:story|article) is part of)\b.*"
        r"\bnewsletter\b",
        r"\b(?:would you like to receive|get our free)\b.*\bnewsletter\b",
        r"\b(?:to|in) your (?:inbox|phone)\b",
        r"^(?=.{0,120}$).*\bsubscribe (?:to (?:the |our )?[\w.]+(?: [\w.]+){0,3} )?"
        r"(?:today|now|here)\b",
        r"\b(?:become a (?:digital )?subscriber|subscriber-only|subscribe to our print)\b",
        r"^(?:not a|already a) (?:subscriber|member)\?$",  # a paywall's prompt, alone
        r"\bsupport(?:ing)? (?:local |strong local |our |quality |journalism like this)*"
        r"journalism\b",
        r"^follow\b.{0,80}\bon (?:twitter|instagram|facebook|x)\b",
        r"\bfollow (?:him|her|them|us|me|along)\b.{0,40}\b(?:twitter|instagram|facebook)\b",
        r"\bjoin (?:us|our)\b.{0,60}\b(?:twitter|facebook|instagram|telegram)\b",
        r"^(?:contact|reach|call|e-?mail)\b.{0,80}(?:@\w|\(\d{3}\)|\d{3}-\d{3}-\d{4})",
        r"\bhow relevant is this ad\b",
        r"\b(?:we|this (?:site|website)) uses? cookies\b|\baccept (?:all )?cookies\b|"
        r"\bcookie (?:policy|settings|preferences)\b",
        r"^share (?:this|on|via)\b|\bclick to share\b",
        r"\bleave a (?:reply|comment)\b",
        r"\b(?:details|information) you have shared\b|\buse of your data\b|"
        r"\byou agree to the processing\b",
    )
]
# Short link prompts: "Read more", "Read more here.", "READ MORE: <headline>", "(Click here)".
_LINK_PROMPT = re.compile(r"^\W*(?:read more|more:|click here)\b|\bclick here\b", re.I)


def is_junk_sentence(sentence: str) -> bool:
    """Say whether a sentence is page furniture: a newsletter, share or follow prompt, an ad."""
    if len(sentence) < 200 and _LINK_PROMPT.search(sentence):
        return True
    return any(rx.search(sentence) for rx in _JUNK_SENTENCE)


def drop_junk_sentences(paragraph: str) -> str:
    """Remove furniture sentences from a paragraph; keep the news around them."""
    lowered = paragraph.lower()
    if not (any(h in lowered for h in _JUNK_HINTS) or _JUNK_HINT_START.match(lowered)):
        return paragraph
    kept = " ".join(s for s in split_sentences(paragraph) if not is_junk_sentence(s))
    # What is left of a list marker or a label ("1.", "SPORTS:") is not news either.
    return kept if re.search(r"[^\W\d_]{2,}.*[^\W\d_]{2,}", kept) else ""


def normalise(text: str, drop_junk: bool = True) -> str:
    """Fold Unicode, unify line ends and spaces, keep paragraphs apart by one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line and not (drop_junk and is_boilerplate(line))]
        paragraph = " ".join(lines)
        if paragraph and drop_junk:
            paragraph = drop_junk_sentences(paragraph)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def is_boilerplate(line: str) -> bool:
    return bool(BOILERPLATE_LINE.match(line))


# Credit lines a body may open with, each its own short paragraph: "Damian J. Troise",
# "Associated Press", "Special to USA TODAY", "robert.king@indystar.com",
# "Pramod Thakur/Hindustan Times/Getty Images". Joined to the first sentence they would be
# quoted with it ("Damian J. Troise Associated Press NEW YORK — Stocks rallied ...").
CREDIT_MOST_WORDS = 10
CREDIT_MOST_LINES = 4
# Lower-case words a credit line holds besides names; any other makes the line a sentence or
# a subheading ("Why restaurants closed"), which is kept.
_CREDIT_WORDS = {
    "and", "of", "the", "to", "for", "at", "in", "by", "de", "la", "da", "van", "von", "der",
    "staff", "writer", "writers", "reporter", "correspondent", "columnist", "editor",
    "editors", "contributor", "contributors", "special", "opinion", "photographer", "wire",
    "reports", "&",
}  # fmt: skip
_CREDIT_TOKEN = re.compile(r"^(?:[A-Z0-9][\w.'’-]*|[\w.+-]+@[\w-]+\.[\w.]+)$")
_LIST_ITEM_OR_DAY = re.compile(rf"^\s*\d+[.)]\s|\b(?:{MONTH_WORDS})\b\.?\s+\d", re.IGNORECASE)
_SUFFIX_END = re.compile(r"\b(?:Jr|Sr|Inc|Co|Ltd|[A-Z])\.$")


def is_credit_line(paragraph: str) -> bool:
    """Say whether a short paragraph is a byline, an outlet, an email or a photo credit."""
    words = paragraph.replace("/", " / ").replace(",", " ").split()
    if not words or len(paragraph.split()) > CREDIT_MOST_WORDS:
        return False
    if is_ended(paragraph) and not _SUFFIX_END.search(paragraph):
        return False  # a sentence, or a dateline ("Washington CNN —")
    if _LIST_ITEM_OR_DAY.search(paragraph):
        return False  # a list's first item ("1. Jerry Jones") or a day ("July 8"): content
    return all(w == "/" or w.lower() in _CREDIT_WORDS or _CREDIT_TOKEN.match(w) for w in words)


def without_credit_lines(body: str) -> str:
    """The body without the credit lines it opens with (all kept if nothing else is there)."""
    paragraphs = body.split("\n\n")
    drop = 0
    while drop < min(CREDIT_MOST_LINES, len(paragraphs)) and is_credit_line(paragraphs[drop]):
        drop += 1
    return body if drop == len(paragraphs) else "\n\n".join(paragraphs[drop:])
