"""Answer a filer's question from the product's facts, inside any step, so the step can then resume.

`answer_question(text, db=None, intent=None)`:
- "is HF an EHS? what's the TPQ?" -> the material is looked up in the chemical library and its own listing is
  given (EHS or not, its Threshold Planning Quantity, the amount that makes it reportable, pounds);
- "do we need to report 3 quarts of spotting fluid?" -> the filer's own amount is read like an inventory
  sentence and checked against the reporting thresholds (`bot.inventory.thresholds`);
- otherwise the facts (`bot.knowledge.facts`) whose words the question uses, best first (two at most).
Returns None when nothing fits: the caller then says what it can answer. Never raises on user text.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Optional

from bot.knowledge.facts import FACTS, Fact

logger = logging.getLogger(__name__)

INTENT_TOPICS = {
    "ask_thresholds": ("thresholds", "exemptions"), "ask_ehs": ("ehs",), "ask_deadline": ("deadlines",),
    "ask_consequences": ("consequences",), "ask_definition": ("definitions",),
    "ask_what_is_cupa": ("definitions",), "ask_what_is_cers": ("definitions",),
    "ask_what_is_cers_id": ("definitions",), "ask_what_is_lead_user": ("definitions",),
}
_EHS_WORDS = re.compile(r"\b(?:ehs|extremely hazardous(?: substances?)?|tpq|threshold planning quantity|"
                        r"threshold planning|section 302)\b", re.I)
_QUESTION_NOISE = re.compile(
    r"\b(?:is|are|an?|the|what(?:'s| is| are)?|whats|for|of|it|its|it's|considered|counted|as|on|list|listed|"
    r"our|my|we|have|do|does|how|about|and|or|that|this|be|there|too|also|any|much|tell|me|please|pls|"
    r"count|an|s|y|el|la|es|un|una|que|cual|cuál)\b|[?!.,;:()]", re.I)
_UNIT_QUESTION = re.compile(r"\b(?:in|as) (?:gallons|pounds|lbs?|cubic feet)\b|\bwhat units?\b|\bwhich units?\b", re.I)
_AMOUNT_HINT = re.compile(r"\d|\b(?:a|one|two|three|four|five|six|seven|eight|nine|ten|dozen|couple|few|half)\b",
                          re.I)


@dataclass(frozen=True)
class Answer:
    text: str
    topic: str
    facts: tuple[str, ...] = ()


def answer_question(text: str, db: Any = None, intent: Optional[str] = None) -> Optional[Answer]:
    try:
        return _answer(text or "", db, intent)
    except Exception:  # noqa: BLE001 - a question must never break the conversation
        logger.exception("answering %r failed", text)
        return None


def _answer(text: str, db: Any, intent: Optional[str]) -> Optional[Answer]:
    low = " ".join(text.lower().split())
    if not low:
        return None
    parts: list[str] = []
    used: list[str] = []
    topic = ""
    if db is not None and (_EHS_WORDS.search(low) or _UNIT_QUESTION.search(low)):
        ehs = _material_ehs(db, low)
        if ehs:
            parts.append(ehs)
            topic = "ehs"
    if db is not None and _AMOUNT_HINT.search(low):
        own = _own_amount(db, text)
        if own:
            parts.append(own)
            topic = topic or "thresholds"
    ranked = _rank(low, intent)
    if not ranked and intent in INTENT_TOPICS:
        # the words matched no fact, but the classifier knows what kind of question it is: its main fact
        topic = INTENT_TOPICS[intent][0]
        ranked = [(next(f for f in FACTS if f.topic == topic), 0.1)]
    for fact, _score in ranked[: (1 if parts else 2)]:
        if fact.key in used:
            continue
        parts.append(fact.text)
        used.append(fact.key)
        topic = topic or fact.topic
    if not parts:
        return None
    return Answer(" ".join(parts), topic, tuple(used))


def _rank(low: str, intent: Optional[str]) -> list[tuple[Fact, float]]:
    boost = INTENT_TOPICS.get(intent or "", ())
    scored: list[tuple[Fact, float]] = []
    for fact in FACTS:
        hits = sum(1 for rx in fact.about if rx.search(low))
        if not hits:
            continue
        score = hits * fact.weight + (0.75 if fact.topic in boost else 0.0)
        scored.append((fact, score))
    scored.sort(key=lambda fs: -fs[1])
    if len(scored) > 1 and scored[1][1] < scored[0][1] * 0.6:
        scored = scored[:1]
    return scored


def _material_ehs(db: Any, low: str) -> Optional[str]:
    """The EHS listing of the material the question names ("is HF an EHS?")."""
    from bot.chemicals.ehs import ehs_status
    from bot.chemicals.resolve import resolve

    words = _EHS_WORDS.sub(" ", low)
    words = " ".join(_QUESTION_NOISE.sub(" ", words).split())
    if not words:
        return None
    words = " ".join(w for w in words.split() if w not in ("gallons", "pounds", "lbs", "lb", "cubic", "feet",
                                                           "units", "unit", "enter", "report", "can", "i", "in"))
    found = None
    for candidate in [words, *words.split()]:
        if len(candidate) < 2:
            continue
        res = resolve(db, candidate)
        if res.confident and res.how in ("cas", "name", "formula", "part"):
            found = res.chemical
            break
        ehs_choice = next((c.chemical for c in res.choices if c.chemical.ehs), None)
        if ehs_choice is not None and res.how in ("name", "part"):
            found = ehs_choice  # "chlorine": the listed gas (pool products that carry the word are not EHS)
            break
    if found is None:
        return None
    pct = re.search(r"(\d+(?:\.\d+)?)\s*%", low)
    percent = float(pct.group(1)) if pct else None
    if percent is not None:  # the listing's own rule at the filer's strength (hydrogen peroxide: > 52%)
        from sqlalchemy import select

        from bot.inventory.understand import _single_component_cas
        from bot.models import Chemical

        cas = found.cas or _single_component_cas(found)
        pure = db.execute(select(Chemical).where(Chemical.cas == cas, Chemical.source == "chedl")).scalars().first() \
            if cas else None
        found = pure or found
    status = ehs_status(found, percent, None)
    text = status.reason
    if status.is_ehs and status.tpq_lb is not None:
        report_at = min(status.tpq_lb, 500.0)
        text += (f" You report it when you have {_n(report_at)} pounds or more at any one time (its threshold "
                 f"planning quantity or 500 pounds, whichever is less), and EHS amounts are reported in pounds.")
    elif status.is_ehs is False:
        text += " It is reportable at the usual thresholds: 55 gallons, 500 pounds or 200 cubic feet."
    return text


def _own_amount(db: Any, text: str) -> Optional[str]:
    """"do we report 3 quarts of spotting fluid?": the filer's amount against the thresholds."""
    from bot.inventory import thresholds
    from bot.inventory.understand import understand

    found = [u for u in understand(db, text) if u.amount is not None and u.units]
    if not found:
        return None
    u = found[0]
    state = u.physical_state or {"a": "b", "c": "a", "b": "c"}.get(u.units or "", "b")
    chem = u.chemical
    if chem is None and u.choices:
        chem = u.choices[0].chemical  # the likeliest reading; the answer names it
        from bot.chemicals.ehs import ehs_status

        status = ehs_status(chem, u.percent, None)
        u.ehs, u.tpq_lb = bool(status.is_ehs), status.tpq_lb
    material = thresholds.Material(
        name=u.common_name or "it", physical_state=state, units=u.units or "a", max_amount=float(u.amount or 0),
        key=(chem.cas if chem is not None else None) or (u.common_name or "x"), ehs=bool(u.ehs),
        tpq_lb=u.tpq_lb, threshold_rule=getattr(chem, "threshold_rule", None) if chem is not None else None,
        cas=u.cas, is_waste=u.waste)
    decision = thresholds.check_material(material)
    name = (chem.name if chem is not None else u.common_name) or "That material"
    amount = f"{_n(u.amount)} {_unit(u.units)}"
    if decision.reportable is True:
        verdict = f"Yes: {amount} of {name} is at or above its reporting threshold."
    elif decision.reportable is False:
        verdict = f"On its own, {amount} of {name} is below its reporting threshold."
    else:
        verdict = f"For {amount} of {name}:"
    extra = ""
    rule = getattr(chem, "threshold_rule", None) if chem is not None else None
    if rule in ("co2", "asphyxiant"):
        extra = " " + next(f.text for f in FACTS if f.key == "special_gases")
    elif rule == "lube_oil":
        extra = " " + next(f.text for f in FACTS if f.key == "lube_oil")
    elif u.ehs and u.tpq_lb is not None:
        extra = (f" {name} is an Extremely Hazardous Substance: its threshold planning quantity is "
                 f"{_n(u.tpq_lb)} pounds, so it is reportable at {_n(min(u.tpq_lb, 500.0))} pounds.")
    return f"{verdict} {decision.reason}{extra} Remember it's the total at the facility at any one time, all " \
           f"containers and locations together."


def _unit(code: Optional[str]) -> str:
    return {"a": "gallons", "b": "cubic feet", "c": "pounds", "d": "tons"}.get(code or "", "")


def _n(x: Optional[float]) -> str:
    if x is None:
        return "?"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")
