"""Hazardous Materials Inventory through Rasa's REST channel (issue 5): a pure chemical, a mixture, a waste
stream and a material not in the library, each entered from a sentence and the questions that follow,
checked in the database; then list, change and remove by chat."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import httpx
import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.inventory.dialogue import next_field
from bot.models import InventoryComponent, InventoryItem, Submittal
from bot.services.conversation_auth import issue_token
from tests.e2e.chat import Conversation
from tests.e2e.servers import Stack
from tests.e2e.test_filing_permissions import active_user_with_facility

pytestmark = pytest.mark.e2e


class InventoryChat:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.user, self.facility = active_user_with_facility(
            "Hector Ruiz", "Ruiz Auto & Tire", "1530 N Blackstone Ave", "Fresno", "93703")
        self.conv = Conversation(stack.rasa_url)
        self.conv.token = issue_token(self.user.id, self.conv.sender)

    def tracker(self) -> Dict[str, Any]:
        return httpx.get(f"{self.stack.rasa_url}/conversations/{self.conv.sender}/tracker",
                         params=self.stack.rasa_api, timeout=30).json()

    def state(self) -> Dict[str, Any]:
        st = self.tracker()["slots"].get("inv_state")
        return st if isinstance(st, dict) else {}

    def enter(self, sentence: str, answers: Dict[str, str], limit: int = 30) -> List[Dict[str, Any]]:
        """Say the sentence, answer what is asked (by field), press Save on the summary card."""
        replies = self.conv.say(sentence)
        for _ in range(limit):
            st = self.state()
            awaiting = st.get("awaiting") or {}
            if awaiting.get("kind") == "did_you_mean":
                replies = self.conv.say(answers["did_you_mean"])
                continue
            pending = st.get("pending")
            if pending is None:
                return replies
            field = next_field(pending)
            if field is None:
                replies = self.conv.say("save")
                continue
            assert field in answers, f"asked {field!r}, no answer given\n{self.conv.transcript()[-4000:]}"
            replies = self.conv.say(answers[field])
        raise AssertionError(f"material not saved after {limit} turns\n{self.conv.transcript()[-5000:]}")

    def items(self) -> Dict[str, InventoryItem]:
        with session_scope() as db:
            rows = db.execute(
                select(InventoryItem).join(Submittal, Submittal.id == InventoryItem.submittal_id)
                .where(Submittal.facility_id == self.facility.id)
            ).scalars().all()
            for row in rows:
                db.expunge(row)
            return {r.common_name.lower(): r for r in rows}

    def components(self, item_id: int) -> List[InventoryComponent]:
        with session_scope() as db:
            rows = db.execute(select(InventoryComponent).where(InventoryComponent.item_id == item_id)
                              .order_by(InventoryComponent.position)).scalars().all()
            for row in rows:
                db.expunge(row)
            return list(rows)


COMMON = {
    "days_on_site": "all year",
    "pressure": "ambient",
    "temperature": "ambient",
    "location": "back shop",
    "average_daily_amount": "same as maximum",
    "hazards": "fire",
    "is_mixture": "no",
    "cas_number": "none",
    "unit_for": "gallons",
}


def _find(items: Dict[str, InventoryItem], word: str) -> Optional[InventoryItem]:
    return next((item for name, item in items.items() if word in name), None)


def test_pure_mixture_waste_and_unknown_material_by_chat(stack: Stack) -> None:
    chat = InventoryChat(stack)
    replies = chat.conv.say("let's do the chemicals")
    assert chat.tracker()["active_loop"].get("name") == "inventory_form", chat.conv.transcript()

    # a pure chemical from the library, everything from one sentence plus the missing details
    chat.enter("we keep three 55-gallon drums of acetone in the paint booth",
               {**COMMON, "did_you_mean": "acetone", "location": "paint booth", "container": "steel drum",
                "maximum_daily_amount": "165 gallons", "largest_container": "55"})
    acetone = _find(chat.items(), "acetone")
    assert acetone is not None, chat.conv.transcript()
    assert acetone.cas_number == "67-64-1" and acetone.physical_state == "b" and acetone.units == "a"
    assert acetone.maximum_daily_amount == pytest.approx(165) and acetone.sc_steel_drum is True
    assert "booth" in (acetone.location or "").lower()

    # a mixture the library knows (components from the library)
    chat.enter("add a 250 gallon tote of antifreeze in the wash bay",
               {**COMMON, "did_you_mean": "antifreeze", "location": "wash bay", "container": "tote",
                "maximum_daily_amount": "250 gallons", "largest_container": "250",
                "components": "ethylene glycol 95%, diethylene glycol 3%"})
    antifreeze = _find(chat.items(), "antifreeze")
    assert antifreeze is not None and antifreeze.hm_type == "b", chat.conv.transcript()
    comps = chat.components(antifreeze.id)
    assert comps and sum(c.percent or 0 for c in comps) <= 100
    assert any("glycol" in c.name.lower() for c in comps)

    # a waste stream: refused without its components, then saved with them
    chat.enter("we have about 200 gallons of waste oil in a tank out back",
               {**COMMON, "did_you_mean": "none of these", "location": "out back", "container": "above ground tank",
                "maximum_daily_amount": "200 gallons", "largest_container": "200",
                "physical_state": "liquid", "state_waste_code": "221", "annual_waste_amount": "1200 gallons",
                "components": "used motor oil 90%, water 5%, gasoline 2%", "common_name": "Waste oil"})
    waste = _find(chat.items(), "waste oil")
    assert waste is not None and waste.hm_type == "c", chat.conv.transcript()
    assert waste.state_waste_code == "221" and waste.annual_waste_amount == pytest.approx(1200)
    assert len(chat.components(waste.id)) >= 2

    # a material not in the library, from its Safety Data Sheet
    chat.enter("2 pails of zorbex 44 degreaser concentrate in the parts room",
               {**COMMON, "did_you_mean": "none of these", "location": "parts room", "container": "plastic drum",
                "common_name": "Zorbex 44 degreaser concentrate", "physical_state": "liquid",
                "is_mixture": "yes", "components": "sodium metasilicate 10%, 2-butoxyethanol 5%",
                "hazards": "acute health", "maximum_daily_amount": "10 gallons", "largest_container": "5 gallons"})
    zorbex = _find(chat.items(), "zorbex")
    assert zorbex is not None and zorbex.hm_type == "b" and zorbex.chemical_id is None, chat.conv.transcript()
    assert {round(c.percent) for c in chat.components(zorbex.id)} == {10, 5}

    # list, change and remove by chat
    replies = chat.conv.say("list my chemicals")
    listed = Conversation.text(replies).lower()
    assert "acetone" in listed and "antifreeze" in listed and "waste oil" in listed, chat.conv.transcript()
    chat.conv.say("change acetone to 110 gallons")
    acetone = _find(chat.items(), "acetone")
    assert acetone.maximum_daily_amount == pytest.approx(110), chat.conv.transcript()
    replies = chat.conv.say("remove the antifreeze")
    if any("yes" in b["title"].lower() or "remove" in b["title"].lower() for b in Conversation.buttons(replies)):
        chat.conv.say("yes")
    assert _find(chat.items(), "antifreeze") is None, chat.conv.transcript()
    replies = chat.conv.say("that's all")
    assert chat.tracker()["active_loop"].get("name") in (None, ""), chat.conv.transcript()
