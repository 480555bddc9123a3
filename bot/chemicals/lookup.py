"""Find library chemicals by CAS number, exact name or synonym, name prefix, then fuzzy spelling.

The in-memory index (normalized names -> chemical ids) is built once per process and database on first use;
`reset_index()` drops it (the build step calls it; another process picks up a rebuilt library on restart).
"""
from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from typing import Optional

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
class _Index:
    by_cas: dict[str, list[int]]
    by_name: dict[str, list[int]]  # normalized name or synonym -> chemical ids (best first)
    primary: dict[int, str]  # chemical id -> its normalized main name
    sorted_names: list[str]  # every key of by_name, sorted (prefix search)
    by_first: dict[tuple[str, int], list[str]]  # (first letter, length) -> names (fuzzy search)
    by_second: dict[tuple[str, int], list[str]]  # (second letter, length) -> names (fuzzy search)


_INDEXES: dict[str, _Index] = {}
_LOCK = threading.Lock()


def reset_index() -> None:
    with _LOCK:
        _INDEXES.clear()


def _rank(source: str, kind: str, name: str) -> tuple[int, int]:
    """Curated products first (they are what small businesses store), then shorter names."""
    return (0 if source == "curated" else 1, len(name))


def _build_index(db: Session) -> _Index:
    rows = db.execute(select(Chemical.id, Chemical.name, Chemical.cas, Chemical.source, Chemical.kind)).all()
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
    for cid, synonym in db.execute(select(ChemicalSynonym.chemical_id, ChemicalSynonym.synonym)):
        ids = by_name.setdefault(synonym, [])
        if cid not in ids:
            ids.append(cid)
    for ids in (*by_cas.values(), *by_name.values()):
        ids.sort(key=lambda i: rank[i])
    names = sorted(by_name)
    by_first: dict[tuple[str, int], list[str]] = {}
    by_second: dict[tuple[str, int], list[str]] = {}
    for name in names:
        if 2 <= len(name) <= MAX_FUZZY_LEN:
            by_first.setdefault((name[0], len(name)), []).append(name)
            by_second.setdefault((name[1], len(name)), []).append(name)
    return _Index(by_cas, by_name, primary, names, by_first, by_second)


def _index(db: Session) -> _Index:
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
