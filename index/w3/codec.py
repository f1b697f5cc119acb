"""Whoosh's W3 codec, with smaller blocks and rare terms' postings in the term dictionary.

W3 can store a term's postings inside its dictionary entry instead of giving it
a block of its own in the postings file (a length, a pickled header, a zlib
stream: some 40 bytes before any data). In whoosh-reloaded 2.7.5 that path
calls a method the term info does not have, so it is off by default. Most
terms of a news collection are names and numbers in one document of a
segment; stored inline they cost a little over half as much.

Blocks hold 16 postings (``BLOCK_POSTINGS``), not 128: to find where a query's words
stand in one document (to reorder the first results, and for snippets) a query decodes
the whole block that holds it, for every word; some 70 blocks a query, one posting of
each used. On the 45,000 news articles, against blocks of 64: postings 576 -> 744 MB
(the index 2.34x -> 2.73x plain Whoosh's), and a search page with snippets 18.8 -> 15.3 ms
of CPU (the two indexes searched side by side). Indexes written with larger blocks read as before.

Blocks and inlined postings are pickled at protocol 4 (``POSTINGS_PICKLE``), where
Whoosh pickles at 2: there each posting's encoded offsets (a ``bytes``) become a
call to ``_codecs.encode`` on a latin-1 string. A block of 64 took 51 us to unpickle
against 9 us, and compressed it was half as large again. Whoosh's readers unpickle either.

Segments record their codec in the table of contents, so this class must stay
importable under this name (the index's schema version guards changes).
"""

from __future__ import annotations

import zlib
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3PostingsWriter, W3TermInfo
from whoosh.system import pack_int
from whoosh.util.numeric import length_to_byte

#: Terms in fewer documents than this keep their postings in the dictionary.
INLINE_LIMIT = 2
#: Postings a block holds (Whoosh's own: 128; see above).
BLOCK_POSTINGS = 16
#: The pickle protocol of postings blocks and inlined postings (see above).
POSTINGS_PICKLE = 4


def block_bytes(deltas: tuple, weights: Any, values: Any, last_id: int, max_weight: float,
                compression: int, min_length: int | None, max_length: int, last: bool) -> bytes:
    """One W3 postings block: its length (negative for a term's last block), a pickled header
    (count, last id, highest weight, compression, shortest and longest document) and the
    data (id differences, weights, values) pickled at ``POSTINGS_PICKLE``, compressed."""
    data = dumps((deltas, weights, values), POSTINGS_PICKLE)
    if compression:
        data = zlib.compress(data, compression)
    info = dumps((len(deltas), last_id, max_weight, compression,
                  length_to_byte(min_length), length_to_byte(max_length)), 2)
    size = len(info) + len(data)
    return pack_int(-size if last else size) + info + data


class _TermInfo(W3TermInfo):
    def to_bytes(self) -> bytes:
        if not self.is_inlined():
            return super().to_bytes()
        return super().to_bytes()[:self._struct.size] + dumps(self._inlined, POSTINGS_PICKLE)


class _InliningPostingsWriter(W3PostingsWriter):
    def start_postings(self, format_: Any, terminfo: Any) -> None:
        super().start_postings(format_, _TermInfo() if type(terminfo) is W3TermInfo else terminfo)

    def _write_block(self, last: bool = False) -> None:
        """A block as W3 writes it, the data pickled at ``POSTINGS_PICKLE``."""
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        info: Any = self._terminfo  # set by start_postings
        info.add_block(self)
        self._postfile.write(block_bytes(
            self._mini_ids(), self._mini_weights(), self._mini_values(), self._ids[-1],
            self._maxweight, self._compression, self._minlength, self._maxlength, last))
        self._blockcount += 1
        self._new_block()

    def finish_postings(self) -> Any:
        info: Any = self._terminfo  # type: ignore[has-type]
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        info.add_block(self)
        # Formats without values (counts only) buffer none; readers expect one per posting.
        values = self._values if len(self._values) == len(self._ids) else [b""] * len(self._ids)
        info.set_inlined(self._ids, self._weights, values)
        self._terminfo = None
        return info


class InliningCodec(W3Codec):
    def __init__(self, blocklimit: int = BLOCK_POSTINGS, compression: int = 3,
                 inlinelimit: int = INLINE_LIMIT) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        return _InliningPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                       compression=self._compression,
                                       inlinelimit=self._inlinelimit)
