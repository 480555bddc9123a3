"""Errors the services raise. `message` is shown to the user as is: it says what is wrong and how to fix it."""
from __future__ import annotations

from typing import Optional


class ServiceError(Exception):
    def __init__(self, message: str, field: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(ServiceError):
    """The input is malformed or breaks a rule."""


class NotFound(ServiceError):
    """The thing asked for does not exist."""


class PermissionDenied(ServiceError):
    """The actor may not read or change this."""


class RateLimited(ServiceError):
    """Too many attempts in a short time."""


class Conflict(ServiceError):
    """The request clashes with what is stored (already registered, already decided...)."""


class InvalidToken(ServiceError):
    """A link or conversation token is unknown, used, expired or forged."""


class InvalidCredentials(ServiceError):
    """Wrong email or password."""


class AccountNotActive(ServiceError):
    """The account exists but is not activated (or is disabled)."""
