"""BM25 keyword index of the stored chunks, on disk (tantivy), updated article by article.

A data dir's index is a derived view of its Chroma store: keyword_schema.py lays it out,
keyword_writer.py writes it. Every serving process opens a KeywordIndex and takes one
KeywordView per question, which sees the last commit.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import tantivy

from newsbot.core.tokenizer import Tokenizer
from newsbot.store.keyword_schema import empty_index, is_current
from newsbot.store.keyword_view import KeywordView

log = logging.getLogger(__name__)

__all__ = ["KeywordIndex"]


class KeywordIndex:
    """A serving process's handle on a folder: hands out the view of the last commit."""

    def __init__(self, folder: Path, terms: Tokenizer) -> None:
        """Remember the folder; nothing is opened until the first view()."""
        self.folder = folder
        self.terms = terms
        self._index: tantivy.Index | None = None
        self._stamp: tuple[int, ...] | None = None
        self._view: KeywordView | None = None
        self._lock = threading.Lock()
        # Set while a serving process's freshness thread calls refresh(): then questions get
        # the view it installed, already warmed, and never load a commit themselves.
        self.refreshed_elsewhere = False

    def exists(self) -> bool:
        """Say whether a readable index of this format is there (False: rebuild it)."""
        return is_current(self.folder)

    def _stamps(self) -> tuple[int, ...] | None:
        try:
            # rebuild() swaps in another folder; tantivy replaces meta.json on every commit.
            folder = os.stat(self.folder)
            meta = os.stat(self.folder / "meta.json")
        except FileNotFoundError:
            return None
        return folder.st_ino, meta.st_ino, meta.st_mtime_ns, meta.st_size

    def view(self) -> KeywordView:
        """Return the view of the last commit, reloading only when one happened since.

        With no index (or one of another format) the view is empty: keyword search finds
        nothing until the index is built.
        """
        with self._lock:
            if self._view is None or not self.refreshed_elsewhere:
                loaded = self._load()
                if loaded is not None:
                    self._install(*loaded)
            assert self._view is not None
            return self._view

    def refresh(self) -> bool:
        """Load a commit made since the view in use, warm it like that view, then hand it out."""
        with self._lock:
            loaded, old = self._load(), self._view
        if loaded is None:
            return False
        if old is not None:
            loaded[0].warm_like(old)
        with self._lock:
            self._install(*loaded)
        return True

    def _load(self) -> tuple[KeywordView, tantivy.Index, tuple[int, ...] | None] | None:
        stamp = self._stamps()
        if self._view is not None and (stamp is None or stamp == self._stamp):
            # Unchanged, or mid-swap by rebuild(): the view in hand is still readable.
            return None
        index = self._index
        if index is None or stamp is None or self._stamp is None or stamp[0] != self._stamp[0]:
            index = self._reopen()
        else:
            index.reload()
        return KeywordView(index.searcher(), index.schema, self.terms), index, stamp

    def _install(
        self, view: KeywordView, index: tantivy.Index, stamp: tuple[int, ...] | None
    ) -> None:
        self._view, self._index, self._stamp = view, index, stamp

    def _reopen(self) -> tantivy.Index:
        if not self.exists():
            log.warning("no keyword index at %s: keyword search finds nothing", self.folder)
            return empty_index()
        index = tantivy.Index.open(str(self.folder))
        # Reload on our own check of meta.json, not tantivy's watcher thread: a view must not
        # change under a question, and the check is one stat call.
        index.config_reader(reload_policy="manual")
        return index

    def idf(self, term: str) -> float:
        """Article-level rarity of a stem, on the latest view."""
        return self.view().idf(term)
