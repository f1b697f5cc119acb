"""The one place that knows Whoosh's internals: its W3 segment format and its writers.

No module outside this package imports ``whoosh.codec``, ``whoosh.filedb``,
``whoosh.writing``, ``whoosh.reading``, ``whoosh.system`` or ``whoosh.util``, or reads
a private attribute of a Whoosh object (import-linter and ``tests/test_w3_format.py``
hold the rest of the code to it). Elsewhere the index uses Whoosh's public surface:
``whoosh.index``, ``whoosh.fields``, ``whoosh.query``, ``whoosh.searching``,
``whoosh.analysis``.

What of W3 (whoosh-reloaded 2.7.x) the project relies on, file by file of a segment
``main_<id>``:

``.pst`` postings
    Starts with ``W3Bl``. A term's postings are blocks, each: a 4-byte signed length
    (negative for the term's last block), a header pickled at protocol 2 (count, last
    document number, highest weight, zlib level, shortest and longest document as
    one-byte lengths), then ``(id differences, weights, values)`` pickled and
    zlib-compressed. Weights are None (all 1), one float for all, or one each. Values
    of a ``chars=True`` field are the encoded (position, start, end) of each occurrence.
    Read by :func:`reading.read_block`; written by :mod:`codec` and :mod:`bulkwrite`.
``.trm`` term dictionary
    An ordered hash table keyed by the field's number (2 bytes) and the term's bytes;
    each value is a ``W3TermInfo`` packed as ``!BfIBBfII`` followed by the postings'
    offset and length, or, for a term in fewer than ``INLINE_LIMIT`` documents, its
    postings pickled inline.
``_<field>_len.col`` lengths
    One byte per document (Whoosh's ``length_to_byte``), read in one piece by
    :func:`reading.field_lengths`.
``.simhash.col`` fingerprints
    A ``NumericColumn("Q")``: 8 bytes a document, big-endian, 0 past the last written;
    read in one piece by :func:`reading.numbers`.
stored fields and the table of contents
    Used only through Whoosh's public readers; the table of contents pickles each
    segment's codec, found again as ``index.codec.InliningCodec``.

Private attributes read, by object: an index's ``_segments()``; a segment reader's
``_terms``, ``_segment``, ``_storage``, ``_perdoc``; a terms reader's ``_postfile`` and
``_codec``; a leaf matcher's block walk (``_baseoffset``, ``_nextoffset``, ``_read_data``,
``_data``, ``_next_block``, ``_read_ids``, ``_ids``, ``_read_values``, ``_values``); a
fixed-width column's ``_dbfile``, ``_basepos``, ``_count``, ``_fixedlen``; and, to write
segments, a segment writer's and the W3 field and postings writers' state.
:func:`spec.broken` checks every one of them against the installed Whoosh.

The project's own file beside each segment, the scoring arrays (``.tda``), is
:mod:`index.termdocs`.
"""
