"""Reading index files without mapping them: by position, from several threads at once."""

from __future__ import annotations

import os
import threading

from whoosh.filedb.structfile import StructFile

#: How much :func:`read_through` reads at a time.
_CHUNK = 1 << 20


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


def read_through(path: str) -> int:
    """Read a file front to back once, which leaves it in the operating system's file cache;
    returns the bytes read (0 for a file that cannot be read, such as one just removed)."""
    chunk = bytearray(_CHUNK)
    total = 0
    try:
        with open(path, "rb", buffering=0) as f:
            while n := f.readinto(chunk):
                total += n
    except OSError:
        return 0
    return total


def available_memory() -> int:
    """Bytes of memory the system can give without swapping, the file cache it can drop
    included (psutil's ``available``: Linux's ``MemAvailable``)."""
    import psutil

    return int(psutil.virtual_memory().available)
