"""Documents into the index: language routing, batched durable commits, incremental files."""

from __future__ import annotations

import datetime as _dt
import os
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from analyzers import EXACT_LANGUAGES, FOLDED_LANGUAGES, canonical_language, detect_language
from analyzers.normalize import written_without_marks
from analyzers.registry import analysis_language

from index.w3.bulkwrite import fewer_collections
from index.documents import Document
from index.errors import DocumentError, ReadError
from index.fingerprint import document_fingerprint
from index.vectors import content_key
from index.parallel import SegmentWorkers
from index.limits import MAX_DOCUMENT_CHARS, MAX_FILE_BYTES
from index.live import live_files, mark_whole
from index.readers import Found, index_path, iter_files, read_file, shown_path
from index.schema import body_field, exact_field, title_field
from index.store import IndexStore

@dataclass
class IndexReport:
    """What an indexing run did.

    ``failed`` lists the inputs skipped whole, with the reason; ``warnings`` the parts
    skipped (a broken line, a document over a limit, a repeated id) and links not followed.
    """

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    files: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    languages: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    commits: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["languages"] = dict(self.languages.most_common())
        data["failed"] = [{"path": p, "reason": r} for p, r in self.failed]
        data["warnings"] = [{"path": p, "warning": w} for p, w in self.warnings]
        return data


@dataclass
class Progress:
    """How far an indexing run is. ``bytes_done`` counts the files' bytes whose documents are
    written (a file's bytes shared among its documents by length), or passed over."""

    files_total: int
    bytes_total: int
    files_done: int = 0
    bytes_done: float = 0.0
    documents: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far; None before there is a rate."""
        elapsed = time.monotonic() - self.started
        if self.bytes_done <= 0 or elapsed < 1:
            return None
        return elapsed * (self.bytes_total - self.bytes_done) / self.bytes_done


ProgressCallback = Callable[[Progress], None]


def document_fields(doc: Document, file: str | None = None) -> dict[str, Any]:
    """The Whoosh fields of one document: the language decides which text fields it fills.

    ``file`` is the absolute path (as the index names it) the document was read from.
    """
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
        values["date"] = values["datekey"] = doc.date
        values["day"] = _dt.datetime.strptime(doc.date, "%Y-%m-%d")
    if doc.site:
        values["site"] = doc.site
    fingerprint = document_fingerprint(doc.title, doc.text)
    if fingerprint:
        values["simhash"] = fingerprint
    values["vkey"] = content_key(doc.title, doc.text)
    for name in ("url", "source", "path", "author", "pages"):
        value = getattr(doc, name)
        if value:
            values[name] = value
    if file:
        values["file"] = file
    return values


#: The most documents one commit holds. Batches start at ``batch_size`` and grow to
#: ``BATCH_GROWTH`` times what a run has committed, up to this: every commit adds a segment
#: per process, and every segment costs each query a lookup per word and a read per term
#: it holds (and the disk a dictionary). The first results are searchable after a small
#: commit; a large collection is written in few.
MAX_BATCH = 3_000
BATCH_GROWTH = 3
#: The most characters the first commit of a run holds: about 30 s of analysis on one
#: core, so that a first run stopped early still keeps something.
FIRST_BATCH_CHARS = 4_000_000
#: The most characters any commit holds: its postings are held in memory until it.
MAX_BATCH_CHARS = 200_000_000


def last_per_id(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One document an id in a commit, its last version: a writer cannot replace a document
    it has not written yet (the parallel one), nor order two of a bulk request (a cluster)."""
    return list({fields["id"]: fields for fields in docs}.values())


