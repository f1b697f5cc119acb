"""Segment writers that gather postings per term and write each term's postings at once.

Whoosh's segment writer puts every posting, one tuple each, into a sorting pool,
sorts them all at the commit, and hands them one at a time to the codec, which
looks up the document's field length for each; the scoring arrays
(:mod:`index.termdocs`) were then read back from the blocks just written.
Profiled on 1,500 news articles, that was about two thirds of the time spent
outside the analyzers. Here a document's postings are appended to flat arrays
per field as they are analysed (:class:`FieldPostings`), grouped by term at
the commit with one stable sort (a segment's documents come in order, so each
term's stay in order), each term's blocks and dictionary entry are encoded at
once, and the scoring arrays are gathered on the way. The files written are
byte for byte those Whoosh's writer writes for the same documents with
:class:`index.w3.codec.InliningCodec` (a test holds them to it), read by Whoosh's readers.

Postings are held in memory until the commit: :class:`index.writing.Indexer`
bounds how many documents a commit holds.
"""

from __future__ import annotations

import gc
import struct
from array import array
from contextlib import contextmanager
from pickle import dumps
from typing import Any, Iterable, Iterator

import numpy as np

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.formats import Characters, Frequency
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from index import termdocs
from index.w3.codec import POSTINGS_PICKLE, block_bytes


@contextmanager
def fewer_collections(young: int = 20_000) -> Iterator[None]:
    """Python's cycle collector run less often while a batch of documents is indexed.

    Analysis and postings allocate millions of small objects that reference counting
    frees; with the default threshold (700) the collector ran some 3,300 times over
    1,500 articles and took 2.4 s of 42 (0.4 s at 20,000). The setting is the
    process's (worker processes set their own for their lifetime); it is restored after.
    """
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], young), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


class FieldPostings:
    """One field's postings in the order they came: for each, its term's number, its
    document, its weight and where its value ends in one buffer of values.

    Flat arrays that grow at their ends, rather than arrays per term: a document's
    postings went to the arrays of some thousand terms scattered in memory. Gathering
    the postings of 1,000 news articles (their tokens replayed, without analysis) took
    3.5 s that way and 1.7 s this way. The postings are grouped by term when written.
    """

    __slots__ = ("numbers", "terms", "docs", "weights", "values", "ends", "ordered")

    def __init__(self) -> None:
        self.numbers: dict[Any, int] = {}  # term -> its number in ``terms``
        self.terms = array("I")
        self.docs = array("I")
        self.weights = array("f")
        self.values = bytearray()
        self.ends = array("Q")
        #: False once postings may have come out of document order (merging segments).
        self.ordered = True

    def number(self, term: Any) -> int:
        numbers = self.numbers
        found = numbers.get(term)
        if found is None:
            found = numbers[term] = len(numbers)
        return found

    def post(self, term: Any, docnum: int, weight: float, vbytes: bytes) -> None:
        """One posting (the hot paths, ``_gather_offsets`` and ``_gather_counts``, inline this)."""
        self.terms.append(self.number(term))
        self.docs.append(docnum)
        self.weights.append(weight)
        self.values += vbytes
        self.ends.append(len(self.values))

    def drop(self, docnum: int) -> None:
        """Forget the postings of the last document added."""
        docs = self.docs
        keep = len(docs)
        while keep and docs[keep - 1] == docnum:
            keep -= 1
        for arr in (self.terms, docs, self.weights, self.ends):
            del arr[keep:]
        del self.values[self.ends[-1] if keep else 0:]

    def by_term(self, fieldname: str, text: bool) -> Iterator[tuple[str, bytes, list[int], list[float],
                                                                      list[bytes]]]:
        """Every term in Whoosh's order with its postings in document order; a term whose
        only document was dropped has none and is left out.

        The postings are read once: this field's arrays are let go as soon as they are
        sorted, so a segment being written holds one field twice, not all of them.
        """
        names = sorted(self.numbers)
        if not names or not self.docs:
            return
        bounds, docs, weights, starts, ends = self._sorted(names)
        data = bytes(self.values)
        self._release()
        at = bounds.tolist()
        first = 0
        while first < len(names):
            # Terms taken a slice at a time: Python lists of every posting at once would
            # hold several times the postings' memory.
            last = max(first + 1, int(np.searchsorted(bounds, at[first] + _SLICE, "right")) - 1)
            last = min(last, len(names))
            base, top = at[first], at[last]
            d, w = docs[base:top].tolist(), weights[base:top].tolist()
            s, e = starts[base:top].tolist(), ends[base:top].tolist()
            for r in range(first, last):
                lo, hi = at[r] - base, at[r + 1] - base
                if lo == hi:
                    continue
                term = names[r]
                yield (fieldname, term.encode("utf-8") if text else term, d[lo:hi], w[lo:hi],
                       [data[x:y] for x, y in zip(s[lo:hi], e[lo:hi])])
            first = last

    def _release(self) -> None:
        self.numbers = {}
        self.terms, self.docs, self.weights, self.ends = array("I"), array("I"), array("f"), array("Q")
        self.values = bytearray()

    def _sorted(self, names: list[Any]) -> tuple[np.ndarray, ...]:
        """The postings in term order (``names``' order), each term's in document order: where
        each term's begin, and the postings' documents, weights and value starts and ends."""
        rank = np.empty(len(names), dtype=np.uint32)
        rank[np.fromiter((self.numbers[t] for t in names), dtype=np.int64, count=len(names))] = \
            np.arange(len(names), dtype=np.uint32)
        keys = rank[np.frombuffer(self.terms, dtype=np.uint32)]
        docs = np.frombuffer(self.docs, dtype=np.uint32)
        order = np.argsort(keys, kind="stable") if self.ordered else np.lexsort((docs, keys))
        bounds = np.zeros(len(names) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=len(names)), out=bounds[1:])
        del keys
        ends = np.frombuffer(self.ends, dtype=np.uint64)
        if len(self.values) <= np.iinfo(np.uint32).max:
            ends = ends.astype(np.uint32)  # half the memory for the copies below
        starts = np.zeros_like(ends)
        starts[1:] = ends[:-1]
        docs, weights = docs[order], np.frombuffer(self.weights, dtype=np.float32)[order]
        return bounds, docs, weights, starts[order], ends[order]


