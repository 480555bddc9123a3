"""The Hazardous Materials Inventory conversation, whatever the channel: the user describes a material in a
sentence, the assistant fills what the chemical library knows, asks one question at a time for what is still
missing, shows a summary card, and saves it through `bot.inventory.service` on "Save".

The channel calls `prompt()` to get the next question and `handle()` with each reply (then `prompt()` again
unless the turn is `done`). The material being entered (not saved yet) lives in `state["pending"]` (JSON-able:
Rasa keeps it in a slot of the SQL tracker store); saved materials are only in the database. At any point the
user may list, remove or change saved materials, change or cancel the pending one, ask what a question means,
or ask to upload a spreadsheet. Writes go into the caller's session (commit after `handle`).

State keys: pending (values keyed by InventoryItem columns, components, kind library|new|waste, meta), awaiting
(did_you_mean | confirm_remove | choose_item | edit_saved), queue (sentences about further materials said
while one was open), finished, started.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.chemicals.lookup import best, lookup
from bot.chemicals.normalize import normalize_name, parse_cas
from bot.dialogue import Button, Turn
from bot.errors import ServiceError
from bot.inventory import service
from bot.inventory.answers import (
    CONTAINER_LABELS, HAZARD_FIELDS, HAZARD_LABELS, HM_TYPE_NAMES, PRESSURE_NAMES, STATE_NAMES, TEMPERATURE_NAMES,
    UNIT_CODES, UNIT_NAMES, UNITS_FOR_STATE, WASTE_CODES, Amount, AnswerError, ChangeRequest, check_amount,
    components_text, convert_between, field_in, fmt_amount, fmt_number, hazards_from_fire_classes, is_skip,
    parse_amount, parse_change_request, parse_components, parse_containers, parse_days, parse_hazards,
    parse_hm_type_answer, parse_physical_state, parse_pressure, parse_remove_request, parse_state_waste_code,
    parse_temperature, parse_unit, parse_yes_no, safe_parse_sentence, waste_code_hints,
)
from bot.models import STORAGE_CONTAINER_COLUMNS, Chemical, InventoryItem

EXAMPLE = "three 55-gallon drums of motor oil in the back shop"
FUZZY_OPTION_SCORE = 78.0

# Fields the user may leave blank (not CERS minimally required); the others are refused with the reason.
OPTIONAL_FIELDS = {"cas_number", "hazards", "average_daily_amount", "largest_container", "days_on_site", "location",
                   "pressure", "temperature"}
AMOUNT_FIELDS = ("maximum_daily_amount", "average_daily_amount", "largest_container", "annual_waste_amount")
LABELS = {**service.FIELD_LABELS, "is_mixture": "mixture or not", "hazards": "hazard categories",
          "unit_for": "unit", "container_amount": "container"}

EXPLAIN = {
    "common_name": "The name you know the material by: the product name on its label or Safety Data Sheet (SDS), "
                   "e.g. 'Motor oil 10W-30' or 'Zep degreaser'.",
    "physical_state": "How it is stored: solid (powders, tablets, batteries), liquid, or gas (including gases "
                      "stored liquefied in cylinders or tanks, like propane or CO2).",
    "cas_number": "The CAS number is the chemical's registry number (like 67-64-1 for acetone). It is in section 3 "
                  "of the Safety Data Sheet. Mixtures often have none: then say 'none'.",
    "is_mixture": "A mixture is a product made of several chemicals: section 3 of its Safety Data Sheet lists more "
                  "than one ingredient. A pure chemical has just one (e.g. acetone).",
    "components": "CERS wants each hazardous ingredient with its percent by weight (SDS section 3): every one above "
                  "1%, or above 0.1% if it causes cancer. For a range like 30-40% give the highest number. For a "
                  "waste, use the waste profile or lab analysis from your hauler.",
    "hazards": "The five federal hazard categories: Fire (flammable, combustible, oxidizer), Reactive (unstable, "
               "water-reactive, explosive), Pressure release (compressed gas, aerosols), Acute health (toxic, "
               "corrosive, irritant: harms right away), Chronic health (cancer, long-term effects). Section 2 of "
               "the Safety Data Sheet shows them as hazard classes.",
    "state_waste_code": "The California state waste code is a 3-digit number that describes the waste, e.g. 221 "
                        "waste oil and mixed oil, 214 unspecified solvent mixture, 134 aqueous solution with less "
                        "than 10% organics. It is on your hazardous waste manifest or the hauler's waste profile.",
    "annual_waste_amount": "About how much of this waste you produce in a year (add up what the hauler takes "
                           "away), in the same unit as the other amounts.",
    "maximum_daily_amount": "The maximum daily amount is the most of this material you have on site at any one "
                            "time during the year, in this location: all its containers together. For a new "
                            "material, give your best estimate.",
    "average_daily_amount": "The average daily amount is how much you usually have on a typical day: add up the "
                            "daily amounts over the year and divide by the days it was on site. If it's about the "
                            "same all the time, say 'same as maximum'.",
    "largest_container": "The largest container is the size of your single biggest container of it, in the same "
                         "unit: 55 for a 55-gallon drum, 500 for a 500-gallon tank, 330 for a tote.",
    "container": "What it is stored in: tank, drum, tote, can, bag, cylinder... CERS needs at least one container "
                 "type; name all that apply.",
    "other_container": "Describe the container in a few words (30 characters at most), e.g. 'blast cabinet'.",
    "days_on_site": "How many days a year the material is on site: 365 if it is always there, fewer if only "
                    "seasonally (e.g. 120 for pesticides used in the summer).",
    "location": "Where on site it is kept: the building, room or outdoor area (e.g. 'back shop', 'outside by the "
                "dumpsters'), so firefighters know where to find it. Locations are not made public.",
    "pressure": "Ambient means normal air pressure (drums, cans, bags, open tanks). Above ambient means compressed or "
                "pressurized (gas cylinders, propane tanks, aerosols). Below ambient means under vacuum.",
    "temperature": "Ambient means room or outdoor temperature. Above ambient = heated; below ambient = refrigerated "
                   "or cooled; cryogenic = super-cold liquefied gas like liquid nitrogen in a dewar.",
    "units": "The unit of all its amounts: gallons for liquids, pounds or tons for solids, cubic feet for gases "
             "(pounds for Extremely Hazardous Substances).",
    "unit_for": "Tell me the unit of that number: gallons, pounds, cubic feet or tons.",
}


# --- state helpers -----------------------------------------------------------------------------------------


def is_finished(state: dict[str, Any]) -> bool:
    """True once the user said they have no more materials ("that's all")."""
    return bool((state or {}).get("finished"))


def _state(state: Optional[dict[str, Any]]) -> dict[str, Any]:
    return copy.deepcopy(dict(state or {}))


def _new_pending() -> dict[str, Any]:
    return {"values": {}, "components": [], "kind": None, "meta": {}, "skipped": []}


def _name(d: dict[str, Any]) -> str:
    return d["values"].get("common_name") or d.get("typed") or "this material"


def _containers(v: dict[str, Any]) -> list[str]:
    return [a for a in STORAGE_CONTAINER_COLUMNS if v.get(a)]


def _set_containers(v: dict[str, Any], codes: list[str], other: Optional[str] = None) -> None:
    for a in STORAGE_CONTAINER_COLUMNS:
        v[a] = a in codes
    v["other_container"] = other if "sc_other" in codes else None


def _hazards_known(v: dict[str, Any]) -> bool:
    return any(v.get(f) is not None for f in HAZARD_FIELDS)


def _components_ok(d: dict[str, Any]) -> bool:
    comps = d.get("components") or []
    return bool(comps) and all(c.get("name") and c.get("percent") is not None for c in comps)


def next_field(d: dict[str, Any]) -> Optional[str]:
    """The next thing to ask about a material being entered (None: everything is there, show the summary)."""
    if d.get("unit_for"):
        return "unit_for"
    if d.get("ask"):
        return d["ask"]
    if d.get("review"):
        return None
    v, skipped, kind = d["values"], set(d.get("skipped") or []), d.get("kind")
    meta = d.get("meta") or {}
    if not v.get("common_name"):
        return "common_name"
    if v.get("physical_state") is None:
        return "physical_state"
    if kind == "new":
        if not v.get("cas_number") and "cas_number" not in skipped:
            return "cas_number"
        if v.get("hm_type") is None:
            return "is_mixture"
    if v.get("hm_type") in ("b", "c") and not _components_ok(d):
        return "components"
    if not _hazards_known(v) and "hazards" not in skipped:
        return "hazards"
    if kind == "waste" and not v.get("state_waste_code"):
        return "state_waste_code"
    if v.get("maximum_daily_amount") is None:
        if meta.get("count") and v.get("largest_container") is None:
            return "largest_container"
        return "maximum_daily_amount"
    if v.get("average_daily_amount") is None and "average_daily_amount" not in skipped:
        return "average_daily_amount"
    if not _containers(v):
        return "container"
    if v.get("sc_other") and not v.get("other_container"):
        return "other_container"
    if v.get("largest_container") is None and "largest_container" not in skipped:
        return "largest_container"
    if kind == "waste" and v.get("annual_waste_amount") is None:
        return "annual_waste_amount"
    for f in ("days_on_site", "location", "pressure", "temperature"):
        if v.get(f) in (None, "") and f not in skipped:
            return f
    return None


# --- prompts -----------------------------------------------------------------------------------------------

_CONTAINER_BUTTONS = {
    "a": ("sc_bag", "sc_box", "sc_fiber_drum", "sc_plastic_drum", "sc_tote_bin", "sc_silo"),
    "b": ("sc_steel_drum", "sc_plastic_drum", "sc_can", "sc_tote_bin", "sc_above_ground_tank", "sc_under_ground_tank",
          "sc_plastic_bottle"),
    "c": ("sc_cylinder", "sc_above_ground_tank", "sc_can"),
}


def _question(d: dict[str, Any], field: str) -> tuple[str, list[Button]]:
    v = d["values"]
    name = _name(d)
    units = v.get("units")
    unit_words = UNIT_NAMES.get(units or "", "")
    state = v.get("physical_state")
    if field == "common_name":
        return "What is the material called (the product name on its label or Safety Data Sheet)?", []
    if field == "physical_state":
        return (f"Is {name} a solid, a liquid or a gas, as you store it?",
                [Button("Solid", "solid"), Button("Liquid", "liquid"), Button("Gas", "gas")])
    if field == "cas_number":
        return (f"What is the CAS number of {name}? It is in section 3 of its Safety Data Sheet (like 67-64-1). "
                "Say 'none' if there isn't one.", [Button("None", "none")])
    if field == "is_mixture":
        return (f"Is {name} a mixture, i.e. does section 3 of its Safety Data Sheet list more than one ingredient?",
                [Button("Yes, a mixture", "yes, a mixture"), Button("No, a single chemical", "no, a single chemical")])
    if field == "components":
        buttons = []
        suggested = d.get("suggested_components")
        if suggested:
            buttons.append(Button(f"Use: {components_text(suggested)}"[:64], _components_payload(suggested)))
        if v.get("hm_type") == "c":
            return (f"{name} is a waste, so CERS needs every hazardous component in it with its percent by weight "
                    "(from the waste profile, a lab analysis, or the Safety Data Sheet of the product it came from). "
                    "For example: 'ethylene glycol 50%, water 50%'.", buttons)
        known = d.get("components") or []
        if known:
            return (f"{name} has these components: {components_text(known)}. Please give each hazardous component "
                    "with its percent by weight (SDS section 3), e.g. 'toluene 40%, acetone 30%'.", buttons)
        return (f"What hazardous components does {name} contain? Give each with its percent by weight from section 3 "
                "of the Safety Data Sheet, e.g. 'toluene 40%, acetone 30%' (for a range like 30-40% give the "
                "highest).", buttons)
    if field == "hazards":
        return (f"Which hazard categories does the Safety Data Sheet (section 2) give for {name}? Name all that "
                "apply: Fire, Reactive, Pressure release, Acute health, Chronic health, or say 'none'.",
                [Button("Fire", "fire"), Button("Acute health", "acute health"),
                 Button("Fire and acute health", "fire and acute health"), Button("None of these", "none"),
                 Button("I don't know", "skip")])
    if field == "state_waste_code":
        hints = d.get("waste_codes") or []
        return (f"What is the California state waste code of {name}? It's the 3-digit code on your hazardous waste "
                "manifest or the hauler's waste profile.",
                [Button(f"{c} {WASTE_CODES[c]}"[:64], c) for c in hints if c in WASTE_CODES])
    if field == "annual_waste_amount":
        return (f"About how much {name} do you generate in a year" + (f", in {unit_words}?" if units else "?"), [])
    if field == "maximum_daily_amount":
        example = f"in {unit_words}" if units else "e.g. '110 gallons', '500 lb', or '2 drums'"
        return f"What is the most {name} you have on site at any one time ({example})?", []
    if field == "average_daily_amount":
        mx = v.get("maximum_daily_amount")
        return (f"And on an average day, how much {name} is on site" + (f", in {unit_words}?" if units else "?"),
                [Button(f"Same as maximum ({fmt_amount(mx, units)})", "same as maximum")] if mx else [])
    if field == "container":
        codes = _CONTAINER_BUTTONS.get(state or "b", _CONTAINER_BUTTONS["b"])
        return (f"What is {name} stored in? Name all container types that apply.",
                [Button(CONTAINER_LABELS[c], CONTAINER_LABELS[c].lower()) for c in codes] + [Button("Other", "other")])
    if field == "other_container":
        return "What kind of container is it (30 characters at most)?", []
    if field == "largest_container":
        meta = d.get("meta") or {}
        kind = _container_word(v)
        if meta.get("count") and v.get("maximum_daily_amount") is None:
            return (f"How much does each {kind} hold" + (f", in {unit_words}" if units else "")
                    + " (e.g. '55 gallons')?", [])
        mx = v.get("maximum_daily_amount")
        return (f"How big is the largest single {kind} of {name}" + (f", in {unit_words}" if units else "")
                + "?", [Button(f"Same as maximum ({fmt_amount(mx, units)})", "same as maximum")] if mx else [])
    if field == "days_on_site":
        return (f"How many days a year is {name} on site?", [Button("All year (365)", "all year")])
    if field == "location":
        return f"Where on site is {name} kept (building, room or area, e.g. 'back shop')?", []
    if field == "pressure":
        buttons = [Button("Ambient", "ambient"), Button("Above ambient", "above ambient"),
                   Button("Below ambient", "below ambient")]
        if state == "c" or v.get("sc_cylinder"):
            buttons = [buttons[1], buttons[0], buttons[2]]
        return f"Is {name} stored at ambient (normal) pressure, or above or below it?", buttons
    if field == "temperature":
        return (f"Is {name} stored at ambient temperature, above (heated), below (refrigerated), or cryogenic?",
                [Button("Ambient", "ambient"), Button("Above ambient", "above ambient"),
                 Button("Below ambient", "below ambient"), Button("Cryogenic", "cryogenic")])
    if field == "unit_for":
        uf = d["unit_for"]
        allowed = UNITS_FOR_STATE.get(state or "", ("a", "c", "b", "d"))
        return (f"{fmt_number(uf['value'])} what: " + ", ".join(UNIT_NAMES[u] for u in allowed) + "?",
                [Button(UNIT_NAMES[u].capitalize(), UNIT_NAMES[u]) for u in allowed])
    if field == "units":
        allowed = UNITS_FOR_STATE.get(state or "", ("a", "c", "b", "d"))
        return (f"In which unit are the amounts of {name}?", [Button(UNIT_NAMES[u].capitalize(), UNIT_NAMES[u])
                                                             for u in allowed])
    return f"What is the {LABELS.get(field, field)} of {name}?", []


def _container_word(v: dict[str, Any]) -> str:
    codes = _containers(v)
    return CONTAINER_LABELS[codes[0]].lower() if codes and codes[0] != "sc_other" else "container"


def _components_payload(comps: list[dict[str, Any]]) -> str:
    return "; ".join(f"{c['name']} {fmt_number(c['percent'])}%" + (f" CAS {c['cas']}" if c.get("cas") else "")
                     for c in comps if c.get("percent") is not None)


def _card_fields(d: dict[str, Any]) -> dict[str, str]:
    v = d["values"]
    units = v.get("units")
    f: dict[str, str] = {"Common name": v.get("common_name") or "-"}
    kind = HM_TYPE_NAMES.get(v.get("hm_type") or "", "-")
    f["Type"] = {"pure": "pure chemical", "mixture": "mixture", "waste": "waste"}.get(kind, "-")
    f["EHS"] = "yes (Extremely Hazardous Substance)" if v.get("ehs") else "no"
    if v.get("cas_number"):
        f["CAS number"] = v["cas_number"]
    f["Physical state"] = STATE_NAMES.get(v.get("physical_state") or "", "-")
    f["Maximum daily amount"] = fmt_amount(v.get("maximum_daily_amount"), units)
    f["Average daily amount"] = fmt_amount(v.get("average_daily_amount"), units)
    f["Largest container"] = fmt_amount(v.get("largest_container"), units)
    codes = _containers(v)
    f["Stored in"] = ", ".join(v.get("other_container") or CONTAINER_LABELS[c] if c == "sc_other" else
                               CONTAINER_LABELS[c] for c in codes) or "-"
    f["Pressure / temperature"] = (f"{PRESSURE_NAMES.get(v.get('pressure') or '', 'not given')} / "
                                   f"{TEMPERATURE_NAMES.get(v.get('temperature') or '', 'not given')}")
    f["Days on site"] = str(v["days_on_site"]) if v.get("days_on_site") else "not given"
    f["Location"] = v.get("location") or "not given"
    if _hazards_known(v):
        chosen = [HAZARD_LABELS[h] for h in HAZARD_FIELDS if v.get(h)]
        f["Hazard categories"] = ", ".join(chosen) or "none"
    else:
        f["Hazard categories"] = "not given"
    if d.get("components"):
        f["Components"] = components_text(d["components"])
    if v.get("hm_type") == "c":
        code = v.get("state_waste_code")
        f["State waste code"] = f"{code} ({WASTE_CODES[code]})" if code in WASTE_CODES else (code or "-")
        f["Annual waste amount"] = fmt_amount(v.get("annual_waste_amount"), units)
    return f


def _summary(turn: Turn, d: dict[str, Any]) -> None:
    fields = _card_fields(d)
    lines = "\n".join(f"- {k}: {val}" for k, val in fields.items() if k != "Common name")
    buttons = [Button("Save", "save"), Button("Change amount", "change the amount"),
               Button("Change container", "change the container"), Button("Change location", "change the location")]
    if d["values"].get("hm_type") in ("b", "c"):
        buttons.append(Button("Change components", "change the components"))
    buttons.append(Button("Cancel", "cancel"))
    turn.say(f"Here is {_name(d)}. Please check it:\n{lines}\nSave it, or tell me what to change.", buttons,
             {"card": "inventory_item", "fields": fields, "values": _jsonable(d["values"]),
              "components": d.get("components") or []})


def _jsonable(v: dict[str, Any]) -> dict[str, Any]:
    return {k: val for k, val in v.items() if val is not None}


def prompt(db: Session, actor: Actor, facility_id: int, state: dict[str, Any]) -> Turn:
    """The next thing to say: the awaited confirmation, the next question about the pending material, its summary
    card, or the invitation to describe a (next) material."""
    items = service.list_items(db, actor, facility_id)  # also checks the user's role
    st = _state(state)
    turn = Turn(state=st)
    if st.get("finished"):
        turn.done = True
        return turn
    aw = st.get("awaiting")
    if aw:
        _prompt_awaiting(db, st, aw, items, turn)
        return turn
    pending = st.get("pending")
    if pending is not None:
        field = next_field(pending)
        if field is None:
            _summary(turn, pending)
        else:
            text, buttons = _question(pending, field)
            turn.say(text, buttons)
        return turn
    buttons = [Button("That's all", "that's all"), Button("Upload a spreadsheet", "upload a spreadsheet"),
               Button("List my chemicals", "list my chemicals")]
    if not st.get("started"):
        st["started"] = True
        intro = ""
        if items:
            intro = (f"Your inventory has {len(items)} material{'s' if len(items) != 1 else ''} so far "
                     "(say 'list my chemicals' to see them). ")
        turn.say(f"{intro}Tell me about a hazardous material you keep, e.g. '{EXAMPLE}'. You can also upload the "
                 "CERS inventory spreadsheet instead.", buttons)
    else:
        turn.say("Anything else? Tell me the next material, or say 'that's all'.", buttons)
    return turn


def _prompt_awaiting(db: Session, st: dict[str, Any], aw: dict[str, Any], items: list[InventoryItem],
                     turn: Turn) -> None:
    kind = aw["kind"]
    if kind == "did_you_mean":
        buttons = [Button(o["name"][:64], o["name"]) for o in aw["options"]]
        buttons.append(Button("None of these", "none of these"))
        if aw.get("exact"):
            turn.say(f"The chemical library has several materials called “{aw['typed']}”. Which one is yours?",
                     buttons)
        else:
            turn.say(f"I don't know “{aw['typed']}” exactly. Did you mean one of these?", buttons)
    elif kind == "confirm_remove":
        by_id = {i.id: i for i in items}
        names = [service.describe_item(by_id[i]) for i in aw["ids"] if i in by_id]
        what = names[0] if len(names) == 1 else f"these {len(names)} materials"
        turn.say(f"Remove {what} from the inventory?", [Button("Yes, remove", "yes"), Button("No, keep it", "no")])
    elif kind == "choose_item":
        by_id = {i.id: i for i in items}
        buttons = [Button(service.describe_item(by_id[i])[:64], f"item {i}") for i in aw["ids"] if i in by_id]
        verb = "remove" if aw["action"] == "remove" else "change"
        turn.say(f"Which one do you want to {verb}?", buttons + [Button("None of them", "none")])
    elif kind == "edit_saved":
        item = next((i for i in items if i.id == aw["item_id"]), None)
        if item is None:
            st["awaiting"] = None
            return
        field = aw.get("field")
        if field is None:
            turn.say(f"What should change for {item.common_name}?",
                     [Button("Amount", "amount"), Button("Location", "location"), Button("Container", "container"),
                      Button("Days on site", "days on site"), Button("Nothing", "nothing")])
        else:
            draft = aw.get("draft") or _draft_from_item(item)
            text, buttons = _question(draft, field)
            turn.say(text, buttons)


# --- handling replies --------------------------------------------------------------------------------------

_UPLOAD_RE = re.compile(r"\b(?:upload|spreadsheet|excel|xlsx|xls|csv|hmi template|template file|import (?:my |the |"
                        r"a )?(?:file|inventory|chemicals|list))\b")
_LIST_RE = re.compile(r"^(?:list|the list|my list|show (?:me )?(?:the |my )?list|inventory|my inventory)[?.!]*$|"
                      r"^(?:(?:can you|could you|please|pls|ok|okay)\s+)*(?:list|show|view|read|review|recap|see)\b"
                      r".*\b(?:chemicals?|materials?|inventory|list|entered|everything|added|hmi|stuff)\b|"
                      r"\bwhat (?:have|did) (?:i|we) (?:entered|enter|put|added|add)\b|^(?:my )?inventory\??$|"
                      r"\bwhat(?:'s| is) (?:in|on) (?:my|the|our) (?:list|inventory)\b")
_CANCEL_RE = re.compile(r"^(?:(?:no|ok|okay|actually|please|just)[,\s]+)*(?:cancel|forget (?:it|that|this|about it)|"
                        r"never ?mind|nvm|scrap (?:it|that|this)|discard(?: it| this| that)?|abort|don'?t save(?: it)?|"
                        r"do not save(?: it)?|stop)\b(?:\s+(?:it|this|that|this one|that one|the \w+))?[.!]*$")
_DONE_RE = re.compile(r"^(?:(?:no|nope|nah|ok|okay|well)[,\s]+)*(?:that'?s all|thats all|that is all|that'?s it|"
                      r"that is it|done|i'?m done|we'?re done|all done|finished|i'?m finished|nothing else|"
                      r"no more|nothing more|no(?:pe|thing)?|no thanks|no thank you|that'?s everything|"
                      r"that'?s all we have|that'?s all for now|we'?re good|i'?m good|all set|none)[.!]*$")
_DONE_STRICT_RE = re.compile(r"^(?:(?:ok|okay|well)[,\s]+)*(?:that'?s all|thats all|that is all|that'?s it|done|"
                             r"i'?m done|we'?re done|all done|finished|i'?m finished|nothing else|no more materials|"
                             r"that'?s everything|that'?s all for now|stop here)[.!]*$")
_SAVE_RE = re.compile(r"^(?:(?:yes|yep|yeah|ok|okay|sure|great|perfect|good|looks good)[,!.\s]*)*(?:please\s+)?"
                      r"(?:save|save it|save this|save that|save please|looks (?:good|right|fine|correct|ok)|"
                      r"that'?s (?:right|correct|good)|correct|confirm(?:ed)?|all good|go ahead|ok|okay|yes|yep|"
                      r"yeah|sure|perfect|good|right)?[.!]*$")
_EXPLAIN_RE = re.compile(r"^(?:huh|what|what\?|\?+|what does (?:that|this|it) mean|what do you mean\b.*|"
                         r"why do you (?:need|ask|want)\b.*|why\??|i don'?t (?:get|understand)\b.*|"
                         r"what(?:'s| is| are) (?:a |an |the )?(?:largest container|average(?: daily)?|"
                         r"max(?:imum)?(?: daily)?|days on site|ambient|state waste code|waste code|cas(?: number)?|"
                         r"hazard (?:class|categor)\w*|mixture|physical state|storage container|annual waste"
                         r"(?: amount)?|components?|cryogenic|units?)\b.*)\??$")
_CHANGE_START_RE = re.compile(r"^(?:(?:actually|oops|oh|wait|sorry|ok|okay|no|please)[,\s]+)*(?:change|update|edit|"
                              r"fix|correct|modify|move|bump|lower|raise|increase|decrease|reduce|adjust|double|"
                              r"triple|halve)\b|\b(?:is|are) actually\b|\bshould (?:be|say)\b.*\bnot\b|"
                              r"\bwrong (?:amount|location|container|quantity)\b")
_REMOVE_START_RE = re.compile(r"^(?:(?:ok|okay|please|actually|also)[,\s]+)*(?:remove|delete|take off|take out|"
                              r"get rid of|erase|scratch|cross off)\b|\btake (?:the )?\w+(?: \w+)? off\b")
_WASTE_RE = re.compile(r"\b(?:waste|wastes|used|spent|scrap|contaminated|dirty|old|drained|discarded|expired|"
                       r"recovered|rinsate|sludge|residue)\b(?!\s+(?:for|in|to|by|on|as|with)\b)")
_COMMAND_PREFIX_RE = re.compile(r"^(?:(?:ok|okay|also|and|plus|then|next|another(?: one)?|one more|so|um|uh|"
                                r"please|pls|add|also add|please add|put down|put in|enter|include|new material|"
                                r"new chemical|we also|i also)[,:\s]+)+", re.IGNORECASE)
_FILLER_ONLY_RE = re.compile(r"^(?:hi|hello|hey|ok|okay|hmm+|um+|uh+|yes|no|yep|nope|sure|thanks|thank you|help|"
                             r"what|why|how|\?+|\.+)[.!?]*$")


_UPLOADED_RE = re.compile(r"^i (?:have )?uploaded my inventory file\.?$")


def _want(text: str, intent: Optional[str], intents: tuple[str, ...], rx: re.Pattern[str]) -> bool:
    return intent in intents or bool(rx.search(text.lower()))


def handle(db: Session, actor: Actor, facility_id: int, state: dict[str, Any], text: str,
           intent: Optional[str] = None) -> Turn:
    """Interpret one reply (the answer to the last question, or a request such as "list my chemicals", "remove
    the acetone", "change diesel to 500 gallons", "cancel", "that's all"). Does not ask the next question: call
    `prompt()` afterwards unless the returned turn is done."""
    service.list_items(db, actor, facility_id)  # checks the user's role before anything else
    st = _state(state)
    st["finished"] = False
    turn = _handle(db, actor, facility_id, st, Turn(state=st), text, intent)
    _note_duplicate(db, actor, facility_id, st, turn)
    return turn


def _note_duplicate(db: Session, actor: Actor, facility_id: int, st: dict[str, Any], turn: Turn) -> None:
    """Once per material: say when the same material is already saved (CERS wants one line per location)."""
    d = st.get("pending")
    if not d or d.get("dup_checked") or not d["values"].get("common_name") or st.get("awaiting"):
        return
    d["dup_checked"] = True
    cid = d["values"].get("chemical_id")
    name = normalize_name(d["values"]["common_name"])
    same = [i for i in service.list_items(db, actor, facility_id)
            if (cid and i.chemical_id == cid) or normalize_name(i.common_name) == name]
    if same:
        turn.say(f"You already listed {service.describe_item(same[0])}. I'll add this as another line (for another "
                 "location); say 'cancel' if it's the same one, or change the saved one instead.")


def _handle(db: Session, actor: Actor, facility_id: int, st: dict[str, Any], turn: Turn, text: str,
            intent: Optional[str]) -> Turn:
    text = " ".join((text or "").split())
    low = text.lower()
    if not text:
        return turn
    pending = st.get("pending")
    aw = st.get("awaiting")

    if _UPLOADED_RE.match(low):  # the chat page's upload widget says this after a successful import
        count = len(service.list_items(db, actor, facility_id))
        turn.say(f"Thanks, the file is imported: your inventory now has {count} material{'s' if count != 1 else ''}. "
                 "Say 'list my chemicals' to see them, tell me about another material, or say 'that's all'.")
        return turn
    if _want(text, intent, ("upload_inventory",), _UPLOAD_RE) and intent not in ("inform", "add_chemical"):
        turn.say("You can upload your inventory as the CERS Hazardous Materials Inventory spreadsheet (.xlsx, up to "
                 "500 materials a file). Choose the file below; you'll be asked whether it replaces your current "
                 "inventory or is added to it." + (f" {_name(pending)} is not saved yet: we can finish it after."
                                                   if pending else ""),
                 custom={"form": "upload_inventory"})
        return turn
    if _want(text, intent, ("list_chemicals",), _LIST_RE) and not (aw and aw["kind"] == "did_you_mean"):
        _list(db, actor, facility_id, st, turn)
        return turn
    if aw:
        if _handle_awaiting(db, actor, facility_id, st, aw, text, intent, turn):
            return turn
        st["awaiting"] = None
    if _want(text, intent, ("remove_chemical",), _REMOVE_START_RE):
        _remove(db, actor, facility_id, st, text, turn)
        return turn
    if intent in ("change_chemical", "correct_field") or _CHANGE_START_RE.search(low):
        req = parse_change_request(text)
        if req is not None or intent in ("change_chemical", "correct_field"):
            _change(db, actor, facility_id, st, req or ChangeRequest(), text, turn)
            return turn
    if intent == "explain_question" or _EXPLAIN_RE.match(low):
        _explain(st, turn)
        return turn
    if pending is None and not aw and (intent == "stop" or re.match(r"^(?:stop|quit|exit)\b", low)):
        _finish(db, actor, facility_id, st, turn)
        return turn
    if _CANCEL_RE.match(low) or (intent == "stop" and pending is not None):
        _cancel(db, st, turn)
        return turn

    if pending is None:
        short = len(low.split()) <= 3
        if (intent in ("deny", "stop", "goodbye") and short) or _DONE_RE.match(low):
            _finish(db, actor, facility_id, st, turn)
            return turn
        if (intent in ("affirm", "start_inventory", "continue_filing") or parse_yes_no(low) is True) and short:
            turn.say("Go ahead: tell me about the material, e.g. its name, how much, the container and where it is.")
            return turn
        if intent == "skip_question":
            turn.say("Tell me about a material you keep, or say 'that's all' if there are no more.")
            return turn
        if _FILLER_ONLY_RE.match(low) or (low.endswith("?") and intent != "add_chemical"):
            turn.say(f"Tell me about one hazardous material you keep: its name, how much, the container and where it "
                     f"is, e.g. '{EXAMPLE}'. Or say 'that's all' when there are no more.")
            return turn
        _start_material(db, st, text, turn)
        return turn

    field = next_field(pending)
    if field is None:  # the summary card is showing
        if intent == "affirm" or _SAVE_RE.match(low) and low:
            _save(db, actor, facility_id, st, turn)
        elif intent in ("deny",) or parse_yes_no(low) is False or _DONE_RE.match(low):
            turn.say(f"Tell me what to change for {_name(pending)} (e.g. 'change the location'), say Save, or "
                     "'cancel' to drop it.")
        elif intent == "add_chemical" and _other_material(db, pending, text):
            _queue(st, pending, text, turn)
        else:
            req = parse_change_request(text)
            if req is not None:
                _change(db, actor, facility_id, st, req, text, turn)
            else:
                turn.say(f"Say Save to keep {_name(pending)}, tell me what to change, or say 'cancel'.")
        return turn
    if re.match(r"^(?:please\s+)?(?:just\s+)?save(?: it| this| that| now)?(?: please)?[.!]*$", low):
        _save(db, actor, facility_id, st, turn)
        return turn
    if _DONE_STRICT_RE.match(low):
        pending["review"], pending["ask"] = True, None
        turn.say(f"Before we stop: {_name(pending)} isn't saved yet. Here is what I have; save it, complete it, or "
                 "cancel it.")
        return turn
    if intent == "add_chemical" and field not in ("common_name", "location", "components", "other_container") and \
            _other_material(db, pending, text):
        _queue(st, pending, text, turn)
        return turn
    _answer_pending(db, st, pending, field, text, turn)
    return turn


def _queue(st: dict[str, Any], pending: dict[str, Any], text: str, turn: Turn) -> None:
    st.setdefault("queue", []).append(text)
    turn.say(f"Got it, I'll take that one next. First let's finish {_name(pending)}.")


def _other_material(db: Session, pending: dict[str, Any], text: str) -> bool:
    """Does `text` describe another material than the pending one (a library chemical or an amount + a name)?"""
    parsed = safe_parse_sentence(_strip_command(text), db)
    if not parsed.material_text:
        return False
    if parsed.chemical is not None:
        return parsed.chemical.id != pending["values"].get("chemical_id")
    return parsed.amount is not None and normalize_name(parsed.material_text) != normalize_name(_name(pending))


# --- starting a material -----------------------------------------------------------------------------------


_TRAILING_FILLER_RE = re.compile(r"[\s,]+(?:please|pls|plz|thanks|thank you|thx|too|as well|also|for me)[.!]*$",
                                 re.IGNORECASE)


def _strip_command(text: str) -> str:
    """"add disel pls" -> "disel"; "ok also we have sulfuric acid" -> "we have sulfuric acid"."""
    s = _COMMAND_PREFIX_RE.sub("", text).strip()
    prev = None
    while prev != s:
        prev = s
        s = _TRAILING_FILLER_RE.sub("", s).strip()
    return s or text


def _start_material(db: Session, st: dict[str, Any], text: str, turn: Turn) -> None:
    cleaned = _strip_command(text)
    parsed = safe_parse_sentence(cleaned, db)
    d = _new_pending()
    st["pending"] = d
    notes = _apply_sentence(d, parsed)
    name_text = (parsed.material_text or "").strip()
    if not name_text:
        if parsed.amount is None and not parsed.container_code:
            st["pending"] = None
            turn.say(f"I didn't catch which material that is. Tell me its name and, if you can, how much, the "
                     f"container and where it is, e.g. '{EXAMPLE}'.")
            return
        turn.say(" ".join(notes + ["Which material is that?"]))
        return
    _resolve_name(db, st, d, name_text, parsed.chemical, parsed.chemical_score, turn, notes)


def _resolve_name(db: Session, st: dict[str, Any], d: dict[str, Any], name_text: str, chem: Optional[Chemical],
                  score: Optional[float], turn: Turn, notes: Optional[list[str]] = None) -> None:
    """Library material (exact), waste, "did you mean" (close spellings) or a new material from its SDS."""
    notes = notes or []
    d["typed"] = name_text
    if _is_waste(name_text, chem):
        _make_waste(db, d, name_text, chem, turn, notes)
        return
    if chem is not None and (score or 0) >= 100:
        exact = [m.chemical for m in lookup(db, name_text, limit=4) if m.score >= 100]
        if len({c.id for c in exact}) > 1:  # "sodium hydroxide": the 50% solution product or the pure solid?
            st["awaiting"] = {"kind": "did_you_mean", "typed": name_text, "exact": True,
                              "options": [{"id": c.id, "name": c.name} for c in exact]}
            if notes:
                turn.say(" ".join(notes))
            return
        _apply_library(db, d, chem, turn, notes)
        return
    options = [{"id": m.chemical.id, "name": m.chemical.name}
               for m in lookup(db, name_text, limit=4) if m.score >= FUZZY_OPTION_SCORE]
    if chem is not None and all(o["id"] != chem.id for o in options):
        options.insert(0, {"id": chem.id, "name": chem.name})
    if options:
        st["awaiting"] = {"kind": "did_you_mean", "typed": name_text, "options": options[:4]}
        if notes:
            turn.say(" ".join(notes))
        return
    _make_new(d, name_text, turn, notes)


def _is_waste(name_text: str, chem: Optional[Chemical]) -> bool:
    if chem is not None and (chem.notes or "").startswith("A waste"):
        return True
    return bool(_WASTE_RE.search(name_text.lower()))


def _display_name(text: str) -> str:
    s = " ".join(text.split()).strip(" ,.")
    return s[:1].upper() + s[1:] if s else s


def _apply_sentence(d: dict[str, Any], parsed: Any) -> list[str]:
    """Amount, unit, container, count, size and location from the first sentence; what was understood, in words."""
    v, meta = d["values"], d["meta"]
    said: list[str] = []
    if parsed.container_code:
        _set_containers(v, [parsed.container_code])
    if parsed.container_count:
        meta["count"] = float(parsed.container_count)
    if parsed.amount is not None and parsed.unit:
        unit = UNIT_CODES[parsed.unit]
        try:
            check_amount(parsed.amount, unit, "amount")
        except AnswerError as exc:
            said.append(exc.message)
        else:
            v["maximum_daily_amount"], v["units"] = round(parsed.amount, 4), unit
            meta.pop("count", None)
            if parsed.container_count and parsed.container_size and parsed.container_count != 1:
                said.append(f"{fmt_number(parsed.container_count)} x {fmt_amount(parsed.container_size, unit)} = "
                            f"{fmt_amount(parsed.amount, unit)}.")
            elif parsed.unit_text and parse_unit(parsed.unit_text) != unit and parsed.amount_as_written is not None:
                said.append(f"{fmt_number(parsed.amount_as_written)} {parsed.unit_text} = "
                            f"{fmt_amount(parsed.amount, unit)}.")
            if parsed.approximate:
                said.append(f"I'll put {fmt_amount(parsed.amount, unit)} as the maximum (an estimate is fine).")
    if parsed.container_size and parsed.container_size_unit:
        size_unit = UNIT_CODES[parsed.container_size_unit]
        if v.get("units") in (None, size_unit):
            v["largest_container"] = round(parsed.container_size, 4)
            v["units"] = size_unit
    if parsed.location:
        v["location"] = _display_name(parsed.location)[:140]
    return said


def _library_components(chem: Chemical) -> list[dict[str, Any]]:
    own = normalize_name(chem.name)
    bare = re.sub(r"\s*\(.*?\)", "", own).strip()  # "used oil (waste)" -> "used oil"
    out = []
    for c in chem.components:
        cname = normalize_name(c.name)
        whole = c.percent is None or c.percent >= 100
        if whole and ((chem.cas and c.cas == chem.cas) or cname in (own, bare)):
            continue  # the product itself at 100%, not an ingredient
        out.append({"name": c.name, "percent": c.percent, "cas": c.cas, "ehs": bool(c.ehs)})
    return out


def _apply_library(db: Session, d: dict[str, Any], chem: Chemical, turn: Turn, notes: list[str]) -> None:
    v = d["values"]
    d["kind"] = "library"
    v["chemical_id"] = chem.id
    v["common_name"] = chem.name
    if chem.physical_state:
        v["physical_state"] = chem.physical_state
    if chem.cas:
        v["cas_number"] = chem.cas
    comps = _library_components(chem)
    v["hm_type"] = "b" if chem.kind == "mixture" or (chem.kind != "pure" and comps) else "a"
    if v["hm_type"] == "a" and chem.kind == "pure":
        v["chemical_name"] = chem.name
    d["components"] = comps if v["hm_type"] == "b" else []
    v["ehs"] = bool(chem.ehs)
    for i, code in enumerate((chem.fire_classes or [])[:8], start=1):
        v[f"fire_class_{i}"] = int(code)
    for f, val in hazards_from_fire_classes(chem.fire_classes or [], chem.physical_state).items():
        v[f] = val
    known = [STATE_NAMES[chem.physical_state]] if chem.physical_state else []
    known.append("a mixture" if v["hm_type"] == "b" else "a pure chemical")
    if chem.cas:
        known.append(f"CAS {chem.cas}")
    if chem.ehs:
        known.append(f"an Extremely Hazardous Substance (TPQ {fmt_number(chem.tpq_lb)} lb)" if chem.tpq_lb
                     else "an Extremely Hazardous Substance")
    msg = f"Found {chem.name} in the chemical library: " + ", ".join(known) + "."
    if d["components"]:
        msg += f" Typical components: {components_text(d['components'])} (your SDS wins if it differs)."
    if chem.notes:
        msg += f" Note: {chem.notes}"
    turn.say(" ".join([msg, *notes, *_fit_units_after_change(d)]))


def _make_new(d: dict[str, Any], name_text: str, turn: Turn, notes: list[str]) -> None:
    d["kind"] = "new"
    d["values"]["common_name"] = _display_name(name_text)[:500]
    d["values"]["ehs"] = False
    turn.say(" ".join([f"“{d['values']['common_name']}” is not in the chemical library, so let's add it from its "
                       "Safety Data Sheet (SDS). (If that's not a material, say 'cancel'.)", *notes]))


def _make_waste(db: Session, d: dict[str, Any], name_text: str, chem: Optional[Chemical], turn: Turn,
                notes: list[str]) -> None:
    """A waste stream: always a new material (no library link) with all its hazardous components, a state waste
    code and an annual amount; the library's entry for the waste or the product it came from suggests the
    physical state, typical components and waste codes."""
    v = d["values"]
    d["kind"] = "waste"
    v["common_name"] = _display_name(name_text)[:500]
    v["hm_type"] = "c"
    v["ehs"] = False
    base = chem
    if base is None or not (base.notes or "").startswith("A waste"):
        stripped = _WASTE_RE.sub(" ", name_text.lower()).strip()
        match = best(db, stripped) if len(stripped) >= 3 else None
        base = match.chemical if match else chem
    if base is not None:
        if base.physical_state:
            v["physical_state"] = base.physical_state
        suggested = [c for c in _library_components(base) if c.get("percent") is not None]
        if suggested:
            d["suggested_components"] = suggested
    d["waste_codes"] = waste_code_hints(name_text, base.notes if base is not None else None)
    turn.say(" ".join([f"{v['common_name']} is a waste stream, so I'll add it as a waste: CERS needs every "
                       "hazardous component in it, its California state waste code, and how much you generate a "
                       "year.", *notes, *_fit_units_after_change(d)]))


# --- answering questions about a material ------------------------------------------------------------------


def _answer_pending(db: Session, st: dict[str, Any], d: dict[str, Any], field: str, text: str, turn: Turn) -> None:
    if field == "common_name" and d.get("kind") is None:
        name = re.sub(r"^(?:it'?s|it is|its called|it'?s called|called|the name is|name is)\s+", "", text.strip(),
                      flags=re.I)
        parsed = safe_parse_sentence(name, db)
        if not parsed.material_text or not re.search(r"[a-zA-Z]{2}", parsed.material_text):
            turn.say("I need the material's name here (like 'motor oil' or the product name on its label).")
            return
        _resolve_name(db, st, d, parsed.material_text, parsed.chemical, parsed.chemical_score, turn)
        return
    try:
        messages = _answer(db, d, field, text)
    except AnswerError as exc:
        turn.say(exc.message)
        return
    if d.get("ask") == field:
        d["ask"] = None
    if messages:
        turn.say(" ".join(messages))


def _fit_unit(d: dict[str, Any], unit: str, value: float) -> tuple[str, float, str]:
    """The unit checked against the physical state and the EHS rule; tons become pounds for an EHS."""
    v = d["values"]
    name = _name(d)
    state = v.get("physical_state")
    if v.get("ehs") and unit != "c":
        if unit == "d":
            return "c", value * 2000, f"{fmt_amount(value, 'd')} = {fmt_amount(value * 2000, 'c')} (CERS needs " \
                                      "pounds for an Extremely Hazardous Substance)."
        raise AnswerError(f"{name} is an Extremely Hazardous Substance, and CERS needs its amounts in pounds. Please "
                          "give the weight in pounds (gallons x 8.34 x the specific gravity from the Safety Data Sheet "
                          "gives pounds).")
    if state in UNITS_FOR_STATE and unit not in UNITS_FOR_STATE[state]:
        allowed = " or ".join(UNIT_NAMES[u] for u in UNITS_FOR_STATE[state])
        raise AnswerError(f"{name} is a {STATE_NAMES[state]}, which is reported in {allowed}, not in "
                          f"{UNIT_NAMES[unit]}. Please give it in {allowed}.")
    return unit, value, ""


def _fit_units_after_change(d: dict[str, Any]) -> list[str]:
    """After the state or EHS flag changed: amounts in a unit that no longer fits are converted (tons -> pounds)
    or dropped to be asked again; returns what was done, in words."""
    v = d["values"]
    unit = v.get("units")
    if unit is None:
        return []
    try:
        new_unit, _value, note = _fit_unit(d, unit, 1.0)
    except AnswerError as exc:
        for f in AMOUNT_FIELDS:
            v[f] = None
        v["units"] = None
        d.get("meta", {}).pop("count", None)
        return [exc.message.replace("Please give", "So I'll ask for the amounts again; please give")]
    if new_unit != unit:
        for f in AMOUNT_FIELDS:
            if v.get(f) is not None:
                v[f] = round(v[f] * 2000, 4)
        v["units"] = new_unit
        return ["I converted the amounts to pounds (CERS needs pounds for an Extremely Hazardous Substance)."]
    return []


# "drums" names a drum whatever its material: a generic word doesn't replace a plastic drum by a steel one
_FAMILY = {"sc_steel_drum": "drum", "sc_plastic_drum": "drum", "sc_fiber_drum": "drum", "sc_above_ground_tank": "tank",
           "sc_under_ground_tank": "tank", "sc_tank_inside_building": "tank", "sc_plastic_bottle": "bottle",
           "sc_glass_bottle": "bottle"}
_SAME_RE = re.compile(r"\bsame\b|\bequal\b|\bidentical\b|\bno difference\b|\bthe max(?:imum)?\b|^all of it$|"
                      r"\bone (?:tank|container|drum|tote|cylinder)\b|\ball in one\b")


def _amount_answer(d: dict[str, Any], field: str, text: str) -> list[str]:
    v = d["values"]
    meta = d.setdefault("meta", {})
    units = v.get("units")
    name = _name(d)
    label = LABELS[field]
    low = text.lower()
    if field in ("average_daily_amount", "largest_container") and _SAME_RE.search(low) and not re.search(r"\d", low):
        mx = v.get("maximum_daily_amount")
        if mx is None:
            raise AnswerError("Let's have the maximum daily amount first.")
        v[field] = mx
        return [f"{label.capitalize()}: {fmt_amount(mx, units)}."]
    a = parse_amount(text, unit=units)
    msgs: list[str] = []
    if a.value is None and a.count is not None:
        if field != "maximum_daily_amount":
            raise AnswerError(f"Please give the {label} as an amount, for example '55 gallons'.")
        code = a.container_code
        if code and not v.get(code) and not any(_FAMILY.get(c) == _FAMILY.get(code) for c in _containers(v)
                                                if _FAMILY.get(code)):
            _set_containers(v, [code])
            v["largest_container"] = None  # the size of the old container type doesn't apply
        size = v.get("largest_container")
        if size and units:
            value = round(a.count * size, 4)
            msgs.append(f"{fmt_number(a.count)} x {fmt_amount(size, units)} = {fmt_amount(value, units)}.")
            a = Amount(value, units, a.approximate, "", a.count, code)
        else:
            meta["count"] = a.count
            v["maximum_daily_amount"] = None
            return []
    value, unit = a.value, a.unit
    assert value is not None
    if unit is None:
        if units is None:
            d["unit_for"] = {"field": field, "value": value, "approximate": a.approximate}
            return []
        unit = units
    if units and unit != units:
        converted = convert_between(value, unit, units)
        if converted is not None:
            msgs.append(f"{fmt_amount(value, unit)} = {fmt_amount(converted, units)}.")
            value, unit = converted, units
        elif field == "maximum_daily_amount":
            others = [f for f in AMOUNT_FIELDS if f != field and v.get(f) is not None]
            if others:
                msgs.append(f"The amounts are now in {UNIT_NAMES[unit]}, so I cleared the "
                            + " and ".join(LABELS[f] for f in others) + " (they were in "
                            f"{UNIT_NAMES[units]}).")
                for f in others:
                    v[f] = None
        else:
            raise AnswerError(f"The other amounts of {name} are in {UNIT_NAMES[units]}; please give this one in "
                              f"{UNIT_NAMES[units]} too (I can't convert {UNIT_NAMES[unit]} to {UNIT_NAMES[units]} "
                              "without the material's density).")
    unit, value, note = _fit_unit(d, unit, value)
    if note:
        msgs.append(note)
    check_amount(value, unit, label, allow_zero=field in ("average_daily_amount", "annual_waste_amount"))
    mx = v.get("maximum_daily_amount")
    if field == "average_daily_amount" and mx is not None and value > mx:
        raise AnswerError(f"The average ({fmt_amount(value, unit)}) can't be more than the maximum "
                          f"({fmt_amount(mx, unit)}). Give the usual amount on a typical day, or change the maximum.")
    if field == "largest_container" and mx is not None and value > mx and not meta.get("count"):
        raise AnswerError(f"The largest container ({fmt_amount(value, unit)}) can't be bigger than the maximum amount "
                          f"on site ({fmt_amount(mx, unit)}). Give the size of one container, or change the maximum.")
    if a.note:
        msgs.insert(0, a.note + ".")
    if a.approximate:
        msgs.append(f"I'll put {fmt_amount(value, unit)} (an estimate is fine: CERS asks for your best estimate).")
    v[field] = round(value, 4)
    if v.get("units") != unit:
        v["units"] = unit
    if field == "maximum_daily_amount":
        meta.pop("count", None)
        if a.container_code and not _containers(v):
            _set_containers(v, [a.container_code])
        if a.container_size and v.get("largest_container") is None:
            v["largest_container"] = round(a.container_size, 4)
        avg = v.get("average_daily_amount")
        if avg is not None and avg > value:
            v["average_daily_amount"] = v[field]
            msgs.append(f"The average was more than the new maximum, so I set it to {fmt_amount(value, unit)} too.")
    if not msgs:
        msgs.append(f"{label.capitalize()}: {fmt_amount(v[field], unit)}.")
    if field == "largest_container" and meta.get("count") and v.get("maximum_daily_amount") is None:
        count = meta.pop("count")
        total = round(count * value, 4)
        check_amount(total, unit, "maximum daily amount")
        v["maximum_daily_amount"] = total
        msgs.append(f"So the maximum is {fmt_number(count)} x {fmt_amount(value, unit)} = {fmt_amount(total, unit)}.")
    return msgs


def _answer(db: Session, d: dict[str, Any], field: str, text: str) -> list[str]:
    """Apply the answer `text` for `field` to the material `d` (pending or a copy of a saved one); what was
    understood, in words. AnswerError when it can't be used."""
    v = d["values"]
    name = _name(d)
    low = text.lower().strip()
    if field == "unit_for":
        uf = d["unit_for"]
        try:
            again: Optional[Amount] = parse_amount(text)
        except AnswerError:
            again = None
        if again is not None and again.value is not None and again.unit:  # a whole new amount ("400 gallons")
            d.pop("unit_for", None)
            return _answer(db, d, uf["field"], text)
        unit = parse_unit(low)
        if unit is None:
            raise AnswerError(f"Is that {fmt_number(uf['value'])} gallons, pounds, cubic feet or tons?")
        d.pop("unit_for", None)
        approx = "about " if uf.get("approximate") else ""
        return _answer(db, d, uf["field"], f"{approx}{uf['value']} {UNIT_NAMES[unit]}")
    if field == "hazards":
        try:
            chosen = parse_hazards(text)
        except AnswerError:
            if is_skip(text):
                d.setdefault("skipped", []).append(field)
                return ["OK, no hazard categories for now (your CUPA may ask for them)."]
            raise
        v.update(chosen)
        picked = [HAZARD_LABELS[h] for h in HAZARD_FIELDS if chosen[h]]
        return [f"Hazard categories: {', '.join(picked) if picked else 'none'}."]
    if is_skip(text) and field not in ("components",):
        if field in OPTIONAL_FIELDS:
            d.setdefault("skipped", []).append(field)
            return [f"OK, I'll leave the {LABELS[field]} blank."]
        raise AnswerError(_required_reason(d, field))
    if field in AMOUNT_FIELDS:
        return _amount_answer(d, field, text)
    if field == "common_name":
        value = re.sub(r"^(?:it'?s|it is|its called|it'?s called|called|the name is|name is)\s+", "", text.strip(),
                       flags=re.I)
        if not value:
            raise AnswerError("What is the material called?")
        v["common_name"] = _display_name(value)[:500]
        return [f"Name: {v['common_name']}."]
    if field == "physical_state":
        v["physical_state"] = parse_physical_state(text)
        return [f"{STATE_NAMES[v['physical_state']].capitalize()}.", *_fit_units_after_change(d)]
    if field == "cas_number":
        cas = parse_cas(text) or parse_cas(re.sub(r"[^\d\-]", "", text))
        if cas is None:
            if re.search(r"\d+-\d+-\d", text):
                raise AnswerError("That CAS number doesn't check out (the last digit is a check digit). Please copy it "
                                  "again from section 3 of the Safety Data Sheet, or say 'none'.")
            raise AnswerError("A CAS number looks like 67-64-1 (section 3 of the Safety Data Sheet). Type it, or say "
                              "'none'.")
        v["cas_number"] = cas
        msgs = [f"CAS {cas}."]
        match = best(db, cas)
        if match is not None:
            msgs.append(f"The chemical library knows {cas} as {match.chemical.name}.")
            if match.chemical.ehs and not v.get("ehs"):
                v["ehs"] = True
                msgs.append("It is an Extremely Hazardous Substance, so CERS needs its amounts in pounds.")
                msgs += _fit_units_after_change(d)
        return msgs
    if field == "is_mixture":
        v["hm_type"] = parse_hm_type_answer(text)
        if v["hm_type"] == "a":
            d["components"] = []
            return ["A single chemical."]
        return ["A mixture."]
    if field == "components":
        return _components_answer(db, d, text)
    if field == "state_waste_code":
        code = parse_state_waste_code(text)
        v["state_waste_code"] = code
        return [f"State waste code {code}" + (f" ({WASTE_CODES[code]})." if code in WASTE_CODES else ".")]
    if field in ("container", "container_amount"):
        codes, other = parse_containers(text, v.get("physical_state"))
        changed = set(codes) != set(_containers(v))
        _set_containers(v, codes, other)
        msgs = ["Stored in: " + ", ".join(other if c == "sc_other" and other else CONTAINER_LABELS[c].lower()
                                          for c in codes) + "."]
        a: Optional[Amount] = None
        try:
            a = parse_amount(text, unit=v.get("units"))
        except AnswerError:
            a = None
        if a is not None and a.container_size is not None and a.unit:
            unit, size, _note = _fit_unit(d, a.unit, a.container_size)
            if v.get("units") in (None, unit):
                if field == "container_amount" or v.get("largest_container") is None:
                    v["largest_container"], v["units"] = round(size, 4), unit
                    msgs.append(f"Largest container: {fmt_amount(size, unit)}.")
                if field == "container_amount" and (changed or (a.count or 1) != 1
                                                    or v.get("maximum_daily_amount") is None):
                    v["maximum_daily_amount"] = round(a.value or size, 4)
                    msgs.append(f"Maximum: {fmt_amount(v['maximum_daily_amount'], unit)}.")
        elif a is not None and a.count and a.value is None and field == "container_amount":
            msgs += _amount_answer(d, "maximum_daily_amount", text)
        elif changed and field == "container_amount":
            v["largest_container"] = None
        return msgs
    if field == "other_container":
        value = text.strip()[:30]
        v["sc_other"], v["other_container"] = True, value
        return [f"Stored in: {value}."]
    if field == "days_on_site":
        if re.search(r"\b(?:drums?|totes?|tanks?|cans?|bags?|cylinders?|gallons?|pounds?|lbs?)\b", low):
            raise AnswerError("How many days a year is it on site? Give a number of days from 1 to 365, or say "
                              "'all year'.")
        v["days_on_site"] = parse_days(text)
        return [f"Days on site: {v['days_on_site']}."]
    if field == "location":
        value = re.sub(r"^(?:it'?s|its|they'?re|theyre|it is|they are|we keep (?:it|them)|kept|stored|located|"
                       r"it'?s kept|it'?s stored)\s+", "", text.strip(), flags=re.I)
        value = re.sub(r"^(?:in|at|inside)\s+", "", value, flags=re.I)
        value = re.sub(r"^(?:the|our|a|an)\s+", "", value, flags=re.I).strip(" .")
        if not value:
            raise AnswerError("Where is it kept? Give the building, room or area.")
        if len(value) > 140:
            raise AnswerError("CERS keeps at most 140 characters for the location: please say it shorter.")
        v["location"] = _display_name(value)
        return [f"Location: {v['location']}."]
    if field == "pressure":
        v["pressure"] = parse_pressure(text)
        return [f"Pressure: {PRESSURE_NAMES[v['pressure']]}."]
    if field == "temperature":
        v["temperature"] = parse_temperature(text)
        return [f"Temperature: {TEMPERATURE_NAMES[v['temperature']]}."]
    if field == "units":
        unit = parse_unit(low)
        if unit is None:
            raise AnswerError("Which unit: gallons, pounds, cubic feet or tons?")
        unit, _value, note = _fit_unit(d, unit, 1.0)
        old = v.get("units")
        v["units"] = unit
        msgs = [f"Units: {UNIT_NAMES[unit]}."]
        if old and old != unit:
            for f in AMOUNT_FIELDS:
                if v.get(f) is not None:
                    converted = convert_between(v[f], old, unit)
                    v[f] = None if converted is None else round(converted, 4)
            if v.get("maximum_daily_amount") is None:
                msgs.append("Please give the amounts again in that unit.")
        return msgs
    raise AnswerError(f"I can't change the {LABELS.get(field, field)} here.")


def _components_answer(db: Session, d: dict[str, Any], text: str) -> list[str]:
    v = d["values"]
    name = _name(d)
    low = text.lower().strip(" .!")
    none = is_skip(low) or bool(re.fullmatch(r"(?:none|no|nope|nothing|n/a|no hazardous components?|there are none|"
                                             r"i don'?t know|don'?t know|no idea)", low))
    if v.get("hm_type") == "b" and re.search(r"\b(?:not a mixture|single (?:chemical|substance)|pure)\b", low):
        v["hm_type"] = "a"
        d["components"] = []
        return ["OK, a single chemical then."]
    if none:
        if v.get("hm_type") == "c":
            raise AnswerError(f"I can't leave them out: {name} is a waste, and CERS inspectors reject waste lines "
                              "without their hazardous components. Your hauler's waste profile or a lab analysis "
                              "lists them; you can also use the Safety Data Sheet of the product the waste came from. "
                              "Or say 'cancel' and add this waste later.")
        raise AnswerError(f"A mixture needs its hazardous components to be reported (SDS section 3). If {name} is "
                          "really a single chemical, say 'not a mixture'.")
    comps = parse_components(text, db)
    d["components"] = comps
    msgs = [f"Components: {components_text(comps)}."]
    ehs = [c["name"] for c in comps if c.get("ehs")]
    if ehs:
        msgs.append(f"{', '.join(ehs)} {'is an' if len(ehs) == 1 else 'are'} Extremely Hazardous "
                    f"Substance{'s' if len(ehs) != 1 else ''}: its amount counts toward a lower threshold.")
    return msgs


def _required_reason(d: dict[str, Any], field: str) -> str:
    name = _name(d)
    if field == "state_waste_code":
        return (f"I can't skip that: a waste needs its state waste code. It is on the hazardous waste manifest or "
                f"your hauler's waste profile (e.g. 221 for waste oil). Or say 'cancel' and add {name} later.")
    if field == "annual_waste_amount":
        return "I need at least an estimate of how much of this waste you generate in a year."
    if field == "container":
        return "CERS needs at least one storage container type (drum, tote, tank, cylinder, bag...)."
    if field == "maximum_daily_amount":
        return "CERS requires the maximum daily amount; an estimate is fine (e.g. 'about 50 gallons')."
    return f"CERS requires the {LABELS.get(field, field)}, so I can't skip it."


# --- saving, finishing, cancelling ------------------------------------------------------------------------


def _item_data(d: dict[str, Any]) -> dict[str, Any]:
    data = {k: val for k, val in d["values"].items() if k in service.ITEM_FIELDS}
    data["components"] = d.get("components") or []
    return data


_PROBLEM_FIELD = {"hm_type": "is_mixture"}
_ASKABLE = {"common_name", "physical_state", "cas_number", "is_mixture", "components", "hazards", "state_waste_code",
            "container", "other_container", "days_on_site", "location", "pressure", "temperature", *AMOUNT_FIELDS}


def _save(db: Session, actor: Actor, facility_id: int, st: dict[str, Any], turn: Turn) -> None:
    d = st["pending"]
    try:
        item = service.add_item(db, actor, facility_id, _item_data(d))
    except service.InventoryValidationError as exc:
        turn.say(exc.message)
        first = exc.problems[0].field if exc.problems else None
        d["review"] = False
        d["ask"] = None
        if first == "units":  # amounts in a unit that can't be used: ask them again
            for f in AMOUNT_FIELDS:
                d["values"][f] = None
            d["values"]["units"] = None
        elif first is not None and _PROBLEM_FIELD.get(first, first) in _ASKABLE:
            d["ask"] = _PROBLEM_FIELD.get(first, first)
        return
    except ServiceError as exc:
        turn.say(exc.message)
        return
    st["pending"] = None
    st["saved"] = int(st.get("saved") or 0) + 1
    turn.say(f"Saved {service.describe_item(item)}.")
    turn.say(service.threshold_message(db, actor, facility_id, item))
    queue = st.get("queue") or []
    if queue:
        nxt = queue.pop(0)
        st["queue"] = queue
        _start_material(db, st, nxt, turn)


def _cancel(db: Session, st: dict[str, Any], turn: Turn) -> None:
    pending = st.get("pending")
    st["awaiting"] = None
    if pending is None:
        turn.say("There's nothing being entered right now. Tell me the next material, or say 'that's all'.")
        return
    st["pending"] = None
    turn.say(f"OK, I dropped {_name(pending)}; nothing was saved for it. Materials you saved before are kept.")
    queue = st.get("queue") or []
    if queue:
        nxt = queue.pop(0)
        st["queue"] = queue
        turn.say("Now the one you mentioned before:")
        _start_material(db, st, nxt, turn)


def _finish(db: Session, actor: Actor, facility_id: int, st: dict[str, Any], turn: Turn) -> None:
    items = service.list_items(db, actor, facility_id)
    st["finished"] = True
    st["awaiting"] = None
    turn.done = True
    if not items:
        turn.say("OK. Your inventory is still empty; you can add materials or upload a spreadsheet any time.")
        return
    turn.say(f"Done with the inventory for now: {len(items)} material{'s' if len(items) != 1 else ''} saved. You can "
             "come back any time to add, change or remove materials.")


def _explain(st: dict[str, Any], turn: Turn) -> None:
    pending = st.get("pending")
    aw = st.get("awaiting")
    field: Optional[str] = None
    if aw and aw["kind"] == "edit_saved":
        field = aw.get("field")
    elif pending is not None:
        field = next_field(pending)
    if field is None and pending is not None:
        turn.say("This is the summary of the material. Check each line; say Save to keep it, or tell me what to "
                 "change (e.g. 'change the location').")
        return
    if field is None:
        turn.say("The Hazardous Materials Inventory lists each hazardous material you keep: its name, how much you "
                 "have at most and on average, what it's stored in, where, and how long it's on site. Tell me one "
                 f"material at a time, e.g. '{EXAMPLE}', and I'll ask for what's missing.")
        return
    turn.say(EXPLAIN.get(field, f"I need the {LABELS.get(field, field)}."))


def _list(db: Session, actor: Actor, facility_id: int, st: dict[str, Any], turn: Turn) -> None:
    items = service.list_items(db, actor, facility_id)
    pending = st.get("pending")
    tail = f"\n(Not saved yet: {_name(pending)}.)" if pending else ""
    if not items:
        turn.say("Your inventory has no materials yet." + tail)
        return
    lines = "\n".join(f"{n}. {service.describe_item(i)}" for n, i in enumerate(items, start=1))
    turn.say(f"Your inventory ({len(items)} material{'s' if len(items) != 1 else ''}):\n{lines}{tail}")


# --- remove and change ------------------------------------------------------------------------------------


def _matches_pending(target: str, d: dict[str, Any]) -> bool:
    query = service.clean_name_text(target)
    if not query:
        return True
    names = [d["values"].get("common_name") or "", d.get("typed") or ""]
    return service.score_name(query, names) >= service.FIND_CUTOFF


def _resolve_ref(db: Session, actor: Actor, facility_id: int, ref: Any, text: str) -> list[InventoryItem]:
    items = service.list_items(db, actor, facility_id)
    if ref.all:
        return items
    if ref.last:
        return [max(items, key=lambda i: (i.position, i.id))] if items else []
    if ref.index:
        return [items[ref.index - 1]] if 1 <= ref.index <= len(items) else []
    found = service.find_items(db, actor, facility_id, ref.name) if ref.name else []
    return found or service.mentioned_items(db, actor, facility_id, text)


def _remove(db: Session, actor: Actor, facility_id: int, st: dict[str, Any], text: str, turn: Turn) -> None:
    ref = parse_remove_request(text)
    pending = st.get("pending")
    if pending is not None and ((ref.name and _matches_pending(ref.name, pending)) or
                                (not ref.name and not ref.index and not ref.all and not ref.last)):
        st["pending"] = None
        turn.say(f"{_name(pending)} wasn't saved yet, so I just dropped it.")
        return
    found = _resolve_ref(db, actor, facility_id, ref, text)
    if not found:
        _not_found(db, actor, facility_id, ref.name or text, turn)
        return
    if len(found) > 1 and not ref.all:
        st["awaiting"] = {"kind": "choose_item", "action": "remove", "ids": [i.id for i in found]}
        return
    st["awaiting"] = {"kind": "confirm_remove", "ids": [i.id for i in found]}


def _not_found(db: Session, actor: Actor, facility_id: int, what: str, turn: Turn) -> None:
    items = service.list_items(db, actor, facility_id)
    if not items:
        turn.say("Your inventory has no saved materials yet.")
        return
    names = ", ".join(i.common_name for i in items[:12])
    turn.say(f"I can't find “{service.clean_name_text(what) or what}” in your inventory. It has: {names}.")


def _change(db: Session, actor: Actor, facility_id: int, st: dict[str, Any], req: ChangeRequest, text: str,
            turn: Turn) -> None:
    pending = st.get("pending")
    if pending is not None and (req.target is None or _matches_pending(req.target, pending)):
        _change_pending(db, pending, req, turn)
        return
    if req.target is None:
        items = service.list_items(db, actor, facility_id)
        if not items:
            turn.say("There's nothing saved to change yet. Tell me about a material you keep.")
            return
        st["awaiting"] = {"kind": "choose_item", "action": "change", "ids": [i.id for i in items][:10],
                          "req": _req_dict(req)}
        return
    found = service.find_items(db, actor, facility_id, req.target) or \
        service.mentioned_items(db, actor, facility_id, req.target)
    if not found:
        _not_found(db, actor, facility_id, req.target, turn)
        return
    if len(found) > 1:
        st["awaiting"] = {"kind": "choose_item", "action": "change", "ids": [i.id for i in found],
                          "req": _req_dict(req)}
        return
    _change_saved(db, actor, facility_id, st, found[0], req, turn)


def _req_dict(req: ChangeRequest) -> dict[str, Any]:
    return {"target": req.target, "field": req.field, "value": req.value, "factor": req.factor}


def _dialogue_field(field: Optional[str], d: dict[str, Any]) -> Optional[str]:
    if field == "hm_type":
        return "is_mixture"
    return field


def _infer_field(value: str, d: dict[str, Any]) -> str:
    """Which field a bare value changes: "500 gallons" -> amount, "in the wash bay" -> location, "in totes" ->
    container, "liquid" -> state, "365 days" -> days."""
    low = value.lower()
    has_container = False
    try:
        parse_containers(low, d["values"].get("physical_state"))
        has_container = True
    except AnswerError:
        pass
    if has_container:
        return "container_amount"
    if re.fullmatch(r"(?:a |an )?(?:solid|liquid|gas)", low):
        return "physical_state"
    if re.search(r"\b(?:days?|weeks?|months?|all year|year[- ]round)\b", low):
        return "days_on_site"
    if re.search(r"\d|\b(?:gallons?|pounds?|lbs?|tons?|cubic)\b", low) or re.search(
            r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred|thousand)\b",
            low) and not re.match(r"^(?:in|at|on|by|behind|near|next to|outside|inside|under)\b", low):
        return "maximum_daily_amount"
    return "location"


