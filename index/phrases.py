"""Phrase matching over word positions, in time that grows with the positions read, and
within a budget: a query never holds its worker for long, however large the documents.

Whoosh's own phrase matcher compares every occurrence of one word with every occurrence
of the next, document by document: a phrase of common words in a 1 MB document took it
33 s. Here each word's positions in a document are read once, and the phrase's words
are found side by side by shifting and intersecting sorted arrays.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from index.limits import MAX_PHRASE_POSITIONS, MAX_PHRASE_SECONDS

if TYPE_CHECKING:
    from index.arrays import IndexArrays

#: One word of a phrase: the ``(field, term)`` pairs that may stand in its place.
Word = list[tuple[str, str]]


@dataclass
class Budget:
    """What one query's phrase matching may still spend; ``cut`` once it ran out."""

    positions: int = MAX_PHRASE_POSITIONS
    seconds: float = MAX_PHRASE_SECONDS
    cut: bool = False
    _deadline: float = field(default=0.0, repr=False)

    def start(self) -> None:
        """The clock starts with the query's first phrase (once)."""
        if not self._deadline:
            self._deadline = time.monotonic() + self.seconds

    def spend(self, positions: int) -> bool:
        """Take ``positions`` from the budget; False (and ``cut``) once it is spent."""
        self.start()
        self.positions -= positions
        if self.positions < 0 or time.monotonic() > self._deadline:
            self.cut = True
        return not self.cut


def phrase_docs(arrays: IndexArrays, phrases: list[list[Word]], budget: Budget) -> np.ndarray:
    """A mask of the documents holding any of ``phrases``, each word right after the one
    before. Documents left unread when the budget runs out are not in the mask."""
    mask = np.zeros(arrays.size, dtype=bool)
    budget.start()
    for words in phrases:
        for fieldname in _fields(words):
            in_field = [[(f, t) for f, t in word if f == fieldname] for word in words]
            _match_in_field(arrays, fieldname, in_field, budget, mask)
    return mask


def _fields(words: list[Word]) -> list[str]:
    """Fields every word of the phrase has an alternative in, in the first word's order."""
    first = list(dict.fromkeys(f for f, _ in words[0]))
    return [f for f in first if all(any(g == f for g, _ in word) for word in words[1:])]


def _match_in_field(arrays: IndexArrays, fieldname: str, words: list[Word], budget: Budget,
                    mask: np.ndarray) -> None:
    holders = None
    for word in words:
        ids = np.unique(np.concatenate([arrays.terms.postings(f, t)[0] for f, t in word]))
        holders = ids if holders is None else np.intersect1d(holders, ids, assume_unique=True)
    if holders is None or not len(holders):
        return
    if arrays.segments.has_deletions:
        holders = holders[arrays.columns.alive[holders]]
    for reader, offset in arrays.segments.leaves:
        end = offset + reader.doc_count_all()
        local = holders[(holders >= offset) & (holders < end)] - offset
        if len(local) and not _match_in_segment(reader, fieldname, words, local, budget,
                                                mask[offset:end]):
            return


def _match_in_segment(reader: Any, fieldname: str, words: list[Word], docs: np.ndarray,
                      budget: Budget, mask: np.ndarray) -> bool:
    """Mark ``docs`` (segment numbers, ascending) that hold the phrase; False once the budget
    ran out."""
    cursors = [[_Cursor(reader, fieldname, text) for _, text in word] for word in words]
    for doc in docs.tolist():
        starts: np.ndarray | None = None
        read = 0
        for shift, word in enumerate(cursors):
            at = np.unique(np.concatenate([c.positions(doc) for c in word])) - shift
            read += len(at)
            starts = at if starts is None else np.intersect1d(starts, at, assume_unique=True)
            if not len(starts):
                break
        if starts is not None and len(starts):
            mask[doc] = True
        if not budget.spend(read):
            return False
    return True


class _Cursor:
    """One term's postings in one segment, read forward document by document."""

    def __init__(self, reader: Any, fieldname: str, text: str) -> None:
        self.matcher = reader.postings(fieldname, text) if (fieldname, text) in reader else None

    def positions(self, doc: int) -> np.ndarray:
        m = self.matcher
        if m is None or not m.is_active():
            return np.zeros(0, dtype=np.int64)
        if m.id() < doc:
            m.skip_to(doc)
        if not m.is_active() or m.id() != doc:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(m.value_as("positions"), dtype=np.int64)
