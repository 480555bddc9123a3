"""All settings in one place, read from the environment (with defaults for a local run)."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _var_dir() -> Path:
    path = Path(os.environ.get("CERS_VAR_DIR", REPO_ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(var_dir: Path) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = var_dir / "secret.key"
    try:
        # Created with mode 0600 in one step (never readable by others, not even for a moment); O_EXCL: when two
        # processes start at once, one writes the key and the other reads it.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def derived_secret(secret_key: str, purpose: str) -> str:
    """A secret for one purpose (the action server's header, Rasa's API token) derived from SECRET_KEY, so a
    local run needs one secret only; set the variable itself to use another value."""
    return hmac.new(secret_key.encode(), f"cers:{purpose}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    secret_key: str
    web_base_url: str
    web_port: int
    rasa_url: str
    smtp_host: str
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    mail_from: str
    devmail_dir: Path | None
    conversation_token_ttl: int
    activation_ttl_hours: int
    set_password_ttl_hours: int
    reset_ttl_hours: int
    access_decision_ttl_days: int
    invitation_ttl_days: int
    # Shared secrets of the processes behind the web server (see docs/security.md)
    action_server_token: str
    rasa_api_token: str
    # Uploaded documents (site map, plans): stored by content hash under `documents_dir` (bot/documents)
    documents_dir: Path = Path("var/documents")
    document_max_bytes: int = 25 * 1024 * 1024  # CERS takes files up to 25 MB


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    var_dir = _var_dir()
    web_port = int(env.get("WEB_PORT", "8000"))
    devmail = env.get("DEVMAIL_DIR")
    secret_key = _secret_key(var_dir)
    return Settings(
        var_dir=var_dir,
        database_url=env.get("DATABASE_URL", f"sqlite:///{var_dir / 'cers.db'}"),
        secret_key=secret_key,
        web_base_url=env.get("WEB_BASE_URL", f"http://127.0.0.1:{web_port}").rstrip("/"),
        web_port=web_port,
        rasa_url=env.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
        smtp_host=env.get("SMTP_HOST", "127.0.0.1"),
        smtp_port=int(env.get("SMTP_PORT", "8025")),
        smtp_user=env.get("SMTP_USER") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=env.get("SMTP_STARTTLS", "0") == "1",
        mail_from=env.get("MAIL_FROM", "CERS Filing Assistant <no-reply@cers-assistant.local>"),
        devmail_dir=Path(devmail) if devmail else None,
        conversation_token_ttl=int(env.get("CONVERSATION_TOKEN_TTL", "3600")),
        activation_ttl_hours=int(env.get("ACTIVATION_TTL_HOURS", "24")),
        set_password_ttl_hours=int(env.get("SET_PASSWORD_TTL_HOURS", "24")),
        reset_ttl_hours=int(env.get("RESET_TTL_HOURS", "2")),
        access_decision_ttl_days=int(env.get("ACCESS_DECISION_TTL_DAYS", "14")),
        invitation_ttl_days=int(env.get("INVITATION_TTL_DAYS", "14")),
        action_server_token=env.get("ACTION_SERVER_TOKEN") or derived_secret(secret_key, "action-server"),
        rasa_api_token=env.get("RASA_API_TOKEN") or derived_secret(secret_key, "rasa-api"),
        documents_dir=Path(env.get("DOCUMENTS_DIR") or var_dir / "documents"),
        document_max_bytes=int(float(env.get("DOCUMENT_MAX_MB", "25")) * 1024 * 1024),
    )


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()


if __name__ == "__main__":  # `python -m bot.config action_server_token`: one setting, for scripts/start.sh
    import sys

    _allowed = ("action_server_token", "rasa_api_token")
    if len(sys.argv) != 2 or sys.argv[1] not in _allowed:
        sys.exit(f"usage: python -m bot.config {{{'|'.join(_allowed)}}}")
    print(getattr(get_settings(), sys.argv[1]))
