"""Keep the keyword index on disk beside the embedded store, so a new process loads it.

Building it means reading every chunk back from Chroma and tokenizing it, which takes many
times longer than loading a saved copy. A saved index
is named after the store's state (its change token and chunk count), so any write through
a Store makes it stale, and a stale one is never read. A server store is not cached: other
machines may write to it.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from newsbot.retrieval.keyword import KeywordIndex
from newsbot.retrieval.store import Store
from newsbot.retrieval.terms import Tokenizer

log = logging.getLogger(__name__)

FOLDER = "keyword-index"


def store_state(store: Store) -> str:
    """Name the store's current contents: change token and chunk count."""
    return f"{store.generation()}-{store.count()}"


def cache_root(store: Store) -> Path | None:
    return None if store.generation_file is None else store.settings.data_dir / FOLDER


def load_or_build(store: Store, terms: Tokenizer) -> tuple[KeywordIndex, str]:
    """Return the keyword index of the store as it is now, and the state it belongs to."""
    state = store_state(store)
    root = cache_root(store)
    if root is not None and (root / state).is_dir():
        try:
            return KeywordIndex.load(root / state, terms), state
        except Exception as error:  # a damaged or older copy is rebuilt, never fatal
            log.warning("rebuilding the keyword index: %s is unreadable (%s)", root / state, error)
            shutil.rmtree(root / state, ignore_errors=True)
    index = KeywordIndex(store.iter_chunks(), terms)
    if root is not None and store_state(store) == state:  # nothing wrote while we read
        save(index, root, state)
    return index, state


def save(index: KeywordIndex, root: Path, state: str) -> None:
    """Save under the state's name (atomically), then drop copies of earlier states."""
    tmp = root / f".{state}.{os.getpid()}.tmp"
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        index.save(tmp)
        os.replace(tmp, root / state)
    except OSError as error:  # another process saved it first, or the disk is full
        log.info("keyword index not saved (%s)", error)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    for old in root.iterdir():
        if old.name != state and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
