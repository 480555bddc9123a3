"""Turns per chemical: each inventory sentence of a set played through the real inventory conversation by a
simulated filer who answers from the set's labels, counting the filer's turns from the sentence to "Saved";
success is judged from the row written, not from the replies.

The filer: clicks the right choice when it is offered (else "none of these"), answers each question from the
label (amount with its unit, container, place; "skip" for what the label doesn't say) and says Save on the
card. Everything runs in one transaction on the given database that is rolled back at the end, with a
throwaway user and facility: nothing is left behind. Called by `python -m bot.nlp.evaluate --turns`.
"""
from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.nlp.evaluate_sets import SetInfo, amount_match, location_match

MAX_TURNS = 15
_CONTAINER_WORDS = {
    "SCAboveGroundTank": "above ground tank", "SCUnderGroundTank": "underground tank",
    "SCTankInsideBuilding": "tank inside the building", "SCSteelDrum": "steel drum",
    "SCPlasticNonMetallicDrum": "plastic drum", "SCCan": "can", "SCCarboy": "carboy", "SCSilo": "silo",
    "SCFiberDrum": "fiber drum", "SCBag": "bag", "SCBox": "box", "SCCylinder": "cylinder",
    "SCGlassBottle": "glass bottle", "SCPlasticBottle": "plastic bottle", "SCToteBin": "tote",
    "SCTankTruckTankWagon": "tank truck", "SCTankCarRailCar": "rail car", "SCOther": "other: other",
}
_STATE_OF_UNIT = {"gallons": "liquid", "pounds": "solid", "cubic feet": "gas"}


@dataclass
class TurnScore:
    info: SetInfo
    n: int = 0
    saved: int = 0
    within_four: int = 0
    row_right: int = 0
    turns: list[int] = field(default_factory=list)
    pure_turns: list[int] = field(default_factory=list)  # labelled with a CAS and not a waste

    def as_dict(self) -> dict[str, Any]:
        return {"set": str(self.info.path), "kind": "turns", "size": self.n, "written": self.info.written,
                "status": self.info.status, "saved": round(self.saved / self.n, 4) if self.n else 0.0,
                "turns_mean": round(statistics.mean(self.turns), 2) if self.turns else None,
                "turns_median": statistics.median(self.turns) if self.turns else None,
                "pure_turns_mean": round(statistics.mean(self.pure_turns), 2) if self.pure_turns else None,
                "saved_within_4_turns": round(self.within_four / self.n, 4) if self.n else 0.0,
                "row_right": round(self.row_right / self.n, 4) if self.n else 0.0}


def _answer(question: str, buttons: list[tuple[str, str]], gold: dict[str, Any]) -> str:
    q = question.lower()
    amount, unit = gold.get("amount"), gold.get("unit")
    if "please check it" in q:
        return "save"
    if "one of these" in q or "this one?" in q or "more than one thing" in q:
        for title, payload in buttons:
            if _names_gold(title, gold):
                return payload
        return "none of these"
    if "solid, a liquid or a gas" in q:
        return _STATE_OF_UNIT.get(unit or "", "liquid")
    if "cas number" in q:
        return gold.get("cas") or "none"
    if "mixture" in q and "section 3" in q:
        return "no, a single chemical" if gold.get("cas") else "yes, a mixture"
    if "components" in q or "percent by weight" in q:
        return f"{gold.get('material') or 'it'} 100%"
    if "hazard categor" in q:
        return "skip"
    if "state waste code" in q:
        return "343"
    if "generate in a year" in q:
        return f"{amount} {unit}" if amount is not None else "100 gallons"
    if "each" in q and "hold" in q:
        return "skip"
    if "most" in q or "maximum" in q or "how much" in q or " what:" in q:
        return f"{amount} {unit}" if amount is not None else "skip"
    if "stored in" in q:
        return _CONTAINER_WORDS.get(gold.get("container") or "", "other: shelf")
    if "where on site" in q:
        return gold.get("location") or "skip"
    if "unit" in q and buttons:
        return unit or buttons[0][1]
    return "skip"


