"""Build the chemical library in the database: `python -m bot.chemicals.build [--database-url URL]`.

Sources (docs/data.md, "The chemical library"):
- ChEDL's `chemicals` package (offline): every compound of its PubChem-derived identifier tables that has a
  CAS number, a common name and a MEASURED melting or boiling point (Joback estimates are ignored), i.e.
  about 20,000 compounds; physical state at 20 C from those points; up to 12 useful synonyms each (common
  and IUPAC names, abbreviations, other names; registry numbers and foreign-language tags dropped); liquid
  density near 20 C (bot/chemicals/density.py) for liquids and liquefied gases.
- bot/chemicals/data/ehs_40cfr355_appA.csv: the whole list of Extremely Hazardous Substances (40 CFR 355
  Appendix A) with Threshold Planning Quantities, the second TPQ of "500/10,000" solids, and the listing's
  limits (hydrogen chloride gas only, hydrogen peroxide above 52%). Listed substances ChEDL lacks are added.
- bot/chemicals/curated_products.yml: products and mixtures with their hazardous components, specific
  gravity, uses and source; extra names for pure substances.
- bot/chemicals/data/aliases.yml: abbreviations, trade, common and slang names, each with its source;
  names that mean several things are marked ambiguous (attached to every candidate, so the assistant asks).
- bot/chemicals/data/uses.yml: what the pure chemicals small businesses keep are used for.
Every synonym row says where it comes from (chemical_synonyms.source): chedl | curated | ehs-list |
alias:<reference> | alias:ambiguous:<reference>.

Idempotent: rows are keyed (`chemicals.key`), only what changed is written, rows no longer in the sources
are deleted (inventory lines keep their data; their `chemical_id` becomes NULL).
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable, Optional

import yaml
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from bot.chemicals.normalize import cas_checksum_ok, normalize_name, parse_cas
from bot.models import Chemical, ChemicalComponent, ChemicalSynonym

CURATED_FILE = Path(__file__).with_name("curated_products.yml")
DATA_DIR = Path(__file__).with_name("data")
EHS_FILE = DATA_DIR / "ehs_40cfr355_appA.csv"
ALIASES_FILE = DATA_DIR / "aliases.yml"
USES_FILE = DATA_DIR / "uses.yml"
# Every file the library is made from (the set-up step hashes these to know when to rebuild).
SOURCE_FILES = (Path(__file__).parent / "build.py", Path(__file__).parent / "density.py",
                Path(__file__).parent / "normalize.py", CURATED_FILE, EHS_FILE, ALIASES_FILE, USES_FILE)
ROOM_K = 293.15  # 20 C
MAX_SYNONYMS = 12
AMBIGUOUS_PREFIX = "alias:ambiguous:"
# "example user db" holds ~2,300 everyday compounds (pentane, hexane, sodium metabisulfite...) that the two
# PubChem tables lack: without it common solvents would be missing from the library.
_IDENTIFIER_FILES = ("chemical identifiers pubchem small.tsv", "chemical identifiers example user db.tsv",
                     "chemical identifiers pubchem large.tsv", "Inorganic db.tsv")
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
    density_g_ml: Optional[float] = None
    ehs_min_percent: Optional[float] = None
    ehs_qualifier: Optional[str] = None
    ehs_source: Optional[str] = None
    tpq_alt_lb: Optional[float] = None
    uses: Optional[str] = None
    molecular_weight: Optional[float] = None
    synonym_sources: dict[str, str] = field(default_factory=dict)  # synonym -> source (default: the entry's)

    def row(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name[:500], "cas": self.cas, "formula": (self.formula or None) and self.formula[:100],
            "physical_state": self.physical_state, "ehs": self.ehs, "tpq_lb": self.tpq_lb, "kind": self.kind,
            "source": self.source, "threshold_rule": self.threshold_rule, "fire_classes": self.fire_classes,
            "notes": self.notes, "density_g_ml": self.density_g_ml, "ehs_min_percent": self.ehs_min_percent,
            "ehs_qualifier": self.ehs_qualifier and self.ehs_qualifier[:200],
            "ehs_source": self.ehs_source and self.ehs_source[:200], "tpq_alt_lb": self.tpq_alt_lb,
            "uses": self.uses and self.uses[:200],
        }

    def add_synonym(self, name: str, source: str, first: bool = False) -> None:
        norm = normalize_name(name)
        if not norm:
            return
        if norm not in self.synonyms:
            if first:
                self.synonyms.insert(0, norm)
            else:
                self.synonyms.append(norm)
        if norm not in self.synonym_sources or source.startswith("alias:"):
            self.synonym_sources[norm] = source[:64]

    def drop_synonym(self, norm: str) -> None:
        if norm in self.synonyms:
            self.synonyms.remove(norm)
        self.synonym_sources.pop(norm, None)

    def synonym_rows(self) -> set[tuple[str, str]]:
        default = "curated" if self.source == "curated" else self.source
        return {(s[:200], self.synonym_sources.get(s, default)) for s in self.synonyms if s}


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


_LANG_TAG = re.compile(r"[\[(](?:french|german|dutch|polish|italian|spanish|czech|latin|russian|portuguese|"
                       r"swedish|finnish|danish|hungarian|japanese|romanian|greek|iso|inn|usan|usp|jan|ban|dcf|"
                       r"van|8ci|9ci|acn|dot|usda|mart\.?|who-dd|mi|hsdb|iupac|ii|fcc|nf|vandf|ep|jp\d*|"
                       r"ep monograph[^)\]]*|usp-rs|usp-nf|obsolete|tn)[)\]]")
_REGISTRY = re.compile(r"^(?:caswell|epa pesticide|ccris|hsdb|nsc|brn|einecs|elincs|ai3|un|na|rcra|fema|nci|"
                       r"ec|cas|dtxsid|dtxcid|chembl|schembl|chebi|unii|mfcd|rtecs|zinc|akos|stk|bdbm|ncgc|tox21|"
                       r"smr|mls|cid|sid|kegg|hmdb|lmfa|bidd|wln|pubchem|dsstox|spectrum|prestwick|opera|oprea|"
                       r"bspbio|kbio|lopac|ncistruc|gtpl|ins|usepa|epa|dot|mixture|component)\b[ .#:-]*(?:no\.?|"
                       r"number|code|id)?\s*[:#]?\s*\d")
_REFRIGERANT = re.compile(r"^(?:r|hfc|hcfc|cfc|hfo|fc|freon|halon|genetron|forane)-?\d")
_LOCANT = re.compile(r"^[\d,']+[a-z]?-")


def _junk_token(token: str) -> bool:
    """A registry number or code (ai3-07540, nsc1234, un1090, dtxsid702, 6pt9klv9io), not a chemical word."""
    letters = sum(c.isalpha() for c in token)
    digits = sum(c.isdigit() for c in token)
    if digits < 2:
        return False
    if letters == 0:
        return len(token) > 4 and "-" in token.strip("-")  # a CAS or registry number, not "2,4" or "1,1,1"
    return not (_LOCANT.match(token) or _REFRIGERANT.match(token))


def _good_synonym(raw: str) -> bool:
    s = raw.strip().lower()
    if not 3 <= len(s) <= 60 or ";" in s or "%" in s or "inchi" in s or _LANG_TAG.search(s):
        return False
    if sum(c.isalpha() for c in s) < 3 or _REGISTRY.match(s) or re.search(r"\b(?:code|no\.?|number)\s*[:#]?\s*\d", s):
        return False
    return not any(_junk_token(t) for t in re.split(r"[\s/]+", s))


def _pick_synonyms(common: str, iupac: str, others: Iterable[str]) -> list[str]:
    """The common name, the IUPAC name, then useful other names in PubChem's order (most used first)."""
    names: list[str] = []
    for i, raw in enumerate([common, iupac, *others]):
        if i and not _good_synonym(raw) and not (i == 1 and len(raw) > 60 and not _junk_token(raw.split()[0])):
            continue
        norm = normalize_name(raw)
        if norm and norm not in names and parse_cas(norm) is None:
            names.append(norm)
        if len(names) >= MAX_SYNONYMS:
            break
    return names


