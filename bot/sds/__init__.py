"""Reading a Safety Data Sheet (SDS) PDF: the product name, the components of section 3, the physical state of
section 9 and the hazard classes of section 2, mapped to the CERS hazard categories the inventory stores.

No Rasa, no database: `extract.read_sds(pdf_bytes)` returns a plain `SdsReading`; the inventory conversation
decides what to do with it, and the filer confirms it.
"""

import re as _re

# What the chat page says after an SDS was read and kept for the open material (the inventory engine then
# applies it; a step's routing never takes it for a digression).
UPLOADED_SDS = "I uploaded the Safety Data Sheet"
_NOTICE_RE = _re.compile(r"^i (?:just )?uploaded (?:the|its|my|our) (?:safety data sheet|sds)\.?$")


def is_sds_notice(text: str) -> bool:
    return bool(_NOTICE_RE.match(" ".join((text or "").lower().split())))
