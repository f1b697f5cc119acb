"""Indexing on several cores: worker processes that each write a segment per commit.

Whoosh's multiprocess writer starts its processes anew for every commit and, at
the commit, takes whatever segments come back: a process that died (killed, out
of memory) or failed on a document is simply missing, and the commit goes ahead
without its documents, after deleting the versions they were to replace. Its
processes also wait for work forever once the indexing process is killed.

Here :class:`SegmentWorkers` are started once for an indexing run and write a
segment for each of its commits (keeping their analyzers' caches of lemmas and
spellings between commits); a worker that fails or dies makes the commit fail with
:class:`IndexWriteError`, so the last commit stays as it was; and workers end by
themselves when the process that started them is gone.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import queue
import threading
import time
from typing import Any, Callable

from index.w3.bulkwrite import BulkSegmentWriter, fewer_collections
from index.errors import IndexWriteError

#: The documents a worker is sent at a time.
CHUNK = 50
#: How much of a field's text the parent analyses before the workers fork.
_WARM_CHARS = 2000
#: How often a worker checks that the process that started it lives.
_PARENT_CHECK_SECONDS = 1.0

_STOP = "stop"


class SegmentWorkers:
    """``procs`` processes, each writing one segment of every commit's documents.

    ``open_index`` opens the index being written (the workers call it once per
    commit, to see its current state); ``options`` are the segment writers'. Start
    them with :meth:`start`, or let the first commit do it; :meth:`close` ends them.
    """

    def __init__(self, procs: int, open_index: Callable[[], Any], options: dict[str, Any]) -> None:
        self.procs = procs
        self._open_index = open_index
        self._options = options
        self._processes: list[Any] = []
        self._resume: list[Any] = []
        self._jobs: Any = None
        self._results: Any = None

    def start(self) -> None:
        if self._processes:
            return
        context = mp.get_context("fork")  # the analyzers, loaded or not, come without pickling
        self._jobs = context.Queue(self.procs * 4)
        self._results = context.Queue()
        self._resume = [context.Event() for _ in range(self.procs)]
        for resume in self._resume:
            process = context.Process(target=_work, daemon=True, args=(
                self._open_index, self._options, self._jobs, self._results, resume, os.getpid()))
            process.start()
            self._processes.append(process)

    def send(self, documents: list[dict[str, Any]]) -> None:
        """Documents for the current commit: whichever worker is free takes them."""
        if not self._processes:
            self._warm(documents)
        self.start()
        self._put(documents)

    def _warm(self, documents: list[dict[str, Any]]) -> None:
        """Analyses a little of each text field of the first documents here, before the
        workers fork: the models that loads (segmentation, lemma dictionaries) are then
        shared by every worker, copy-on-write, rather than loaded by each."""
        schema = self._open_index().schema
        seen: set[str] = set()
        for fields in documents:
            for name, value in fields.items():
                if name not in seen and isinstance(value, str) and name in schema and \
                        schema[name].analyzer is not None and schema[name].scorable:
                    seen.add(name)
                    try:
                        for _ in schema[name].analyzer(value[:_WARM_CHARS]):
                            pass
                    except Exception:  # only a head start: the worker meets the text again
                        pass

    def end(self) -> None:
        """Ends the commit's documents: each worker now writes its segment (see :meth:`segments`)."""
        for _ in self._processes:
            self._put(None)

    def _put(self, job: Any) -> None:
        while True:
            try:
                return self._jobs.put(job, timeout=1.0)
            except queue.Full:
                self._check_alive()

    def segments(self) -> list[Any]:
        """The segments the workers wrote for the commit :meth:`end` ended.

        Raises :class:`IndexWriteError` if a worker failed or died; its documents are lost
        to this commit, which must then be cancelled.
        """
        segments = []
        for _ in self._processes:
            kind, value = self._result()
            if kind == "error":
                self.terminate()
                raise IndexWriteError(f"an indexing process failed: {value}; the last commit is "
                                      "kept and stays searchable")
            if value is not None:
                segments.append(value)
        for resume in self._resume:  # every worker has answered: the next commit may begin
            resume.set()
        return segments

    def _result(self) -> tuple[str, Any]:
        while True:
            try:
                return self._results.get(timeout=1.0)
            except queue.Empty:
                self._check_alive()

    def _check_alive(self) -> None:
        dead = [p for p in self._processes if not p.is_alive()]
        if dead:
            code = dead[0].exitcode
            self.terminate()
            raise IndexWriteError(
                f"an indexing process ended with exit code {code} (out of memory?); the "
                "last commit is kept and stays searchable")

    def terminate(self) -> None:
        """Stops the workers at once, dropping whatever they hold; :meth:`start` begins anew."""
        for process in self._processes:
            process.terminate()
        self._reap()

    def close(self) -> None:
        """Ends the workers once they are idle (after :meth:`segments`)."""
        try:
            for _ in self._processes:
                self._jobs.put(_STOP, timeout=1.0)
            for process in self._processes:
                process.join(timeout=10)
        except queue.Full:  # still busy: stopped all the same
            pass
        self.terminate()

    def _reap(self) -> None:
        for process in self._processes:
            process.join()
            process.close()
        for q in (self._jobs, self._results):
            if q is not None:
                q.cancel_join_thread()  # documents still queued for a dead worker are dropped
                q.close()
        self._processes, self._resume, self._jobs, self._results = [], [], None, None

    def __enter__(self) -> "SegmentWorkers":
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.terminate()


def _work(open_index: Callable[[], Any], options: dict[str, Any], jobs: Any, results: Any,
          resume: Any, parent: int) -> None:
    """A worker's life: documents in, a segment out at the end of each commit.

    Having answered a commit's end, a worker waits for ``resume`` before it takes
    anything more: otherwise it could take the end meant for a slower worker, and the
    commit would go ahead without that worker's documents.
    """
    _end_with(parent)
    gc.freeze()  # what the process inherited is never collected here, nor copied by collecting it
    with fewer_collections():
        writer = None
        error = None
        while True:
            job = jobs.get()
            if job == _STOP:
                return
            if job is None:  # the commit: this worker's segment, or why there is none
                if error is not None:
                    results.put(("error", error))
                elif writer is None:
                    results.put(("segment", None))
                else:
                    try:
                        results.put(("segment", writer.finish_segment()))
                    except Exception as exc:
                        results.put(("error", f"{type(exc).__name__}: {exc}"))
                writer, error = None, None
                resume.wait()
                resume.clear()
                continue
            if error is not None:
                continue  # this commit fails; the rest of its documents are not worth writing
            try:
                if writer is None:
                    writer = BulkSegmentWriter(open_index(), _lk=False, **options)
                for fields in job:
                    writer.add_document(**fields)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"


def _end_with(parent: int) -> None:
    """Ends this process once the one that started it is gone.

    Nobody will ask for its segment then; and a parent killed while sending documents
    leaves a message cut short in the queue, which would keep a reader waiting forever.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()
