"""A conversation through Rasa's REST channel, the way the web server's /api/chat sends it."""
from __future__ import annotations

import uuid
from typing import Any, Dict, List, Optional

import httpx


class Conversation:
    def __init__(self, rasa_url: str, sender: Optional[str] = None, token: Optional[str] = None) -> None:
        self.rasa_url = rasa_url
        self.sender = sender or f"e2e-{uuid.uuid4().hex[:12]}"
        self.token = token
        self.history: List[Dict[str, Any]] = []

    def say(self, text: str) -> List[Dict[str, Any]]:
        body: Dict[str, Any] = {"sender": self.sender, "message": text}
        if self.token:
            body["metadata"] = {"auth_token": self.token}
        resp = httpx.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        resp.raise_for_status()
        replies = resp.json()
        self.history.append({"user": text, "bot": replies})
        return replies

    @staticmethod
    def text(replies: List[Dict[str, Any]]) -> str:
        return "\n".join(r.get("text", "") for r in replies if r.get("text"))

    @staticmethod
    def buttons(replies: List[Dict[str, Any]]) -> List[Dict[str, str]]:
        return [b for r in replies for b in r.get("buttons", [])]

    @staticmethod
    def custom(replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        return [r["custom"] for r in replies if "custom" in r]

    def transcript(self) -> str:
        lines = []
        for turn in self.history:
            lines.append(f"USER: {turn['user']}")
            for r in turn["bot"]:
                lines.append(f"BOT:  {r.get('text') or r.get('custom') or r}")
                for b in r.get("buttons", []):
                    lines.append(f"      [{b.get('title')}] -> {b.get('payload')}")
        return "\n".join(lines)
