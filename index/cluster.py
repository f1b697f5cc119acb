"""Documents <-> an index in an OpenSearch cluster, analysed here, not there.

Every text field is analysed by the same Python analyzers as the embedded index, and the
cluster is sent the result: one string a field, its tokens in order separated by spaces, the
tokens that share a position (a Vietnamese word and its first syllable, a Russian word's
candidate lemmas) joined by ``|``. The cluster's one analyzer splits on spaces and unstacks
``|`` (a ``pattern_capture`` filter), so positions, and with them phrases, are the ones our
analyzers gave. Where each token stands in the original text is kept beside it in the
document's source (``offsets``), so snippets are cut from the stored text exactly as on the
embedded index. Each body field has a combined twin for scoring (``all_vi``: the title's
tokens twice, then the body's), so a word's title and body occurrences saturate together.

The index is reached through an alias (``news`` -> ``news-<time>``): a rebuild writes a new
index and moves the alias in one step, so readers never see a half-built one.
"""

from __future__ import annotations

import datetime as _dt
import os
import time
import uuid
import weakref
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from index.errors import BackendError
from index.schema import build_schema, is_part, text_field, title_field
from index.readers import index_path
from index.writing import Indexer, last_per_id

#: Tokens sharing a position are sent joined by this; spaces separate positions.
STACK = "|"
#: What a cluster index's layout is: an index of another is rebuilt, not read.
FORMAT = 2
#: A title counts this many times in its combined field (the embedded index's title weight).
TITLE_COPIES = 2
#: Stands between the parts of a combined field: no query term is ever this.
SEPARATOR = "¶"
#: How long one request may take before it is retried or reported.
REQUEST_TIMEOUT = 60
#: Documents a bulk request carries, and the most bytes.
BULK_DOCS = 500
BULK_BYTES = 20 * 1024 * 1024
#: A bulk request refused because the cluster is busy (HTTP 429) is retried this often, with
#: a doubling pause from BULK_BACKOFF seconds: the cluster's own back-pressure.
BULK_RETRIES = 8
BULK_BACKOFF = 1
#: Fields only filtered on or aggregated: exact values, not analysed.
KEYWORDS = ("id", "lang", "alang", "site", "file", "filekey", "unmarked", "datekey")


def wire_term(text: str) -> str:
    """A token as the cluster holds it: no space or ``|`` inside (those separate tokens)."""
    return "_".join(text.replace(STACK, "¦").split())


def similarity_name(lang: str) -> str:
    return f"bm25_{lang}"


