"""Test helpers for the web server: a uvicorn server in a thread, a fake Rasa REST channel, mail parsing."""
from __future__ import annotations

import re
import socket
import threading
import time
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """An ASGI app served by uvicorn on 127.0.0.1:<random port> in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False,
                                ws="none")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


Reply = Callable[[dict], list]


class FakeRasa:
    """Rasa's REST channel as far as the web server sees it: records each request, answers with `reply`."""

    def __init__(self, reply: Optional[Reply] = None) -> None:
        self.requests: list[dict] = []
        self.reply: Reply = reply or (lambda body: [{"recipient_id": body["sender"], "text": f"echo: {body['message']}"}])
        self.app = Starlette(routes=[Route("/webhooks/rest/webhook", self._webhook, methods=["POST"])])

    async def _webhook(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        return JSONResponse(self.reply(body))

    @property
    def messages(self) -> list[str]:
        return [r["message"] for r in self.requests]


def mail_text(message: Any) -> str:
    """The plain-text body of a received email (EmailMessage or anything with a text form)."""
    if hasattr(message, "get_body"):
        part = message.get_body(preferencelist=("plain", "html"))
        if part is not None:
            return part.get_content()
    if hasattr(message, "get_payload"):
        payload = message.get_payload(decode=True)
        if isinstance(payload, bytes):
            return payload.decode("utf-8", "replace")
    return str(message)


def mail_to(message: Any) -> str:
    return str(message["To"]) if hasattr(message, "__getitem__") else ""


def wait_for_mail(smtp_server: Any, to: str, contains: str, timeout: float = 10.0, skip: int = 0) -> Any:
    """The (skip+1)-th email to `to` whose body contains `contains` (waits up to `timeout` s)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in list(smtp_server.messages) if to.lower() in mail_to(m).lower() and contains in mail_text(m)]
        if len(found) > skip:
            return found[skip]
        if time.monotonic() > deadline:
            raise AssertionError(f"no email to {to} containing {contains!r}; got {len(smtp_server.messages)} emails")
        time.sleep(0.05)


def link_in(text: str, path: str) -> str:
    """The path and query of the first link in `text` whose path is `path`."""
    for url in re.findall(r"https?://[^\s<>\"']+", text):
        parts = urlsplit(url.rstrip(".,;)"))
        if parts.path == path:
            return f"{parts.path}?{parts.query}" if parts.query else parts.path
    raise AssertionError(f"no link to {path} in: {text}")
