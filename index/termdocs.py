"""Each segment's postings for scoring, as flat arrays in a file beside the segment.

Whoosh keeps a term's postings in zlib-compressed pickled blocks of 128, each
holding the positions and character offsets of every occurrence as well. A
query that scores a frequent syllable over tens of thousands of documents
spends most of its time decompressing and unpickling those blocks, to keep
only document numbers and frequencies. Here, once per segment (after the
commit that wrote it), the postings of every term that spans more than one
block are copied out as two arrays: document numbers and frequencies. A query
slices them from a memory-mapped file.

The file is named after its segment (``main_<segment>.tda``), so Whoosh deletes
it with the segment when segments are merged. It is written under a temporary
name and renamed into place; a missing or unreadable file only means the
segment's postings are decoded from Whoosh's blocks as before.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

MAGIC = b"SRCHTDA2"
SUFFIX = ".tda"
#: Terms in fewer documents than this are read from Whoosh's blocks: one block, cheap.
MIN_DOCS = 64
_ALIGN = 64


def file_name(segment: Any) -> str:
    """``main_<segment>.tda``: Whoosh's pattern for a segment's files, so it goes with the segment."""
    return f"{segment.segment_id()}{SUFFIX}"


_ARRAYS = ("keys", "starts", "docs", "freqs", "bstarts", "bfirst", "boffsets")


class TermDocs:
    """The arrays of one segment: ``lookup(offset)`` gives a term's documents and frequencies.

    Terms are found by the offset of their postings in Whoosh's postings file,
    which Whoosh's own term lookup gives. ``block_of`` finds the Whoosh block
    that holds a document (where its positions and offsets are) without
    reading the blocks before it.
    """

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.keys = arrays["keys"]
        self.starts = arrays["starts"]
        self.docs = arrays["docs"]
        self.freqs = arrays["freqs"]
        self.bstarts = arrays["bstarts"]    # per term: its first block in the two below
        self.bfirst = arrays["bfirst"]      # per block: index of its first posting in the term
        self.boffsets = arrays["boffsets"]  # per block: its position in the postings file

    def _index(self, offset: int) -> int | None:
        i = int(np.searchsorted(self.keys, offset))
        if i >= len(self.keys) or int(self.keys[i]) != offset:
            return None
        return i

    def lookup(self, offset: int) -> tuple[np.ndarray, np.ndarray] | None:
        i = self._index(offset)
        if i is None:
            return None
        start, end = int(self.starts[i]), int(self.starts[i + 1])
        return self.docs[start:end], self.freqs[start:end]

    def block_of(self, offset: int, docnum: int) -> int | None:
        """The file position of the block of term ``offset`` that holds ``docnum``; None if none does."""
        i = self._index(offset)
        if i is None:
            return None
        start, end = int(self.starts[i]), int(self.starts[i + 1])
        docs = self.docs[start:end]
        k = int(np.searchsorted(docs, docnum))
        if k >= len(docs) or int(docs[k]) != docnum:
            return None
        b0, b1 = int(self.bstarts[i]), int(self.bstarts[i + 1])
        j = b0 + int(np.searchsorted(self.bfirst[b0:b1], k, side="right")) - 1
        return int(self.boffsets[j])


def decode_blocks(matcher: Any, block_offsets: list[int] | None = None,
                  block_first: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All document numbers and frequencies of a W3 leaf matcher, a block at a time.

    With the two lists given, appends each block's file position and the index
    of its first posting.
    """
    ids: list[np.ndarray] = []
    freqs: list[np.ndarray] = []
    position = matcher._baseoffset
    first = 0
    while matcher.is_active():
        if block_offsets is not None and block_first is not None:
            block_offsets.append(position)
            block_first.append(first)
        position = matcher._nextoffset
        matcher._read_data()
        block_ids, block_weights = matcher._data[0], matcher._data[1]
        # Whoosh stores each block's ids as differences from the previous one (from 0).
        ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))
        n = len(block_ids)
        first += n
        if block_weights is None:
            freqs.append(np.ones(n, dtype=np.float32))
        elif isinstance(block_weights, float):
            freqs.append(np.full(n, block_weights, dtype=np.float32))
        else:
            freqs.append(np.asarray(block_weights, dtype=np.float32))
        matcher._next_block()
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(freqs)


