"""Per-document columns of one searcher, as numpy arrays: which documents live, each one's
language, each field's lengths and BM25 length norms. Built on first use, kept for the
searcher's life."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from index.fingerprint import near_duplicate_groups
from index.postings import TermPostings
from index.segments import Segments
from index.w3 import reading as w3


class DocumentColumns:
    """One value (or mask) per document of a searcher."""

    def __init__(self, segments: Segments, terms: TermPostings) -> None:
        self.segments = segments
        self.terms = terms
        self._alive: np.ndarray | None = None
        self._codes: dict[str, tuple[list[str], np.ndarray]] = {}
        self._having: dict[tuple[str, str], np.ndarray | None] = {}
        self._lengths: dict[str, np.ndarray] = {}
        self._field_lengths: dict[str, float] = {}
        self._norms: dict[tuple[str, float, float], np.ndarray] = {}
        self._months: tuple[list[str], np.ndarray] | None = None
        self._duplicates: np.ndarray | None = None
        self._copies: np.ndarray | None = None
        self._numbers: dict[str, np.ndarray] = {}

    @property
    def alive(self) -> np.ndarray:
        """True for every document that is not deleted."""
        if self._alive is None:
            alive = np.ones(self.segments.size, dtype=bool)
            for reader, offset in self.segments.leaves:
                if reader.has_deletions():
                    deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
                    alive[deleted + offset] = False
            self._alive = alive
        return self._alive

    def codes(self, fieldname: str) -> tuple[list[str], np.ndarray]:
        """For a one-value field (``lang``, ``datekey``, ``site``): its values, sorted, and each
        document's index in them.

        Documents without a value get -1.
        """
        if fieldname not in self._codes:
            values = sorted({t.decode("utf-8") for reader, _ in self.segments.leaves
                             for t in reader.lexicon(fieldname)})
            wide = len(values) >= np.iinfo(np.int16).max  # days over decades, many sites
            codes = np.full(self.segments.size, -1, dtype=np.int32 if wide else np.int16)
            for i, value in enumerate(values):
                ids, _ = self.terms.postings(fieldname, value)
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
            self._lengths[fieldname] = self._of_segments(
                lambda reader: w3.field_lengths(reader, fieldname), np.float32)
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
            found = self._field_lengths[fieldname] = float(self.segments.searcher.field_length(fieldname))
        return found

    def months(self) -> tuple[list[str], np.ndarray]:
        """The months documents are dated in (``2026-11``), in order, and each document's
        index in them (-1: no date)."""
        if self._months is None:
            days, codes = self.codes("datekey")
            months = sorted({day[:7] for day in days})
            where = {month: i for i, month in enumerate(months)}
            month_of_day = np.array([where[day[:7]] for day in days] + [-1], dtype=np.int32)
            self._months = (months, month_of_day[codes])  # a code of -1 picks the last: -1
        return self._months

    def near_duplicates(self) -> np.ndarray:
        """For each document, the first document of its group of near-duplicates (its own
        number when it has none; :mod:`index.fingerprint`). Deleted documents join no group."""
        if self._duplicates is None:
            fingerprints = self.numbers("simhash").copy()
            fingerprints[~self.alive] = 0
            self._duplicates = near_duplicate_groups(fingerprints)
        return self._duplicates

    def numbers(self, fieldname: str) -> np.ndarray:
        """A 64-bit number column (``simhash``, ``vkey``) of every document (0: none)."""
        if fieldname not in self._numbers:
            self._numbers[fieldname] = self._of_segments(
                lambda reader: w3.numbers(reader, fieldname), np.uint64)
        return self._numbers[fieldname]

    def _of_segments(self, read: Callable[[Any], np.ndarray], dtype: type) -> np.ndarray:
        """One value a document: ``read(reader)`` of each segment, placed at its offset."""
        out: np.ndarray = np.zeros(self.segments.size, dtype=dtype)
        for reader, offset in self.segments.leaves:
            out[offset:offset + reader.doc_count_all()] = read(reader)
        return out

    def copies(self) -> np.ndarray:
        """True for each document with a near-duplicate in the index (its group has two or more)."""
        if self._copies is None:
            groups = self.near_duplicates()
            self._copies = np.bincount(groups, minlength=len(groups))[groups] > 1
        return self._copies
