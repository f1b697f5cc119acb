"""`search watch`: files added, edited, renamed and removed are reflected within seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from search import Engine
from tests.conftest import ROOT

#: How long a change may take to reach the index (the issue asks for 5 s).
WITHIN = 5.0


def _paths(index: Path, query: str) -> set[str]:
    with Engine.open(index) as engine:
        return {hit.path for hit in engine.search(query, fold=False, limit=100)}


def _eventually(index: Path, query: str, expected: set[str]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < WITHIN:
        try:
            if _paths(index, query) == expected:
                return time.monotonic() - started
        except Exception:  # the index is being created by the watcher
            pass
        time.sleep(0.1)
    raise AssertionError(f"{query!r} found {_paths(index, query)}, not {expected}, after {WITHIN} s")


def _watch(index: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "search.cli", "--index", str(index), "watch", str(folder),
         "--quiet-seconds", "0.3"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@contextmanager
def _watching(index: Path, folder: Path) -> Iterator[subprocess.Popen]:
    """`search watch` running on ``folder``, stopped as Ctrl+C stops it."""
    watcher = _watch(index, folder)
    try:
        yield watcher
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=30)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify's timing is what is measured")
def test_added_edited_renamed_and_removed_files_are_searchable_or_gone_within_seconds(tmp_path):
    folder, index = tmp_path / "news", tmp_path / "ix"
    folder.mkdir()
    (folder / "old.txt").write_text("Tin cũ\nHội nghị về an ninh hạt nhân năm ngoái.", encoding="utf-8")
    with _watching(index, folder):
        _eventually(index, "an ninh hạt nhân", {"old.txt"})
        (folder / "new.txt").write_text("Ядерная безопасность\nПереговоры продолжились.", encoding="utf-8")
        _eventually(index, "ядерная безопасность", {"new.txt"})
        (folder / "new.txt").write_text("Quokka census\nThe colony has grown.", encoding="utf-8")
        _eventually(index, "quokka", {"new.txt"})
        _eventually(index, "ядерная безопасность", set())
        os.rename(folder / "new.txt", folder / "renamed.txt")
        _eventually(index, "quokka", {"renamed.txt"})
        (folder / "old.txt").unlink()
        _eventually(index, "an ninh hạt nhân", set())


def test_a_watcher_killed_at_any_moment_loses_nothing_the_next_one_does_not_redo(tmp_path):
    folder, index = tmp_path / "news", tmp_path / "ix"
    folder.mkdir()
    for i in range(30):
        (folder / f"{i}.txt").write_text(f"Tin số {i}\nBản tin quokka số {i} về an ninh.", encoding="utf-8")
    watcher = _watch(index, folder)
    time.sleep(1.0)
    watcher.kill()  # perhaps mid-pass
    watcher.wait(timeout=30)
    (folder / "late.txt").write_text("Tin muộn\nBản tin quokka muộn.", encoding="utf-8")
    with _watching(index, folder):
        _eventually(index, "quokka", {f"{i}.txt" for i in range(30)} | {"late.txt"})


def test_serve_with_watch_answers_with_files_added_while_it_runs(tmp_path):
    import json
    import socket
    import urllib.parse
    import urllib.request

    folder, index = tmp_path / "news", tmp_path / "ix"
    folder.mkdir()
    (folder / "a.txt").write_text("Tin đầu\nHội nghị về an ninh hạt nhân.", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "search.cli", "--index", str(index), "serve", "--port", str(port),
         "--watch", str(folder)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def found(query: str) -> set[str]:
        url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": query})
        with urllib.request.urlopen(url, timeout=10) as response:
            return {hit["path"] for hit in json.load(response)["hits"]}

    try:
        for line in server.stdout:  # type: ignore[union-attr]
            if line.startswith("Serving"):
                break
        assert found("an ninh hạt nhân") == {"a.txt"}
        (folder / "b.txt").write_text("Ядерная безопасность\nПереговоры.", encoding="utf-8")
        started = time.monotonic()
        while found("ядерная безопасность") != {"b.txt"}:
            assert time.monotonic() - started < WITHIN, "the new file never reached the server"
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
