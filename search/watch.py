"""Keeping an index current with folders as they change: ``search watch PATH...``.

The folders are indexed once (catching up with whatever changed while nothing watched),
then watched with watchdog (the operating system's file events: inotify, FSEvents,
ReadDirectoryChangesW). Once their files have been quiet for a moment, the folders are
indexed again: :meth:`Engine.index_paths` reads only new and changed files and removes the
documents of files gone, and each pass commits as a whole, so a search never sees half of
it and a watcher killed at any moment leaves what the next pass redoes.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Callable, Sequence

from search.engine import Engine, IndexReport

#: Seconds of quiet after the last change before the folders are indexed again.
QUIET_SECONDS = 1.0
#: The events that change what a folder holds.
_CHANGES = frozenset({"created", "modified", "deleted", "moved", "closed"})


class Watcher:
    """Indexes ``paths`` into ``engine`` now and again after every burst of changes."""

    def __init__(self, engine: Engine, paths: Sequence[str | os.PathLike[str]], *,
                 quiet: float = QUIET_SECONDS,
                 reported: Callable[[IndexReport], None] | None = None) -> None:
        self.engine = engine
        self.paths = [os.path.abspath(os.fspath(p)) for p in paths]
        self.quiet = quiet
        self.reported = reported or (lambda report: None)
        self._changed = threading.Event()
        self._last_change = 0.0

    def changed(self, *_: Any) -> None:
        """Note a change (watchdog calls it for every event)."""
        self._last_change = time.monotonic()
        self._changed.set()

    def run(self, stop: threading.Event | None = None) -> None:
        """Index, then watch until ``stop`` is set (or forever)."""
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        stop = stop or threading.Event()
        changed = self.changed

        class Changes(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                # Reading a file is an event too (opened, closed without writing): only
                # changes count, or every pass would start the next.
                kind = event.event_type
                if kind in _CHANGES and not (event.is_directory and kind == "modified"):
                    changed()

        handler = Changes()
        observer = Observer()
        for path in self.paths:
            observer.schedule(handler, path if os.path.isdir(path) else os.path.dirname(path),
                              recursive=True)
        observer.start()
        try:
            self.reported(self.engine.index_paths(self.paths))
            while not stop.is_set():
                if not self._changed.wait(timeout=0.2):
                    continue
                if time.monotonic() - self._last_change < self.quiet:
                    continue
                self._changed.clear()
                self.reported(self.engine.index_paths(self.paths))
        finally:
            observer.stop()
            observer.join()
