"""A check that the installed Whoosh still has every internal part :mod:`index.w3` uses."""

from __future__ import annotations

from typing import Any

import whoosh
from whoosh.codec import whoosh3
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.writing import SegmentWriter

#: Whoosh versions whose W3 format and internals were checked (``broken()`` says when not).
SUPPORTED = ((2, 7, 5), (2, 8, 0))

_WRITER = ("_check_state", "_check_fields", "_finalize_segment", "_merge_segments",
           "_commit_toc", "_finish", "_close_segment", "perdocwriter", "fieldwriter", "docnum",
           "pool", "codec", "storage", "get_segment", "per_document_reader")
_FIELD_WRITER = ("_postfile", "_tindex", "_postwriter", "_fieldid")
_POSTINGS_WRITER = ("_blocklimit", "_compression", "_inlinelimit", "_blockcount", "_postfile",
                    "_terminfo", "_mini_ids", "_mini_weights", "_mini_values", "_ids", "_values",
                    "_maxweight", "_minlength", "_maxlength", "_new_block")
_READER = ("_terms", "_segment", "_storage", "_perdoc")
_TERMS = ("_postfile", "_codec", "term_info", "items")
_MATCHER = ("_baseoffset", "_nextoffset", "_read_data", "_data", "_next_block", "_read_ids",
            "_ids", "_read_values", "_values")
_COLUMN = ("_dbfile", "_basepos", "_count", "_fixedlen")


def _lacking(what: str, obj: Any, names: tuple[str, ...]) -> list[str]:
    return [f"{what} has no {name}" for name in names if not hasattr(obj, name)]


def _constants() -> list[str]:
    problems = []
    if not SUPPORTED[0] <= tuple(whoosh.__version__) < SUPPORTED[1]:
        problems.append(f"Whoosh {whoosh.__version__} is outside {SUPPORTED}")
    if whoosh3.WHOOSH3_HEADER_MAGIC != b"W3Bl":
        problems.append("the postings file no longer starts with W3Bl")
    if whoosh3.W3TermInfo._struct.format not in ("!BfIBBfII", b"!BfIBBfII"):
        problems.append("a term's dictionary entry is no longer packed as !BfIBBfII")
    if whoosh3._lenfield("body") != "_body_len" or whoosh3.LENGTHS_COLUMN._typecode != "B":
        problems.append("lengths are no longer one-byte columns named _<field>_len")
    return problems


def broken() -> list[str]:
    """What :mod:`index.w3` relies on and the installed Whoosh lacks; empty when all is there.

    Writes and reads a small index in memory, so the attributes set as Whoosh's objects
    work are looked for on live objects.
    """
    from index.w3.codec import InliningCodec

    problems = _constants()
    ix = RamStorage().create_index(Schema(id=ID(stored=True), body=TEXT(chars=True),
                                          number=COLUMN(NumericColumn("Q"))))
    writer = SegmentWriter(ix, codec=InliningCodec(blocklimit=2))
    problems += _lacking("a segment writer", writer, _WRITER)
    problems += _lacking("a W3 field writer", writer.fieldwriter, _FIELD_WRITER)
    postings_writer = writer.codec.postings_writer(None)
    if hasattr(postings_writer, "_new_block"):
        postings_writer._new_block()  # sets a block's state, as starting a term does
    problems += _lacking("a W3 postings writer", postings_writer, _POSTINGS_WRITER)
    for i in range(5):
        writer.add_document(id=str(i), body="common words and number%d" % i, number=i + 1)
    writer.commit()
    problems += _lacking("an index", ix, ("_segments",))
    with ix.reader() as reader:
        problems += _lacking("a segment reader", reader, _READER)
        terms = reader._terms
        problems += _lacking("a W3 terms reader", terms, _TERMS)
        info = terms.term_info("body", b"common")
        matcher = terms._codec.postings_reader(terms._postfile, info, ix.schema["body"].format,
                                              term=("body", b"common"))
        problems += _lacking("a W3 leaf matcher", matcher, _MATCHER)
        column = reader._perdoc._cached_reader(whoosh3._lenfield("body"), whoosh3.LENGTHS_COLUMN)
        problems += _lacking("a lengths column", column, _COLUMN)
        numbers = reader.column_reader("number", translate=False)
        problems += _lacking("a numeric column", numbers, _COLUMN)
        if getattr(numbers, "_fixedlen", 0) != 8 or numbers[2] != 3:
            problems.append("a numeric column no longer holds 8 bytes a document")
    return problems
