"""Reading Whoosh's W3 segments: postings blocks, the term dictionary, length columns.

What of a W3 segment is read here, and how, is listed in :mod:`index.w3`.
"""

from __future__ import annotations

import io
import pickle
import zlib
from bisect import bisect_left
from itertools import accumulate
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.system import unpack_int
from whoosh.util.numeric import byte_to_length

from index import termdocs
from index.termdocs import TermDocs

#: A byte of a lengths column as the length it stands for.
LENGTH_OF_BYTE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
_INT_BYTES = 4
#: Bytes read at a block's position: its length and, most often, all of it.
_FIRST_READ = 4096


def segments(ix: Any) -> list[Any]:
    """The segments of an index's last commit."""
    return list(ix._segments())


def doc_frequency(reader: Any, fieldname: str, tbytes: bytes) -> int:
    """In how many documents of one segment a term is (0 when it is not there)."""
    try:
        return int(reader.doc_frequency(fieldname, tbytes))
    except TermNotFound:
        return 0


def field_lengths(reader: Any, fieldname: str) -> np.ndarray:
    """Each document's length in ``fieldname`` in one segment (one byte each, as W3 stores it)."""
    n = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return np.fromiter((reader.doc_field_length(i, fieldname, 0) for i in range(n)),
                           dtype=np.float32, count=n)
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    # No column: no document of the segment has the field (a Vietnamese-only
    # segment and a Russian field); its lengths are 0.
    if column is None:
        return np.zeros(n, dtype=np.float32)
    return LENGTH_OF_BYTE[_fixed_width(column, n, np.dtype(np.uint8))]


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
        freqs.append(_block_freqs(block_weights, n))
        matcher._next_block()
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(freqs)


def read_block(postfile: Any, position: int) -> tuple[list[int], Any, Any]:
    """Document numbers, weights and encoded values of the W3 block at ``position``.

    A block is a length (negative for a term's last block), a pickled header
    (count, last id, max weight, compression, min and max length) and the data:
    a pickle of (id differences, weights, values), zlib-compressed when the
    header says so.
    """
    # One read for the length and the block, where the block is not longer than most.
    head = postfile.get(position, _FIRST_READ)
    length = abs(unpack_int(head[:_INT_BYTES])[0])
    raw = (head[_INT_BYTES:_INT_BYTES + length] if _INT_BYTES + length <= len(head)
           else postfile.get(position + _INT_BYTES, length))
    stream = io.BytesIO(raw)
    header = pickle.load(stream)
    data = raw[stream.tell():]
    if header[3]:
        data = zlib.decompress(data)
    ids, weights, values = pickle.loads(data)
    return list(accumulate(ids)), weights, values


def block_arrays(postfile: Any, position: int) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and frequencies of one block, as :func:`decode_blocks` gives them."""
    ids, weights, _values = read_block(postfile, position)
    return np.asarray(ids, dtype=np.int64), _block_freqs(weights, len(ids))


def _block_freqs(weights: Any, n: int) -> np.ndarray:
    """A block's weights as W3 stores them: None (all 1), one float for all, or one each."""
    if weights is None:
        return np.ones(n, dtype=np.float32)
    if isinstance(weights, float):
        return np.full(n, weights, dtype=np.float32)
    return np.asarray(weights, dtype=np.float32)


def first_block(offset: int) -> int:
    """The position of a term's first block, from its postings' offset (after a 4-byte tag)."""
    return offset + _INT_BYTES


def build_termdocs(storage: Any, schema: Any, segment: Any) -> str | None:
    """Write the arrays of one segment from its files; returns the file's name (None: not W3)."""
    reader = SegmentReader(storage, schema, segment)
    try:
        terms = reader._terms
        if not hasattr(terms, "_postfile") or not hasattr(terms, "items"):
            return None
        codec = terms._codec
        arrays = termdocs.SegmentArrays()
        for (fieldname, tbytes), info in terms.items():
            h = arrays.term(fieldname, tbytes)
            if info.is_inlined() or info.doc_frequency() < termdocs.MIN_DOCS or fieldname not in schema:
                continue
            matcher = codec.postings_reader(terms._postfile, info, schema[fieldname].format,
                                            term=(fieldname, tbytes))
            offsets: list[int] = []
            firsts: list[int] = []
            docs, freqs = decode_blocks(matcher, offsets, firsts)
            arrays.frequent(h, docs, freqs, offsets, firsts)
    finally:
        reader.close()
    return arrays.write(storage, segment)




def load_termdocs(reader: Any) -> TermDocs | None:
    segment = getattr(reader, "_segment", None)
    storage = getattr(reader, "_storage", None)
    if segment is None or storage is None:
        return None
    return termdocs.load(storage, termdocs.file_name(segment))


