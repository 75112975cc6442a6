"""Which articles exist for a question: a window of publication days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from newsbot.core.calendar import UNKNOWN_DAY, day_number


@dataclass(frozen=True)
class DateWindow:
    """Which articles exist for a question: published on or before as_of, within [start, end]."""

    as_of: date | None = None
    start: date | None = None
    end: date | None = None
    phrase: str = ""  # the words of the question the window came from, for logs and tests
    named: str = ""
    """Words naming the period as articles write it ("2023", "May"), for the keyword search."""
    period_end: date | None = None
    """The last day of a named period ("in 2023": 2023-12-31); the window itself runs on."""

    @property
    def narrowed(self) -> bool:
        """Say whether the question itself narrowed the window beyond as_of."""
        return bool(self.start or self.end)

    def widened(self) -> DateWindow:
        """Drop the question's own narrowing, keeping only as_of."""
        return DateWindow(as_of=self.as_of)

    @property
    def latest(self) -> date | None:
        return min((d for d in (self.as_of, self.end) if d), default=None)

    def chroma_where(self) -> dict[str, Any] | None:
        conditions: list[dict[str, Any]] = []
        if self.latest:
            conditions.append({"published_day": {"$lte": day_number(self.latest)}})
        if self.start:
            conditions.append({"published_day": {"$gte": day_number(self.start)}})
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}

    def mask(self, days: np.ndarray) -> np.ndarray | None:
        if not (self.as_of or self.start or self.end):
            return None
        keep = np.ones(days.shape, dtype=bool)
        if self.latest:
            keep &= days <= day_number(self.latest)
        if self.start:
            keep &= (days >= day_number(self.start)) & (days != UNKNOWN_DAY)
        return keep
