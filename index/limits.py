"""Every limit on what one file, one document or one query may cost, in one place.

The CLI, the web views and the templates read these; a limit that is an option
(``--max-file-size``) defaults to the value here.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Files larger than this (after decompression) are skipped: they are held in memory whole.
MAX_FILE_BYTES = 64 * 1024 * 1024

#: Seconds a PDF may take to read (OCR included) before it is skipped.
MAX_PDF_SECONDS = 300

#: Memory a PDF's reading process may take beyond what it starts with.
MAX_READER_MEMORY = 2 * 1024 * 1024 * 1024

#: A longer document is skipped: Whoosh holds a document's postings in memory while indexing it.
MAX_DOCUMENT_CHARS = 8_000_000

#: The longest query, in characters.
MAX_QUERY_CHARS = 1000

#: Positions one query's phrase matching may read in all, before it stops and says the
#: result was cut short (a phrase of common words in a 1 MB document has a million).
MAX_PHRASE_POSITIONS = 2_000_000

#: Seconds one query's phrase matching may take before it stops and says so.
MAX_PHRASE_SECONDS = 1.5

#: Results per page, and the deepest result a query may reach (page x limit).
MAX_LIMIT = 100
MAX_DEPTH = 10_000


@dataclass(frozen=True)
class Limits:
    """The limits above as one value, for the shells (``search.LIMITS``)."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_document_chars: int = MAX_DOCUMENT_CHARS
    max_query_chars: int = MAX_QUERY_CHARS
    max_limit: int = MAX_LIMIT
    max_depth: int = MAX_DEPTH


LIMITS = Limits()
