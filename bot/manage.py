"""Administration commands.

    python -m bot.manage migrate
    python -m bot.manage create-inspector --email E --name N [--cupa "county:fresno" | "Fresno"]
    python -m bot.manage assign-cupas
    python -m bot.manage disable-user --email E [--reason R]
    python -m bot.manage facilities-count
"""
from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.actor import Actor
from bot.errors import ServiceError
from bot.models import Facility, User

_NOT_READY = "The database is not ready ({}). Create or upgrade it first:  python -m bot.manage migrate"


def _database_label() -> str:
    from sqlalchemy.engine import make_url

    from bot.config import get_settings

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


def cmd_migrate(_args: argparse.Namespace) -> int:
    from bot.db import migrate

    migrate()
    print(f"Database {_database_label()} is at the newest schema.")
    return 0


def create_inspector(db, email: str, full_name: str,  # type: ignore[no-untyped-def]
                     cupa: Optional[str] = None) -> tuple[User, str, bool]:
    """Create (or promote) an active inspector, of the CUPA named by `cupa` (key, name or county) when given;
    return it, a one-time set-password link, and whether it is new."""
    from bot import audit, link_tokens, validation
    from bot.config import get_settings
    from bot.review.cupas import find_cupa
    from bot.timeutil import utcnow

    email = validation.normalize_email(email)
    full_name = validation.normalize_full_name(full_name)
    cupa_row = find_cupa(db, cupa) if cupa else None
    user = db.execute(select(User).where(User.email == email)).scalar_one_or_none()
    created = user is None
    if user is None:
        user = User(email=email, full_name=full_name, status="active", is_inspector=True, is_staff=False,
                    failed_logins=0, created_at=utcnow(), activated_at=utcnow())
        db.add(user)
    else:
        user.is_inspector = True
        if user.status == "pending":
            user.status, user.activated_at = "active", utcnow()
    if cupa_row is not None:
        user.cupa_id = cupa_row.id
    db.flush()
    settings = get_settings()
    # The account is already active, so the link is a password reset: setting the password needs no activation.
    link_tokens.revoke_all(db, user.id, "reset_password")
    token = link_tokens.issue(db, user.id, "reset_password", timedelta(hours=settings.set_password_ttl_hours))
    audit.record(db, Actor.system("cli"), "user.make_inspector", "user", user.id, email=email, created=created,
                 cupa=cupa_row.key if cupa_row is not None else None)
    return user, f"{settings.web_base_url}/account/password?token={token}", created


def cmd_create_inspector(args: argparse.Namespace) -> int:
    from bot.config import get_settings
    from bot.db import session_scope

    from bot.models import Cupa

    with session_scope() as db:
        user, link, created = create_inspector(db, args.email, args.name, args.cupa)
        email, name = user.email, user.full_name
        cupa = db.get(Cupa, user.cupa_id) if user.cupa_id is not None else None
        cupa_name = cupa.name if cupa is not None else None
    hours = get_settings().set_password_ttl_hours
    print(f"{'Created' if created else 'Made'} inspector {name} <{email}>{'' if created else ' (existing account)'}"
          f"{' of ' + cupa_name if cupa_name else ''}.")
    if cupa_name is None:
        print("  No CUPA given: they review nothing until one is set (run again with --cupa, e.g. --cupa Fresno).")
    print(f"Give them this one-time link to set their password (valid {hours} h, works once):\n  {link}")
    return 0


def cmd_disable_user(args: argparse.Namespace) -> int:
    """Disable an account: it can no longer log in, and every session and conversation token ends now."""
    from bot.db import session_scope
    from bot.services import accounts

    with session_scope() as db:
        user = accounts.get_user_by_email(db, args.email)
        if user is None:
            print(f"There is no account with the email address {args.email!r}.", file=sys.stderr)
            return 2
        user = accounts.disable_account(db, Actor.system("cli"), user.id, args.reason or "")
        email, name = user.email, user.full_name
    print(f"Disabled {name} <{email}>: it can't log in, and every session it had has ended.")
    return 0


def cmd_assign_cupas(_args: argparse.Namespace) -> int:
    """Load the CUPAs and give every facility without one the CUPA of its city or county (safe to rerun)."""
    from bot.db import session_scope
    from bot.review.cupas import assign_cupas

    with session_scope() as db:
        assigned = assign_cupas(db)
        missing = db.execute(select(func.count()).select_from(Facility).where(Facility.cupa_id.is_(None))).scalar_one()
    print(f"Assigned a CUPA to {assigned} facilit{'y' if assigned == 1 else 'ies'}"
          f"{f'; {missing} have no CUPA (city and county unknown)' if missing else ''}.")
    return 0


def cmd_facilities_count(_args: argparse.Namespace) -> int:
    from bot.db import session_scope

    with session_scope() as db:
        count = db.execute(select(func.count()).select_from(Facility)).scalar_one()
    print(count)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.manage", description="Administration commands.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the database schema").set_defaults(func=cmd_migrate)
    insp = sub.add_parser("create-inspector", help="create a CUPA inspector account and print a set-password link")
    insp.add_argument("--email", required=True)
    insp.add_argument("--name", required=True, help="full name, e.g. 'Dana Whitfield'")
    insp.add_argument("--cupa", default=None,
                      help="the inspector's CUPA: its key (county:fresno, city:los-angeles), name, or a county name")
    insp.set_defaults(func=cmd_create_inspector)
    disable = sub.add_parser("disable-user", help="disable an account and end every session it has")
    disable.add_argument("--email", required=True)
    disable.add_argument("--reason", default="", help="why, kept in the audit trail (at most 200 characters)")
    disable.set_defaults(func=cmd_disable_user)
    sub.add_parser("assign-cupas", help="give every facility without a CUPA the one of its city or county").set_defaults(
        func=cmd_assign_cupas)
    sub.add_parser("facilities-count", help="print how many facilities the database holds").set_defaults(
        func=cmd_facilities_count)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ServiceError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as exc:
        if args.command == "migrate":
            raise
        print(_NOT_READY.format(str(exc.orig).splitlines()[0] if exc.orig else exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