#: Postings turned into Python lists at a time when a field is written.
_SLICE = 20_000


class TermPool:
    """One segment's postings, per field (:class:`FieldPostings`).

    Terms of the fields in ``text_fields`` are kept as text and encoded when written
    (UTF-8 sorts as the text does); those of other fields as Whoosh's term bytes.
    """

    def __init__(self, text_fields: Iterable[str] = ()) -> None:
        self.text_fields = frozenset(text_fields)
        self.fields: dict[str, FieldPostings] = {}
        self.fieldnames: set[str] = set()

    def postings_of(self, fieldname: str) -> FieldPostings:
        """The field's postings, to add to (see ``TermPostings.add_document``)."""
        self.fieldnames.add(fieldname)
        posts = self.fields.get(fieldname)
        if posts is None:
            posts = self.fields[fieldname] = FieldPostings()
        return posts

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting, as Whoosh's merge path gives it: ``(field, term, docnum, weight, value)``."""
        fieldname, tbytes, docnum, weight, vbytes = item
        posts = self.postings_of(fieldname)
        posts.ordered = False
        posts.post(tbytes.decode("utf-8") if fieldname in self.text_fields else tbytes, docnum,
                   weight, vbytes or b"")

    def postings(self) -> Iterator[tuple[str, bytes, list[int], list[float], list[bytes]]]:
        """Every term in Whoosh's order, with its postings in document order."""
        for fieldname in sorted(self.fields):
            yield from self.fields[fieldname].by_term(fieldname, fieldname in self.text_fields)

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Whoosh's posting tuples, for code that expects a sorting pool's output."""
        for fieldname, tbytes, ids, weights, values in self.postings():
            for docnum, weight, value in zip(ids, weights, values):
                yield fieldname, tbytes, docnum, weight, value

    def drop(self, docnum: int) -> None:
        """Forget the postings of a document that failed halfway (it was the last one added)."""
        for posts in self.fields.values():
            posts.drop(docnum)

    def cleanup(self) -> None:
        self.fields.clear()


class TermPostings:
    """What both writers share: the term pool, the fast document path, the bulk flush."""

    pool: Any

    def _use_term_pool(self) -> None:
        self.pool.cleanup()  # Whoosh's sorting pool, created empty by __init__
        schema = self.schema  # type: ignore[attr-defined]
        self.pool = TermPool(name for name, field in schema.items()
                             if type(field.format) in (Characters, Frequency))
        self._whoosh_path = frozenset(name for name, field in schema.items()
                                      if field.vector or field.separate_spelling())

    def add_document(self, **fields: Any) -> None:
        """Whoosh's ``add_document`` without its per-posting tuples and calls.

        Boosts and custom stored values (``_``-prefixed keywords), term vectors
        and spelling fields take Whoosh's own path.
        """
        schema = self.schema  # type: ignore[attr-defined]
        if any(name.startswith("_") or name in self._whoosh_path for name in fields):
            return super().add_document(**fields)  # type: ignore[misc]
        self._check_state()  # type: ignore[attr-defined]
        names = sorted(fields)
        self._check_fields(schema, names)  # type: ignore[attr-defined]
        perdoc = self.perdocwriter  # type: ignore[attr-defined]
        docnum = self.docnum  # type: ignore[attr-defined,has-type]
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = self._gather(name, field, value, docnum) if field.indexed else 0
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            self.pool.drop(docnum)  # the next document takes this number
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum = docnum + 1

    def _gather(self, name: str, field: Any, value: Any, docnum: int) -> int:
        """One indexed field's postings into the pool; its length, if the field is scored."""
        posts = self.pool.postings_of(name)
        fmt = type(field.format)
        gathered = None
        if isinstance(value, str) and fmt is Characters:
            gathered = _gather_offsets(field, value, posts, docnum)
        elif isinstance(value, str) and fmt is Frequency:
            gathered = _gather_counts(field, value, posts, docnum)
        if gathered is None:  # Whoosh's own path: other formats, boosted tokens
            gathered = _gather_whoosh(field, value, posts, docnum, name in self.pool.text_fields)
        return gathered if field.scorable else 0

    def _flush_segment(self) -> None:
        self.perdocwriter.close()  # type: ignore[attr-defined]
        fieldwriter = self.fieldwriter  # type: ignore[attr-defined]
        # The W3 writers ask the postings and term files for their position two or three
        # times a term; a buffered file answers each with a system call (6% of indexing).
        for structfile in (getattr(fieldwriter, "_postfile", None),
                           getattr(getattr(fieldwriter, "_tindex", None), "dbfile", None)):
            if structfile is not None and hasattr(structfile, "file"):
                structfile.file = PositionCounting(structfile.file)
        codec = self.codec  # type: ignore[attr-defined]
        lengths = self.per_document_reader() if codec.length_stats else None  # type: ignore[attr-defined]
        arrays = termdocs.SegmentArrays()
        try:
            write_postings(self.fieldwriter, self.schema, lengths,  # type: ignore[attr-defined]
                           self.pool, self.docnum, arrays)  # type: ignore[attr-defined]
        finally:
            self.fieldwriter.close()  # type: ignore[attr-defined]
            if lengths is not None:
                lengths.close()
        try:
            arrays.write(self.storage, self.get_segment())  # type: ignore[attr-defined]
        except OSError:
            pass  # the segment is complete without them: the commit retries (IndexStore)