def dictionary_postings(reader: Any, fieldname: str, text: str,
                         tbytes: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """A term's (local document numbers, frequencies) in one segment, through Whoosh's
    dictionary (a term the scoring arrays do not hold); None if it is not there."""
    terms = getattr(reader, "_terms", None)
    if terms is None or not hasattr(terms, "term_info"):
        if (fieldname, text) not in reader:
            return None
        return _generic_arrays(reader.postings(fieldname, text))
    try:
        info = terms.term_info(fieldname, tbytes)
    except TermNotFound:
        return None
    if (not info.is_inlined() and info.doc_frequency() < termdocs.ONE_BLOCK
            and hasattr(terms, "_postfile")):  # one block: read it without a matcher
        return block_arrays(terms._postfile, first_block(info.extent()[0]))
    m = terms._codec.postings_reader(terms._postfile, info, reader.schema[fieldname].format,
                                     term=(fieldname, tbytes))
    return decode_blocks(m) if hasattr(m, "_read_data") else _generic_arrays(m)


def _fixed_width(column: Any, n: int, dtype: np.dtype) -> np.ndarray:
    """A fixed-width column's values for ``n`` documents (``dtype`` as W3 packs them), read in
    one piece when it is stored plainly; documents past its end hold 0 (the default)."""
    raw_file = getattr(column, "_dbfile", None)
    count = getattr(column, "_count", None)
    if raw_file is not None and count is not None and getattr(column, "_fixedlen", 0) == dtype.itemsize:
        out = np.zeros(n, dtype=dtype)
        stored = min(count, n)
        out[:stored] = np.frombuffer(raw_file.get(column._basepos, stored * dtype.itemsize), dtype=dtype)
        return out
    return np.fromiter((column[i] for i in range(n)), dtype=dtype, count=n)


def numbers(reader: Any, fieldname: str) -> np.ndarray:
    """Each document's value of a ``COLUMN(NumericColumn("Q"))`` field in one segment, as
    unsigned 64-bit numbers (0 where a document has none)."""
    n = reader.doc_count_all()
    if not reader.has_column(fieldname):
        return np.zeros(n, dtype=np.uint64)
    column = reader.column_reader(fieldname, translate=False)
    return _fixed_width(column, n, np.dtype(">u8")).astype(np.uint64)


def _generic_arrays(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)


def occurrences(reader: Any, tdocs: TermDocs | None, slot: int, local: int, fieldname: str,
                 text: str, tbytes: bytes, blocks: dict[tuple[int, int], Any] | None = None,
                 leaf: int = 0) -> list[tuple[int, int]]:
    """Character spans of a term in one document of one segment (``leaf``, for ``blocks``).

    ``slot`` is where :meth:`index.postings.TermPostings.locate` found the term in the segment.
    """
    if slot == termdocs.ABSENT:
        return []
    terms = getattr(reader, "_terms", None)
    if terms is None or not hasattr(terms, "term_info"):
        if (fieldname, text) not in reader:
            return []
        return _matcher_spans(reader.postings(fieldname, text), local)
    fmt = reader.schema[fieldname].format
    # A term's arrays know the block that holds the document, or that none does.
    held = slot >= 0 and tdocs is not None and hasattr(terms, "_postfile")
    block = tdocs.block_at(slot, local) if held else None  # type: ignore[union-attr]
    if block is not None and block < 0:
        return []
    if block is None:
        try:
            info = terms.term_info(fieldname, tbytes)
        except TermNotFound:
            return []
        if not (info.min_id() <= local <= info.max_id()):
            return []
        if info.is_inlined() or not hasattr(terms, "_postfile"):
            return _matcher_spans(terms._codec.postings_reader(
                getattr(terms, "_postfile", None), info, fmt, term=(fieldname, tbytes)), local)
        if info.doc_frequency() >= termdocs.ONE_BLOCK:  # arrays missing: walk the block headers
            return _occurrences_by_walking(terms, info, fmt, fieldname, tbytes, local)
        block = first_block(info.extent()[0])  # fewer than a block's worth: one block
    return _block_spans(terms, fmt, block, local, blocks, leaf)


def occurrences_at(reader: Any, tdocs: TermDocs | None, slot: int, k: int, local: int,
                    fieldname: str, blocks: dict[tuple[int, int], Any] | None, leaf: int
                    ) -> list[tuple[int, int]]:
    """Character spans of a term (at ``slot`` of the segment's arrays) in one document,
    its ``k``-th posting in the segment (-1: the term is not in the document)."""
    terms = getattr(reader, "_terms", None)
    if k < 0 or tdocs is None or terms is None or not hasattr(terms, "_postfile"):
        return []
    return _block_spans(terms, reader.schema[fieldname].format, tdocs.block_of(slot, k), local,
                        blocks, leaf)


def _block_spans(terms: Any, fmt: Any, block: int, local: int,
                 blocks: dict[tuple[int, int], Any] | None, leaf: int) -> list[tuple[int, int]]:
    """Character spans of one document's posting in the block at file position ``block``."""
    decoded = blocks.get((leaf, block)) if blocks is not None else None
    if decoded is None:
        ids, _weights, values = read_block(terms._postfile, block)
        if blocks is not None:
            blocks[(leaf, block)] = (ids, values)
    else:
        ids, values = decoded
    i = bisect_left(ids, local)
    if i >= len(ids) or ids[i] != local:
        return []
    return [(start, end) for _pos, start, end in fmt.decode_characters(values[i])]


def _matcher_spans(m: Any, local: int) -> list[tuple[int, int]]:
    m.skip_to(local)
    if not (m.is_active() and m.id() == local):
        return []
    return [(start, end) for _pos, start, end in m.value_as("characters")]


def _occurrences_by_walking(terms: Any, info: Any, fmt: Any, fieldname: str, tbytes: bytes,
                            local: int) -> list[tuple[int, int]]:
    """Spans of a frequent term in a segment without scoring arrays: block headers in turn."""
    m = terms._codec.postings_reader(terms._postfile, info, fmt, term=(fieldname, tbytes))
    while m.is_active() and m.block_max_id() < local:
        m._next_block()
    if not m.is_active():
        return []
    m._read_ids()
    i = bisect_left(m._ids, local)
    if i >= len(m._ids) or m._ids[i] != local:
        return []
    m._read_values()
    return [(start, end) for _pos, start, end in fmt.decode_characters(m._values[i])]
