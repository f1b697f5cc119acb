"""Search by meaning, for results across languages: the query's vector against the index's
meaning vectors (:mod:`index.vectors`), nearest first.

Exact nearest neighbours with numpy: every document's mean vector is scored (int8, a block
at a time), and the nearest few hundred are scored again by their nearest passage. Fine
to a few hundred thousand documents (``bench/across.py`` measures where it slows).

Two things make a query find its story in another language. Every language's vectors lean
one way of their own, so the query's language's mean vector is taken from the query, and
each document's language's from the document (the score of a document is its nearness,
less the query's nearness to the mean of the document's language): what is left is what
the text says, not which language says it. And a few typed words make a weak vector, so
the query first moves towards the document its words find first (its own language's
telling of the story, mostly), which says the story whole; when that document holds half
the query's words or more, its vector stands for the query's, and the model is not run.

Meaning adds documents in the other languages only, placed among those its words find
(:meth:`search.ranking.Ranker.rank`). In the query's own language its words find what it
means better (on XQuAD's questions, meaning fused with words lost up to 0.013 of RR@10
there), and it is the other languages a reader asks for with the switch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from cachetools import LRUCache

from index.arrays import IndexArrays
from index.embedding import vector_docnums
from index.vectors import Embedder, Vectors, VectorStore

#: Query vectors kept for queries asked again.
QUERIES_KEPT = 256
#: Document vectors made float at a time, for the mean of each language.
BLOCK = 8192


class Meaning:
    """The meaning side of one index: its vector store, and the model that embeds queries."""

    def __init__(self, store: VectorStore) -> None:
        self.store = store
        self.embedder = Embedder()
        self._rows: _Rows | None = None
        #: Query vectors of the latest queries: the next page, the feed, a reload ask again.
        self._queries: LRUCache[str, np.ndarray] = LRUCache(maxsize=QUERIES_KEPT)

    def documents(self, arrays: IndexArrays) -> int:
        """How many live documents have meaning vectors."""
        return int((self._rows_of(arrays, self.store.load()).docnums >= 0).sum())

    def available(self, arrays: IndexArrays) -> bool:
        """Whether some live document has meaning vectors."""
        return bool((self._rows_of(arrays, self.store.load()).docnums >= 0).any())

    def query_vector(self, text: str) -> np.ndarray:
        """The vector of ``text`` as a query (kept for the next page, or a reload)."""
        vector = self._queries.get(text)
        if vector is None:
            vector = self._queries[text] = self.embedder.query(text)
        return vector

    def nearest(self, arrays: IndexArrays, text: str, depth: int, steer: Steering) -> Near | None:
        """The ``depth`` live documents nearest the query ``text`` in meaning, its vector
        moved as ``steer`` says; None when the index has no vectors."""
        vectors = self.store.load()
        rows = self._rows_of(arrays, vectors)
        live = rows.docnums >= 0
        if not live.any():
            return None
        led = rows.rows_of(steer.like)
        like = _mean_of(vectors, led)
        if like is not None and steer.leads:
            query = like
        else:
            query = _towards(self.query_vector(text), like, steer.feedback)
        lang = steer.lang or rows.language_of(led)
        query, shift = rows.centred(query, lang, steer.centring)
        found, _ = vectors.nearest(query, live, depth, shift)
        return Near(rows.docnums[found], lang)

    def _rows_of(self, arrays: IndexArrays, vectors: Vectors) -> "_Rows":
        cached = self._rows
        if cached is None or cached.arrays is not arrays or cached.vectors is not vectors:
            cached = self._rows = _Rows.of(arrays, vectors)
        return cached


@dataclass
class Near:
    """The documents nearest a query in meaning, best first (their numbers in the index's
    searcher), and the language the query is written in (None: unclear)."""

    docnums: np.ndarray
    lang: str | None


@dataclass
class Steering:
    """How a query's vector moves before the search by meaning: towards the mean vector of
    the documents ``like`` (their numbers) by ``feedback`` against 1 (with ``leads``, their
    vector is taken for the query's: they hold enough of its words), then away
    from the mean of its language ``lang`` (when unclear: the first of ``like``'s) by
    ``centring`` of it (and each document's from its own)."""

    like: np.ndarray
    leads: bool
    lang: str | None
    feedback: float
    centring: float


@dataclass
class _Rows:
    """For each row of an index's vectors: its document's number (-1: not live) and
    language (an index in ``languages``, -1: none); each language's mean vector."""

    arrays: IndexArrays
    vectors: Vectors
    docnums: np.ndarray
    langs: np.ndarray
    languages: list[str]
    means: np.ndarray

    @classmethod
    def of(cls, arrays: IndexArrays, vectors: Vectors) -> "_Rows":
        docnums = vector_docnums(arrays, vectors)
        languages, codes = arrays.columns.codes("alang")
        langs = np.where(docnums >= 0, codes[np.maximum(docnums, 0)] if len(codes) else -1, -1)
        means = np.zeros((len(languages), vectors.documents.shape[1]), dtype=np.float32)
        for start in range(0, len(langs), BLOCK):  # a block at a time: no float copy of all
            block = slice(start, start + BLOCK)
            rows = vectors.document_floats(block)
            for i in np.unique(langs[block][langs[block] >= 0]).tolist():
                means[i] += rows[langs[block] == i].sum(axis=0)
        counts = np.bincount(langs[langs >= 0], minlength=len(languages))
        means /= np.maximum(counts, 1)[:, None]
        return cls(arrays, vectors, docnums, langs.astype(np.int64), list(languages), means)

    def rows_of(self, docnums: np.ndarray) -> np.ndarray:
        """The rows of those of ``docnums`` (live documents' numbers) that have vectors, in
        the order of ``docnums``."""
        rows = np.nonzero(np.isin(self.docnums, docnums) & (self.docnums >= 0))[0]
        place = {docnum: i for i, docnum in enumerate(docnums.tolist())}
        return rows[np.argsort([place[d] for d in self.docnums[rows].tolist()], kind="stable")]

    def language_of(self, rows: np.ndarray) -> str | None:
        """The language of the first of ``rows`` that has one."""
        known = self.langs[rows][self.langs[rows] >= 0]
        return self.languages[int(known[0])] if len(known) else None

    def centred(self, query: np.ndarray, lang: str | None,
                centring: float) -> tuple[np.ndarray, np.ndarray | None]:
        """``query`` less ``centring`` of the mean of ``lang``, and what to take from each
        row's score for its own language's mean (None when there is nothing to take)."""
        if not centring or lang not in self.languages:
            return query, None
        moved = query - centring * self.means[self.languages.index(lang)]
        moved = (moved / max(float(np.linalg.norm(moved)), 1e-12)).astype(np.float32)
        nearness = centring * (self.means @ moved)
        return moved, np.where(self.langs >= 0, nearness[np.maximum(self.langs, 0)], 0.0)


def _mean_of(vectors: Vectors, rows: np.ndarray) -> np.ndarray | None:
    """The unit mean of the document vectors in ``rows``, or None when there are none."""
    if not len(rows):
        return None
    mean = vectors.document_floats(rows).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else None


def _towards(query: np.ndarray, mean: np.ndarray | None, feedback: float) -> np.ndarray:
    """``query`` moved towards ``mean`` by ``feedback`` against 1, a unit vector again."""
    if mean is None:
        return query
    moved = query + feedback * mean
    return (moved / np.linalg.norm(moved)).astype(np.float32)
