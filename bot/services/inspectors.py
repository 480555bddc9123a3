"""Who may act as a CUPA inspector on a facility — the one place that decides it (the review console, the
escalated access requests and the document downloads all ask here).

An inspector covers a facility when the account is active, has the inspector role, and belongs to the facility's
CUPA (`users.cupa_id == facilities.cupa_id`). An inspector account made before CUPAs existed (no CUPA) covers only
facilities without one, which `python -m bot.manage assign-cupas` leaves none of.
"""
from __future__ import annotations

from typing import Optional

from bot.actor import Actor
from bot.errors import PermissionDenied
from bot.models import Facility, User

NOT_INSPECTOR = "Only a CUPA inspector can use the review console. Log in with your inspector account."
NOT_YOURS = ("{name} (CERS ID {cers_id}) is reviewed by another CUPA: only its own inspectors can see or decide "
             "its filings and requests.")


def inspector_user(db, actor: Actor) -> User:  # type: ignore[no-untyped-def]
    """The actor's account when it is an active inspector acting for itself; PermissionDenied otherwise (a filer,
    staff without the inspector role, staff acting on behalf of someone)."""
    user = db.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or user.status != "active" or not user.is_inspector or actor.on_behalf_of is not None:
        raise PermissionDenied(NOT_INSPECTOR)
    return user


def covers(user: Optional[User], facility: Facility) -> bool:
    """True when `user` is an active inspector of `facility`'s CUPA."""
    return (user is not None and user.status == "active" and bool(user.is_inspector)
            and user.cupa_id == facility.cupa_id)


def require_inspector_of(db, actor: Actor, facility: Facility) -> User:  # type: ignore[no-untyped-def]
    """The inspector when they cover the facility; PermissionDenied otherwise."""
    user = inspector_user(db, actor)
    if not covers(user, facility):
        raise PermissionDenied(NOT_YOURS.format(name=facility.name, cers_id=facility.cers_id))
    return user