class PositionCounting:
    """A file written in sequence that knows its position without asking the system."""

    def __init__(self, file: Any) -> None:
        self._file = file
        self._position = file.tell()

    def write(self, data: Any) -> int:
        written = self._file.write(data)
        self._position += written
        return written

    def tell(self) -> int:
        return self._position

    def seek(self, *args: Any) -> int:
        self._position = self._file.seek(*args)
        return self._position

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def _gather_offsets(field: Any, value: str, posts: FieldPostings, docnum: int) -> int | None:
    """Text with positions and character offsets (Whoosh's ``Characters`` format), encoded
    as that format encodes it; returns the field's length, or None if a token has a boost
    (Whoosh's path sums them). Nothing is posted until the whole value is analysed.
    """
    # term -> Whoosh's deltas (position, start, length), then the last position and end
    seen: dict[str, list[Any]] = {}
    for t in field.analyzer(value, positions=True, chars=True, boosts=True, mode="index"):
        if t.stopped:
            continue
        if t.boost != 1.0:
            return None
        found = seen.get(t.text)
        if found is None:
            seen[t.text] = [(t.pos, t.startchar, t.endchar - t.startchar), t.pos, t.endchar]
        else:
            pos, start, end = t.pos, t.startchar, t.endchar
            found[-2:] = (pos - found[-2], start - found[-1], end - start), pos, end
    boost = field.format.field_boost
    number, values = posts.number, posts.values
    add_term, add_doc, add_weight, add_end = (posts.terms.append, posts.docs.append,
                                              posts.weights.append, posts.ends.append)
    length = 0
    for text, found in seen.items():
        n = len(found) - 2
        length += n
        del found[-2:]
        add_term(number(text))
        add_doc(docnum)
        add_weight(n * boost)
        values += pack_uint(n)
        values += dumps(found, 2)
        add_end(len(values))
    return length


