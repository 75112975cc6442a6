"""What one ingest run did, article by article."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IngestReport:
    """What one ingest run did, article by article."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    pruned: int = 0
    copies: int = 0  # new articles that joined a story already stored
    chunks_embedded: int = 0
    seconds: float = 0.0
    files: int = 0  # files and URLs read so far (for progress bars)
    feeds_unchanged: int = 0  # feeds that answered 304: not read again
    embedding: tuple[int, int] = (0, 0)  # chunks of the batch being embedded: done, total
    failures: list[str] = field(default_factory=list)
    skips: list[str] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.added + self.copies + self.updated + self.unchanged + self.skipped + self.failed

    def summary(self, pruned: bool = False) -> str:
        """Return the counts as one line, with the pruned count when the run pruned."""
        copies = f", copies {self.copies}" if self.copies else ""
        text = (
            f"added {self.added}{copies}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {self.skipped}, failed {self.failed}"
        )
        feeds = f", feeds unchanged {self.feeds_unchanged}" if self.feeds_unchanged else ""
        return text + (f", pruned {self.pruned}" if pruned else "") + feeds

    def to_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "copies": self.copies,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "pruned": self.pruned,
            "chunks_embedded": self.chunks_embedded,
            "feeds_unchanged": self.feeds_unchanged,
            "seconds": round(self.seconds, 3),
            "failures": self.failures,
            "skips": self.skips,
        }
