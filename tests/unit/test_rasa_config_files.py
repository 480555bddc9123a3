"""The repository's endpoints.yml and credentials.yml, read by Rasa's own readers: Rasa sends the action
server's shared header (from ACTION_SERVER_TOKEN), uses the tracker store that never writes a secret, and
opens no channel but REST (the web server's)."""
from __future__ import annotations

import pytest
import yaml

from bot.config import REPO_ROOT


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints.env.yml"])
def test_rasa_sends_the_action_servers_header_and_uses_the_redacting_store(name: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rasa.utils.endpoints import read_endpoint_config

    for var in ("ACTION_ENDPOINT_URL", "TRACKER_DB_DIALECT", "TRACKER_DB_URL", "TRACKER_DB_PORT", "TRACKER_DB",
                "TRACKER_DB_USER", "TRACKER_DB_PASSWORD"):
        monkeypatch.setenv(var, "5432" if var.endswith("PORT") else "x")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "the-shared-secret")
    action = read_endpoint_config(str(REPO_ROOT / name), "action_endpoint")
    assert action.headers == {"X-CERS-Action-Token": "the-shared-secret"}  # expanded, not "${...}"
    store = read_endpoint_config(str(REPO_ROOT / name), "tracker_store")
    assert store.type == "rasa_addons.tracker_store.RedactingSQLTrackerStore"


def test_the_rest_channel_is_the_only_door_into_rasa() -> None:
    channels = yaml.safe_load((REPO_ROOT / "credentials.yml").read_text())
    assert list(channels) == ["rest"]
