"""Serving the web interface: waitress, in one process or several sharing one socket.

A search is CPU work in Python, so one process answers one query at a time
(see :meth:`search.Engine.search`). With ``workers`` above 1 the index and the
language models are loaded once, then the process forks and every worker serves
the same listening socket. The index's files are read through the operating
system's file cache, which holds them once for every process; of what is loaded,
what a worker does not write to stays shared with its parent (copy-on-write),
which Python's reference counts limit. (gunicorn was measured in place of the worker
loop below: bench/README.md says why it is not used.)
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import sys
import time
from typing import Any, Callable, Mapping

#: Threads a worker answers with. Its searches run one at a time (:meth:`search.Engine.search`),
#: so more threads only hold more requests inside one worker, where they contend for its lock
#: in no fair order, instead of waiting in the socket's queue for whichever worker frees up
#: first. Two let one page be written out while the next query runs. Under 20 clients
#: without pause on two workers, the slowest 1% took 1.45 times the median with 2 threads
#: and 1.60 times with 6 (five runs each, alternated; ``bench/load.py``).
THREADS = 2
#: A worker that exits by itself sooner than this after starting is not replaced: it would
#: again. One killed (the kernel out of memory, a signal) is.
MIN_LIFE = 5.0
#: glibc gives each new thread its own allocation arena (up to eight per core), and an
#: arena keeps what a search freed: with the server's threads that was a quarter of its memory.
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def serve(index: str, host: str, port: int, *, workers: int = 1, threads: int = THREADS,
          ready: Callable[[], None] | None = None, base_url: str | None = None,
          backend: Mapping[str, Any] | None = None) -> bool:
    """Serve ``index`` (or the cluster ``backend``: :meth:`search.Engine.connect`'s arguments)
    on ``host:port`` until interrupted or terminated; ``ready`` is called once the index is
    loaded and the port is open.

    Returns False when the workers could not keep running (each exited as it started).
    """
    import waitress

    from web import create_app

    limit_malloc_arenas(MALLOC_ARENAS)

    app = create_app({"INDEX": index, "BASE_URL": base_url, "BACKEND": backend})
    # Open the index, read its files into the file cache and load every analyzer it needs
    # before the first request: else the first searches wait for them. With several
    # workers this is done before forking, so that they share it rather than each loading
    # its own.
    app.extensions["search"].get().warm()
    if workers <= 1 or not hasattr(os, "fork"):
        logging.basicConfig()
        server = waitress.create_server(app, host=host, port=port, threads=threads, ident="search")
        if ready:
            ready()
        server.run()
        return True
    # What is loaded now stays out of the cycle collector's passes: a pass writes to every
    # object it visits, which would copy the shared pages into each worker.
    gc.collect()
    gc.freeze()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=1024)
    if ready:
        ready()
    return _Workers(lambda: _serve_when_free(app, listener, threads), workers).run()


def _serve_when_free(app: Any, listener: socket.socket, threads: int) -> None:
    """One worker: it takes a connection only while it has a thread free for it.

    The rest wait in the socket's queue for whichever worker frees up first, not behind
    one busy worker. A connection kept alive between requests takes no thread, so it
    does not count: browsers keep several open, and counting them left every worker
    refusing new clients while its threads sat idle. (This reads waitress's own server and
    connection attributes: the version is pinned in setup.cfg.)
    """
    from waitress.server import TcpWSGIServer

    class WhenFree(TcpWSGIServer):  # type: ignore[misc]
        def readable(self) -> bool:
            now = time.time()
            busy = sum(1 for channel in self.active_channels.values() if not _idle(channel, now))
            return bool(super().readable()) and busy < threads

    logging.basicConfig()
    sockinfo = (listener.family, listener.type, listener.proto, listener.getsockname())
    server = WhenFree(app, _sock=listener, bind_socket=False, sockinfo=sockinfo, sockets=[listener],
                      threads=threads, ident="search")
    server.print_listen("Serving on http://{}:{}")
    server.run()


#: Seconds after which a connection that has sent no whole request is not counted as
#: about to need a thread (a browser's speculative connection, a stalled client).
QUIET = 1.0


def _idle(channel: Any, now: float) -> bool:
    """Whether a connection needs none of the worker's threads: it has no request to answer
    and is waiting, after an answer or for long, for one it may never send."""
    if channel.requests or channel.total_outbufs_len:
        return False
    answered = channel.request is None and channel.last_activity > channel.creation_time
    return answered or now - channel.last_activity > QUIET


class _Workers:
    """Forked processes running ``target``; one that dies is replaced until the parent stops."""

    def __init__(self, target: Any, count: int) -> None:
        self.target = target
        self.count = count
        self.started: dict[int, float] = {}
        self.stopping = False
        self.failed = False

    @property
    def pids(self) -> list[int]:
        return list(self.started)

    def _spawn(self) -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                self.target()
            except BaseException:  # the parent sees only the exit status: say why here
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        self.started[pid] = time.monotonic()

    def _stop(self, *_: Any) -> None:
        self.stopping = True
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                self.started.pop(pid, None)

    def run(self) -> bool:
        """Start the workers and keep them running; False if they kept failing at once."""
        signal.signal(signal.SIGTERM, self._stop)
        for _ in range(self.count):
            self._spawn()
        try:
            while self.pids:
                try:
                    pid, status = os.wait()
                except ChildProcessError:
                    break
                except InterruptedError:
                    continue
                lived = time.monotonic() - self.started.pop(pid, 0.0)
                if self.stopping:
                    continue
                if lived < MIN_LIFE and not os.WIFSIGNALED(status):
                    print(f"worker {pid} ended at once ({_why(status)}): stopping the server",
                          file=sys.stderr, flush=True)
                    self.failed = True
                    self._stop()
                    continue
                print(f"worker {pid} ended ({_why(status)}); starting another",
                      file=sys.stderr, flush=True)
                self._spawn()
        except KeyboardInterrupt:
            self._stop()
            for pid in self.pids:
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
        return not self.failed


def limit_malloc_arenas(count: int) -> bool:
    """Cap glibc's malloc arenas at ``count`` for this process; False where it does not apply."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_ARENA_MAX, count))
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False


def _why(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}"
