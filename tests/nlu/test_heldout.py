"""The trained model on the held-out sets of real-user phrasings must not regress.

Two sets: tests/nlu/heldout.yml (the whole conversation) and tests/nlu/heldout_filing.yml (the Facility
Information and Inventory conversation: form answers, corrections, progress, inventory sentences).
Scored by the one model run that tests/nlu/conftest.py shares with the intent sets (a subprocess: TensorFlow
stays out of the test process) on CERS_MODEL or models/cers.tar.gz. The model tests are skipped when the model is
missing, unless CERS_REQUIRE_MODEL=1 (then they fail). The file checks (parse, size, intents, no overlap with the training data)
need no model and always run.
Floors sit a little below the measured figures (see the comments), so a real regression fails.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
HELDOUT_FILING = ROOT / "tests" / "nlu" / "heldout_filing.yml"
HELDOUT_FILES = (HELDOUT, HELDOUT_FILING)
ENTITY_TYPES = {"cers_id", "email", "phone", "zip", "street_number", "city"}  # annotated by people
ANNOTATION = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")  # [text](entity), the held-out sets' only form
MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")  # also [text]{"entity": ...} (training data)

# Old set: 0.900 with the 30 intents of issue 3; 0.78-0.82 with the 46 intents of issues 4-5 (runs differ by a few
# points from one training to the next; 16 new intents compete for
# the same short messages: "bakersfield" as switch_facility, "thats it for now gotta run" as pause_filing). The step
# forms do not rely on the intent for answers (actions/filing.py tells answers from digressions).
# Measured again after the messages that were also training examples were taken out of the training data and
# the term questions relabelled to ask_definition (54 intents, sentence-embedding featurizer): 0.805.
INTENT_ACCURACY_FLOOR = 0.75
ENTITY_F1_FLOOR = 0.88  # measured 0.955 (regexes + spaCy city ruler); city false positives cost the rest
# heldout_filing.yml: measured 0.845 intent accuracy (0.798 with the previous featurizers), entity F1 0.874
# (street_number regex and city ruler false positives: "2 tons", "Martinez").
FILING_INTENT_ACCURACY_FLOOR = 0.80
FILING_ENTITY_F1_FLOOR = 0.80
COMBINED_INTENT_ACCURACY_FLOOR = 0.78  # both files as one set; measured 0.829
FILING_MIN_MESSAGES = 300


def heldout_messages(path: Path) -> list[tuple[str, str]]:
    """(intent, message as written, annotations included) for every example of a held-out file."""
    out = []
    for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
        if "intent" not in block:
            continue
        examples = block.get("examples") or ""
        if isinstance(examples, list):  # the long form: - text: "..." (metadata allowed)
            out += [(block["intent"], str(e.get("text", "")).strip()) for e in examples if isinstance(e, dict)]
            continue
        for line in examples.splitlines():
            if line.strip().startswith("- "):
                out.append((block["intent"], line.strip()[2:].strip()))
    return out


def plain(message: str) -> str:
    """The message without entity markup, lower-case, whitespace collapsed (how overlap is compared)."""
    return " ".join(MARKUP.sub(r"\1", message).lower().split())


@pytest.fixture(scope="module")
def scores(model_figures: dict) -> dict:
    """This file's part of the shared model run (tests/nlu/conftest.py); the report lists the held-out misses."""
    files = {Path(section["path"]).resolve(): section for section in model_figures["files"].values()}
    summary, filing = files[HELDOUT.resolve()], files[HELDOUT_FILING.resolve()]
    misses = [f"{m['text']!r}: {m['gold']} -> {m['predicted']}"
              for section in (summary, filing) for m in section.get("misclassified", [])]
    return {"combined": model_figures, "summary": summary, "filing": filing,
            "report": model_figures["report"] + "\nmisclassified:\n" + "\n".join(misses)}


# --- file checks: no model needed -------------------------------------------------------------------------------

