"""The :class:`search.Engine` API over an OpenSearch cluster: ``Engine.connect(url)``.

Everything above the index is shared with the embedded engine: documents are read and
analysed by the same code (:mod:`index.cluster` sends the cluster our token streams), a
query is parsed and planned by the same builder, the first results are reordered by where
their words stand by the same rules (:mod:`search.placement`), near-duplicates are grouped
by the same fingerprints, and snippets are cut by the same function from the offsets stored
with each document. The cluster matches, scores (BM25 per field, :mod:`search.dsl`),
filters, sorts and counts the facets.

What differs (measured in the README): a word's title and body occurrences are scored as
one field holding the title twice and the body (BM25 over repeated fields, not the embedded
index's BM25F with a length norm per field); near-duplicates are folded among the hits
fetched (twice as deep as the page), not the whole collection, so ``total`` drops only by
the copies seen; no did-you-mean, no search across languages by meaning, and phrases have
no time budget of ours (the cluster's own timeouts apply).
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from analyzers import LANGUAGES, canonical_language, detect_language
from analyzers.registry import OTHER, analysis_language

from index.cluster import STACK, BackendError, ClusterIndexer, ClusterStore, stored_offsets, wire_term
from index.documents import Document, page_at, site_of
from index.fingerprint import near_duplicate_groups
from index.schema import body_field, text_field
from index.writing import IndexReport, ProgressCallback
from search import dsl
from search.builder import Plan, QueryBuilder
from search.engine import (DocumentView, Hit, Results, Stats, analyze_text, check_request,
                           document_view, snippet_terms)
from search.query import ParsedQuery, parse
from search.placement import Placement, placements, share
from search.query_language import SHORT_WORDS, QueryLanguage
from search.snippets import cut_snippet
from search.weights import Weights

#: Near-duplicates are folded among this many times the hits down to the page's end.
FOLD_DEPTH = 2
#: How long the per-language document counts (which the query's language is read against)
#: are reused before being asked again, when another process may be writing.
COUNTS_TTL = 10.0


#: What a hit shows of its document, besides its snippet's fields.
SHOWN = ["id", "title", "text", "lang", "alang", "date", "url", "source", "path", "author", "pages",
         "unmarked"]


def hit_fields(plan: Plan) -> list[str]:
    """The source fields a page of hits reads: what it shows, and the token streams (and
    their offsets) of the body fields its snippets are cut from, in the query's languages."""
    fields = [(name, field) for name in plan.terms()
              if (field := text_field(name)) is not None and field.part == "body"]
    offsets = [name for name, _ in fields] + [body_field(f.lang) for _, f in fields if f.folded]
    return SHOWN + [name for name, _ in fields] + [f"offsets.{name}" for name in dict.fromkeys(offsets)]


class StoredTokens:
    """A document's tokens as the cluster holds them, with the offsets stored beside them (a
    folded field without offsets of its own shares its marked twin's)."""

    def __init__(self, source: Mapping[str, Any]) -> None:
        self.source = source
        self._held: dict[str, set[str]] = {}

    def holds(self, field: str, term: str) -> bool:
        if field not in self._held:
            self._held[field] = set(self.source.get(field, "").replace(STACK, " ").split())
        return wire_term(term) in self._held[field]

    def spans(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[int, int, str]]:
        """Where each ``(field, term)`` stands in the document's text."""
        wanted: dict[str, dict[str, str]] = {}
        for field, term in pairs:
            wanted.setdefault(field, {})[wire_term(term)] = term
        out = []
        for field, terms in wanted.items():
            offsets = stored_offsets(self.source, field)
            tokens = self.source.get(field, "").replace(STACK, " ").split()
            out += [(offsets[2 * i], offsets[2 * i + 1], terms[token]) for i, token in enumerate(tokens)
                    if token in terms and 2 * i + 1 < len(offsets)]
        return out


