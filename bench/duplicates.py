"""Near-duplicate folding on the news sets: how many groups, and a sample to check by hand.

    python bench/duplicates.py [--sample 30] [--seed 7]

Fingerprints every article of ../shared/data/news-vi and news-ru as the index does
(index.fingerprint), groups them, and prints the groups beside the baseline of exact
duplicates (the same text, character for character). Then a sample of the groups whose
texts are not identical, fixed by --seed, with each member's id, date, headline and where
its text first differs from the first member's: what to read to judge that every group is
one story.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

from index.fingerprint import MAX_DISTANCE, document_fingerprint, near_duplicate_groups  # noqa: E402


def _articles() -> list[dict]:
    docs = []
    for name in ("news-vi", "news-ru"):
        with gzip.open(DATA / name / "corpus.jsonl.gz", "rt", encoding="utf-8") as f:
            docs += [json.loads(line) for line in f]
    return docs


def _groups(keys: list) -> list[list[int]]:
    by_key = collections.defaultdict(list)
    for i, key in enumerate(keys):
        by_key[key].append(i)
    return [members for members in by_key.values() if len(members) > 1]


def _first_difference(a: str, b: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"differs at char {at} of {len(a)}/{len(b)}: {a[at:at + 50]!r} / {b[at:at + 50]!r}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    docs = _articles()
    started = time.perf_counter()
    fingerprints = np.array([document_fingerprint(d["title"] or "", d["text"] or "") for d in docs],
                            dtype=np.uint64)
    took = time.perf_counter() - started
    started = time.perf_counter()
    near = _groups(near_duplicate_groups(fingerprints).tolist())
    grouping = time.perf_counter() - started
    exact = _groups([d["text"] for d in docs])
    print(f"{len(docs):,} articles; fingerprints {took / len(docs) * 1000:.2f} ms an article, "
          f"grouping {grouping:.2f} s; at most {MAX_DISTANCE} bits apart")
    for name, groups in (("exact same text (baseline)", exact), ("near-duplicates", near)):
        sizes = collections.Counter(len(g) for g in groups)
        print(f"  {name:<28} {len(groups):>5} groups, {sum(map(len, groups)):>5} articles, "
              f"{sum(len(g) - 1 for g in groups):>5} folded away; sizes {dict(sorted(sizes.items()))}")
    different = [g for g in near if len({docs[i]["text"] for i in g}) > 1]
    print(f"  near-duplicate groups whose texts are not identical: {len(different)}")
    random.Random(args.seed).shuffle(different)
    for n, group in enumerate(different[:args.sample], 1):
        first = docs[group[0]]
        print(f"\n{n}. {len(group)} articles")
        for i in group:
            d = docs[i]
            line = f"   {d['id']:<18} {d.get('date') or '-':<10} {(d['title'] or '')[:70]}"
            print(line if i == group[0] else line + "\n      " + _first_difference(first["text"], d["text"]))


if __name__ == "__main__":
    main()
