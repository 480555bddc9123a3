"""Asking for what is missing about a material: which field comes next (`next_field`), how it is asked
(`question`: the words and the buttons) and what each question means when the user asks (`explain`).

Only wording and order live here: nothing reads a reply, writes the database or changes the state
(except `explain`, which says something and changes nothing).
"""
from __future__ import annotations

from typing import Any, Optional

from bot.dialogue import Button, Turn
from bot.inventory import service
from bot.inventory.answers import (
    CONTAINER_LABELS, UNIT_NAMES, UNITS_FOR_STATE, WASTE_CODES, components_text, fmt_amount, fmt_number,
)
from bot.inventory.conversation.state import Draft, EditSaved, InventoryState

EXAMPLE = "three 55-gallon drums of motor oil in the back shop"

# Fields the user may leave blank (not CERS minimally required); the others are refused with the reason.
OPTIONAL_FIELDS = {"cas_number", "hazards", "average_daily_amount", "largest_container", "days_on_site", "location",
                   "pressure", "temperature"}
AMOUNT_FIELDS = ("maximum_daily_amount", "average_daily_amount", "largest_container", "annual_waste_amount")
LABELS = {**service.FIELD_LABELS, "is_mixture": "mixture or not", "hazards": "hazard categories",
          "unit_for": "unit", "container_amount": "container"}
# When the service refuses a material: the field it names, as the question that asks for it
PROBLEM_FIELD = {"hm_type": "is_mixture"}
ASKABLE = {"common_name", "physical_state", "cas_number", "is_mixture", "components", "hazards", "state_waste_code",
           "container", "other_container", "days_on_site", "location", "pressure", "temperature", *AMOUNT_FIELDS}

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


def next_field(d: Draft) -> Optional[str]:
    """The next thing to ask about a material being entered (None: show the summary card).

    Only what CERS requires, and what the filer's sentence and the library did not give: the name, the physical
    state, for a material from its SDS its CAS number, mixture or not and hazards, the components of a mixture or
    waste, a waste's state code and yearly amount, the maximum amount, a container, and the place (once). The
    optional fields are not asked: `assume_defaults` fills them with stated assumptions the card shows, and the
    filer changes any of them there."""
    if d.unit_for:
        return "unit_for"
    if d.ask:
        return d.ask
    if d.review:
        return None
    v, skipped, kind = d.values, set(d.skipped), d.kind
    if not v.get("common_name"):
        return "common_name"
    if v.get("physical_state") is None:
        return "physical_state"
    if kind == "new":
        if not v.get("cas_number") and "cas_number" not in skipped:
            return "cas_number"
        if v.get("hm_type") is None:
            return "is_mixture"
    if v.get("hm_type") in ("b", "c") and not d.components_complete():
        return "components"
    if kind == "new" and not d.hazards_known() and "hazards" not in skipped:
        return "hazards"
    if kind == "waste" and not v.get("state_waste_code"):
        return "state_waste_code"
    if v.get("maximum_daily_amount") is None:
        if d.container_count and v.get("largest_container") is None:
            return "largest_container"
        return "maximum_daily_amount"
    if not d.containers():
        return "container"
    if v.get("sc_other") and not v.get("other_container"):
        return "other_container"
    if kind == "waste" and v.get("annual_waste_amount") is None:
        return "annual_waste_amount"
    if not v.get("location") and "location" not in skipped:
        return "location"
    return None


ASSUMPTIONS = {
    "average_daily_amount": "the same as the maximum",
    "days_on_site": "on site all year (365 days)",
    "pressure": "at ambient pressure",
    "temperature": "at ambient temperature",
}


def assume_defaults(d: Draft) -> None:
    """Fill the optional fields nobody said with the usual answer, recorded in `d.assumed` so the card shows
    them as assumptions the filer can change: average = maximum, 365 days, ambient pressure and temperature
    (compressed gases and cylinders above ambient pressure)."""
    v = d.values
    gas = v.get("physical_state") == "c" or bool(v.get("sc_cylinder"))
    defaults: dict[str, Any] = {
        "average_daily_amount": v.get("maximum_daily_amount"),
        "days_on_site": 365,
        "pressure": "b" if gas else "a",
        "temperature": "a",
    }
    for f, value in defaults.items():
        if v.get(f) in (None, "") and f not in d.skipped and value is not None:
            v[f] = value
            if f not in d.assumed:
                d.assumed.append(f)


_CONTAINER_BUTTONS = {
    "a": ("sc_bag", "sc_box", "sc_fiber_drum", "sc_plastic_drum", "sc_tote_bin", "sc_silo"),
    "b": ("sc_steel_drum", "sc_plastic_drum", "sc_can", "sc_tote_bin", "sc_above_ground_tank", "sc_under_ground_tank",
          "sc_plastic_bottle"),
    "c": ("sc_cylinder", "sc_above_ground_tank", "sc_can"),
}


def question(d: Draft, field: str) -> tuple[str, list[Button]]:
    """How `field` is asked about the material `d`: the text and its buttons."""
    v = d.values
    name = d.name
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
        if d.suggested_components:
            buttons.append(Button(f"Use: {components_text(d.suggested_components)}"[:64],
                                  _components_payload(d.suggested_components)))
        if v.get("hm_type") == "c":
            return (f"{name} is a waste, so CERS needs every hazardous component in it with its percent by weight "
                    "(from the waste profile, a lab analysis, or the Safety Data Sheet of the product it came from). "
                    "For example: 'ethylene glycol 50%, water 50%'.", buttons)
        if d.components:
            return (f"{name} has these components: {components_text(d.components)}. Please give each hazardous "
                    "component with its percent by weight (SDS section 3), e.g. 'toluene 40%, acetone 30%'.", buttons)
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
        return (f"What is the California state waste code of {name}? It's the 3-digit code on your hazardous waste "
                "manifest or the hauler's waste profile.",
                [Button(f"{c} {WASTE_CODES[c]}"[:64], c) for c in d.waste_codes if c in WASTE_CODES])
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
        kind = container_word(d)
        if d.container_count and v.get("maximum_daily_amount") is None:
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
        assert d.unit_for is not None
        allowed = UNITS_FOR_STATE.get(state or "", ("a", "c", "b", "d"))
        return (f"{fmt_number(d.unit_for.value)} what: " + ", ".join(UNIT_NAMES[u] for u in allowed) + "?",
                [Button(UNIT_NAMES[u].capitalize(), UNIT_NAMES[u]) for u in allowed])
    if field == "units":
        allowed = UNITS_FOR_STATE.get(state or "", ("a", "c", "b", "d"))
        return (f"In which unit are the amounts of {name}?", [Button(UNIT_NAMES[u].capitalize(), UNIT_NAMES[u])
                                                             for u in allowed])
    return f"What is the {LABELS.get(field, field)} of {name}?", []


def container_word(d: Draft) -> str:
    """"steel drum", "tote bin"... (the first container named), or "container"."""
    codes = d.containers()
    return CONTAINER_LABELS[codes[0]].lower() if codes and codes[0] != "sc_other" else "container"


def _components_payload(comps: list[dict[str, Any]]) -> str:
    return "; ".join(f"{c['name']} {fmt_number(c['percent'])}%" + (f" CAS {c['cas']}" if c.get("cas") else "")
                     for c in comps if c.get("percent") is not None)


def explain(st: InventoryState, turn: Turn) -> None:
    """What the question being asked means (or the summary card, or the inventory itself)."""
    pending = st.pending
    field: Optional[str] = None
    if isinstance(st.awaiting, EditSaved):
        field = st.awaiting.field
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
