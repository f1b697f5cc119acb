"""Files and memory of the machine: the file cache, durable renames, available memory."""

from __future__ import annotations

import os

#: How much :func:`read_through` reads at a time.
_CHUNK = 1 << 20


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


def fsync_dir(folder: str) -> None:
    """Make a rename in ``folder`` durable: its entry reaches the disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
