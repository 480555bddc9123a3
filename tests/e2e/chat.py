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


class WebChat(Conversation):
    """The chat page's side of a conversation: each message goes to the web server's /api/chat with the browser's
    cookies (the web server signs the conversation token of the logged-in user and forwards the message to Rasa's
    REST channel); a button's payload goes back with the signature the web server gave it. `web` is the browser,
    for the pages and uploads of the same session; `sender` follows the conversation cookie (a login starts a new
    conversation)."""

    def __init__(self, web_url: str, rasa_url: str) -> None:
        super().__init__(rasa_url, sender="")
        self.web = httpx.Client(base_url=web_url, timeout=90)
        self.signatures: Dict[str, str] = {}

    def say(self, text: str) -> List[Dict[str, Any]]:
        body: Dict[str, Any] = {"message": text}
        if text in self.signatures:
            body["sig"] = self.signatures[text]
        resp = self.web.post("/api/chat", json=body)
        assert resp.status_code == 200, f"/api/chat answered {resp.status_code}: {resp.text}\n{self.transcript()}"
        replies = resp.json()
        self.sender = self.web.cookies.get("cers_conv") or self.sender
        for button in self.buttons(replies):
            if button.get("sig"):
                self.signatures[button["payload"]] = button["sig"]
        self.history.append({"user": text, "bot": replies})
        return replies

    def log_in(self, email: str, password: str) -> httpx.Response:
        """The page's log-in form: a login session and a new conversation in this browser."""
        resp = self.web.post("/api/login", json={"email": email, "password": password})
        self.sender = self.web.cookies.get("cers_conv") or self.sender
        self.signatures.clear()  # the buttons of the earlier conversation were signed for it
        return resp
