"""What a topic learns from its first matches does not depend on the order Python keeps a set
in (hash randomization differs in every process): the same store gives the same alerts."""

from __future__ import annotations

from tests.support.hash_seeds import outputs_under_seeds

# Twelve names each said by both first matches: more than a story keeps, so ties decide.
SCRIPT = """
from datetime import date
from newsbot.core.tokenizer import Tokenizer
from newsbot.retrieval.topics import Lead, Story, Topic

names = " ".join(f"Name{c}" for c in "ABCDEFGHIJKL")
leads = [Lead(str(i), "Ferry strike", names, date(2022, 8, 8 + i)) for i in range(2)]
story = Topic("Ferry strike", Tokenizer()).learn(Story(), leads)
print(sorted(story.known_names()))
"""


def test_the_names_a_story_keeps_are_the_same_whatever_the_hash_seed():
    seen = outputs_under_seeds(SCRIPT, seeds=8)
    assert len(seen) == 1, seen
