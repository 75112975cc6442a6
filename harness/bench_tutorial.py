"""The pipeline of LangChain's RAG tutorial, as the baseline the benchmark compares against."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from newsbot.store.embeddings import bundled_model_path

TUTORIAL_CHUNK_SIZE = 1000
TUTORIAL_CHUNK_OVERLAP = 200


def load_embeddings(model: str = "") -> Any:
    """Load HuggingFaceEmbeddings on the same model our pipeline uses (outside any timing)."""
    from langchain_huggingface import HuggingFaceEmbeddings

    embeddings = HuggingFaceEmbeddings(model_name=model or bundled_model_path())
    embeddings.embed_query("warm up")
    return embeddings


def load_documents(corpus: Path) -> list[Any]:
    """Read the benchmark's JSONL corpus into LangChain Documents, one per article."""
    from langchain_core.documents import Document

    documents = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            documents.append(
                Document(
                    page_content=record["text"],
                    metadata={"url": record["url"], "title": record["title"]},
                )
            )
    return documents


def ingest(corpus: Path, persist_dir: Path, embeddings: Any) -> tuple[Any, dict[str, float]]:
    """Split, embed and store the corpus as the tutorial does; return the store and timings."""
    import chromadb
    from chromadb.config import Settings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    started = time.perf_counter()
    documents = load_documents(corpus)
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=TUTORIAL_CHUNK_SIZE, chunk_overlap=TUTORIAL_CHUNK_OVERLAP
    )
    splits = splitter.split_documents(documents)
    client = chromadb.PersistentClient(
        path=str(persist_dir), settings=Settings(anonymized_telemetry=False)
    )
    store = Chroma.from_documents(
        documents=splits, embedding=embeddings, client=client, collection_name="tutorial"
    )
    seconds = time.perf_counter() - started
    return store, {"seconds": seconds, "articles": len(documents), "chunks": len(splits)}


def top_urls(store: Any, question: str, k: int = 5) -> list[str]:
    """Return the urls of the k best distinct articles for a question (similarity search)."""
    urls: list[str] = []
    for document in store.similarity_search(question, k=k * 4):
        url = document.metadata.get("url", "")
        if url not in urls:
            urls.append(url)
    return urls[:k]
