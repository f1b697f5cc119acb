"""The document: what goes into the index and what a search hit comes from."""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping
from urllib.parse import urlsplit

from analyzers import normalize_text

from index.errors import DocumentError

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
#: A lone surrogate (from a JSON escape such as "\\ud800"): text no index or page can hold.
_LANG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The longest source key kept: a facet label and a ``source:`` filter, not a description.
_SITE_CHARS = 80
#: The longest author kept: a name or a few, not a biography.
_AUTHOR_CHARS = 200


def site_key(text: str) -> str:
    """A source as the index keys it, and as ``source:`` filters by: an address or a host
    becomes its host without ``www.`` (``https://www.RT.com/news/1`` -> ``rt.com``), a
    name is lower-cased (``Reuters`` -> ``reuters``)."""
    text = text.strip().lower()
    host = urlsplit(text if "://" in text else "//" + text).hostname if text else None
    if host and "." in host and " " not in text.split("/")[0]:
        text = host
    text = text.removeprefix("www.")
    return text[:_SITE_CHARS]


def site_of(url: str | None, source: str | None) -> str | None:
    """Where a document comes from: its address's host, else its source (:func:`site_key`);
    None when it has neither. The host first: a collection's ``source`` is often a
    description (``baomoi.com via ...``), its addresses' hosts are what people filter by."""
    try:
        parts = urlsplit(url.strip()) if url else None
        host = parts.hostname if parts and parts.scheme.lower() in ("http", "https") else None
    except ValueError:  # a malformed address (an unclosed IPv6 bracket)
        host = None
    if host:
        return site_key(host)
    key = site_key(source) if source else ""
    return key or None


@dataclass
class Document:
    """One document. ``id``, ``title`` and ``text`` are required; the rest optional.

    ``lang`` is an ISO 639-1 code; when it is missing the language is detected.
    ``date`` is ``YYYY-MM-DD`` (a longer ISO timestamp is cut to its day).
    """

    id: str
    title: str
    text: str
    lang: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None
    path: str | None = None
    author: str | None = None
    #: Where each page starts in ``text`` (a PDF's): ``[0, 1520, 3012]`` for three pages.
    pages: list[int] | None = None

    @property
    def site(self) -> str | None:
        """Where the document comes from, for the source facet (:func:`site_of`)."""
        return site_of(self.url, self.source)

    @classmethod
    def from_value(cls, value: "Document | Mapping[str, Any]") -> "Document":
        """A :class:`Document` from itself or a dict (unknown keys are ignored)."""
        if isinstance(value, Document):
            doc = value
        elif isinstance(value, Mapping):
            known = {f.name for f in fields(cls)}
            kwargs = {k: v for k, v in value.items() if k in known}
            if kwargs.get("id") in (None, ""):
                raise DocumentError(
                    f"document without an id (title {str(value.get('title', ''))[:60]!r}): "
                    "give every document a non-empty 'id'")
            kwargs.setdefault("title", "")
            kwargs.setdefault("text", "")
            doc = cls(**kwargs)
        else:
            raise DocumentError(
                f"cannot index {type(value).__name__} {str(value)[:60]!r}: "
                "pass a dict with 'id', 'title' and 'text', or a search.Document")
        return doc.cleaned()

    def cleaned(self) -> "Document":
        """Check the fields and normalise text to NFC (the form offsets refer to)."""
        if not isinstance(self.id, (str, int)) or str(self.id).strip() == "":
            raise DocumentError(f"document id {self.id!r} is not a non-empty string: give it an id")
        for name in ("title", "text"):
            value = getattr(self, name)
            if value is None:
                setattr(self, name, "")
            elif not isinstance(value, str):
                raise DocumentError(
                    f"document {self.id!r}: {name} is {type(value).__name__}, not text: "
                    f"pass {name} as a string")
        if self.lang == "":
            self.lang = None
        if self.lang is not None and not is_language_code(self.lang):
            raise DocumentError(
                f"document {self.id!r}: lang {self.lang!r} is not a language code: give one "
                "code such as 'vi' or 'pt-BR', or leave it out to have the language detected")
        for name in ("url", "source", "path", "author"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                setattr(self, name, str(value))
        self.id = _text(str(self.id))
        self.title = normalize_text(_text(self.title)).strip()
        self.text = normalize_text(_text(self.text))
        for name in ("lang", "url", "source", "path", "author"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, _text(value))
        if self.author is not None:
            self.author = " ".join(self.author.split())[:_AUTHOR_CHARS] or None
        self.date = parse_date(self.date)
        self.pages = _page_starts(self.pages, len(self.text))
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def join_pages(pages: list[str]) -> tuple[str, list[int]]:
    """One text from a document's pages, a blank line between them, and where each page
    starts in it. Each page is cleaned as :meth:`Document.cleaned` cleans a text, so the
    starts stay true once the document is."""
    starts, parts, at = [], [], 0
    for page in pages:
        page = normalize_text(_text(page)).strip()
        starts.append(at)
        parts.append(page)
        at += len(page) + 2
    return "\n\n".join(parts), starts


def page_at(starts: list[int] | None, offset: int) -> int | None:
    """The page (from 1) holding character ``offset``, given the pages' ``starts``."""
    return bisect.bisect_right(starts, offset) if starts else None


def _page_starts(value: object, length: int) -> list[int] | None:
    """``value`` when it is page starts that fit a text of ``length``: ascending whole
    numbers from 0; anything else is dropped (a page number is a help, never an error)."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    starts = list(value)
    if not all(type(s) is int for s in starts) or starts[0] != 0 or starts[-1] > length:
        return None
    return starts if all(a <= b for a, b in zip(starts, starts[1:])) else None


def is_language_code(value: object) -> bool:
    """Whether ``value`` looks like a language code (``vi``, ``pt-BR``, ``zh_Hant``)."""
    return isinstance(value, str) and _LANG.fullmatch(value) is not None


def _text(value: str) -> str:
    """``value`` without NUL characters and lone surrogates (replaced by U+FFFD)."""
    return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))


def parse_date(value: object) -> str | None:
    """``YYYY-MM-DD`` from a date, a datetime or a string starting with one; else ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    m = _DATE.search(str(value)[:40])
    if not m:
        return None
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None
