"""JSON and JSON Lines: records with ``id``, ``title``, ``text`` and optional metadata.

A JSON file holds one record, a list of them, or ``{"documents": [...]}``. A JSON Lines
file holds a record a line; lines end at ``\\n`` only (U+2028 inside a string is text, not a
line end), and a broken line is skipped with a warning while the others are read.
"""

from __future__ import annotations

import json
from typing import Any

from index.documents import Document
from index.errors import DocumentError, ReadError
from index.readers.source import Source


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


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None


def read_json(source: Source) -> list[Document]:
    path, doc_id = source.path, source.doc_id
    try:
        value = _loads(source.text)
    except ValueError as exc:
        raise ReadError(path, f"invalid JSON: {exc}") from exc
    if isinstance(value, dict) and isinstance(value.get("documents"), list):
        value = value["documents"]
    records = value if isinstance(value, list) else [value]
    try:
        return [_record(r, path, f"{doc_id}#{n}") for n, r in enumerate(records, 1)]
    except DocumentError as exc:
        raise ReadError(path, str(exc)) from exc


def read_jsonl(source: Source) -> list[Document]:
    path, doc_id, warnings = source.path, source.doc_id, source.warnings
    docs = []
    text = source.text
    before = len(warnings)
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            docs.append(_record(_loads(line), path, f"{doc_id}#{n}"))
        except (ValueError, DocumentError) as exc:
            warnings.append(f"line {n} skipped: {exc}")
    if not docs and len(warnings) > before:
        raise ReadError(path, f"no valid JSON record ({warnings[before]})")
    return docs
