"""Files in, documents out: .txt, .md, .html/.htm, .json and .jsonl.

Encodings are detected (UTF-8, UTF-16/32 with a BOM, cp1251, KOI8-R ...);
a file that cannot be read raises :class:`ReadError` with the reason, and a
JSON Lines file with some broken lines yields its good records and a warning
per broken line.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Callable, Iterator

from index.documents import Document, parse_date
from index.errors import DocumentError, ReadError

#: Files larger than this are refused by default: they would be held in memory whole.
MAX_FILE_BYTES = 64 * 1024 * 1024

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_SEED_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+(\S+)\s*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass
class FileDocuments:
    """What one file holds: its documents, and warnings for parts that were skipped."""

    path: str
    sha: str
    documents: list[Document]
    warnings: list[str] = field(default_factory=list)
    unchanged: bool = False


def file_id(path: str) -> str:
    """A stable id for a document read from ``path`` (its absolute path, hashed)."""
    return hashlib.sha1(path.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def decode(data: bytes, path: str) -> str:
    """Bytes to text: a BOM, else UTF-8, else the most likely legacy encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadError(path, f"starts with a {encoding} mark but is not {encoding}: "
                                      f"{exc.reason} at byte {exc.start}") from exc
    if b"\x00" in data[:8192]:
        raise ReadError(path, "binary data (NUL bytes), not text: remove it or convert it to text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:1_000_000]).best()
        if best is None:
            raise ReadError(path, "not text in any known encoding: convert it to UTF-8") from None
        text = data.decode(best.encoding, errors="replace")
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) > len(sample) // 100 + 1:
        raise ReadError(path, "binary data (control characters), not text")
    return text


class _HTMLText(HTMLParser):
    """Main text of a page: skips scripts, styles, navigation and page furniture."""

    _SKIP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form",
             "template", "svg", "iframe", "button", "select", "menu", "head"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
              "article", "blockquote", "pre", "table", "ul", "ol", "dd", "dt", "figcaption"}
    _VOID = {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed",
             "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.lang: str | None = None
        self._skip_depth = 0
        self._stack: list[str] = []
        self._open: Counter[str] = Counter()  # tags on the stack: membership in O(1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.lang = a["lang"]
        if tag == "meta":
            key = a.get("property") or a.get("name") or ""
            if key and a.get("content"):
                self.meta[key.lower()] = a["content"]
        if tag == "link" and a.get("rel", "").lower() == "canonical" and a.get("href"):
            self.meta.setdefault("canonical", a["href"])
        if tag in self._VOID:
            if tag == "br":
                self.parts.append("\n")
            return
        self._stack.append(tag)
        self._open[tag] += 1
        if tag in self._SKIP and tag != "head":
            self._skip_depth += 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._VOID or not self._open[tag]:
            return
        while self._stack:
            top = self._stack.pop()
            self._open[top] -= 1
            if top in self._SKIP and top != "head":
                self._skip_depth -= 1
            if top == tag:
                break
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._open["title"]:
            self.title_parts.append(data)
            return
        if self._skip_depth or self._open["head"]:
            return
        if self._open["h1"]:
            self.h1_parts.append(data)
        self.parts.append(data)


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _read_html(text: str, path: str, doc_id: str) -> list[Document]:
    parser = _HTMLText()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError, RecursionError) as exc:
        raise ReadError(path, f"broken HTML ({exc})") from exc
    body = _tidy("".join(parser.parts))
    title = _tidy("".join(parser.title_parts)) or _tidy("".join(parser.h1_parts))
    if not title:
        title, _, body = body.partition("\n")
    elif body.startswith(title):
        body = body[len(title):].lstrip()  # the page's h1 repeats its title
    meta = parser.meta
    return [Document(
        id=doc_id, title=title, text=body, lang=parser.lang,
        date=parse_date(meta.get("article:published_time") or meta.get("date")),
        url=meta.get("og:url") or meta.get("canonical"),
        source=meta.get("og:site_name"), path=path)]


def _read_plain(text: str, path: str, doc_id: str, markdown: bool = False) -> list[Document]:
    lines = text.splitlines()
    date = url = None
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines):
        m = _SEED_HEADER.match(lines[i])
        if m:
            date, url = m.group(1), m.group(2)
            i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    title = lines[i].strip() if i < len(lines) else ""
    if markdown:
        title = title.lstrip("#").strip()
    body = "\n".join(lines[i + 1:]).strip("\n")
    return [Document(id=doc_id, title=title, text=body, date=date, url=url, path=path)]


