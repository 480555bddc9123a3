"""Serialized trackers for action tests (no Rasa or action server needed), like RasaHQ/financial-demo."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pytest
import yaml
from rasa_sdk import Tracker

from bot.config import REPO_ROOT


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((REPO_ROOT / "domain.yml").read_text())


def make_tracker(
    text: str = "",
    *,
    intent: str = "inform",
    entities: Optional[list[dict[str, Any]]] = None,
    slots: Optional[dict[str, Any]] = None,
    set_now: Optional[dict[str, Any]] = None,
    token: Optional[str] = None,
    sender_id: str = "conv-1",
    active_loop: Optional[str] = None,
) -> Tracker:
    """A tracker whose latest user message is `text`; `set_now` are slots extracted from that message."""
    metadata = {"auth_token": token} if token else {}
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "metadata": metadata,
    }
    all_slots = dict(slots or {})
    all_slots.update(set_now or {})
    events: list[dict[str, Any]] = [{"event": "user", "text": text, "parse_data": latest, "metadata": metadata}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (set_now or {}).items()]
    return Tracker.from_dict({
        "sender_id": sender_id,
        "slots": all_slots,
        "latest_message": latest,
        "events": events,
        "paused": False,
        "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": "action_listen",
    })


@pytest.fixture
def tracker():  # type: ignore[no-untyped-def]
    return make_tracker
