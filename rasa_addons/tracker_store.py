"""Rasa's SQL tracker store, writing every event through `bot.redaction.redact_event`.

Rasa keeps the tracker of the message being handled in memory, so the action server still receives the
conversation token with the latest message; what reaches the database (and Rasa's HTTP API, which reads the
store) has no token, no client claim, no password look-alike and no one-time link token. The statements are
Rasa 3.6's own `SQLTrackerStore.save`, with the redaction added.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.redaction import redact_event

logger = logging.getLogger(__name__)


class RedactingSQLTrackerStore(SQLTrackerStore):
    """endpoints.yml: `tracker_store: {type: rasa_addons.tracker_store.RedactingSQLTrackerStore, dialect: ...}`."""

    async def _stream_new_events(self, event_broker: Any, new_events: list, sender_id: str) -> None:
        """An event broker, if one is configured, gets the events redacted too."""
        for event in new_events:
            event_broker.publish({"sender_id": sender_id, **redact_event(event.as_dict())})

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data: dict[str, Any] = redact_event(event.as_dict())
                intent = (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=intent,
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        logger.debug("Tracker with sender_id '%s' stored to database (secrets removed)", tracker.sender_id)