def _gather_counts(field: Any, value: str, posts: FieldPostings, docnum: int) -> int | None:
    """Text with counts only (Whoosh's ``Frequency`` format), encoded as it does."""
    counts: dict[str, int] = {}
    for t in field.analyzer(value, boosts=True, mode="index"):
        if t.stopped:
            continue
        if t.boost != 1.0:
            return None
        counts[t.text] = counts.get(t.text, 0) + 1
    boost = field.format.field_boost
    number, values = posts.number, posts.values
    for text, n in counts.items():
        posts.terms.append(number(text))
        posts.docs.append(docnum)
        posts.weights.append(n * boost)
        values += pack_uint(n)
        posts.ends.append(len(values))
    return sum(counts.values())


def _gather_whoosh(field: Any, value: Any, posts: FieldPostings, docnum: int, text: bool) -> int:
    """Any field through Whoosh's ``field.index``; terms kept as text for text fields."""
    length = 0
    for tbytes, freq, weight, vbytes in list(field.index(value)):
        length += freq
        posts.post(tbytes.decode("utf-8") if text else tbytes, docnum, weight, vbytes or b"")
    return length


def write_postings(fieldwriter: Any, schema: Any, lengths: Any, pool: TermPool, doc_count: int,
                   arrays: termdocs.SegmentArrays | None = None) -> None:
    """Every term of ``pool`` into a W3 field writer's postings and term files.

    The layout is that of Whoosh's W3 postings writer (blocks of ``blocklimit``, each
    a pickled, compressed tuple after a pickled header; a term in fewer than
    ``inlinelimit`` documents inside its dictionary entry), encoded here a term at a
    time rather than through its per-posting and per-term method calls, and its
    postings pickled at ``POSTINGS_PICKLE``.
    With ``arrays``, also gathers the segment's scoring arrays (:mod:`index.termdocs`)
    from the postings in hand, rather than reading them back from the written blocks.
    """
    postfile = fieldwriter._postfile
    dictionary = _Dictionary(fieldwriter._tindex)
    field_lengths: list[int] = []
    current = None
    encode: _TermEncoder | None = None
    prefix = b""
    for fieldname, tbytes, ids, weights, values in pool.postings():
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            field = schema[fieldname]
            fieldwriter.start_field(fieldname, field)
            current = fieldname
            encode = _TermEncoder(postfile, fieldwriter._postwriter, field.format.fixed_value_size())
            prefix = pack_ushort(fieldwriter._fieldid)
            field_lengths = ([lengths.doc_field_length(d, fieldname) for d in range(doc_count)]
                             if lengths is not None else [])
        assert encode is not None
        doc_lengths = [field_lengths[d] for d in ids] if field_lengths else [0] * len(ids)
        info, blocks = encode(ids, weights, values, doc_lengths)
        dictionary.add(prefix + tbytes, info)
        if arrays is not None:
            h = arrays.term(fieldname, tbytes)
            if blocks and len(ids) >= termdocs.MIN_DOCS:  # as termdocs.build reads them back
                arrays.frequent(h, ids, weights, blocks, list(range(0, len(ids), encode.limit)))
    dictionary.close()
    if current is not None:
        fieldwriter.finish_field()


class _Dictionary:
    """Entries into the term dictionary, as ``OrderedHashWriter.add`` writes them."""

    def __init__(self, tindex: Any) -> None:
        self.tindex = tindex
        self.fast = type(tindex) is OrderedHashWriter
        self.lastkey = tindex.lastkey if self.fast else b""

    def add(self, key: bytes, value: bytes) -> None:
        tindex = self.tindex
        if not self.fast:
            tindex.add(key, value)
            return
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        dbfile = tindex.dbfile
        position = dbfile.tell()
        tindex.index.append(position)
        dbfile.write(_KEY_VALUE_LENGTHS.pack(len(key), len(value)) + key + value)
        h = tindex.hashfn(key)
        tindex.buckets[h & 255].append((h, position))
        self.lastkey = key

    def close(self) -> None:
        if self.fast:
            self.tindex.lastkey = self.lastkey


