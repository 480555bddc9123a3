"""var/secret.key is created readable by its owner only from the first byte (finding 9), once even when two
processes start together, and the shared secrets of the action server and Rasa's API are derived from it."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.config import derived_secret, get_settings, reset_settings


def test_the_key_file_is_created_0600_without_a_later_chmod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CERS_VAR_DIR", str(tmp_path))
    old_umask = os.umask(0o022)  # a usual umask would leave a plain write 0644
    monkeypatch.setattr(Path, "chmod", lambda *a, **k: (_ for _ in ()).throw(AssertionError("chmod after the write")))
    try:
        reset_settings()
        key = get_settings().secret_key
    finally:
        os.umask(old_umask)
        reset_settings()
    path = tmp_path / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) >= 60
    reset_settings()
    assert get_settings().secret_key == key  # read back, not replaced
    reset_settings()


def test_the_shared_secrets_are_derived_per_purpose(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    assert settings.action_server_token == derived_secret(settings.secret_key, "action-server")
    assert len({settings.action_server_token, settings.rasa_api_token, settings.secret_key}) == 3
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "set-explicitly")
    reset_settings()
    assert get_settings().action_server_token == "set-explicitly"
    reset_settings()
