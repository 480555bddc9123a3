"""Accounts: sign up, choose the password from the emailed link, log in, log out, reset a password, disable.

Email first: nothing about an account (password, name, phone) is set or changed without proof that the
person controls its email address. A sign-up only ever *emails* a link to that inbox - for a new address, a
pending account, an active one (a "you already have an account" note) alike - and the chat or page that asked
gets the same answer whatever the address is, so it tells nobody whether an account exists. Opening the link
and choosing a password activates the account. Every email goes through the throttles (bot.services.throttle)
and the outbox (bot.services.mailer).

Sessions: `users.session_version` is in every login cookie and conversation token; log-out, a password change
and disabling add one, which ends every session and conversation token of the account at once.

Services never commit: the caller's transaction does (`bot.db.session_scope()`). The exception is a wrong
password: its throttle count is written in a transaction of its own, so it holds though the caller rolls back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Iterable, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import audit, link_tokens, passwords
from bot.actor import Actor
from bot.config import get_settings
from bot.errors import AccountNotActive, Conflict, InvalidCredentials, InvalidToken, PermissionDenied, RateLimited, \
    ValidationError
from bot.models import User, UserToken
from bot.services import mailer, throttle
from bot.services.throttle import Rule
from bot.timeutil import utcnow
from bot.validation import check_password, normalize_email, normalize_full_name, normalize_phone

WRONG_CREDENTIALS = (
    "The email or password is wrong. Please try again, or reset your password if you forgot it."
)
NOT_ACTIVATED = (
    "This account isn't ready yet: open the link we emailed to choose your password (it activates the account). "
    "Ask me to send it again if it didn't arrive (check your spam folder too)."
)
DISABLED = "This account is disabled. Please contact your CUPA for help."
SIGNUP_SENT = (
    "I've sent an email to {email} with a link to choose your password. Open it on any device: choosing the "
    "password activates your account. The link works once and expires in {hours} hours. If it doesn't arrive "
    "in a few minutes, look in your spam or junk folder, or ask me to send it again."
)

# --- throttles (the same for a known and an unknown address: they count what was typed) ---------------------
# Emails of one kind (the sign-up link, or the reset link) to one address, and of every kind together.
MAIL_TO_ADDRESS = (Rule(1, timedelta(seconds=60)), Rule(3, timedelta(hours=1)))
ALL_MAIL_TO_ADDRESS = (Rule(6, timedelta(hours=1)), Rule(10, timedelta(hours=24)))
SIGNUPS_PER_IP = (Rule(10, timedelta(hours=1)),)
SIGNUPS_PER_CONVERSATION = (Rule(3, timedelta(hours=1)),)
EMAIL_REQUESTS_PER_IP = (Rule(20, timedelta(hours=1)),)  # resend and reset
PASSWORD_FORMS_PER_IP = (Rule(30, timedelta(hours=1)),)
PASSWORD_FORMS_PER_ACCOUNT = (Rule(10, timedelta(hours=1)),)
# Log-in back-off (captcha-free): free attempts, then waits doubling from 30 s up to 15 min.
LOGIN_FREE_PER_IP_AND_ACCOUNT = 5  # wrong passwords for one account from one IP within LOGIN_WINDOW
LOGIN_FREE_PER_IP = 30  # wrong passwords from one IP, any account
LOGIN_FREE_PER_ACCOUNT = 20  # from anywhere; a browser this account logged in from before is not held back
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_ACCOUNT_WINDOW = timedelta(hours=1)

TOO_MANY_EMAILS = ("I've already sent several emails to this address recently. Please check your spam or junk "
                   "folder; you can ask again in {wait}.")
TOO_MANY_FROM_HERE = "Too many requests from your network. Please try again in {wait}."
TOO_MANY_LOGINS = ("Too many wrong passwords: please wait {wait} before trying again, or reset your password. "
                   "Logging in from a device you used before is not held back.")
TOO_MANY_PASSWORD_FORMS = "Too many attempts with this form. Please wait {wait} and try again."

_URL_RE = re.compile(r"(://|\bwww\.|\b[a-z0-9-]{2,}\.(?:[a-z]{2,})\b|@)", re.IGNORECASE)
_DIGIT_RUN_RE = re.compile(r"\d{3,}")


@dataclass(frozen=True)
class Client:
    """Who is asking, for the throttles: the IP (web server; the chat's verified client claim), the
    conversation, and the accounts this browser logged in to before (the device cookie)."""

    ip: Optional[str] = None
    conversation: Optional[str] = None
    known_devices: frozenset[str] = field(default_factory=frozenset)


NO_CLIENT = Client()


@dataclass(frozen=True)
class SignupStarted:
    """The answer to a sign-up, the same whatever the address: the link went to the inbox only."""

    email: str
    message: str


@dataclass(frozen=True)
class LinkInfo:
    """What a set-password link is for (shown on the page that opens it)."""

    purpose: str  # set_password | reset_password
    email: str
    full_name: str
    phone: Optional[str]


def get_user(db: Session, user_id: int) -> Optional[User]:
    return db.get(User, user_id)


def get_user_by_email(db: Session, email: str) -> Optional[User]:
    try:
        address = normalize_email(email)
    except ValidationError:
        return None
    return db.execute(select(User).where(User.email == address)).scalar_one_or_none()


def _actor_for(user_id: int, actor: Optional[Actor], channel: str) -> Actor:
    """The audit actor for a write on a user's own account: staff keep their name, with on_behalf_of."""
    if actor is not None and actor.user_id is not None and actor.user_id != user_id:
        return Actor(user_id=actor.user_id, role=actor.role, on_behalf_of=user_id, channel=actor.channel)
    return Actor(user_id=user_id, role="user", channel=actor.channel if actor else channel)


def _password_url(raw: str) -> str:
    return f"{get_settings().web_base_url}/account/password?token={raw}"


def safe_for_email(text: str, *, field: str, label: str) -> str:
    """`text` when it can go into an email someone else receives: no web or email address, no phone number
    (a sign-up name is the greeting an attacker would choose: "Hello Your account is suspended, call ...")."""
    if _URL_RE.search(text) or _DIGIT_RUN_RE.search(text) or sum(ch.isdigit() for ch in text) >= 5:
        raise ValidationError(
            f"The {label} can't contain a web address, an email address or a phone number. "
            f"Please give just the {label}.", field=field)
    return text


def check_name(full_name: str) -> str:
    """A person's name as it may appear in emails (bot.validation's rules, and `safe_for_email`)."""
    name = normalize_full_name(full_name)
    return safe_for_email(name, field="full_name", label="name")


# --- sign up -----------------------------------------------------------------------------------------------
def _throttle_email_request(db: Session, address: str, kind: str, client: Client, ip_scope: str,
                            ip_rules: Iterable[Rule], extra: Iterable[tuple[str, Rule]] = ()) -> None:
    """Check then count one request that may email `address` (counted whether or not an account exists):
    per address and kind of email, per address, per IP, and any `extra` (bucket, rule)."""
    kind_key = throttle.bucket("mail-to", kind, address)
    any_key = throttle.bucket("mail-to-any", address)
    ip_key = throttle.client_ip_key(ip_scope, client.ip)
    extra = list(extra)
    if ip_key:
        throttle.check(db, [(ip_key, r) for r in ip_rules], TOO_MANY_FROM_HERE)
    throttle.check(db, [(kind_key, r) for r in MAIL_TO_ADDRESS] + [(any_key, r) for r in ALL_MAIL_TO_ADDRESS]
                   + extra, TOO_MANY_EMAILS)
    throttle.hit(db, kind_key, any_key, ip_key or "", *{k for k, _ in extra})


def start_signup(db: Session, full_name: str, email: str, phone: str, actor: Actor, *,
                 client: Client = NO_CLIENT) -> SignupStarted:
    """Ask for an account: the link to choose the password goes to the address's inbox, and only there.

    - new address: a pending account with this name and phone, and the link;
    - pending account: a new link (its name and phone are not changed: the page that opens the link shows
      them, and only the inbox owner decides);
    - active account: an email saying so, with how to log in or reset the password;
    - disabled account: nothing is sent.
    The answer is the same in every case. RateLimited (same for every address) when too many were asked.
    """
    name = check_name(full_name)
    address = normalize_email(email)
    phone_number = normalize_phone(phone)
    conv_key = throttle.bucket("signup-conversation", client.conversation) if client.conversation else None
    _throttle_email_request(db, address, "password-link", client, "signup-ip", SIGNUPS_PER_IP,
                            [(conv_key, r) for r in SIGNUPS_PER_CONVERSATION] if conv_key else [])
    settings = get_settings()
    hours = settings.set_password_ttl_hours
    user = db.execute(select(User).where(User.email == address)).scalar_one_or_none()
    outcome = "new"
    if user is None:
        user = User(email=address, full_name=name, phone=phone_number, status="pending",
                    is_inspector=False, is_staff=False, failed_logins=0, created_at=utcnow(), session_version=0)
        db.add(user)
        db.flush()
    else:
        outcome = user.status
    if user.status == "pending":
        raw = link_tokens.issue(db, user.id, "set_password", timedelta(hours=hours))
        mailer.queue_email(
            db, address, "Finish creating your CERS Filing Assistant account",
            "Hello,\n\n"
            "Someone (we hope you) asked to create a CERS Filing Assistant account with this email address. "
            "To finish, choose your password here:\n\n"
            f"{_password_url(raw)}\n\n"
            f"Choosing the password activates the account. The link works once and expires in {hours} hours.\n\n"
            "If you did not ask for this, ignore this email: nothing happens without the link.\n",
            report_failure=False)
    elif user.status == "active":
        base = settings.web_base_url
        mailer.queue_email(
            db, address, "You already have a CERS Filing Assistant account",
            "Hello,\n\n"
            "Someone (we hope you) asked to create a CERS Filing Assistant account with this email address, "
            "but it already has one. Log in here:\n\n"
            f"{base}/login\n\n"
            f"If you forgot your password, ask for a new one here: {base}/account/reset\n\n"
            "If you did not ask for this, ignore this email: your account is unchanged.\n",
            report_failure=False)
    audit.record(db, _actor_for(user.id, actor, "chat"), "user.signup", "user", user.id, outcome=outcome)
    return SignupStarted(email=address, message=SIGNUP_SENT.format(email=address, hours=hours))


def describe_link(db: Session, token: str) -> LinkInfo:
    """What an unused set-password or reset link is for; InvalidToken (with how to get a new one) otherwise."""
    found = link_tokens.peek(db, token, "set_password", "reset_password")
    user = db.get(User, found.user_id)
    if user is None or user.status == "disabled":
        raise AccountNotActive(DISABLED)
    return LinkInfo(found.purpose, user.email, user.full_name, user.phone)


def _throttle_password_form(db: Session, user_id: int, client: Client) -> None:
    user_key = throttle.bucket("password-form-account", user_id)
    ip_key = throttle.client_ip_key("password-form-ip", client.ip)
    checks = [(user_key, r) for r in PASSWORD_FORMS_PER_ACCOUNT]
    if ip_key:
        checks += [(ip_key, r) for r in PASSWORD_FORMS_PER_IP]
    throttle.check(db, checks, TOO_MANY_PASSWORD_FORMS)
    throttle.hit_now(db, [user_key, ip_key or ""])


def set_password(db: Session, token: str, password: str, *, channel: str = "web",
                 full_name: Optional[str] = None, phone: Optional[str] = None,
                 client: Client = NO_CLIENT) -> User:
    """Choose the password with the emailed link; this proves the address, so it activates the account.
    The page may send the name and phone too (the inbox owner confirms or corrects the sign-up's).

    A password-reset token is accepted too (handed to `reset_password`), so one web form serves both.
    """
    found = link_tokens.peek(db, token, "set_password", "reset_password")
    _throttle_password_form(db, found.user_id, client)
    if found.purpose == "reset_password":
        return reset_password(db, token, password, channel=channel)
    user = db.get(User, found.user_id)
    if user is None or user.status == "disabled":
        raise AccountNotActive(DISABLED)
    if user.status == "active":
        raise Conflict("Your account is already active. Log in, or reset your password if you forgot it.")
    check_password(password, user.email)
    name = check_name(full_name) if full_name is not None and full_name.strip() else None
    phone_number = normalize_phone(phone) if phone is not None and phone.strip() else None
    link_tokens.consume(db, token, "set_password")
    if name:
        user.full_name = name
    if phone_number:
        user.phone = phone_number
    user.password_hash = passwords.hash_password(password)
    user.status = "active"
    user.activated_at = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    link_tokens.revoke_all(db, user.id, "set_password")
    link_tokens.revoke_all(db, user.id, "activate")
    audit.record(db, _actor_for(user.id, None, channel), "user.password_set", "user", user.id)
    audit.record(db, _actor_for(user.id, None, "email_link"), "user.activate", "user", user.id)
    return user


def activate(db: Session, token: str, *, channel: str = "email_link") -> User:
    """Activate with an activation link sent before sign-ups became email-first (single use, expiring).
    Only a POST calls this (a mail scanner opening the link only sees the confirmation page)."""
    try:
        found = link_tokens.consume(db, token, "activate")
    except InvalidToken:
        known = db.execute(
            select(UserToken).where(UserToken.token_hash == link_tokens.hash_token(token or ""))
        ).scalar_one_or_none()
        if known is not None and known.purpose == "activate" and known.user.status == "active":
            raise InvalidToken("Your account is already active: this link was used before. Just log in.") from None
        raise
    user = db.get(User, found.user_id)
    if user is None or user.status == "disabled":
        raise AccountNotActive(DISABLED)
    if user.password_hash is None:
        raise InvalidToken("Please choose your password first, with the link we emailed you.")
    user.status = "active"
    user.activated_at = utcnow()
    link_tokens.revoke_all(db, user.id, "activate")
    link_tokens.revoke_all(db, user.id, "set_password")
    audit.record(db, _actor_for(user.id, None, channel), "user.activate", "user", user.id)
    return user


def resend_activation(db: Session, email: str, *, actor: Optional[Actor] = None, client: Client = NO_CLIENT) -> None:
    """Email a pending account a new link to choose its password. Unknown, active and disabled addresses get
    the same answer and no email; the throttles count every address alike."""
    address = normalize_email(email)
    _throttle_email_request(db, address, "password-link", client, "email-request-ip", EMAIL_REQUESTS_PER_IP)
    user = db.execute(select(User).where(User.email == address)).scalar_one_or_none()
    if user is None or user.status != "pending":
        return
    hours = get_settings().set_password_ttl_hours
    raw = link_tokens.issue(db, user.id, "set_password", timedelta(hours=hours))
    mailer.queue_email(
        db, user.email, "Finish creating your CERS Filing Assistant account",
        "Hello,\n\n"
        "To finish creating your CERS Filing Assistant account, choose your password here:\n\n"
        f"{_password_url(raw)}\n\n"
        f"Choosing the password activates the account. The link works once and expires in {hours} hours.\n\n"
        "If you did not ask for this, ignore this email.\n",
        report_failure=False)
    audit.record(db, _actor_for(user.id, actor, "chat"), "user.activation_resent", "user", user.id)


def invite(db: Session, actor: Actor, user: User, facility_names: Iterable[str]) -> None:
    """Email an imported Lead User (a pending account) an invitation with a link to choose the password.
    The account can only be claimed from that inbox."""
    days = get_settings().invitation_ttl_days
    raw = link_tokens.issue(db, user.id, "set_password", timedelta(days=days))
    names = sorted(set(facility_names))
    listed = "\n".join(f"- {n}" for n in names[:20]) + (f"\n- and {len(names) - 20} more" if len(names) > 20 else "")
    mailer.queue_email(
        db, user.email, "You are the Lead User of your facility in the CERS Filing Assistant",
        f"Hello {user.full_name},\n\n"
        "Your CUPA listed you as the Lead User of:\n\n"
        f"{listed}\n\n"
        "The CERS Filing Assistant helps you file the facility's Hazardous Materials Business Plan. To start, "
        "choose your password here:\n\n"
        f"{_password_url(raw)}\n\n"
        f"The link works once and expires in {days} days. If it has expired, ask the assistant for a new one "
        "with this email address.\nIf you are not the right person, ignore this email and tell your CUPA.\n",
        report_failure=False)
    audit.record(db, actor, "user.invite", "user", user.id, facilities=len(names))


# --- log in ------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return passwords.hash_password("not-a-real-password-0")


def device_key(address: str) -> str:
    """What a browser's device cookie remembers for an account it logged in to (not the address itself)."""
    return throttle.bucket("device", address)[:24]


def _login_keys(address: str, client: Client) -> tuple[str, Optional[str], str]:
    pair = throttle.bucket("login-pair", address, client.ip or "-")
    ip_key = throttle.client_ip_key("login-ip", client.ip)
    account = throttle.bucket("login-account", address)
    return pair, ip_key, account


def _check_login_backoff(db: Session, address: str, client: Client) -> None:
    pair, ip_key, account = _login_keys(address, client)
    waits = [throttle.backoff_wait(db, pair, free=LOGIN_FREE_PER_IP_AND_ACCOUNT, window=LOGIN_WINDOW)]
    if ip_key:
        waits.append(throttle.backoff_wait(db, ip_key, free=LOGIN_FREE_PER_IP, window=LOGIN_WINDOW))
    if device_key(address) not in client.known_devices:
        waits.append(throttle.backoff_wait(db, account, free=LOGIN_FREE_PER_ACCOUNT, window=LOGIN_ACCOUNT_WINDOW))
    longest = max(waits)
    if longest:
        raise RateLimited(TOO_MANY_LOGINS.format(wait=throttle.describe_wait(longest)))


def authenticate(db: Session, email: str, password: str, *, channel: str = "web",
                 client: Client = NO_CLIENT) -> User:
    """The user for a correct email + password.

    InvalidCredentials (same message for an unknown email and a wrong password); RateLimited after repeated
    wrong passwords - per IP and account, per IP, and per account unless this browser logged in to it before
    - with the same waits for an unknown address; AccountNotActive for a pending or disabled account.
    Call it before other writes in the transaction (a failure is counted in a transaction of its own).
    """
    address = normalize_email(email)
    _check_login_backoff(db, address, client)
    user = db.execute(select(User).where(User.email == address)).scalar_one_or_none()
    stored = user.password_hash if user is not None and user.password_hash else None
    if stored is None:
        passwords.verify_password(_dummy_hash(), password or "")  # same time as a real check
    if stored is None or not passwords.verify_password(stored, password or ""):
        pair, ip_key, account = _login_keys(address, client)
        user_id = user.id if user is not None else None

        def count_failure(session: Session) -> None:
            throttle.hit(session, pair, ip_key or "", account)
            if user_id is not None:
                audit.record(session, Actor(user_id=None, role="anonymous", channel=channel),
                             "user.login_failed", "user", user_id)

        throttle.run_apart(db, count_failure)
        raise InvalidCredentials(WRONG_CREDENTIALS)
    if user.status == "pending":
        raise AccountNotActive(NOT_ACTIVATED)
    if user.status != "active":
        raise AccountNotActive(DISABLED)
    pair, _, _ = _login_keys(address, client)
    throttle.forget(db, pair)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    audit.record(db, _actor_for(user.id, None, channel), "user.login", "user", user.id)
    return user


# --- sessions ----------------------------------------------------------------------------------------------
def session_user(db: Session, user_id: int, version: int) -> Optional[User]:
    """The user of a login session (cookie or conversation token) issued under `version`, if it still holds:
    the account is active and nothing ended its sessions since."""
    user = db.get(User, user_id)
    if user is None or user.status != "active" or int(user.session_version or 0) != int(version):
        return None
    return user


def end_sessions(db: Session, user_id: int, actor: Actor, reason: str) -> int:
    """End every login session and conversation token of the account; returns the new session version."""
    db.execute(update(User).where(User.id == user_id)
               .values(session_version=User.session_version + 1)
               .execution_options(synchronize_session=False))
    user = db.get(User, user_id, populate_existing=True)
    audit.record(db, actor, "user.sessions_ended", "user", user_id, reason=reason)
    return int(user.session_version) if user is not None else 0


def log_out(db: Session, user_id: int, version: int, *, channel: str = "web") -> None:
    """Log out: ends every session of the account (this browser's and any other), if `version` is still
    current (a stale cookie logging out changes nothing)."""
    user = db.get(User, user_id)
    if user is None or int(user.session_version or 0) != int(version):
        return
    end_sessions(db, user_id, Actor(user_id=user_id, channel=channel), "logout")


def update_profile(db: Session, actor: Actor, *, full_name: Optional[str] = None,
                   phone: Optional[str] = None) -> User:
    """A logged-in user corrects their own name or phone (the email is changed only through its inbox).
    Audited with the old and new values; the name must be safe to greet an email with."""
    user_id = actor.subject_user_id
    user = db.get(User, user_id) if user_id is not None else None
    if user is None or user.status != "active":
        raise PermissionDenied("Please log in to change your account.")
    changes: dict[str, list[Optional[str]]] = {}
    if full_name is not None:
        from bot.names import person_name

        name = check_name(person_name(full_name))
        if name != user.full_name:
            changes["full_name"] = [user.full_name, name]
            user.full_name = name
    if phone is not None:
        number = normalize_phone(phone)
        if number != user.phone:
            changes["phone"] = [user.phone, number]
            user.phone = number
    if changes:
        audit.record(db, actor, "user.update_profile", "user", user.id, changes=changes)
    return user


def disable_account(db: Session, actor: Actor, user_id: int, reason: str = "") -> User:
    """Disable an account (staff, inspector or the system): it can't log in, and every session ends now."""
    if actor.role not in ("staff", "inspector", "system"):
        raise PermissionDenied("Only staff can disable an account.")
    user = db.get(User, user_id)
    if user is None:
        raise ValidationError("There is no such account.")
    user.status = "disabled"
    for purpose in link_tokens.PURPOSES:
        link_tokens.revoke_all(db, user.id, purpose)
    end_sessions(db, user.id, actor, "disabled")
    audit.record(db, actor, "user.disable", "user", user.id, reason=reason[:200] or None)
    return user


# --- password reset ----------------------------------------------------------------------------------------
def request_password_reset(db: Session, email: str, *, actor: Optional[Actor] = None,
                           client: Client = NO_CLIENT) -> None:
    """Email a password-reset link. Unknown and disabled addresses: the same answer, no email; the throttles
    count every address alike."""
    address = normalize_email(email)
    _throttle_email_request(db, address, "reset", client, "email-request-ip", EMAIL_REQUESTS_PER_IP)
    user = db.execute(select(User).where(User.email == address)).scalar_one_or_none()
    if user is None or user.status == "disabled":
        return
    hours = get_settings().reset_ttl_hours
    link_tokens.revoke_all(db, user.id, "reset_password")
    raw = link_tokens.issue(db, user.id, "reset_password", timedelta(hours=hours))
    mailer.queue_email(
        db, user.email, "Reset your CERS Filing Assistant password",
        "Hello,\n\n"
        "Someone (we hope you) asked to reset the password of your CERS Filing Assistant account. "
        "Choose a new password here:\n\n"
        f"{_password_url(raw)}\n\n"
        f"The link works once and expires in {hours} hours. "
        "If you did not ask for this, ignore this email: your password stays as it is.\n",
        report_failure=False)
    audit.record(db, _actor_for(user.id, actor, "chat"), "user.password_reset_requested", "user", user.id)


def reset_password(db: Session, token: str, password: str, *, channel: str = "web") -> User:
    """Set a new password with a reset link token: ends every session of the account, clears the log-in
    back-off, and activates a pending account (opening the emailed link proves the address)."""
    found = link_tokens.peek(db, token, "reset_password")
    user = db.get(User, found.user_id)
    if user is None or user.status == "disabled":
        raise AccountNotActive(DISABLED)
    check_password(password, user.email)
    link_tokens.consume(db, token, "reset_password")
    user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    if user.status == "pending":
        user.status = "active"
        user.activated_at = utcnow()
        link_tokens.revoke_all(db, user.id, "activate")
        link_tokens.revoke_all(db, user.id, "set_password")
    throttle.forget(db, throttle.bucket("login-account", user.email))
    actor = _actor_for(user.id, None, channel)
    audit.record(db, actor, "user.password_reset", "user", user.id)
    end_sessions(db, user.id, actor, "password_reset")
    mailer.queue_email(
        db, user.email, "Your CERS Filing Assistant password was changed",
        f"Hello {user.full_name},\n\nThe password of your CERS Filing Assistant account was just changed, and "
        "every device logged in to it was logged out. If this was not you, reset it again right away and tell "
        "your CUPA.\n",
    )
    return user
