"""Scoring of evaluation sets written apart (the JSONL formats of ../shared/docs/evaluation.md).

- inventory: one sentence per line, labelled with the chemical that must be found (CAS), the total in CERS
  units, the container (CERS column) and the location. Scored on what the product would store from the
  sentence (`bot.inventory.understand`): material right / candidates offered / confidently wrong / asked,
  total within 1%, container, location (token overlap >= 0.5), all fields right at once.
- intents: one message per line with the product's intent name; the top intent of the Rasa model, anything
  under the fallback threshold counting as wrong.
- questions: filers' questions with the facts each answer must contain (any spelling of each fact).

Each set file may start with `#` lines (who wrote it, when, the conversion rules); a `# status: seen|fresh`
and a `# written: DATE` line there, or the set's README.md, say whether it is fresh. Called by
`python -m bot.nlp.evaluate --inventory F --intents F --questions F [--json] [--predictions OUT]`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from bot.chemicals.normalize import normalize_name

_STOP = {"the", "a", "an", "our", "my", "in", "at", "on", "by", "of", "to", "next", "near", "out", "back", "behind",
         "under", "inside", "outside", "beside", "and", "up", "over", "el", "la", "en", "de", "los", "las"}


@dataclass
class SetInfo:
    path: Path
    size: int = 0
    written: str = "unknown"
    status: str = "fresh"  # seen | fresh


def read_jsonl(path: Path) -> tuple[list[dict[str, Any]], SetInfo]:
    info = SetInfo(path=Path(path))
    rows: list[dict[str, Any]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            m = re.match(r"#\s*(status|written)\s*:\s*(.+)$", s, re.I)
            if m:
                setattr(info, m.group(1).lower(), m.group(2).strip())
            continue
        rows.append(json.loads(s))
    info.size = len(rows)
    _read_registry(info)
    return rows, info


def _read_registry(info: SetInfo) -> None:
    """tests/apart/<set>/STATUS (a line `status: seen` and `written: ...`) when there is one."""
    status_file = info.path.parent / "STATUS"
    if status_file.is_file():
        for line in status_file.read_text(encoding="utf-8").splitlines():
            m = re.match(r"\s*(status|written)\s*:\s*(.+)$", line, re.I)
            if m:
                setattr(info, m.group(1).lower(), m.group(2).strip())


# --- inventory -------------------------------------------------------------------------------------------


@dataclass
class InventoryScore:
    info: SetInfo
    n: int = 0
    material_right: int = 0
    candidates_offered: int = 0
    material_wrong: int = 0
    material_asked: int = 0  # neither right nor wrong: a question without the right answer among the buttons
    amount_right: int = 0
    container_right: int = 0
    location_right: int = 0
    all_right: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def rate(self, k: int) -> float:
        return k / self.n if self.n else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "set": str(self.info.path), "kind": "inventory", "size": self.n, "written": self.info.written,
            "status": self.info.status,
            "material_right": round(self.rate(self.material_right), 4),
            "candidates_offered": round(self.rate(self.candidates_offered), 4),
            "material_wrong": round(self.rate(self.material_wrong), 4),
            "material_asked_without_answer": round(self.rate(self.material_asked), 4),
            "total_right": round(self.rate(self.amount_right), 4),
            "container_right": round(self.rate(self.container_right), 4),
            "location_right": round(self.rate(self.location_right), 4),
            "all_fields_right": round(self.rate(self.all_right), 4),
        }


def _tokens(text: Optional[str]) -> set[str]:
    words = re.findall(r"[a-z0-9]+", (text or "").lower())
    return {w for w in words if w not in _STOP}


def location_match(pred: Optional[str], gold: Optional[str]) -> bool:
    if not gold:
        return not pred
    p, g = _tokens(pred), _tokens(gold)
    if not p or not g:
        return False
    overlap = len(p & g)
    return 2 * overlap / (len(p) + len(g)) >= 0.5


def amount_match(pred_amount: Optional[float], pred_unit: Optional[str], gold_amount: Optional[float],
                 gold_unit: Optional[str]) -> bool:
    if gold_amount is None:
        return pred_amount is None
    if pred_amount is None or pred_unit is None:
        return False
    if pred_unit == "tons":
        pred_amount, pred_unit = pred_amount * 2000.0, "pounds"
    if gold_unit == "tons":
        gold_amount, gold_unit = float(gold_amount) * 2000.0, "pounds"
    if pred_unit != gold_unit:
        return False
    gold = float(gold_amount)
    return abs(pred_amount - gold) <= max(0.01 * abs(gold), 0.01)


def _names_of(db: Any, chemical_id: Optional[int]) -> set[str]:
    if chemical_id is None:
        return set()
    from sqlalchemy import select

    from bot.models import Chemical, ChemicalSynonym

    names = {normalize_name(n) for (n,) in db.execute(select(Chemical.name).where(Chemical.id == chemical_id))}
    names |= {s for (s,) in db.execute(select(ChemicalSynonym.synonym).where(ChemicalSynonym.chemical_id ==
                                                                               chemical_id))}
    return names


def _name_overlap(a: str, b: str) -> float:
    ta = {w for w in re.findall(r"[a-z0-9]+", normalize_name(a)) if w not in _STOP}
    tb = {w for w in re.findall(r"[a-z0-9]+", normalize_name(b)) if w not in _STOP}
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def _same_material(db: Any, pred_name: Optional[str], pred_cas: Optional[str], pred_id: Optional[int],
                   gold_name: Optional[str], gold_cas: Optional[str]) -> bool:
    """Right when the CAS matches; for a product labelled without a CAS (motor oil, Simple Green), when the
    names agree: the same name or alias, or the label's words all in the product's name ("R-410A refrigerant"
    and "Refrigerant R-410A")."""
    if gold_cas and pred_cas:
        return gold_cas == pred_cas
    gold_norm = normalize_name(gold_name or "")
    if not gold_norm:
        return False
    if pred_name and normalize_name(pred_name) == gold_norm:
        return True
    names = _names_of(db, pred_id)
    if gold_norm in names:
        return True
    if gold_cas:  # labelled with a CAS, the prediction has none: only a name of the same substance counts
        return False
    return bool(pred_name) and (_name_overlap(gold_name or "", pred_name or "") >= 1.0 or any(
        _name_overlap(gold_name or "", n) >= 1.0 for n in names))


def score_inventory(db: Any, rows: list[dict[str, Any]], info: SetInfo,
                    predictions_out: Optional[list[dict[str, Any]]] = None) -> InventoryScore:
    from bot.inventory.understand import Understood, prediction, understand
    from bot.models import STORAGE_CONTAINER_COLUMNS

    header_of = dict(STORAGE_CONTAINER_COLUMNS)
    sc = InventoryScore(info=info)
    for row in rows:
        sc.n += 1
        found = understand(db, row["text"])
        u: Optional[Understood] = found[0] if found else None
        pred = prediction(u) if u is not None else {
            "text": row["text"], "material": None, "cas": None, "amount": None, "unit": None, "container": None,
            "location": None, "waste": False, "confident": False, "candidates": []}
        pred["text"] = row["text"]
        if predictions_out is not None:
            predictions_out.append(pred)
        gold_name, gold_cas = row.get("material"), row.get("cas")
        chem_id = u.chemical.id if u is not None and u.chemical is not None else None
        m_right = m_offered = m_wrong = False
        if u is not None and u.confident:
            if _same_material(db, pred["material"], pred["cas"], chem_id, gold_name, gold_cas):
                m_right = True
            else:
                m_wrong = True
        elif u is not None:
            for c in u.choices:
                if _same_material(db, c.chemical.name, pred_cas_of(c.chemical), c.chemical.id, gold_name, gold_cas):
                    m_offered = True
                    break
            if not u.choices and not gold_cas and u.common_name and \
                    normalize_name(u.common_name) == normalize_name(gold_name or ""):
                m_right = True  # a product not in the library, added under the filer's own (right) name
        a_right = amount_match(pred["amount"], pred["unit"], row.get("amount"), row.get("unit"))
        gold_container = row.get("container")
        c_right = (pred["container"] or None) == (gold_container or None)
        l_right = location_match(pred["location"], row.get("location"))
        sc.material_right += m_right
        sc.candidates_offered += m_offered
        sc.material_wrong += m_wrong
        sc.material_asked += not (m_right or m_offered or m_wrong)
        sc.amount_right += a_right
        sc.container_right += c_right
        sc.location_right += l_right
        ok = m_right and a_right and c_right and l_right
        sc.all_right += ok
        if not ok:
            sc.misses.append({"text": row["text"], "gold": {k: row.get(k) for k in (
                "material", "cas", "amount", "unit", "container", "location")}, "got": {k: pred.get(k) for k in (
                    "material", "cas", "amount", "unit", "container", "location", "confident")},
                "candidates": [c["material"] for c in pred["candidates"]],
                "wrong": [n for n, bad in (("material", not m_right), ("amount", not a_right),
                                           ("container", not c_right), ("location", not l_right)) if bad]})
    del header_of
    return sc


def pred_cas_of(chemical: Any) -> Optional[str]:
    from bot.inventory.understand import _single_component_cas

    return chemical.cas or _single_component_cas(chemical)


def format_inventory(sc: InventoryScore, show_misses: bool) -> str:
    d = sc.as_dict()
    lines = [f"== inventory set {d['set']} ==",
             f"size {d['size']}, written {d['written']}, {d['status']}",
             f"material right        {d['material_right']:.1%}",
             f"candidates offered    {d['candidates_offered']:.1%}  (the right one among the buttons)",
             f"material WRONG        {d['material_wrong']:.1%}  (a different chemical saved without a question)",
             f"asked, not offered    {d['material_asked_without_answer']:.1%}",
             f"total right           {d['total_right']:.1%}",
             f"container right       {d['container_right']:.1%}",
             f"location right        {d['location_right']:.1%}",
             f"ALL fields right      {d['all_fields_right']:.1%}"]
    if show_misses:
        lines.append("")
        lines.append(f"Not all right ({len(sc.misses)}):")
        for m in sc.misses:
            lines.append(f"  [{', '.join(m['wrong'])}] {m['text']}\n      gold {m['gold']}\n      got  {m['got']}"
                         + (f" choices {m['candidates']}" if m["candidates"] else ""))
    return "\n".join(lines)


# --- questions -------------------------------------------------------------------------------------------


@dataclass
class QuestionScore:
    info: SetInfo
    n: int = 0
    answered: int = 0  # any answer at all
    right: int = 0  # every fact present
    misses: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"set": str(self.info.path), "kind": "questions", "size": self.n, "written": self.info.written,
                "status": self.info.status, "answered": round(self.answered / self.n, 4) if self.n else 0.0,
                "all_facts_right": round(self.right / self.n, 4) if self.n else 0.0}


def score_questions(db: Any, rows: list[dict[str, Any]], info: SetInfo) -> QuestionScore:
    from bot.knowledge.answers import answer_question

    sc = QuestionScore(info=info)
    for row in rows:
        sc.n += 1
        answer = answer_question(row["text"], db=db)
        text = (answer.text if answer else "").lower()
        if answer:
            sc.answered += 1
        missing = [facts for facts in row.get("must_contain") or []
                   if not any(str(f).lower() in text for f in facts)]
        if answer and not missing:
            sc.right += 1
        else:
            sc.misses.append({"text": row["text"], "missing": missing, "answer": text[:300]})
    return sc


def format_questions(sc: QuestionScore, show_misses: bool) -> str:
    d = sc.as_dict()
    lines = [f"== question set {d['set']} ==", f"size {d['size']}, written {d['written']}, {d['status']}",
             f"answered              {d['answered']:.1%}", f"every fact right      {d['all_facts_right']:.1%}"]
    if show_misses:
        lines += ["", f"Missed ({len(sc.misses)}):"]
        for m in sc.misses:
            lines.append(f"  {m['text']}\n      missing {m['missing']}\n      answer  {m['answer']!r}")
    return "\n".join(lines)
