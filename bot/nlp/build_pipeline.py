"""Build the project's spaCy pipeline: spacy.blank("en") + an entity ruler of California city names.

Run: `python -m bot.nlp.build_pipeline [--out build/spacy-cers] [--force]`. The output is rebuilt only when
its inputs (city list, this file, spaCy version) change; a stamp file holds the hash of those inputs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from importlib import metadata
from pathlib import Path

from bot.config import REPO_ROOT

DEFAULT_OUT = REPO_ROOT / "build" / "spacy-cers"
STAMP_NAME = "cers-build.stamp"
LABEL = "city"


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


def _patterns(nlp, names: list[str]) -> list[dict]:  # type: ignore[no-untyped-def]
    """Case-insensitive token patterns: "fresno", "Fresno" and "FRESNO" all match; id = canonical name."""
    patterns = []
    for name in names:
        tokens = [t.text.lower() for t in nlp.make_doc(name)]
        patterns.append({"label": LABEL, "pattern": [{"LOWER": t} for t in tokens], "id": name})
    return patterns


def inputs_hash(names: list[str]) -> str:
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update(metadata.version("spacy").encode())  # no `import spacy` here: it loads TensorFlow (slow)
    digest.update("\n".join(names).encode())
    return digest.hexdigest()


def is_up_to_date(out: Path, digest: str) -> bool:
    stamp = out / STAMP_NAME
    return stamp.exists() and stamp.read_text().strip() == digest and (out / "config.cfg").exists()


def build(out: Path = DEFAULT_OUT, force: bool = False) -> bool:
    """Build the pipeline into `out`. Returns True when it was (re)built, False when already up to date."""
    names = ca_city_names()
    digest = inputs_hash(names)
    if not force and is_up_to_date(out, digest):
        return False
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": None, "overwrite_ents": True})
    ruler.add_patterns(_patterns(nlp, names))  # type: ignore[attr-defined]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.to_disk(tmp)
    (tmp / STAMP_NAME).write_text(digest + "\n")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = parser.parse_args(argv)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    built = build(out, force=args.force)
    print(json.dumps({"out": str(out), "built": built}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
