"""Score `parse_inventory_sentence` on the held-out sentences: per-field accuracy and the misses.

Run: `python -m bot.nlp.evaluate_inventory [--data tests/nlp/heldout_inventory_sentences.yml] [--quiet]`.
Fields: material (text as written, lower-case), amount+unit (total within 1% and the same CERS unit; "not stated"
must be None), container (storage-container column), location (lower-case, leading "in/at/on the" dropped).
Runs without a database (db=None): it measures the sentence understanding, not the library.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Optional

import yaml

from bot.config import REPO_ROOT

DEFAULT_DATA = REPO_ROOT / "tests" / "nlp" / "heldout_inventory_sentences.yml"
FIELDS = ("material", "amount+unit", "container", "location")


def _norm(s: Optional[str]) -> Optional[str]:
    if s is None:
        return None
    s = re.sub(r"\s+", " ", s.lower()).strip(" .,")
    s = re.sub(r"^(?:(?:in|at|on|inside)\s+)?(?:(?:the|our|my|a)\s+)?", "", s)
    return s or None


def _alternatives(value: Any) -> list[Optional[str]]:
    return [_norm(v) for v in value] if isinstance(value, list) else [_norm(value)]


def score(example: dict[str, Any], parsed: Any) -> dict[str, bool]:
    amount_ok = (example["amount"] is None and parsed.amount is None) or (
        example["amount"] is not None and parsed.amount is not None and parsed.unit == example["unit"]
        and abs(parsed.amount - float(example["amount"])) <= 0.01 * abs(float(example["amount"])) + 1e-6)
    return {
        "material": _norm(parsed.material_text) in _alternatives(example["material"]),
        "amount+unit": amount_ok,
        "container": parsed.container_code == example["container"],
        "location": _norm(parsed.location) in _alternatives(example["location"]),
    }


def load(path: Path) -> list[dict[str, Any]]:
    return list(yaml.safe_load(path.read_text())["sentences"])


def evaluate(path: Path = DEFAULT_DATA) -> tuple[dict[str, float], list[tuple[dict[str, Any], Any, dict[str, bool]]]]:
    """(accuracy per field, [(example, parsed, per-field ok)])."""
    from bot.nlp.inventory_sentence import parse_inventory_sentence

    rows = []
    for example in load(path):
        parsed = parse_inventory_sentence(example["text"])
        rows.append((example, parsed, score(example, parsed)))
    accuracy = {f: sum(r[2][f] for r in rows) / len(rows) for f in FIELDS}
    accuracy["all fields"] = sum(all(r[2].values()) for r in rows) / len(rows)
    return accuracy, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--quiet", action="store_true", help="only the accuracy table")
    args = parser.parse_args(argv)
    accuracy, rows = evaluate(args.data)
    if not args.quiet:
        for example, parsed, ok in rows:
            bad = [f for f in FIELDS if not ok[f]]
            if bad:
                got = {"material": parsed.material_text, "amount": parsed.amount, "unit": parsed.unit,
                       "container": parsed.container_code, "location": parsed.location}
                print(f"MISS {bad}: {example['text']!r}\n     got {json.dumps(got)}")
    print(f"{len(rows)} sentences")
    for name, value in accuracy.items():
        print(f"{name:<12} {value:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
