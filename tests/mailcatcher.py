"""A real SMTP server (aiosmtpd) on a free local port that keeps what it receives, for tests."""
from __future__ import annotations

import email
import email.policy
import re
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Iterator


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def last_to(self, address: str) -> EmailMessage:
        """The newest message sent to `address` (AssertionError when there is none)."""
        for msg in reversed(self.messages):
            if address.lower() in str(msg["To"]).lower():
                return msg
        raise AssertionError(f"no email to {address}; got {[str(m['To']) for m in self.messages]}")

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, to: str, subject_contains: str = "", timeout: float = 15) -> EmailMessage:
        """The newest message to `to` whose subject contains the words, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for msg in reversed(self.messages):
                if to.lower() in str(msg["To"]).lower() and subject_contains.lower() in str(msg["Subject"]).lower():
                    return msg
            time.sleep(0.2)
        raise AssertionError(f"no email to {to} with {subject_contains!r}; got {[m['Subject'] for m in self.messages]}")

    @staticmethod
    def body(msg: EmailMessage) -> str:
        part = msg.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part else msg.get_content()

    def link(self, msg: EmailMessage, path_part: str) -> str:
        for url in re.findall(r"https?://[^\s<>\"']+", self.body(msg)):
            if path_part in url:
                return url
        raise AssertionError(f"no link containing {path_part!r} in:\n{self.body(msg)}")


class _Collector:
    def __init__(self, messages: list[EmailMessage]) -> None:
        self.messages = messages

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        raw = (envelope.original_content or envelope.content).replace(b"\r\n", b"\n")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller

    server = SmtpServer(host="127.0.0.1", port=free_port())
    controller = Controller(_Collector(server.messages), hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
