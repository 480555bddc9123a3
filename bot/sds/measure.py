"""How well `bot.sds.extract.read_sds` reads a set of Safety Data Sheets: per field, the share read right.

    python -m bot.sds.measure DIR            # DIR/*.pdf, each with DIR/<same stem>.json
    python -m bot.sds.measure tests.sds_layouts   # a module with write(dir): its PDFs are written, then read

The expected JSON of one PDF: {"product_name", "components": [{"cas", "name", "percent_high"}],
"physical_state": "solid"|"liquid"|"gas"|null, "cers_hazards": [...]} (hazards as "fire", "reactive",
"pressure_release", "acute_health", "chronic_health"; "Fire", "Pressure release" or "fhc_fire" read the same).
A component counts as found when its CAS number matches (by name when the expected one has no CAS); a read
component that matches none expected is "extra" (a wrong component is worse than a missing one). Reads only.
"""
from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from bot.sds.extract import SdsComponent, SdsReading, read_sds
from bot.sds.hazards import CERS_HAZARD_WORDS

FIELDS = ("product_name", "components_found", "percentages", "physical_state", "cers_hazards", "all_fields")


def _norm(text: Optional[str]) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()


def hazard_key(word: str) -> str:
    """One key per CERS hazard category, whatever the spelling: "Fire", "fhc_fire", "FHCFire" -> "fire";
    "Pressure release", "pressure_release", "pressure" -> "pressure"; "acute_health", "Acute health", "acute" ->
    "acute" (the expected files name the five categories fire, reactive, pressure, acute, chronic)."""
    key = re.sub(r"[^a-z]", "", word.lower()).removeprefix("fhc")
    return key.removesuffix("release").removesuffix("health")


def _same_name(a: str, b: str) -> bool:
    na, nb = _norm(a), _norm(b)
    return bool(na) and (na == nb or na in nb or nb in na)


def _match(expected: dict[str, Any], read: list[SdsComponent]) -> Optional[SdsComponent]:
    for c in read:
        if expected.get("cas"):
            if c.cas == expected["cas"]:
                return c
        elif c.cas is None and _same_name(expected.get("name") or "", c.name):
            return c
    return None


@dataclass
class Score:
    right: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FIELDS})
    total: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FIELDS})
    extra_components: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, key: str, ok: bool, n: int = 1, total: int = 1) -> None:
        self.right[key] += n if ok else 0
        self.total[key] += total
        if not ok:
            self.misses.append(f"{name}: {key}")


def score_one(name: str, expected: dict[str, Any], r: SdsReading, s: Score) -> None:
    all_ok = True
    ok = _norm(expected.get("product_name")) == _norm(r.product_name)
    s.add(name, "product_name", ok)
    all_ok &= ok
    comps = expected.get("components") or []
    matched = [(e, _match(e, r.components)) for e in comps]
    found = sum(m is not None for _, m in matched)
    s.right["components_found"] += found
    s.total["components_found"] += len(comps)
    extra = [c for c in r.components if not any(m is c for _, m in matched)]
    s.extra_components += len(extra)
    if found < len(comps) or extra:
        s.misses.append(f"{name}: components ({found}/{len(comps)} found, {len(extra)} extra)")
    pct_ok = sum(m is not None and _same_percent(e.get("percent_high"), m.percent_high) for e, m in matched)
    s.right["percentages"] += pct_ok
    s.total["percentages"] += len(comps)
    if pct_ok < len(comps):
        s.misses.append(f"{name}: percentages ({pct_ok}/{len(comps)})")
    all_ok &= found == len(comps) and not extra and pct_ok == len(comps)
    ok = (str(expected.get("physical_state") or "").strip().lower() or None) == r.physical_state
    s.add(name, "physical_state", ok)
    all_ok &= ok
    want = {hazard_key(h) for h in expected.get("cers_hazards") or []}
    got = {hazard_key(CERS_HAZARD_WORDS.get(h, h)) for h in r.cers_hazards}
    ok = want == got
    s.add(name, "cers_hazards", ok)
    all_ok &= ok
    s.add(name, "all_fields", all_ok)


def _same_percent(a: Any, b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - b) < 0.005


def measure(directory: Path) -> Score:
    s = Score()
    for pdf in sorted(directory.glob("*.pdf")):
        expected_path = pdf.with_suffix(".json")
        if not expected_path.exists():
            continue
        expected = json.loads(expected_path.read_text())
        try:
            reading = read_sds(pdf.read_bytes())
        except Exception as exc:  # a file pypdf can't open is a miss on every field, not a crash of the measure
            reading = SdsReading(has_text=False, notes=[f"not readable: {exc.__class__.__name__}"])
        score_one(pdf.stem, expected, reading, s)
    return s


def report(s: Score, show_misses: bool = True) -> str:
    docs = s.total["product_name"]
    lines = [f"{docs} SDS files"]
    for f in FIELDS:
        t = s.total[f]
        lines.append(f"{f:18} {s.right[f]:4}/{t:<4} {100 * s.right[f] / t if t else 0:5.1f}%")
    lines.append(f"extra components (read but not on the sheet's list): {s.extra_components}")
    if show_misses:
        lines += [f"  miss: {m}" for m in s.misses]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Score the SDS reader on a set of PDFs with their expected readings.")
    parser.add_argument("target", nargs="?", default="tests.sds_layouts",
                        help="a directory of *.pdf with same-stem *.json, or a module whose write(dir) makes one")
    parser.add_argument("--quiet", action="store_true",
                        help="figures only, no list of misses (for a sealed set: measure it, don't tune on it)")
    args = parser.parse_args(argv)
    path = Path(args.target)
    if path.is_dir():
        print(report(measure(path), show_misses=not args.quiet))
        return 0
    if not args.target.replace(".", "").replace("_", "").isalnum():
        print(f"No directory or module named {args.target}.", file=sys.stderr)
        return 2
    module = importlib.import_module(args.target)
    with tempfile.TemporaryDirectory() as tmp:
        module.write(Path(tmp))
        print(report(measure(Path(tmp)), show_misses=not args.quiet))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
