"""The library's entry point: :class:`Engine`."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

import numpy as np

from analyzers import analyze as _analyze
from analyzers import canonical_language, detect_language
from analyzers.registry import analysis_language

from index import Document, IndexReport, IndexStore, Indexer, QueryError
from index.errors import SearchError
from index.arrays import IndexArrays
from index.documents import page_at, site_of
from index.embedding import EmbedProgress, EmbedReport, embed_missing
from index.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_LIMIT
from index.writing import ProgressCallback
from index.schema import body_field, exact_field, is_part, text_field
from search.builder import QueryBuilder
from search.weights import SORTS, Weights
from search.query import parse
from search.query_language import SHORT_WORDS, QueryLanguage
from search.spelling import Speller
from search.ranking import Ranker
from search.meaning import Meaning, Near, Steering
from search.snippets import Snippet, cut_snippet, mark_all, split_pages

if TYPE_CHECKING:
    from search.cluster import ClusterEngine


@dataclass
class Hit:
    """One search result. ``snippet`` is ``[(text, is_match), ...]``."""

    id: str
    title: str
    lang: str
    score: float
    date: str | None = None
    url: str | None = None
    path: str | None = None
    source: str | None = None
    snippet: Snippet = field(default_factory=list)
    #: Where it comes from, as the source facet names it (its address's host, or its source).
    site: str | None = None
    #: The ids of its near-duplicates among the results (the same text syndicated, re-published
    #: or fetched twice), folded under it: best ranked first.
    similar: list[str] = field(default_factory=list)
    author: str | None = None
    #: The page the snippet is on (from 1), for a document with pages (a PDF's).
    page: int | None = None


@dataclass
class Results:
    """One page of results (``len``, iteration and ``results[i]`` are its hits), with the
    total and the facets: matches per language, and per month and source within the
    language filter."""

    query: str
    total: int
    page: int
    limit: int
    hits: list[Hit]
    languages: dict[str, int]
    took_ms: float = 0.0
    #: True when a phrase's matching was cut short by its time budget: documents holding
    #: the phrase may be missing (a phrase of common words over very large documents).
    partial: bool = False
    #: The order of the hits: ``relevance``, ``newest`` or ``oldest``.
    sort: str = "relevance"
    #: Results per month (``2026-11``), in date order.
    months: dict[str, int] = field(default_factory=dict)
    #: Results per source (:attr:`Hit.site`), most first.
    sources: dict[str, int] = field(default_factory=dict)
    #: The query with its mistyped words corrected, when it found few results and the
    #: correction finds some; None otherwise.
    suggestion: str | None = None
    #: True when the hits are the suggestion's: the query as typed found nothing.
    corrected: bool = False
    #: Asked across languages: ``on`` when results by meaning joined those by words,
    #: ``no-vectors`` when the index has no meaning vectors (see :meth:`Engine.embed`).
    across: str | None = None

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index: int) -> Hit:
        return self.hits[index]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DocumentView:
    """A whole document for reading: its text as ``[(text, is_match), ...]``."""

    id: str
    title: str
    lang: str
    date: str | None
    url: str | None
    path: str | None
    source: str | None
    title_parts: Snippet
    text_parts: Snippet
    author: str | None = None
    #: Where each page starts in the text, for a document with pages (a PDF's).
    pages: list[int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text_pages(self) -> list[Snippet]:
        """:attr:`text_parts` cut into its pages (one when it has none)."""
        return split_pages(self.text_parts, self.pages)


@dataclass
class Stats:
    documents: int
    languages: dict[str, int]
    size_bytes: int
    updated: str | None
    segments: int = 1
    #: Whether the index keeps meaning vectors, and how many documents have them.
    semantic: bool = False
    vectors: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Options:
    """A search's options, as :meth:`Engine.search` was given them."""

    lang: str | None
    limit: int
    page: int
    sort: str
    fold: bool
    across: bool


def _check_vectors(when: str) -> None:
    if when not in ("wait", "background", "later"):
        raise SearchError(f"vectors={when!r} is not a choice: use 'wait', 'background' or 'later'")


