"""Which documents and files are live: the one truth for incremental runs and counts.

A file's documents may be written over several commits (a large JSON Lines file's are).
Its last document carries the file's *key*, its path and content hash, so the key is
committed with the last of them: a file is indexed, whole, exactly when a live document
holds its key. A run killed halfway through a file leaves no key for it, and the next
run reads the file again and replaces what was written. The key rides on a document
rather than on a document of its own, so a collection of files costs queries no rows
beyond its documents.

Deleted documents keep their terms in Whoosh's term dictionary until a merge, so the
dictionary alone would still list removed and replaced files: here a term counts only
through its live postings.
"""

from __future__ import annotations

from typing import Any


def mark_whole(fields: dict[str, Any], path: str, sha: str) -> None:
    """Make ``fields``, a file's last document, say that ``path`` at content ``sha`` is indexed."""
    fields["filekey"] = f"{path}\t{sha}"


def live_files(reader: Any) -> dict[str, str]:
    """``{path: content hash}`` of every file whose key a live document holds."""
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
