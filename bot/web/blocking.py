"""Run blocking service calls off the event loop, each in its own database transaction."""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.db import session_scope
from bot.errors import ServiceError
from bot.services.mailer import MailNotSent

T = TypeVar("T")
_MISSING: Any = object()


class SavedButMailFailed(ServiceError):
    """The transaction committed, but an email it queued could not be sent. `result` is what `fn` returned."""

    def __init__(self, message: str, result: Any) -> None:
        super().__init__(message)
        self.result = result


def _in_scope(fn: Callable[[Session], T]) -> T:
    result = _MISSING
    try:
        with session_scope() as db:
            result = fn(db)
        return result
    except MailNotSent as exc:
        if result is _MISSING:
            raise
        raise SavedButMailFailed(exc.message, result) from exc


async def in_db(fn: Callable[[Session], T]) -> T:
    """`fn(db)` in a worker thread inside `session_scope()` (commit on success, rollback on error).

    `fn` must return plain values (objects are detached once the session closes). When the commit succeeded
    but a queued email could not be sent, raises SavedButMailFailed (the data is saved).
    """
    return await run_in_threadpool(_in_scope, fn)
