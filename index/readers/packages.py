"""Documents that are zip packages of XML: Word (``.docx``), OpenDocument text (``.odt``) and
EPUB books (``.epub``).

Read with the standard library's ``zipfile`` and ElementTree (whose expat refuses entity
expansion bombs), in memory: nothing is written out, so no path inside a package can
reach outside it. What a package unpacks to is capped (:data:`MAX_UNPACKED`), whatever its
headers claim, so a zip bomb costs only the cap. Title, author and date come from the
package's metadata where it has them; an EPUB gives a document a chapter.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from typing import Iterator

from index.documents import Document, parse_date
from index.errors import ReadError
from index.readers.html import read_html
from index.readers.source import Source
from index.readers.text import tidy

#: The most bytes a package's members are read to, together.
MAX_UNPACKED = 64 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODF_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF = "{http://www.idpf.org/2007/opf}"


class _Package:
    """A zip package's members, read with a budget of unpacked bytes."""

    def __init__(self, archive: zipfile.ZipFile, kind: str, path: str) -> None:
        self.archive = archive
        self.kind = kind
        self.path = path
        self.budget = MAX_UNPACKED

    def read(self, name: str) -> bytes:
        try:
            with self.archive.open(name) as member:
                data = member.read(self.budget + 1)
        except KeyError:
            raise ReadError(self.path, f"not a {self.kind} file: it has no {name}") from None
        if len(data) > self.budget:
            raise ReadError(self.path, f"the {self.kind} file unpacks to more than "
                            f"{MAX_UNPACKED // 2**20} MB: skipped (a zip bomb, or split it)")
        self.budget -= len(data)
        return data

    def xml(self, name: str) -> ET.Element:
        try:
            return ET.fromstring(self.read(name))
        except ET.ParseError as exc:
            raise ReadError(self.path, f"the {self.kind} file's {name} is not well-formed XML "
                            f"({exc})") from None

    def has(self, name: str) -> bool:
        return name in self.archive.NameToInfo


@contextmanager
def _package(source: Source, kind: str) -> Iterator[_Package]:
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as archive:
            if any(info.flag_bits & 0x1 for info in archive.infolist()):
                raise ReadError(source.path, f"the {kind} file is encrypted: it cannot be read")
            yield _Package(archive, kind, source.path)
    except zipfile.BadZipFile as exc:
        raise ReadError(source.path, f"not a {kind} file: it is not a zip package ({exc})") from None
    except (NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:  # a damaged member
        raise ReadError(source.path, f"the {kind} file cannot be unpacked ({exc})") from None


def _text(element: ET.Element | None) -> str:
    return tidy("".join(element.itertext())) if element is not None else ""


def read_docx(source: Source) -> list[Document]:
    with _package(source, "Word") as package:
        body = package.xml("word/document.xml")
        core = package.xml("docProps/core.xml") if package.has("docProps/core.xml") else None
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in body.iter(f"{_W}p")]
    text = tidy("\n".join(paragraphs))
    title = _text(core.find(f"{_DC}title")) if core is not None else ""
    if not title:
        title, _, text = text.partition("\n")
    date = None
    if core is not None:
        date = parse_date(_text(core.find(f"{_DCTERMS}created")) or _text(core.find(f"{_DCTERMS}modified")))
    author = _text(core.find(f"{_DC}creator")) if core is not None else ""
    return [Document(id=source.doc_id, title=title, text=text.lstrip(), date=date,
                     author=author or None, path=source.path)]


def read_odt(source: Source) -> list[Document]:
    with _package(source, "OpenDocument") as package:
        content = package.xml("content.xml")
        meta = package.xml("meta.xml") if package.has("meta.xml") else None
    blocks = [_text(e) for e in content.iter() if e.tag in (f"{_ODF_TEXT}p", f"{_ODF_TEXT}h")]
    text = "\n".join(b for b in blocks if b)
    title = _text(meta.find(f".//{_DC}title")) if meta is not None else ""
    if not title:
        title, _, text = text.partition("\n")
    date = author = None
    if meta is not None:
        date = parse_date(_text(meta.find(f".//{_ODF_META}creation-date"))
                          or _text(meta.find(f".//{_DC}date")))
        author = _text(meta.find(f".//{_ODF_META}initial-creator")) or _text(meta.find(f".//{_DC}creator"))
    return [Document(id=source.doc_id, title=title, text=text.lstrip(), date=date,
                     author=author or None, path=source.path)]


def read_epub(source: Source) -> list[Document]:
    """A book: a document for each chapter of its reading order (its spine)."""
    with _package(source, "EPUB") as package:
        rootfile = package.xml("META-INF/container.xml").find(f".//{_CONTAINER}rootfile")
        opf_path = rootfile.get("full-path", "") if rootfile is not None else ""
        opf = package.xml(opf_path)
        book = _text(opf.find(f".//{_DC}title"))
        date = parse_date(_text(opf.find(f".//{_DC}date")))
        author = _text(opf.find(f".//{_DC}creator")) or None
        chapters = [_chapter(package, href, source) for href in _spine(opf, opf_path, source)]
    out = []
    for n, chapter in enumerate(c for c in chapters if c is not None and c.text):
        chapter.id = source.doc_id if n == 0 else f"{source.doc_id}#{n + 1}"
        chapter.title = f"{book} — {chapter.title}" if book and chapter.title and chapter.title != book \
            else book or chapter.title
        chapter.date, chapter.author = date, author
        out.append(chapter)
    return out


def _spine(opf: ET.Element, opf_path: str, source: Source) -> list[str]:
    """The members of the book's reading order, as paths inside the package."""
    items = {item.get("id"): item.get("href", "") for item in opf.iter(f"{_OPF}item")}
    base = posixpath.dirname(opf_path)
    out = []
    for ref in opf.iter(f"{_OPF}itemref"):
        href = items.get(ref.get("idref"), "").split("#")[0]
        path = posixpath.normpath(posixpath.join(base, href)) if href else ""
        if not path or path.startswith(("../", "/")) or path == "..":
            source.warnings.append(f"chapter {href!r} points outside the book: skipped")
            continue
        out.append(path)
    return out


def _chapter(package: _Package, path: str, source: Source) -> Document | None:
    if not package.has(path):
        source.warnings.append(f"chapter {path} is missing from the book: skipped")
        return None
    page = Source(source.path, source.doc_id, package.read(path), source.warnings)
    return read_html(page)[0]
