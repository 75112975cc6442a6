"""Serve questions from a data dir this process cannot write (a replica's mounted snapshot).

Chroma writes to its SQLite file whenever it opens one, and tantivy takes a lock file beside
the index it reads, so neither opens a read-only folder. A reader gets a mirror of the data
dir in the user's cache instead: a copy of Chroma's SQLite file (made again only when the
snapshot's changes) beside links to the vector segments and the keyword index's files, which
are only read. Nothing is ever written under the data dir itself.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import time
from pathlib import Path

from newsbot.core.errors import StoreError
from newsbot.store.keyword_schema import FOLDER

log = logging.getLogger(__name__)

SQLITE = "chroma.sqlite3"
STAMP = "source.stamp"


def writable(data_dir: Path) -> bool:
    """Whether this process may create files in the data dir (false on a read-only mount)."""
    return os.access(data_dir, os.W_OK | os.X_OK)


def mirrors_root() -> Path:
    """Where read-only data dirs are mirrored (XDG_CACHE_HOME/newsbot/read-only)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsbot" / "read-only"


def mirror_of(data_dir: Path) -> Path:
    """The mirror folder of one data dir: one per path, reused by every process reading it."""
    key = hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return mirrors_root() / key


def mirror(data_dir: Path, chroma_dir: Path) -> Path:
    """Bring the data dir's mirror up to the snapshot and return it, to open as a data dir."""
    if not (chroma_dir / SQLITE).is_file():
        raise StoreError(f"no article store at {data_dir}; run `newsbot ingest` first")
    target = mirror_of(data_dir)
    try:
        target.mkdir(parents=True, exist_ok=True)
        with (target / "mirror.lock").open("a") as lock:
            # Processes starting together would each copy the SQLite file: one at a time.
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                _mirror_chroma(chroma_dir, target / chroma_dir.name)
                _link_files(data_dir / FOLDER, target / FOLDER)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    except OSError as error:
        raise StoreError(
            f"the data dir {data_dir} is read-only and its mirror in {target} cannot be made "
            f"({error}); set XDG_CACHE_HOME to a folder this user can write"
        ) from error
    return target


def _mirror_chroma(source: Path, target: Path) -> None:
    """Copy Chroma's SQLite file when the snapshot's differs; link its segment folders."""
    target.mkdir(exist_ok=True)
    stat = (source / SQLITE).stat()
    stamp = f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"
    stamp_file = target / STAMP
    if not (target / SQLITE).exists() or _read(stamp_file) != stamp:
        started = time.monotonic()
        partial = target / (SQLITE + ".partial")
        shutil.copyfile(source / SQLITE, partial)
        os.replace(partial, target / SQLITE)
        stamp_file.write_text(stamp, encoding="utf-8")
        log.info(
            "read-only store: copied %s to %s in %.2fs",
            source / SQLITE,
            target,
            time.monotonic() - started,
        )
    segments = {p.name for p in source.iterdir() if p.is_dir()}
    _sync_links(source, target, segments)


def _link_files(source: Path, target: Path) -> None:
    """Link every file of a folder from the mirror (tantivy's lock files stay in the mirror)."""
    if not source.is_dir():
        return
    target.mkdir(exist_ok=True)
    # Lock files are tantivy's to take, in the mirror: a link would point it at the snapshot.
    names = {p.name for p in source.iterdir() if p.is_file() and not p.name.endswith(".lock")}
    _sync_links(source, target, names)


def _sync_links(source: Path, target: Path, names: set[str]) -> None:
    for entry in target.iterdir():
        if entry.is_symlink() and entry.name not in names:
            entry.unlink()
    for name in names:
        link = target / name
        if not link.is_symlink():
            if link.exists():
                shutil.rmtree(link) if link.is_dir() else link.unlink()
            link.symlink_to(source / name)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
