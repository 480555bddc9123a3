"""Build the chemical library in the database: `python -m bot.chemicals.build [--database-url URL]`.

Sources:
- ChEDL's `chemicals` package (offline): every compound of its PubChem-derived identifier tables that has a
  CAS number, a common name and a MEASURED melting or boiling point (Joback estimates are ignored), i.e.
  about 20,000 compounds; physical state at 20 C from those points; up to 8 short synonyms each.
- bot/chemicals/curated_products.yml: products and mixtures with their hazardous components, extra synonyms,
  and the EHS list with Threshold Planning Quantities.

Idempotent: rows are keyed (`chemicals.key`), only what changed is written, rows no longer in the sources
are deleted (inventory lines keep their data; their `chemical_id` becomes NULL).
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from bot.chemicals.normalize import normalize_name, parse_cas
from bot.models import Chemical, ChemicalComponent, ChemicalSynonym

CURATED_FILE = Path(__file__).with_name("curated_products.yml")
ROOM_K = 293.15  # 20 C
MAX_SYNONYMS = 8
_IDENTIFIER_FILES = ("chemical identifiers pubchem small.tsv", "chemical identifiers pubchem large.tsv",
                     "Inorganic db.tsv")
_T_SOURCE_ORDER = ("CRC_ORG", "CRC_INORG", "WEBBOOK", "COMMON_CHEMISTRY", "WIKIDATA", "OPEN_NTBKM", "YAWS")


@dataclass
class Entry:
    key: str
    name: str
    source: str
    kind: str = "pure"
    cas: Optional[str] = None
    formula: Optional[str] = None
    physical_state: Optional[str] = None
    ehs: bool = False
    tpq_lb: Optional[float] = None
    threshold_rule: Optional[str] = None
    fire_classes: Optional[list[int]] = None
    notes: Optional[str] = None
    synonyms: list[str] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name[:500], "cas": self.cas, "formula": (self.formula or None) and self.formula[:100],
            "physical_state": self.physical_state, "ehs": self.ehs, "tpq_lb": self.tpq_lb, "kind": self.kind,
            "source": self.source, "threshold_rule": self.threshold_rule, "fire_classes": self.fire_classes,
            "notes": self.notes,
        }


def state_at_room_temperature(tm: Optional[float], tb: Optional[float]) -> Optional[str]:
    """a (solid), b (liquid), c (gas) at 20 C from melting/boiling points in kelvin; None when unknown."""
    if tm is not None and tm > ROOM_K:
        return "a"
    if tb is not None and tb <= ROOM_K:
        return "c"
    if tm is not None and tb is not None:
        return "b"
    return None


def _transition_points() -> tuple[dict[str, float], dict[str, float]]:
    """Measured melting and boiling points (K) by CAS, best source first."""
    from chemicals import phase_change

    def collect(sources: dict, column: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for name in reversed(_T_SOURCE_ORDER):  # better sources overwrite
            frame = sources.get(name)
            if frame is None or column not in frame:
                continue
            series = frame[column].dropna()
            out.update({str(k): float(v) for k, v in series.items()})
        return out

    return collect(phase_change.Tm_sources, "Tm"), collect(phase_change.Tb_sources, "Tb")


def _good_synonym(s: str) -> bool:
    letters = sum(c.isalpha() for c in s)
    digits = sum(c.isdigit() for c in s)
    return 3 <= len(s) <= 60 and letters >= 3 and digits <= 8 and "(van)" not in s and "(8ci)" not in s \
        and "(9ci)" not in s and not s.startswith(("stk", "zinc", "akos", "nsc", "ccris", "hsdb", "einecs", "unii"))


def chedl_entries() -> list[Entry]:
    """Pure substances from ChEDL with a CAS, a common name and a measured melting or boiling point."""
    import chemicals

    tm, tb = _transition_points()
    folder = Path(chemicals.__file__).parent / "Identifiers"
    entries: dict[str, Entry] = {}
    for filename in _IDENTIFIER_FILES:
        path = folder / filename
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 9:
                    continue
                cas, formula, common = parts[1], parts[2], parts[8].strip()
                if parse_cas(common) is not None or sum(c.isalpha() for c in common) < 2:
                    common = parts[7].strip()  # some common names are just the CAS number: use the IUPAC name
                if cas in entries or not common or (cas not in tm and cas not in tb):
                    continue
                if parse_cas(cas) is None:
                    continue
                names: list[str] = []
                for raw in [common, parts[7], *parts[9:]]:
                    norm = normalize_name(raw)
                    if norm and norm not in names and (raw is common or _good_synonym(raw)):
                        names.append(norm)
                    if len(names) >= MAX_SYNONYMS:
                        break
                entries[cas] = Entry(
                    key=f"cas:{cas}", name=common[:1].upper() + common[1:], source="chedl", cas=cas,
                    formula=formula, physical_state=state_at_room_temperature(tm.get(cas), tb.get(cas)),
                    synonyms=names,
                )
    return list(entries.values())


def curated_entries(data: dict[str, Any], chedl: dict[str, Entry]) -> list[Entry]:
    """Products from the curated file; also marks EHS and adds synonyms on the ChEDL entries (by CAS)."""
    out: list[Entry] = []
    ehs_by_cas = {str(e["cas"]): e for e in data.get("ehs", [])}
    for cas, names in (data.get("synonyms") or {}).items():
        entry = chedl.get(str(cas))
        if entry is not None:
            for name in names:
                norm = normalize_name(str(name))
                if norm not in entry.synonyms:
                    entry.synonyms.insert(0, norm)
    for cas, ehs in ehs_by_cas.items():
        entry = chedl.get(cas)
        if entry is None:  # not in the ChEDL subset: add it so every EHS can be found
            entry = Entry(key=f"cas:{cas}", name=str(ehs["name"]), source="curated", cas=cas,
                          synonyms=[normalize_name(str(ehs["name"]))])
            chedl[cas] = entry
            out.append(entry)
        entry.ehs, entry.tpq_lb = True, float(ehs["tpq_lb"])
    for product in data.get("products", []):
        synonyms = [normalize_name(product["name"])]
        for name in product.get("synonyms", []):
            norm = normalize_name(str(name))
            if norm and norm not in synonyms:
                synonyms.append(norm)
        components = []
        for i, comp in enumerate(product.get("components", []), start=1):
            ccas = str(comp["cas"]) if comp.get("cas") else None
            components.append({
                "position": i, "name": str(comp["name"]), "cas": ccas,
                "percent": float(comp["percent"]) if comp.get("percent") is not None else None,
                "ehs": bool(comp.get("ehs", ccas in ehs_by_cas)),
            })
        cas = str(product["cas"]) if product.get("cas") else None
        ehs = ehs_by_cas.get(cas) if cas else None
        base = chedl.get(cas) if cas else None
        out.append(Entry(
            key=f"product:{product['key']}", name=str(product["name"]), source="curated",
            kind=str(product.get("kind", "product")), cas=cas, formula=base.formula if base else None,
            physical_state=product.get("physical_state"), ehs=ehs is not None,
            tpq_lb=float(ehs["tpq_lb"]) if ehs else None, threshold_rule=product.get("threshold_rule"),
            fire_classes=product.get("fire_classes"), notes=product.get("notes"), synonyms=synonyms,
            components=components,
        ))
    return out


def library_entries(include_chedl: bool = True) -> list[Entry]:
    data = yaml.safe_load(CURATED_FILE.read_text(encoding="utf-8"))
    chedl_list = chedl_entries() if include_chedl else []
    chedl = {e.cas: e for e in chedl_list if e.cas}
    curated = curated_entries(data, chedl)
    return curated + chedl_list


def _in_chunks(rows: list[dict[str, Any]], size: int = 5000) -> Iterable[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def load(conn: Connection, entries: list[Entry]) -> dict[str, int]:
    """Write `entries` into the library tables (only differences). Returns counts of what was done."""
    chem, syn, comp = Chemical.__table__, ChemicalSynonym.__table__, ChemicalComponent.__table__
    columns = [c for c in chem.c if c.name != "id"]
    existing = {r.key: r for r in conn.execute(select(chem.c.id, *columns))}
    current_syn: dict[int, set[str]] = {}
    for cid, s in conn.execute(select(syn.c.chemical_id, syn.c.synonym)):
        current_syn.setdefault(cid, set()).add(s)
    current_comp: dict[int, list[tuple]] = {}
    for r in conn.execute(select(comp).order_by(comp.c.chemical_id, comp.c.position)):
        current_comp.setdefault(r.chemical_id, []).append((r.position, r.name, r.cas, r.percent, r.ehs))

    wanted = {e.key: e for e in entries}
    new = [e.row() for k, e in wanted.items() if k not in existing]
    changed = []
    for k, e in wanted.items():
        old = existing.get(k)
        if old is not None and any(getattr(old, c.name) != v for c, v in zip(columns, e.row().values())):
            changed.append({"_id": old.id, **e.row()})
    gone = [r.id for k, r in existing.items() if k not in wanted]

    for chunk in _in_chunks(new):
        conn.execute(insert(chem), chunk)
    if changed:
        stmt = update(chem).where(chem.c.id == bindparam("_id")).values({c.name: bindparam(c.name) for c in columns})
        for chunk in _in_chunks(changed):
            conn.execute(stmt, chunk)
    for chunk in _in_chunks([{"id": i} for i in gone]):
        conn.execute(delete(chem).where(chem.c.id.in_([r["id"] for r in chunk])))

    ids = dict(conn.execute(select(chem.c.key, chem.c.id)).all())
    syn_rows: list[dict[str, Any]] = []
    comp_rows: list[dict[str, Any]] = []
    redo_syn: list[int] = []
    redo_comp: list[int] = []
    for k, e in wanted.items():
        cid = ids[k]
        names = {s[:200] for s in e.synonyms if s}
        if current_syn.get(cid, set()) != names:
            redo_syn.append(cid)
            syn_rows.extend({"chemical_id": cid, "synonym": s} for s in sorted(names))
        comps = [(c["position"], c["name"], c["cas"], c["percent"], c["ehs"]) for c in e.components]
        if current_comp.get(cid, []) != comps:
            redo_comp.append(cid)
            comp_rows.extend({"chemical_id": cid, **c} for c in e.components)
    for i in range(0, len(redo_syn), 1000):
        conn.execute(delete(syn).where(syn.c.chemical_id.in_(redo_syn[i:i + 1000])))
    for i in range(0, len(redo_comp), 1000):
        conn.execute(delete(comp).where(comp.c.chemical_id.in_(redo_comp[i:i + 1000])))
    for chunk in _in_chunks(syn_rows, 10000):
        conn.execute(insert(syn), chunk)
    for chunk in _in_chunks(comp_rows):
        conn.execute(insert(comp), chunk)
    return {"inserted": len(new), "updated": len(changed), "deleted": len(gone),
            "synonyms_written": len(syn_rows), "total": len(wanted)}


def build(database_url: Optional[str] = None, include_chedl: bool = True) -> dict[str, int]:
    """Build or refresh the library in the database (DATABASE_URL unless given). Returns the counts."""
    from bot.db import _engine_for, get_engine

    engine = _engine_for(database_url) if database_url else get_engine()
    entries = library_entries(include_chedl=include_chedl)
    with engine.begin() as conn:
        counts = load(conn, entries)
    from bot.chemicals import lookup

    lookup.reset_index()
    return counts


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--curated-only", action="store_true", help="skip the ChEDL compounds (tests, demos)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    counts = build(args.database_url, include_chedl=not args.curated_only)
    print(f"chemical library: {counts['total']} chemicals ({counts['inserted']} new, {counts['updated']} updated, "
          f"{counts['deleted']} removed, {counts['synonyms_written']} synonyms written) "
          f"in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
