"""Rich Text Format (``.rtf``): its text, through striprtf.

An RTF file is ASCII: other characters are escapes, ``\\'xx`` in the code page the file
declares (``\\ansicpg1251``) and ``\\uN`` for any Unicode character, which striprtf reads.
The first line is the title, as in a plain-text file.
"""

from __future__ import annotations

from index.documents import Document
from index.errors import ReadError
from index.readers.source import Source
from index.readers.text import tidy


def read_rtf(source: Source) -> list[Document]:
    from striprtf.striprtf import rtf_to_text

    head = source.data[:5]
    if head != b"{\\rtf":
        raise ReadError(source.path, "not an RTF file: it does not begin with {\\rtf")
    try:
        text = tidy(rtf_to_text(source.data.decode("latin-1"), errors="replace"))
    except (ValueError, LookupError, IndexError) as exc:  # an unknown code page, a broken escape
        raise ReadError(source.path, f"the RTF cannot be read ({exc})") from None
    title, _, body = text.partition("\n")
    return [Document(id=source.doc_id, title=title, text=body.lstrip(), path=source.path)]
