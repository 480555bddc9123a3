"""Rasa test stories (tests/stories/*.yml) against the trained model and the real action server."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.servers import ROOT, VENV_BIN, Stack, write_endpoints

pytestmark = pytest.mark.e2e


def test_rasa_test_stories_pass(stack: Stack, tmp_path: Path) -> None:
    stories = sorted((ROOT / "tests" / "stories").glob("*.yml"))
    assert stories, "no Rasa test stories in tests/stories"
    endpoints = tmp_path / "endpoints.yml"
    write_endpoints(endpoints, stack.actions_url, tmp_path / "tracker.db")
    out = tmp_path / "results"
    proc = subprocess.run(
        [
            str(VENV_BIN / "rasa"), "test", "core", "--model", str(ROOT / "models" / "cers.tar.gz"),
            "--stories", str(ROOT / "tests" / "stories"), "--endpoints", str(endpoints),
            "--out", str(out), "--fail-on-prediction-errors", "--no-plot",
        ],
        cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=900,
    )
    failed = out / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else ""
    assert proc.returncode == 0, f"rasa test core failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}\n{detail[-6000:]}"
    assert failed.exists(), "rasa test core wrote no results"
    assert "None of the test stories failed" in detail, detail
