"""Multilingual full-text search: ``from search import Engine``.

>>> from search import Engine
>>> with Engine.in_memory() as engine:
...     _ = engine.add([{"id": "a", "title": "Ядерная безопасность", "text": "...", "lang": "ru"}])
...     [hit.id for hit in engine.search("ядерной безопасности")]
['a']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.exports import lazy_exports

if TYPE_CHECKING:
    from index import (
        BackendError, Document, DocumentError, IndexExists, IndexLocked, IndexNotFound, IndexReport,
        IndexVersionError, IndexWriteError, Progress, QueryError, ReadError, SearchError)
    from index.limits import LIMITS, Limits
    from search.engine import DocumentView, Engine, Hit, Results, Stats
    from search.feed import atom
    from search.weights import SORTS, Weights

#: Where each name lives: imported when first asked for, so that ``search --help`` and
#: a program that only imports the package do not wait for the index, numpy and the models.
_HOMES = {
    **dict.fromkeys(["BackendError", "Document", "DocumentError", "IndexExists", "IndexLocked",
                     "IndexNotFound", "IndexReport", "IndexVersionError", "IndexWriteError", "Progress",
                     "QueryError", "ReadError", "SearchError"], "index"),
    "LIMITS": "index.limits", "Limits": "index.limits",
    **dict.fromkeys(["DocumentView", "Engine", "Hit", "Results", "Stats"], "search.engine"),
    "atom": "search.feed", "SORTS": "search.weights", "Weights": "search.weights",
}

__all__ = [
    "BackendError", "LIMITS", "Document", "DocumentError", "DocumentView", "Engine", "Hit", "IndexExists",
    "IndexLocked", "IndexNotFound", "IndexReport", "IndexVersionError", "IndexWriteError",
    "Limits", "Progress", "QueryError", "ReadError", "Results", "SORTS", "SearchError", "Stats",
    "Weights", "atom",
]
__version__ = "0.1.0"

__getattr__, __dir__ = lazy_exports("search", _HOMES, globals())
