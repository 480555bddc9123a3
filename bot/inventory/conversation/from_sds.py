"""A new material filled from its Safety Data Sheet: the offer to upload it (`offer`), the reading kept in the
database between the upload and the chat's notice (`keep_reading`), and the reading applied to the open material
(`apply_notice`): its name, physical state, CAS number (a pure chemical) or components (a mixture), and hazard
categories, each marked on the summary card "from your SDS: please check", where Save confirms them and the
usual Change buttons fix them.

The reading is kept in `step_drafts` under its own step name, so the inventory step's own row (the open material)
is never overwritten by an upload. Nothing here reads a PDF (bot.web.sds does, through bot.sds) and nothing is
saved to the inventory: the filer saves the card.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.dialogue import Turn
from bot.chemicals.lookup import component_listed_ehs
from bot.inventory.answers import (
    HAZARD_FIELDS, HAZARD_LABELS, STATE_NAMES, components_text, fill_component_library_data, fmt_number,
)
from bot.inventory.conversation.amounts import fit_units_after_change
from bot.inventory.conversation.state import Draft, InventoryState
from bot.models import Facility
from bot.sds.extract import SdsComponent, SdsReading
from bot.services import step_drafts

STEP = "inventory_sds"
STATE_CODES = {"solid": "a", "liquid": "b", "gas": "c"}
SDS_FIELDS = ("physical_state", "cas_number", "is_mixture", "components", "hazards")  # what an SDS can answer
OFFER = "Or upload its Safety Data Sheet (PDF) and I'll fill it in from there."
NOTHING_KEPT = ("I don't have a Safety Data Sheet from you yet: upload it with the form below the question, or "
                "answer the question.")


_ASK_RE = re.compile(r"\b(?:upload|send|attach|add|use|here'?s|have)\b.{0,30}\b(?:sds|msds|safety data sheet)\b|"
                     r"^(?:from |with )?(?:the |its |my )?(?:sds|msds|safety data sheet)$")


def asks_to_upload(text: str) -> bool:
    """"upload the SDS", "I have the safety data sheet", "use its SDS"."""
    return bool(_ASK_RE.search(" ".join((text or "").lower().split())))


def offer(db: Session, facility_id: int, d: Draft, field: Optional[str], asked: bool = False
          ) -> Optional[dict[str, Any]]:
    """The chat page's SDS upload widget for a material not in the library that no SDS filled yet: under its first
    question an SDS answers (not again once the filer answers them one by one), or whenever the filer asks."""
    if d.kind not in ("new", None) or d.from_sds:
        return None
    if not asked and (d.kind != "new" or field not in SDS_FIELDS or any(f in d.answered for f in SDS_FIELDS)):
        return None
    facility = db.get(Facility, facility_id)
    return {"form": "upload_sds", "facility": facility.cers_id if facility is not None else None,
            "material": d.name}


def say_offer(db: Session, facility_id: int, d: Optional[Draft], turn: Turn) -> None:
    """The filer asked to upload an SDS: the widget for the open material, why this one needs none, or (no material
    open) which product first: an SDS fills one material."""
    if d is None:
        turn.say("A Safety Data Sheet fills in one material that is not in the chemical library. Tell me the "
                 "product's name first (e.g. 'add Zep Purple Degreaser'): if I don't know it, I'll offer the SDS "
                 "upload right there. For your whole inventory at once, say 'upload my inventory' (the CERS "
                 "spreadsheet).")
        return
    widget = offer(db, facility_id, d, None, asked=True)
    turn.say("Choose its Safety Data Sheet (PDF) below and I'll fill in what it says." if widget else
             f"{d.name} doesn't need its Safety Data Sheet read: "
             + ("it was already filled from one." if d.from_sds else "the chemical library has it."),
             custom=widget)


_MARK_OF_FIELD = {"is_mixture": "hm_type"}


def answered(d: Draft, field: str) -> None:
    """The filer answered `field` themselves: its card line is theirs now, no longer "from your SDS"."""
    mark = _MARK_OF_FIELD.get(field, field)
    if mark in d.from_sds:
        d.from_sds.remove(mark)


def keep_reading(db: Session, facility_id: int, user_id: Optional[int], reading: SdsReading,
                 filename: str = "") -> None:
    """Keep what was read from an uploaded SDS until the chat applies it (the upload endpoint calls this after the
    role check)."""
    step_drafts.keep(db, facility_id, user_id, STEP, {"reading": reading.to_dict(), "filename": filename[:200]})


def _take_reading(db: Session, facility_id: int, user_id: Optional[int]) -> Optional[SdsReading]:
    kept = step_drafts.load(db, facility_id, user_id, STEP)
    step_drafts.clear(db, facility_id, user_id, STEP)
    if not kept or not isinstance(kept.get("reading"), dict):
        return None
    return SdsReading.from_dict(kept["reading"])


def apply_notice(db: Session, actor: Actor, facility_id: int, st: InventoryState, turn: Turn) -> None:
    """"I uploaded the Safety Data Sheet": the kept reading filled into the open material (a new one, named from
    the sheet, when none is open). A scan or a PDF that is not an SDS changes nothing: the questions go on."""
    reading = _take_reading(db, facility_id, actor.subject_user_id)
    if reading is None:
        turn.say(NOTHING_KEPT)
        return
    if not reading.has_text or not reading.is_sds:
        turn.say(" ".join(reading.notes[:1]) or "I couldn't read that Safety Data Sheet. Let's answer the questions.")
        return
    d = st.pending
    if d is None:
        if not reading.product_name:
            turn.say("I read the Safety Data Sheet but couldn't find the product's name. Tell me the material's name "
                     "first (e.g. 'Zep degreaser, 20 gallons in the shop'), then upload it again.")
            return
        d = st.pending = Draft(kind="new", typed=reading.product_name, values={"ehs": False})
    elif d.kind is None:  # "did you mean ...?" was open: the sheet says what it is
        d.kind = "new"
    elif d.kind == "waste":
        turn.say(f"{d.name} is a waste stream: its components come from the hauler's waste profile or a lab "
                 "analysis, not from the product's Safety Data Sheet, so I didn't use it.")
        return
    elif d.kind != "new":
        turn.say(f"{d.name} is already filled from the chemical library, so I didn't use the Safety Data Sheet. To add "
                 "a material from its SDS, finish or cancel this one first.")
        return
    said = apply(db, d, reading)
    turn.say(said)


def apply(db: Session, d: Draft, reading: SdsReading) -> str:
    """Fill the draft from the reading; the message saying what was read and what is left for the filer."""
    v = d.values
    filled: list[str] = []
    parts: list[str] = []
    if reading.product_name:  # the name on the sheet is the one CERS and the inspector will look up
        v["common_name"] = reading.product_name[:500]
    if reading.physical_state:
        code = STATE_CODES[reading.physical_state]
        if d.state_said and d.state_said != code:
            parts.append(f"The SDS says {reading.physical_state}; I kept {STATE_NAMES[d.state_said]}, as you said.")
        else:
            v["physical_state"] = code
            filled.append("physical_state")
            parts.append(f"physical state {reading.physical_state}"
                         + (" (an aerosol: a gas under pressure)" if reading.aerosol else ""))
    comps = reading.components
    if len(comps) == 1 and (reading.substance or (comps[0].percent_high or 0) >= 99):
        v["hm_type"] = "a"
        d.components = []
        filled.append("hm_type")
        if comps[0].cas:
            v["cas_number"] = comps[0].cas
            if component_listed_ehs(db, {"cas": comps[0].cas, "percent": comps[0].percent_high},
                                    v.get("physical_state")):
                v["ehs"] = True
            filled.append("cas_number")
            parts.append(f"a pure chemical, CAS {comps[0].cas}")
        else:
            parts.append("a pure chemical")
    elif comps:
        v["hm_type"] = "b"
        v["cas_number"] = None
        if "cas_number" not in d.skipped:
            d.skipped.append("cas_number")  # a mixture has no CAS number of its own
        d.components = [_component(c) for c in comps]
        fill_component_library_data(db, d.components)
        filled += ["hm_type", "components"]
        parts.append(f"a mixture of {components_text(d.components)}")
        over = _over_100(d, comps)
        if over:
            parts.append(over)
    if reading.hazards_known or reading.ghs_classes:
        for f in HAZARD_FIELDS:
            v[f] = f in reading.cers_hazards
        v["ghs_hazards"] = list(reading.ghs_hazards) or None
        filled.append("hazards")
        chosen = ", ".join(HAZARD_LABELS[h] for h in HAZARD_FIELDS if v.get(h)) or "none"
        source = "; ".join(reading.ghs_classes) or ("its regulatory section" if reading.cers_hazards
                                                     else "not classified as hazardous")
        parts.append(f"hazard categories {chosen} (from {source})")
    d.from_sds = list(dict.fromkeys([*d.from_sds, *filled]))
    d.review = False
    if d.ask != "components":
        d.ask = None
    msg = f"I read the Safety Data Sheet of {d.name}: " + "; ".join(parts) + "." if parts else \
        f"I read the Safety Data Sheet of {d.name} but found nothing I could fill in."
    left = [n for n in reading.notes if "couldn't find the product name" not in n]
    if left:
        msg += " " + " ".join(left)
    msg += " You'll see each of these on the summary card to check before you save."
    extra = fit_units_after_change(d)
    return " ".join([msg, *extra])


def _over_100(d: Draft, comps: list[SdsComponent]) -> Optional[str]:
    """The highest ends of the SDS's ranges often add up to more than 100%, which CERS refuses: then the filer is
    asked for the percents to report, with the middles of the ranges offered as a button (never chosen for
    them)."""
    total = sum(c["percent"] for c in d.components if c.get("percent") is not None)
    if total <= 100.0001:
        return None
    middles = [{**c, "percent": round(((s.percent_low or 0.0) + s.percent_high) / 2, 2)}
               for c, s in zip(d.components, comps) if s.percent_high is not None]
    if len(middles) == len(d.components) and sum(m["percent"] for m in middles) <= 100.0001:
        d.suggested_components = middles
    d.ask = "components"
    return (f"but the highest ends of its ranges add up to {fmt_number(total)}% and CERS takes at most 100% in "
            "total, so please tell me the percents to report")


def _component(c: SdsComponent) -> dict[str, Any]:
    """A component as the inventory keeps it, at the highest percent of the SDS's range (the way CERS asks for it);
    its EHS flag comes from the library (`fill_component_library_data`), as for components the filer types."""
    percent = c.percent_high
    return {"name": c.name[:500], "percent": round(percent, 2) if percent is not None else None, "cas": c.cas,
            "ehs": False}