class Indexer:
    """Writes documents and files into one :class:`IndexStore`."""

    def __init__(self, store: IndexStore, *, batch_size: int = 2000, lock_timeout: float = 0.0,
                 max_file_bytes: int = MAX_FILE_BYTES, procs: int = 1,
                 commit_size: int | None = None) -> None:
        self.store = store
        self.procs = procs if store.path is not None else 1  # workers need a folder to write to
        self.batch_size = batch_size
        #: The most documents a commit holds (default :data:`MAX_BATCH`): what indexing
        #: holds in memory grows with it.
        self.commit_size = commit_size
        self.lock_timeout = lock_timeout
        self.max_file_bytes = max_file_bytes

    def batch_full(self, docs: int, chars: int, committed: int) -> bool:
        """Whether a batch of ``docs`` documents and ``chars`` characters is due for a commit,
        after ``committed`` documents in this run."""
        # A first commit cut short by FIRST_BATCH_CHARS grows the next ones as a full one would.
        most = self.commit_size or MAX_BATCH
        grown = BATCH_GROWTH * max(committed, self.batch_size) if committed else 0
        if docs >= min(max(self.batch_size, grown), most):
            return True
        return chars >= (FIRST_BATCH_CHARS if committed == 0 else MAX_BATCH_CHARS)

    def add(self, docs: Iterable[Document | Mapping[str, Any]], *, lang: str | None = None) -> IndexReport:
        """Add or replace (by id) documents, committing in batches (see :data:`MAX_BATCH`)."""
        report = IndexReport()
        start = time.monotonic()
        with self._workers() as workers:
            batch = _Batch(self, workers, report)
            for value in docs:
                doc = Document.from_value(value)
                if lang and not doc.lang:
                    doc.lang = lang
                fields = document_fields(doc)
                batch.add(fields)
                report.added += 1
                report.languages[fields["lang"]] += 1
            batch.commit()
        report.seconds = time.monotonic() - start
        return report

    def delete(self, ids: Iterable[str]) -> int:
        """Delete documents by id; returns how many were found."""
        ids = list(ids)
        with self.store.writer(timeout=self.lock_timeout) as w:
            return sum(w.delete_by_term("id", str(i)) for i in ids)

    def delete_paths(self, paths: Iterable[str]) -> int:
        """Delete every document read from these files; returns how many there were."""
        keys = [index_path(os.path.abspath(p)) for p in paths]
        with self.store.writer(timeout=self.lock_timeout) as w:
            return sum(w.delete_by_term("file", key) for key in keys)

    def remove(self, targets: Iterable[str]) -> int:
        """Delete by file path (of a file present or gone) or, where no file matches, by
        document id, in one commit; returns how many documents were deleted."""
        with self.store.writer(timeout=self.lock_timeout) as w:
            return sum(w.delete_by_term("file", index_path(os.path.abspath(t)))
                       or w.delete_by_term("id", t) for t in targets)

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

    def write(self, docs: list[dict[str, Any]], delete_files: list[str],
              workers: SegmentWorkers | None = None,
              progress: Callable[[dict[str, Any]], None] | None = None) -> None:
        """One durable commit: delete the documents of ``delete_files``, then add ``docs``
        (``progress(fields)`` is told as each is handed to the writer). Keys that start
        with ``_`` are the caller's, not fields."""
        unique = last_per_id(docs)
        procs = self.procs if workers is not None and len(unique) >= 200 else 1
        with fewer_collections(), self.store.writer(timeout=self.lock_timeout, procs=procs,
                                                    workers=workers) as w:
            for path in delete_files:
                w.delete_by_term("file", path)
            for fields in unique:
                w.update_document(**{k: v for k, v in fields.items() if not k.startswith("_")})
                if progress is not None:
                    progress(fields)

    def indexed_files(self) -> dict[str, str]:
        """``{path: content hash}`` of every file indexed whole (see :mod:`index.live`)."""
        return live_files(self.store.searcher().reader())

    def index_paths(self, paths: Iterable[str | os.PathLike[str]], *, lang: str | None = None,
                    progress: ProgressCallback | None = None,
                    committed: Callable[[list[str]], None] | None = None,
                    follow_links: bool = False) -> IndexReport:
        """Index files and folders: skip unchanged files, update changed ones, remove vanished ones.

        A file that cannot be read is skipped with its reason in the report, and the run
        goes on. ``committed(ids)`` is called after each durable commit with the ids it
        wrote; ``progress`` (see :class:`Progress`) as the work goes.
        """
        start = time.monotonic()
        roots = [os.path.abspath(os.fspath(p)) for p in paths]
        report = IndexReport()
        known = self.indexed_files()
        files = self._listed(roots, follow_links, report)
        sizes = [_size(f.path) for f in files]
        tracker = Progress(len(files), sum(sizes))
        run = _FileRun(self, report, known, lang, tracker, progress)
        with self._workers() as workers:
            run.batch = _Batch(self, workers, report, committed, run.written)
            for found, size in zip(files, sizes):
                run.read(found, size)
            vanished = _vanished(known, run.seen, report, roots)
            run.batch.deletes.extend(vanished)
            run.batch.commit()
        report.removed = len(vanished)
        report.seconds = time.monotonic() - start
        return report

    @staticmethod
    def _listed(roots: list[str], follow_links: bool, report: IndexReport) -> list[Found]:
        files = []
        for found in iter_files(list(roots), follow_links=follow_links):
            if found.error is not None:
                report.failed.append((found.error.path, found.error.reason))
            elif found.note is not None:
                report.warnings.append((index_path(found.path), found.note))
            else:
                files.append(found)
        return files


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _vanished(known: dict[str, str], seen: set[str], report: IndexReport, roots: list[str]) -> list[str]:
    """Indexed files under ``roots`` that are gone (a file that failed to read is kept)."""
    failed = {p for p, _ in report.failed}
    keys = [index_path(r.rstrip(os.sep)) for r in roots]
    return [p for p in known if p not in seen and p not in failed
            and any(p == k or p.startswith(k + os.sep) for k in keys)]


