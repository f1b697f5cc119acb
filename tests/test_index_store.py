"""The index on disk: versioned, one writer at a time, incremental re-indexing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from search import (Engine, IndexExists, IndexLocked, IndexNotFound, IndexVersionError)


def _write(path, title, body):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")


def test_open_needs_an_existing_index(tmp_path):
    with pytest.raises(IndexNotFound, match="create one first"):
        Engine.open(tmp_path / "none")


def test_create_refuses_a_folder_with_other_files(tmp_path):
    (tmp_path / "x.txt").write_text("mine")
    with pytest.raises(IndexExists, match="not empty"):
        Engine.create(tmp_path)


def test_an_index_of_another_schema_version_asks_for_a_rebuild(tmp_path):
    Engine.create(tmp_path / "ix").close()
    meta = tmp_path / "ix" / "search-index.json"
    meta.write_text(json.dumps({"format": "multilingual-search-index", "schema_version": 0}))
    with pytest.raises(IndexVersionError, match="--rebuild"):
        Engine.open(tmp_path / "ix")


def test_a_second_writer_gets_a_clear_error(disk_engine):
    store = disk_engine._store
    with store.writer():
        with pytest.raises(IndexLocked, match="another process is writing"):
            disk_engine.add([{"id": "1", "title": "t", "text": "x", "lang": "en"}])


def test_documents_survive_closing_and_reopening(tmp_path):
    with Engine.create(tmp_path / "ix") as e:
        e.add([{"id": "1", "title": "Nuclear security", "text": "A summit.", "lang": "en"}])
    with Engine.open(tmp_path / "ix") as e:
        assert [h.id for h in e.search("nuclear")] == ["1"]


def test_reindexing_skips_unchanged_updates_changed_and_removes_vanished(tmp_path):
    docs = tmp_path / "docs"
    _write(docs / "a.txt", "Electric buses", "The city bought electric buses.")
    _write(docs / "b.txt", "Coffee prices", "Coffee prices rose.")
    _write(docs / "c.txt", "Bicycle lanes", "New bicycle lanes.")
    with Engine.create(tmp_path / "ix") as e:
        first = e.index_paths([docs])
        assert (first.added, first.updated, first.removed) == (3, 0, 0)
        again = e.index_paths([docs])
        assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
        _write(docs / "b.txt", "Tea prices", "Tea prices rose.")
        os.remove(docs / "c.txt")
        third = e.index_paths([docs])
        assert (third.added, third.updated, third.removed, third.unchanged) == (0, 1, 1, 1)
        assert e.stats().documents == 2
        assert e.search("coffee").total == 0 and e.search("tea").total == 1
        assert e.search("bicycle").total == 0


def test_a_bad_file_is_reported_and_the_others_are_indexed(tmp_path):
    docs = tmp_path / "docs"
    _write(docs / "good.txt", "Good", "Readable text.")
    (docs / "bad.txt").write_bytes(b"\x00\x00binary\x00")
    with Engine.create(tmp_path / "ix") as e:
        report = e.index_paths([docs])
        assert report.added == 1
        assert [os.path.basename(p) for p, _ in report.failed] == ["bad.txt"]
        assert "binary" in report.failed[0][1]


def test_a_file_that_fails_later_keeps_its_earlier_documents(tmp_path):
    docs = tmp_path / "docs"
    _write(docs / "a.txt", "Kept", "Text that was good once.")
    with Engine.create(tmp_path / "ix") as e:
        e.index_paths([docs])
        (docs / "a.txt").write_bytes(b"\x00broken\x00")
        report = e.index_paths([docs])
        assert report.failed and e.search("kept").total == 1


def test_rebuild_starts_from_an_empty_index(tmp_path):
    with Engine.create(tmp_path / "ix") as e:
        e.add([{"id": "1", "title": "t", "text": "x", "lang": "en"}])
    with Engine.create(tmp_path / "ix", overwrite=True) as e:
        assert e.stats().documents == 0


def test_parallel_indexing_gives_the_same_index_as_one_process(tmp_path):
    docs = [{"id": f"d{i % 250}", "lang": ["en", "ru", "vi"][i % 3],
             "title": f"title {i}", "text": ["electric buses", "ядерная безопасность",
                                              "an ninh hạt nhân"][i % 3] + f" {i}"}
            for i in range(300)]  # ids repeat: the last version of each wins
    counts = {}
    for procs in (1, 2):
        with Engine.create(tmp_path / f"ix{procs}", procs=procs, batch_size=1000) as e:
            e.add(docs)
            e.add(docs[:10])  # replacing documents already committed
            counts[procs] = (e.stats().documents, e.search("buses").total,
                             e.search("безопасность").total, e.search("hat nhan").total,
                             e.search("title 299").hits[0].id)
    assert counts[1] == counts[2] == (250, counts[1][1], counts[1][2], counts[1][3], "d49")


def test_a_full_disk_is_a_clear_error_and_the_last_commit_stays(tmp_path, monkeypatch):
    import errno

    from search import IndexWriteError

    with Engine.create(tmp_path / "ix") as e:
        e.add([{"id": "1", "title": "Kept", "text": "first commit", "lang": "en"}])

        def full(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
        with pytest.raises(IndexWriteError, match="disk is full"):
            e.add([{"id": "2", "title": "Lost", "text": "second commit", "lang": "en"}])
        monkeypatch.undo()
    with Engine.open(tmp_path / "ix") as e:
        assert [h.id for h in e.search("commit")] == ["1"]
        e.add([{"id": "3", "title": "Later", "text": "third commit", "lang": "en"}])
        assert {h.id for h in e.search("commit")} == {"1", "3"}, "the lock was released"


def test_in_memory_engines_in_two_processes_do_not_share_temporary_files(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys; from search import Engine\n"
            "e = Engine.in_memory(batch_size=50)\n"
            "for n in range(6):\n"
            "    e.add([{'id': f'{n}-{i}', 'lang': 'en', 'title': 't', 'text': 'word ' * 300}"
            " for i in range(150)])\n"
            "print(e.stats().documents)")
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate() for p in procs]
    assert [o.strip() for o, _ in outs] == ["900"] * 3, [e[-300:] for _, e in outs]


def test_a_read_only_folder_is_a_clear_error_and_the_last_commit_stays(tmp_path, monkeypatch):
    """Root writes anywhere, so the file system's refusal (EROFS) is simulated."""
    import errno

    from index.store import DurableFileStorage
    from search import IndexWriteError

    with Engine.create(tmp_path / "ix") as e:
        e.add([{"id": "1", "title": "Kept", "text": "first commit", "lang": "en"}])

        def read_only(self, name, *args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system", name)

        monkeypatch.setattr(DurableFileStorage, "create_file", read_only)
        with pytest.raises(IndexWriteError, match="cannot be written"):
            e.add([{"id": "2", "title": "Lost", "text": "second commit", "lang": "en"}])
        assert [h.id for h in e.search("commit")] == ["1"]


def test_an_in_memory_engine_leaves_no_temporary_folders_behind(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    engine = Engine.in_memory(batch_size=20)
    engine.add([{"id": str(i), "lang": "en", "title": "t", "text": "word " * 50} for i in range(60)])
    assert engine.stats().documents == 60
    assert list(tmp_path.iterdir()) == []


def test_optimize_merges_segments_and_answers_as_before(tmp_path):
    from index import termdocs

    engine = Engine.create(tmp_path / "ix", batch_size=100)
    engine.add([{"id": str(i), "lang": "en", "title": f"report {i % 7}",
                 "text": f"security summit {'talks ' * (i % 5)} number{i}"} for i in range(400)])
    engine.delete("17")
    queries = ["security talks", "report 3", "number250", '"summit talks"']
    before = [engine.search(q, limit=20) for q in queries]
    assert engine.stats().segments > 1
    assert engine.optimize()[1] == 1
    assert engine.stats().segments == 1 and engine.stats().documents == 399
    seg = engine._store.ix._segments()[0]
    assert termdocs.load(engine._store.ix.storage, termdocs.file_name(seg)) is not None
    for q, old in zip(queries, before):
        new = engine.search(q, limit=20)
        assert new.total == old.total > 0
        assert [(h.id, h.snippet) for h in new.hits] == [(h.id, h.snippet) for h in old.hits]
        # the deleted document's length leaves the field's total: scores move a little
        assert [h.score for h in new.hits] == pytest.approx([h.score for h in old.hits], rel=0.01)


def test_commits_grow_with_the_run_up_to_a_cap(tmp_path, monkeypatch):
    import index.writing

    for i in range(70):
        _write(tmp_path / "docs" / f"{i:02}.txt", f"title {i}", f"body {i}")
    sizes = []
    engine = Engine.create(tmp_path / "ix", batch_size=10)
    engine.index_paths(tmp_path / "docs", committed=lambda ids: sizes.append(len(ids)))
    assert sizes == [10, 30, 30]  # three times what is committed: fewer, larger segments

    monkeypatch.setattr(index.writing, "MAX_BATCH", 15)
    sizes.clear()
    engine = Engine.create(tmp_path / "ix", overwrite=True, batch_size=10)
    engine.index_paths(tmp_path / "docs", committed=lambda ids: sizes.append(len(ids)))
    assert sizes == [10, 15, 15, 15, 15]  # memory stays bounded
    assert engine.stats().documents == 70


def test_the_commit_size_caps_every_commit_the_first_too(tmp_path):
    for i in range(70):
        _write(tmp_path / "docs" / f"{i:02}.txt", f"title {i}", f"body {i}")
    sizes = []
    engine = Engine.create(tmp_path / "ix", batch_size=30, commit_size=20)
    engine.index_paths(tmp_path / "docs", committed=lambda ids: sizes.append(len(ids)))
    assert sizes == [20, 20, 20, 10]
    assert engine.stats().documents == 70


def test_threads_searching_one_disk_index_get_the_answers_one_thread_gets(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    engine = Engine.create(tmp_path / "ix", batch_size=150)
    engine.add([{"id": str(i), "lang": "en", "title": f"report {i % 11}",
                 "text": f"security summit {'talks ' * (i % 5)} budget{i % 17} number{i} " * 3}
                for i in range(600)])
    queries = [f"security budget{i % 17} talks" for i in range(40)] + [
        f'"summit talks" report {i % 11}' for i in range(40)]

    def answer(q):
        r = engine.search(q, limit=10)
        return r.total, [(h.id, h.snippet) for h in r.hits]

    expected = [answer(q) for q in queries]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(3):
            assert list(pool.map(answer, queries)) == expected


def test_a_searcher_holds_none_of_the_postings_dictionary_or_text_in_its_own_memory(tmp_path):
    # Index files are read through the operating system's cache, not mapped into the process:
    # a server's resident memory is then its own, whatever the size of the index it serves.
    maps = Path("/proc/self/maps")
    if not maps.exists():
        pytest.skip("needs Linux's /proc to list the process's mappings")
    engine = Engine.create(tmp_path / "ix", batch_size=100)
    engine.add([{"id": str(i), "lang": "en", "title": f"report {i}",
                 "text": f"security summit talks budget{i % 7} " * 20} for i in range(300)])
    result = engine.search("security budget3", limit=10)
    assert result.hits and any(match for _, match in result.hits[0].snippet)
    folder = str((tmp_path / "ix").resolve())
    mapped = {line.split()[-1].rsplit("/", 1)[-1] for line in maps.read_text().splitlines()
              if folder in line}
    assert mapped, "the scoring arrays' small tables are expected to be mapped"
    assert all(name.endswith(".tda") for name in mapped), mapped


def test_the_mapped_tables_are_read_a_page_at_a_time_not_with_the_disks_read_ahead(tmp_path):
    smaps = Path("/proc/self/smaps")
    if not smaps.exists():
        pytest.skip("needs Linux's /proc to list the process's mappings and their flags")
    engine = Engine.create(tmp_path / "ix", batch_size=100)
    engine.add([{"id": str(i), "lang": "en", "title": f"report {i}", "text": f"summit talks {i}"}
                for i in range(200)])
    assert engine.search("summit").hits
    folder = str((tmp_path / "ix").resolve())
    flags, current = {}, None
    for line in smaps.read_text().splitlines():
        if line.startswith("VmFlags:"):
            if current:
                flags[current] = line.split()[1:]
        elif not line.split()[0].endswith(":"):  # a mapping's first line: its range and path
            current = line.split()[-1] if folder in line else None
    assert flags, "the scoring arrays' small tables are expected to be mapped"
    assert all("rr" in f for f in flags.values()), flags  # rr: the kernel's random-read hint


def test_warming_reads_every_file_of_a_disk_index_once(tmp_path):
    engine = Engine.create(tmp_path / "ix", batch_size=50)
    engine.add([{"id": str(i), "lang": "en", "title": f"report {i}", "text": f"budget talks {i}"}
                for i in range(120)])
    store = engine._store
    assert store.read_ahead() == store.size_bytes() > 0
    engine.warm()
    assert engine.search("budget").hits
    assert Engine.in_memory()._store.read_ahead() == 0


def test_warming_leaves_an_index_larger_than_half_the_available_memory_to_be_read_as_needed(
        tmp_path, monkeypatch):
    import index.store

    engine = Engine.create(tmp_path / "ix", batch_size=50)
    engine.add([{"id": str(i), "lang": "en", "title": f"report {i}", "text": f"budget talks {i}"}
                for i in range(120)])
    size = engine._store.size_bytes()
    monkeypatch.setattr(index.store, "available_memory", lambda: 2 * size - 2)
    assert engine._store.read_ahead() == 0
    monkeypatch.setattr(index.store, "available_memory", lambda: 2 * size)
    assert engine._store.read_ahead() == size


def test_the_memory_available_counts_the_file_cache_the_system_can_drop():
    from index.files import available_memory

    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        pytest.skip("needs Linux's /proc/meminfo")
    fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in meminfo.read_text().splitlines()}
    # Both read a moment apart: equal within what the system did in between.
    assert abs(available_memory() - fields["MemAvailable"]) < fields["MemTotal"] // 20
    assert available_memory() > fields["MemFree"] or fields["Cached"] < fields["MemTotal"] // 20


def test_merges_at_a_commit_bring_together_the_smallest_segments_up_to_a_bound(tmp_path, monkeypatch):
    from index.w3 import bulkwrite

    monkeypatch.setattr(bulkwrite, "MERGE_DOCS", 35)
    monkeypatch.setattr(bulkwrite, "MERGE_AT_ONCE", 3)
    engine = Engine.create(tmp_path / "ix")
    sizes = []
    for start in range(0, 70, 10):  # seven commits of ten documents
        engine.add([{"id": str(i), "lang": "en", "title": f"title {i}", "text": f"body {i}"}
                    for i in range(start, start + 10)])
        sizes.append(sorted(s.doc_count_all() for s in engine._store.ix._segments()))
    # Three segments of ten merge (with the commit's own ten); then no three small ones fit.
    assert sizes == [[10], [10, 10], [10, 10, 10], [40], [10, 40], [10, 10, 40], [10, 10, 10, 40]]
    assert engine.stats().documents == 70
    assert [h.id for h in engine.search("title 65").hits][:1] == ["65"]