def index_settings(shards: int, replicas: int, bm25: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """The settings of a new index: shards, our BM25 per language, the token analyzer."""
    return {
        "number_of_shards": shards, "number_of_replicas": replicas,
        "similarity": {similarity_name(lang): {"type": "BM25", "k1": k1, "b": b}
                       for lang, (k1, b) in bm25.items()},
        "analysis": {
            "filter": {"unstack": {"type": "pattern_capture", "patterns": [f"([^{STACK}]+)"],
                                   "preserve_original": False}},
            "analyzer": {"tokens": {"type": "custom", "tokenizer": "whitespace", "filter": ["unstack"]}},
        },
    }


def mappings(bm25_languages: Iterable[str]) -> dict[str, Any]:
    """Keyword fields, the date, and every language's text fields with their BM25. Fields not
    named here (the text, title, url ...) are kept in the source, not indexed."""
    tuned = set(bm25_languages)
    props: dict[str, Any] = {name: {"type": "keyword"} for name in KEYWORDS}
    props["day"] = {"type": "date", "format": "strict_date"}
    props["offsets"] = {"type": "object", "enabled": False}
    for name in build_schema().names():
        field = text_field(name)
        if field is None:
            continue
        spec: dict[str, Any] = {"type": "text", "analyzer": "tokens"}
        if field.lang in tuned:
            spec["similarity"] = similarity_name(field.lang)
        if field.part == "exact":
            spec["index_options"] = "freqs"
        props[name] = spec
        if field.part == "body":
            props[combined_field(field.lang, field.folded)] = dict(spec, index_options="freqs")
    return {"dynamic": False, "properties": props, "_meta": {"format": FORMAT},
            # The combined fields are for scoring only: the source keeps their parts.
            "_source": {"excludes": ["all_*", "allf_*"]}}


def combined_field(lang: str, folded: bool = False) -> str:
    """The field a word is scored in: its title (counted TITLE_COPIES times) and its body
    as one text, so a word's title and body occurrences saturate together as in BM25F."""
    return f"allf_{lang}" if folded else f"all_{lang}"


class SourceMaker:
    """A document's fields (:func:`index.writing.document_fields`) -> what the cluster stores."""

    def __init__(self) -> None:
        self.schema = build_schema()

    def stream(self, fieldname: str, value: str) -> tuple[str, list[int]]:
        """The field's tokens as sent (positions by spaces, stacks by ``|``), and where each
        token stands in ``value``: ``[start, end, start, end ...]`` in the same order."""
        analyzer = self.schema[fieldname].analyzer
        by_pos: dict[int, list[tuple[str, int, int]]] = {}
        for t in analyzer(value, positions=True, chars=True, mode="index"):
            by_pos.setdefault(t.pos, []).append((wire_term(t.text), t.startchar, t.endchar))
        words: list[str] = []
        offsets: list[int] = []
        for pos in sorted(by_pos):
            words.append(STACK.join(text for text, _, _ in by_pos[pos]))
            for _, start, end in by_pos[pos]:
                offsets += (start, end)
        return " ".join(words), offsets

    def source(self, fields: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        offsets: dict[str, list[int]] = {}
        for name, value in fields.items():
            if name.startswith("_") or name == "vkey":
                continue
            field = text_field(name)
            if field is None:
                out[name] = value.isoformat()[:10] if isinstance(value, _dt.datetime) else value
                continue
            out[name], where = self.stream(name, value)
            if field.part != "exact":
                offsets[name] = where
        _combine(out)
        for name in list(offsets):
            field = text_field(name)
            if field is not None and field.folded:
                twin = name.replace(f"{field.part}f_", f"{field.part}_", 1)
                if offsets.get(twin) == offsets[name]:
                    del offsets[name]  # as its marked twin's (stored_offsets)
        out["offsets"] = offsets
        return out


def stored_offsets(source: dict[str, Any] | Any, fieldname: str) -> list[int]:
    """A field's token offsets from a stored source: its own, or for a folded field stored
    without them, its marked twin's (the same tokens at the same places)."""
    offsets = source.get("offsets") or {}
    if fieldname in offsets:
        return offsets[fieldname]  # type: ignore[no-any-return]
    field = text_field(fieldname)
    if field is not None and field.folded:
        return offsets.get(fieldname.replace(f"{field.part}f_", f"{field.part}_", 1)) or []  # type: ignore[no-any-return]
    return []


def _combine(out: dict[str, Any]) -> None:
    """Each body field's combined twin: the title's tokens TITLE_COPIES times, then the
    body's, a never-matched token between them."""
    for name in [n for n in out if is_part(n, "body")]:
        field = text_field(name)
        assert field is not None
        title = out.get(title_field(field.lang, field.folded), "")
        parts = [title] * TITLE_COPIES if title else []
        out[combined_field(field.lang, field.folded)] = f" {SEPARATOR} ".join(parts + [out[name]])


class ClusterStore:
    """One index (an alias) in an OpenSearch cluster, through opensearch-py."""

    def __init__(self, client: Any, name: str, url: str, factory: Any = None) -> None:
        self.client = client
        self._factory = factory  # makes a new client for the same cluster
        self.name = name
        self.url = url
        self.path: str | None = None  # not a folder: indexing runs in this process
        self.maker = SourceMaker()
        #: A rebuild's new index, written while the alias still names the old one.
        self.building: str | None = None

    @property
    def target(self) -> str:
        """Where writes go: the index being rebuilt, else the alias."""
        return self.building or self.name

    @classmethod
    def connect(cls, url: str, name: str, *, user: str | None = None, password: str | None = None,
                ca_certs: str | None = None, verify: bool = True,
                timeout: float = REQUEST_TIMEOUT) -> "ClusterStore":
        """A client for ``url`` (or several nodes' addresses separated by commas: a request
        a node fails is retried on another); basic auth with ``user``, TLS checked against
        ``ca_certs`` (or the system's) for an ``https`` address."""
        try:
            from opensearchpy import OpenSearch
        except ImportError:
            raise BackendError("the OpenSearch client is not installed: "
                               "pip install 'polyglot-news-search[cluster]'") from None
        options: dict[str, Any] = {"timeout": timeout, "max_retries": 3, "retry_on_timeout": True}
        if user is not None:
            options["http_auth"] = (user, password or "")
        if url.startswith("https"):
            options.update(use_ssl=True, verify_certs=verify, ssl_show_warn=verify)
            if ca_certs:
                options["ca_certs"] = ca_certs
        hosts = [u.strip() for u in url.split(",") if u.strip()]
        store = cls(OpenSearch(hosts, **options), name, url, lambda: OpenSearch(hosts, **options))
        # A process forked from this one (a server's worker) opens connections of its own.
        alive = weakref.ref(store)
        os.register_at_fork(after_in_child=lambda: _reconnect(alive()))
        return store

    def reconnect(self) -> None:
        """A new client for the same cluster, sharing no connection with the old one."""
        if self._factory is not None:
            self.client = self._factory()

    @contextmanager
    def calling(self, what: str) -> Iterator[None]:
        """Turn the client's failures into :class:`BackendError` naming the cluster and the fix."""
        from opensearchpy import exceptions as ex

        try:
            yield
        except ex.ConnectionError as exc:
            raise BackendError(f"{what}: the cluster at {self.url} cannot be reached ({exc.info}); "
                               "is it running? (scripts/opensearch-local start)") from None
        except ex.AuthenticationException:
            raise BackendError(f"{what}: {self.url} refused the user name or password; set "
                               "SEARCH_BACKEND_USER and SEARCH_BACKEND_PASSWORD") from None
        except ex.AuthorizationException as exc:
            raise BackendError(f"{what}: {self.url} does not allow it ({exc.error})") from None
        except ex.TransportError as exc:
            raise BackendError(f"{what} failed on {self.url}: {_reason(exc)}") from None

    # -- the index and its alias --------------------------------------------

    def exists(self) -> bool:
        with self.calling(f"looking for index {self.name!r}"):
            return bool(self.client.indices.exists_alias(name=self.name))

    def check_format(self) -> None:
        """Refuse an index laid out by another version of this program, saying how to rebuild."""
        with self.calling(f"reading the mapping of {self.name!r}"):
            found = self.client.indices.get_mapping(index=self.name)
        for mapping in found.values():
            layout = (mapping["mappings"].get("_meta") or {}).get("format")
            if layout != FORMAT:
                raise BackendError(
                    f"index {self.name!r} on {self.url} was written by another version of this "
                    f"program (layout {layout}; this one reads {FORMAT}): rebuild it with "
                    "`search --backend URL index --rebuild FOLDER` or `search migrate URL --rebuild`")

    def create(self, shards: int, replicas: int, bm25: dict[str, tuple[float, float]]) -> str:
        """A new index behind no alias yet; its name."""
        concrete = f"{self.name}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        body = {"settings": index_settings(shards, replicas, bm25), "mappings": mappings(bm25)}
        with self.calling(f"creating index {concrete!r}"):
            self.client.indices.create(index=concrete, body=body)
            self.client.cluster.health(index=concrete, wait_for_status="yellow")
        return concrete

    def point_alias(self, concrete: str) -> list[str]:
        """Move the alias to ``concrete`` in one step; the indexes it left."""
        with self.calling(f"moving alias {self.name!r}"):
            old = list(self.client.indices.get_alias(name=self.name)) if self.exists() else []
            actions = [{"remove": {"index": o, "alias": self.name}} for o in old]
            actions.append({"add": {"index": concrete, "alias": self.name}})
            self.client.indices.update_aliases(body={"actions": actions})
        return [o for o in old if o != concrete]

    def drop(self, concrete: str) -> None:
        with self.calling(f"deleting index {concrete!r}"):
            self.client.indices.delete(index=concrete)

    def settings(self) -> tuple[int, int]:
        """The shards and replicas of the index the alias names."""
        with self.calling(f"reading the settings of {self.name!r}"):
            found = self.client.indices.get_settings(index=self.name)
        index = next(iter(found.values()))["settings"]["index"]
        return int(index["number_of_shards"]), int(index["number_of_replicas"])

    def concrete(self) -> list[str]:
        with self.calling(f"reading alias {self.name!r}"):
            return list(self.client.indices.get_alias(name=self.name))

    # -- writing ------------------------------------------------------------

    def write(self, docs: list[dict[str, Any]], delete_files: list[str], target: str | None = None,
              workers: "SourceWorkers | None" = None) -> int:
        """Delete the documents of ``delete_files``, then index ``docs`` (by id), and make
        them searchable; how many were written. A document the cluster refuses stops it.
        ``workers`` analyse the documents in processes of their own."""
        from opensearchpy.helpers import streaming_bulk

        index = target or self.target
        if delete_files:
            self.delete_terms("file", delete_files, target=index)
        sources = workers.map(docs) if workers is not None else (self.maker.source(f) for f in docs)
        actions = ({"_index": index, "_id": source["id"], "_source": source} for source in sources)
        written, failed = 0, []
        with self.calling(f"indexing {len(docs)} documents"):
            for ok, item in streaming_bulk(self.client, actions, chunk_size=BULK_DOCS,
                                           max_chunk_bytes=BULK_BYTES, max_retries=BULK_RETRIES,
                                           initial_backoff=BULK_BACKOFF, raise_on_error=False,
                                           raise_on_exception=True):
                if ok:
                    written += 1
                else:
                    failed.append(item)
            self.client.indices.refresh(index=index)
        if failed:
            first = next(iter(failed[0].values()))
            raise BackendError(_hinted(f"the cluster refused {len(failed)} of {len(docs)} documents; "
                                       f"the first, {first.get('_id')!r}: {first.get('error')}"))
        return written

    def delete_terms(self, field: str, values: list[str], target: str | None = None) -> int:
        """Delete every document whose ``field`` is one of ``values``; how many there were.
        (Found by a search and deleted in bulk: delete-by-query is a module a cluster may lack.)"""
        from opensearchpy.helpers import bulk

        index, deleted = target or self.target, 0
        for chunk in range(0, len(values), 1000):
            ids = self.ids_where(field, values[chunk:chunk + 1000], index)
            actions = ({"_op_type": "delete", "_index": index, "_id": i} for i in ids)
            with self.calling(f"deleting by {field}"):
                done, _ = bulk(self.client, actions, raise_on_error=False, refresh=True,
                               max_retries=BULK_RETRIES, initial_backoff=BULK_BACKOFF)
            deleted += int(done)  # type: ignore[call-overload]
        return deleted

    def ids_where(self, field: str, values: list[str], index: str) -> list[str]:
        """The ids of the documents whose ``field`` is one of ``values``."""
        ids: list[str] = []
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {"size": 5000, "_source": False, "sort": [{"id": "asc"}],
                                    "query": {"terms": {field: values}}}
            if after:
                body["search_after"] = after
            with self.calling(f"finding documents by {field}"):
                hits = self.client.search(index=index, body=body)["hits"]["hits"]
            ids += [h["_id"] for h in hits]
            if len(hits) < 5000:
                return ids
            after = hits[-1]["sort"]

    # -- reading ------------------------------------------------------------

    def live_files(self) -> dict[str, str]:
        """``{path: content hash}`` of every file indexed whole (see :mod:`index.live`)."""
        files: dict[str, str] = {}
        after: dict[str, Any] | None = None
        while True:
            composite: dict[str, Any] = {"size": 1000, "sources": [{"k": {"terms": {"field": "filekey"}}}]}
            if after:
                composite["after"] = after
            body = {"size": 0, "aggs": {"keys": {"composite": composite}}}
            with self.calling("listing indexed files"):
                agg = self.client.search(index=self.target, body=body)["aggregations"]["keys"]
            for bucket in agg["buckets"]:
                path, _, sha = bucket["key"]["k"].rpartition("\t")
                files[path] = sha
            after = agg.get("after_key")
            if not agg["buckets"] or not after:
                return files

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.calling("searching"):
            return self.client.search(index=self.name, body=body)  # type: ignore[no-any-return]

    def get(self, doc_id: str) -> dict[str, Any] | None:
        from opensearchpy import exceptions as ex

        with self.calling(f"reading document {doc_id!r}"):
            try:
                return self.client.get(index=self.name, id=doc_id)["_source"]  # type: ignore[no-any-return]
            except ex.NotFoundError:
                return None

    def sources(self, ids: list[str], fields: list[str] | None = None) -> dict[str, dict[str, Any]]:
        """The stored sources of these documents (only ``fields`` when given), by id (those
        gone since are left out)."""
        if not ids:
            return {}
        with self.calling("reading documents"):
            found = self.client.mget(index=self.name, body={"ids": ids},
                                     params={"_source_includes": ",".join(fields)} if fields else None)
        return {d["_id"]: d["_source"] for d in found["docs"] if d.get("found")}

    def size_bytes(self) -> int:
        with self.calling("reading the index's size"):
            stats = self.client.indices.stats(index=self.name, metric="store")
        return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])

    def close(self) -> None:
        self.client.close()


