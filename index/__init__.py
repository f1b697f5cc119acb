"""Documents <-> the Whoosh index: schema, storage, readers of files, writing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.exports import lazy_exports
from index.errors import (
    BackendError, DocumentError, IndexExists, IndexLocked, IndexNotFound, IndexVersionError, IndexWriteError,
    QueryError, ReadError, SearchError)

if TYPE_CHECKING:
    from index.documents import Document
    from index.readers import EXTENSIONS, read_file
    from index.store import IndexStore
    from index.writing import IndexReport, Indexer, Progress

#: Where each heavier name lives: imported when first asked for, so that a submodule
#: (``index.errors``, ``index.limits``) comes without Whoosh and numpy.
_HOMES = {
    "Document": "index.documents", "EXTENSIONS": "index.readers", "read_file": "index.readers",
    "IndexStore": "index.store", "IndexReport": "index.writing", "Indexer": "index.writing",
    "Progress": "index.writing",
}

__all__ = [
    "BackendError", "Document", "DocumentError", "EXTENSIONS", "IndexExists", "IndexLocked", "IndexNotFound",
    "IndexReport", "IndexStore", "Progress", "IndexVersionError", "IndexWriteError", "Indexer", "QueryError",
    "ReadError", "SearchError", "read_file",
]

__getattr__, __dir__ = lazy_exports("index", _HOMES, globals())
