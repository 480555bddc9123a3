"""Benchmark: chemical lookup latency over the whole library (goal: p95 < 20 ms).

Run: `python bench/chemical_lookup.py [--database-url URL] [--sample 2000]`. Builds the library first if it is
empty. Queries: every library name in a random sample, typed as is, with one typo, as a CAS number, and
with a concentration ("... 98%").
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    from sqlalchemy import func, select

    from bot.chemicals import build
    from bot.chemicals.lookup import lookup
    from bot.db import migrate, new_session
    from bot.models import Chemical

    migrate()
    db = new_session()
    if db.execute(select(func.count(Chemical.id))).scalar_one() == 0:
        print(build.main([]) or "library built")
    chems = db.execute(select(Chemical.name, Chemical.cas)).all()
    rng = random.Random(7)
    sample = rng.sample(chems, min(args.sample, len(chems)))
    queries: list[str] = []
    for name, cas in sample:
        queries.append(name)
        if len(name) > 4:
            i = rng.randrange(1, len(name) - 1)
            queries.append(name[:i] + name[i + 1:])
        if cas:
            queries.append(cas)
        queries.append(f"{name} 98%")
    start = time.perf_counter()
    lookup(db, "warm up")
    print(f"library: {len(chems)} chemicals; index built in {time.perf_counter() - start:.2f} s")
    times: list[float] = []
    for q in queries:
        t = time.perf_counter()
        lookup(db, q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95)]
    print(f"{len(queries)} lookups: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.1f} ms "
          f"(goal p95 < 20 ms: {'OK' if p95 < 20 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