def chedl_entries(densities: bool = True) -> list[Entry]:
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
                if parse_cas(common) is not None or sum(c.isalpha() for c in common) < 2 or not _good_synonym(common):
                    # a common name that is a CAS or registry number: the first good other name, else the IUPAC one
                    common = next((n.strip() for n in parts[9:] if _good_synonym(n)), parts[7].strip())
                if cas in entries or not common or (cas not in tm and cas not in tb):
                    continue
                if parse_cas(cas) is None:
                    continue
                try:
                    mw = float(parts[3])
                except ValueError:
                    mw = None
                entries[cas] = Entry(
                    key=f"cas:{cas}", name=common[:1].upper() + common[1:], source="chedl", cas=cas,
                    formula=formula, physical_state=state_at_room_temperature(tm.get(cas), tb.get(cas)),
                    synonyms=_pick_synonyms(common, parts[7], parts[9:]), molecular_weight=mw,
                )
    if densities:
        from bot.chemicals.density import liquid_densities

        fluids = [(e.cas, e.molecular_weight) for e in entries.values() if e.physical_state in ("b", "c") and e.cas]
        for cas, (rho, _src) in liquid_densities(fluids).items():
            entries[cas].density_g_ml = rho
    return list(entries.values())


# --- the EHS list ----------------------------------------------------------------------------------------


