"""The meaning-vector pass: embed every live document whose text has no vectors yet.

It reads the keyword index as committed (one searcher) and writes to the vector store only,
so it runs after an indexing run's commits, or beside searches, and may be stopped at any
moment: the next pass embeds what is missing. Vectors of documents since deleted or
changed are dropped by a compaction once they are a fifth of the store.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from index.arrays import IndexArrays
from index.vectors import PART_DOCUMENTS, Embedder, Vectors, VectorStore, make_part, passages

#: ``progress(done, total)``: documents embedded so far, of those missing.
EmbedProgress = Callable[[int, int], None]
#: Compact the store when this share of its documents is dead, or it has this many parts.
DEAD_SHARE = 0.2
MAX_PARTS = 64


@dataclass
class EmbedReport:
    """What a vector pass did."""

    embedded: int = 0
    passages: int = 0
    dropped: int = 0
    seconds: float = 0.0
    #: Live documents with vectors, after the pass.
    documents: int = 0
    #: True when another process was adding vectors to this index: this pass did nothing.
    busy: bool = False


def vector_docnums(arrays: IndexArrays, vectors: Vectors) -> np.ndarray:
    """For each document of ``vectors``, its number in ``arrays``' searcher; -1 where it is
    deleted, or its text is no longer what its vectors were made from."""
    if not len(vectors):
        return np.full(0, -1, dtype=np.int64)
    values, codes = arrays.columns.codes("id")
    if not values:
        return np.full(len(vectors), -1, dtype=np.int64)
    alive = np.nonzero(arrays.columns.alive & (codes >= 0))[0]
    docnum_of_value = np.full(len(values) + 1, -1, dtype=np.int64)
    docnum_of_value[codes[alive]] = alive
    names = np.array(values, dtype=str)
    where = np.minimum(np.searchsorted(names, vectors.ids), len(names) - 1)
    docnums = np.where(names[where] == vectors.ids, docnum_of_value[where], -1)
    keys = arrays.columns.numbers("vkey")
    return np.where((docnums >= 0) & (keys[np.maximum(docnums, 0)] == vectors.keys), docnums, -1)


def missing(arrays: IndexArrays, vectors: Vectors) -> np.ndarray:
    """The live documents (their numbers) without vectors for their text."""
    has = np.zeros(arrays.size, dtype=bool)
    docnums = vector_docnums(arrays, vectors)
    has[docnums[docnums >= 0]] = True
    return np.nonzero(arrays.columns.alive & ~has)[0]


def embed_missing(arrays: IndexArrays, store: VectorStore, embedder: Embedder, *,
                  progress: EmbedProgress | None = None,
                  stop: threading.Event | None = None) -> EmbedReport:
    """Embed the documents of ``arrays``' searcher that lack vectors, a part at a time."""
    started = time.perf_counter()
    report = EmbedReport()
    with store.writing() as mine:
        if not mine:
            report.busy = True
            return report
        todo = missing(arrays, store.load())
        for start in range(0, len(todo), PART_DOCUMENTS):
            if stop is not None and stop.is_set():
                break
            fields = [arrays.searcher.stored_fields(int(d)) for d in todo[start:start + PART_DOCUMENTS]]
            texts = [passages(f.get("title", ""), f.get("text", "")) for f in fields]
            keys = arrays.columns.numbers("vkey")[todo[start:start + PART_DOCUMENTS]]
            store.add(make_part([f["id"] for f in fields], [int(k) for k in keys], texts, embedder))
            report.embedded += len(fields)
            report.passages += sum(len(t) for t in texts)
            if progress is not None:
                progress(report.embedded, len(todo))
        report.dropped = _compact(arrays, store)
    docnums = vector_docnums(arrays, store.load())
    report.documents = int((docnums >= 0).sum())
    report.seconds = time.perf_counter() - started
    return report


def _compact(arrays: IndexArrays, store: VectorStore) -> int:
    vectors = store.load()
    live = vector_docnums(arrays, vectors) >= 0
    if (~live).sum() <= DEAD_SHARE * max(len(vectors), 1) and store.parts() <= MAX_PARTS:
        return 0
    return store.compact(live)
