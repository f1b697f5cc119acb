"""Multilingual full-text search: ``from search import Engine``.

>>> from search import Engine
>>> with Engine.in_memory() as engine:
...     _ = engine.add([{"id": "a", "title": "Ядерная безопасность", "text": "...", "lang": "ru"}])
...     [hit.id for hit in engine.search("ядерной безопасности")]
['a']
"""

from index import (
    Document, DocumentError, IndexExists, IndexLocked, IndexNotFound, IndexReport,
    IndexVersionError, IndexWriteError, Progress, QueryError, ReadError, SearchError)
from index.limits import LIMITS, Limits
from search.engine import DocumentView, Engine, Hit, Results, Stats
from search.feed import atom
from search.ranking import SORTS
from search.weights import Weights

__all__ = [
    "LIMITS", "Document", "DocumentError", "DocumentView", "Engine", "Hit", "IndexExists",
    "IndexLocked", "IndexNotFound", "IndexReport", "IndexVersionError", "IndexWriteError",
    "Limits", "Progress", "QueryError", "ReadError", "Results", "SORTS", "SearchError", "Stats",
    "Weights", "atom",
]
__version__ = "0.1.0"
