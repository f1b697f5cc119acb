"""Whoosh's file storage as the index uses it: durable files, files read from many threads,
an in-memory index with a temporary folder of its own."""

from __future__ import annotations

import os
import threading
from typing import Any

from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.filedb.structfile import StructFile

from index.files import fsync_dir


def _fsync(f: StructFile) -> None:
    raw = f.file
    if hasattr(raw, "flush"):
        raw.flush()
    if hasattr(raw, "fileno"):
        os.fsync(raw.fileno())


class DurableFileStorage(FileStorage):
    """A FileStorage whose files reach the disk before the commit that names them.

    Every file is fsynced as it is closed, and the folder after each rename, so
    the table of contents Whoosh renames into place last always points at data
    that is on disk.
    """

    def create_file(self, name: str, excl: bool = False, mode: str = "wb", **kwargs: Any) -> StructFile:
        kwargs.setdefault("onclose", _fsync)
        return super().create_file(name, excl, mode, **kwargs)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        return SharedFile(self._fpath(name), name=name)

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        super().rename_file(oldname, newname, safe)
        fsync_dir(self.folder)


class PrivateRamStorage(RamStorage):
    """RamStorage whose writers spill to a temporary folder of their own.

    Whoosh's RamStorage names that folder after the index (``/tmp/main.tmp``), so
    two processes with in-memory indexes would delete each other's sort runs.
    """

    def __init__(self) -> None:
        super().__init__()
        self._temp_folders: list[str] = []

    def temp_storage(self, name: str | None = None) -> FileStorage:
        import tempfile

        folder = tempfile.mkdtemp(prefix="search-ram-")
        self._temp_folders.append(folder)
        return FileStorage(folder).create()

    def remove_temp_folders(self) -> None:
        """Delete what Whoosh's column writer leaves behind (not in close(): readers call it)."""
        import shutil

        for folder in self._temp_folders:
            shutil.rmtree(folder, ignore_errors=True)
        self._temp_folders.clear()


class SharedFile(StructFile):
    """A read-only index file that several threads can read at once.

    Whoosh reads a plain file by seeking and reading one shared file object, so
    two threads of the web server searching at once read each other's bytes.
    Here each read names its own position (``pread``) and each thread keeps its
    own read position. The bytes pass through the operating system's file
    cache, shared between processes and given back under memory pressure; they
    are not mapped into the process, so its resident memory is its own.
    """

    #: What :meth:`peek` returns at most: the unpickler asks for far more than one entry needs.
    PEEK = 4096

    def __init__(self, path: str, name: str | None = None) -> None:
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self._size = os.fstat(self._fd).st_size
        self._local = threading.local()
        self.file = self
        self._name = name
        self.onclose = None
        self.is_closed = False
        self.is_real = False

    def _pos(self) -> int:
        return getattr(self._local, "pos", 0)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos(), 2: self._size}[whence]
        self._local.pos = base + offset
        return self._local.pos

    def tell(self) -> int:
        return self._pos()

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos()
        end = self._size if n is None or n < 0 else min(start + n, self._size)
        data = os.pread(self._fd, end - start, start) if end > start else b""
        self._local.pos = start + len(data)
        return data

    def peek(self, n: int = 1) -> bytes:
        start = self._pos()
        return os.pread(self._fd, max(1, min(n, self.PEEK, self._size - start)), start)

    def readline(self, limit: int = -1) -> bytes:
        start = self._pos()
        out = b""
        while limit < 0 or len(out) < limit:
            chunk = os.pread(self._fd, 256, start + len(out))
            if not chunk:
                break
            nl = chunk.find(b"\n")
            out += chunk if nl < 0 else chunk[:nl + 1]
            if nl >= 0:
                break
        if limit >= 0:
            out = out[:limit]
        self._local.pos = start + len(out)
        return out

    def get(self, position: int, length: int) -> bytes:
        return os.pread(self._fd, length, position)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        # The descriptor is closed with the object: another thread may still be reading.
        self.is_closed = True

    def __del__(self) -> None:
        fd, self._fd = getattr(self, "_fd", -1), -1
        if fd >= 0:
            os.close(fd)