def _change_pending(db: Session, d: dict[str, Any], req: ChangeRequest, turn: Turn) -> None:
    field = _dialogue_field(req.field, d)
    v = d["values"]
    if req.factor and v.get("maximum_daily_amount"):
        req = ChangeRequest(req.target, "maximum_daily_amount", fmt_number(v["maximum_daily_amount"] * req.factor)
                            .replace(",", ""))
        field = "maximum_daily_amount"
    d["review"] = next_field({**d, "ask": None}) is None  # back to the summary after the change if it was showing
    if req.value is None:
        if field is None:
            turn.say(f"What should change for {_name(d)}? For example 'change the location' or 'the amount is 200 "
                     "gallons'.")
            return
        if field == "hazards":
            for h in HAZARD_FIELDS:
                v[h] = None
        d["ask"] = field
        return
    field = field or _infer_field(req.value, d)
    try:
        messages = _answer(db, d, field, req.value)
    except AnswerError as exc:
        turn.say(exc.message)
        if field in OPTIONAL_FIELDS | set(AMOUNT_FIELDS) | {"container", "location", "physical_state"}:
            d["ask"] = "container" if field == "container_amount" else field
        return
    d["ask"] = None
    turn.say(" ".join(messages) if messages else "OK.")


def _draft_from_item(item: InventoryItem) -> dict[str, Any]:
    values = service.item_values(item)
    comps = values.pop("components")
    kind = "waste" if item.hm_type == "c" else ("library" if item.chemical_id else "new")
    return {"values": values, "components": comps, "kind": kind, "meta": {}, "skipped": [], "item_id": item.id}


