"""The index on disk: versioned, durable commits, one writer at a time."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from whoosh.index import EmptyIndexError, FileIndex, LockError
from whoosh.searching import Searcher

from index import termdocs
from index.errors import (
    IndexExists,
    IndexLocked,
    IndexNotFound,
    IndexVersionError,
    IndexWriteError,
)
from index.files import available_memory, fsync_dir, read_through
from index.parallel import CHUNK, SegmentWorkers
from index.schema import SCHEMA_VERSION, build_schema
from index.w3.bulkwrite import BulkMpWriter, BulkSegmentWriter, bounded_merge, whoosh_writer
from index.w3.codec import InliningCodec
from index.w3.reading import build_termdocs, segments
from index.w3.storage import DurableFileStorage, PrivateRamStorage
from index.vectors import FOLDER, VectorStore

META_FILE = "search-index.json"
VECTORS = FOLDER
FORMAT = "multilingual-search-index"
INDEX_NAME = "main"


#: Files of a Whoosh index named ``main``: its tables of contents, and its segments' files.
_TOC_FILE = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")
_SEGMENT_FILE = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.[A-Za-z0-9_.]+$")


def _write_meta(folder: Path, semantic: bool = False) -> None:
    tmp = folder / (META_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"format": FORMAT, "schema_version": SCHEMA_VERSION, "semantic": semantic}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / META_FILE)
    fsync_dir(str(folder))


def _was_semantic(meta: Path) -> bool:
    """Whether the index whose metadata is ``meta`` kept meaning vectors (False if none)."""
    try:
        return bool(json.loads(meta.read_text(encoding="utf-8")).get("semantic"))
    except (OSError, ValueError, AttributeError):
        return False


def _has_toc(folder: Path) -> bool:
    return any(_TOC_FILE.match(p.name) for p in folder.iterdir())


def _only_index_files(folder: Path) -> bool:
    """Whether every file in ``folder`` is one an index of ours writes."""
    own = {META_FILE, META_FILE + ".tmp", f"{INDEX_NAME}_WRITELOCK", VECTORS}
    return all(p.name in own or _TOC_FILE.match(p.name) or _SEGMENT_FILE.match(p.name)
               for p in folder.iterdir())


def _remove_orphans(ix: FileIndex) -> list[str]:
    """Remove the files no commit names: older tables of contents, segments of commits that
    never happened, half-written files. The caller holds the write lock."""
    storage = ix.storage
    generation = ix.latest_generation()
    live = {seg.segment_id() for seg in segments(ix)}
    removed = []
    spill = os.path.join(storage.folder, f"{INDEX_NAME}.tmp")  # Whoosh's merge spills here
    if os.path.isdir(spill):
        shutil.rmtree(spill, ignore_errors=True)
        removed.append(f"{INDEX_NAME}.tmp")
    for name in list(storage.list()):
        if name == f"{INDEX_NAME}.tmp":
            continue
        toc = _TOC_FILE.match(name)
        seg = _SEGMENT_FILE.match(name)
        if (toc and int(toc.group(1)) != generation) or (seg and seg.group(1) not in live) \
                or (seg and name.endswith(".tmp")):
            try:
                storage.delete_file(name)
                removed.append(name)
            except OSError:
                continue
    return removed


def _write_error(path: str, exc: OSError) -> IndexWriteError:
    if exc.errno == errno.ENOSPC:
        why = "the disk is full: free space"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "the folder cannot be written: check its permissions"
    else:
        why = f"{exc.strerror or exc}"
    return IndexWriteError(
        f"cannot write the index at {path}: {why}; the last commit is kept and stays searchable")


def _write_termdocs_in(path: str, segment_id: str) -> None:
    """One segment's scoring arrays, in a worker process."""
    try:
        ix = DurableFileStorage(path).open_index(indexname=INDEX_NAME)
        for seg in segments(ix):
            if seg.segment_id() == segment_id:
                build_termdocs(ix.storage, ix.schema, seg)
    except OSError:
        pass  # see IndexStore._write_termdocs


