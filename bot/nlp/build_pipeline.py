"""Build the project's spaCy pipeline: spacy.blank("en") + one entity ruler tagging `material`, `quantity`,
`container` and `city` (patterns: bot/nlp/pipeline_patterns.py). No model download, no database.

Run: `python -m bot.nlp.build_pipeline [--out build/spacy-cers] [--force]`. The output is rebuilt only when
its inputs change: the city list, the chemical library's sources (bot/chemicals/curated_products.yml, the
code that selects ChEDL compounds and the installed `chemicals` version), the pattern code and the spaCy
version. A stamp file (`cers-build.stamp`, copied to `.stamp` for scripts/bootstrap.sh's model hash) holds
the hash of those inputs. Pattern counts are written to the pipeline's meta.json (`cers_patterns`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from bot.config import REPO_ROOT

DEFAULT_OUT = REPO_ROOT / "build" / "spacy-cers"
STAMP_NAME = "cers-build.stamp"
STAMP_COPY = ".stamp"
CURATED_FILE = REPO_ROOT / "bot" / "chemicals" / "curated_products.yml"
EHS_FILE = REPO_ROOT / "bot" / "chemicals" / "data" / "ehs_40cfr355_appA.csv"
_CODE_INPUTS = (
    Path(__file__),
    Path(__file__).with_name("pipeline_patterns.py"),
    REPO_ROOT / "bot" / "chemicals" / "build.py",  # which ChEDL compounds are in the library
    REPO_ROOT / "bot" / "chemicals" / "normalize.py",
)


def ca_city_names() -> list[str]:
    """Every California city name known to the ZIP database (bot.geo when available)."""
    try:
        from bot.geo import ca_cities  # written by the core helper

        names = list(ca_cities())
    except ImportError:
        import zipcodes

        names = []
        for row in zipcodes.filter_by(state="CA"):
            names.append(row["city"])
            names.extend(row.get("acceptable_cities") or [])
    return sorted({n.strip() for n in names if n and n.strip()})


def inputs_hash(names: list[str]) -> str:
    """Hash of everything the pipeline is made from. The material names are a pure function of the curated
    YAML, the ChEDL selection code and the `chemicals` package, so those are hashed rather than the ~8,000
    names themselves (computing them takes ~10 s; this check runs on every bootstrap)."""
    digest = hashlib.sha256()
    for path in _CODE_INPUTS:
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    digest.update(CURATED_FILE.read_bytes())
    digest.update(EHS_FILE.read_bytes())
    for package in ("spacy", "chemicals"):  # no `import spacy` here: it loads TensorFlow (slow)
        digest.update(f"{package}=={metadata.version(package)}".encode())
    digest.update("\n".join(names).encode())
    return digest.hexdigest()


def current_inputs_hash() -> str:
    return inputs_hash(ca_city_names())


def is_up_to_date(out: Path, digest: str) -> bool:
    stamp = out / STAMP_NAME
    return stamp.exists() and stamp.read_text().strip() == digest and (out / "config.cfg").exists()


def make_nlp(cities: list[str]) -> Any:
    """The pipeline in memory: tokenizer rules for glued units, then the entity ruler with every pattern."""
    import spacy
    import yaml

    from bot.chemicals.build import chedl_entries, ehs_rows
    from bot.nlp import pipeline_patterns as pp

    nlp = spacy.blank("en")
    pp.tokenizer_rules(nlp)
    curated = yaml.safe_load(CURATED_FILE.read_text(encoding="utf-8"))
    # the whole EHS list (its own data file): "hydrogen fluoride" is one material, not "hydrogen" + a word
    curated["ehs"] = [{"name": row["name"], "cas": row["cas"]} for row in ehs_rows() if row["cas"]]
    materials = pp.material_names(curated, chedl_entries())
    city_keys = {" ".join(t.text.lower() for t in nlp.make_doc(c)) for c in cities}
    ambiguous = sorted(city_keys & set(materials.names))  # "boron": a town and an element
    patterns = {
        pp.MATERIAL: pp.material_patterns(materials),
        pp.QUANTITY: pp.quantity_patterns(),
        pp.CONTAINER: pp.container_patterns(),
        pp.CITY: pp.city_patterns(nlp, cities, set(ambiguous)),
        pp.SKIP: pp.blocker_patterns([name.split() for name in ambiguous], [k.split() for k in city_keys],
                                     [name for name in materials.names if " " not in name]),
    }
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True,
                                                 "validate": False})
    for group in patterns.values():
        ruler.add_patterns(group)  # type: ignore[attr-defined]
    nlp.meta["name"] = "cers"
    nlp.meta["description"] = "CERS Filing Assistant: blank English + entity ruler (bot/nlp/build_pipeline.py)"
    nlp.meta["cers_patterns"] = {label: len(group) for label, group in patterns.items()}
    nlp.meta["cers_material_sources"] = materials.counts
    nlp.meta["cers_city_material_names"] = ambiguous
    return nlp


def build(out: Path = DEFAULT_OUT, force: bool = False) -> bool:
    """Build the pipeline into `out`. Returns True when it was (re)built, False when already up to date."""
    names = ca_city_names()
    digest = inputs_hash(names)
    if not force and is_up_to_date(out, digest):
        return False
    nlp = make_nlp(names)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.to_disk(tmp)
    (tmp / STAMP_NAME).write_text(digest + "\n")
    (tmp / STAMP_COPY).write_text(digest + "\n")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return True


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = parser.parse_args(argv)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    start = time.perf_counter()
    built = build(out, force=args.force)
    report: dict[str, Any] = {"out": str(out), "built": built}
    if built:
        meta = json.loads((out / "meta.json").read_text())
        report.update(seconds=round(time.perf_counter() - start, 1), size_mb=round(directory_size(out) / 1e6, 1),
                      patterns=meta.get("cers_patterns"))
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
