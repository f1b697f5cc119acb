"""HTML pages: the main text, without scripts, styles, menus and page furniture.

Parsed with lexbor (through selectolax): a C parser whose time grows with the page's
length whatever its markup. The standard library's parser rescans unclosed tags, so 200 KB
of crafted markup took it 52 s; lexbor reads it in milliseconds, nests 10,000 levels deep
without recursion, and repairs broken markup as browsers do. Its time does grow with the
square of the nesting depth (100,000 levels took 27 s), so a page nested deeper than any
real one (:data:`MAX_DEPTH`) is read as text with its tags removed, with a warning.
"""

from __future__ import annotations

import html
import re
from typing import Any

from index.documents import Document, is_language_code, parse_date
from index.readers.source import Source
from index.readers.text import tidy

#: Elements whose text is not the page's text.
SKIP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template",
        "svg", "iframe", "button", "select", "menu", "head")
#: Elements that end a line of text: their words are not joined to the next element's.
BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
          "section", "article", "blockquote", "pre", "table", "ul", "ol", "dd", "dt",
          "figcaption", "hr")


#: Deeper nesting is not parsed (real pages stay under a hundred levels).
MAX_DEPTH = 2000
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*?(/?)>")
#: A tag, or a stray ``<`` with no ``>`` before the next ``<``: linear however it is crafted.
_ANY_TAG = re.compile(r"<[^<>]*>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr", "p", "li", "dt", "dd", "option"})


def nesting_depth(text: str, stop: int = MAX_DEPTH) -> int:
    """How deep the page's elements nest, counted from its tags (up to ``stop``)."""
    depth = deepest = 0
    for m in _TAG.finditer(text):
        if m[2].lower() in _VOID or m[3]:
            continue
        depth = max(0, depth - 1) if m[1] else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > stop:
                break
    return deepest


def read_html(source: Source) -> list[Document]:
    text = source.text
    if nesting_depth(text) > MAX_DEPTH:
        source.warnings.append(f"elements nested over {MAX_DEPTH:,} deep: read as text without "
                               "its markup")
        body = tidy(html.unescape(_ANY_TAG.sub("\n", text)))
        title, _, body = body.partition("\n")
        return [Document(id=source.doc_id, title=title, text=body.lstrip(), path=source.path)]
    from selectolax.lexbor import LexborHTMLParser  # only runs that read pages load it

    tree = LexborHTMLParser(text)
    meta = _meta(tree)
    title = tidy(_text_of(tree, "title")) or tidy(_text_of(tree, "h1"))
    root = tree.body or tree.root
    body = ""
    if root is not None:
        root.strip_tags(list(SKIP))
        for node in root.css(", ".join(BLOCKS)):
            node.insert_after("\n")
        body = tidy(root.text(deep=True, separator=""))
    if not title:
        title, _, body = body.partition("\n")
    elif body.startswith(title):
        body = body[len(title):].lstrip()  # the page's h1 repeats its title
    page = tree.css_first("html")
    lang = page.attributes.get("lang") if page is not None else None
    if not is_language_code(lang):
        lang = None  # a page's own word on its language is a hint: detection decides otherwise
    return [Document(
        id=source.doc_id, title=title, text=body, lang=lang,
        date=parse_date(meta.get("article:published_time") or meta.get("date")),
        url=meta.get("og:url") or meta.get("canonical"),
        source=meta.get("og:site_name"), path=source.path)]


def _text_of(tree: Any, tag: str) -> str:
    node = tree.css_first(tag)
    return node.text(deep=True, separator="") if node is not None else ""


def _meta(tree: Any) -> dict[str, str]:
    """``<meta property|name=... content=...>`` by lower-cased key, and the canonical link."""
    meta: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or ""
        if key and attrs.get("content"):
            meta.setdefault(key.lower(), attrs["content"] or "")
    for node in tree.css("link"):
        attrs = node.attributes
        if (attrs.get("rel") or "").lower() == "canonical" and attrs.get("href"):
            meta.setdefault("canonical", attrs["href"] or "")
    return meta
