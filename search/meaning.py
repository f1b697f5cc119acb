"""Search by meaning, for results across languages: the query's vector against the index's
meaning vectors (:mod:`index.vectors`), nearest first.

Exact nearest neighbours with numpy: every document's mean vector is scored (int8, a block
at a time), and the nearest few hundred are scored again by their nearest passage. Fine
to a few hundred thousand documents (``bench/across.py`` measures where it slows).
"""

from __future__ import annotations

from typing import Any

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

    def documents(self, arrays: IndexArrays) -> int:
        """How many live documents have meaning vectors."""
        return int((self._docnums_of(arrays, self.store.load()) >= 0).sum())

    def nearest(self, arrays: IndexArrays, text: str, depth: int) -> np.ndarray | None:
        """The ``depth`` live documents nearest ``text`` in meaning, best first (their
        numbers in ``arrays``' searcher); None when the index has no vectors."""
        vectors = self.store.load()
        docnums = self._docnums_of(arrays, vectors)
        live = docnums >= 0
        if not live.any() or not text.strip():
            return None
        found, _ = vectors.nearest(self._query(text), live, depth)
        return docnums[found]

    def _query(self, text: str) -> np.ndarray:
        vector = self._queries.get(text)
        if vector is None:
            vector = self._queries[text] = self.embedder.query(text)
        return vector

    def _docnums_of(self, arrays: IndexArrays, vectors: Vectors) -> np.ndarray:
        cached = self._docnums
        if cached is None or cached[0] is not arrays or cached[1] is not vectors:
            cached = self._docnums = (arrays, vectors, vector_docnums(arrays, vectors))
        return cached[2]
