"""Reply latency through Rasa's REST channel at 20 concurrent conversations, and server memory.

Starts the real stack (action server, Rasa server, web server) on a fresh SQLite database, then in one run:
  - greeting: N conversations at once, each sending plain greetings;
  - form turns: N logged-in conversations at once, each searching for a facility, finding none and adding a
    new one through the form (every answer validated, the last one writes the facility and its audit row);
and prints p50/p95 for both (goal: form-turn p95 <= 2x greeting p95) and the RSS of the Rasa server
(goal < 1.5 GB) and the action server (goal < 300 MB). Prints, does not assert.

    python bench/latency.py [--conversations 20] [--rounds 3]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import List, Tuple

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.servers import Stack, start_stack  # noqa: E402


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1)))))
    return ordered[k]


def rss_mb(pid: int) -> float:
    proc = psutil.Process(pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


async def timed_say(client: httpx.AsyncClient, url: str, sender: str, text: str, token: str | None) -> Tuple[float, list]:
    body: dict = {"sender": sender, "message": text}
    if token:
        body["metadata"] = {"auth_token": token}
    t0 = time.perf_counter()
    resp = await client.post(f"{url}/webhooks/rest/webhook", json=body)
    elapsed = time.perf_counter() - t0
    resp.raise_for_status()
    return elapsed, resp.json()


async def greeting_conversation(client: httpx.AsyncClient, url: str, rounds: int) -> List[float]:
    sender = f"bench-greet-{uuid.uuid4().hex[:10]}"
    times = []
    for _ in range(rounds):
        for text in ("hello", "hi there", "good morning"):
            elapsed, _ = await timed_say(client, url, sender, text, None)
            times.append(elapsed)
    return times


def form_turns(i: int) -> List[str]:
    """A new facility after a search that finds nothing (street numbers no generated facility uses)."""
    number = 90000 + i
    zips = [("Fresno", "93721"), ("Sacramento", "95814"), ("Oakland", "94612"), ("San Diego", "92101")]
    city, zip5 = random.choice(zips)
    return [
        "/find_facility",
        f"{number}",
        "/add_new_facility",
        f"Bench Test Shop {i} {uuid.uuid4().hex[:6]}",
        f"{number} Industrial Way",
        city,
        zip5,
    ]


async def form_conversation(client: httpx.AsyncClient, url: str, i: int, token: str, sender: str) -> List[float]:
    times = []
    for text in form_turns(i):
        elapsed, _ = await timed_say(client, url, sender, text, token)
        times.append(elapsed)
    return times


def make_users(n: int) -> List[Tuple[str, str]]:
    """Active users with conversation tokens, created through the services (as the sign-up would)."""
    from bot.actor import Actor
    from bot.db import session_scope
    from bot.models import User
    from bot.passwords import hash_password
    from bot.services.conversation_auth import issue_token

    out = []
    with session_scope() as db:
        for i in range(n):
            user = User(email=f"bench{i}-{uuid.uuid4().hex[:6]}@example.com", full_name=f"Bench User {i}",
                        phone="(559) 555-0100", status="active", password_hash=hash_password(uuid.uuid4().hex))
            db.add(user)
            db.flush()
            sender = f"bench-form-{uuid.uuid4().hex[:10]}"
            out.append((sender, issue_token(user.id, sender)))
    _ = Actor  # users are created directly: the benchmark measures conversations, not sign-ups
    return out


async def run(stack: Stack, conversations: int, rounds: int) -> None:
    limits = httpx.Limits(max_connections=conversations * 2)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        # warm-up: first messages load lazy parts of the model
        await greeting_conversation(client, stack.rasa_url, 1)
        t0 = time.perf_counter()
        greet = await asyncio.gather(*(greeting_conversation(client, stack.rasa_url, rounds) for _ in range(conversations)))
        greet_wall = time.perf_counter() - t0
        users = make_users(conversations)
        t0 = time.perf_counter()
        forms = await asyncio.gather(
            *(form_conversation(client, stack.rasa_url, i, token, sender) for i, (sender, token) in enumerate(users))
        )
        form_wall = time.perf_counter() - t0
    g = [x for conv in greet for x in conv]
    f = [x for conv in forms for x in conv]
    print(f"conversations at once: {conversations}")
    print(f"greeting   turns {len(g):4d}  p50 {statistics.median(g)*1000:7.0f} ms  p95 {percentile(g, 95)*1000:7.0f} ms  "
          f"({len(g)/greet_wall:.1f} turns/s)")
    print(f"form turns turns {len(f):4d}  p50 {statistics.median(f)*1000:7.0f} ms  p95 {percentile(f, 95)*1000:7.0f} ms  "
          f"({len(f)/form_wall:.1f} turns/s)")
    ratio = percentile(f, 95) / percentile(g, 95)
    print(f"form-turn p95 / greeting p95 = {ratio:.2f}  (goal <= 2)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cers-bench-"))
    db_url = f"sqlite:///{work / 'bench.db'}"
    env = {"DATABASE_URL": db_url, "CERS_VAR_DIR": str(work / "var"), "SECRET_KEY": "bench-" + uuid.uuid4().hex,
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "9"}
    os.environ.update(env)
    from bot.db import migrate

    migrate(db_url)
    stack = start_stack(work, env, web=False)
    try:
        asyncio.run(run(stack, args.conversations, args.rounds))
        rasa_proc, actions_proc = stack.named["rasa"], stack.named["actions"]
        print(f"RSS Rasa server   {rss_mb(rasa_proc.pid):7.0f} MB  (goal < 1536 MB)")
        print(f"RSS action server {rss_mb(actions_proc.pid):7.0f} MB  (goal < 300 MB)")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
