"""The first answer: ``search query`` from a new process, and ``search --help``.

    python bench/cold.py --index DIR --plain DIR     # indexes an earlier run kept
    python bench/cold.py --docs 0                    # builds both on all 45,000 articles first

Each command runs in a new Python process, ``--runs`` times, one query of each kind in
turn (Russian, Vietnamese with marks and without, English), and the median and worst
wall time are printed per query and over all of them, next to the same query from a new
process on a plain Whoosh index of the same articles (open, parse, search, highlight the
top ten), and the bare interpreter (``python -c pass``) as the floor.

``--index`` and ``--plain`` are what ``bench/speed.py --keep DIR`` leaves: ``DIR`` and
``DIR-plain``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

QUERIES = ["ядерная безопасность", "an ninh hạt nhân", "an ninh hat nhan", "nuclear power plant"]

#: A plain Whoosh search from a new process: the baseline.
PLAIN = """
import sys
from whoosh.highlight import ContextFragmenter
from whoosh.index import open_dir
from whoosh.qparser import MultifieldParser, OrGroup
ix = open_dir(sys.argv[1])
with ix.searcher() as searcher:
    parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup)
    results = searcher.search(parser.parse(sys.argv[2]), limit=10)
    results.fragmenter = ContextFragmenter(maxchars=260)
    for hit in results:
        print(hit["title"], hit.highlights("body"))
"""


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def build(docs: int) -> tuple[str, str, Path]:
    from speed import in_process, run_engine, run_plain

    work = Path(tempfile.mkdtemp(prefix="cold-"))
    engine, plain = str(work / "engine"), str(work / "plain")
    procs = os.cpu_count() or 1
    print(f"building both indexes on {docs or 'all'} articles ...", flush=True)
    in_process(run_engine, engine, docs, 1, procs)
    in_process(run_plain, plain, docs, 1, procs)
    return engine, plain, work


def line(name: str, seconds: list[float]) -> str:
    return f"{name:<40}{statistics.median(seconds):9.2f}{max(seconds):9.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", help="the engine's index (bench/speed.py --keep DIR)")
    ap.add_argument("--plain", help="a plain Whoosh index of the same articles (DIR-plain)")
    ap.add_argument("--docs", type=int, default=0, help="without --index: build on the first N (0: all)")
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    work = None
    if args.index and args.plain:
        engine, plain = args.index, args.plain
    else:
        engine, plain, work = build(args.docs)
    python = sys.executable
    search = [python, "-m", "search.cli"]
    help_runs: list[float] = []
    floor: list[float] = []
    ours: dict[str, list[float]] = {q: [] for q in QUERIES}
    theirs: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(args.runs):  # each round runs everything once, so drift touches all alike
        floor.append(wall([python, "-c", "pass"]))
        help_runs.append(wall(search + ["--help"]))
        for q in QUERIES:
            ours[q].append(wall(search + ["--index", engine, "query", q]))
            theirs[q].append(wall([python, "-c", PLAIN, plain, q]))
    print(f"\nnew process each time, {args.runs} runs, seconds{'median':>17}{'worst':>9}")
    print(line("python -c pass (the floor)", floor))
    print(line("search --help (target < 0.2 s)", help_runs))
    for q in QUERIES:
        print(line(f"search query {q!r}", ours[q]) + "   plain Whoosh " +
              f"{statistics.median(theirs[q]):.2f} / {max(theirs[q]):.2f}")
    every = [s for q in QUERIES for s in ours[q]]
    plain_all = [s for q in QUERIES for s in theirs[q]]
    print(line("search query, all of them", every) + "   plain Whoosh " +
          f"{statistics.median(plain_all):.2f} / {max(plain_all):.2f}")
    print("target: median <= 0.5 s, worst <= 1.0 s")
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