_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # before each entry of Whoosh's hash files
_TERMINFO = struct.Struct("!BfIBBfII")  # W3TermInfo's fixed part


class _TermEncoder:
    """One field's terms as W3 postings blocks and dictionary entries (see ``write_postings``)."""

    def __init__(self, postfile: Any, postwriter: Any, fixed_size: int | None) -> None:
        self.postfile = postfile
        self.limit: int = postwriter._blocklimit
        self.compression: int = postwriter._compression
        self.inline_limit: int = postwriter._inlinelimit
        self.fixed_size = fixed_size

    def _values(self, values: list[bytes]) -> Any:
        fixed = self.fixed_size
        if fixed is None or fixed < 0:
            return tuple(values)
        return None if fixed == 0 else b"".join(values)

    def __call__(self, ids: list[int], weights: list[float], values: list[bytes],
                 lengths: list[int]) -> tuple[bytes, list[int]]:
        """The term's dictionary entry, and where each of its blocks starts (none if inlined)."""
        n = len(ids)
        if n < self.inline_limit and n <= self.limit:
            return _inlined(ids, weights, values, lengths), []
        limit = self.limit
        stats = _TermStats()
        begin = self.postfile.tell()
        out = [WHOOSH3_HEADER_MAGIC]
        position = begin + len(WHOOSH3_HEADER_MAGIC)
        blocks = []
        starts = range(0, n, limit)
        for start in starts:
            end = start + limit
            block = self._block(ids[start:end], weights[start:end], values[start:end],
                                lengths[start:end], stats, start == starts[-1])
            blocks.append(position)
            out.append(block)
            position += len(block)
        self.postfile.write(b"".join(out))
        head = _TERMINFO.pack(False, stats.total, n,
                              length_to_byte(stats.minlength) if stats.minlength else 0,
                              length_to_byte(stats.maxlength), stats.maxweight, ids[0], ids[-1])
        return head + pack_long(begin) + pack_int(position - begin), blocks

    def _block(self, block_ids: list[int], w: list[float], values: list[bytes],
               block_lengths: list[int], stats: "_TermStats", last: bool) -> bytes:
        """One block's bytes; its statistics go into the term's, as Whoosh's writer keeps them."""
        present = [x for x in block_lengths if x]
        b_min = min(present) if present else None
        b_weight = max(0.0, max(w))
        stats.add(sum(w), b_min, max(block_lengths), b_weight)
        if all(x == 1.0 for x in w):
            mini_weights: Any = None
        elif all(x == w[0] for x in w):
            mini_weights = w[0]
        else:
            mini_weights = tuple(w)
        base = 0
        deltas = []
        for d in block_ids:
            deltas.append(d - base)
            base = d
        return block_bytes(tuple(deltas), mini_weights, self._values([v for v in values if v]),
                           block_ids[-1], b_weight, self.compression, b_min, max(block_lengths), last)


class _TermStats:
    """A term's statistics over its blocks, as Whoosh's postings writer keeps them."""

    def __init__(self) -> None:
        self.total: float = 0
        self.maxweight: float = 0
        self.maxlength = 0
        self.minlength: int | None = None

    def add(self, weight: float, b_min: int | None, b_max: int, b_weight: float) -> None:
        self.total += weight
        if self.minlength is None:
            self.minlength = b_min
        elif b_min is not None:
            self.minlength = min(self.minlength, b_min)
        self.maxlength = max(self.maxlength, b_max)
        self.maxweight = max(self.maxweight, b_weight)


def _inlined(ids: list[int], weights: list[float], values: list[bytes], lengths: list[int]) -> bytes:
    """The dictionary entry of a term whose few postings are kept in it."""
    n = len(ids)
    if n == 1:  # most terms: one document of the segment
        docnum, weight, length = ids[0], weights[0], lengths[0]
        lb = length_to_byte(length) if length else 0
        head = _TERMINFO.pack(True, weight, 1, lb, lb, max(0.0, weight), docnum, docnum)
        return head + dumps(((docnum,), (weight,), (values[0],)), POSTINGS_PICKLE)
    present = [x for x in lengths if x]
    kept = [v for v in values if v]
    head = _TERMINFO.pack(True, sum(weights), n, length_to_byte(min(present)) if present else 0,
                          length_to_byte(max(lengths)), max(0.0, max(weights)), ids[0], ids[-1])
    return head + dumps((tuple(ids), tuple(weights), tuple(kept) if len(kept) == n else (b"",) * n),
                        POSTINGS_PICKLE)


