"""Documents <-> the Whoosh index: schema, storage, readers of files, writing."""

from index.documents import Document
from index.errors import (
    DocumentError, IndexExists, IndexLocked, IndexNotFound, IndexVersionError, IndexWriteError,
    QueryError, ReadError, SearchError)
from index.readers import EXTENSIONS, read_file
from index.store import IndexStore
from index.writing import IndexReport, Indexer, Progress

__all__ = [
    "Document", "DocumentError", "EXTENSIONS", "IndexExists", "IndexLocked", "IndexNotFound",
    "IndexReport", "IndexStore", "Progress", "IndexVersionError", "IndexWriteError", "Indexer", "QueryError",
    "ReadError", "SearchError", "read_file",
]
