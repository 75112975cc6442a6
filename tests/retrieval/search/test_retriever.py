"""NewsRetriever against LangChain's standard retriever suite, and its own fields and calls."""

from __future__ import annotations

import asyncio
import pickle

import pytest
from langchain_core.retrievers import BaseRetriever
from langchain_tests.integration_tests import RetrieversIntegrationTests

from newsbot.core.date_window import DateWindow
from newsbot.retrieval.search.hybrid import HybridSearcher
from newsbot.retrieval.search.retriever import NewsRetriever, to_hit
from tests.support.stores import EXAMPLES, ingest_into, make_settings


@pytest.fixture(scope="module")
def searcher(tmp_path_factory, hashing_embedder) -> HybridSearcher:
    """A real store of the bundled samples, with stand-in vectors (meaning is not tested)."""
    settings = make_settings(tmp_path_factory.mktemp("retriever"))
    store, report = ingest_into(settings, hashing_embedder, EXAMPLES)
    assert report.failed == 0
    return HybridSearcher(store, hashing_embedder)


class TestStandardSuite(RetrieversIntegrationTests):
    """langchain-tests' RetrieversIntegrationTests, as any LangChain retriever runs it."""

    @pytest.fixture(autouse=True)
    def _searcher(self, searcher: HybridSearcher) -> None:
        self.searcher = searcher

    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return NewsRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"searcher": self.searcher}

    @property
    def retriever_query_example(self) -> str:
        return "electric ferries in Harbor City"


def test_k_is_a_field_and_a_call_argument(searcher):
    retriever = NewsRetriever(searcher=searcher, k=2)
    assert len(retriever.invoke("ferries")) == 2
    assert len(retriever.invoke("ferries", k=3)) == 3
    assert retriever.invoke("ferries", k=0) == []


def test_ainvoke_takes_k_and_window(searcher):
    retriever = NewsRetriever(searcher=searcher)
    early = DateWindow()
    found = asyncio.run(retriever.ainvoke("ferries", k=2, window=early))
    assert len(found) == 2
    assert found == retriever.invoke("ferries", k=2, window=early)


def test_the_date_window_is_a_field(searcher):
    from datetime import date

    before_any = NewsRetriever(searcher=searcher, window=DateWindow(as_of=date(2000, 1, 1)))
    assert before_any.invoke("ferries") == []


def test_documents_convert_back_to_hits(searcher):
    document = NewsRetriever(searcher=searcher, k=1).invoke("electric ferries")[0]
    hit = to_hit(document)
    assert hit.chunk.id == document.id and hit.chunk.text == document.page_content


def test_the_class_is_importable_and_picklable_by_name():
    assert pickle.loads(pickle.dumps(NewsRetriever)) is NewsRetriever