def ehs_rows(path: Path = EHS_FILE) -> list[dict[str, Any]]:
    """The rows of the EHS data file (numbers as floats, empty cells as None)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            row: dict[str, Any] = {k: (v.strip() if v and v.strip() else None) for k, v in raw.items()}
            for k in ("tpq_lb", "tpq_alt_lb", "min_percent"):
                row[k] = float(row[k]) if row[k] is not None else None
            if row["cas"] is not None and not cas_checksum_ok(row["cas"]):
                raise ValueError(f"{path.name}: {row['name']}: CAS {row['cas']} has a wrong check digit")
            rows.append(row)
    return rows


def _ehs_key(row: dict[str, Any]) -> str:
    if row["cas"]:
        return f"cas:{row['cas']}"
    return "ehs:" + re.sub(r"[^a-z0-9]+", "-", row["name"].lower()).strip("-")[:50]


def _listed_name(name: str) -> str:
    """"Hydrogen peroxide (Conc.> 52%)" -> "Hydrogen peroxide"; "Sodium azide (Na(N3))" -> "Sodium azide"."""
    return re.sub(r"\s*\((?:gas only|conc[^)]*|na\(n3\)|na\(cn\)|pmn[^)]*)\)+\s*$", "", name, flags=re.I).strip()


def _listing(row: dict[str, Any]) -> SimpleNamespace:
    return SimpleNamespace(name=_listed_name(row["name"]), ehs=True, tpq_lb=row["tpq_lb"], tpq_alt_lb=row["tpq_alt_lb"],
                           ehs_min_percent=row["min_percent"], ehs_source=row["source"], components=None,
                           ehs_qualifier=_qualifier(row))


def _qualifier(row: dict[str, Any]) -> Optional[str]:
    """The listing's limit in words; a gas-only listing starts with "gas only" (bot.chemicals.ehs reads that)."""
    text = row.get("qualifier")
    if row.get("form_only") == "gas" and not (text or "").lower().startswith("gas only"):
        return "gas only" + (f" ({text})" if text else "")
    return text


def _apply_listing(entry: Entry, row: dict[str, Any]) -> None:
    listing = _listing(row)
    entry.ehs, entry.tpq_lb, entry.tpq_alt_lb = True, row["tpq_lb"], row["tpq_alt_lb"]
    entry.ehs_min_percent, entry.ehs_qualifier, entry.ehs_source = row["min_percent"], listing.ehs_qualifier, row["source"]
    entry.add_synonym(listing.name, "ehs-list")


def _component_is_ehs(listing: Optional[SimpleNamespace], percent: Optional[float], state: Optional[str]) -> bool:
    """A listed component counts as EHS unless the listing's limit rules it out (HCl in a liquid, 35% H2O2)."""
    if listing is None:
        return False
    from bot.chemicals.ehs import ehs_status

    return ehs_status(listing, percent if percent is not None and percent < 100 else None, state).is_ehs is not False


# --- curated products, aliases, uses ------------------------------------------------------------------------


def _target_key(spec: dict[str, Any]) -> Optional[str]:
    if spec.get("product"):
        return f"product:{spec['product']}"
    if spec.get("cas"):
        return f"cas:{spec['cas']}"
    return spec.get("key")


