"""The local mail catcher for development: an SMTP server (aiosmtpd) that keeps every message it receives as
an .eml file in DEVMAIL_DIR (default var/mail), so activation links can be opened without a real mail server.

Run: `python -m bot.devmail` (listens on SMTP_HOST:SMTP_PORT, default 127.0.0.1:8025).
The web page /dev/mail lists the messages with `list_messages()`.
"""
from __future__ import annotations

import email
import email.policy
import logging
import signal
import threading
import time
import uuid
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, NamedTuple, Optional

from bot.config import get_settings

log = logging.getLogger(__name__)


class MailItem(NamedTuple):
    subject: str
    to: str
    date: str
    body: str


def mail_dir() -> Path:
    settings = get_settings()
    path = settings.devmail_dir or settings.var_dir / "mail"
    path.mkdir(parents=True, exist_ok=True)
    return path


class EmlWriter:
    """aiosmtpd handler: writes each message to `<dir>/<time>-<id>.eml`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content: bytes = envelope.original_content or envelope.content
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        tmp = self.directory / (name + ".part")
        tmp.write_bytes(content)
        tmp.rename(self.directory / name)
        log.info("devmail: stored %s for %s", name, ", ".join(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _text_body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        return str(part.get_content())
    except (LookupError, KeyError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)


def list_messages(directory: Optional[Path] = None) -> list[MailItem]:
    """The messages stored in `directory` (default: the dev mail dir), newest first."""
    folder = Path(directory) if directory is not None else mail_dir()
    if not folder.is_dir():
        return []
    items: list[tuple[float, MailItem]] = []
    for path in folder.glob("*.eml"):
        try:
            msg = email.message_from_bytes(path.read_bytes().replace(b"\r\n", b"\n"), policy=email.policy.default)
        except OSError:
            continue
        date = str(msg.get("Date", ""))
        try:
            sort_key = parsedate_to_datetime(date).timestamp() if date else path.stat().st_mtime
        except (TypeError, ValueError):
            sort_key = path.stat().st_mtime
        items.append((sort_key, MailItem(str(msg.get("Subject", "")), str(msg.get("To", "")), date,
                                         _text_body(msg))))  # type: ignore[arg-type]
    items.sort(key=lambda pair: pair[0], reverse=True)
    return [item for _, item in items]


def start_server(host: Optional[str] = None, port: Optional[int] = None, directory: Optional[Path] = None) -> Any:
    """Start the mail catcher in a background thread; returns the aiosmtpd Controller (call .stop())."""
    from aiosmtpd.controller import Controller

    settings = get_settings()
    controller = Controller(EmlWriter(directory or mail_dir()), hostname=host or settings.smtp_host,
                            port=port or settings.smtp_port)
    controller.start()
    return controller


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    settings = get_settings()
    directory = mail_dir()
    controller = start_server(directory=directory)
    print(f"dev mail catcher: SMTP on {settings.smtp_host}:{settings.smtp_port}, messages in {directory}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