def _reconnect(store: ClusterStore | None) -> None:
    if store is not None:
        store.reconnect()


def _reason(exc: Any) -> str:
    """The cluster's own words for a refused request, with a hint for the usual ones."""
    info = exc.info if isinstance(exc.info, dict) else {}
    reason = (info.get("error") or {}).get("reason") if isinstance(info.get("error"), dict) else None
    text = _hinted(f"{exc.status_code} {reason or exc.error}")
    if exc.status_code == 404:
        text += " (no such index: create it with `search --backend URL index ...`)"
    return text


def _hinted(text: str) -> str:
    """A refusal's text, with what to do when the index is blocked for writes."""
    if any(word in text for word in ("read-only", "read_only", "cluster_block_exception")):
        text += (" -- the index is read-only (a disk past its flood stage, or a block someone set): "
                 "free disk space on the cluster, then clear the block "
                 "(PUT INDEX/_settings {\"index.blocks.read_only_allow_delete\": null, "
                 "\"index.blocks.write\": null})")
    return text



class ClusterIndexer(Indexer):
    """:class:`index.writing.Indexer`'s runs (batches, incremental files, deletions of
    vanished ones) written to a cluster: only where documents go differs."""

    def __init__(self, store: ClusterStore, *, procs: int = 1, **options: Any) -> None:
        super().__init__(store, **options)  # type: ignore[arg-type]
        self.procs = procs  # processes analysing documents (this one writes)
        self.cluster = store

    def write(self, docs: list[dict[str, Any]], delete_files: list[str], workers: Any = None,
              progress: Any = None) -> None:
        unique = last_per_id(docs)
        self.cluster.write(unique, delete_files, workers=workers)
        if progress is not None:
            for fields in unique:
                progress(fields)

    def delete(self, ids: Iterable[str]) -> int:
        return self.cluster.delete_terms("id", [str(i) for i in ids])

    def delete_paths(self, paths: Iterable[str]) -> int:
        return self.cluster.delete_terms("file", [index_path(os.path.abspath(p)) for p in paths])

    def remove(self, targets: Iterable[str]) -> int:
        targets = list(targets)
        by_file = self.cluster.delete_terms("file", [index_path(os.path.abspath(t)) for t in targets])
        return by_file + self.cluster.delete_terms("id", targets)

    def merge(self) -> tuple[int, int]:
        with self.cluster.calling("merging segments"):
            self.cluster.client.indices.forcemerge(index=self.cluster.name, max_num_segments=1)
        return 1, 1

    @contextmanager
    def _workers(self) -> Iterator["SourceWorkers | None"]:  # type: ignore[override]
        if self.procs <= 1:
            yield None
            return
        with SourceWorkers(self.cluster.maker, self.procs) as workers:
            yield workers

    def indexed_files(self) -> dict[str, str]:
        return self.cluster.live_files()


