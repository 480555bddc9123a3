"""Run `bot/` services off the event loop: the action server has one worker, so nothing may block it."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, TypeVar

from rasa_sdk.executor import CollectingDispatcher

from bot.db import session_scope
from bot.errors import ServiceError
from bot.services.mailer import MailNotSent

logger = logging.getLogger(__name__)
T = TypeVar("T")

GENERIC_ERROR = "utter_service_error"


class _Unset:
    pass


def _in_session(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    result: Any = _Unset
    try:
        with session_scope() as db:
            result = fn(db, *args, **kwargs)
        return result
    except MailNotSent as exc:
        # The write was committed; only an email failed. Keep the result so the action can go on.
        if result is not _Unset:
            exc.saved_result = result  # type: ignore[attr-defined]
        raise


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `fn(db, *args, **kwargs)` in a thread, inside a fresh transaction (committed on success)."""
    return await asyncio.to_thread(_in_session, fn, args, kwargs)


async def run_plain(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking function without a database session in a thread."""
    return await asyncio.to_thread(fn, *args, **kwargs)


class Failed(Exception):
    """The service call failed and the user has already been told why."""


async def call_or_tell(dispatcher: CollectingDispatcher, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`call(...)`; when the data was saved but an email failed, say so and return the result; on another
    ServiceError say its message, on anything else log it and apologise; then raise Failed."""
    try:
        return await call(fn, *args, **kwargs)
    except MailNotSent as exc:
        dispatcher.utter_message(text=exc.message)
        if hasattr(exc, "saved_result"):
            return exc.saved_result  # type: ignore[no-any-return]
        raise Failed(exc.message) from exc
    except ServiceError as exc:
        dispatcher.utter_message(text=exc.message)
        raise Failed(exc.message) from exc
    except Exception as exc:  # noqa: BLE001 - never show a stack trace to the user
        logger.exception("service call %s failed", getattr(fn, "__qualname__", fn))
        dispatcher.utter_message(response=GENERIC_ERROR)
        raise Failed(str(exc)) from exc
