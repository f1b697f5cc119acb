"""Which documents and files are live: the one truth for incremental runs and counts.

A file's documents may be written over several commits (a large JSON Lines file does).
Its *file record*, a document with no text that holds the file's path and content hash,
is written in the commit that holds the file's last document. So a file is indexed,
whole, exactly when its record is live; a run killed halfway through a file leaves no
record for it, and the next run reads the file again and replaces what was written.

Deleted documents keep their terms in Whoosh's term dictionary until a merge, so the
dictionary alone would still list removed and replaced files: here a term counts only
through its live postings.
"""

from __future__ import annotations

from typing import Any

#: The id prefix of file records. Document ids never hold a NUL character
#: (:meth:`index.documents.Document.cleaned` removes it), so no document's id can clash.
RECORD_PREFIX = "\x00file\x00"


def record_fields(path: str, sha: str) -> dict[str, Any]:
    """The fields of the file record of ``path`` (as the index names it) at content ``sha``."""
    return {"id": RECORD_PREFIX + path, "file": path, "filekey": f"{path}\t{sha}"}


def live_files(reader: Any) -> dict[str, str]:
    """``{path: content hash}`` of every file whose record is live in ``reader``'s index."""
    files: dict[str, str] = {}
    for leaf, _ in reader.leaf_readers():
        deleted = leaf.deleted_docs_set if leaf.has_deletions() else None
        for key in leaf.lexicon("filekey"):
            if deleted is not None and all(
                    d in deleted for d in leaf.postings("filekey", key).all_ids()):
                continue
            path, _, sha = key.decode("utf-8").rpartition("\t")
            files[path] = sha
    return files

