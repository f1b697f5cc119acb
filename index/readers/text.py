"""Plain text and Markdown: the first line is the title, the rest the body.

A first line ``date YYYY-MM-DD URL`` (as news exports write) gives the date and address.
"""

from __future__ import annotations

import re

from index.documents import Document
from index.readers.source import Source

_SEED_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+(\S+)\s*$")


def tidy(text: str) -> str:
    """White space folded within lines, runs of blank lines folded to one."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def read_plain(source: Source, markdown: bool = False) -> list[Document]:
    lines = source.text.splitlines()
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
    return [Document(id=source.doc_id, title=title, text=body, date=date, url=url, path=source.path)]


def read_markdown(source: Source) -> list[Document]:
    return read_plain(source, markdown=True)