class SourceWorkers:
    """Processes that analyse documents into sources for the cluster, forked once the first
    document has loaded the analyzers it needs, so that they share the models' pages."""

    #: Documents handed out ahead of the sources read back, per process.
    AHEAD = 64

    def __init__(self, maker: SourceMaker, procs: int) -> None:
        self.maker = maker
        self.procs = procs
        self._processes: list[Any] = []
        self._jobs: Any = None
        self._done: Any = None

    def __enter__(self) -> "SourceWorkers":
        return self

    def __exit__(self, *exc: object) -> None:
        for _ in self._processes:
            self._jobs.put(None)
        for process in self._processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()

    def _start(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self._jobs, self._done = ctx.Queue(), ctx.Queue()
        self._processes = [ctx.Process(target=self._serve, name=f"analyse-{i}", daemon=True)
                           for i in range(self.procs)]
        for process in self._processes:
            process.start()

    def _serve(self) -> None:
        while (fields := self._jobs.get()) is not None:
            try:
                self._done.put((self.maker.source(fields), None))
            except Exception as exc:  # reported to the writer, which stops the run
                self._done.put((None, f"document {fields.get('id')!r}: {type(exc).__name__}: {exc}"))

    def map(self, docs: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The sources of ``docs``, in the order they are ready."""
        if not self._processes:
            if not docs:
                return
            yield self.maker.source(docs[0])  # loads the analyzers before the fork
            docs = docs[1:]
            self._start()
        ahead = self.AHEAD * self.procs
        for i, fields in enumerate(docs):
            self._jobs.put(fields)
            if i >= ahead:
                yield self._next()
        for _ in range(min(len(docs), ahead)):
            yield self._next()

    def _next(self) -> dict[str, Any]:
        import queue

        while True:
            try:
                source, error = self._done.get(timeout=5)
                break
            except queue.Empty:
                if not all(p.is_alive() for p in self._processes):
                    raise BackendError("a process analysing documents died; see the messages above") from None
        if error is not None:
            raise BackendError(f"analysing a document failed: {error}")
        return source  # type: ignore[no-any-return]