def load_aliases(path: Path = ALIASES_FILE) -> list[dict[str, Any]]:
    """The alias file's entries: {name, targets: [key...], source, ambiguous, note}."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for group in data.get("aliases") or []:
        source = str(group.get("source") or "").strip()
        if not source:
            raise ValueError(f"{path.name}: {group.get('names') or group.get('name')}: every alias needs a source")
        names = group.get("names") or [group.get("name")]
        targets = [_target_key(t) if isinstance(t, dict) else str(t) for t in group.get("targets") or []]
        if not targets:
            targets = [_target_key(group)]
        ambiguous = bool(group.get("ambiguous"))
        if ambiguous and len(targets) < 2:
            raise ValueError(f"{path.name}: {names}: an ambiguous alias needs at least two targets")
        for name in names:
            out.append({"name": str(name), "targets": [t for t in targets if t], "source": source,
                        "ambiguous": ambiguous, "note": group.get("note"), "label": group.get("label"),
                        "state": group.get("state")})
    return out


def load_uses(path: Path = USES_FILE) -> dict[str, str]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(cas): str(text) for cas, text in (data.get("uses") or {}).items()}


def apply_aliases(entries: Iterable[Entry], aliases: list[dict[str, Any]]) -> None:
    """Attach each alias to its chemical(s). A plain alias is the only chemical with that synonym (other
    chemicals' synonyms of the same spelling are dropped); an ambiguous one is attached to every candidate with
    the source `alias:ambiguous:<reference>`. Targets not in the library (a partial build) are skipped."""
    by_key = {e.key: e for e in entries}
    plain: dict[str, str] = {}
    problems: list[str] = []
    for alias in aliases:
        norm = normalize_name(alias["name"])
        if not norm:
            problems.append(f"{alias['name']!r} is empty once normalized")
        elif not alias["ambiguous"]:
            if norm in plain and plain[norm] != alias["targets"][0]:
                problems.append(f"{alias['name']!r} ({norm!r}) points at {plain[norm]} and {alias['targets'][0]}")
            plain.setdefault(norm, alias["targets"][0])
    ambiguous = {normalize_name(a["name"]) for a in aliases if a["ambiguous"]}
    problems.extend(f"{name!r} is both ambiguous and a plain alias" for name in sorted(ambiguous & set(plain)))
    if problems:
        raise ValueError("aliases.yml: " + "; ".join(problems))
    for entry in by_key.values():
        for norm in [s for s in entry.synonyms if s in ambiguous or (s in plain and plain[s] != entry.key)]:
            entry.drop_synonym(norm)
    for alias in aliases:
        prefix = AMBIGUOUS_PREFIX if alias["ambiguous"] else "alias:"
        for key in alias["targets"]:
            entry = by_key.get(key)
            if entry is not None:
                entry.add_synonym(alias["name"], prefix + alias["source"])


def curated_entries(data: dict[str, Any], chedl: dict[str, Entry], ehs: Optional[list[dict[str, Any]]] = None,
                    aliases: Optional[list[dict[str, Any]]] = None, uses: Optional[dict[str, str]] = None) -> list[Entry]:
    """Products from the curated file and the EHS substances ChEDL lacks; marks the ChEDL entries (by CAS) EHS,
    adds their extra names and uses, then attaches the aliases. The data files are read when not given."""
    ehs = ehs_rows() if ehs is None else ehs
    aliases = load_aliases() if aliases is None else aliases
    uses = load_uses() if uses is None else uses
    out: list[Entry] = []
    listings = {row["cas"]: _listing(row) for row in ehs if row["cas"]}
    for row in ehs:
        entry = chedl.get(row["cas"]) if row["cas"] else None
        if entry is None:  # not in the ChEDL subset: add it so every EHS can be found
            entry = Entry(key=_ehs_key(row), name=_listed_name(row["name"]), source="ehs-list", cas=row["cas"])
            if row["cas"]:
                chedl[row["cas"]] = entry
            out.append(entry)
        listed = _listed_name(row["name"])
        if not _good_synonym(entry.name) or (any(c.isdigit() for c in entry.name)
                                             and re.fullmatch(r"[A-Za-z][A-Za-z \-]+", listed)):
            entry.name = listed  # ChEDL's name is a registry code or a systematic name: the list's is plainer
        _apply_listing(entry, row)
    for cas, names in (data.get("synonyms") or {}).items():
        entry = chedl.get(str(cas))
        if entry is not None:
            for name in reversed(names):
                entry.add_synonym(str(name), "curated", first=True)
    for cas, text in uses.items():
        entry = chedl.get(cas)
        if entry is not None:
            entry.uses = text
    for product in data.get("products", []):
        state = product.get("physical_state")
        entry = Entry(key=f"product:{product['key']}", name=str(product["name"]), source="curated",
                      kind=str(product.get("kind", "product")), physical_state=state,
                      threshold_rule=product.get("threshold_rule"), fire_classes=product.get("fire_classes"),
                      notes=product.get("notes"), uses=product.get("uses"),
                      density_g_ml=float(product["specific_gravity"]) if product.get("specific_gravity") else None)
        entry.add_synonym(product["name"], "curated")
        for name in product.get("synonyms", []):
            entry.add_synonym(str(name), "curated")
        own_percent = None
        for i, comp in enumerate(product.get("components", []), start=1):
            ccas = str(comp["cas"]) if comp.get("cas") else None
            percent = float(comp["percent"]) if comp.get("percent") is not None else None
            entry.components.append({
                "position": i, "name": str(comp["name"]), "cas": ccas, "percent": percent,
                "ehs": bool(comp["ehs"]) if "ehs" in comp else _component_is_ehs(listings.get(ccas), percent, state),
            })
            if ccas and ccas == product.get("cas"):
                own_percent = percent
        cas = str(product["cas"]) if product.get("cas") else None
        base = chedl.get(cas) if cas else None
        entry.cas, entry.formula = cas, base.formula if base else None
        listing = listings.get(cas) if cas else None
        if listing is not None and _component_is_ehs(listing, own_percent, state):
            entry.ehs, entry.tpq_lb, entry.tpq_alt_lb = True, listing.tpq_lb, listing.tpq_alt_lb
            entry.ehs_min_percent, entry.ehs_qualifier = listing.ehs_min_percent, listing.ehs_qualifier
            entry.ehs_source = listing.ehs_source
        out.append(entry)
    apply_aliases([*out, *chedl.values()], aliases)
    return out


def alias_substances(aliases: list[dict[str, Any]], known: set[str]) -> list[Entry]:
    """Pure substances the aliases name (`cas:` targets) that the ChEDL selection lacks (no measured melting or
    boiling point in its tables, e.g. hexane, ammonium sulfate): taken from ChEDL's search database, or, for a
    CAS ChEDL does not know (mixtures such as xylenes), named by the alias group's `label`."""
    from chemicals import search_chemical

    tm, tb = _transition_points()
    out: dict[str, Entry] = {}
    for alias in aliases:
        for key in alias["targets"]:
            cas = key[4:] if key.startswith("cas:") else None
            if not cas or cas in known or cas in out:
                continue
            try:
                found = search_chemical(cas)
                name, formula, mw = found.common_name or alias.get("label") or alias["name"], found.formula, found.MW
                source = "chedl"
            except Exception:  # not in ChEDL at all
                if not (alias.get("label") or alias.get("name")):
                    continue
                name, formula, mw, source = alias.get("label") or alias["name"], None, None, "curated"
            if parse_cas(name) is not None or not _good_synonym(name):
                name = alias.get("label") or alias.get("name") or ""
                if not name:
                    continue
            out[cas] = Entry(key=key, name=name[:1].upper() + name[1:], source=source, cas=cas, formula=formula,
                             physical_state=alias.get("state") or state_at_room_temperature(tm.get(cas), tb.get(cas)),
                             molecular_weight=mw, synonyms=[normalize_name(name)])
    from bot.chemicals.density import liquid_densities

    fluids = [(e.cas, e.molecular_weight) for e in out.values() if e.physical_state in ("b", "c") and e.cas]
    for cas, (rho, _src) in liquid_densities(fluids).items():
        out[cas].density_g_ml = rho
    return list(out.values())


def library_entries(include_chedl: bool = True) -> list[Entry]:
    data = yaml.safe_load(CURATED_FILE.read_text(encoding="utf-8"))
    chedl_list = chedl_entries() if include_chedl else []
    if include_chedl:  # substances the aliases or the uses name that the ChEDL selection lacks
        known = {e.cas for e in chedl_list if e.cas} | {str(p["cas"]) for p in data.get("products", []) if p.get("cas")}
        wanted = load_aliases() + [{"name": None, "targets": [f"cas:{cas}"]} for cas in load_uses()]
        chedl_list += alias_substances(wanted, known)
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
    current_syn: dict[int, set[tuple[str, str]]] = {}
    for cid, s, src in conn.execute(select(syn.c.chemical_id, syn.c.synonym, syn.c.source)):
        current_syn.setdefault(cid, set()).add((s, src))
    current_comp: dict[int, list[tuple]] = {}
    for r in conn.execute(select(comp).order_by(comp.c.chemical_id, comp.c.position)):
        current_comp.setdefault(r.chemical_id, []).append((r.position, r.name, r.cas, r.percent, r.ehs))

    wanted = {e.key: e for e in entries}
    new = [e.row() for k, e in wanted.items() if k not in existing]
    changed = []
    for k, e in wanted.items():
        old = existing.get(k)
        row = e.row()
        if old is not None and any(getattr(old, c.name) != row[c.name] for c in columns):
            changed.append({"_id": old.id, **row})
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
        names = e.synonym_rows()
        if current_syn.get(cid, set()) != names:
            redo_syn.append(cid)
            syn_rows.extend({"chemical_id": cid, "synonym": s, "source": src} for s, src in sorted(names))
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
