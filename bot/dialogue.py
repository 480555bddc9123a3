"""What a guided conversation step returns, whatever the channel (Rasa chat, staff console, Slack).

The step engines (`bot.facility_info.dialogue`, `bot.inventory.dialogue`) take the user's text and a small
JSON-able `state` the channel keeps between turns (Rasa keeps it in a slot, so it is in the SQL tracker
store), do their writes through the services, and return a `Turn`: the messages to show, the new state,
and whether the step is finished. Everything that must survive a restart or a new browser session is
written to the database, never only kept in `state`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class Button:
    title: str
    payload: str  # plain text the engine understands ("yes", "change owner phone") or "/intent{...}"

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Message:
    text: str = ""
    buttons: tuple[Button, ...] = ()
    custom: Optional[dict[str, Any]] = None  # chat-page widgets, e.g. {"form": "upload_inventory", ...}


@dataclass
class Turn:
    messages: list[Message] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    done: bool = False  # nothing more to ask in this step: the channel ends its form/loop

    def say(self, text: str, buttons: tuple[Button, ...] | list[Button] = (), custom: Optional[dict[str, Any]] = None) -> "Turn":
        self.messages.append(Message(text=text, buttons=tuple(buttons), custom=custom))
        return self

    def extend(self, other: "Turn") -> "Turn":
        self.messages.extend(other.messages)
        self.state = other.state
        self.done = other.done
        return self

    @property
    def text(self) -> str:
        """All message texts joined (tests, logs)."""
        return "\n".join(m.text for m in self.messages if m.text)

