"""The outbox worker: sends the emails that could not be sent right after their commit, with retries.

    python -m bot.outbox              # run forever (scripts/start.sh starts it), one pass every 15 s
    python -m bot.outbox --once       # one pass, then exit (cron, tests)
    python -m bot.outbox --failed     # list the emails given up on (also on /staff/outbox)

It also deletes throttle counts older than any throttle window. It never prints an email's body (it may hold
a one-time link).
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from typing import Optional, Sequence

from bot.db import new_session
from bot.services import mailer, throttle

log = logging.getLogger("bot.outbox")


def run_once(limit: int = 50) -> mailer.DeliveryReport:
    """One pass: send what is due, forget old throttle counts."""
    db = new_session()
    try:
        report = mailer.deliver_due(db, limit=limit)
        throttle.prune(db)
        db.commit()
        return report
    finally:
        db.close()


def list_failed(out=None) -> int:  # type: ignore[no-untyped-def]
    out = out or sys.stdout
    db = new_session()
    try:
        rows = mailer.undelivered(db)
    finally:
        db.close()
    if not rows:
        print("No email is waiting or failed.", file=out)
        return 0
    for row in rows:
        print(f"#{row.id} {row.status:7} attempts={row.attempts} created={row.created_at:%Y-%m-%d %H:%M} "
              f"to={row.to_address} subject={row.subject!r} error={row.last_error or '-'}", file=out)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.outbox", description="Send the queued emails, with retries.")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--failed", action="store_true", help="list emails not delivered yet")
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between passes (default 15)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.failed:
        return list_failed()
    if args.once:
        report = run_once()
        print(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
        return 0
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        try:
            report = run_once()
            if report.sent or report.retrying or report.failed:
                log.info("outbox: sent %s, retrying %s, failed %s", report.sent, report.retrying, report.failed)
        except Exception:  # noqa: BLE001 - the database may be restarting: try again next pass
            log.exception("outbox pass failed")
        slept = 0.0
        while slept < args.interval and not stopping:
            time.sleep(0.5)
            slept += 0.5
    return 0


if __name__ == "__main__":
    sys.exit(main())
