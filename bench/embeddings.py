"""Benchmark: all-MiniLM-L6-v2 sentence embeddings in numpy (bot.nlp.sentence_embeddings).

Run: `python bench/embeddings.py [--model-dir build/minilm] [--repeat 3]`. Prints the load time, the process's
RSS before and after loading (and after the runs), and milliseconds per sentence one at a time (what one chat
message costs the Rasa server) and in batches of 32 (what training costs per example), over chat-like
messages of 2 to 40 words.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MESSAGES = [
    "hi", "yes", "no thanks", "where am I?", "let's continue tomorrow", "I didn't get the activation email",
    "change the emergency phone to 559-555-0123", "switch to the Fresno site",
    "we keep three 55-gallon drums of motor oil in the back shop",
    "how do I know if I have to report my propane tank, it's about 500 gallons and sits behind the warehouse",
    "what is an extremely hazardous substance and does sulfuric acid in our forklift batteries count as one",
    "I need access to the facility at 1200 Main Street in Bakersfield, my manager set it up last year",
    "download my inventory as excel", "remove the acetone", "what happens if we file late this year",
    "the business owner is the same as the operator, same address as the business, phone 916 555 0142",
]


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import numpy as np

    from bot.nlp import sentence_embeddings as se

    rng = random.Random(7)
    texts = [rng.choice(MESSAGES) for _ in range(256)]
    before = rss_mb()
    start = time.perf_counter()
    model = se.get_model(args.model_dir)
    load_s = time.perf_counter() - start
    loaded = rss_mb()
    model.embed(["warm up"])

    single = []
    for text in texts[:100]:
        t = time.perf_counter()
        model.embed([text])
        single.append((time.perf_counter() - t) * 1000)
    batched = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        e = model.embed(texts)
        batched.append((time.perf_counter() - t) * 1000 / len(texts))
    assert e.shape == (len(texts), se.DIM) and np.allclose(np.linalg.norm(e, axis=1), 1, atol=1e-5)
    single.sort()
    figures = {
        "load_s": round(load_s, 2),
        "rss_mb": {"before_load": round(before), "after_load": round(loaded), "after_runs": round(rss_mb())},
        "one_at_a_time_ms": {"p50": round(statistics.median(single), 1),
                             "p95": round(single[int(0.95 * len(single)) - 1], 1),
                             "mean": round(statistics.fmean(single), 1)},
        "batched_ms_per_sentence": round(min(batched), 2),
        "sentences": len(texts),
    }
    print(f"load {figures['load_s']} s; RSS {figures['rss_mb']['before_load']} -> {figures['rss_mb']['after_load']}"
          f" MB after loading, {figures['rss_mb']['after_runs']} MB after the runs")
    print(f"one sentence at a time: p50 {figures['one_at_a_time_ms']['p50']} ms, "
          f"p95 {figures['one_at_a_time_ms']['p95']} ms")
    print(f"batches of {se.BATCH_SIZE}: {figures['batched_ms_per_sentence']} ms per sentence")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
