"""The part of PDF reading that runs in the child process (see :mod:`index.readers.pdf`).

It caps its own memory, opens the PDF with pdfium, and returns each page's text, or a
string saying why the file cannot be read.
"""

from __future__ import annotations

import resource
from contextlib import contextmanager
from typing import Iterator

import psutil
import pypdfium2 as pdfium

from index.readers.ocr import ocr_languages, ocr_page
from index.readers.pdf import Extracted, clean_page

#: pdfium's reasons a document does not load, by its error code.
_LOAD_ERRORS = {
    2: "the file could not be opened",
    3: "not a PDF, or damaged beyond reading",
    4: "encrypted with a password: it cannot be read without it",
    5: "protected by a security handler pdfium lacks",
    6: "uses a PDF feature pdfium does not support",
}
_METADATA = ("Title", "Author", "CreationDate", "ModDate")


def read_pages(data: bytes, memory: int) -> Extracted | str:
    """The text of each page of the PDF in ``data``, using at most ``memory`` more bytes."""
    _cap_memory(memory)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code: int = getattr(exc, "err_code", None) or 0
        return _LOAD_ERRORS.get(code, f"cannot be opened as a PDF ({exc})") + ": skipped"
    try:
        pages = []
        for index in range(len(document)):
            pages.append(_page_text(document, index))
        metadata = {k: v for k, v in document.get_metadata_dict(skip_empty=True).items()
                    if k in _METADATA}
        read, languages = _read_scans(document, pages)
        return Extracted(pages, metadata, read, bool(languages))
    finally:
        document.close()


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    """The text of page ``index``: what lies within the page's box, as a reader sees it. A
    page pdfium cannot load (a broken page tree) has none."""
    with _page(document, index) as page:
        if page is None:
            return ""
        try:
            textpage = page.get_textpage()
            text = clean_page(textpage.get_text_bounded())
            textpage.close()
            return text
        except pdfium.PdfiumError:
            return ""


@contextmanager
def _page(document: pdfium.PdfDocument, index: int) -> Iterator[pdfium.PdfPage | None]:
    """Page ``index``, closed after the block; None when pdfium cannot load it."""
    try:
        page = document[index]
    except pdfium.PdfiumError:
        yield None
        return
    try:
        yield page
    finally:
        page.close()


def _read_scans(document: pdfium.PdfDocument, pages: list[str]) -> tuple[int, list[str]]:
    """Read by OCR the pages with no text, when OCR is installed: how many gave text, and
    the languages OCR has (asked only when a page has no text)."""
    empty = [i for i, text in enumerate(pages) if not text.strip()]
    languages = ocr_languages() if empty else []
    read = 0
    for index in empty if languages else []:
        with _page(document, index) as page:
            if page is not None:
                pages[index] = clean_page(ocr_page(page, languages))
        read += bool(pages[index].strip())
    return read, languages


def _cap_memory(memory: int) -> None:
    """Let this process reserve at most ``memory`` bytes more than it holds now."""
    limit = psutil.Process().memory_info().vms + memory
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or limit < hard:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
