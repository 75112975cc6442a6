"""The hybrid searcher as a LangChain retriever: Documents out, our own Hits back."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from newsbot.core.date_window import DateWindow
from newsbot.retrieval.search.hybrid import Hit, HybridSearcher
from newsbot.store.chroma_rows import to_chunk

__all__ = ["NewsRetriever", "to_document", "to_hit"]


class NewsRetriever(BaseRetriever):
    """Hybrid dense + keyword retriever over the news store: one Document per article.

    `k` and `window` are fields, and either may be given per call (`invoke(q, k=2)`).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = 5
    window: DateWindow = DateWindow()

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        window: DateWindow | None = None,
    ) -> list[Document]:
        found = self.k if k is None else k
        if found <= 0:
            return []
        hits = self.searcher.search(query, window or self.window, k=found)
        return [to_document(hit) for hit in hits]

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        k: int | None = None,
        window: DateWindow | None = None,
    ) -> list[Document]:
        from langchain_core.runnables.config import run_in_executor

        # The search is CPU-bound (numpy, tantivy) and thread-safe: run it off the event loop.
        return await run_in_executor(
            None,
            self._get_relevant_documents,
            query,
            run_manager=run_manager.get_sync(),
            k=k,
            window=window,
        )


def to_document(hit: Hit) -> Document:
    """Carry a Hit in a LangChain Document (its scores and extra chunks in the metadata)."""
    return Document(
        id=hit.chunk.id,
        page_content=hit.chunk.text,
        metadata={
            **hit.chunk.metadata,
            "_score": hit.score,
            "_dense": hit.dense,
            "_keyword": hit.keyword,
            "_extra": [(c.id, c.text, c.metadata) for c in hit.extra],
        },
    )


def to_hit(document: Document) -> Hit:
    """Convert a retrieved LangChain Document back into our own Hit."""
    meta: dict[str, Any] = dict(document.metadata)
    extra = tuple(to_chunk(cid, text, m) for cid, text, m in meta.pop("_extra", []))
    score = float(meta.pop("_score", 0.0))
    dense = float(meta.pop("_dense", 0.0))
    keyword = float(meta.pop("_keyword", 0.0))
    return Hit(
        chunk=to_chunk(str(document.id), document.page_content, meta),
        score=score,
        dense=dense,
        keyword=keyword,
        extra=extra,
    )
