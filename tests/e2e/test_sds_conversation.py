"""A material not in the library filled from its Safety Data Sheet through Rasa's REST channel and the real action
server: the upload widget is offered for the new product, the reading the web server keeps is applied on the chat
page's notice, the questions an SDS answers are not asked, and the saved inventory line has the sheet's
components with CAS numbers and its hazard categories."""
from __future__ import annotations

import pytest

from bot.db import session_scope
from bot.inventory.conversation import from_sds
from bot.inventory.dialogue import next_field
from bot.sds import UPLOADED_SDS
from bot.sds.extract import read_sds
from tests import sds_layouts
from tests.e2e.chat import Conversation
from tests.e2e.servers import Stack
from tests.e2e.test_inventory_conversation import COMMON, InventoryChat, _find

pytestmark = pytest.mark.e2e


def test_a_new_material_from_its_sds_by_chat(stack: Stack) -> None:
    chat = InventoryChat(stack)
    chat.conv.say("let's do the chemicals")
    replies = chat.conv.say("we also have BrightSol 200 in the paint room")
    if (chat.state().get("awaiting") or {}).get("kind") == "did_you_mean":
        replies = chat.conv.say("none of these")
    widgets = [c for c in Conversation.custom(replies) if c.get("form") == "upload_sds"]
    assert widgets and widgets[0]["facility"] == chat.facility.cers_id, chat.conv.transcript()

    with session_scope() as db:  # what POST /api/inventory/sds does after its checks
        from_sds.keep_reading(db, chat.facility.id, chat.user.id, read_sds(sds_layouts.big_chemical()), "sds.pdf")
    replies = chat.conv.say(UPLOADED_SDS)
    assert "I read the Safety Data Sheet of BrightSol 200 Industrial Solvent" in Conversation.text(replies), \
        chat.conv.transcript()
    asked = []
    for _ in range(15):
        pending = chat.state().get("pending")
        if pending is None:
            break
        use = [b for b in Conversation.buttons(replies) if b["title"].startswith("Use:")]
        field = next_field(pending)
        asked.append(field)
        if use:  # the ranges' highest ends pass 100%: the middles offered
            replies = chat.conv.say(use[0]["payload"])
        elif field is None:
            replies = chat.conv.say("save")
        else:
            replies = chat.conv.say({**COMMON, "container": "steel drum", "maximum_daily_amount": "110 gallons",
                                     "largest_container": "55"}[field])
    assert not {"physical_state", "cas_number", "is_mixture", "hazards", "common_name"} & set(asked), asked
    item = _find(chat.items(), "brightsol")
    assert item is not None, chat.conv.transcript()
    assert item.hm_type == "b" and item.physical_state == "b" and item.chemical_id is None
    assert (item.fhc_fire, item.fhc_acute_health, item.fhc_chronic_health) == (True, True, False)
    assert [(c.cas, c.percent) for c in chat.components(item.id)] == [
        ("108-88-3", 45), ("67-64-1", 20), ("1330-20-7", 7.5), ("100-41-4", 3)]
