"""`search serve --workers N`: several processes answering on one port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from search import Engine
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    return [int(p) for p in open(f"/proc/{pid}/task/{pid}/children").read().split()]


def _samples_index(tmp_path: Path) -> Path:
    index = tmp_path / "ix"
    with Engine.create(index) as engine:
        engine.index_paths([SAMPLES])
    return index


def _serve(index: Path, workers: str, **output: Any) -> tuple[subprocess.Popen, int]:
    """`search serve` on ``index`` with ``workers``, and its port."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "search.cli", "--index", str(index), "serve", "--port", str(port),
         "--workers", workers], cwd=ROOT, **output)
    return server, port


def _get(base: str, q: str) -> dict:
    url = f"{base}/api/search?{urllib.parse.urlencode({'q': q})}"
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


@pytest.mark.skipif(not hasattr(os, "fork") or not os.path.exists("/proc/self/task"),
                    reason="forked workers need fork() and Linux's /proc to be watched")
def test_two_workers_answer_on_one_port_and_stop_with_the_server(tmp_path):
    server, port = _serve(_samples_index(tmp_path), "2", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                data = _get(base, "an ninh hat nhan")
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server never answered: " + server.stderr.read1().decode())
        assert data["hits"] and data["hits"][0]["lang"] == "vi"
        workers = _children(server.pid)
        assert len(workers) == 2
        # Every request gets an answer, whichever worker takes it.
        answers = [_get(base, "ядерная безопасность") for _ in range(20)]
        assert all(a["hits"][0]["lang"] == "ru" for a in answers)
        # A worker that dies is replaced; the server keeps answering.
        os.kill(workers[0], signal.SIGKILL)
        for _ in range(100):
            now = _children(server.pid)
            if len(now) == 2 and workers[0] not in now:
                break
            time.sleep(0.1)
        assert len(now) == 2 and workers[0] not in now
        assert _get(base, "ядерная безопасность")["hits"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    for pid in workers[1:] + [p for p in now if p not in workers]:
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_says_it_is_serving_only_once_it_answers(tmp_path, workers):
    index = _samples_index(tmp_path)
    server, port = _serve(index, workers, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout.readline().startswith("Loading ")
        assert server.stdout.readline().startswith(f"Serving {index} at http://127.0.0.1:{port}/")
        # No waiting and no retry: by then the port is open and the index loaded.
        data = _get(f"http://127.0.0.1:{port}", "an ninh hat nhan")
        assert data["hits"] and data["hits"][0]["lang"] == "vi"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _two_workers_of_one_thread(tmp_path: Path) -> tuple[subprocess.Popen, int]:
    """`serve` on the samples with two workers of one thread each, and its port."""
    index = _samples_index(tmp_path)
    port = _free_port()
    code = ("import sys; from web.serve import serve; "
            "serve(sys.argv[1], '127.0.0.1', int(sys.argv[2]), workers=2, threads=1)")
    server = subprocess.Popen([sys.executable, "-c", code, str(index), str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server, port


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers need fork()")
def test_workers_of_a_single_thread_each_take_connections(tmp_path):
    server, port = _two_workers_of_one_thread(tmp_path)
    url = f"http://127.0.0.1:{port}/api/search?{urllib.parse.urlencode({'q': 'an ninh hat nhan'})}"
    try:
        answers = []
        deadline = time.monotonic() + 60
        while len(answers) < 4 and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    answers.append(json.load(r))
            except OSError:
                time.sleep(0.2)
        assert len(answers) == 4, "a worker with one thread never took a connection"
        assert all(a["hits"] and a["hits"][0]["lang"] == "vi" for a in answers)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers need fork()")
def test_connections_kept_alive_between_requests_do_not_keep_new_clients_out(tmp_path):
    import http.client

    server, port = _two_workers_of_one_thread(tmp_path)
    path = "/api/search?" + urllib.parse.urlencode({"q": "an ninh hat nhan"})
    held = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        # Each connection asks once and stays open, as a browser's do: two workers of one
        # thread each are then holding four times as many idle connections as threads.
        for _ in range(8):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            assert response.status == 200 and json.load(response)["hits"][0]["lang"] == "vi"
            assert response.getheader("Connection") != "close"
            held.append(conn)
        # The held connections still answer when they ask again.
        held[0].request("GET", path)
        assert held[0].getresponse().status == 200
    finally:
        for conn in held:
            conn.close()
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_a_missing_index_says_how_to_fill_it_instead_of_starting(tmp_path, workers):
    # The index is opened (and warmed) before the server listens, with one worker as with several.
    result = subprocess.run(
        [sys.executable, "-m", "search.cli", "--index", str(tmp_path / "none"), "serve", "--port",
         str(_free_port()), "--workers", workers],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "search index" in result.stderr, result.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_a_port_in_use_says_so(tmp_path, workers):
    from click.testing import CliRunner

    from search.cli import main

    with Engine.create(tmp_path / "ix") as engine:
        engine.index_paths([SAMPLES])
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["--index", str(tmp_path / "ix"), "serve", "--port",
                                           str(port), "--workers", workers])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output


_ARENAS_AFTER_THREADS = """
import ctypes, sys, threading
from web.serve import MALLOC_ARENAS, limit_malloc_arenas
if sys.argv[1] == "limited":
    assert limit_malloc_arenas(MALLOC_ARENAS)
held = []
together = threading.Barrier(8)
def allocate():
    together.wait()  # all alive at once, as a server's threads are
    held.append([bytearray(50_000) for _ in range(20)])
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
sys.stderr.flush()
ctypes.CDLL(None).malloc_stats()  # one "Arena N:" block per arena, on standard error
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc arenas")
def test_server_threads_share_at_most_two_malloc_arenas():
    def arenas(mode):
        out = subprocess.run([sys.executable, "-c", _ARENAS_AFTER_THREADS, mode],
                             capture_output=True, text=True, check=True)
        return out.stderr.count("Arena ")

    from web.serve import MALLOC_ARENAS

    assert arenas("limited") <= MALLOC_ARENAS == 2
    assert arenas("default") > 2  # without the cap each thread took an arena of its own


def test_serve_caps_the_malloc_arenas_before_its_threads_start(tmp_path, monkeypatch):
    import waitress

    from web import serve as serving

    Engine.create(tmp_path / "ix").close()
    calls = []
    monkeypatch.setattr(serving, "limit_malloc_arenas", lambda n: calls.append(("arenas", n)))

    class Server:
        def run(self) -> None:
            calls.append(("serve", None))

    monkeypatch.setattr(waitress, "create_server", lambda *a, **k: Server())
    assert serving.serve(str(tmp_path / "ix"), "127.0.0.1", 0)
    assert calls == [("arenas", serving.MALLOC_ARENAS), ("serve", None)]
