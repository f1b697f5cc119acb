"""Each segment's postings for scoring, as flat arrays in a file beside the segment.

Whoosh keeps a term's postings in zlib-compressed pickled blocks of 128, each
holding the positions and character offsets of every occurrence as well. A
query that scores a frequent syllable over tens of thousands of documents
spends most of its time decompressing and unpickling those blocks, to keep
only document numbers and frequencies. Here, once per segment, the postings of
every term with a block of its own (in at least ``MIN_DOCS`` documents; a term of
one document keeps its postings in the dictionary entry, :mod:`index.w3.codec`) are
copied out: document numbers and frequencies, each term's side by side (its
numbers, then its frequencies), so that a query reads a term's postings in a
segment with one read of the file. The bulk writers (:mod:`index.w3.bulkwrite`) write the file
with the segment, from the postings in hand; a segment without one (merged by
Whoosh's writer, or where writing it failed) gets it after the commit, read back
from its blocks.

Terms are keyed by a 64-bit hash of field and term. A Bloom filter over every
term of the segment answers "not here" for most of a query's words in most
segments without Whoosh's dictionary lookup, which a collection indexed in
parallel batches pays once per segment for every field of every word.

The file is named after its segment (``main_<segment>.tda``), so Whoosh deletes
it with the segment when segments are merged. It is written under a temporary
name and renamed into place; a missing or unreadable file only means the
segment's postings are decoded from Whoosh's blocks as before.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
from array import array
from typing import Any

import numpy as np

from index.w3.codec import INLINE_LIMIT
from index.w3.storage import SharedFile

MAGIC = b"SRCHTDA4"
SUFFIX = ".tda"
#: Terms in at least this many documents are in the arrays: every term with a block of its
#: own, those the codec does not inline. A rare word is in a few documents of several
#: segments: read from Whoosh's blocks it cost a block read in each (82 a query on 45,000
#: articles in 12 segments); in the arrays, all terms with a block of their own added 51 MB
#: there and took a tenth off the query time on those segments.
MIN_DOCS = INLINE_LIMIT
#: A term in fewer documents has a single postings block (index.w3.codec: segments written
#: before blocks shrank to 16 hold 64): where a segment has no arrays, its block is read directly.
ONE_BLOCK = 16
_ALIGN = 64


def file_name(segment: Any) -> str:
    """``main_<segment>.tda``: Whoosh's pattern for a segment's files, so it goes with the segment."""
    return f"{segment.segment_id()}{SUFFIX}"


_ARRAYS = ("keys", "starts", "bstarts", "bfirst", "boffsets", "bloom")
#: The postings: one array of bytes (:class:`_SideBySide`).
_POSTINGS = "postings"
_BLOOM_BITS_PER_TERM = 10
_BLOOM_PROBES = 3  # with 10 bits a term: about 1.7% of absent terms get through to Whoosh


#: :meth:`TermDocs.find` of a term the segment does not hold (its Bloom filter says so).
ABSENT = -2
#: :meth:`TermDocs.find` of a term the arrays do not hold that the segment may: of one
#: document (its postings are in its dictionary entry), or a Bloom filter's false positive.
NOT_HELD = -1


def term_hash(fieldname: str, tbytes: bytes) -> int:
    """A stable 64-bit key of one term of one field."""
    digest = hashlib.blake2b(fieldname.encode("utf-8") + b"\0" + tbytes, digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _bloom_bits(hashes: np.ndarray, nbits: int) -> np.ndarray:
    """The filter's bit numbers of each hash, one row per probe (double hashing)."""
    low = hashes & np.uint64(0xFFFFFFFF)
    step = (hashes >> np.uint64(32)) | np.uint64(1)
    return np.stack([(low + np.uint64(i) * step) % np.uint64(nbits) for i in range(_BLOOM_PROBES)])


