"""How the keyword index lies on disk: its folder, its schema and the chunks it stores.

Terms are the stems of newsbot's Tokenizer joined by spaces, split again by tantivy's
whitespace tokenizer, so the index and the composer agree on words. The first chunk of each
article also carries the article's distinct terms (article frequencies for the composer's
idf), its source and day (stats). A single state document holds the cursor: how far into the
change feed the committed index is, committed atomically with the chunks.
"""

from __future__ import annotations

import json
from pathlib import Path

import tantivy

from newsbot.core.calendar import UNKNOWN_DAY
from newsbot.core.types import Chunk

__all__ = [
    "FOLDER",
    "day_of",
    "decode",
    "empty_index",
    "encode",
    "is_current",
    "open_index",
    "schema",
]

FOLDER = "keyword"
FORMAT = 5  # of the schema below and its terms; a folder of another format must be rebuilt
FORMAT_FILE = "newsbot.format"


def schema() -> tantivy.Schema:
    """Describe a chunk document (and the one state document)."""
    builder = tantivy.SchemaBuilder()
    # Ids are indexed whole, for lookups and deletes; chunk ids are also a column, so the ids
    # of a date window are read without decoding stored chunks.
    builder.add_text_field("chunk_id", fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("article_id", tokenizer_name="raw", index_option="basic")
    # BM25 needs term frequencies but no positions: no phrase is ever asked for.
    builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
    # Only on an article's first chunk ("head"): its distinct terms and its source.
    builder.add_text_field("article_terms", tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field("source", fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("head", indexed=True)
    builder.add_integer_field("published_day", indexed=True, fast=True)
    builder.add_bytes_field("chunk", stored=True)
    builder.add_integer_field("state", indexed=True)
    builder.add_integer_field("cursor", stored=True)
    return builder.build()


def encode(chunk: Chunk) -> bytes:
    """Store a chunk whole, as one JSON row."""
    row = [chunk.id, chunk.article_id, chunk.text, chunk.position, chunk.metadata]
    return json.dumps(row, ensure_ascii=False).encode("utf-8")


def decode(blob: bytes) -> Chunk:
    """Read back a chunk that encode() stored."""
    cid, aid, text, position, metadata = json.loads(blob)
    return Chunk(cid, aid, text, position, metadata)


def day_of(chunk: Chunk) -> int:
    """The chunk's publication day number (UNKNOWN_DAY when undated)."""
    return int(chunk.metadata.get("published_day", UNKNOWN_DAY))


def is_current(folder: Path) -> bool:
    """Whether the folder holds an index of this format."""
    marker = folder / FORMAT_FILE
    try:
        written = marker.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return written == str(FORMAT) and tantivy.Index.exists(str(folder))


def open_index(folder: Path) -> tantivy.Index:
    """Open the index in the folder, creating it when absent (ValueError: another format)."""
    if is_current(folder):
        return tantivy.Index.open(str(folder))
    if folder.is_dir() and tantivy.Index.exists(str(folder)):
        raise ValueError(f"the keyword index at {folder} has another format; rebuild it")
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema(), path=str(folder))
    (folder / FORMAT_FILE).write_text(str(FORMAT), encoding="utf-8")
    return index


def empty_index() -> tantivy.Index:
    """An empty index in memory, searched while a data dir's index is not built."""
    index = tantivy.Index(schema())  # in memory
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index
