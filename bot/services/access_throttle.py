"""Access requests through the throttles: `bot.services.access.request_access` emails every Lead User of the
facility (or the CUPA inspectors), so a requester may ask only so often, a facility's Lead Users get only so
many requests a day, and the job title - which goes into that email - may hold no web address or phone number.

Channels call `request_access` here rather than the access service directly.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.errors import PermissionDenied
from bot.models import AccessRequest
from bot.services import access, throttle
from bot.services.accounts import safe_for_email
from bot.services.throttle import Rule
from bot.validation import clean_text

PER_REQUESTER = (Rule(5, timedelta(hours=1)), Rule(20, timedelta(hours=24)))
PER_FACILITY = (Rule(20, timedelta(hours=24)),)
TOO_MANY = ("You've sent many access requests in a short time. Please wait {wait} before sending another; the "
            "Lead Users already have the ones you sent.")


def request_access(db: Session, actor: Actor, facility_id: int, phone: str, title: str) -> AccessRequest:
    """`access.request_access`, after the throttles (per requester, per facility) and the email-safe title."""
    requester = actor.subject_user_id
    if requester is None:
        raise PermissionDenied("Please log in first, then I can send your access request.")
    safe_for_email(clean_text(title, field="title", label="job title", max_len=80), field="title", label="job title")
    by_requester = throttle.bucket("access-requester", requester)
    by_facility = throttle.bucket("access-facility", facility_id)
    throttle.check(db, [(by_requester, r) for r in PER_REQUESTER] + [(by_facility, r) for r in PER_FACILITY],
                   TOO_MANY)
    request = access.request_access(db, actor, facility_id, phone, title)
    throttle.hit(db, by_requester, by_facility)
    return request
