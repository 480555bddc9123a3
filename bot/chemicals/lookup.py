"""Find library chemicals by CAS number, exact name or synonym, name prefix, then fuzzy spelling.

The in-memory index (normalized names -> chemical ids) is built once per process and database on first use;
`reset_index()` drops it (the build step calls it; another process picks up a rebuilt library on restart).
"""
from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.chemicals.normalize import normalize_name, parse_cas
from bot.models import Chemical, ChemicalSynonym

FUZZY_CUTOFF = 78.0
MAX_FUZZY_LEN = 40


@dataclass(frozen=True)
class Match:
    chemical: Chemical
    score: float  # 100 = exact; lower = less sure
    matched_on: str  # "cas" | "name" | "synonym" | "prefix" | "fuzzy"
    matched_text: str = ""  # the library name or synonym that matched


@dataclass
class NameIndex:
    by_cas: dict[str, list[int]]
    by_name: dict[str, list[int]]  # normalized name or synonym -> chemical ids (best first)
    primary: dict[int, str]  # chemical id -> its normalized main name
    sorted_names: list[str]  # every key of by_name, sorted (prefix search)
    by_first: dict[tuple[str, int], list[str]]  # (first letter, length) -> names (fuzzy search)
    by_second: dict[tuple[str, int], list[str]]  # (second letter, length) -> names (fuzzy search)
    curated_names: dict[str, set[int]] = field(default_factory=dict)  # names from curated data -> ids
    ambiguous: set[str] = field(default_factory=set)  # names of more than one substance
    word_set: set[str] = field(default_factory=set)  # every word of every library name
    by_formula: dict[str, list[int]] = field(default_factory=dict)  # element counts ("H2O4S") -> ids
    words_by_first: dict[str, list[str]] = field(default_factory=dict)  # words of names by first letter
    flagged: set[str] = field(default_factory=set)  # names the alias data marks ambiguous ("chlorine", "caustic")
    common_ids: set[int] = field(default_factory=set)  # chemicals named by curated data, aliases or the EHS list
    common_names: list[str] = field(default_factory=list)  # their names (one-word typo checks)


_Index = NameIndex
_INDEXES: dict[str, NameIndex] = {}
_LOCK = threading.Lock()


def reset_index() -> None:
    with _LOCK:
        _INDEXES.clear()


def _rank(source: str, kind: str, name: str) -> tuple[int, int]:
    """Curated products first (they are what small businesses store), then shorter names."""
    return (0 if source == "curated" else 1, len(name))


