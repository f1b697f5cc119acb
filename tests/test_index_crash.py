"""A process killed (SIGKILL) at each dangerous point of writing: the index opens, the next
run finishes the job, and the counts are exact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search import Engine
from tests.conftest import ROOT

#: Runs one operation on the index, killing itself at the named point, if any.
CHILD = r"""
import json, os, signal, sys
sys.path.insert(0, sys.argv[1])
ix_path, folder, op, point = sys.argv[2:6]

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

from search import Engine
if point == "after-toc-no-meta":   # an older version's creation order: no metadata yet
    import index.store
    index.store._write_meta = lambda folder, semantic=False: None
engine = Engine.open(ix_path, create=True, batch_size=5)
if point == "before-toc":          # a segment's files written, the commit not
    import whoosh.writing
    whoosh.writing.SegmentWriter._commit_toc = die
elif point == "before-arrays":     # the commit done, its scoring arrays not yet written
    import index.store
    index.store.IndexStore._write_termdocs = die
elif point == "second-commit":     # inside a large file, after its first commit
    import index.writing
    calls = []
    real = index.writing.Indexer.write
    def write(self, *a, **k):
        calls.append(1)
        if len(calls) == 2:
            die()
        return real(self, *a, **k)
    index.writing.Indexer.write = write

if op == "index":
    engine.index_paths([folder])
elif op == "optimize":
    engine.optimize()
if point == "after-toc-no-meta":
    die()
print("FINISHED", flush=True)
"""


def _run(index, folder, op="index", point="none"):
    return subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(index), str(folder), op, point],
                          capture_output=True, text=True, timeout=300)


def _folder(root: Path, n: int = 12) -> Path:
    folder = root / "news"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{i:02}.txt").write_text(f"Story {i}\n\nHarbour cranes and ferries, report {i}.",
                                            encoding="utf-8")
    (folder / "wire.jsonl").write_text("\n".join(
        json.dumps({"id": f"w{i}", "title": f"Wire {i}", "text": f"Wire ferries {i}"})
        for i in range(12)), encoding="utf-8")
    return folder


def _exact(index: Path, folder: Path) -> None:
    """The index opens, holds each live document once, and each file whole."""
    expected = len(list(folder.glob("*.txt"))) + 12
    with Engine.open(index) as engine:
        stats = engine.stats()
        assert stats.documents == expected, f"{stats.documents} documents, {expected} expected"
        assert engine.search("ferries", limit=100).total == expected
        assert set(engine._indexer.indexed_files()) == {str(p) for p in folder.iterdir()}
        assert engine._indexer.index_paths([folder]).unchanged == len(list(folder.iterdir()))


@pytest.mark.parametrize("point", ["before-toc", "before-arrays", "second-commit"])
def test_a_kill_while_indexing_leaves_an_index_the_next_run_completes(tmp_path, point):
    folder, index = _folder(tmp_path), tmp_path / "ix"
    killed = _run(index, folder, point=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    done = _run(index, folder)
    assert done.returncode == 0 and "FINISHED" in done.stdout, done.stderr
    _exact(index, folder)
    names = os.listdir(index)
    assert not [n for n in names if n.endswith(".tmp")], names


def test_a_kill_before_the_scoring_arrays_leaves_them_for_the_next_open(tmp_path):
    folder, index = _folder(tmp_path), tmp_path / "ix"
    assert _run(index, folder, point="before-arrays").returncode == -signal.SIGKILL
    with Engine.open(index) as engine:
        store = engine._store
        segments = store.ix._segments()
        assert segments and all(store.ix.storage.file_exists(f"{s.segment_id()}.tda") for s in segments)


def test_a_kill_during_optimize_leaves_a_merged_segment_that_gets_its_arrays(tmp_path):
    folder, index = _folder(tmp_path), tmp_path / "ix"
    assert _run(index, folder).returncode == 0
    with Engine.open(index) as engine:
        assert engine._store.segment_count() > 1
    assert _run(index, folder, op="optimize", point="before-arrays").returncode == -signal.SIGKILL
    with Engine.open(index) as engine:
        store = engine._store
        (segment,) = store.ix._segments()
        assert store.ix.storage.file_exists(f"{segment.segment_id()}.tda")
    _exact(index, folder)


def test_files_of_a_commit_that_never_happened_are_removed_on_open(tmp_path):
    folder, index = _folder(tmp_path), tmp_path / "ix"
    assert _run(index, folder).returncode == 0
    before = set(os.listdir(index))
    (folder / "new.txt").write_text("New\n\nFerries at dawn.", encoding="utf-8")
    assert _run(index, folder, point="before-toc").returncode == -signal.SIGKILL
    assert set(os.listdir(index)) - before, "the killed commit should have left its files"
    Engine.open(index).close()
    assert set(os.listdir(index)) <= before | {"main_WRITELOCK"}


def test_a_folder_with_a_table_of_contents_but_no_metadata_is_recovered(tmp_path):
    folder, index = _folder(tmp_path), tmp_path / "ix"
    assert _run(index, folder, op="none", point="after-toc-no-meta").returncode == -signal.SIGKILL
    assert not (index / "search-index.json").exists() and any(index.glob("_main_*.toc"))
    done = _run(index, folder)
    assert done.returncode == 0, done.stderr
    _exact(index, folder)


def test_kills_at_random_moments_still_end_exact(tmp_path):
    folder, index = _folder(tmp_path, 40), tmp_path / "ix"
    for delay in (0.3, 1.0, 2.0):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), str(index), str(folder),
                                  "index", "none"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.kill()
        child.wait()
        with Engine.open(index, create=True) as engine:
            engine.search("ferries")
    assert _run(index, folder).returncode == 0
    _exact(index, folder)
