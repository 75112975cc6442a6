"""The chain the front ends call: (question, history) -> cited Answer, built once at start-up."""

from __future__ import annotations

import atexit
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from newsbot.core.date_window import DateWindow
from newsbot.core.sentences import split_sentences
from newsbot.core.types import Answer, Turn
from newsbot.retrieval.answer.attribution import who_said
from newsbot.retrieval.answer.extractive import Composer, ExtractiveComposer
from newsbot.retrieval.question.counts import asks_how_many, count_missing
from newsbot.retrieval.question.date_windows import resolve_dates, without_dates
from newsbot.retrieval.question.followups import (
    changes_subject,
    condense,
    leans_on_history,
    shown_pieces,
    without_repeats,
)
from newsbot.retrieval.question.language import not_english
from newsbot.retrieval.question.persons import person_meant, with_person
from newsbot.retrieval.question.spelling import read_question
from newsbot.retrieval.search.hybrid import Hit, HybridSearcher
from newsbot.retrieval.search.retriever import NewsRetriever, to_hit
from newsbot.retrieval.settings import RetrievalSettings
from newsbot.store.chroma_store import Store
from newsbot.store.embeddings import Embedder
from newsbot.store.writer import ensure_index

if TYPE_CHECKING:
    from newsbot.retrieval.answer.generative import Event
    from newsbot.store.freshness import Freshness

log = logging.getLogger(__name__)

__all__ = ["Newsbot", "Query", "condense", "plan_query"]


@dataclass(frozen=True)
class Query:
    """A question as the retriever sees it: condensed text and the articles that exist."""

    text: str
    window: DateWindow


def plan_query(question: str, history: Sequence[Turn], today: date) -> Query:
    """Read a question (and the turns it leans on) into retrieval text and a date window."""
    text = condense(question, history)
    window = resolve_dates(question, today)
    if not window.narrowed and text != question:
        window = resolve_dates(text, today)
    # The period is now a filter; as words it would only match articles that say "week". A
    # named period ("in 2023") stays as articles write it, so those that name it rank higher.
    searched = " ".join(filter(None, [without_dates(text), window.named]))
    return Query(searched or question, window)


