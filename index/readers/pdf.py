"""PDF files, read by pdfium (pypdfium2) in a child process: a page a text, one document.

pdfium was chosen by measurement (``bench/pdf.py``): on Vietnamese and Russian PDFs it
keeps every word and mark in reading order, as pypdf does, and reads pages several
times faster; pdfminer.six is slower still and splits words with extra spaces.

A PDF is a program for a native parser, so it is read in a process of its own, forked
from a clean server process: a file that makes the parser crash, loop or allocate without
end costs that process (killed after :data:`~index.limits.MAX_PDF_SECONDS`, its memory
capped at :data:`~index.limits.MAX_READER_MEMORY`), and the run goes on with the next file.

The pages are joined with a blank line between them and the document keeps where each
starts (:attr:`Document.pages`), so a hit can say its page. A page without a text layer
(a scan) is read by OCR when Debian's ``tesseract`` is installed with Vietnamese,
Russian or English data (:mod:`index.readers.ocr`); a PDF with no text at all and no OCR
is skipped with that reason.
"""

from __future__ import annotations

import multiprocessing as mp
import re
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from index.documents import Document, join_pages, parse_date
from index.errors import ReadError
from index.limits import MAX_PDF_SECONDS, MAX_READER_MEMORY
from index.readers.source import Source

#: Characters pdfium leaves in text that are no text: controls other than line breaks and
#: tabs, and the noncharacter it puts for a hyphen that broke a word across lines.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: A title that is a file name or an editor's default, not the document's title.
_NOT_A_TITLE = re.compile(r"(?i)^(untitled|microsoft \w+ - .*|.*\.(docx?|odt|rtf|pdf|txt|indd|tex))$")
#: The longest first line taken as the title when the metadata has none.
_TITLE_CHARS = 200


@dataclass
class Extracted:
    """What the child process read: each page's text, and the metadata."""

    pages: list[str]
    metadata: dict[str, str] = field(default_factory=dict)
    ocr_pages: int = 0
    #: Whether OCR was installed when a page without text asked for it.
    ocr_installed: bool = False


def read_pdf(source: Source) -> list[Document]:
    extracted = extract(source.data, source.path)
    if not any(p.strip() for p in extracted.pages):
        raise ReadError(source.path, no_text_reason(len(extracted.pages), extracted.ocr_installed))
    if extracted.ocr_pages:
        source.warnings.append(f"{extracted.ocr_pages} page(s) without a text layer read by OCR")
    text, starts = join_pages(extracted.pages)
    meta = extracted.metadata
    title = " ".join(meta.get("Title", "").split())
    if not title or _NOT_A_TITLE.match(title):
        title = next((line.strip() for line in text.splitlines() if line.strip()), "")[:_TITLE_CHARS]
    return [Document(id=source.doc_id, title=title, text=text, path=source.path,
                     date=pdf_date(meta.get("CreationDate") or meta.get("ModDate")),
                     author=meta.get("Author") or None, pages=starts)]


def no_text_reason(pages: int, ocr_installed: bool) -> str:
    if ocr_installed:
        return f"no text in its {pages} page(s), and OCR found none: skipped"
    return (f"no text layer in its {pages} page(s) (a scan, or images of text): skipped. "
            "Install tesseract-ocr with tesseract-ocr-vie and tesseract-ocr-rus to read "
            "scans by OCR, then index again")


def pdf_date(value: str | None) -> str | None:
    """``D:20240131120000+07'00'`` (a PDF date) -> ``2024-01-31``."""
    m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value or "")
    return parse_date(f"{m[1]}-{m[2]}-{m[3]}") if m else None


def extract(data: bytes, path: str) -> Extracted:
    """Each page's text and the metadata of the PDF in ``data``, read in a child process.
    Raises :class:`ReadError` when the file cannot be read, with the reason."""
    context = _context()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, data, MAX_READER_MEMORY), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(MAX_PDF_SECONDS):
            raise ReadError(path, f"reading it took over {MAX_PDF_SECONDS} s: skipped")
        result = receive.recv()
    except EOFError:
        child.join(5)
        raise ReadError(path, "the PDF reader stopped on it: it needs more than "
                              f"{MAX_READER_MEMORY // 2**20} MB of memory, or the file is "
                              f"damaged (exit {child.exitcode}): skipped") from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    if isinstance(result, str):
        raise ReadError(path, result)
    return result


def _context() -> Any:
    """Children forked from a server process that has imported only the reader: fast to
    start, and free of the indexing process's threads and memory."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(["index.readers.pdf_child"])
    return context


def _child(send: Connection, data: bytes, memory: int) -> None:
    from index.readers.pdf_child import read_pages

    try:
        send.send(read_pages(data, memory))
    except MemoryError:
        send.send(f"reading it needs more than {memory // 2**20} MB of memory: skipped")
    except Exception as exc:  # the reader's own failure on this file, said as its reason
        send.send(f"the PDF cannot be read ({type(exc).__name__}: {exc}): skipped")
    finally:
        send.close()


def clean_page(text: str) -> str:
    """A page's text as pdfium gives it, with plain line breaks and no control characters."""
    return _NOT_TEXT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
