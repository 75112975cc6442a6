"""Follow-up questions ("What did they agree on?") read in the light of the earlier turns."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsbot.retrieval.types import Turn

# Words that lean on an earlier turn: "What did they agree on?", "When was that?"
_ANAPHORA = re.compile(
    r"\b(they|them|their|theirs|it|its|that|this|those|these|he|him|his|she|her|there|then|"
    r"the same|the deal|the agreement|the company|the country|the city|the team|the project|"
    r"the plan|the law|the bill|the event)\b",
    re.IGNORECASE,
)
# A short question with none of these is a new topic only if it names something itself.
_SHORT = 6


def leans_on_history(question: str) -> bool:
    """Say whether a question needs an earlier turn to be understood."""
    return len(question.split()) <= _SHORT or bool(_ANAPHORA.search(question))


def condense(question: str, history: Sequence[Turn]) -> str:
    """Prefix a follow-up with the (itself condensed) earlier question it leans on."""
    if not history or not leans_on_history(question):
        return question
    earlier = condense(history[-1].question, history[:-1])
    return f"{earlier} {question}"