def _names_gold(title: str, gold: dict[str, Any]) -> bool:
    from bot.chemicals.normalize import normalize_name

    g = normalize_name(gold.get("material") or "")
    t = normalize_name(re.sub(r"\s*\(.*?\)", "", title))
    return bool(g) and (g == t or g in normalize_name(title) or t in g)


def score_turns(db: Session, rows: list[dict[str, Any]], info: SetInfo) -> TurnScore:
    from bot.actor import Actor
    from bot.inventory import dialogue, service
    from bot.models import Facility, FacilityRole, STORAGE_CONTAINER_COLUMNS, User
    from bot.timeutil import utcnow

    header_of = dict(STORAGE_CONTAINER_COLUMNS)
    sc = TurnScore(info=info)
    outer = db.begin_nested()
    try:
        user = User(email="turns-eval@example.invalid", full_name="Eval Filer", status="active", is_inspector=False,
                    is_staff=False, failed_logins=0, created_at=utcnow())
        db.add(user)
        db.flush()
        actor = Actor(user_id=user.id, channel="chat")
        for i, gold in enumerate(rows):
            sc.n += 1
            facility = Facility(cers_id=f"2{i:07d}"[:8], name=f"Eval {i}", street="1 Test St", street_number="1",
                                city="Fresno", zip="93711", created_at=utcnow())
            db.add(facility)
            db.flush()
            db.add(FacilityRole(user_id=user.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
            db.flush()
            state: dict[str, Any] = {}
            turn = dialogue.prompt(db, actor, facility.id, state)
            state = json.loads(json.dumps(turn.state))
            text: Optional[str] = gold["text"]
            turns = 0
            saved = None
            while text is not None and turns < MAX_TURNS:
                turns += 1
                turn = dialogue.handle(db, actor, facility.id, state, text, "add_chemical" if turns == 1 else None)
                state = json.loads(json.dumps(turn.state))
                if not turn.done:
                    more = dialogue.prompt(db, actor, facility.id, state)
                    turn.extend(more)
                    state = json.loads(json.dumps(more.state))
                items = service.list_items(db, actor, facility.id)
                if items:
                    saved = items[0]
                    break
                last = turn.messages[-1] if turn.messages else None
                if last is None:
                    break
                buttons = [(b.title, b.payload) for m in turn.messages for b in m.buttons]
                text = _answer(turn.text.split("\n")[-1] if "Please check it" not in turn.text else turn.text,
                               buttons, gold)
            if saved is not None:
                sc.saved += 1
                sc.turns.append(turns)
                if gold.get("cas") and not gold.get("waste"):
                    sc.pure_turns.append(turns)
                sc.within_four += turns <= 4
                unit = {"a": "gallons", "b": "cubic feet", "c": "pounds", "d": "tons"}.get(saved.units or "")
                container = next((header_of[a] for a in STORAGE_CONTAINER_COLUMNS if getattr(saved, a)), None)
                ok = (amount_match(saved.maximum_daily_amount, unit, gold.get("amount"), gold.get("unit"))
                      or gold.get("amount") is None) and (container == gold.get("container") or not
                                                           gold.get("container")) and (
                    location_match(saved.location, gold.get("location")) or not gold.get("location")) and (
                    (gold.get("cas") and saved.cas_number == gold.get("cas")) or _names_gold(saved.common_name, gold))
                sc.row_right += bool(ok)
    finally:
        outer.rollback()
        db.rollback()
    return sc


def format_turns(sc: TurnScore) -> str:
    d = sc.as_dict()
    return "\n".join([
        f"== conversation turns {d['set']} ==",
        f"size {d['size']}, written {d['written']}, {d['status']}",
        f"saved                 {d['saved']:.1%}",
        f"turns per chemical    mean {d['turns_mean']}, median {d['turns_median']} (sentence to saved); "
        f"pure chemicals mean {d['pure_turns_mean']}",
        f"saved within 4 turns  {d['saved_within_4_turns']:.1%}",
        f"row right             {d['row_right']:.1%}  (the saved row: chemical, total, container, place)",
    ])