def _describe_change(field: str, old: Any, new: Any, units: Optional[str], old_units: Optional[str]) -> str:
    label = LABELS.get(field, field.replace("_", " "))
    if field in AMOUNT_FIELDS:
        return (f"{label} {fmt_amount(old, old_units) if old is not None else 'not given'} -> "
                f"{fmt_amount(new, units) if new is not None else 'not given'}")
    if field in STORAGE_CONTAINER_COLUMNS:
        return f"{CONTAINER_LABELS[field].lower()} {'added' if new else 'removed'}"
    if field == "physical_state":
        return f"{label} {STATE_NAMES.get(old or '', '-')} -> {STATE_NAMES.get(new or '', '-')}"
    if field == "units":
        return f"units {UNIT_NAMES.get(old or '', '-')} -> {UNIT_NAMES.get(new or '', '-')}"
    if field == "hm_type":
        return f"type {HM_TYPE_NAMES.get(old or '', 'not given')} -> {HM_TYPE_NAMES.get(new or '', 'not given')}"
    if field == "ehs":
        return f"EHS {'yes' if new else 'no'}"
    if field == "pressure":
        return f"{label} -> {PRESSURE_NAMES.get(new or '', '-')}"
    if field == "temperature":
        return f"{label} -> {TEMPERATURE_NAMES.get(new or '', '-')}"
    if field in HAZARD_FIELDS:
        return f"{HAZARD_LABELS[field]} {'yes' if new else 'no'}"
    return f"{label} {old if old not in (None, '') else 'not given'} -> {new if new not in (None, '') else 'blank'}"