def _build_index(db: Session) -> _Index:
    rows = db.execute(select(Chemical.id, Chemical.name, Chemical.cas, Chemical.source, Chemical.kind,
                             Chemical.formula)).all()
    source_of = {r.id: r.source for r in rows}
    cas_of = {r.id: r.cas for r in rows}
    rank = {r.id: _rank(r.source, r.kind, r.name) for r in rows}
    by_cas: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    primary: dict[int, str] = {}
    for r in rows:
        if r.cas:
            by_cas.setdefault(r.cas, []).append(r.id)
        norm = normalize_name(r.name)
        primary[r.id] = norm
        by_name.setdefault(norm, []).append(r.id)
    curated_names: dict[str, set[int]] = {}
    flagged: set[str] = set()
    syn_source = getattr(ChemicalSynonym, "source", None)
    columns = [ChemicalSynonym.chemical_id, ChemicalSynonym.synonym] + ([syn_source] if syn_source is not None else [])
    for row in db.execute(select(*columns)):
        cid, synonym = row[0], row[1]
        source = row[2] if len(row) > 2 else None
        ids = by_name.setdefault(synonym, [])
        if cid not in ids:
            ids.append(cid)
        if source_of.get(cid) == "curated" or (source or "").startswith(("curated", "alias", "ehs")):
            curated_names.setdefault(synonym, set()).add(cid)
        if (source or "").startswith("alias:ambiguous:"):
            flagged.add(synonym)  # "chlorine", "caustic", "freon": a name that means more than one thing
    ambiguous = {name for name, ids in by_name.items()
                 if len({cas_of.get(i) or f"id{i}" for i in ids}) > 1} | flagged
    word_set = {w for name in by_name for w in name.split()}
    by_formula: dict[str, list[int]] = {}
    for r in rows:
        key = formula_key(r.formula) if r.formula else None
        if key:
            by_formula.setdefault(key, []).append(r.id)
    for ids in by_formula.values():
        ids.sort(key=lambda i: rank[i])
    for ids in (*by_cas.values(), *by_name.values()):
        ids.sort(key=lambda i: rank[i])
    names = sorted(by_name)
    by_first: dict[tuple[str, int], list[str]] = {}
    by_second: dict[tuple[str, int], list[str]] = {}
    for name in names:
        if 2 <= len(name) <= MAX_FUZZY_LEN:
            by_first.setdefault((name[0], len(name)), []).append(name)
            by_second.setdefault((name[1], len(name)), []).append(name)
    words_by_first: dict[str, list[str]] = {}
    for w in sorted(word_set):
        if len(w) >= 4 and w.isalpha():
            words_by_first.setdefault(w[0], []).append(w)
    common_ids = {i for ids in curated_names.values() for i in ids} | {r.id for r in rows if r.source != "chedl"}
    common_names = sorted({n for n in curated_names} | {primary[i] for i in common_ids if i in primary})
    return NameIndex(by_cas, by_name, primary, names, by_first, by_second, curated_names, ambiguous, word_set,
                     by_formula, words_by_first, flagged, common_ids, common_names)


_ELEMENT_RE = re.compile(r"([A-Z][a-z]?)(\d*)")
_ELEMENTS = frozenset(
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr "
    "Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt "
    "Au Hg Tl Pb Bi Po Rn Ra Th U Pu".split())


def formula_key(formula: str) -> Optional[str]:
    """Element counts in a fixed order ("H2SO4", "H2O4S" -> "H2O4S"; "KOH" -> "H1K1O1"), or None when the text
    is not a chemical formula as written (case matters: "Co" is cobalt, "CO" carbon monoxide)."""
    text = (formula or "").strip()
    if not re.fullmatch(r"(?:[A-Z][a-z]?\d*){1,12}", text):
        return None
    counts: dict[str, int] = {}
    for element, number in _ELEMENT_RE.findall(text):
        if element not in _ELEMENTS:
            return None
        counts[element] = counts.get(element, 0) + (int(number) if number else 1)
    if len(counts) < 2 and sum(counts.values()) < 2:
        return None  # "C", "N": single symbols are too easily words
    return "".join(f"{e}{counts[e]}" for e in sorted(counts))


def name_index(db: Session) -> NameIndex:
    """The in-memory name index of the library in `db` (built once per process and database)."""
    return _index(db)


def fuzzy_names(index: NameIndex, norm: str, limit: int) -> list[tuple[str, float]]:
    """Library names spelled close to `norm` (normalized), best first, with their similarity (0-100)."""
    return _fuzzy(index, norm, limit)


@lru_cache(maxsize=1)
def _english() -> Any:
    from spellchecker import SpellChecker

    return SpellChecker(distance=1).word_frequency


def is_common_word(word: str, min_count: int = 60) -> bool:
    """An everyday English word ("counter", "welders", "them"): never a material by itself."""
    try:
        return _english()[word.lower()] >= min_count
    except Exception:  # noqa: BLE001 - without the word list, nothing is called common
        return False


def _index(db: Session) -> NameIndex:
    key = str(db.get_bind().url)
    index = _INDEXES.get(key)
    if index is None:
        with _LOCK:
            index = _INDEXES.get(key)
            if index is None:
                index = _INDEXES[key] = _build_index(db)
    return index