class TermDocs:
    """The arrays of one segment: ``find`` gives terms' indexes, ``at`` a term's documents
    and frequencies.

    Terms are given as :func:`term_hash`. ``may_contain`` is False for a term the
    segment does not hold (True for all it holds, and a few it does not).
    ``block_at`` finds the Whoosh block that holds a document (where its
    positions and offsets are) without reading the blocks before it.
    """

    def __init__(self, arrays: dict[str, Any]) -> None:
        self.bloom = arrays["bloom"].data  # a memoryview: one byte read is a plain int
        self.nbits = len(self.bloom) * 8
        self.keys = arrays["keys"]
        self.starts = arrays["starts"]
        self.postings: _SideBySide = arrays[_POSTINGS]  # read a term at a time
        self.bstarts = arrays["bstarts"]    # per term: its first block in the two below
        self.bfirst = arrays["bfirst"]      # per block: index of its first posting in the term
        self.boffsets = arrays["boffsets"]  # per block: its position in the postings file

    def may_contain(self, h: int) -> bool:
        if not self.nbits:
            return False
        low, step, bloom = h & 0xFFFFFFFF, (h >> 32) | 1, self.bloom
        for i in range(_BLOOM_PROBES):
            bit = (low + i * step) % self.nbits
            if not bloom[bit >> 3] >> (bit & 7) & 1:
                return False
        return True

    def find(self, hashes: list[int]) -> list[int]:
        """Each term's index in the arrays (``hashes``: :func:`term_hash`), for many at once.

        :data:`ABSENT` where the segment does not hold the term, :data:`NOT_HELD` where
        it may but the arrays do not. The filter is probed in Python (a fraction of a
        microsecond a term); the terms it lets through are searched in one numpy call.
        """
        out = [ABSENT] * len(hashes)
        maybe = [j for j, h in enumerate(hashes) if self.may_contain(h)]
        if not maybe:
            return out
        for j in maybe:
            out[j] = NOT_HELD
        if len(self.keys):
            wanted = np.array([hashes[j] for j in maybe], dtype=np.uint64)
            at = np.searchsorted(self.keys, wanted)
            held = self.keys[np.minimum(at, len(self.keys) - 1)] == wanted
            for j, i, ok in zip(maybe, at.tolist(), held.tolist()):
                if ok:
                    out[j] = i
        return out

    def at(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and frequencies of the term at index ``i`` (from :meth:`find`)."""
        return self.postings.both(int(self.starts[i]), int(self.starts[i + 1]))

    def count(self, i: int) -> int:
        """In how many documents the term at index ``i`` is."""
        return int(self.starts[i + 1] - self.starts[i])

    def block_at(self, i: int, docnum: int) -> int:
        """The file position of the block of the term at index ``i`` that holds ``docnum``;
        -1 when ``docnum`` is not among the term's documents."""
        docs = self.postings.docs(int(self.starts[i]), int(self.starts[i + 1]))
        # The arrays' own searchsorted: numpy's function wrapper doubled the time of this
        # method, which placement calls for each candidate and word.
        k = int(docs.searchsorted(docnum))
        if k >= len(docs) or docs[k] != docnum:
            return -1
        return self.block_of(i, k)

    def block_of(self, i: int, k: int) -> int:
        """The file position of the block that holds the ``k``-th posting of the term at ``i``."""
        b0, b1 = int(self.bstarts[i]), int(self.bstarts[i + 1])
        # Most terms have one block (fewer than 64 documents in the segment).
        j = b0 if b1 - b0 == 1 else b0 + int(self.bfirst[b0:b1].searchsorted(k, side="right")) - 1
        return int(self.boffsets[j])


class _SideBySide:
    """Every term's postings in one run of bytes. A term's postings ``start`` to ``end`` begin
    at byte ``start`` times the width of one number and one frequency: their document
    numbers, then their frequencies.

    ``source`` is the file, read a term at a time without mapping it, or (an index in
    memory) the bytes themselves.
    """

    def __init__(self, source: SharedFile | np.ndarray, offset: int, doc_type: np.dtype,
                 freq_type: np.dtype) -> None:
        self._source = source
        self._offset = offset
        self.doc_type = doc_type
        self.freq_type = freq_type
        self.width = doc_type.itemsize + freq_type.itemsize

    def _bytes(self, start: int, length: int) -> Any:
        at = self._offset + start
        if isinstance(self._source, np.ndarray):
            return self._source[at:at + length]
        return self._source.get(at, length)

    def both(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and frequencies of postings ``start`` to ``end``: one read."""
        n = end - start
        data = self._bytes(start * self.width, n * self.width)
        split = n * self.doc_type.itemsize
        return (np.frombuffer(data, dtype=self.doc_type, count=n),
                np.frombuffer(data, dtype=self.freq_type, count=n, offset=split))

    def docs(self, start: int, end: int) -> np.ndarray:
        """Document numbers alone: the first part of the same bytes."""
        n = end - start
        return np.frombuffer(self._bytes(start * self.width, n * self.doc_type.itemsize),
                             dtype=self.doc_type, count=n)


class SegmentArrays:
    """The arrays of one segment, gathered term by term (in any order) and then written.

    Everything is appended to flat typed arrays rather than a NumPy array and two lists
    per term: each of those objects has its own overhead, paid for every frequent term of a
    segment at the moment the segment's postings are also held.
    """

    def __init__(self) -> None:
        self.every_term = array("Q")
        self.keys = array("Q")
        self.counts = array("Q")  # postings of each frequent term, in ``docs`` and ``freqs``
        self.docs = array("I")
        self.freqs = array("f")
        self.block_counts = array("Q")  # blocks of each frequent term, in ``offsets`` and ``firsts``
        self.offsets = array("q")
        self.firsts = array("i")

    def term(self, fieldname: str, tbytes: bytes) -> int:
        """Count a term of the segment (for the Bloom filter); returns its hash."""
        h = term_hash(fieldname, tbytes)
        self.every_term.append(h)
        return h

    def frequent(self, h: int, docs: Any, freqs: Any, offsets: list[int], firsts: list[int]) -> None:
        """A term with postings blocks: its documents, frequencies and blocks
        (each block's file position and the index of its first posting)."""
        self.keys.append(h)
        self.counts.append(len(docs))
        self.docs.extend(docs.tolist() if isinstance(docs, np.ndarray) else docs)
        self.freqs.extend(freqs.tolist() if isinstance(freqs, np.ndarray) else freqs)
        self.block_counts.append(len(offsets))
        self.offsets.extend(offsets)
        self.firsts.extend(firsts)

    def write(self, storage: Any, segment: Any) -> str:
        n_docs = segment.doc_count_all()
        doc_type = np.uint16 if n_docs <= np.iinfo(np.uint16).max + 1 else np.uint32
        keys = np.frombuffer(self.keys, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        nbits = max(64, -(-len(self.every_term) * _BLOOM_BITS_PER_TERM // 8) * 8)
        bits = np.zeros(nbits, dtype=bool)
        if self.every_term:
            bits[_bloom_bits(np.frombuffer(self.every_term, dtype=np.uint64), nbits).ravel()] = True
        bloom = np.packbits(bits, bitorder="little")
        postings, starts = _in_order(self.counts, order)
        docs = np.frombuffer(self.docs, dtype=np.uint32)[postings].astype(doc_type)
        freqs = np.frombuffer(self.freqs, dtype=np.float32)[postings]
        # Frequencies are whole counts; one byte holds them in almost every segment.
        freq_type = np.uint8 if not len(freqs) or freqs.max() <= 255 else np.uint16
        freqs = np.minimum(freqs, np.iinfo(np.uint16).max).astype(freq_type)
        blocks, bstarts = _in_order(self.block_counts, order)
        name = file_name(segment)
        _write(storage, name, {"keys": keys[order], "starts": _narrow(starts),
                               _POSTINGS: side_by_side(docs, freqs, starts),
                               "bstarts": _narrow(bstarts),
                               "bfirst": np.frombuffer(self.firsts, dtype=np.int32)[blocks],
                               "boffsets": _narrow(np.frombuffer(self.offsets, dtype=np.int64)[blocks]),
                               "bloom": bloom},
               {"postings_types": [docs.dtype.str, freqs.dtype.str]})
        return name


def _in_order(counts: array, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs laid end to end (``counts[t]`` items for term ``t``) put in ``order``: the
    index of each item in its new place, and where each term's run now starts."""
    sizes = np.frombuffer(counts, dtype=np.uint64).astype(np.int64)
    was = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=was[1:])
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes[order], out=starts[1:])
    # Item j of the new order belongs to term order[t]: it was at was[order[t]] + (j - starts[t]).
    index = np.repeat(was[:-1][order] - starts[:-1], sizes[order]) + np.arange(starts[-1], dtype=np.int64)
    return index, starts


def side_by_side(docs: np.ndarray, freqs: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The bytes :class:`_SideBySide` reads: for each term (its postings from ``starts[t]``
    to ``starts[t + 1]`` of ``docs`` and ``freqs``), its numbers and then its frequencies."""
    n = len(docs)
    out = np.empty(n * (docs.itemsize + freqs.itemsize), dtype=np.uint8)
    if not n:
        return out
    term = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    j = np.arange(n, dtype=np.int64)
    # Posting j of term t: its number goes after every byte of the terms before t and the
    # numbers of t's postings before j; its frequency after all of t's numbers and the
    # frequencies of t's postings before j.
    for values, where in ((docs, starts[term] * freqs.itemsize + j * docs.itemsize),
                          (freqs, starts[term + 1] * docs.itemsize + j * freqs.itemsize)):
        raw = np.ascontiguousarray(values).view(np.uint8).reshape(n, values.itemsize)
        for b in range(values.itemsize):
            out[where + b] = raw[:, b]
    return out


def _narrow(positions: np.ndarray) -> np.ndarray:
    """Ascending positions in 4 bytes each where they fit (almost every segment); the file
    records each array's type. These arrays are read on every query, so they stay
    in memory: 13 MB less over the 45,000 news articles."""
    if not len(positions) or int(positions.max()) <= np.iinfo(np.uint32).max:
        return positions.astype(np.uint32)
    return positions


def _write(storage: Any, name: str, arrays: dict[str, np.ndarray], meta: dict[str, Any],
           magic: bytes = MAGIC) -> None:
    """The file: ``magic``, the header (each array's type, size and place, and ``meta``),
    then the arrays, each aligned."""
    layout: dict[str, Any] = {}
    offset = 0
    for key, arr in arrays.items():
        layout[key] = [arr.dtype.str, int(arr.size), offset]
        offset += -(-arr.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({**layout, **meta}).encode("ascii")
    head_len = -(-(len(magic) + 4 + len(header)) // _ALIGN) * _ALIGN
    tmp = name + ".tmp"
    f = storage.create_file(tmp)
    try:
        f.write(magic)
        f.write(len(header).to_bytes(4, "little"))
        f.write(header)
        f.write(b"\0" * (head_len - len(magic) - 4 - len(header)))
        for arr in arrays.values():
            data = np.ascontiguousarray(arr).tobytes()
            f.write(data)
            f.write(b"\0" * (-(-len(data) // _ALIGN) * _ALIGN - len(data)))
    finally:
        f.close()
    storage.rename_file(tmp, name, safe=True)


def _mapped(path: str) -> mmap.mmap:
    """``path`` mapped for reading, a page at a time.

    A query touches a few pages of each table (a binary search, a bloom filter's bits).
    By default the kernel reads around each page it faults in, as much as the disk's
    read-ahead (8 MB on some virtual disks): from a cold file cache, opening the 45,000
    articles' index read all of its 12 segments' tables, 98 MB, and a query then 49 MB
    more; read a page at a time, 3 and 30 MB.
    """
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mapped, "madvise") and hasattr(mmap, "MADV_RANDOM"):
        mapped.madvise(mmap.MADV_RANDOM)
    return mapped


def load(storage: Any, name: str) -> TermDocs | None:
    """The arrays of one segment; None if the file is missing or unreadable.

    The tables that find a term and its blocks are memory-mapped: every query reads
    them. Document numbers and frequencies, most of the file, are read a term at a
    time (:class:`_SideBySide`), so a process serving queries does not hold them.
    """
    try:
        if not storage.file_exists(name):
            return None
        folder = getattr(storage, "folder", None)
        path = os.path.join(folder, name) if folder else None
        if path:
            # A plain array over the map: slicing a np.memmap builds a memmap object each
            # time, and a query slices these arrays thousands of times.
            raw: Any = np.frombuffer(_mapped(path), dtype=np.uint8)
        else:
            f = storage.open_file(name)
            try:
                raw = np.frombuffer(f.read(), dtype=np.uint8)
            finally:
                f.close()
        return _parsed(raw, path)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _parsed(raw: Any, path: str | None) -> TermDocs | None:
    """The arrays in a file's bytes (mapped), the postings read from ``path`` when it has one;
    None when the bytes are not such a file."""
    if bytes(raw[:len(MAGIC)]) != MAGIC:
        return None
    header_len = int.from_bytes(bytes(raw[len(MAGIC):len(MAGIC) + 4]), "little")
    start = len(MAGIC) + 4
    layout = json.loads(bytes(raw[start:start + header_len]).decode("ascii"))
    base = -(-(start + header_len) // _ALIGN) * _ALIGN
    arrays: dict[str, Any] = {}
    for key in _ARRAYS + (_POSTINGS,):
        dtype, size, offset = layout[key]
        dt = np.dtype(dtype)
        begin = base + offset
        end = begin + size * dt.itemsize
        if end > len(raw):
            return None
        if key == _POSTINGS:
            doc_type, freq_type = (np.dtype(t) for t in layout["postings_types"])
            arrays[key] = _SideBySide(SharedFile(path) if path else raw, begin, doc_type, freq_type)
        else:
            arrays[key] = raw[begin:end].view(dt)
    if not (len(arrays["starts"]) == len(arrays["bstarts"]) == len(arrays["keys"]) + 1):
        return None
    return TermDocs(arrays)
