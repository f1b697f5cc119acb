"""Postings and per-document columns of one searcher, as numpy arrays.

Whoosh's matcher trees score one document at a time in Python; a query of many
words over tens of thousands of documents spends most of its time there. The
ranking in :mod:`search.ranking` scores a term at a time instead, over these
arrays: a term's postings as document numbers and weights, a field's lengths
per document, each document's language. Arrays are built on first use and
kept for the searcher's life (postings in a bounded cache).

Terms in more than one document of a segment come from that segment's scoring arrays
(:mod:`index.termdocs`); the rest, and snippets' character offsets, from
Whoosh's W3 codec blocks, read directly (:mod:`index.w3.reading`);
``tests/test_index_postings.py`` checks the arrays against Whoosh's own matchers.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from cachetools import LRUCache
from whoosh.query import Query
from whoosh.searching import Searcher

from index import termdocs
from index.w3 import reading as w3

#: Cached postings, in entries over all terms (12 bytes each: about 24 MB at most): a
#: query reads a common term's slices of its segments' arrays (index.termdocs) once.
_POSTINGS_BUDGET = 2_000_000
_TERM_KEYS = 50_000
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
#: Occurrences of one term in one document kept for ranking and snippets: more say nothing new.
SPANS_PER_TERM = 64


class IndexArrays:
    """Numpy views of one :class:`whoosh.searching.Searcher`."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        #: Each segment's first document number, ascending: which segment holds a document.
        self.firsts = np.array([offset for _, offset in self.leaves], dtype=np.int64)
        self._termdocs = [w3.load_termdocs(reader) for reader, _ in self.leaves]
        self._term_keys: dict[tuple[str, str], tuple[bytes, int]] = {}
        self._slots: dict[tuple[str, str], list[int]] = {}
        self._frequencies: dict[tuple[str, str], int] = {}
        self.size = searcher.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}
        self._field_lengths: dict[str, float] = {}
        self._norms: dict[tuple[str, float, float], np.ndarray] = {}
        #: Terms' postings, the least recently used dropped past a budget of entries.
        self._postings: LRUCache[tuple[str, str], tuple[np.ndarray, np.ndarray]] = LRUCache(
            _POSTINGS_BUDGET, getsizeof=lambda value: max(1, len(value[0])))
        self._lock = threading.Lock()
        self._alive: np.ndarray | None = None
        #: Whether any document is deleted (else every document is alive).
        self.has_deletions = any(reader.has_deletions() for reader, _ in self.leaves)
        self._codes: dict[str, tuple[list[str], np.ndarray]] = {}
        self._having: dict[tuple[str, str], np.ndarray | None] = {}

    # -- per document ---------------------------------------------------------

    @property
    def alive(self) -> np.ndarray:
        """True for every document that is not deleted."""
        if self._alive is None:
            alive = np.ones(self.size, dtype=bool)
            for reader, offset in self.leaves:
                if reader.has_deletions():
                    deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
                    alive[deleted + offset] = False
            self._alive = alive
        return self._alive

    def codes(self, fieldname: str) -> tuple[list[str], np.ndarray]:
        """For a one-value field (``lang``, ``alang``): its values, and each document's index in them.

        Documents without a value get -1.
        """
        if fieldname not in self._codes:
            values = sorted({t.decode("utf-8") for reader, _ in self.leaves
                             for t in reader.lexicon(fieldname)})
            codes = np.full(self.size, -1, dtype=np.int16)
            for i, value in enumerate(values):
                ids, _ = self.postings(fieldname, value)
                codes[ids] = i
            self._codes[fieldname] = (values, codes)
        return self._codes[fieldname]

    def having(self, fieldname: str, value: str) -> np.ndarray | None:
        """For a one-value field: True for each document with ``value``; None when none has it."""
        key = (fieldname, value)
        if key not in self._having:
            values, codes = self.codes(fieldname)
            self._having[key] = codes == values.index(value) if value in values else None
        return self._having[key]

    def live_counts(self, fieldname: str) -> dict[str, int]:
        """Live documents per value of a one-value field (``alang``: documents per language)."""
        key = "#" + fieldname
        if key not in self._codes:
            values, codes = self.codes(fieldname)
            counts = np.bincount(codes[self.alive & (codes >= 0)], minlength=len(values))
            self._codes[key] = (values, counts)
        values, counts = self._codes[key]
        return {value: int(counts[i]) for i, value in enumerate(values)}

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in ``fieldname`` (as Whoosh stores it: one byte, approximate)."""
        if fieldname not in self._lengths:
            out = np.zeros(self.size, dtype=np.float32)
            for reader, offset in self.leaves:
                out[offset:offset + reader.doc_count_all()] = w3.field_lengths(reader, fieldname)
            self._lengths[fieldname] = out
        return self._lengths[fieldname]

    def length_norms(self, fieldname: str, b: float, average: float) -> np.ndarray:
        """BM25's length normalisation of each document in ``fieldname``:
        ``1 - b + b * length / average``, computed once for the searcher's life."""
        key = (fieldname, b, average)
        found = self._norms.get(key)
        if found is None:
            found = self._norms[key] = 1.0 - b + b * self.lengths(fieldname) / average
        return found

    def field_length(self, fieldname: str) -> float:
        """The total length of a field over every document (each segment's sum, added once)."""
        found = self._field_lengths.get(fieldname)
        if found is None:
            found = self._field_lengths[fieldname] = float(self.searcher.field_length(fieldname))
        return found

    # -- per term -------------------------------------------------------------

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (ascending, deleted ones included) and weights of a term."""
        key = (fieldname, text)
        with self._lock:  # the web server's threads share one cache
            cached = self._postings.get(key)
            if cached is not None:
                return cached
        slots = self.locate([key])[0]
        if slots is None:
            return _EMPTY
        tbytes = self._term_key(fieldname, text)[0]  # type: ignore[index]
        parts = []
        for leaf, slot in enumerate(slots):
            if slot == termdocs.ABSENT:
                continue
            reader, offset = self.leaves[leaf]
            found = (self._termdocs[leaf].at(slot) if slot >= 0  # type: ignore[union-attr]
                     else w3.dictionary_postings(reader, fieldname, text, tbytes))
            if found is not None:
                parts.append((found, offset))
        result = _joined(parts) if parts else _EMPTY
        if len(result[0]) <= _POSTINGS_BUDGET:  # a larger one is read again when asked for
            with self._lock:
                self._postings[key] = result
        return result

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """In how many documents a term occurs (deleted ones included), without its postings."""
        key = (fieldname, text)
        cached = self._frequencies.get(key)
        if cached is not None:
            return cached
        slots = self.locate([key])[0]
        total = 0
        if slots is not None:
            tbytes = self._term_key(fieldname, text)[0]  # type: ignore[index]
            for leaf, slot in enumerate(slots):
                if slot >= 0:
                    total += self._termdocs[leaf].count(slot)  # type: ignore[union-attr]
                elif slot == termdocs.NOT_HELD:
                    total += w3.doc_frequency(self.leaves[leaf][0], fieldname, tbytes)
        if len(self._frequencies) >= _TERM_KEYS:
            self._frequencies.clear()
        self._frequencies[key] = total
        return total

    def locate(self, pairs: list[tuple[str, str]]) -> list[list[int] | None]:
        """Where each ``(field, term)`` is in every segment: per segment, the term's index in
        its scoring arrays, or :data:`termdocs.NOT_HELD` (ask Whoosh's dictionary), or
        :data:`termdocs.ABSENT`; None for a field the index does not have.

        The terms not yet located are looked up together (:meth:`TermDocs.find`: one
        numpy search a segment): a query locates all its words at once, and its postings
        and spans then read the result (kept, like the term keys, up to a bound).
        """
        found: dict[tuple[str, str], list[int] | None] = {}
        missing: list[tuple[tuple[str, str], int]] = []
        for pair in pairs:
            if pair in found:
                continue
            slots = self._slots.get(pair)
            if slots is None:
                term = self._term_key(*pair)
                if term is not None:
                    missing.append((pair, term[1]))
            found[pair] = slots
        if missing:
            hashes = [h for _, h in missing]
            unknown = [termdocs.NOT_HELD] * len(missing)  # a segment without arrays: ask Whoosh
            table = [unknown if tdocs is None else tdocs.find(hashes) for tdocs in self._termdocs]
            if len(self._slots) + len(missing) > _TERM_KEYS:
                self._slots.clear()
            for (pair, _), held in zip(missing, zip(*table)):
                found[pair] = self._slots[pair] = list(held)
        return [found[pair] for pair in pairs]

    def _term_key(self, fieldname: str, text: str) -> tuple[bytes, int] | None:
        """A term's bytes in the index and its :func:`termdocs.term_hash`; None for an unknown field.

        Kept for the searcher's life (up to a bound): a query asks for each term's
        postings and then its spans in every hit.
        """
        key = (fieldname, text)
        found = self._term_keys.get(key)
        if found is None:
            if fieldname not in self.searcher.schema:
                return None
            tbytes = self.searcher.schema[fieldname].to_bytes(text)
            found = (tbytes, termdocs.term_hash(fieldname, tbytes))
            if len(self._term_keys) >= _TERM_KEYS:
                self._term_keys.clear()
            self._term_keys[key] = found
        return found

    def term_spans(self, docnum: int, terms: list[tuple[str, str]], per_term: int = SPANS_PER_TERM,
                   blocks: dict[tuple[int, int], Any] | None = None) -> list[tuple[int, int, str]]:
        """``(start, end, term)`` of the occurrences of ``(field, term)`` pairs in one document.

        The character offsets come from the postings (``chars=True`` fields): only
        the block holding the document is decoded, found through the segment's
        scoring arrays when the term has them. ``blocks`` keeps decoded blocks for
        the caller's next documents (one query's hits share the blocks of rare terms).
        """
        leaf = self.leaf_of(docnum)
        if leaf < 0:
            return []
        spans: list[tuple[int, int, str]] = []
        for (fieldname, text), slots in zip(terms, self.locate(terms)):
            if slots is None or slots[leaf] == termdocs.ABSENT:
                continue
            with self._lock:
                known = self._postings.get((fieldname, text))
            # The term's postings in hand (a query ranks before it places and marks): where
            # the document is among them picks its block, unread.
            k = (_rank_in(known[0], docnum, int(self.firsts[leaf]))
                 if known is not None and slots[leaf] >= 0 else None)
            for start, end in self._spans_in(leaf, docnum, fieldname, text, slots[leaf], k,
                                             blocks)[:per_term]:
                spans.append((start, end, text))
        return spans

    def leaf_of(self, docnum: int) -> int:
        """The segment that holds a document (its index in ``leaves``); -1 for none."""
        leaf = int(self.firsts.searchsorted(docnum, side="right")) - 1
        return leaf if 0 <= leaf and docnum < self.size else -1

    def ranks_in_segments(self, ids: np.ndarray, at: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Where each of ``docs`` is among a term's postings *in its own segment*, given
        where it is among all of them (``at`` in ``ids``, from :meth:`postings`)."""
        leaves = self.firsts.searchsorted(docs, side="right") - 1
        return at - ids.searchsorted(self.firsts)[leaves]

    def spans_at(self, docnum: int, fieldname: str, text: str, k: int,
                 blocks: dict[tuple[int, int], Any] | None = None) -> list[tuple[int, int]]:
        """``(start, end)`` of a term in one document, its ``k``-th posting in the document's
        segment (:meth:`ranks_in_segments`); the caller knows the document holds the term."""
        leaf = self.leaf_of(docnum)
        slots = self._slots.get((fieldname, text))
        if slots is None:
            slots = self.locate([(fieldname, text)])[0]
        if leaf < 0 or slots is None:
            return []
        return self._spans_in(leaf, docnum, fieldname, text, slots[leaf],
                              k if slots[leaf] >= 0 else None, blocks)[:SPANS_PER_TERM]

    def _spans_in(self, leaf: int, docnum: int, fieldname: str, text: str, slot: int,
                  k: int | None, blocks: dict[tuple[int, int], Any] | None) -> list[tuple[int, int]]:
        """Spans of a term in a document of segment ``leaf``, where :meth:`locate` put the term
        (``slot``); ``k``: the document's rank among the term's postings there, when known."""
        if slot == termdocs.ABSENT:
            return []
        reader, offset = self.leaves[leaf]
        if k is not None:
            return w3.occurrences_at(reader, self._termdocs[leaf], slot, k, docnum - offset,
                                   fieldname, blocks, leaf)
        tbytes = self._term_key(fieldname, text)[0]  # type: ignore[index]
        return w3.occurrences(reader, self._termdocs[leaf], slot, docnum - offset, fieldname, text,
                            tbytes, blocks, leaf)

    def docs_for(self, query: Query) -> np.ndarray:
        """A mask of the documents a Whoosh query matches (phrases, date ranges)."""
        mask = np.zeros(self.size, dtype=bool)
        docs = list(self.searcher.docs_for_query(query))
        if docs:
            mask[np.asarray(docs, dtype=np.int64)] = True
        return mask


def _joined(parts: list[tuple[tuple[np.ndarray, np.ndarray], int]]) -> tuple[np.ndarray, np.ndarray]:
    """Segments' (local document numbers, weights), shifted by their offsets, as one pair of
    arrays: each written once into its place."""
    total = sum(len(ids) for (ids, _), _ in parts)
    out_ids = np.empty(total, dtype=np.int64)
    out_weights = np.empty(total, dtype=np.float32)
    at = 0
    for (ids, weights), offset in parts:
        end = at + len(ids)
        np.add(ids, offset, out=out_ids[at:end], dtype=np.int64)
        out_weights[at:end] = weights
        at = end
    return out_ids, out_weights


def _rank_in(ids: np.ndarray, docnum: int, offset: int) -> int:
    """Where ``docnum`` is among a term's postings in its segment (``ids``: the term's
    postings in every segment, ascending; ``offset``: the segment's first document);
    -1 when the term is not in the document."""
    at = int(ids.searchsorted(docnum))
    if at >= len(ids) or ids[at] != docnum:
        return -1
    return at - int(ids.searchsorted(offset))


