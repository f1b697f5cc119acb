"""Snippets cut from the stored text at the offsets kept in the postings.

No analysis runs at query time: each matched term's postings give the
character spans of its occurrences in the document, and the snippet is the
window with the most distinct matched terms. A snippet is data,
``[(text, is_match), ...]``; the shells decide how to show a match.
"""

from __future__ import annotations

import regex

Snippet = list[tuple[str, bool]]

#: The snippet's length in characters, about two lines of a results page.
WIDTH = 260
_ELLIPSIS = "…"
_BOUNDARY = regex.compile(r"[\s]")


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, frozenset[str]]]:
    merged: list[tuple[int, int, frozenset[str]]] = []
    for start, end, term in sorted(spans):
        if merged and start <= merged[-1][1]:
            s0, e0, ts = merged[-1]
            merged[-1] = (s0, max(e0, end), ts | {term})
        else:
            merged.append((start, end, frozenset({term})))
    return merged


def _best_window(merged: list[tuple[int, int, frozenset[str]]], width: int) -> int:
    best_start, best_key = 0, (-1, -1)
    for i, (start, _, _) in enumerate(merged):
        covered: set[str] = set()
        count = 0
        for _, e, ts in merged[i:]:
            if e > start + width:
                break
            covered |= ts
            count += 1
        key = (len(covered), count)
        if key > best_key:
            best_key, best_start = key, start
    return best_start


def make_snippet(text: str, spans: list[tuple[int, int, str]], width: int = WIDTH) -> Snippet:
    """The best window of ``text`` around ``spans``, as ``[(text, is_match), ...]``."""
    return cut_snippet(text, spans, width)[0]


def cut_snippet(text: str, spans: list[tuple[int, int, str]],
                width: int = WIDTH) -> tuple[Snippet, int]:
    """:func:`make_snippet`'s snippet, and the offset in ``text`` of its first match (of its
    start when it marks none): where a page number for it is looked up."""
    if not text:
        return [], 0
    merged = _merge([s for s in spans if 0 <= s[0] < s[1] <= len(text)])
    if merged:
        first = _best_window(merged, width)
        start = max(0, first - width // 4)
    else:
        start = 0
    end = min(len(text), start + width)
    # Move the edges to word boundaries, never cutting a match.
    if start > 0:
        m = _BOUNDARY.search(text, start, min(len(text), start + 30))
        if m and (not merged or m.end() <= merged[0][0] or m.end() <= first):
            start = m.end()
    if end < len(text):
        cut = text.rfind(" ", max(start, end - 30), end)
        if cut > start:
            end = cut
    parts, anchor = _window_parts(text, merged, start, end)
    return [(" ".join(t.split("\n")) if not m else t, m) for t, m in parts if t], anchor


def _window_parts(text: str, merged: list[tuple[int, int, frozenset[str]]], start: int,
                  end: int) -> tuple[Snippet, int]:
    """``text[start:end]`` with its matches marked, and where its first match starts."""
    parts: Snippet = [(_ELLIPSIS, False)] if start > 0 else []
    pos = start
    anchor: int | None = None
    for s, e, _ in merged:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        anchor = s if anchor is None else anchor
        if s > pos:
            parts.append((text[pos:s], False))
        parts.append((text[s:e], True))
        pos = e
    if pos < end:
        parts.append((text[pos:end], False))
    if end < len(text):
        parts.append((_ELLIPSIS, False))
    return parts, start if anchor is None else anchor


def mark_all(text: str, spans: list[tuple[int, int, str]]) -> Snippet:
    """The whole ``text`` with every span marked: for showing a document."""
    parts: Snippet = []
    pos = 0
    for s, e, _ in _merge([s for s in spans if 0 <= s[0] < s[1] <= len(text)]):
        if s > pos:
            parts.append((text[pos:s], False))
        parts.append((text[s:e], True))
        pos = e
    if pos < len(text):
        parts.append((text[pos:], False))
    return parts


def split_pages(parts: Snippet, starts: list[int] | None) -> list[Snippet]:
    """A whole text's ``parts`` (as :func:`mark_all` gives them) cut where each page
    starts: a list of pages, each its own parts. One page when ``starts`` is empty."""
    if not starts:
        return [parts]
    pages: list[Snippet] = [[]]
    pos, cuts = 0, iter(starts[1:])
    cut = next(cuts, None)
    for text, match in parts:
        while cut is not None and cut < pos + len(text):
            head, text = text[:cut - pos], text[cut - pos:]
            if head:
                pages[-1].append((head, match))
            pages.append([])
            pos, cut = cut, next(cuts, None)
        pages[-1].append((text, match))
        pos += len(text)
    while cut is not None:  # pages at the very end with no text of their own
        pages.append([])
        cut = next(cuts, None)
    return pages
