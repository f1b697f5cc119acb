"""Indexing on several cores: worker processes kept across commits, failures never silent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.documents import Document
from index.writing import document_fields
from search import Engine, IndexWriteError

ROOT = Path(__file__).resolve().parent.parent


def _articles(n, start=0):
    texts = ["electric buses in the city", "ядерная безопасность станции", "an ninh hạt nhân"]
    langs = ["en", "ru", "vi"]
    return [{"id": f"d{i}", "lang": langs[i % 3], "title": f"title {i}", "text": f"{texts[i % 3]} {i}"}
            for i in range(start, start + n)]


def _docs(n, start=0):
    """The fields a writer takes, as the indexer gives them."""
    return [document_fields(Document.from_value(a)) for a in _articles(n, start)]


def _alive(pid):
    # A child that has exited but not been reaped is a zombie: gone for this purpose.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_same_worker_processes_write_every_commit_of_a_run_a_segment_each(tmp_path, monkeypatch):
    from index.w3 import bulkwrite

    monkeypatch.setattr(bulkwrite, "MERGE_AT_ONCE", 100)  # no merges: each commit's segments count
    with Engine.create(tmp_path / "ix") as e:
        store = e._store
        with store.segment_workers(2) as workers:
            pids = []
            for commit in range(3):
                with store.writer(procs=2, workers=workers) as w:
                    for fields in _docs(300, start=300 * commit):
                        w.add_document(**fields)
                pids.append(sorted(p.pid for p in workers._processes))
                assert store.segment_count() == 2 * (commit + 1)
        assert pids[0] == pids[1] == pids[2] and len(pids[0]) == 2
        assert not any(_alive(pid) for pid in pids[0])  # ended with the run
        assert e.stats().documents == 900
        assert e.search("title 899").hits[0].id == "d899"


def test_a_document_a_worker_cannot_write_fails_the_commit_and_keeps_the_last_one(tmp_path):
    with Engine.create(tmp_path / "ix") as e:
        e.add(_articles(10))
        store = e._store
        with pytest.raises(IndexWriteError, match="nosuchfield"):
            with store.writer(procs=2) as w:
                for fields in _docs(300, start=10):
                    w.add_document(**fields)
                w.add_document(id="bad", nosuchfield="x")  # only a worker looks at the fields
        assert e.stats().documents == 10
        e.add(_articles(5, start=500))  # the lock was released
        assert e.stats().documents == 15


def test_workers_killed_midway_fail_the_commit_rather_than_losing_documents(tmp_path):
    with Engine.create(tmp_path / "ix") as e:
        e.add(_articles(10))
        store = e._store
        with store.segment_workers(2) as workers:
            with pytest.raises(IndexWriteError, match="exit code -9"):
                with store.writer(procs=2, workers=workers) as w:
                    for fields in _docs(300, start=10):
                        w.add_document(**fields)
                    for process in workers._processes:
                        os.kill(process.pid, signal.SIGKILL)
                        process.join()
            assert e.stats().documents == 10
            # The next commit of the run starts new workers and writes everything.
            with store.writer(procs=2, workers=workers) as w:
                for fields in _docs(300, start=10):
                    w.add_document(**fields)
        assert e.stats().documents == 310


def test_workers_end_when_the_indexing_process_is_killed_while_sending_documents(tmp_path):
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from index.documents import Document
from index.writing import document_fields
from search import Engine
e = Engine.create({str(tmp_path / "ix")!r})
workers = e._store.segment_workers(2)
workers.start()
print(*[p.pid for p in workers._processes], flush=True)
text = "an ninh hạt nhân " * 20000  # chunks larger than a pipe holds: killed mid-message
with e._store.writer(procs=2, workers=workers) as w:
    for i in range(10**9):
        w.add_document(**document_fields(Document.from_value(
            {{"id": str(i), "lang": "vi", "title": "t", "text": text}})))
"""
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pids = [int(x) for x in parent.stdout.readline().split()]
    assert len(pids) == 2 and all(_alive(pid) for pid in pids)
    time.sleep(3)  # sending and writing
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in pids)


def test_a_commit_waits_for_the_worker_still_writing_its_last_documents(tmp_path):
    # The last 50 documents are long: one worker is still on them when the other has
    # nothing left and answers the end of the commit; it must not answer for both.
    long_text = " ".join(["an ninh hạt nhân được bảo đảm tại nhà máy điện"] * 400)
    articles = _articles(100) + [{"id": f"long{i}", "lang": "vi", "title": "dài", "text": long_text}
                                 for i in range(50)]
    with Engine.create(tmp_path / "ix") as e:
        with e._store.segment_workers(2) as workers:
            for _ in range(2):
                with e._store.writer(procs=2, workers=workers) as w:
                    for fields in [document_fields(Document.from_value(a)) for a in articles]:
                        w.update_document(**fields)
                assert e.stats().documents == 150


def test_the_models_are_loaded_before_the_workers_fork_so_they_share_them(tmp_path):
    from analyzers import ru, vi

    vi._tagger.cache_clear()
    vi.segment.cache_clear()  # texts segmented by earlier tests would not need the model
    ru._lemmatizer.cache_clear()
    with Engine.create(tmp_path / "ix", procs=2) as e:
        e.add(_articles(300))  # enough for the workers to write it
        assert vi._tagger.cache_info().currsize == 1, "the segmentation model, loaded here"
        assert ru._lemmatizer.cache_info().currsize == 1, "the Russian dictionaries, loaded here"
        assert e.search("hạt nhân").hits and e.search("безопасности").hits
