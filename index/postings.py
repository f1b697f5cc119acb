"""Terms' postings of one searcher, as numpy arrays.

Whoosh's matcher trees score one document at a time in Python; a query of many
words over tens of thousands of documents spends most of its time there. The
ranking in :mod:`search.ranking` scores a term at a time instead, over a term's
postings as document numbers and weights, read once and kept for the searcher's
life in a bounded cache.

Terms in more than one document of a segment come from that segment's scoring arrays
(:mod:`index.termdocs`); the rest from Whoosh's W3 codec blocks, read directly
(:mod:`index.w3.reading`); ``tests/test_index_postings.py`` checks the arrays
against Whoosh's own matchers.
"""

from __future__ import annotations

import threading

import numpy as np
from cachetools import LRUCache
from whoosh.query import Query

from index import termdocs
from index.segments import Segments
from index.w3 import reading as w3

#: Cached postings, in entries over all terms (12 bytes each: about 24 MB at most): a
#: query reads a common term's slices of its segments' arrays (index.termdocs) once.
_POSTINGS_BUDGET = 2_000_000
_TERM_KEYS = 50_000
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


class TermPostings:
    """Where terms are in each segment, and their postings over all of them."""

    def __init__(self, segments: Segments) -> None:
        self.segments = segments
        self._term_keys: dict[tuple[str, str], tuple[bytes, int]] = {}
        self._slots: dict[tuple[str, str], list[int]] = {}
        self._frequencies: dict[tuple[str, str], int] = {}
        #: Terms' postings, the least recently used dropped past a budget of entries.
        self._postings: LRUCache[tuple[str, str], tuple[np.ndarray, np.ndarray]] = LRUCache(
            _POSTINGS_BUDGET, getsizeof=lambda value: max(1, len(value[0])))
        self._lock = threading.Lock()  # the web server's threads share one cache

    def cached(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """A term's postings if they are in hand, without reading them."""
        with self._lock:
            return self._postings.get((fieldname, text))

    def slots(self, fieldname: str, text: str) -> list[int] | None:
        """Where one term is in every segment (see :meth:`locate`)."""
        found = self._slots.get((fieldname, text))
        return found if found is not None else self.locate([(fieldname, text)])[0]

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
        tbytes = self.term_key(fieldname, text)[0]  # type: ignore[index]
        parts = []
        for leaf, slot in enumerate(slots):
            if slot == termdocs.ABSENT:
                continue
            reader, offset = self.segments.leaves[leaf]
            found = (self.segments.termdocs[leaf].at(slot) if slot >= 0  # type: ignore[union-attr]
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
            tbytes = self.term_key(fieldname, text)[0]  # type: ignore[index]
            for leaf, slot in enumerate(slots):
                if slot >= 0:
                    total += self.segments.termdocs[leaf].count(slot)  # type: ignore[union-attr]
                elif slot == termdocs.NOT_HELD:
                    total += w3.doc_frequency(self.segments.leaves[leaf][0], fieldname, tbytes)
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
                term = self.term_key(*pair)
                if term is not None:
                    missing.append((pair, term[1]))
            found[pair] = slots
        if missing:
            hashes = [h for _, h in missing]
            unknown = [termdocs.NOT_HELD] * len(missing)  # a segment without arrays: ask Whoosh
            table = [unknown if tdocs is None else tdocs.find(hashes) for tdocs in self.segments.termdocs]
            if len(self._slots) + len(missing) > _TERM_KEYS:
                self._slots.clear()
            for (pair, _), held in zip(missing, zip(*table)):
                found[pair] = self._slots[pair] = list(held)
        return [found[pair] for pair in pairs]

    def term_key(self, fieldname: str, text: str) -> tuple[bytes, int] | None:
        """A term's bytes in the index and its :func:`termdocs.term_hash`; None for an unknown field.

        Kept for the searcher's life (up to a bound): a query asks for each term's
        postings and then its spans in every hit.
        """
        key = (fieldname, text)
        found = self._term_keys.get(key)
        if found is None:
            if fieldname not in self.segments.searcher.schema:
                return None
            tbytes = self.segments.searcher.schema[fieldname].to_bytes(text)
            found = (tbytes, termdocs.term_hash(fieldname, tbytes))
            if len(self._term_keys) >= _TERM_KEYS:
                self._term_keys.clear()
            self._term_keys[key] = found
        return found

    def matching(self, query: Query) -> np.ndarray:
        """A mask of the documents a Whoosh query matches (phrases, date ranges)."""
        mask = np.zeros(self.segments.size, dtype=bool)
        docs = list(self.segments.searcher.docs_for_query(query))
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
