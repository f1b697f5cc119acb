"""Documents into the index: language routing, batched durable commits, incremental files."""

from __future__ import annotations

import datetime as _dt
import os
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from analyzers import EXACT_LANGUAGES, FOLDED_LANGUAGES, canonical_language, detect_language
from analyzers.normalize import written_without_marks
from analyzers.registry import analysis_language

from index.bulkwrite import fewer_collections
from index.documents import Document
from index.errors import DocumentError, ReadError
from index.parallel import SegmentWorkers
from index.readers import MAX_FILE_BYTES, iter_files, read_file
from index.schema import body_field, exact_field, title_field
from index.store import IndexStore

#: A longer text is refused: Whoosh holds a document's postings in memory while indexing it.
MAX_DOCUMENT_CHARS = 8_000_000


@dataclass
class IndexReport:
    """What an indexing run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    files: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    languages: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


ProgressCallback = Callable[[int, int, int], None]
"""Called as ``progress(files_done, files_total, documents_done)``."""


def document_fields(doc: Document, filekey: str | None = None) -> dict[str, Any]:
    """The Whoosh fields of one document: the language decides which text fields it fills."""
    if len(doc.text) > MAX_DOCUMENT_CHARS:
        raise DocumentError(
            f"document {doc.id!r} has {len(doc.text):,} characters, over the limit of "
            f"{MAX_DOCUMENT_CHARS:,}: split it into smaller documents")
    lang = canonical_language(doc.lang) or detect_language(f"{doc.title}\n{doc.text}")
    doc.lang = lang
    alang = analysis_language(lang)
    values: dict[str, Any] = {
        "id": doc.id, "lang": lang, "alang": alang, "title": doc.title, "text": doc.text,
        title_field(alang): doc.title, body_field(alang): doc.text,
    }
    if alang in FOLDED_LANGUAGES:
        values[title_field(alang, True)] = doc.title
        values[body_field(alang, True)] = doc.text
        if written_without_marks(f"{doc.title}\n{doc.text}"):
            values["unmarked"] = alang
    if alang in EXACT_LANGUAGES:
        values[exact_field(alang)] = f"{doc.title}\n{doc.text}"
    if doc.date:
        values["date"] = doc.date
        values["day"] = _dt.datetime.strptime(doc.date, "%Y-%m-%d")
    for name in ("url", "source", "path"):
        value = getattr(doc, name)
        if value:
            values[name] = value
    if filekey:
        values["filekey"] = filekey
    return values


#: The most documents one commit holds. Batches start at ``batch_size`` and grow to
#: ``BATCH_GROWTH`` times what a run has committed, up to this: every commit adds a segment
#: per process, and every segment costs each query a lookup per word and a read per term
#: it holds (and the disk a dictionary). The first results are searchable after a small
#: commit; a large collection is written in few.
MAX_BATCH = 20_000
BATCH_GROWTH = 3


class Indexer:
    """Writes documents and files into one :class:`IndexStore`."""

    def __init__(self, store: IndexStore, *, batch_size: int = 2000, lock_timeout: float = 0.0,
                 max_file_bytes: int = MAX_FILE_BYTES, procs: int = 1) -> None:
        self.store = store
        self.procs = procs if store.path is not None else 1  # workers need a folder to write to
        self.batch_size = batch_size
        self.lock_timeout = lock_timeout
        self.max_file_bytes = max_file_bytes

    def _batch_limit(self, committed: int) -> int:
        """How many documents the next commit waits for, after ``committed`` in this run."""
        return max(self.batch_size, min(BATCH_GROWTH * committed, MAX_BATCH))

    def add(self, docs: Iterable[Document | Mapping[str, Any]], *, lang: str | None = None) -> IndexReport:
        """Add or replace (by id) documents, committing in batches (see :data:`MAX_BATCH`)."""
        report = IndexReport()
        start = time.monotonic()
        batch: list[dict[str, Any]] = []
        with self._workers() as workers:
            for value in docs:
                doc = Document.from_value(value)
                if lang and not doc.lang:
                    doc.lang = lang
                batch.append(document_fields(doc))
                report.languages[doc.lang or ""] += 1
                if len(batch) >= self._batch_limit(report.added):
                    self._commit(batch, [], workers)
                    report.added += len(batch)
                    batch = []
            if batch:
                self._commit(batch, [], workers)
                report.added += len(batch)
        report.seconds = time.monotonic() - start
        return report

    def delete(self, ids: Iterable[str]) -> int:
        """Delete documents by id; returns how many were found."""
        ids = list(ids)
        with self.store.writer(timeout=self.lock_timeout) as w:
            return sum(w.delete_by_term("id", str(i)) for i in ids)

    def delete_paths(self, paths: Iterable[str]) -> int:
        """Delete every document read from these files (absolute paths)."""
        with self.store.writer(timeout=self.lock_timeout) as w:
            return sum(w.delete_by_term("path", os.path.abspath(p)) for p in paths)

    def merge(self) -> tuple[int, int]:
        """Merge every segment into one; returns the segment counts before and after."""
        before = self.store.segment_count()
        if before > 1:
            with self.store.writer(timeout=self.lock_timeout, merge_all=True):
                pass
        return before, self.store.segment_count()

    @contextmanager
    def _workers(self) -> Iterator[SegmentWorkers | None]:
        """The processes that write an indexing run's commits, when there are several."""
        if self.procs <= 1:
            yield None
            return
        with self.store.segment_workers(self.procs) as workers:
            yield workers

    def _commit(self, docs: list[dict[str, Any]], delete_paths: list[str],
                workers: SegmentWorkers | None = None) -> None:
        # One id once per commit: the parallel writer cannot replace a document it has
        # not written yet, so a repeated id keeps only its last version.
        unique = list({fields["id"]: fields for fields in docs}.values())
        procs = self.procs if workers is not None and len(unique) >= 200 else 1
        with fewer_collections(), self.store.writer(timeout=self.lock_timeout, procs=procs,
                                                    workers=workers) as w:
            for path in delete_paths:
                w.delete_by_term("path", path)
            for fields in unique:
                w.update_document(**fields)

    def indexed_files(self) -> dict[str, str]:
        """``{path: content hash}`` of every file in the index."""
        reader = self.store.searcher().reader()
        known: dict[str, str] = {}
        for key in reader.lexicon("filekey"):
            path, _, sha = key.decode("utf-8", "surrogatepass").rpartition("\t")
            known[path] = sha
        return known

    def index_paths(self, paths: Iterable[str | os.PathLike[str]], *, lang: str | None = None,
                    progress: ProgressCallback | None = None,
                    committed: Callable[[list[str]], None] | None = None) -> IndexReport:
        """Index files and folders: skip unchanged files, update changed ones, remove vanished ones.

        ``committed(ids)`` is called after each durable commit with the ids it wrote.
        """
        start = time.monotonic()
        roots = [os.path.abspath(os.fspath(p)) for p in paths]
        report = IndexReport()
        known = self.indexed_files()
        files: list[str] = []
        for path, error in iter_files(list(roots)):
            if error is not None:
                report.failed.append((path, error.reason))
            else:
                files.append(path)
        with self._workers() as workers:
            seen: set[str] = set()
            batch: list[dict[str, Any]] = []
            replaced: list[str] = []
            docs_done = 0
            docs_committed = 0
            for n, path in enumerate(files, 1):
                seen.add(path)
                try:
                    read = read_file(path, max_bytes=self.max_file_bytes, known_sha=known.get(path))
                except ReadError as exc:
                    report.failed.append((path, exc.reason))
                    continue
                report.files += 1
                if read.unchanged:
                    report.unchanged += 1
                    continue
                filekey = f"{path}\t{read.sha}"
                fields_of_file = []
                try:
                    for doc in read.documents:
                        if lang and not doc.lang:
                            doc.lang = lang
                        fields_of_file.append(document_fields(doc, filekey))
                except DocumentError as exc:
                    report.failed.append((path, str(exc)))
                    continue
                for warning in read.warnings:
                    report.warnings.append((path, warning))
                if path in known:
                    replaced.append(path)
                    report.updated += len(fields_of_file)
                else:
                    report.added += len(fields_of_file)
                for f in fields_of_file:
                    report.languages[f["lang"]] += 1
                batch.extend(fields_of_file)
                docs_done += len(fields_of_file)
                if len(batch) >= self._batch_limit(docs_committed):
                    self._commit(batch, replaced, workers)
                    docs_committed += len(batch)
                    if committed:
                        committed([f["id"] for f in batch])
                    batch, replaced = [], []
                if progress:
                    progress(n, len(files), docs_done)
            failed_paths = {p for p, _ in report.failed}
            vanished = [p for p in known if p not in seen and p not in failed_paths
                        and any(p == r or p.startswith(r.rstrip(os.sep) + os.sep) for r in roots)]
            if batch or replaced or vanished:
                self._commit(batch, replaced + vanished, workers)
                if committed:
                    committed([f["id"] for f in batch])
        if vanished:
            report.removed = len(vanished)
        report.seconds = time.monotonic() - start
        return report