class _Batch:
    """The documents and deletions of the next commit, committed when due."""

    def __init__(self, indexer: Indexer, workers: SegmentWorkers | None, report: IndexReport,
                 committed: Callable[[list[str]], None] | None = None,
                 written: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.indexer = indexer
        self.workers = workers
        self.report = report
        self.committed_callback = committed
        self.written = written
        self.docs: list[dict[str, Any]] = []
        self.deletes: list[str] = []
        self.documents = 0
        self.chars = 0
        self.committed = 0

    def add(self, fields: dict[str, Any], replaces: str | None = None) -> None:
        """Add a document, committing the batch first when it is full; with ``replaces``, the
        documents of that file are deleted in the same commit."""
        if self.indexer.batch_full(self.documents, self.chars, self.committed):
            self.commit()
        if replaces is not None:
            self.deletes.append(replaces)
        self.documents += 1
        self.chars += len(fields["text"]) + len(fields["title"])
        self.docs.append(fields)

    def commit(self) -> None:
        if not (self.docs or self.deletes):
            return
        docs = self.docs
        self.indexer.write(docs, self.deletes, self.workers, self.written)
        self.report.commits += 1
        self.committed += self.documents
        if self.committed_callback is not None:
            self.committed_callback([f["id"] for f in docs])
        self.docs, self.deletes, self.documents, self.chars = [], [], 0, 0


class _FileRun:
    """One :meth:`Indexer.index_paths` run's reading of files, one at a time."""

    def __init__(self, indexer: Indexer, report: IndexReport, known: dict[str, str],
                 lang: str | None, progress: Progress, callback: ProgressCallback | None) -> None:
        self.indexer = indexer
        self.report = report
        self.known = known
        self.lang = lang
        self.progress = progress
        self.callback = callback
        self.seen: set[str] = set()
        self.ids: dict[str, str] = {}  # document id -> the file it was read from, this run
        self.batch: _Batch

    def read(self, found: Found, size: int) -> None:
        key = index_path(found.path)
        self.seen.add(key)
        fields = self._documents(found, key)
        if fields is None:
            self._passed(size)
            return
        chars = [len(f.get("text", "")) + len(f.get("title", "")) + 1 for f in fields]
        for f, n in zip(fields, chars):
            f["_bytes"] = size * n / sum(chars)
        # What the index holds of the file (its last version, or a part a run stopped halfway
        # wrote) goes in the commit that brings its first new document: never before it.
        self.batch.add(fields[0], replaces=key)
        for f in fields[1:]:
            self.batch.add(f)

    def _documents(self, found: Found, key: str) -> list[dict[str, Any]] | None:
        """The fields of the file's documents, the last one marked (:func:`mark_whole`); None
        when there is nothing to write (unchanged, or skipped with a reason in the report)."""
        report = self.report
        try:
            read = read_file(found.path, max_bytes=self.indexer.max_file_bytes,
                             known_sha=self.known.get(key))
        except ReadError as exc:
            report.failed.append((exc.path, exc.reason))
            return None
        except Exception as exc:  # a reader's own bug must not stop the run
            report.failed.append((key, f"could not be read ({type(exc).__name__}: {exc})"))
            return None
        report.files += 1
        if read.unchanged:
            report.unchanged += 1
            return None
        report.warnings.extend((key, w) for w in read.warnings)
        fields = self._fields(read.documents, key, shown_path(found.path, found.root))
        if not fields:
            report.failed.append((key, "no document in it could be indexed"))
            return None
        if key in self.known:
            report.updated += len(fields)
        else:
            report.added += len(fields)
        for f in fields:
            report.languages[f["lang"]] += 1
        mark_whole(fields[-1], key, read.sha)
        return fields

    def _fields(self, docs: list[Document], key: str, shown: str) -> list[dict[str, Any]]:
        out = []
        for doc in docs:
            if self.lang and not doc.lang:
                doc.lang = self.lang
            doc.path = shown
            try:
                fields = document_fields(doc, key)
            except DocumentError as exc:
                self.report.warnings.append((key, f"document skipped: {exc}"))
                continue
            other = self.ids.setdefault(doc.id, key)
            if other != key:
                self.report.warnings.append((key, f"id {doc.id!r} is also in {other}: the one read "
                                                  "last is kept; give every document its own id"))
                self.ids[doc.id] = key
            out.append(fields)
        return out

    def _passed(self, size: int) -> None:
        self.progress.files_done += 1
        self.progress.bytes_done += size
        if self.callback is not None:
            self.callback(self.progress)

    def written(self, fields: dict[str, Any]) -> None:
        """A commit has handed a document to the writer."""
        self.progress.bytes_done += fields.get("_bytes", 0.0)
        self.progress.documents += 1
        whole = "filekey" in fields  # a file's last document
        self.progress.files_done += whole
        if self.callback is not None and (whole or self.progress.documents % 16 == 0):
            self.callback(self.progress)
