"""How the extractive composer is tuned: what it reads, how it weighs, when it refuses."""

from __future__ import annotations

from dataclasses import dataclass

# Longest answer body (markers aside) the evaluation accepts; the composer stays below it.
MAX_BODY_WORDS = 75


@dataclass(frozen=True)
class ComposeParams:
    """The extractive composer's tuned weights, limits and refusal thresholds."""

    hits_read: int = 3
    """Top articles whose sentences may answer, and whose words count as support."""
    max_sentences: int = 4
    """Most sentences an answer quotes."""
    max_words: int = MAX_BODY_WORDS - 5
    """Most words the quoted sentences take together."""
    sentence_words: int = 30
    """Longest a quoted sentence may be; a longer one is cut around the question's words."""
    min_words: int = 4
    """Fewest words a sentence (or what is left of it once cut) needs to be quoted."""
    overlap_weight: float = 0.2
    """Weight of the share of question words a sentence or its headline holds."""
    rank_weight: float = 0.15
    """Gain of a sentence from its article's rank r, divided by 1 + r."""
    dense_weight: float = 0.1
    """Weight of its article's dense similarity to the question."""
    kind_bonus: float = 0.3
    """Gain, relative to its word match, of a sentence holding the kind of thing asked for."""
    # A headline names what its article is about, which a "which/who/what" question asks for
    # more often than any body sentence; given to every headline, the bonus pushed numbers out
    # of "how much" answers.
    headline_bonus: float = 0.4
    """Gain of a headline that holds the kind asked for (or any, when no kind), over 1 + r."""
    restated: float = 0.15
    """Share of new words below which a sentence restates the question rather than answers."""
    keep_worth: int = 2
    """Question words a cut sentence's window is worth more when it keeps a word of the kind."""
    keep_ratio: float = 0.5
    """Share of the best sentence's score (headline bonus aside) the next ones need."""
    min_dense: float = 0.30
    """Refuse when no article's dense similarity to the question reaches this."""
    min_overlap: float = 0.34
    """Refuse when no sentence (with its headline) holds this share of the question's words."""
    min_support: float = 0.60
    """Refuse when no top article holds this share of the question's rarity (IDF)."""
    plain_word_weight: float = 0.5
    """Weight in that share of a word that is neither a name nor a number (those weigh 1)."""
    closest: int = 3
    """Articles a refusal lists as the closest it has."""
    topic_weight: float = 0.15
    """Weight of a follow-up's topic words (from the turns it leans on) beside its own words."""
    exact_kind_bonus: float = 0.6
    """Gain of a sentence holding a narrow kind asked for: an age, a phone, a role's name."""
    concerned_share: float = 0.6
    """Share of the best article's question rarity an article needs for its sentences to count."""
    shown_words: int = 12
    """Longest cut of an already shown sentence a follow-up may quote again (0: never)."""
