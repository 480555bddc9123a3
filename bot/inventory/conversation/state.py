"""What the inventory conversation keeps between two replies, as typed objects: the material being entered
(`Draft`), what the engine is waiting for (`Awaiting`: one of four small classes) and the whole
`InventoryState`.

The channel keeps the state as a JSON-able dict (Rasa: a slot in the SQL tracker store). `from_slot()` and
`to_slot()` are the only places that know the dict's keys; the slot written by the engine before these
classes existed loads unchanged, so a conversation stored then resumes. Nothing here reads the database or
decides what to ask: saved materials live only in the database, this is only the conversation's memory.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from bot.inventory.answers import HAZARD_FIELDS, ChangeRequest
from bot.models import STORAGE_CONTAINER_COLUMNS

KINDS = ("library", "new", "waste")  # Draft.kind: from the chemical library, from the user's SDS, a waste stream


@dataclass(frozen=True)
class UnitAwaited:
    """A number given without its unit ("50"): which field it is for, waiting for "gallons", "pounds"..."""
    field: str
    value: float
    approximate: bool = False

    def to_slot(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "approximate": self.approximate}

    @classmethod
    def from_slot(cls, d: dict[str, Any]) -> "UnitAwaited":
        return cls(d["field"], d["value"], bool(d.get("approximate")))


@dataclass
class Draft:
    """A material being entered, or a copy of a saved one being changed: not saved yet."""
    values: dict[str, Any] = field(default_factory=dict)  # InventoryItem column -> value, as the service takes it
    components: list[dict[str, Any]] = field(default_factory=list)  # {"name", "percent", "cas", "ehs"}
    kind: Optional[str] = None  # one of KINDS; None until the name is resolved
    container_count: Optional[float] = None  # "3 drums" said, their size not known yet (slot: meta.count)
    skipped: list[str] = field(default_factory=list)  # optional fields the user chose to leave blank
    typed: Optional[str] = None  # the name as the user typed it
    ask: Optional[str] = None  # a field to ask next whatever `next_field` says (a change, a refused save)
    review: bool = False  # show the summary card even though questions are left
    unit_for: Optional[UnitAwaited] = None
    dup_checked: bool = False  # "you already listed ..." was considered once
    suggested_components: list[dict[str, Any]] = field(default_factory=list)  # a waste's typical components
    waste_codes: list[str] = field(default_factory=list)  # state waste codes to offer
    item_id: Optional[int] = None  # the saved item this is a copy of
    assumed: list[str] = field(default_factory=list)  # fields filled with a stated assumption (shown on the card)
    answered: list[str] = field(default_factory=list)  # fields answered one by one, in order ("go back" undoes)
    notes: list[str] = field(default_factory=list)  # what was read or converted, shown once on the card
    state_said: Optional[str] = None  # the physical state the filer's words or unit say (wins over the library)
    percent: Optional[float] = None  # the strength the filer said ("35% hydrogen peroxide")
    from_sds: list[str] = field(default_factory=list)  # fields filled from the filer's SDS, to be checked on the card

    @property
    def name(self) -> str:
        return self.values.get("common_name") or self.typed or "this material"

    def containers(self) -> list[str]:
        """The storage container columns that are set (sc_steel_drum, ...)."""
        return [a for a in STORAGE_CONTAINER_COLUMNS if self.values.get(a)]

    def set_containers(self, codes: list[str], other: Optional[str] = None) -> None:
        for a in STORAGE_CONTAINER_COLUMNS:
            self.values[a] = a in codes
        self.values["other_container"] = other if "sc_other" in codes else None

    def hazards_known(self) -> bool:
        return any(self.values.get(f) is not None for f in HAZARD_FIELDS)

    def components_complete(self) -> bool:
        comps = self.components or []
        return bool(comps) and all(c.get("name") and c.get("percent") is not None for c in comps)

    def to_slot(self) -> dict[str, Any]:
        out: dict[str, Any] = {"values": copy.deepcopy(self.values), "components": copy.deepcopy(self.components),
                               "kind": self.kind, "meta": {} if self.container_count is None
                               else {"count": self.container_count}, "skipped": list(self.skipped)}
        optional: dict[str, Any] = {
            "typed": self.typed, "ask": self.ask, "review": self.review,
            "unit_for": self.unit_for.to_slot() if self.unit_for else None, "dup_checked": self.dup_checked,
            "suggested_components": copy.deepcopy(self.suggested_components),
            "waste_codes": list(self.waste_codes), "item_id": self.item_id, "assumed": list(self.assumed),
            "answered": list(self.answered), "notes": list(self.notes), "state_said": self.state_said,
            "percent": self.percent, "from_sds": list(self.from_sds),
        }
        out.update({k: v for k, v in optional.items() if v is not None and v is not False and v != []})
        return out

    @classmethod
    def from_slot(cls, d: dict[str, Any]) -> "Draft":
        d = copy.deepcopy(d)
        return cls(values=d.get("values") or {}, components=d.get("components") or [], kind=d.get("kind"),
                   container_count=(d.get("meta") or {}).get("count"), skipped=list(d.get("skipped") or []),
                   typed=d.get("typed"), ask=d.get("ask"), review=bool(d.get("review")),
                   unit_for=UnitAwaited.from_slot(d["unit_for"]) if d.get("unit_for") else None,
                   dup_checked=bool(d.get("dup_checked")),
                   suggested_components=d.get("suggested_components") or [],
                   waste_codes=list(d.get("waste_codes") or []), item_id=d.get("item_id"),
                   assumed=list(d.get("assumed") or []), answered=list(d.get("answered") or []),
                   notes=list(d.get("notes") or []), state_said=d.get("state_said"), percent=d.get("percent"),
                   from_sds=list(d.get("from_sds") or []))


# --- what the engine awaits ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    id: int  # Chemical.id
    name: str
    why: str = ""  # "CAS 67-64-1 · solvent, nail polish remover": tells the choices apart


@dataclass(frozen=True)
class DidYouMean:
    """Which library material the typed name means (close spellings, or several with exactly that name)."""
    typed: str
    options: tuple[Option, ...]
    exact: bool = False

    def to_slot(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "did_you_mean", "typed": self.typed,
                               "options": [{"id": o.id, "name": o.name, **({"why": o.why} if o.why else {})}
                                           for o in self.options]}
        if self.exact:
            out["exact"] = True
        return out

    @classmethod
    def from_slot(cls, d: dict[str, Any]) -> "DidYouMean":
        return cls(d["typed"], tuple(Option(o["id"], o["name"], o.get("why") or "") for o in d["options"]),
                   bool(d.get("exact")))


@dataclass(frozen=True)
class ConfirmRemove:
    """"Remove ... from the inventory?" for these saved items."""
    ids: tuple[int, ...]

    def to_slot(self) -> dict[str, Any]:
        return {"kind": "confirm_remove", "ids": list(self.ids)}

    @classmethod
    def from_slot(cls, d: dict[str, Any]) -> "ConfirmRemove":
        return cls(tuple(d["ids"]))


@dataclass(frozen=True)
class ChooseItem:
    """Which of these saved items to remove or change (`req`: the change, once one is chosen)."""
    action: str  # "remove" | "change"
    ids: tuple[int, ...]
    req: Optional[ChangeRequest] = None

    def to_slot(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "choose_item", "action": self.action, "ids": list(self.ids)}
        if self.req is not None:
            out["req"] = {"target": self.req.target, "field": self.req.field, "value": self.req.value,
                          "factor": self.req.factor}
        return out

    @classmethod
    def from_slot(cls, d: dict[str, Any]) -> "ChooseItem":
        return cls(d["action"], tuple(d["ids"]), ChangeRequest(**d["req"]) if d.get("req") is not None else None)


@dataclass(frozen=True)
class EditSaved:
    """A saved item being changed: `field` is asked (None: "what should change?"); `draft` holds the change so
    far (None: the item as saved)."""
    item_id: int
    field: Optional[str] = None
    draft: Optional[Draft] = None

    def to_slot(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "edit_saved", "item_id": self.item_id, "field": self.field}
        if self.draft is not None:
            out["draft"] = self.draft.to_slot()
        return out

    @classmethod
    def from_slot(cls, d: dict[str, Any]) -> "EditSaved":
        return cls(d["item_id"], d.get("field"), Draft.from_slot(d["draft"]) if d.get("draft") else None)


Awaiting = Union[DidYouMean, ConfirmRemove, ChooseItem, EditSaved]
_AWAITING_KINDS: dict[str, Any] = {"did_you_mean": DidYouMean, "confirm_remove": ConfirmRemove,
                                   "choose_item": ChooseItem, "edit_saved": EditSaved}


# --- the whole state -----------------------------------------------------------------------------------


@dataclass
class InventoryState:
    pending: Optional[Draft] = None  # the material being entered
    queue: list[str] = field(default_factory=list)  # sentences about further materials, said while one was open
    awaiting: Optional[Awaiting] = None
    started: bool = False  # the invitation to describe a material was shown
    finished: bool = False  # the user said they have no more materials
    saved: int = 0  # materials saved in this conversation
    # set by the channel, not the engine (Rasa: the form ended, or a digression ended it: {"intent", "text"})
    done: bool = False
    exit: Optional[dict[str, Any]] = None
    resumed: bool = False  # restored from the database in this turn (not kept in the slot)

    def to_slot(self) -> dict[str, Any]:
        out: dict[str, Any] = {"pending": self.pending.to_slot() if self.pending else None,
                               "awaiting": self.awaiting.to_slot() if self.awaiting else None,
                               "queue": list(self.queue), "started": self.started, "finished": self.finished,
                               "saved": self.saved}
        if self.done:
            out["done"] = True
        if self.exit is not None:
            out["exit"] = dict(self.exit)
        return out

    @classmethod
    def from_slot(cls, d: Optional[dict[str, Any]]) -> "InventoryState":
        d = d or {}
        aw = d.get("awaiting")
        return cls(pending=Draft.from_slot(d["pending"]) if d.get("pending") is not None else None,
                   queue=list(d.get("queue") or []),
                   awaiting=_AWAITING_KINDS[aw["kind"]].from_slot(aw) if aw else None,
                   started=bool(d.get("started")), finished=bool(d.get("finished")), saved=int(d.get("saved") or 0),
                   done=bool(d.get("done")), exit=dict(d["exit"]) if d.get("exit") else None)