def _record(value: Any, path: str, fallback_id: str) -> Document:
    if not isinstance(value, dict):
        raise DocumentError(f"a record is {type(value).__name__}, not an object")
    record = dict(value)
    if record.get("id") in (None, ""):
        record["id"] = fallback_id
    if "text" not in record:
        record["text"] = record.get("body") or record.get("content") or ""
    doc = Document.from_value(record)
    doc.path = path
    return doc


def _read_json(text: str, path: str, doc_id: str) -> list[Document]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ReadError(path, f"invalid JSON: {exc}") from exc
    if isinstance(value, dict) and isinstance(value.get("documents"), list):
        value = value["documents"]
    records = value if isinstance(value, list) else [value]
    try:
        return [_record(r, path, f"{doc_id}#{n}") for n, r in enumerate(records, 1)]
    except DocumentError as exc:
        raise ReadError(path, str(exc)) from exc


def _read_jsonl(text: str, path: str, doc_id: str, warnings: list[str]) -> list[Document]:
    docs = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            docs.append(_record(json.loads(line), path, f"{doc_id}#{n}"))
        except (ValueError, DocumentError) as exc:
            warnings.append(f"line {n} skipped: {exc}")
    if not docs and warnings:
        raise ReadError(path, f"no valid JSON record ({warnings[0]})")
    return docs


Reader = Callable[[str, str, str], list[Document]]

#: File name endings this module reads.
EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")


def read_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES,
              known_sha: str | None = None) -> FileDocuments:
    """Read the documents in one file. Raises :class:`ReadError` with the reason.

    When the content hash equals ``known_sha`` the file is not parsed and the
    result says ``unchanged``.
    """
    p = os.path.abspath(os.fspath(path))
    ext = os.path.splitext(p)[1].lower()
    if ext not in EXTENSIONS:
        raise ReadError(p, f"unsupported file type {ext or '(none)'!r}: "
                           f"supported are {', '.join(EXTENSIONS)}")
    try:
        size = os.path.getsize(p)
        if size > max_bytes:
            raise ReadError(p, f"{size / 2**20:.0f} MiB is over the {max_bytes / 2**20:.0f} MiB limit "
                               "for one file: split it, or raise max_file_bytes")
        with open(p, "rb") as f:
            data = f.read(max_bytes + 1)
    except PermissionError as exc:
        raise ReadError(p, "permission denied: make it readable") from exc
    except OSError as exc:
        raise ReadError(p, exc.strerror or str(exc)) from exc
    sha = hashlib.sha1(data).hexdigest()
    if sha == known_sha:
        return FileDocuments(p, sha, [], unchanged=True)
    text = decode(data, p)
    doc_id = file_id(p)
    warnings: list[str] = []
    if ext in (".html", ".htm"):
        docs = _read_html(text, p, doc_id)
    elif ext == ".json":
        docs = _read_json(text, p, doc_id)
    elif ext == ".jsonl":
        docs = _read_jsonl(text, p, doc_id, warnings)
    else:
        docs = _read_plain(text, p, doc_id, markdown=ext in (".md", ".markdown"))
    docs = [d for d in docs if d.title.strip() or d.text.strip()]
    if not docs:
        raise ReadError(p, "no text in it")
    return FileDocuments(p, sha, [d.cleaned() for d in docs], warnings)


def iter_files(paths: list[str | os.PathLike[str]]) -> Iterator[tuple[str, ReadError | None]]:
    """Every readable-looking file under ``paths`` (recursively), once, in a stable order.

    Yields ``(path, None)`` per file, or ``(path, ReadError)`` for a path that does
    not exist or cannot be listed. Symbolic links to folders are followed once:
    loops are cut.
    """
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        p = os.path.abspath(os.fspath(given))
        if not os.path.exists(p):
            yield p, ReadError(p, "no such file or folder")
            continue
        if os.path.isfile(p):
            yield p, None
            continue
        stack = [p]
        while stack:
            folder = stack.pop()
            try:
                st = os.stat(folder)
            except OSError as exc:
                yield folder, ReadError(folder, exc.strerror or str(exc))
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                continue
            seen_dirs.add(key)
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                yield folder, ReadError(folder, exc.strerror or str(exc))
                continue
            subdirs = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir():
                        subdirs.append(entry.path)
                    elif entry.is_file() and entry.name.lower().endswith(EXTENSIONS):
                        yield entry.path, None
                except OSError as exc:
                    yield entry.path, ReadError(entry.path, exc.strerror or str(exc))
            stack.extend(reversed(subdirs))
