"""Saved searches as Atom feeds: a query's newest results, for any feed reader to follow.

Written with the standard library's ElementTree, which escapes every title, snippet and
address. Each entry's id is derived from the document's id alone, so a reader sees the
same entry as the same item on every fetch; its ``updated`` is the document's date.
"""

from __future__ import annotations

import datetime as _dt
import uuid
import xml.etree.ElementTree as ET
from typing import Callable

from search.engine import Hit, Results

ATOM = "http://www.w3.org/2005/Atom"
#: What the feed's own id is derived from, with the query (a feed per query).
_FEED_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "search:feed")
_ENTRY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "search:document")


def _timestamp(day: str | None, fallback: str) -> str:
    """``2026-12-04`` as an Atom date (midnight, UTC); ``fallback`` when it is not a date."""
    try:
        return _dt.date.fromisoformat(day or "").isoformat() + "T00:00:00Z"
    except ValueError:
        return fallback


def atom(results: Results, *, title: str, self_url: str, page_url: str,
         document_url: Callable[[Hit], str], now: _dt.datetime | None = None) -> str:
    """The Atom feed of ``results``: their hits, newest first when sorted so.

    ``self_url`` is the feed's own address, ``page_url`` the results page it follows,
    ``document_url`` gives each entry's link.
    """
    now = now or _dt.datetime.now(_dt.timezone.utc)
    fallback = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "title", title)
    _add(feed, "id", uuid.uuid5(_FEED_NAMESPACE, results.query).urn)
    stamps = [_timestamp(hit.date, fallback) for hit in results.hits]
    _add(feed, "updated", max(stamps, default=fallback))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page_url, type="text/html")
    _add(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", "search")
    for hit, stamp in zip(results.hits, stamps):
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _add(entry, "title", hit.title or hit.id)
        _add(entry, "id", uuid.uuid5(_ENTRY_NAMESPACE, hit.id).urn)
        _add(entry, "updated", stamp)
        page = f"#page-{hit.page}" if hit.page else ""  # a PDF's hit opens at its page
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=document_url(hit) + page)
        if hit.author:
            _add(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", hit.author)
        summary = "".join(text for text, _ in hit.snippet)
        if summary:
            _add(entry, "summary", summary).set("{http://www.w3.org/XML/1998/namespace}lang", hit.lang)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True)


def _add(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = _printable(text)
    return element


def _printable(text: str) -> str:
    """``text`` without the control characters XML cannot hold (they would make the feed
    unreadable)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or (ch >= " " and ch not in "\ufffe\uffff"
                                                             and not "\ud800" <= ch <= "\udfff"))