def _change_saved(db: Session, actor: Actor, facility_id: int, st: dict[str, Any], item: InventoryItem,
                  req: ChangeRequest, turn: Turn, draft: Optional[dict[str, Any]] = None) -> None:
    d = draft or _draft_from_item(item)
    v = d["values"]
    field = _dialogue_field(req.field, d)
    if req.factor:
        req = ChangeRequest(req.target, "maximum_daily_amount",
                            fmt_number(v["maximum_daily_amount"] * req.factor).replace(",", ""))
        field = "maximum_daily_amount"
    if req.value is None:
        if field == "hazards":
            for h in HAZARD_FIELDS:
                v[h] = None
        st["awaiting"] = {"kind": "edit_saved", "item_id": item.id, "field": field, "draft": d}
        return
    field = field or _infer_field(req.value, d)
    try:
        messages = _answer(db, d, field, req.value)
    except AnswerError as exc:
        turn.say(exc.message)
        st["awaiting"] = {"kind": "edit_saved", "item_id": item.id,
                          "field": "container" if field == "container_amount" else field,
                          "draft": _draft_from_item(item)}
        return
    follow = "unit_for" if d.get("unit_for") else (
        "largest_container" if (d.get("meta") or {}).get("count") and v.get("maximum_daily_amount") is None else
        "maximum_daily_amount" if v.get("maximum_daily_amount") is None else None)
    if follow:
        if messages:
            turn.say(" ".join(messages))
        st["awaiting"] = {"kind": "edit_saved", "item_id": item.id, "field": follow, "draft": d}
        return
    _commit_saved(db, actor, facility_id, st, item, d, turn)