def test_heldout_sets_cover_every_intent_of_the_domain() -> None:
    """Every intent has held-out messages: here, or in set A written apart (tests/apart/set_a), which was written
    for the intents added with the second half of the filing (ask_ehs, finish_inventory, upload_document...)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    covered = {intent for path in HELDOUT_FILES for intent, _ in heldout_messages(path)}
    set_a = ROOT / "tests" / "apart" / "set_a" / "intents.jsonl"
    covered |= {json.loads(line)["intent"] for line in set_a.read_text().splitlines() if line.strip()}
    assert set(domain["intents"]) <= covered, set(domain["intents"]) - covered
    assert len(heldout_messages(HELDOUT)) >= 200


def test_heldout_sets_use_only_domain_intents_and_entities() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    for path in HELDOUT_FILES:
        for intent, message in heldout_messages(path):
            assert intent in domain["intents"], (path.name, intent, message)
            for value, entity in ANNOTATION.findall(message):
                assert entity in ENTITY_TYPES and entity in domain["entities"], (path.name, entity, message)
                assert value.strip() == value and value, (path.name, message)  # spans without padding
            rest = ANNOTATION.sub("", message)
            assert "[" not in rest and "](" not in rest, ("broken annotation", path.name, message)


def test_filing_set_is_large_and_covers_the_form_replies() -> None:
    messages = heldout_messages(HELDOUT_FILING)
    counts: dict[str, int] = {}
    for intent, _ in messages:
        counts[intent] = counts.get(intent, 0) + 1
    assert len(messages) >= FILING_MIN_MESSAGES, len(messages)
    new_intents = ("where_am_i", "continue_filing", "pause_filing", "switch_facility", "correct_field", "go_back",
                   "explain_question", "skip_question", "ask_thresholds", "start_inventory", "add_chemical",
                   "list_chemicals", "remove_chemical", "change_chemical", "upload_inventory", "export_inventory")
    for intent in new_intents:
        # explain_question lost the questions naming a term to ask_definition when the intents split
        low = 8 if intent == "explain_question" else 12
        assert low <= counts.get(intent, 0) <= 25, (intent, counts.get(intent, 0))
    for intent in ("affirm", "deny", "inform"):  # answers inside the forms weigh most
        assert counts.get(intent, 0) >= 25, (intent, counts.get(intent, 0))
    annotated = {entity for _, message in messages for _, entity in ANNOTATION.findall(message)}
    assert {"phone", "email", "zip", "city", "street_number", "cers_id"} <= annotated


def test_heldout_messages_are_unique_within_and_across_the_sets() -> None:
    seen: dict[str, str] = {}
    for path in HELDOUT_FILES:
        for intent, message in heldout_messages(path):
            key = plain(message)
            assert key not in seen, (f"{path.name} {intent}: {message!r} also in {seen.get(key)}")
            seen[key] = f"{path.name} {intent}"


def test_heldout_messages_are_not_training_examples() -> None:
    training = {plain(m) for p in (ROOT / "data" / "nlu").glob("*.yml") for _, m in heldout_messages(p)}
    assert training, "no training examples found under data/nlu"
    for path in HELDOUT_FILES:
        copied = sorted(m for _, m in heldout_messages(path) if plain(m) in training)
        assert not copied, (path.name, copied)


def test_evaluator_reads_the_filing_set_as_annotated() -> None:
    """The evaluation loads the file with Rasa's own reader: same messages, entity spans on the marked text."""
    from bot.nlp.evaluate import load_examples

    examples = load_examples(HELDOUT_FILING)
    messages = heldout_messages(HELDOUT_FILING)
    assert [(e.intent, e.text) for e in examples] == [(i, ANNOTATION.sub(r"\1", m)) for i, m in messages]
    for example, (_, message) in zip(examples, messages):
        marked = sorted((entity, value) for value, entity in ANNOTATION.findall(message))
        got = sorted((entity, example.text[start:end]) for entity, start, end in example.entities)
        assert got == marked, message


# --- model scores ------------------------------------------------------------------------------------------------

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


def test_filing_set_intent_accuracy(scores: dict) -> None:
    filing = scores["filing"]
    assert filing["messages"] >= FILING_MIN_MESSAGES
    assert filing["intent_accuracy"] >= FILING_INTENT_ACCURACY_FLOOR, scores["report"]


def test_filing_set_entity_f1(scores: dict) -> None:
    assert scores["filing"]["entity_f1"] >= FILING_ENTITY_F1_FLOOR, scores["report"]


def test_combined_intent_accuracy(scores: dict) -> None:
    combined = scores["combined"]
    assert combined["messages"] == scores["summary"]["messages"] + scores["filing"]["messages"]
    assert combined["intent_accuracy"] >= COMBINED_INTENT_ACCURACY_FLOOR, scores["report"]
