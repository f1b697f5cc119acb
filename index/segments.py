"""A searcher's segments: each one's reader, where its documents start, its scoring arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.searching import Searcher

from index.termdocs import TermDocs
from index.w3 import reading as w3


class Segments:
    """The segments of one :class:`whoosh.searching.Searcher`, in document order."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        #: Each segment's reader and first document number.
        self.leaves: list[tuple[Any, int]] = [(sub.reader(), offset)
                                              for sub, offset in searcher.leaf_searchers()]
        #: Each segment's first document number, ascending: which segment holds a document.
        self.firsts = np.array([offset for _, offset in self.leaves], dtype=np.int64)
        #: Each segment's scoring arrays (:mod:`index.termdocs`); None where it has none.
        self.termdocs: list[TermDocs | None] = [w3.load_termdocs(reader) for reader, _ in self.leaves]
        self.size: int = searcher.doc_count_all()
        #: Whether any document is deleted (else every document is alive).
        self.has_deletions = any(reader.has_deletions() for reader, _ in self.leaves)

    def leaf_of(self, docnum: int) -> int:
        """The segment that holds a document (its index in ``leaves``); -1 for none."""
        leaf = int(self.firsts.searchsorted(docnum, side="right")) - 1
        return leaf if 0 <= leaf and docnum < self.size else -1