class Newsbot:
    """Answers questions from the stored news; one instance serves a whole process."""

    def __init__(
        self,
        settings: RetrievalSettings,
        embedder: Embedder | None = None,
        store: Store | None = None,
        today: Callable[[], date] = date.today,
        composer: Composer | None = None,
    ):
        self.settings = settings
        self.embedder = embedder or settings.embedder()
        self.embedder.load_in_background()  # while Chroma opens and LangChain imports
        self.store = store or Store(settings, self.embedder)
        self.searcher = HybridSearcher(self.store, self.embedder)
        # Only a store older than the keyword index lacks one; build it now, behind the lock.
        ensure_index(self.store, self.searcher.keywords)
        self.today = today
        self.extractive = ExtractiveComposer(
            terms=self.searcher.terms,
            split=split_sentences,
            idf=lambda term: self.searcher.last_keyword.idf(term),
        )
        # Composer selection: extractive unless a chat model is configured (NEWSBOT_LLM).
        from newsbot.retrieval.answer.generative import (
            composer_for,  # LangChain models load only if set
        )

        self.composer: Composer = composer or composer_for(settings, self.extractive)
        self.retriever = NewsRetriever(searcher=self.searcher, k=settings.top_k)
        self.freshness: Freshness | None = None
        # Questions answered before the composer ("What happened with X?": a timeline). The
        # rooms that build them sit above this facade, so the front ends plug them in.
        self.storyteller: Callable[[str, date], Answer | None] | None = None

    def retrieve(
        self,
        question: str,
        history: Sequence[Turn] = (),
        as_of: date | None = None,
        k: int | None = None,
        read: bool = True,
    ) -> list[Hit]:
        """Find the passages for a question, as of a day (today unless given).

        `read`: take chat off and respell the question first (respond and stream already did).
        """
        if read:
            question = read_question(question, self.searcher) or question
        query = plan_query(question, history, as_of or self.today())
        log.debug("query %r window %s", query.text, query.window)
        documents = self.retriever.invoke(query.text, window=query.window, k=k)
        return [to_hit(d) for d in documents]

    def _conversation(self, question: str, history: Sequence[Turn]) -> tuple[str, list[Turn]]:
        """The question as the chat means it, and the earlier turns it is read with.

        No turns when it changes the subject, so that neither their words nor their dates
        reach its search; a "he" or "she" becomes the name of the person they mean.
        """
        history = self._since_subject_changed(without_repeats(question, history))
        if changes_subject(question, history, self.searcher.terms, self._article_words):
            return question, []
        return with_person(question, person_meant(question, history, self._story)), history

    def _since_subject_changed(self, history: Sequence[Turn]) -> list[Turn]:
        """The turns from the last one that changed the subject on: those before it were
        about another story, so a follow-up leans on none of their words or dates."""
        for i in range(len(history) - 1, 0, -1):
            earlier = history[:i]
            if changes_subject(
                history[i].question, earlier, self.searcher.terms, self._article_words
            ):
                return list(history[i:])
        return list(history)

    def _from_conversation(
        self, question: str, history: Sequence[Turn], hits: Sequence[Hit]
    ) -> Answer | None:
        """Answer what only the conversation can answer, or None to compose as usual.

        "Who said that?" is answered by who said what the last answer quoted; a "how many"
        follow-up whose count the story discussed does not give is refused rather than
        answered with a number of something else.
        """
        if not history:
            return None
        view = self.searcher.keyword
        said = who_said(question, history, view.article_chunks, split_sentences)
        if said is not None:
            return said
        if asks_how_many(question) and leans_on_history(question, history):
            # The story is what each answer drew on first, not the articles cited beside it.
            cited = list(dict.fromkeys(turn.articles[0] for turn in history if turn.articles))
            sentences = [
                sentence
                for article_id in cited
                for chunk in view.article_chunks(article_id)
                for sentence in [chunk.title, *split_sentences(chunk.text)]
            ]
            # What the last answer quoted belongs to the story too, whichever article it came
            # from ("… repairs will cost about $1.2 million" [2]: "how much were the
            # repairs?"); a count of another act there still does not answer.
            if sentences:
                sentences += shown_pieces(history[-1:])
            if sentences and count_missing(question, sentences, self.searcher.terms):
                return self.extractive.refuse(hits[: self.settings.top_k])
        return None

    def _story(self, article_ids: Sequence[str]) -> str:
        """The text of the articles, headlines included."""
        view = self.searcher.keyword
        return " ".join(
            f"{chunk.title} {chunk.text}"
            for article_id in article_ids
            for chunk in view.article_chunks(article_id)
        )

    def _article_words(self, article_ids: Sequence[str]) -> set[str]:
        return set(self.searcher.terms(self._story(article_ids)))

    def answer(
        self, question: str, history: Sequence[Turn] = (), as_of: date | None = None
    ) -> Answer:
        """Answer a question from the news, citing each sentence; refuse when unsupported."""
        return self.respond(question, history, as_of)[0]

    def respond(
        self,
        question: str,
        history: Sequence[Turn] = (),
        as_of: date | None = None,
        depth: int | None = None,
    ) -> tuple[Answer, list[Hit]]:
        """Answer, and return the ranked hits (depth of them) the answer was drawn from."""
        question = " ".join(question.split())
        foreign = not_english(question)
        if foreign:
            return foreign, []
        question = read_question(question, self.searcher)
        if not question:
            empty = Answer(text="Please ask a question about the news.", citations=[], refused=True)
            return empty, []
        day = as_of or self.today()
        told = self.storyteller(question, day) if self.storyteller else None
        if told is not None:
            return told, []
        question, history = self._conversation(question, history)
        top_k = self.settings.top_k
        hits = self.retrieve(question, history, day, k=max(depth or top_k, top_k), read=False)
        answer = self._from_conversation(question, history, hits) or self.composer.compose(
            question, hits[:top_k], history=history, as_of=day
        )
        return answer, hits

    def warm_up(self) -> None:
        """Load the model and open the keyword index now rather than on the first question."""
        self.embedder.encode_query("warm up")
        _ = self.searcher.keyword

    def start_freshness(self) -> None:
        """Follow other processes' writes from now on (for chat and the bot, not `ask`)."""
        from newsbot.store.freshness import Freshness

        if self.freshness is None:
            self.freshness = Freshness(
                self.store, self.searcher.terms, serving=self.searcher.keywords
            )
            self.freshness.start()
            # A chat that ends by returning from its loop stops it too, mid-catch-up or not.
            atexit.register(self.stop_freshness)

    def stop_freshness(self) -> None:
        if self.freshness is not None:
            self.freshness.stop()
            self.freshness = None

    def stats(self) -> dict[str, Any]:
        """Summarise the store from the keyword index's totals: no pass over the chunks."""
        view = self.searcher.keyword
        totals = view.stats()
        first, last = totals["first_day"], totals["last_day"]
        stories = view.articles
        # A copy's outlet ran the story too; copies are not in the keyword index.
        sources = {*cast("list[str]", totals["sources"]), *self.store.copies.sources()}
        return {
            # Each story is stored once; its other versions are copies.
            "articles": stories + self.store.copies.count(),
            "stories": stories,
            "chunks": totals["chunks"],
            "sources": sorted(sources),
            "first_published": first.isoformat() if isinstance(first, date) else None,
            "last_published": last.isoformat() if isinstance(last, date) else None,
            "store": self.store.location,
        }

    def stream(
        self, question: str, history: Sequence[Turn] = (), as_of: date | None = None
    ) -> Iterator[Event]:
        """Answer as `answer` does, yielding Token events as the model writes, then a Final."""
        from newsbot.retrieval.answer.generative import Final, stream_composed

        question = " ".join(question.split())
        foreign = not_english(question)
        question = "" if foreign else read_question(question, self.searcher)
        if not question:
            yield Final(foreign or self.answer(question))
            return
        day = as_of or self.today()
        told = self.storyteller(question, day) if self.storyteller else None
        if told is not None:
            yield Final(told)
            return
        question, history = self._conversation(question, history)
        hits = self.retrieve(question, history, day, read=False)
        answered = self._from_conversation(question, history, hits)
        if answered is not None:
            yield Final(answered)
            return
        yield from stream_composed(self.composer, question, hits, history, day)