def _folded(hits: list[dict[str, Any]], offset: int, limit: int
            ) -> tuple[list[dict[str, Any]], list[list[str]], int]:
    """Near-duplicates folded among ``hits`` (:func:`index.fingerprint.near_duplicate_groups`):
    the page of the best placed of each group, each with its folded copies' ids in the hits'
    order, and how many copies were folded away."""
    prints = np.array([int(h["_source"].get("simhash") or 0) for h in hits], dtype=np.uint64)
    groups = near_duplicate_groups(prints).tolist() if hits else []
    leaders: dict[int, int] = {}
    similar: dict[int, list[str]] = {}
    for i, group in enumerate(groups):
        if group in leaders:
            similar[leaders[group]].append(hits[i]["_id"])
        else:
            leaders[group] = i
            similar[i] = []
    kept = sorted(leaders.values())[offset:offset + limit]
    return [hits[i] for i in kept], [similar[i] for i in kept], len(hits) - len(leaders)


class ClusterEngine:
    """A searchable collection in an OpenSearch index (an alias). See :class:`search.Engine`."""

    def __init__(self, store: ClusterStore, *, weights: Weights | None = None, batch_size: int = 500,
                 commit_size: int | None = None, **options: Any) -> None:
        self._store = store
        self.w = weights or Weights()
        self._indexer = ClusterIndexer(store, batch_size=batch_size, commit_size=commit_size or 2000,
                                       **{k: v for k, v in options.items()
                                          if k in ("lock_timeout", "max_file_bytes", "procs")})
        schema = store.maker.schema  # the schema documents are analysed with
        self._builder = QueryBuilder(schema, self.w)
        self._query_language_reader = QueryLanguage(schema)
        self._frequencies: dict[tuple[str, str], int] = {}
        self._counts: tuple[float, dict[str, int]] | None = None

    @classmethod
    def connect(cls, url: str, *, index: str = "news", create: bool = True, shards: int = 1,
                replicas: int = 0, user: str | None = None, password: str | None = None,
                ca_certs: str | None = None, verify: bool = True, **options: Any) -> "ClusterEngine":
        """The index ``index`` (an alias) on the cluster at ``url``; made when missing and
        ``create``. Credentials as :meth:`index.cluster.ClusterStore.connect` takes them."""
        store = ClusterStore.connect(url, index, user=user, password=password, ca_certs=ca_certs,
                                     verify=verify)
        engine = cls(store, **options)
        if store.exists():
            store.check_format()
        elif not create:
            raise BackendError(f"no index {index!r} on {url}: index documents into it first")
        else:
            store.point_alias(store.create(shards, replicas, engine.bm25()))
        return engine

    def bm25(self) -> dict[str, tuple[float, float]]:
        """Every language's BM25 (k1, b), as :class:`search.weights.Weights` sets them."""
        w = self.w
        return {lang: (w.k1_languages.get(lang, w.k1), w.b_languages.get(lang, w.b)) for lang in LANGUAGES}

    @property
    def path(self) -> str | None:
        return None

    @property
    def url(self) -> str:
        return self._store.url

    @property
    def index(self) -> str:
        return self._store.name

    semantic = False

    def close(self) -> None:
        """Close the connection; a rebuild not published is dropped (the alias never moved)."""
        if self._store.building is not None:
            self._store.drop(self._store.building)
            self._store.building = None
        self._store.close()

    def begin_rebuild(self, shards: int | None = None, replicas: int | None = None) -> None:
        """Write from now on into a new, empty index beside the one the alias names, which
        answers searches until :meth:`publish` moves the alias (no moment without an index)."""
        settings = self._store.settings()
        self._store.building = self._store.create(shards or settings[0], settings[1] if replicas is None
                                                  else replicas, self.bm25())

    def publish(self) -> None:
        """Point the alias at the rebuilt index and delete the old one."""
        if self._store.building is None:
            return
        new, self._store.building = self._store.building, None
        for old in self._store.point_alias(new):
            self._store.drop(old)
        self._written()

    def destroy(self) -> None:
        """Delete the index behind the alias, and with it the alias and every document."""
        for concrete in self._store.concrete():
            self._store.drop(concrete)

    def __enter__(self) -> "ClusterEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------

    def _written(self) -> None:
        self._frequencies.clear()
        self._counts = None

    def add(self, docs: Iterable[Document | Mapping[str, Any]], *, lang: str | None = None,
            vectors: str = "later") -> IndexReport:
        """Add documents, replacing any with the same id (see :meth:`search.Engine.add`)."""
        if isinstance(docs, (Document, Mapping)):
            docs = [docs]
        try:
            return self._indexer.add(docs, lang=lang)
        finally:
            self._written()

    def index_paths(self, paths: Iterable[str | os.PathLike[str]], *, lang: str | None = None,
                    progress: ProgressCallback | None = None,
                    committed: Callable[[list[str]], None] | None = None,
                    follow_links: bool = False, vectors: str = "later") -> IndexReport:
        """Index files and folders, incrementally (see :meth:`search.Engine.index_paths`)."""
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        try:
            return self._indexer.index_paths(paths, lang=canonical_language(lang), progress=progress,
                                             committed=committed, follow_links=follow_links)
        finally:
            self._written()

    def delete(self, *ids: str) -> int:
        try:
            return self._indexer.delete(ids)
        finally:
            self._written()

    def remove(self, *targets: str) -> int:
        try:
            return self._indexer.remove(targets)
        finally:
            self._written()

    def remove_paths(self, paths: Iterable[str]) -> int:
        try:
            return self._indexer.delete_paths(paths)
        finally:
            self._written()

    def optimize(self) -> tuple[int, int]:
        return self._indexer.merge()

    def embed(self, **_: Any) -> Any:
        raise BackendError("meaning vectors are kept by the embedded index only")

    def set_semantic(self, semantic: bool = True) -> None:
        if semantic:
            raise BackendError("meaning vectors (--semantic) are kept by the embedded index only: "
                               "index into a folder for search across languages")

    def wait_for_vectors(self, timeout: float | None = None) -> bool:
        return True

    # -- reading -------------------------------------------------------------

    def _frequency(self, field: str, text: str) -> int:
        """A term's document frequency, asked of the cluster once per term between writes."""
        key = (field, text)
        if key not in self._frequencies:
            with self._store.calling("counting a word's documents"):
                found = self._store.client.count(index=self._store.name,
                                                 body={"query": {"term": {field: wire_term(text)}}})
            self._frequencies[key] = int(found["count"])
        return self._frequencies[key]

    def _prefetched(self, call: Callable[[Callable[[str, str], int]], Any]) -> Any:
        """``call(frequency)``, with every frequency it asks for fetched in one request: it
        runs once to learn which terms it wants (answered 0), then with their counts."""
        asked: set[tuple[str, str]] = set()

        def record(field: str, text: str) -> int:
            if (field, text) not in self._frequencies:
                asked.add((field, text))
            return self._frequencies.get((field, text), 0)

        call(record)
        if asked:
            pairs = sorted(asked)
            filters = {str(i): {"term": {f: wire_term(t)}} for i, (f, t) in enumerate(pairs)}
            body = {"size": 0, "aggs": {"f": {"filters": {"filters": filters}}}}
            buckets = self._store.search(body)["aggregations"]["f"]["buckets"]
            for i, pair in enumerate(pairs):
                self._frequencies[pair] = int(buckets[str(i)]["doc_count"])
        return call(self._frequency)

    def _language_counts(self) -> dict[str, int]:
        """Live documents per analysis language (and the term counts learnt since, forgotten
        with them: another process may have written)."""
        if self._counts is None or time.monotonic() - self._counts[0] > COUNTS_TTL:
            self._frequencies.clear()
            body = {"size": 0, "aggs": {"a": {"terms": {"field": "alang", "size": 200}}}}
            buckets = self._store.search(body)["aggregations"]["a"]["buckets"]
            self._counts = (time.monotonic(), {b["key"]: b["doc_count"] for b in buckets})
        return self._counts[1]

    def _query_language(self, parsed: ParsedQuery) -> str | None:
        """As :meth:`search.Engine._query_language`: read off the index for a short query."""
        if self.w.query_language == 1.0:
            return None
        text = parsed.words
        if len(text.split()) <= SHORT_WORDS:
            counts = self._language_counts()
            reader = self._query_language_reader
            return self._prefetched(lambda frequency: reader.read(text, counts, frequency))
        return analysis_language(detect_language(text, sure=self.w.query_language_sure))

    def search(self, text: str, *, lang: str | None = None, limit: int = 10, page: int = 1,
               sort: str = "relevance", fold: bool = True, correct: bool = True,
               across_languages: bool = False) -> Results:
        """Search, as :meth:`search.Engine.search` does (see the module's text for what the
        cluster does not do: ``fold``, ``correct`` and ``across_languages`` change nothing)."""
        started = time.perf_counter()
        check_request(sort, limit, page)
        parsed = parse(text)
        lang = canonical_language(lang) or parsed.lang
        if parsed.empty and parsed.filtered and sort == "relevance":
            sort = "newest"
        languages = list(self._language_counts())
        empty = Results(text, 0, page, limit, [], {}, 0.0, sort=sort,
                        across="no-vectors" if across_languages else None)
        if (parsed.empty and sort == "relevance") or not languages:
            return empty
        plan = self._prefetched(lambda frequency: self._builder.build(parsed, languages, frequency))
        query_lang = self._query_language(parsed) if lang is None else None
        placed, reordered = self._placements(plan, lang, query_lang) if sort == "relevance" else ({}, 0)
        offset = (page - 1) * limit
        deep = max(FOLD_DEPTH * (offset + limit) if fold else offset + limit, reordered)
        two_steps = fold or bool(placed)
        body = dsl.request(plan, self.w, lang=lang, query_lang=query_lang, sort=sort,
                           offset=0 if two_steps else offset, limit=deep if two_steps else limit,
                           date_from=parsed.date_from, date_to=parsed.date_to)
        if body is None:
            return empty
        shown = hit_fields(plan)
        body["_source"] = ["id", "simhash", "alang"] if two_steps else shown
        found = self._store.search(body)
        similar = None
        if two_steps:
            similar = self._second_step(found, placed, reordered, shown, offset, limit, fold)
        return self._results(text, found, plan, page, limit, sort, started, empty.across, similar)

    def _second_step(self, found: dict[str, Any], placed: dict[str, Placement], reordered: int,
                     shown: list[str], offset: int, limit: int, fold: bool) -> list[list[str]] | None:
        """Of the hits fetched deep: the first reordered by where their words stand, the
        near-duplicates folded (with ``fold``), the page cut and its sources read. Each page
        hit's folded copies (None without ``fold``)."""
        hits, sources = self._placed(found["hits"]["hits"], placed, reordered, shown)
        similar = None
        if fold:
            hits, similar, folded_away = _folded(hits, offset, limit)
            found["hits"]["total"]["value"] -= folded_away
        else:
            hits = hits[offset:offset + limit]
        sources.update(self._store.sources([h["_id"] for h in hits if h["_id"] not in sources], shown))
        kept = [i for i, h in enumerate(hits) if h["_id"] in sources]  # not deleted meanwhile
        found["hits"]["hits"] = [dict(hits[i], _source=sources[hits[i]["_id"]]) for i in kept]
        return [similar[i] for i in kept] if similar is not None else None

    def _placements(self, plan: Plan, lang: str | None, query_lang: str | None
                    ) -> tuple[dict[str, Placement], int]:
        """How the first results are reordered by where their words stand, and how many of
        them, as :meth:`search.ranking.Ranker._ordered` has it."""
        unmarked = plan.unmarked if lang is None else plan.unmarked & {lang}
        if query_lang not in (None, OTHER):
            unmarked = unmarked & {query_lang}
        placed = placements(plan, self.w, unmarked, query_lang)
        if not placed:
            return placed, 0
        return placed, self.w.unmarked_depth if unmarked else self.w.placement_depth

    def _placed(self, hits: list[dict[str, Any]], placed: dict[str, Placement], reordered: int,
                shown: list[str]) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
        """The first ``reordered`` hits reordered by where their words stand (their score
        grown by :func:`search.placement.share` of it), and the sources read for it."""
        if not placed or not hits:
            return hits, {}
        head = hits[:reordered]
        sources = self._store.sources([h["_id"] for h in head], shown)
        keyed = []
        for i, hit in enumerate(head):
            score = float(hit.get("_score") or 0.0)
            p = placed.get(hit["_source"].get("alang", ""))
            source = sources.get(hit["_id"])
            if p is not None and source is not None:
                score += (score % dsl.ALL_WORDS) * share(p, StoredTokens(source).spans(p.pairs), self.w)
            keyed.append((-score, i, dict(hit, _score=score)))
        return [hit for _, _, hit in sorted(keyed, key=lambda k: k[:2])] + hits[reordered:], sources

    def _results(self, text: str, found: dict[str, Any], plan: Plan, page: int, limit: int,
                 sort: str, started: float, across: str | None,
                 similar: list[list[str]] | None = None) -> Results:
        aggs = found["aggregations"]
        languages = {b["key"]: b["doc_count"] for b in aggs["languages"]["buckets"]}
        within = aggs["within"]
        months = {b["key_as_string"]: b["doc_count"] for b in within["months"]["buckets"]}
        sources = {b["key"]: b["doc_count"] for b in within["sources"]["buckets"]}
        hits = [self._hit(h, plan) for h in found["hits"]["hits"]]
        for hit, copies in zip(hits, similar or []):
            hit.similar = copies
        took = round((time.perf_counter() - started) * 1000, 2)
        return Results(text, int(found["hits"]["total"]["value"]), page, limit, hits, languages,
                       took, False, sort, months, sources, across=across)

    def _hit(self, raw: dict[str, Any], plan: Plan) -> Hit:
        source = raw["_source"]
        alang = source.get("alang", "")
        bare = [alang] if source.get("unmarked") == alang else []
        tokens = StoredTokens(source)
        pairs = [(f, t) for f, ts in plan.terms(bare).items()
                 if (field := text_field(f)) is not None and field.lang == alang for t in sorted(ts)]
        spans = tokens.spans(snippet_terms([p for p in pairs if tokens.holds(*p)]))
        snippet, at = cut_snippet(source.get("text", ""), spans)
        score = raw.get("_score") or 0.0
        return Hit(id=source["id"], title=source.get("title", ""), lang=source.get("lang", ""),
                   score=round(float(score) % dsl.ALL_WORDS, 4), date=source.get("date"),
                   url=source.get("url"), path=source.get("path"), source=source.get("source"),
                   site=site_of(source.get("url"), source.get("source")), snippet=snippet,
                   author=source.get("author"), page=page_at(source.get("pages"), at))

    def document(self, doc_id: str, query: str | None = None) -> DocumentView | None:
        """One whole document, with ``query``'s matches marked (see :meth:`search.Engine.document`)."""
        source = self._store.get(str(doc_id))
        if source is None:
            return None
        pairs = None
        parsed = parse(query) if query else None
        if parsed is not None and not parsed.empty:
            alang = analysis_language(source.get("lang", ""))
            bare = [alang] if source.get("unmarked") == alang else []
            terms = self._builder.build(parsed, [alang], self._frequency).terms(bare)
            pairs = [(f, t) for f, ts in terms.items() for t in ts]
        return document_view(source, pairs, StoredTokens(source).spans)

    def analyze(self, text: str, lang: str | None = None) -> list[dict[str, Any]]:
        return analyze_text(text, lang)

    def warm(self) -> None:
        self.search("warm")

    def stats(self) -> Stats:
        """Live documents, per language; the primary shards' size on disk."""
        body = {"size": 0, "track_total_hits": True, "aggs": {"l": {"terms": {"field": "lang", "size": 200}}}}
        found = self._store.search(body)
        languages = {b["key"]: b["doc_count"] for b in found["aggregations"]["l"]["buckets"]}
        return Stats(int(found["hits"]["total"]["value"]), languages, self._store.size_bytes(), None,
                     len(self._store.concrete()))

