"""Search by meaning, for results across languages: the query's vector against the index's
meaning vectors (:mod:`index.vectors`), nearest first.

Exact nearest neighbours with numpy: every document's mean vector is scored (int8, a block
at a time), and the nearest few hundred are scored again by their nearest passage. Fine
to a few hundred thousand documents (``bench/across.py`` measures where it slows).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import numpy as np
from cachetools import LRUCache

from index.arrays import IndexArrays
from index.embedding import vector_docnums
from index.vectors import Embedder, Vectors, VectorStore

#: Query vectors kept for queries asked again.
QUERIES_KEPT = 256


class Meaning:
    """The meaning side of one index: its vector store, and the model that embeds queries."""

    def __init__(self, store: VectorStore) -> None:
        self.store = store
        self.embedder = Embedder()
        self._docnums: tuple[Any, Vectors, np.ndarray] | None = None
        #: Query vectors of the latest queries: the next page, the feed, a reload ask again.
        self._queries: LRUCache[str, np.ndarray] = LRUCache(maxsize=QUERIES_KEPT)
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def documents(self, arrays: IndexArrays) -> int:
        """How many live documents have meaning vectors."""
        return int((self._docnums_of(arrays, self.store.load()) >= 0).sum())

    def available(self, arrays: IndexArrays) -> bool:
        """Whether some live document has meaning vectors."""
        return bool((self._docnums_of(arrays, self.store.load()) >= 0).any())

    def embedding(self, text: str) -> Callable[[], np.ndarray]:
        """Start embedding ``text`` as a query, beside the caller's own work (the model runs
        outside Python's lock); the call returned waits for its vector."""
        kept = self._queries.get(text)
        if kept is not None:
            return lambda: kept
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-vector")
            future = self._pool.submit(self.embedder.query, text)

        def vector() -> np.ndarray:
            self._queries[text] = future.result()
            return self._queries[text]
        return vector

    def nearest(self, arrays: IndexArrays, query: np.ndarray, depth: int,
                like: np.ndarray | None = None, feedback: float = 0.0) -> np.ndarray | None:
        """The ``depth`` live documents nearest ``query`` (a vector) in meaning, best first
        (their numbers in ``arrays``' searcher); None when the index has no vectors. With
        ``like`` (document numbers), the query first moves towards their mean vector, by
        ``feedback`` against 1."""
        vectors = self.store.load()
        docnums = self._docnums_of(arrays, vectors)
        live = docnums >= 0
        if not live.any():
            return None
        if like is not None and len(like) and feedback:
            query = _towards(query, _mean_of(vectors, docnums, like), feedback)
        found, _ = vectors.nearest(query, live, depth)
        return docnums[found]

    def close(self) -> None:
        """Stop the thread that embeds queries (after the query under way)."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None

    def _docnums_of(self, arrays: IndexArrays, vectors: Vectors) -> np.ndarray:
        cached = self._docnums
        if cached is None or cached[0] is not arrays or cached[1] is not vectors:
            cached = self._docnums = (arrays, vectors, vector_docnums(arrays, vectors))
        return cached[2]


def _mean_of(vectors: Vectors, docnums: np.ndarray, like: np.ndarray) -> np.ndarray | None:
    """The unit mean of the document vectors of ``like`` (document numbers; ``docnums``:
    each vector row's), or None when none of them has vectors."""
    rows = np.nonzero(np.isin(docnums, like) & (docnums >= 0))[0]
    if not len(rows):
        return None
    mean = (vectors.documents[rows].astype(np.float32) * vectors.document_scales[rows, None]).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else None


def _towards(query: np.ndarray, mean: np.ndarray | None, feedback: float) -> np.ndarray:
    """``query`` moved towards ``mean`` by ``feedback`` against 1, a unit vector again."""
    if mean is None:
        return query
    moved = query + feedback * mean
    return (moved / np.linalg.norm(moved)).astype(np.float32)