def build(storage: Any, schema: Any, segment: Any) -> str | None:
    """Write the arrays of one segment; returns the file's name (None: Whoosh's own codec isn't W3)."""
    from whoosh.reading import SegmentReader

    reader = SegmentReader(storage, schema, segment)
    try:
        terms = reader._terms
        if not hasattr(terms, "_postfile") or not hasattr(terms, "items"):
            return None
        codec = terms._codec
        keys: list[int] = []
        counts: list[int] = []
        doc_parts: list[np.ndarray] = []
        freq_parts: list[np.ndarray] = []
        block_counts: list[int] = []
        block_offsets: list[list[int]] = []
        block_firsts: list[list[int]] = []
        for (fieldname, tbytes), info in terms.items():
            if info.is_inlined() or info.doc_frequency() < MIN_DOCS:
                continue
            if fieldname not in schema:
                continue
            matcher = codec.postings_reader(terms._postfile, info, schema[fieldname].format,
                                            term=(fieldname, tbytes))
            offsets: list[int] = []
            firsts: list[int] = []
            docs, freqs = decode_blocks(matcher, offsets, firsts)
            block_counts.append(len(offsets))
            block_offsets.append(offsets)
            block_firsts.append(firsts)
            keys.append(info.extent()[0])
            counts.append(len(docs))
            doc_parts.append(docs)
            freq_parts.append(freqs)
        n_docs = segment.doc_count_all()
        doc_type = np.uint16 if n_docs <= np.iinfo(np.uint16).max + 1 else np.uint32
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        key_arr = np.asarray(keys, dtype=np.int64)[order]
        count_arr = np.asarray(counts, dtype=np.int64)[order]
        starts = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(count_arr, out=starts[1:])
        docs = (np.concatenate([doc_parts[i] for i in order]).astype(doc_type) if keys
                else np.zeros(0, dtype=doc_type))
        freqs = np.concatenate([freq_parts[i] for i in order]) if keys else np.zeros(0)
        # Frequencies are whole counts; one byte holds them in almost every segment.
        freq_type = np.uint8 if not len(freqs) or freqs.max() <= 255 else np.uint16
        freqs = np.minimum(freqs, np.iinfo(np.uint16).max).astype(freq_type)
        bstarts = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(np.asarray(block_counts, dtype=np.int64)[order], out=bstarts[1:])
        boffsets = np.asarray([o for i in order for o in block_offsets[i]], dtype=np.int64)
        bfirst = np.asarray([f for i in order for f in block_firsts[i]], dtype=np.int32)
    finally:
        reader.close()
    name = file_name(segment)
    _write(storage, name, {"keys": key_arr, "starts": starts, "docs": docs, "freqs": freqs,
                           "bstarts": bstarts, "bfirst": bfirst, "boffsets": boffsets})
    return name


def _write(storage: Any, name: str, arrays: dict[str, np.ndarray]) -> None:
    layout: dict[str, list[Any]] = {}
    offset = 0
    for key, arr in arrays.items():
        layout[key] = [arr.dtype.str, int(arr.size), offset]
        offset += -(-arr.nbytes // _ALIGN) * _ALIGN
    header = json.dumps(layout).encode("ascii")
    head_len = -(-(len(MAGIC) + 4 + len(header)) // _ALIGN) * _ALIGN
    tmp = name + ".tmp"
    f = storage.create_file(tmp)
    try:
        f.write(MAGIC)
        f.write(len(header).to_bytes(4, "little"))
        f.write(header)
        f.write(b"\0" * (head_len - len(MAGIC) - 4 - len(header)))
        for key, arr in arrays.items():
            data = np.ascontiguousarray(arr).tobytes()
            f.write(data)
            f.write(b"\0" * (-(-len(data) // _ALIGN) * _ALIGN - len(data)))
    finally:
        f.close()
    storage.rename_file(tmp, name, safe=True)


def load(storage: Any, name: str) -> TermDocs | None:
    """The arrays of a segment, memory-mapped from disk; None if the file is missing or unreadable."""
    try:
        if not storage.file_exists(name):
            return None
        folder = getattr(storage, "folder", None)
        if folder:
            raw: Any = np.memmap(os.path.join(folder, name), dtype=np.uint8, mode="r")
        else:
            f = storage.open_file(name)
            try:
                raw = np.frombuffer(f.read(), dtype=np.uint8)
            finally:
                f.close()
        if bytes(raw[:len(MAGIC)]) != MAGIC:
            return None
        header_len = int.from_bytes(bytes(raw[len(MAGIC):len(MAGIC) + 4]), "little")
        start = len(MAGIC) + 4
        layout = json.loads(bytes(raw[start:start + header_len]).decode("ascii"))
        base = -(-(start + header_len) // _ALIGN) * _ALIGN
        arrays = {}
        for key in _ARRAYS:
            dtype, size, offset = layout[key]
            dt = np.dtype(dtype)
            begin = base + offset
            end = begin + size * dt.itemsize
            if end > len(raw):
                return None
            arrays[key] = raw[begin:end].view(dt)
        if not (len(arrays["starts"]) == len(arrays["bstarts"]) == len(arrays["keys"]) + 1):
            return None
        return TermDocs(arrays)
    except (OSError, ValueError, KeyError, TypeError):
        return None