def _commit_saved(db: Session, actor: Actor, facility_id: int, st: dict[str, Any], item: InventoryItem,
                  d: dict[str, Any], turn: Turn) -> None:
    before = service.item_values(item)
    changes = {k: val for k, val in d["values"].items() if k in service.ITEM_FIELDS and before.get(k) != val}
    if (d.get("components") or []) != before["components"]:
        changes["components"] = d.get("components") or []
    st["awaiting"] = None
    if not changes:
        turn.say(f"{item.common_name} already says that; nothing changed.")
        return
    try:
        service.update_item(db, actor, facility_id, item.id, changes)
    except service.InventoryValidationError as exc:
        # something else about the saved line is missing or wrong (e.g. an imported row without its type):
        # ask for it, keeping the change, and save both together
        first = exc.problems[0].field if exc.problems else None
        ask = _PROBLEM_FIELD.get(first or "", first)
        if first == "units":
            ask = "maximum_daily_amount"
            for f in AMOUNT_FIELDS:
                d["values"][f] = None
            d["values"]["units"] = None
        if ask in _ASKABLE and ask != "is_mixture" or (ask == "is_mixture" and d["values"].get("hm_type") is None):
            turn.say(exc.message.replace("I can't save", "I can't change") + " Nothing is changed yet.")
            st["awaiting"] = {"kind": "edit_saved", "item_id": item.id, "field": ask, "draft": d}
        else:
            turn.say(exc.message.replace("I can't save", "I can't change") + " Nothing was changed.")
        return
    except ServiceError as exc:
        turn.say(exc.message.replace("I can't save", "I can't change") + " Nothing was changed.")
        return
    units = d["values"].get("units")
    parts = [_describe_change(k, before.get(k), val, units, before.get("units")) for k, val in changes.items()
             if k != "components"]
    if "components" in changes:
        parts.append(f"components -> {components_text(changes['components'])}")
    turn.say(f"Changed {item.common_name}: " + "; ".join(parts) + ".")
    if "maximum_daily_amount" in changes or "units" in changes:
        turn.say(service.threshold_message(db, actor, facility_id, item))


