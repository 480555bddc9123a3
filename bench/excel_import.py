"""Benchmark: import of the CERS HMI template, validation + store, 500 and 10,000 rows (goals < 2 s, < 20 s).

Run: `python bench/excel_import.py [--database-url URL]` (default: a temporary SQLite file).
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.db"
    import openpyxl

    from bot.actor import Actor
    from bot.db import migrate, new_session
    from bot.excel.service import import_inventory
    from bot.excel.template import HEADERS
    from bot.models import Facility, FacilityRole, User
    from bot.timeutil import utcnow

    migrate()
    db = new_session()
    user = User(email=f"bench{time.time_ns()}@example.com", full_name="Bench", status="active", is_inspector=False,
                is_staff=False, failed_logins=0, created_at=utcnow())
    cers = str(29000000 + int(time.time()) % 999999)
    fac = Facility(cers_id=cers, name="Bench", street="1 Main St", street_number="1", city="Fresno", zip="93721")
    db.add_all([user, fac])
    db.flush()
    db.add(FacilityRole(user_id=user.id, facility_id=fac.id, role="lead"))
    db.commit()
    actor = Actor(user_id=user.id, channel="web")
    for n, goal in ((500, 2.0), (10_000, 20.0)):
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(HEADERS)
        for i in range(n):
            r = {"CERSID": cers, "CommonName": f"Material {i}", "EHS": "N", "PhysicalState": "b", "Units": "a",
                 "MaximumDailyAmount": 100 + i, "AverageDailyAmount": 50, "SCSteelDrum": "Y", "ChemicalLocation": "Shop",
                 "HC1PercentByWeight": 50, "HC1Name": "Component", "HC1CAS": "67-64-1", "HC1EHS": "N"}
            ws.append([r.get(h) for h in HEADERS])
        buf = io.BytesIO()
        wb.save(buf)
        start = time.perf_counter()
        result = import_inventory(db, actor, fac.id, buf.getvalue(), mode="replace")
        db.commit()
        took = time.perf_counter() - start
        print(f"{n:>6} rows: {took:.2f} s (validation + store, {result.imported} imported; goal < {goal:.0f} s: "
              f"{'OK' if took < goal else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
