"""The summary card of a material before it is saved: its lines in words (`card_fields`) and the message with
the Save / Change / Cancel buttons and the chat page's card widget (`say_summary`).

Wording only: nothing here reads a reply, changes the draft or writes the database.
"""
from __future__ import annotations

from typing import Any

from bot.dialogue import Button, Turn
from bot.inventory.answers import (
    CONTAINER_LABELS, HAZARD_FIELDS, HAZARD_LABELS, HM_TYPE_NAMES, PRESSURE_NAMES, STATE_NAMES, TEMPERATURE_NAMES,
    WASTE_CODES, components_text, fmt_amount,
)
from bot.inventory.conversation.state import Draft

_ASSUMED_LABELS = {"average_daily_amount": "Average daily amount", "days_on_site": "Days on site",
                   "pressure": "Pressure / temperature", "temperature": "Pressure / temperature"}

_SDS_LABELS = {"physical_state": "Physical state", "hm_type": "Type", "cas_number": "CAS number",
               "components": "Components", "hazards": "Hazard categories"}


def card_fields(d: Draft) -> dict[str, str]:
    """Label -> value in words, in the order the card shows them."""
    v = d.values
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
    codes = d.containers()
    f["Stored in"] = ", ".join(v.get("other_container") or CONTAINER_LABELS[c] if c == "sc_other" else
                               CONTAINER_LABELS[c] for c in codes) or "-"
    f["Pressure / temperature"] = (f"{PRESSURE_NAMES.get(v.get('pressure') or '', 'not given')} / "
                                   f"{TEMPERATURE_NAMES.get(v.get('temperature') or '', 'not given')}")
    f["Days on site"] = str(v["days_on_site"]) if v.get("days_on_site") else "not given"
    f["Location"] = v.get("location") or "not given"
    if d.hazards_known():
        chosen = [HAZARD_LABELS[h] for h in HAZARD_FIELDS if v.get(h)]
        f["Hazard categories"] = ", ".join(chosen) or "none"
    else:
        f["Hazard categories"] = "not given"
    if d.components:
        f["Components"] = components_text(d.components)
    for label in dict.fromkeys(_ASSUMED_LABELS[a] for a in d.assumed if a in _ASSUMED_LABELS):
        if label in f:
            f[label] = f"{f[label]} (assumed: change it if not)"
    for label in dict.fromkeys(_SDS_LABELS[s] for s in d.from_sds if s in _SDS_LABELS):
        if label in f:
            f[label] = f"{f[label]} (from your SDS: please check)"
    if v.get("hm_type") == "c":
        code = v.get("state_waste_code")
        f["State waste code"] = f"{code} ({WASTE_CODES[code]})" if code in WASTE_CODES else (code or "-")
        f["Annual waste amount"] = fmt_amount(v.get("annual_waste_amount"), units)
    return f


def say_summary(turn: Turn, d: Draft) -> None:
    """The card asking the user to check the material and save it or say what to change."""
    fields = card_fields(d)
    lines = "\n".join(f"- {k}: {val}" for k, val in fields.items() if k != "Common name")
    buttons = [Button("Save", "save"), Button("Change amount", "change the amount"),
               Button("Change container", "change the container"), Button("Change location", "change the location")]
    if d.values.get("hm_type") in ("b", "c"):
        buttons.append(Button("Change components", "change the components"))
    buttons.append(Button("Cancel", "cancel"))
    check = (" The lines marked “from your SDS” were read from the Safety Data Sheet you uploaded: Save confirms "
             "them too." if d.from_sds else "")
    turn.say(f"Here is {d.name}. Please check it:\n{lines}\nSave it, or tell me what to change.{check}", buttons,
             {"card": "inventory_item", "fields": fields, "values": _jsonable(d.values),
              "components": d.components or []})


def _jsonable(v: dict[str, Any]) -> dict[str, Any]:
    return {k: val for k, val in v.items() if val is not None}
