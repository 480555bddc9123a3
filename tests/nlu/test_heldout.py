"""The trained model on the held-out set of real-user phrasings (tests/nlu/heldout.yml) must not regress.

Runs `python -m bot.nlp.evaluate` in a subprocess (keeps TensorFlow out of the test process) on
CERS_MODEL or models/cers.tar.gz. Skipped when the model is missing, unless CERS_REQUIRE_MODEL=1.
Floors sit a little below the measured figures (see the comments), so a real regression fails.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
MODEL = Path(os.environ.get("CERS_MODEL") or ROOT / "models" / "cers.tar.gz")

INTENT_ACCURACY_FLOOR = 0.84  # measured 0.900 on 251 messages (issue 3); before the NLU work: 0.725
ENTITY_F1_FLOOR = 0.88  # measured 0.94 (regexes + spaCy city ruler); city false positives cost the rest


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not MODEL.is_file():
        if os.environ.get("CERS_REQUIRE_MODEL") == "1":
            pytest.fail(f"no trained model at {MODEL} (CERS_REQUIRE_MODEL=1)")
        pytest.skip(f"no trained model at {MODEL}")
    out = tmp_path_factory.mktemp("nlu") / "scores.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bot.nlp.evaluate", "--model", str(MODEL), "--data", str(HELDOUT),
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"summary": json.loads(out.read_text()), "report": proc.stdout}


def test_heldout_set_covers_every_intent_of_the_domain() -> None:
    import yaml

    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    heldout = yaml.safe_load(HELDOUT.read_text())
    covered = {block["intent"] for block in heldout["nlu"] if "intent" in block}
    total = sum(len([l for l in b["examples"].splitlines() if l.strip().startswith("- ")]) for b in heldout["nlu"])
    assert set(domain["intents"]) <= covered, set(domain["intents"]) - covered
    assert total >= 200


def test_heldout_messages_are_not_training_examples() -> None:
    import re

    import yaml

    def texts(path: Path) -> set[str]:
        out = set()
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- ") and "intent" in block:
                    out.add(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:]).strip().lower())
        return out

    training = set().union(*(texts(p) for p in (ROOT / "data" / "nlu").glob("*.yml")))
    assert not texts(HELDOUT) & training


def test_intent_accuracy_does_not_regress(scores: dict) -> None:
    accuracy = scores["summary"]["intent_accuracy"]
    assert accuracy >= INTENT_ACCURACY_FLOOR, scores["report"]


def test_entity_f1_does_not_regress(scores: dict) -> None:
    summary = scores["summary"]
    assert summary["entity_f1"] >= ENTITY_F1_FLOOR, scores["report"]
    for name in ("cers_id", "email", "phone", "zip"):
        assert summary["entities"][name]["f1"] >= 0.95, (name, scores["report"])


def test_the_brief_example_is_understood(scores: dict) -> None:
    """The message that started issue 3's NLU work must not fall back any more."""
    missed = {m["text"]: m["predicted"] for m in scores["summary"]["misclassified"]}
    assert "hello, we have a dry cleaner and need to do the hazmat thing" not in missed
