"""Files in, documents out: one module per kind of file, chosen by :data:`READERS`.

Every failure is the file's own: :func:`read_file` raises :class:`ReadError` with the
reason and the caller goes on with the next file. A part of a file that cannot be read
(a broken JSON line, undecodable bytes) is a warning, and the rest is read.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import io
import os
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterator

from index.documents import Document
from index.errors import DocumentError, ReadError
from index.limits import MAX_FILE_BYTES
from index.readers.html import read_html
from index.readers.records import read_json, read_jsonl
from index.readers.source import Source
from index.readers.text import read_markdown, read_plain

Reader = Callable[[Source], list[Document]]


@dataclass(frozen=True)
class _Imported:
    """A reader whose module is imported when a file of its kind is first read: a search
    never loads the e-mail, zip, XML and PDF machinery."""

    module: str
    name: str

    def __call__(self, source: Source) -> list[Document]:
        reader: Reader = getattr(importlib.import_module(self.module), self.name)
        return reader(source)


read_eml, read_mbox = (_Imported("index.readers.mail", name) for name in ("read_eml", "read_mbox"))
read_docx, read_odt, read_epub = (_Imported("index.readers.packages", name)
                                  for name in ("read_docx", "read_odt", "read_epub"))
read_pdf = _Imported("index.readers.pdf", "read_pdf")
read_rtf = _Imported("index.readers.rtf", "read_rtf")

#: The reader of each file name ending; ``NAME.gz`` is read as ``NAME`` once decompressed.
READERS: dict[str, Reader] = {
    ".txt": read_plain, ".md": read_markdown, ".markdown": read_markdown,
    ".html": read_html, ".htm": read_html, ".json": read_json, ".jsonl": read_jsonl,
    ".eml": read_eml, ".mbox": read_mbox, ".docx": read_docx, ".odt": read_odt, ".epub": read_epub,
    ".rtf": read_rtf, ".pdf": read_pdf,
}
COMPRESSED = {".json.gz": ".json", ".jsonl.gz": ".jsonl"}
#: File name endings that are read.
EXTENSIONS = tuple(READERS) + tuple(COMPRESSED)


@dataclass
class FileDocuments:
    """What one file holds: its documents, and warnings for parts that were skipped."""

    path: str
    sha: str
    documents: list[Document]
    warnings: list[str] = field(default_factory=list)
    unchanged: bool = False


def file_id(path: str) -> str:
    """A stable id for a document read from ``path`` (its absolute path, hashed)."""
    return hashlib.sha1(path.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def index_path(path: str) -> str:
    """``path`` as the index stores it: a file name that is not valid UTF-8 keeps its bad
    bytes as ``\\xNN`` (the file system hands them over as lone surrogates, which no index
    or page can hold)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def kind_of(path: str) -> str | None:
    """The :data:`READERS` key for ``path``, or ``None`` when no reader takes it."""
    name = path.lower()
    for ending, kind in COMPRESSED.items():
        if name.endswith(ending):
            return kind
    ext = os.path.splitext(name)[1]
    return ext if ext in READERS else None


def read_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES,
              known_sha: str | None = None) -> FileDocuments:
    """Read the documents in one file. Raises :class:`ReadError` with the reason.

    When the content hash equals ``known_sha`` the file is not parsed and the
    result says ``unchanged``. ``max_bytes`` bounds the file, and a compressed
    file's content.
    """
    real = os.path.abspath(os.fspath(path))
    p = index_path(real)
    kind = kind_of(real)
    if kind is None:
        raise ReadError(p, f"unsupported file type {os.path.splitext(p)[1] or '(none)'!r}: "
                           f"supported are {', '.join(EXTENSIONS)}")
    data = _read_bytes(real, p, max_bytes)
    sha = hashlib.sha1(data).hexdigest()
    if sha == known_sha:
        return FileDocuments(p, sha, [], unchanged=True)
    if real.lower().endswith(".gz"):
        data = _gunzip(data, p, max_bytes)
    source = Source(p, file_id(p), data)
    try:
        docs = READERS[kind](source)
        docs = [d.cleaned() for d in docs if d.title.strip() or d.text.strip()]
    except DocumentError as exc:
        raise ReadError(p, str(exc)) from exc
    except RecursionError as exc:
        raise ReadError(p, "nested too deeply to read") from exc
    if not docs:
        raise ReadError(p, "no text in it")
    return FileDocuments(p, sha, docs, source.warnings)


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 2**10:.1f} KiB"


