"""Where terms occur in a document: character spans, from the postings' stored offsets."""

from __future__ import annotations

from typing import Any

import numpy as np

from index import termdocs
from index.postings import TermPostings
from index.segments import Segments
from index.w3 import reading as w3

#: Occurrences of one term in one document kept for ranking and snippets: more say nothing new.
SPANS_PER_TERM = 64


class TermSpans:
    """Terms' character spans in one searcher's documents."""

    def __init__(self, segments: Segments, terms: TermPostings) -> None:
        self.segments = segments
        self.terms = terms

    def term_spans(self, docnum: int, terms: list[tuple[str, str]], per_term: int = SPANS_PER_TERM,
                   blocks: dict[tuple[int, int], Any] | None = None) -> list[tuple[int, int, str]]:
        """``(start, end, term)`` of the occurrences of ``(field, term)`` pairs in one document.

        The character offsets come from the postings (``chars=True`` fields): only
        the block holding the document is decoded, found through the segment's
        scoring arrays when the term has them. ``blocks`` keeps decoded blocks for
        the caller's next documents (one query's hits share the blocks of rare terms).
        """
        leaf = self.segments.leaf_of(docnum)
        if leaf < 0:
            return []
        spans: list[tuple[int, int, str]] = []
        for (fieldname, text), slots in zip(terms, self.terms.locate(terms)):
            if slots is None or slots[leaf] == termdocs.ABSENT:
                continue
            known = self.terms.cached(fieldname, text)
            # The term's postings in hand (a query ranks before it places and marks): where
            # the document is among them picks its block, unread.
            k = (_rank_in(known[0], docnum, int(self.segments.firsts[leaf]))
                 if known is not None and slots[leaf] >= 0 else None)
            for start, end in self._spans_in(leaf, docnum, fieldname, text, slots[leaf], k,
                                             blocks)[:per_term]:
                spans.append((start, end, text))
        return spans

    def ranks_in_segments(self, ids: np.ndarray, at: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Where each of ``docs`` is among a term's postings *in its own segment*, given
        where it is among all of them (``at`` in ``ids``, from :meth:`TermPostings.postings`)."""
        leaves = self.segments.firsts.searchsorted(docs, side="right") - 1
        return at - ids.searchsorted(self.segments.firsts)[leaves]

    def spans_at(self, docnum: int, fieldname: str, text: str, k: int,
                 blocks: dict[tuple[int, int], Any] | None = None) -> list[tuple[int, int]]:
        """``(start, end)`` of a term in one document, its ``k``-th posting in the document's
        segment (:meth:`ranks_in_segments`); the caller knows the document holds the term."""
        leaf = self.segments.leaf_of(docnum)
        slots = self.terms.slots(fieldname, text)
        if leaf < 0 or slots is None:
            return []
        return self._spans_in(leaf, docnum, fieldname, text, slots[leaf],
                              k if slots[leaf] >= 0 else None, blocks)[:SPANS_PER_TERM]

    def _spans_in(self, leaf: int, docnum: int, fieldname: str, text: str, slot: int,
                  k: int | None, blocks: dict[tuple[int, int], Any] | None) -> list[tuple[int, int]]:
        """Spans of a term in a document of segment ``leaf``, where :meth:`TermPostings.locate` put the term
        (``slot``); ``k``: the document's rank among the term's postings there, when known."""
        if slot == termdocs.ABSENT:
            return []
        reader, offset = self.segments.leaves[leaf]
        if k is not None:
            return w3.occurrences_at(reader, self.segments.termdocs[leaf], slot, k, docnum - offset,
                                   fieldname, blocks, leaf)
        tbytes = self.terms.term_key(fieldname, text)[0]  # type: ignore[index]
        return w3.occurrences(reader, self.segments.termdocs[leaf], slot, docnum - offset, fieldname, text,
                            tbytes, blocks, leaf)


def _rank_in(ids: np.ndarray, docnum: int, offset: int) -> int:
    """Where ``docnum`` is among a term's postings in its segment (``ids``: the term's
    postings in every segment, ascending; ``offset``: the segment's first document);
    -1 when the term is not in the document."""
    at = int(ids.searchsorted(docnum))
    if at >= len(ids) or ids[at] != docnum:
        return -1
    return at - int(ids.searchsorted(offset))