def lookup(db: Session, text: str, limit: int = 5) -> list[Match]:
    """Up to `limit` library chemicals for what the user typed, best first ("67-64-1", "disel", "IPA")."""
    index = _index(db)
    found: dict[int, tuple[float, str, str]] = {}

    def add(cid: int, score: float, how: str, matched: str) -> None:
        if cid not in found and len(found) < limit:
            found[cid] = (score, how, matched)

    cas = parse_cas(text)
    if cas:
        for cid in index.by_cas.get(cas, []):
            add(cid, 100.0, "cas", cas)
    norm = normalize_name(text)
    if norm and len(found) < limit:
        for cid in index.by_name.get(norm, []):
            add(cid, 100.0, "name" if index.primary.get(cid) == norm else "synonym", norm)
        exact = bool(found)
        if len(found) < limit and len(norm) >= 3:
            _prefix(index, norm, 200, add)
        if not exact and len(found) < limit:
            for choice, score in _fuzzy(index, norm, limit * 2):
                for cid in index.by_name[choice]:
                    add(cid, score, "fuzzy", choice)
    if not found:
        return []
    chemicals = {c.id: c for c in db.execute(select(Chemical).where(Chemical.id.in_(list(found)))).scalars()}
    return [Match(chemicals[cid], s, how, m) for cid, (s, how, m) in found.items() if cid in chemicals]


def _fuzzy(index: _Index, norm: str, limit: int) -> list[tuple[str, float]]:
    """Closest names by edit similarity (rapidfuzz ratio).

    Searched: names of a length that can reach the cut-off and that share the typed first letter or the
    typed second letter (a single slip rarely changes both), which keeps a lookup to a few milliseconds.
    """
    size = len(norm)
    if size < 2:
        return []
    ratio = FUZZY_CUTOFF / 100.0
    low, high = int(size * ratio / (2 - ratio)), int(size * (2 - ratio) / ratio) + 1
    choices: set[str] = set()
    for length in range(max(2, low), min(MAX_FUZZY_LEN, high) + 1):
        choices.update(index.by_first.get((norm[0], length), ()))
        choices.update(index.by_second.get((norm[1], length), ()))
        choices.update(index.by_first.get((norm[1], length), ()))  # first letter dropped
    hits = process.extract(norm, list(choices), scorer=fuzz.ratio, limit=limit, score_cutoff=FUZZY_CUTOFF)
    hits.sort(key=lambda h: (-h[1], h[0]))
    return [(choice, round(float(score), 1)) for choice, score, _ in hits]


def _prefix(index: _Index, norm: str, scan: int, add) -> None:  # type: ignore[no-untyped-def]
    """Names that start with the typed words ("isopropyl" -> "isopropyl alcohol"): main names, then shortest."""
    start = bisect.bisect_left(index.sorted_names, norm + " ")
    hits: list[tuple[bool, int, str, int]] = []
    for name in index.sorted_names[start:start + scan]:
        if not name.startswith(norm + " "):
            break
        for cid in index.by_name[name]:
            hits.append((index.primary.get(cid) != name, len(name), name, cid))
    for _, _, name, cid in sorted(hits):
        add(cid, 90.0, "prefix", name)


def best(db: Session, text: str) -> Optional[Match]:
    """The single best match when it is sure (exact CAS, name or synonym), else None (ask the user)."""
    matches = lookup(db, text, limit=1)
    return matches[0] if matches and matches[0].score >= 100 else None


def component_listed_ehs(db: Session, component: dict[str, Any], state: Optional[str] = None) -> bool:
    """Whether the library lists a mixture's component ({name, cas, percent}) as an Extremely Hazardous Substance
    at its percent (and the line's state): by CAS, any library chemical of that CAS whose listing applies (a
    product sharing the CAS, such as "Hydrogen peroxide 50%", does not hide the listed substance); without a CAS,
    the library's match for its exact name."""
    from bot.chemicals.ehs import listed_ehs

    percent = component.get("percent")
    if component.get("cas"):
        listed = db.execute(select(Chemical).where(Chemical.cas == component["cas"], Chemical.ehs.is_(True)))
        return any(listed_ehs(chem, percent, state) for chem in listed.scalars())
    match = best(db, component["name"]) if component.get("name") else None
    return bool(match and listed_ehs(match.chemical, percent, state))
