"""The SDS reader on the set written apart (tests/apart/sds: 31 PDFs in ten manufacturers' layout families, written
by a session that never saw the reader). Measured once, figures only (misses unread), at commit 7763c8b: product
name 0.839, components found 0.991, percentages 0.948, physical state 0.968, hazard categories 0.839, every field
0.710, one extra component. The floors sit a few points under, so a regression fails and noise does not.
Don't tune the reader on this set's misses: it would stop measuring what a filer's unseen SDS gets."""
from __future__ import annotations

from bot.config import REPO_ROOT
from bot.sds.measure import measure

SET = REPO_ROOT / "tests" / "apart" / "sds" / "pdfs"
FLOORS = {"product_name": 0.78, "components_found": 0.95, "percentages": 0.90, "physical_state": 0.90,
          "cers_hazards": 0.78, "all_fields": 0.64}


def test_the_sds_set_written_apart_stays_above_its_floors() -> None:
    score = measure(SET)
    assert score.total["product_name"] >= 31  # every sheet was scored (a file the reader can't open is a miss)
    rates = {f: score.right[f] / score.total[f] for f in FLOORS}
    low = {f: round(rate, 3) for f, rate in rates.items() if rate < FLOORS[f]}
    assert not low, f"below the floors {FLOORS}: {low} (figures only; the misses of a sealed set stay unread)"
    assert score.extra_components <= 3
