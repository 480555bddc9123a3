"""Who performs a write, and for whom. Every service write takes an Actor and records it in the audit trail."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

ROLES = ("user", "staff", "inspector", "system", "anonymous")
CHANNELS = ("chat", "web", "staff_console", "cli", "email_link", "slack", "teams")


@dataclass(frozen=True)
class Actor:
    user_id: Optional[int]
    role: str = "user"
    on_behalf_of: Optional[int] = None
    channel: str = "chat"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown actor role {self.role!r}")
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")

    @property
    def subject_user_id(self) -> Optional[int]:
        """The user whose account the action is for: the caller when staff act on behalf, else the actor."""
        return self.on_behalf_of if self.on_behalf_of is not None else self.user_id

    @classmethod
    def system(cls, channel: str = "cli") -> "Actor":
        return cls(user_id=None, role="system", channel=channel)

    @classmethod
    def anonymous(cls, channel: str = "chat") -> "Actor":
        return cls(user_id=None, role="anonymous", channel=channel)
