"""One run of the trained model for every NLU test that needs it: the held-out YAML files (tests/nlu) and the
intent sets written apart (tests/apart/*/intents.jsonl) are scored by a single `python -m bot.nlp.evaluate`
subprocess (TensorFlow stays out of the test process; the model is loaded once, not once per file)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("CERS_MODEL") or ROOT / "models" / "cers.tar.gz")
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
HELDOUT_FILING = ROOT / "tests" / "nlu" / "heldout_filing.yml"
HELDOUT_FILES = (HELDOUT, HELDOUT_FILING)
APART = ROOT / "tests" / "apart"
INTENT_SETS = ("set_a", "set_b")


def require_model() -> None:
    if not MODEL.is_file():
        if os.environ.get("CERS_REQUIRE_MODEL") == "1":
            pytest.fail(f"no trained model at {MODEL} (CERS_REQUIRE_MODEL=1): run the set-up step")
        pytest.skip(f"no trained model at {MODEL} (run scripts/bootstrap.sh)")


@pytest.fixture(scope="session")
def model_figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The figures file of one evaluation run: the held-out files' summary with "files", and "sets" (the intent
    sets). --quiet: misses are not printed (set B's must stay unread)."""
    require_model()
    out = tmp_path_factory.mktemp("nlu") / "figures.json"
    args = [arg for path in HELDOUT_FILES for arg in ("--data", str(path))]
    args += [arg for name in INTENT_SETS for arg in ("--intents", str(APART / name / "intents.jsonl"))]
    proc = subprocess.run([sys.executable, "-m", "bot.nlp.evaluate", "--model", str(MODEL), *args, "--quiet",
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {**json.loads(out.read_text()), "report": proc.stdout}
