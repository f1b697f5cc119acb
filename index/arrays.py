"""Numpy views of one searcher, for ranking a term at a time (:mod:`search.ranking`)."""

from __future__ import annotations

from whoosh.searching import Searcher

from index.columns import DocumentColumns
from index.postings import TermPostings
from index.segments import Segments
from index.spans import TermSpans


class IndexArrays:
    """One searcher's segments, terms' postings, per-document columns and terms' spans."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.segments = Segments(searcher)
        self.terms = TermPostings(self.segments)
        self.columns = DocumentColumns(self.segments, self.terms)
        self.spans = TermSpans(self.segments, self.terms)
        #: How many documents the searcher holds, deleted ones included.
        self.size = self.segments.size
