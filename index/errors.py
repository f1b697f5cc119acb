"""Every error the library raises: one base class, messages that name the value and the fix."""

from __future__ import annotations


class SearchError(Exception):
    """Base of every error this library raises on purpose."""


class IndexNotFound(SearchError):
    """No index at the given folder."""


class IndexExists(SearchError):
    """An index (or other files) already at a folder we were asked to create one in."""


class IndexVersionError(SearchError):
    """The index was written by an incompatible version; it must be rebuilt."""


class IndexLocked(SearchError):
    """Another process is writing to the index."""


class IndexWriteError(SearchError):
    """The index folder cannot be written (read-only, disk full ...)."""


class DocumentError(SearchError):
    """A document given to the library is malformed."""


class ReadError(SearchError):
    """A file could not be read as documents."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class BackendError(SearchError):
    """An OpenSearch cluster cannot be reached, refuses a request, or holds no such index."""


class QueryError(SearchError):
    """A query that cannot be run."""