class IndexStore:
    """One Whoosh index (``ix``) in a folder, or in memory, with its metadata."""

    def __init__(self, ix: FileIndex, path: str | None, semantic: bool = False) -> None:
        self.ix = ix
        self.path = path
        #: Whether documents get meaning vectors too (kept in the metadata: later runs embed).
        self.semantic = semantic
        self.vectors = VectorStore(os.path.join(path, VECTORS) if path else None)
        self._searcher: Searcher | None = None
        self._searcher_lock = threading.Lock()

    def set_semantic(self, semantic: bool = True) -> None:
        """Keep (or stop keeping) meaning vectors for this index, from now on."""
        if self.path is not None and semantic != self.semantic:
            try:
                _write_meta(Path(self.path), semantic)
            except OSError as exc:
                raise _write_error(self.path, exc) from exc
        self.semantic = semantic

    # -- opening ------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, overwrite: bool = False,
               semantic: bool | None = None) -> "IndexStore":
        """A new, empty index in ``path``.

        The metadata file is written before the table of contents: a folder with a table
        of contents always says what it is. A folder holding only an index's own files (an
        index whose creation was cut short, by an older version too) is taken as an index.
        """
        folder = Path(path)
        meta = folder / META_FILE
        if semantic is None:
            semantic = _was_semantic(meta)
        if folder.exists() and not folder.is_dir():
            raise IndexExists(f"{folder} is a file, not a folder: choose another index path")
        if folder.exists() and any(folder.iterdir()):
            if not meta.exists() and not _only_index_files(folder):
                raise IndexExists(
                    f"{folder} is not empty and holds no index: choose an empty or new folder")
            if meta.exists() and not overwrite and _has_toc(folder):
                raise IndexExists(
                    f"an index already exists at {folder}: open it, or rebuild it (overwrite=True)")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            storage = DurableFileStorage(str(folder))
            with cls._lock(storage, str(folder), timeout=0.0):
                _write_meta(folder, semantic)
                ix = storage.create_index(build_schema(), indexname=INDEX_NAME)
                _remove_orphans(ix)
                shutil.rmtree(folder / VECTORS, ignore_errors=True)  # an older index's
        except OSError as exc:
            raise _write_error(str(folder), exc) from exc
        return cls(ix, str(folder), semantic)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> "IndexStore":
        folder = Path(path)
        meta = folder / META_FILE
        if not meta.exists():
            raise IndexNotFound(
                f"no index at {folder}: create one first (Engine.create, or `search index PATH`)")
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexVersionError(
                f"the index metadata {meta} cannot be read ({exc}): rebuild the index "
                "(`search index --rebuild PATH`)") from exc
        version = info.get("schema_version")
        if info.get("format") != FORMAT or version != SCHEMA_VERSION:
            raise IndexVersionError(
                f"the index at {folder} has schema version {version!r}, this version needs "
                f"{SCHEMA_VERSION}: rebuild it (`search index --rebuild PATH`)")
        storage = DurableFileStorage(str(folder))
        try:
            ix = storage.open_index(indexname=INDEX_NAME)
        except EmptyIndexError as exc:
            if _only_index_files(folder) and not any(_SEGMENT_FILE.match(p.name) for p in folder.iterdir()):
                # its creation was cut short before the first commit
                return cls.create(folder, semantic=bool(info.get("semantic")))
            raise IndexNotFound(
                f"the index at {folder} has no table of contents: rebuild it "
                "(`search index --rebuild PATH`)") from exc
        except OSError as exc:
            raise IndexNotFound(f"the index at {folder} cannot be read ({exc}): check its "
                                "permissions, or rebuild it (`search index --rebuild PATH`)") from exc
        store = cls(ix, str(folder), bool(info.get("semantic")))
        store.repair()
        return store

    @classmethod
    def in_memory(cls, semantic: bool = False) -> "IndexStore":
        return cls(PrivateRamStorage().create_index(build_schema(), indexname=INDEX_NAME), None,
                   semantic)

    # -- writing ------------------------------------------------------------

    def repair(self) -> bool:
        """Close what a process killed while writing left open: files of commits that never
        happened are removed, and a segment without its scoring arrays gets them.

        Done only when no other process is writing (else it is that writer's to finish), and
        only where the folder can be written; returns whether it ran.
        """
        if self.path is None or not os.access(self.path, os.W_OK):
            return False
        try:
            with self._lock(self.ix.storage, self.path, timeout=0.0):
                _remove_orphans(self.ix)
                self._write_termdocs(1)
        except (IndexLocked, OSError):
            return False
        return True

    @staticmethod
    @contextmanager
    def _lock(storage: Any, where: str, timeout: float) -> Iterator[None]:
        lock = storage.lock(INDEX_NAME + "_WRITELOCK")
        deadline = time.monotonic() + timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexLocked(
                    f"another process is writing to the index at {where}: wait for it to "
                    "finish, or give a longer lock timeout")
            time.sleep(0.1)
        try:
            yield
        finally:
            lock.release()

    @staticmethod
    def _writer_options(limitmb: int = 256) -> dict[str, Any]:
        # Segments stay plain files, not one compound file: Whoosh copies parts of
        # a compound file into memory when it opens it (2.4 GB for 45,000 articles).
        return {"limitmb": limitmb, "compound": False, "codec": InliningCodec()}

    def segment_workers(self, procs: int) -> SegmentWorkers:
        """Processes that write segments of this index for :meth:`writer`, kept across commits."""
        return SegmentWorkers(procs, lambda: self.ix.storage.open_index(INDEX_NAME),
                              self._writer_options())

    @contextmanager
    def writer(self, *, timeout: float = 0.0, procs: int = 1, limitmb: int = 256,
               merge_all: bool = False, workers: SegmentWorkers | None = None) -> Iterator[Any]:
        """A writer that commits on success and cancels on error.

        Waits up to ``timeout`` seconds for another writer to finish, then raises
        :class:`IndexLocked`. ``merge_all`` merges every segment into one at the commit.
        With ``procs`` > 1, ``workers`` (see :meth:`segment_workers`) write the documents,
        or processes started for this commit.
        """
        where = self.path or "memory"
        w = self._new_writer(timeout, procs, limitmb, merge_all, workers)
        try:
            try:
                yield w
            except BaseException:
                w.cancel()
                raise
            try:
                w.commit(optimize=True) if merge_all else w.commit(mergetype=bounded_merge)
            except OSError as exc:
                try:
                    w.cancel()
                except Exception:  # the writer may already be closed; the lock is what matters
                    pass
                raise _write_error(where, exc) from exc
            self._write_termdocs(procs)
        finally:
            # The column writer's sort runs are only needed until the segment is written.
            if isinstance(self.ix.storage, PrivateRamStorage):
                self.ix.storage.remove_temp_folders()

    def _new_writer(self, timeout: float, procs: int, limitmb: int, merge_all: bool,
                    workers: SegmentWorkers | None) -> Any:
        """The writer :meth:`writer` needs, once the lock is free (waiting up to ``timeout``)."""
        where = self.path or "memory"
        deadline = time.monotonic() + timeout
        options = self._writer_options(limitmb)
        while True:
            try:
                # Merging every segment takes Whoosh's own writer: its sorting pool spills
                # to disk, where the bulk writers hold a segment's postings in memory.
                if merge_all:
                    return whoosh_writer(self.ix, **options)
                # Several processes analyse and write a segment each; the segments are
                # kept as they are (multisegment), not merged, which would be serial again.
                if procs > 1:
                    owned = workers is None
                    return BulkMpWriter(self.ix, workers or self.segment_workers(procs), owned,
                                        batchsize=CHUNK, **options)
                return BulkSegmentWriter(self.ix, **options)
            except LockError:
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"another process is writing to the index at {where}: wait for it "
                        "to finish, or give a longer lock timeout") from None
                time.sleep(0.2)
            except OSError as exc:
                raise _write_error(where, exc) from exc

    def segment_count(self) -> int:
        return len(segments(self.ix))

    def _write_termdocs(self, procs: int) -> None:
        """Flat scoring arrays for every segment that has none yet (see :mod:`index.termdocs`).

        Runs after the commit, so a crash here loses nothing: a segment without
        its arrays is read from Whoosh's blocks, and the next commit writes them.
        """
        storage = self.ix.storage
        todo = [seg for seg in segments(self.ix)
                if not storage.file_exists(termdocs.file_name(seg))]
        if not todo:
            return
        # The commit has succeeded: a failure here (a full disk, a segment a newer
        # writer has already merged away) only leaves that segment on the slower path.
        if procs > 1 and self.path is not None and len(todo) > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(min(procs, len(todo))) as pool:
                list(pool.map(_write_termdocs_in, [self.path] * len(todo),
                              [seg.segment_id() for seg in todo]))
            return
        for seg in todo:
            try:
                build_termdocs(storage, self.ix.schema, seg)
            except OSError:
                continue

    # -- reading ------------------------------------------------------------

    def searcher(self) -> Searcher:
        """A searcher on the last commit, refreshed when a newer one exists."""
        with self._searcher_lock:
            try:
                return self._current_searcher()
            except EmptyIndexError as exc:
                raise IndexNotFound(
                    f"the index at {self.path} has lost its table of contents: rebuild it "
                    "(`search index --rebuild PATH`)") from exc

    def _current_searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = self.ix.searcher()
        elif not self._searcher.up_to_date():
            # A fresh searcher, not Searcher.refresh(): its segment reuse fails on some
            # readers. The old one is left to the garbage collector, not closed: another
            # thread may still be reading from it.
            self._searcher = self.ix.searcher()
        return self._searcher

    def read_ahead(self) -> int:
        """Read the index's files once, front to back, into the operating system's file cache;
        returns the bytes read (0 for an index in memory, or one larger than half the memory
        available).

        Queries read small pieces at scattered places: from a cold cache each is a disk
        read of its own. On the 45,000 news articles the first 300 queries took 73 ms each
        (median) from a cold cache, against 15 ms warm; the whole index reads in seconds.
        """
        if self.path is None:
            return 0
        available = available_memory()
        if available and self.size_bytes() > available // 2:
            return 0
        # A file a commit has just replaced is skipped: the next search reads the new one.
        return sum(read_through(str(p)) for p in Path(self.path).iterdir() if p.is_file())

    def size_bytes(self) -> int:
        """The keyword index's files and the meaning vectors, in bytes."""
        if self.path is None:
            return 0
        keyword = sum(p.stat().st_size for p in Path(self.path).iterdir() if p.is_file())
        return keyword + self.vectors.size_bytes()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self.ix.close()
        if isinstance(self.ix.storage, PrivateRamStorage):
            self.ix.storage.remove_temp_folders()
