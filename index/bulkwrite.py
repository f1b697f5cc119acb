"""Segment writers that gather postings per term and write each term's postings at once.

Whoosh's segment writer puts every posting, one tuple each, into a sorting pool,
sorts them all at the commit, and hands them one at a time to the codec, which
looks up the document's field length for each; the scoring arrays
(:mod:`index.termdocs`) were then read back from the blocks just written.
Profiled on 1,500 news articles, that was about two thirds of the time spent
outside the analyzers. Here a document's postings are appended to its terms'
arrays as they are analysed (a segment's documents come in order, so each
term's stay sorted), only the terms are sorted at the commit, a term's postings
go to the W3 postings writer a block at a time, and the scoring arrays are
gathered on the way. The files written are Whoosh's own W3 segment files, read
by Whoosh's readers.

Postings are held in memory until the commit: :class:`index.writing.Indexer`
bounds how many documents a commit holds.
"""

from __future__ import annotations

from array import array
from pickle import dumps
from typing import Any, Iterable, Iterator

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.formats import Characters
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from index import termdocs


class TermPool:
    """One segment's postings: per ``(field, term bytes)``, document numbers, weights, values."""

    def __init__(self) -> None:
        # (field, term) -> (document numbers, weights, value bytes, value offsets)
        self.terms: dict[tuple[str, bytes], tuple[array, array, bytearray, array]] = {}
        self.fieldnames: set[str] = set()
        #: False once a term received a document out of order (merging segments can).
        self.ordered = True

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting, as Whoosh's merge path gives it: ``(field, term, docnum, weight, value)``."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.fieldnames.add(fieldname)
        entry = self.terms.get((fieldname, tbytes))
        if entry is None:
            entry = self.terms[(fieldname, tbytes)] = _new_entry()
        ids = entry[0]
        if ids and ids[-1] >= docnum:
            self.ordered = False
        ids.append(docnum)
        entry[1].append(weight)
        entry[2].extend(vbytes or b"")
        entry[3].append(len(entry[2]))

    def postings(self) -> Iterator[tuple[str, bytes, array, array, list[bytes]]]:
        """Every term in Whoosh's order, with its postings in document order."""
        for fieldname, tbytes in sorted(self.terms):
            ids, weights, buf, ends = self.terms[(fieldname, tbytes)]
            values = [bytes(buf[a:b]) for a, b in zip((0, *ends), ends)]
            if not self.ordered and any(a >= b for a, b in zip(ids, ids[1:])):
                order = sorted(range(len(ids)), key=ids.__getitem__)
                ids = array("I", [ids[i] for i in order])
                weights = array("f", [weights[i] for i in order])
                values = [values[i] for i in order]
            yield fieldname, tbytes, ids, weights, values

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Whoosh's posting tuples, for code that expects a sorting pool's output."""
        for fieldname, tbytes, ids, weights, values in self.postings():
            for docnum, weight, value in zip(ids, weights, values):
                yield fieldname, tbytes, docnum, weight, value

    def drop(self, docnum: int) -> None:
        """Forget the postings of a document that failed halfway (it was the last one added)."""
        emptied = []
        for key, entry in self.terms.items():
            ids = entry[0]
            if ids and ids[-1] == docnum:
                ids.pop()
                entry[1].pop()
                entry[3].pop()
                del entry[2][entry[3][-1] if entry[3] else 0:]
                if not ids:
                    emptied.append(key)
        for key in emptied:
            del self.terms[key]

    def cleanup(self) -> None:
        self.terms.clear()


def _new_entry() -> tuple[array, array, bytearray, array]:
    return array("I"), array("f"), bytearray(), array("I")


class _TermPostings:
    """What both writers share: the term pool, the fast document path, the bulk flush."""

    pool: Any

    def _use_term_pool(self) -> None:
        self.pool.cleanup()  # Whoosh's sorting pool, created empty by __init__
        self.pool = TermPool()
        schema = self.schema  # type: ignore[attr-defined]
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
        docnum = self.docnum  # type: ignore[attr-defined]
        terms = self.pool.terms
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    self.pool.fieldnames.add(name)
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in _field_postings(field, value):
                        if scorable:
                            length += freq
                        entry = terms.get((name, tbytes))
                        if entry is None:
                            entry = terms[(name, tbytes)] = _new_entry()
                        entry[0].append(docnum)
                        entry[1].append(weight)
                        buf = entry[2]
                        if vbytes:
                            buf.extend(vbytes)
                        entry[3].append(len(buf))
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

    def _flush_segment(self) -> None:
        self.perdocwriter.close()  # type: ignore[attr-defined]
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


def _field_postings(field: Any, value: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
    """``field.index(value)``: per term its bytes, frequency, weight and encoded value.

    Text with character offsets is gathered here in one pass, encoded exactly as
    Whoosh's ``Characters`` format encodes it; other formats keep Whoosh's path.
    """
    fmt = field.format
    if type(fmt) is not Characters or not isinstance(value, str):
        return field.index(value)
    seen: dict[str, list[tuple[int, int, int]]] = {}
    plain = True  # every token weighs 1 (ours do); otherwise Whoosh's path sums their boosts
    for t in field.analyzer(value, positions=True, chars=True, boosts=True, mode="index"):
        if t.stopped:
            continue
        if t.boost != 1.0:
            plain = False
            break
        found = seen.get(t.text)
        if found is None:
            seen[t.text] = [(t.pos, t.startchar, t.endchar)]
        else:
            found.append((t.pos, t.startchar, t.endchar))
    if not plain:
        return field.index(value)
    boost = fmt.field_boost
    out = []
    for text, found in seen.items():
        if len(found) == 1:
            pos, start, end = found[0]
            deltas = [(pos, start, end - start)]
        else:
            deltas = []
            last_pos = last_end = 0
            for pos, start, end in found:
                deltas.append((pos - last_pos, start - last_end, end - start))
                last_pos, last_end = pos, end
        out.append((text.encode("utf-8"), len(found), len(found) * boost,
                    pack_uint(len(deltas)) + dumps(deltas, 2)))
    return out


def write_postings(fieldwriter: Any, schema: Any, lengths: Any, pool: TermPool, doc_count: int,
                   arrays: termdocs.SegmentArrays | None = None) -> None:
    """Every term of ``pool`` through a W3 field writer, a term's postings a block at a time.

    With ``arrays``, also gathers the segment's scoring arrays (:mod:`index.termdocs`)
    from the postings in hand, rather than reading them back from the written blocks.
    """
    field_lengths: list[int] = []
    current = None
    for fieldname, tbytes, ids, weights, values in pool.postings():
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current = fieldname
            field_lengths = ([lengths.doc_field_length(d, fieldname) for d in range(doc_count)]
                             if lengths is not None else [])
        fieldwriter.start_term(tbytes)
        postwriter = fieldwriter._postwriter
        doc_lengths = [field_lengths[d] for d in ids] if field_lengths else [0] * len(ids)
        frequent = arrays is not None and len(ids) >= termdocs.MIN_DOCS
        blocks = add_term_postings(postwriter, ids, weights, values, doc_lengths, frequent)
        if frequent:
            blocks.append(_next_block_position(postwriter))  # the last, written as the term ends
        fieldwriter.finish_term()
        if arrays is not None:
            h = arrays.term(fieldname, tbytes)
            if frequent:
                limit = postwriter._blocklimit
                arrays.frequent(h, ids, weights, blocks, list(range(0, len(ids), limit)))
    if current is not None:
        fieldwriter.finish_field()


def _next_block_position(postwriter: Any) -> int:
    """Where the block the postings writer writes next starts (a term's first follows a tag)."""
    position = postwriter._postfile.tell()
    return position if postwriter._blockcount else position + len(WHOOSH3_HEADER_MAGIC)


def add_term_postings(postwriter: Any, ids: array, weights: array, values: list[bytes],
                      lengths: list[int], positions: bool = False) -> list[int]:
    """A term's postings into a W3 postings writer, as its ``add_posting`` would, per block.

    Full blocks are written as the next one starts; the last stays buffered for
    ``finish_postings`` (which inlines a short list into the term dictionary).
    With ``positions``, returns where each block written here starts.
    """
    limit = postwriter._blocklimit
    written: list[int] = []
    for start in range(0, len(ids), limit):
        if start:
            if positions:
                written.append(_next_block_position(postwriter))
            postwriter._write_block()
        end = start + limit
        postwriter._ids = ids[start:end]
        block_weights = weights[start:end]
        postwriter._weights = block_weights
        postwriter._values = [v for v in values[start:end] if v]
        postwriter._maxweight = max(0.0, max(block_weights))
        block_lengths = lengths[start:end]
        present = [n for n in block_lengths if n]
        postwriter._minlength = min(present) if present else None
        postwriter._maxlength = max(block_lengths)
    return written


class BulkSegmentWriter(_TermPostings, SegmentWriter):
    """Whoosh's segment writer with postings gathered per term (see the module's text)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        SegmentWriter.__init__(self, ix, **kwargs)
        self._use_term_pool()


class _BulkSubWriter(SubWriterTask):
    """A worker process of :class:`BulkMpWriter`: documents in, one segment out."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = BulkSegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        fieldnames = writer.pool.fieldnames
        segment = writer._finalize_segment()
        self.resultqueue.put((None, fieldnames, segment), timeout=5)


class BulkMpWriter(_TermPostings, MpWriter):
    """Whoosh's multiprocess writer, each process writing a segment of its own with bulk postings."""

    def __init__(self, ix: Any, procs: int, **kwargs: Any) -> None:
        MpWriter.__init__(self, ix, procs=procs, multisegment=True, **kwargs)
        self._use_term_pool()

    def add_document(self, **fields: Any) -> None:
        MpWriter.add_document(self, **fields)  # buffered for the worker processes

    def _new_task(self) -> SubWriterTask:
        task = _BulkSubWriter(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                              self.subargs, True)
        self.tasks.append(task)
        task.start()
        return task
