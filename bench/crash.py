"""Kill the indexer with SIGKILL at random moments; nothing reported done may be lost.

    python bench/crash.py --kills 100 --files 3000

Writes --files news articles (from ../shared/data/news-*) as .txt files, then
repeatedly starts a run in a child process and kills it with SIGKILL after a random
delay. Before each run the folder changes as an archive does, so that every run has work:
mostly a tenth of its files are edited; one run in five follows the removal of some files,
one in seven the return of removed ones; one in ten merges the index (optimize). The
child prints the ids of every commit as it is reported done. After each kill: the index
opens, a search works, every reported id of a file still there is in it, and no
document appears twice. Finally a run without a kill must finish the job with exactly
one document per file and every file recorded whole. Also: two writers at once (the
second stops with a clear message).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

CHILD = r"""
import sys, json
sys.path.insert(0, sys.argv[3])
from search import Engine
engine = Engine.open(sys.argv[1], create=True, batch_size=int(sys.argv[4]), procs=int(sys.argv[5]),
                     lock_timeout=30)
def done(ids):
    print(json.dumps(ids), flush=True)
if sys.argv[6] == "optimize":
    engine.optimize()
    print("FINISHED optimize", flush=True)
else:
    report = engine.index_paths([sys.argv[2]], committed=done)
    print("FINISHED", report.added, report.updated, report.unchanged, report.removed, flush=True)
engine.close()
"""


def write_files(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    sources = [gzip.open(DATA / "news-vi" / "corpus.jsonl.gz", "rt", encoding="utf-8"),
               gzip.open(DATA / "news-ru" / "corpus.jsonl.gz", "rt", encoding="utf-8")]
    lines = itertools.islice((line for pair in zip(*sources) for line in pair), n)
    for i, line in enumerate(lines):
        d = json.loads(line)
        (folder / f"{i:05d}-{d['lang']}.txt").write_text(f"{d['title']}\n\n{d['text']}\n", encoding="utf-8")


def check(index: str, reported: set[str]) -> tuple[int, int, int]:
    """Documents, reported ids checked, and files recorded whole."""
    from search import Engine

    with Engine.open(index) as engine:
        searcher = engine._store.searcher()
        ids = [f["id"] for f in searcher.all_stored_fields()]
        missing = reported - set(ids)
        assert not missing, f"{len(missing)} documents of reported commits are gone"
        assert len(ids) == len(set(ids)), "a document is in the index twice"
        assert engine.stats().documents == len(ids), "stats count other than the live documents"
        engine.search("an ninh")  # searches work
        return len(ids), len(reported), len(engine._indexer.indexed_files())


def run_child(index: str, files: Path, args: argparse.Namespace, op: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, index, str(files), str(ROOT),
                             str(args.batch), str(args.procs), op],
                            stdout=subprocess.PIPE, text=True, start_new_session=True)


def change(files: Path, rng: random.Random, roll: float, reported: set[str],
           removed: dict[Path, str]) -> tuple[str, int]:
    """Change the folder as an archive changes; says what was done, to how many files."""
    from index.readers import file_id, index_path

    names = sorted(files.iterdir())
    if roll < 0.3:
        gone = rng.sample(names, min(len(names) // 50 + 1, len(names)))
        for path in gone:
            removed[path] = path.read_text(encoding="utf-8")
            path.unlink()
            reported.discard(file_id(index_path(str(path))))  # its documents may go now
        return "removing", len(gone)
    if roll < 0.45 and removed:
        back = list(removed.items())
        for path, text in back:
            path.write_text(text, encoding="utf-8")
        removed.clear()
        return "putting back", len(back)
    edited = rng.sample(names, len(names) // 10)
    for path in edited:
        with path.open("a", encoding="utf-8") as f:
            f.write(f"\nUpdate {rng.randrange(10**9)}.\n")
    return "editing", len(edited)


def kill_after(child: subprocess.Popen[str], delay: float) -> tuple[list[str], bool, float]:
    """The child's lines, and whether it finished before it was killed after ``delay`` s."""
    lines: list[str] = []
    stdout = child.stdout
    reader = threading.Thread(target=lambda: lines.extend(stdout or []), daemon=True)
    reader.start()
    finished = False
    try:
        child.wait(timeout=delay)
        finished = True
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the writer's worker processes too
        child.wait()
    reader.join(timeout=5)
    return lines, finished, delay


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--procs", type=int, default=1)
    ap.add_argument("--max-delay", type=float, default=20.0, help="latest kill, in seconds")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    work = Path(tempfile.mkdtemp(prefix="crash-"))
    files, index = work / "files", str(work / "ix")
    write_files(files, args.files)
    print(f"{args.files} files in {files}; index {index}; batch {args.batch}, {args.procs} process(es)")
    reported: set[str] = set()
    removed: dict[Path, str] = {}
    interrupted: dict[str, int] = {}
    started = time.monotonic()
    for kill in range(1, args.kills + 1):
        roll = rng.random()
        op = "optimize" if roll < 0.1 else "index"
        kind, n = ("optimize", 0) if op == "optimize" else change(files, rng, roll, reported, removed)
        what = kind if op == "optimize" else f"index after {kind} {n} files"
        child = run_child(index, files, args, op)
        out, finished, delay = kill_after(child, rng.uniform(0.5, args.max_delay))
        for line in out:
            if line.startswith("["):
                reported.update(json.loads(line))
        if not finished:
            interrupted[kind] = interrupted.get(kind, 0) + 1
        docs, sure, whole = check(index, reported)
        print(f"kill {kill:>3} at {delay:5.1f}s ({what}{', had finished' if finished else ''}): "
              f"index opens, {docs} documents, {whole} files whole, all {sure} reported present, "
              "no duplicates")
    print(f"{sum(interrupted.values())} of {args.kills} kills stopped a run: "
          + ", ".join(f"{n} {kind}" for kind, n in sorted(interrupted.items())))
    final = subprocess.run([sys.executable, "-c", CHILD, index, str(files), str(ROOT), str(args.batch),
                            str(args.procs), "index"], capture_output=True, text=True, check=True)
    docs, _, whole = check(index, reported)
    present = len(list(files.iterdir()))
    print(final.stdout.strip().splitlines()[-1])
    assert docs == present and whole == present, f"{docs} documents, {whole} whole, for {present} files"
    print(f"after a run to the end: {docs} documents for {present} files, each recorded whole: "
          "exact, nothing lost")

    # Two writers at once: the second stops with a clear message, or waits for the lock.
    from search import Engine, IndexLocked

    with Engine.open(index) as first:
        with first._store.writer():
            try:
                Engine.open(index).add([{"id": "x", "title": "t", "text": "x", "lang": "en"}])
                raise AssertionError("a second writer got in")
            except IndexLocked as exc:
                print(f"second writer while the first holds the lock: IndexLocked: {exc}")
    print(f"total {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
