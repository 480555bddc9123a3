"""The evaluation command on the sets written apart (tests/apart/): it reads any set file in the documented
formats, prints per set its size, date and status, writes one prediction per inventory sentence, and the
figures stay above floors set a few points under honest runs (a regression fails; noise does not).

Set A was read while tuning (its figures are "seen"); set B was kept unseen until the final measurement.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import REPO_ROOT

APART = REPO_ROOT / "tests" / "apart"

# Floors: a few points under the figures measured at the commit that set them (README, "Understanding, measured").
# set A (seen), at commit 225990e: material 0.821, wrong 0.011, total 0.963, all fields 0.718, questions 1.0,
# intents 0.911
FLOORS = {
    "set_a": {"inventory": {"material_right": 0.76, "material_wrong_max": 0.03, "total_right": 0.92,
                            "all_fields_right": 0.66},
              "questions": {"all_facts_right": 0.95},
              "intents": {"intent_accuracy": 0.88}},
    # set B, measured once at commit 225990e without tuning against it: material 0.744, wrong 0.017, total
    # 0.897, all fields 0.581, questions 0.880, intents 0.915
    "set_b": {"inventory": {"material_right": 0.70, "material_wrong_max": 0.03, "total_right": 0.86,
                            "all_fields_right": 0.54},
              "questions": {"all_facts_right": 0.84},
              "intents": {"intent_accuracy": 0.88}},
}


def _library_loaded() -> bool:
    from sqlalchemy import func, select

    from bot.db import session_scope
    from bot.models import Chemical

    try:
        with session_scope() as db:
            return (db.execute(select(func.count()).select_from(Chemical)).scalar() or 0) > 10_000
    except Exception:  # noqa: BLE001 - no database here
        return False


def _run(args: list[str], env: dict[str, str]) -> tuple[str, dict]:
    out = subprocess.run([sys.executable, "-m", "bot.nlp.evaluate", *args, "--quiet", "--json"], cwd=REPO_ROOT,
                         env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    last = out.stdout.strip().splitlines()[-1]
    return out.stdout, json.loads(last)


@pytest.fixture
def dev_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The developer database (loaded with the whole chemical library by the set-up step)."""
    env = dict(os.environ)
    env["DATABASE_URL"] = os.environ.get("CERS_EVAL_DATABASE_URL", f"sqlite:///{REPO_ROOT / 'var' / 'cers.db'}")
    monkeypatch.setenv("DATABASE_URL", env["DATABASE_URL"])
    from bot.config import reset_settings
    from bot.db import reset_engines

    reset_settings()
    reset_engines()
    if not _library_loaded():
        if os.environ.get("CERS_REQUIRE_MODEL") == "1":
            pytest.fail("the chemical library is not loaded in var/cers.db: run the set-up step")
        pytest.skip("the chemical library is not loaded (run scripts/bootstrap.sh)")
    return env


@pytest.mark.parametrize("name", ["set_a", "set_b"])
def test_inventory_and_questions_sets(name: str, dev_env: dict[str, str], tmp_path: Path) -> None:
    inventory, questions = APART / name / "inventory.jsonl", APART / name / "questions.jsonl"
    predictions = tmp_path / "predictions.jsonl"
    text, figures = _run(["--inventory", str(inventory), "--questions", str(questions),
                          "--predictions", str(predictions)], dev_env)
    assert "size" in text and ("seen" in text or "fresh" in text)
    sets = {s["kind"]: s for s in figures["sets"]}
    inv, qs = sets["inventory"], sets["questions"]
    lines = [line for line in inventory.read_text().splitlines() if line.strip() and not line.startswith("#")]
    written = predictions.read_text().splitlines()
    assert len(written) == len(lines) == inv["size"]
    first = json.loads(written[0])
    assert set(first) >= {"text", "material", "cas", "amount", "unit", "container", "location", "confident",
                          "candidates"}
    assert first["text"] == json.loads(lines[0])["text"]
    floor = FLOORS[name]
    assert inv["material_right"] >= floor["inventory"]["material_right"], inv
    assert inv["material_wrong"] <= floor["inventory"]["material_wrong_max"], inv
    assert inv["total_right"] >= floor["inventory"]["total_right"], inv
    assert inv["all_fields_right"] >= floor["inventory"]["all_fields_right"], inv
    assert qs["all_facts_right"] >= floor["questions"]["all_facts_right"], qs


def test_any_set_file_in_the_documented_format_is_read(dev_env: dict[str, str], tmp_path: Path) -> None:
    """A set written later, by anyone: comment lines at the top, then one JSON object per line."""
    f = tmp_path / "mine.jsonl"
    f.write_text("# status: fresh\n# written: 2026-12-06\n" + json.dumps(
        {"text": "two 55 gallon drums of acetone in the paint room", "material": "acetone", "cas": "67-64-1",
         "amount": 110, "unit": "gallons", "container": "SCSteelDrum", "location": "paint room"}) + "\n")
    text, figures = _run(["--inventory", str(f)], dev_env)
    [inv] = figures["sets"]
    assert inv["size"] == 1 and inv["status"] == "fresh" and inv["written"] == "2026-12-06"
    assert inv["all_fields_right"] == 1.0


def test_intent_sets_with_the_trained_model(model_figures: dict) -> None:
    """Both intent sets, scored in the model run shared with the held-out files (tests/nlu/conftest.py): the top
    intent of every message, a prediction under the fallback threshold counted as wrong."""
    names = ["set_a", "set_b"]
    figures = {"sets": [s for s in model_figures["sets"] if s["kind"] == "intents"]}
    scored = {Path(s["set"]).parent.name: s for s in figures["sets"]}
    assert set(scored) == set(names), figures
    for name in names:
        assert scored[name]["size"] >= 200, scored[name]
        assert scored[name]["intent_accuracy"] >= FLOORS[name]["intents"]["intent_accuracy"], scored[name]
