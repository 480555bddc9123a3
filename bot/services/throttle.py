"""Throttles: how often something may happen (emails to one address, sign-ups from one IP, wrong passwords
for one account from one IP...), counted in the database so every web and action server process sees the
same counts.

A bucket is a keyed hash of what is counted, so `throttle_hits` holds no email address or IP in clear.
Callers count what the user *typed* (the email address), never whether an account exists: a throttle must
answer the same for a known and an unknown address, or it tells who has an account.

Never raise anything but `RateLimited`; never count a request twice.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, Optional, Sequence

from sqlalchemy import delete, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.config import get_settings
from bot.errors import RateLimited
from bot.models import ThrottleHit
from bot.timeutil import as_utc, utcnow

KEEP = timedelta(days=2)  # longer than any window below: older hits are deleted


@dataclass(frozen=True)
class Rule:
    """At most `limit` hits in `window` (per bucket)."""

    limit: int
    window: timedelta


def bucket(scope: str, *parts: object) -> str:
    """The stored name of a bucket: HMAC(SECRET_KEY) of the scope and the parts (lower-cased)."""
    key = get_settings().secret_key.encode()
    raw = "\n".join([scope, *(str(p).strip().lower() for p in parts)])
    return hmac.new(key, raw.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def times(db: Session, key: str, window: timedelta) -> list[datetime]:
    """When the hits of the last `window` happened, oldest first."""
    since = utcnow() - window
    rows = db.execute(
        select(ThrottleHit.created_at).where(ThrottleHit.bucket == key, ThrottleHit.created_at > since)
        .order_by(ThrottleHit.created_at)
    ).scalars().all()
    return [as_utc(t) for t in rows]


def wait_seconds(db: Session, key: str, rule: Rule) -> int:
    """Seconds until one more hit is allowed in `key` under `rule` (0: allowed now)."""
    found = times(db, key, rule.window)
    if len(found) < rule.limit:
        return 0
    frees_at = found[-rule.limit] + rule.window
    return max(1, math.ceil((frees_at - utcnow()).total_seconds()))


def check(db: Session, checks: Iterable[tuple[str, Rule]], message: str) -> None:
    """RateLimited(message.format(wait=...)) when any (bucket, rule) is full; `wait` reads "3 minutes"."""
    longest = max((wait_seconds(db, key, rule) for key, rule in checks), default=0)
    if longest:
        raise RateLimited(message.format(wait=describe_wait(longest)))


def describe_wait(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"


def hit(db: Session, *keys: str) -> None:
    """Count one hit in each bucket (in the caller's transaction), and forget that bucket's old hits."""
    now = utcnow()
    for key in dict.fromkeys(k for k in keys if k):
        db.execute(delete(ThrottleHit).where(ThrottleHit.bucket == key, ThrottleHit.created_at < now - KEEP)
                   .execution_options(synchronize_session=False))
        db.add(ThrottleHit(bucket=key, created_at=now))
    db.flush()


def forget(db: Session, *keys: str) -> None:
    """Empty these buckets (e.g. the wrong-password count after a successful login)."""
    for key in keys:
        if key:
            db.execute(delete(ThrottleHit).where(ThrottleHit.bucket == key)
                       .execution_options(synchronize_session=False))


def prune(db: Session) -> int:
    """Delete every hit older than any window (the outbox worker calls it now and then)."""
    result = db.execute(delete(ThrottleHit).where(ThrottleHit.created_at < utcnow() - KEEP)
                        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def _holds_sqlite_write_lock(db: Session) -> bool:
    if db.get_bind().dialect.name != "sqlite":
        return False
    return bool(getattr(db.connection().connection, "in_transaction", False))


def run_apart(db: Session, fn: Callable[[Session], None]) -> None:
    """Run `fn(session)` in a transaction of its own on `db`'s database, committed at once, so what it writes
    stays even when the caller rolls back (a wrong password raises). When the caller's SQLite transaction
    already holds the write lock, `fn` runs in it instead of waiting on itself."""
    if not _holds_sqlite_write_lock(db):
        bind = db.get_bind()
        engine = bind.engine if isinstance(bind, Connection) else bind
        side = Session(bind=engine, future=True, expire_on_commit=False)
        try:
            if side.get_bind().dialect.name == "postgresql":
                side.execute(text("SET LOCAL lock_timeout = '1s'"))
            fn(side)
            side.commit()
            return
        except OperationalError:
            side.rollback()
        finally:
            side.close()
    fn(db)


def hit_now(db: Session, keys: Sequence[str]) -> None:
    """Count the hits in a transaction of their own (see `run_apart`)."""
    run_apart(db, lambda session: hit(session, *keys))


def backoff_wait(db: Session, key: str, *, free: int, window: timedelta, first_delay: int = 30,
                 longest: int = 900) -> int:
    """Captcha-free back-off: after `free` hits in `window`, each further attempt must wait first_delay,
    then twice as long after each new hit, up to `longest` seconds, counted from the newest hit."""
    found = times(db, key, window)
    over = len(found) - free
    if over < 0:
        return 0
    delay = min(longest, first_delay * 2 ** min(over, 20))
    remaining = (found[-1] + timedelta(seconds=delay) - utcnow()).total_seconds()
    return max(0, math.ceil(remaining))


def client_ip_key(scope: str, ip: Optional[str]) -> Optional[str]:
    """The bucket of a client IP for `scope`, or None when the IP is unknown (not counted per IP)."""
    return bucket(scope, ip) if ip else None