# --- awaited answers --------------------------------------------------------------------------------------


def _pick(text: str, options: list[tuple[Any, str]]) -> Optional[Any]:
    """The option the user picked: by payload, number ("2", "the second"), or name."""
    low = text.lower().strip(" .!")
    m = re.fullmatch(r"item\s+#?(\d{1,9})", low)
    if m:
        n = int(m.group(1))
        return n if n in [key for key, _label in options] else None
    m = re.fullmatch(r"(?:number\s+|no\.?\s*|#)?(\d{1,3})", low)
    if m:
        n = int(m.group(1))
        return options[n - 1][0] if 1 <= n <= len(options) else None
    ordinals = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3}
    for word, n in ordinals.items():
        if re.search(rf"\b{word}\b", low) and n <= len(options):
            return options[n - 1][0]
    query = service.clean_name_text(text)
    if query:
        scored = [(service.score_name(query, [label]), key) for key, label in options]
        scored.sort(key=lambda s: -s[0])
        if scored and scored[0][0] >= 85 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            return scored[0][1]
    return None


def _handle_awaiting(db: Session, actor: Actor, facility_id: int, st: dict[str, Any], aw: dict[str, Any], text: str,
                     intent: Optional[str], turn: Turn) -> bool:
    """True when `text` answered the awaited question (False: handle it as a new request)."""
    kind = aw["kind"]
    low = text.lower().strip(" .!")
    yes_no = True if intent == "affirm" else False if intent == "deny" else parse_yes_no(low)
    if kind == "did_you_mean":
        d = st["pending"]
        options = [(o["id"], o["name"]) for o in aw["options"]]
        if re.search(r"\bnone\b|\bneither\b|\bsomething else\b|\bnot (?:these|those|any)\b|\bnew (?:one|material)\b",
                     low) or (yes_no is False and len(low.split()) <= 3):
            st["awaiting"] = None
            _make_new(d, aw["typed"], turn, [])
            return True
        chosen = _pick(text, options)
        if chosen is None and yes_no is True and len(options) == 1:
            chosen = options[0][0]
        if chosen is None:
            retyped = best(db, text)
            if retyped is None:
                return False if _CANCEL_RE.match(low) or _REMOVE_START_RE.search(low) else _retry_name(db, st, d,
                                                                                                        text, turn)
            chosen = retyped.chemical.id
        st["awaiting"] = None
        chem = db.get(Chemical, chosen)
        if chem is None:
            _make_new(d, aw["typed"], turn, [])
            return True
        if _is_waste(chem.name, chem):
            _make_waste(db, d, aw["typed"], chem, turn, [])
        else:
            _apply_library(db, d, chem, turn, [])
        return True
    if kind == "confirm_remove":
        if yes_no is None:
            return False
        st["awaiting"] = None
        if not yes_no:
            turn.say("OK, I kept it.")
            return True
        names = []
        for item_id in aw["ids"]:
            try:
                names.append(service.remove_item(db, actor, facility_id, item_id))
            except ServiceError as exc:
                turn.say(exc.message)
        if names:
            turn.say("Removed " + ", ".join(names) + " from the inventory.")
        return True
    if kind == "choose_item":
        items = {i.id: i for i in service.list_items(db, actor, facility_id)}
        options = [(i, items[i].common_name) for i in aw["ids"] if i in items]
        if re.fullmatch(r"none(?: of (?:them|these))?|neither|nothing|never ?mind|cancel", low) or yes_no is False:
            st["awaiting"] = None
            turn.say("OK, nothing changed.")
            return True
        chosen = _pick(text, options)
        if chosen is None:
            return False
        if aw["action"] == "remove":
            st["awaiting"] = {"kind": "confirm_remove", "ids": [chosen]}
            return True
        st["awaiting"] = None
        req = ChangeRequest(**aw.get("req") or {})
        _change_saved(db, actor, facility_id, st, items[chosen], req, turn)
        return True
    if kind == "edit_saved":
        item = next((i for i in service.list_items(db, actor, facility_id) if i.id == aw["item_id"]), None)
        if item is None:
            st["awaiting"] = None
            return False
        field = aw.get("field")
        if field is None:
            if re.fullmatch(r"nothing|none|never ?mind|cancel|no", low):
                st["awaiting"] = None
                turn.say("OK, nothing changed.")
                return True
            req = parse_change_request(text) or ChangeRequest(field=field_in(low))
            if req.field is None and req.value is None:
                req = ChangeRequest(field=field_in(low) or _infer_field(text, _draft_from_item(item)), value=text
                                    if not field_in(low) else None)
            _change_saved(db, actor, facility_id, st, item, ChangeRequest(item.common_name, req.field, req.value,
                                                                          req.factor), turn)
            return True
        if _CANCEL_RE.match(low):
            st["awaiting"] = None
            turn.say(f"OK, {item.common_name} stays as it was.")
            return True
        if _want(text, intent, ("remove_chemical",), _REMOVE_START_RE) or _CHANGE_START_RE.search(low):
            return False
        d = aw.get("draft") or _draft_from_item(item)
        _change_saved(db, actor, facility_id, st, item, ChangeRequest(item.common_name, field, text), turn, draft=d)
        return True
    return False


def _retry_name(db: Session, st: dict[str, Any], d: dict[str, Any], text: str, turn: Turn) -> bool:
    """The user typed another name instead of picking: look that one up."""
    st["awaiting"] = None
    parsed = safe_parse_sentence(_strip_command(text), db)
    _resolve_name(db, st, d, parsed.material_text or text, parsed.chemical, parsed.chemical_score, turn)
    return True