def _since(started: float) -> float:
    """Milliseconds since ``started`` (``time.perf_counter()``), to two places."""
    return round((time.perf_counter() - started) * 1000, 2)


#: A query with fewer results than this (holding all its words, for a short one) is checked
#: for mistyped words.
FEW_RESULTS = 3
#: The rarest matched terms a snippet marks: frequent words add noise and cost.
SNIPPET_TERMS = 12


def snippet_terms(terms: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Body terms to mark, rarest first; the marked field wins over its diacritic-free twin."""
    body = [(f, t, text_field(f)) for f, t in terms if is_part(f, "body")]
    marked = [(f, t) for f, t, field in body if field and not field.folded]
    return (marked or [(f, t) for f, t, field in body if field and field.folded])[:SNIPPET_TERMS]


def check_request(sort: str, limit: int, page: int) -> None:
    """Refuse a search's order, page size or page that is out of range, saying what fits."""
    if sort not in SORTS:
        raise QueryError(f"sort {sort!r} is not an order: use one of {', '.join(SORTS)}")
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit {limit!r} is out of range: use 1 to {MAX_LIMIT}")
    if not isinstance(page, int) or page < 1:
        raise QueryError(f"page {page!r} is not a page number: use 1 or more")
    if page * limit > MAX_DEPTH:
        raise QueryError(f"page {page} is too deep: results stop at {MAX_DEPTH:,}; "
                         "refine the query instead")


def analyze_text(text: str, lang: str | None = None) -> list[dict[str, Any]]:
    """The tokens ``text`` is indexed as, in every field, with their offsets."""
    from analyzers import EXACT_LANGUAGES, FOLDED_LANGUAGES

    lang = canonical_language(lang) or detect_language(text)
    alang = analysis_language(lang)
    tokens = [dict(asdict(t), field=body_field(alang)) for t in _analyze(text, alang)]
    if alang in FOLDED_LANGUAGES:
        tokens += [dict(asdict(t), field=body_field(alang, True))
                   for t in _analyze(text, alang, folded=True)]
    if alang in EXACT_LANGUAGES:
        tokens += [dict(asdict(t), field=exact_field(alang))
                   for t in _analyze(text, alang, exact=True)]
    return tokens


def document_view(stored: Mapping[str, Any], pairs: list[tuple[str, str]] | None,
                  spans_of: Callable[[list[tuple[str, str]]], list[tuple[int, int, str]]]) -> DocumentView:
    """A stored document for reading, its text and title marked where ``spans_of`` finds the
    query's ``(field, term)`` pairs (None: nothing to mark)."""
    text, title = stored.get("text", ""), stored.get("title", "")
    parts: Snippet = [(text, False)] if text else []
    title_parts: Snippet = [(title, False)] if title else []
    if pairs is not None:
        parts = mark_all(text, spans_of([p for p in pairs if is_part(p[0], "body")]))
        title_parts = mark_all(title, spans_of([p for p in pairs if is_part(p[0], "title")]))
    return DocumentView(
        id=stored["id"], title=title, lang=stored.get("lang", ""), date=stored.get("date"),
        url=stored.get("url"), path=stored.get("path"), source=stored.get("source"),
        title_parts=title_parts, text_parts=parts, author=stored.get("author"),
        pages=stored.get("pages"))


class Engine:
    """A searchable collection: a Whoosh index on disk or in memory.

    >>> with Engine.in_memory() as engine:
    ...     _ = engine.add([{"id": "1", "title": "Hello", "text": "hello world", "lang": "en"}])
    ...     engine.search("hello").hits[0].id
    '1'
    """

    def __init__(self, store: IndexStore, *, lock_timeout: float = 0.0,
                 batch_size: int = 2000, max_file_bytes: int = MAX_FILE_BYTES,
                 weights: Weights | None = None, procs: int = 1,
                 commit_size: int | None = None) -> None:
        self._store = store
        self._indexer = Indexer(store, batch_size=batch_size, lock_timeout=lock_timeout,
                                max_file_bytes=max_file_bytes, procs=procs, commit_size=commit_size)
        self._builder = QueryBuilder(store.ix.schema, weights)
        self._query_language_reader = QueryLanguage(store.ix.schema)
        self._speller = Speller(store.ix.schema)
        self._arrays_cache: IndexArrays | None = None
        self._meaning = Meaning(store.vectors)
        self._embedding: threading.Thread | None = None
        self._stop_embedding = threading.Event()
        # Searches run one at a time. Each is Python and many small numpy calls that hand
        # the GIL back and forth: two threads searching at once each take over twice as
        # long (8 threads: 28 pages a second instead of 53), so queuing is faster.
        self._searching = threading.Lock()

    # -- opening -------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, overwrite: bool = False,
               semantic: bool | None = None, **options: Any) -> "Engine":
        """Create an index in ``path`` (a new or empty folder; ``overwrite`` replaces an index).
        With ``semantic``, documents get meaning vectors too, for search across languages
        (kept with the index: later runs embed too); when not given, an index replaced by
        ``overwrite`` passes its choice on."""
        return cls(IndexStore.create(path, overwrite=overwrite, semantic=semantic), **options)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = False, **options: Any) -> "Engine":
        """Open the index in ``path``; with ``create``, make it if there is none."""
        from index import IndexNotFound

        try:
            return cls(IndexStore.open(path), **options)
        except IndexNotFound:
            if not create or os.path.exists(os.path.join(path, "search-index.json")):
                raise
            return cls(IndexStore.create(path), **options)

    @classmethod
    def connect(cls, url: str, *, index: str = "news", **options: Any) -> "ClusterEngine":
        """The same API over the OpenSearch cluster at ``url`` (``http://host:9200``): index
        ``index`` (an alias), made when missing. ``user``, ``password``, ``ca_certs`` and
        ``verify`` for a cluster with basic auth and TLS; ``shards`` and ``replicas`` for a
        new index. See :mod:`search.cluster` for what differs from the embedded index."""
        from search.cluster import ClusterEngine

        return ClusterEngine.connect(url, index=index, **options)

    @classmethod
    def in_memory(cls, *, semantic: bool = False, **options: Any) -> "Engine":
        """An index that lives in memory only, for tests and experiments."""
        return cls(IndexStore.in_memory(semantic), **options)

    @property
    def semantic(self) -> bool:
        """Whether documents get meaning vectors (:meth:`embed`)."""
        return self._store.semantic

    def set_semantic(self, semantic: bool = True) -> None:
        """Keep meaning vectors for this index from now on (or stop); kept with the index."""
        self._store.set_semantic(semantic)

    @property
    def path(self) -> str | None:
        return self._store.path

    def close(self) -> None:
        """Close the index. Vectors being written in the background stop after their current
        part (what is written stays; the next :meth:`embed` adds the rest)."""
        self._stop_embedding.set()
        self.wait_for_vectors()
        self._store.close()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------

    def add(self, docs: Iterable[Document | Mapping[str, Any]], *, lang: str | None = None,
            vectors: str = "wait") -> IndexReport:
        """Add documents (dicts or :class:`Document`), replacing any with the same id. In a
        :attr:`semantic` index their meaning vectors are written before it returns; with
        ``vectors="background"`` by a thread (:meth:`wait_for_vectors` waits for it), with
        ``vectors="later"`` by the next :meth:`embed`."""
        if isinstance(docs, (Document, Mapping)):
            docs = [docs]
        _check_vectors(vectors)
        report = self._indexer.add(docs, lang=lang)
        self._vectors_after(vectors)
        return report

    def _vectors_after(self, when: str) -> None:
        if not self.semantic or when == "later":
            return
        if when == "background":
            self.wait_for_vectors()
            self._embedding = threading.Thread(target=self.embed, name="meaning-vectors", daemon=True,
                                               kwargs={"stop": self._stop_embedding})
            self._embedding.start()
        else:
            self.embed()

    def embed(self, *, progress: EmbedProgress | None = None,
              stop: threading.Event | None = None) -> EmbedReport:
        """Write meaning vectors for every document that lacks them for its text (all of them
        the first time; then the new and changed), and drop those of deleted documents.
        ``progress(done, total)`` follows it; ``stop`` ends it early (what is done is kept)."""
        arrays = IndexArrays(self._store.searcher())
        return embed_missing(arrays, self._store.vectors, self._meaning.embedder,
                             progress=progress, stop=stop)

    def wait_for_vectors(self, timeout: float | None = None) -> bool:
        """Wait for vectors being written in the background; whether they are done."""
        if self._embedding is not None:
            self._embedding.join(timeout)
            if self._embedding.is_alive():
                return False
            self._embedding = None
        return True

    def index_paths(self, paths: Iterable[str | os.PathLike[str]], *, lang: str | None = None,
                    progress: ProgressCallback | None = None,
                    committed: Callable[[list[str]], None] | None = None,
                    follow_links: bool = False, vectors: str = "wait") -> IndexReport:
        """Index files and folders (recursively): new and changed files are read, unchanged
        ones skipped, and the documents of files gone from a folder removed.

        A file that cannot be read is listed in ``report.failed`` with the reason, and the
        rest are indexed. ``progress(Progress)`` follows the work; ``committed(ids)`` is
        told each durable commit's document ids. Symbolic links that lead out of a folder
        are followed only with ``follow_links``. Meaning vectors as in :meth:`add`.
        """
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        _check_vectors(vectors)
        report = self._indexer.index_paths(paths, lang=canonical_language(lang), progress=progress,
                                           committed=committed, follow_links=follow_links)
        self._vectors_after(vectors)
        return report

    def optimize(self) -> tuple[int, int]:
        """Merge the index's segments into one; returns the segment counts before and after.

        Indexing in parallel batches leaves a segment per process and batch, and a
        query looks up each word in each of them. One segment answers faster and
        takes less disk, but the merge is serial: about 8 minutes for 45,000 articles, and
        at 300,000 more than 44 minutes with more than three times the index's size in
        temporary files.
        """
        return self._indexer.merge()

    def delete(self, *ids: str) -> int:
        """Delete documents by id; returns how many there were."""
        return self._indexer.delete(ids)

    def remove(self, *targets: str) -> int:
        """Delete documents by file path (the file may be gone already) or by id; returns
        how many were deleted."""
        return self._indexer.remove(targets)

    def remove_paths(self, paths: Iterable[str]) -> int:
        """Delete the documents read from these files."""
        return self._indexer.delete_paths(paths)

    # -- reading -------------------------------------------------------------

    def _arrays(self, searcher: Any) -> IndexArrays:
        """Numpy views of the current searcher, rebuilt after a new commit."""
        if self._arrays_cache is None or self._arrays_cache.searcher is not searcher:
            self._arrays_cache = IndexArrays(searcher)
        return self._arrays_cache

    def _query_language(self, parsed: Any, arrays: IndexArrays) -> str | None:
        """The language the query is written in, when it is clear enough to weigh: a short
        query's read off the index (:mod:`search.query_language`; only a language with
        documents), a longer one's detected (a language without documents weighs nothing, but
        still says the query is not, say, Vietnamese typed without marks)."""
        if self._builder.w.query_language == 1.0:
            return None
        return self._written_in(parsed.words, arrays)

    def _written_in(self, text: str, arrays: IndexArrays) -> str | None:
        """The language ``text`` (a query's words) is written in, None when unclear."""
        if len(text.split()) <= SHORT_WORDS:
            return self._query_language_reader.read(
                text, arrays.columns.live_counts("alang"), arrays.terms.doc_frequency)
        return analysis_language(detect_language(text, sure=self._builder.w.query_language_sure))

    def search(self, text: str, *, lang: str | None = None, limit: int = 10,
               page: int = 1, sort: str = "relevance", fold: bool = True,
               correct: bool = True, across_languages: bool = False) -> Results:
        """Search. ``lang`` restricts to one language; ``page`` counts from 1; ``sort`` is
        ``relevance``, ``newest`` or ``oldest`` (documents without a date last). A query of
        filters alone (``lang:ru date:2026-11``) lists what they let through, newest first;
        no query at all in a date order lists every document. With ``fold``, near-duplicate
        documents show once, as the best placed of them, with the others' ids in
        :attr:`Hit.similar` (and ``total`` counts them once). A query that finds few
        results is checked for mistyped words: :attr:`Results.suggestion` is the corrected
        query, and when the typed one finds nothing its results are the correction's
        (:attr:`Results.corrected`), unless ``correct`` is False. With ``across_languages``,
        the documents in other languages nearest the query in meaning join those holding its
        words, and those in its own language keep the order of its words (when the index has
        meaning vectors: :attr:`Results.across` says).

        Safe to call from several threads; their searches run one at a time.
        """
        started = time.perf_counter()
        check_request(sort, limit, page)
        options = _Options(lang, limit, page, sort, fold, across_languages)
        with self._searching:
            results, complete = self._search(text, options, started)
            if complete >= FEW_RESULTS and not self._retyped(text):
                return results
            return self._with_suggestion(results, options, correct, started)

    def _retyped(self, text: str) -> bool:
        """Whether a word of the query reads as a word of the index typed with another keyboard
        layout or input method (:meth:`Speller.retyped`)."""
        arrays = self._arrays(self._store.searcher())
        return self._speller.retyped(text, arrays.columns.live_counts("alang"),
                                     arrays.terms.doc_frequency)

    def _with_suggestion(self, results: Results, options: "_Options", correct: bool,
                         started: float) -> Results:
        """``results``, or the corrected query's when the typed one found nothing, with the
        correction proposed (when it finds something)."""
        arrays = self._arrays(self._store.searcher())
        suggestion = self._speller.suggest(results.query, arrays.columns.live_counts("alang"),
                                           arrays.terms.doc_frequency, arrays.terms.locate)
        if suggestion is None:
            return results
        fixed, _ = self._search(suggestion, options, started)
        if not fixed.total:
            return results
        if results.total or not correct:
            results.suggestion = suggestion
            return results
        fixed.query, fixed.suggestion, fixed.corrected = results.query, suggestion, True
        return fixed

    def _search(self, text: str, options: "_Options", started: float) -> tuple[Results, int]:
        """One page of results, and how many hold every word of a short query, or any of a
        longer one (``FEW_RESULTS`` for a query of filters, -1 for one of nothing: neither
        is corrected)."""
        limit, page, sort = options.limit, options.page, options.sort
        parsed = parse(text)
        lang = canonical_language(options.lang) or parsed.lang
        searcher = self._store.searcher()
        # Every language is queried, the filter keeps one: the facet counts the others.
        arrays = self._arrays(searcher)
        languages = list(arrays.columns.codes("alang")[0])
        if parsed.empty and parsed.filtered and sort == "relevance":
            sort = "newest"  # filters alone list documents, and newest first
        # No words: filters, or a date order alone (the latest documents), list documents.
        if (parsed.empty and sort == "relevance") or not languages:
            return Results(text, 0, page, limit, [], {}, _since(started), sort=sort), -1
        plan = self._builder.build(parsed, languages, arrays.terms.doc_frequency)
        query_lang = self._query_language(parsed, arrays) if lang is None else None
        ranker = Ranker(arrays, self._builder.w)
        nearest = self._nearest(arrays, parsed, query_lang) if options.across else None
        ranked = ranker.rank(plan, lang=lang, offset=(page - 1) * limit, limit=limit,
                             query_lang=query_lang, sort=sort, fold=options.fold, nearest=nearest)
        hits = [self._hit(searcher, ranker, docnum, score, terms)
                for docnum, score, terms in zip(ranked.docnums, ranked.scores, ranked.matched)]
        for hit, similar in zip(hits, ranked.similar):
            hit.similar = [searcher.stored_fields(d)["id"] for d in similar]
        # A short query is checked when few results hold all its words; a longer one (a
        # question, rarely all in one document) when few results hold any.
        short = len(text.split()) <= SHORT_WORDS
        found = FEW_RESULTS if parsed.empty else ranked.complete if short else ranked.total
        across = None if not options.across else "no-vectors" if nearest is None else "on"
        return (Results(text, ranked.total, page, limit, hits, ranked.languages, _since(started),
                        ranked.partial, sort, ranked.months, ranked.sources, across=across), found)

    def _nearest(self, arrays: IndexArrays, parsed: Any,
                 query_lang: str | None) -> Callable[[np.ndarray, bool], Near | None] | None:
        """How to find the documents nearest the query's words in meaning, given the first
        found by its words and whether they hold enough of them (None: the index has no
        vectors)."""
        words = parsed.words
        if not words.strip() or not self._meaning.available(arrays):
            return None
        w, lang = self._builder.w, query_lang or self._written_in(words, arrays)
        return lambda like, leads: self._meaning.nearest(arrays, words, w.fusion_depth, Steering(
            like, leads, lang, w.feedback, w.centring))

    @staticmethod
    def _hit(searcher: Any, ranker: Ranker, docnum: int, score: float,
             terms: list[tuple[str, str]]) -> Hit:
        stored = searcher.stored_fields(docnum)
        site = site_of(stored.get("url"), stored.get("source"))
        snippet, at = cut_snippet(stored.get("text", ""), ranker.spans(docnum, snippet_terms(terms)))
        return Hit(
            id=stored["id"], title=stored.get("title", ""), lang=stored.get("lang", ""),
            score=round(score, 4), date=stored.get("date"), url=stored.get("url"),
            path=stored.get("path"), source=stored.get("source"), site=site, snippet=snippet,
            author=stored.get("author"), page=page_at(stored.get("pages"), at))

    def documents(self) -> Iterator[dict[str, Any]]:
        """Every live document as :meth:`add` takes it (its stored fields): for copying an
        index elsewhere (``search migrate``)."""
        searcher = self._store.searcher()
        keep = ("id", "title", "text", "lang", "date", "url", "source", "author", "path", "pages")
        for stored in searcher.reader().all_stored_fields():
            yield {k: stored[k] for k in keep if stored.get(k) not in (None, "")}

    def warm(self) -> None:
        """Load now what the first searches would: the index's files into the operating
        system's file cache (when they fit), its arrays, every language's analyzer, and in an
        index with meaning vectors, the vectors and the model that embeds queries."""
        self._store.read_ahead()
        self.search("warm", across_languages=self.semantic)

    def document(self, doc_id: str, query: str | None = None) -> DocumentView | None:
        """One whole document, with ``query``'s matches marked in its text; ``None`` if absent."""
        searcher = self._store.searcher()
        docnum = searcher.document_number(id=str(doc_id))
        if docnum is None:
            return None
        stored = searcher.stored_fields(docnum)
        pairs = None
        parsed = parse(query) if query else None
        if parsed is not None and not parsed.empty:
            alang = analysis_language(stored.get("lang", ""))
            arrays = self._arrays(searcher)
            unmarked = arrays.columns.having("unmarked", alang)
            bare = [alang] if unmarked is not None and unmarked[docnum] else []
            terms = self._builder.build(parsed, [alang], arrays.terms.doc_frequency).terms(bare)
            pairs = [(f, t) for f, ts in terms.items() for t in ts]
        return document_view(stored, pairs, lambda ps: self._arrays(searcher).spans.term_spans(docnum, ps))

    def analyze(self, text: str, lang: str | None = None) -> list[dict[str, Any]]:
        """The tokens ``text`` is indexed as, with their offsets (for tuning analysis)."""
        return analyze_text(text, lang)

    def stats(self) -> Stats:
        """Live documents, per language (deleted and replaced ones are not counted)."""
        searcher = self._store.searcher()
        languages = {k: n for k, n in self._arrays(searcher).columns.live_counts("lang").items() if n}
        updated = None
        if self._store.path:
            mtimes = [e.stat().st_mtime for e in os.scandir(self._store.path) if e.is_file()]
            if mtimes:
                updated = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(max(mtimes)))
        return Stats(sum(languages.values()), dict(sorted(languages.items(), key=lambda kv: -kv[1])),
                     self._store.size_bytes(), updated, self._store.segment_count(),
                     self.semantic, self._meaning.documents(self._arrays(searcher)))