def _too_big(p: str, size: int, max_bytes: int, what: str = "") -> ReadError:
    return ReadError(p, f"{what}{_size(size)} is over the {_size(max_bytes)} limit for one file: "
                        "split it, or raise the limit (--max-file-size)")


def _read_bytes(real: str, p: str, max_bytes: int) -> bytes:
    try:
        size = os.path.getsize(real)
        if size > max_bytes:
            raise _too_big(p, size, max_bytes)
        with open(real, "rb") as f:
            data = f.read(max_bytes + 1)
    except PermissionError as exc:
        raise ReadError(p, "permission denied: make it readable") from exc
    except OSError as exc:
        raise ReadError(p, exc.strerror or str(exc)) from exc
    if len(data) > max_bytes:  # it grew while we looked
        raise _too_big(p, len(data), max_bytes)
    return data


def _gunzip(data: bytes, p: str, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
            out = f.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ReadError(p, f"not a valid gzip file ({exc})") from exc
    if len(out) > max_bytes:
        raise _too_big(p, len(out), max_bytes, "uncompressed, over ")
    return out


@dataclass
class Found:
    """A file to read under one of the given ``root`` paths, or why a path was passed over:
    ``error`` (it cannot be read) or ``note`` (it was left out on purpose)."""

    path: str
    root: str
    error: ReadError | None = None
    note: str | None = None


def iter_files(paths: list[str | os.PathLike[str]], *, follow_links: bool = False) -> Iterator[Found]:
    """Every readable-looking file under ``paths`` (recursively), once, in a stable order.

    Hidden files and folders (``.name``) are left out. A symbolic link is followed when
    its target lies inside the folder being indexed, or always with ``follow_links``;
    loops are cut either way.
    """
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        root = os.path.abspath(os.fspath(given))
        if not os.path.exists(root):
            yield Found(root, root, ReadError(index_path(root), "no such file or folder"))
        elif not os.path.isdir(root):
            yield Found(root, root)
        else:
            yield from _walk(root, seen_dirs, follow_links)


def _walk(root: str, seen_dirs: set[tuple[int, int]], follow_links: bool) -> Iterator[Found]:
    inside = os.path.realpath(root).rstrip(os.sep) + os.sep
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                continue
            seen_dirs.add(key)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Found(folder, root, ReadError(index_path(folder), exc.strerror or str(exc)))
            continue
        subdirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_symlink() and not follow_links:
                    target = os.path.realpath(entry.path)
                    if not (target + os.sep).startswith(inside):
                        yield Found(entry.path, root, note=(
                            f"a link to {index_path(target)}, outside the folder: not followed "
                            "(--follow-links follows it)"))
                        continue
                if entry.is_dir():
                    subdirs.append(entry.path)
                elif entry.is_file() and kind_of(entry.name) is not None:
                    yield Found(entry.path, root)
            except OSError as exc:
                yield Found(entry.path, root, ReadError(index_path(entry.path), exc.strerror or str(exc)))
        stack.extend(reversed(subdirs))


def shown_path(path: str, root: str) -> str:
    """``path`` as people are shown it: relative to the folder it was found in."""
    return index_path(os.path.basename(path) if path == root else os.path.relpath(path, root))


__all__ = ["EXTENSIONS", "READERS", "FileDocuments", "Found", "Reader", "Source", "file_id",
           "index_path", "iter_files", "kind_of", "read_file", "shown_path"]