class BulkSegmentWriter(TermPostings, SegmentWriter):
    """Whoosh's segment writer with postings gathered per term (see the module's text)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        SegmentWriter.__init__(self, ix, **kwargs)
        self._use_term_pool()

    def finish_segment(self) -> Any:
        """This writer's segment, written out, for another writer's commit to take."""
        return self._finalize_segment()


#: The most documents a merge at a commit brings together. Merging runs in the main process,
#: posting by posting through Whoosh's readers, holding the merged postings in memory: on
#: the news, merges up to 5,000 documents made indexing 1.6 times as slow (550 s against
#: 338 s for 44,631 articles). So only small segments are merged, such as those of runs
#: that add a few documents at a time; the segments of a large run stay as written, and
#: ``search index --optimize`` merges everything (spilling to disk).
MERGE_DOCS = 2_000
#: Fewer small segments than this are not worth a merge.
MERGE_AT_ONCE = 3


def bounded_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """A merge policy for ``commit(mergetype=...)``: the smallest segments together, up to
    :data:`MERGE_DOCS` documents, once there are :data:`MERGE_AT_ONCE` of them; returns the
    segments kept as they are. (Whoosh's own policy merges ever more at once as segments
    accumulate, up to the whole index in memory.)"""
    from whoosh.reading import SegmentReader

    chosen, total = [], 0
    for segment in sorted(segments, key=lambda s: s.doc_count_all()):
        if total + segment.doc_count_all() > MERGE_DOCS:
            break
        chosen.append(segment)
        total += segment.doc_count_all()
    if len(chosen) < MERGE_AT_ONCE:
        return list(segments)
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if all(s is not c for c in chosen)]


def whoosh_writer(ix: Any, **options: Any) -> SegmentWriter:
    """Whoosh's own segment writer (its sorting pool spills to disk; used to merge everything)."""
    return SegmentWriter(ix, **options)


class BulkMpWriter(TermPostings, SegmentWriter):
    """A writer whose documents ``workers`` (:class:`index.parallel.SegmentWorkers`) write, a
    segment per worker, not merged; ``batchsize`` documents are sent to them at a time.

    With ``owns_workers`` they are closed with this commit. Deletions, and merging older
    segments at the commit, happen here as in Whoosh's segment writer.
    """

    def __init__(self, ix: Any, workers: Any, owns_workers: bool, batchsize: int = 50,
                 **kwargs: Any) -> None:
        SegmentWriter.__init__(self, ix, **kwargs)
        self._use_term_pool()
        self.batchsize = batchsize
        self.docbuffer: list[dict[str, Any]] = []
        self._sent = False
        self._owns_workers = owns_workers
        self.workers = workers

    def add_document(self, **fields: Any) -> None:
        self.docbuffer.append(fields)
        if len(self.docbuffer) >= self.batchsize:
            self._enqueue()
        self._sent = True

    def _enqueue(self) -> None:
        self.workers.send(self.docbuffer)
        self.docbuffer = []

    def commit(self, mergetype: Any = None, optimize: Any = None, merge: Any = None) -> None:
        if not self._sent:  # deletions only
            return SegmentWriter.commit(self, mergetype=mergetype, optimize=optimize, merge=merge)
        self._check_state()
        try:
            if self.docbuffer:
                self._enqueue()
            self.workers.end()
            # Older segments are merged here while the workers write theirs.
            finalsegments = self._merge_segments(mergetype, optimize, merge)
            finalsegments += self.workers.segments()
        except BaseException:
            self.cancel()  # releases the lock; nothing of this commit is kept
            raise
        finally:
            if self._owns_workers:
                self.workers.close()
        if self._added:  # a merge wrote into this writer's own segment
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self) -> None:
        # What the workers hold belongs to this commit: they are stopped, and start anew.
        self.workers.terminate()
        SegmentWriter.cancel(self)
