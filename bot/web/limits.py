"""How many requests of one kind this web process serves at once (memory stays bounded: each holds a file)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


class AtOnce:
    """At most `limit` requests of a kind in progress; `taken()` yields False when they all are (the caller
    answers "busy, try again" at once instead of queueing the upload in memory). The event loop is one thread,
    so a plain counter is enough."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_progress = 0

    @contextmanager
    def taken(self) -> Iterator[bool]:
        if self.in_progress >= self.limit:
            yield False
            return
        self.in_progress += 1
        try:
            yield True
        finally:
            self.in_progress -= 1
