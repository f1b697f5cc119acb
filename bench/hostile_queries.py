"""Thousands of random and adversarial queries against a large index: none may take over a second.

    python bench/hostile_queries.py --index DIR --queries 3000

Queries mix operators (unbalanced quotes, lone -, OR, *, a*, title:, lang:, date:),
words of every script, control characters, huge page numbers and 100 KB strings.
Each must give results or a QueryError; the script prints how many of each, the
slowest times, and fails if any query raised something else or took over 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PIECES = ['"', "-", "OR", "NOT", "*", "a*", "т*", "title:", "lang:", "lang:vi", "date:", "date:2020..",
          "date:1999-13-40", "=", "=стали", "(", ")", "\x00", "\x07", "\u200b", "\ufeff", "..", "\\",
          "an", "ninh", "hạt", "nhân", "hat", "nhan", "của", "là", "và", "ядерная", "безопасность",
          "в", "и", "the", "of", "北京", "東京", "ไทย", "مرحبا", "नमस्ते", "Ελλάδα", "🙂", "x" * 300]


def random_query(rng: random.Random) -> tuple[str, int]:
    kind = rng.random()
    if kind < 0.02:
        return "ab " * 35_000, 1  # 100 KB
    if kind < 0.1:
        return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(1, 60))), 1
    words = [rng.choice(PIECES) for _ in range(rng.randrange(1, 15))]
    text = (" " if rng.random() < 0.8 else "").join(words)
    page = rng.choice([1, 1, 1, 2, 50, 999, 10**9, 0, -3])
    return text, page


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    from search import Engine, QueryError

    rng = random.Random(args.seed)
    times: list[tuple[float, str]] = []
    answered = refused = 0
    with Engine.open(args.index) as engine:
        engine.search("warm up")
        for _ in range(args.queries):
            text, page = random_query(rng)
            t = time.perf_counter()
            try:
                engine.search(text, page=page, lang=rng.choice([None, None, "vi", "ru"]))
                answered += 1
            except QueryError:
                refused += 1
            times.append((time.perf_counter() - t, text[:60]))
    times.sort(reverse=True)
    ms = [t * 1000 for t, _ in times]
    q = statistics.quantiles(ms, n=100)
    print(f"{args.queries} hostile queries: {answered} answered, {refused} refused with QueryError, "
          f"0 other errors")
    print(f"time p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms, max {ms[0]:.1f} ms (limit 1000 ms)")
    for t, text in times[:3]:
        print(f"  slowest: {t * 1000:.0f} ms  {text!r}")
    if ms[0] > 1000:
        raise SystemExit("a query took over a second")


if __name__ == "__main__":
    main()
