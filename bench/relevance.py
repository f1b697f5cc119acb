"""Relevance on the evaluation sets: the engine against plain BM25, in one run.

    python bench/relevance.py xquad --lang vi ru en
    python bench/relevance.py xquad --lang vi --no-diacritics
    python bench/relevance.py news-vi --body-only --sample 300
    python bench/relevance.py news-ru --queries queries-tag-tune.jsonl --body-only
    python bench/relevance.py xquad --mixed          # every language in one index, no filter
    python bench/relevance.py xquad --lang vi ru en --backend http://127.0.0.1:9200

A set is a folder of ../shared/data (or --data DIR) with a corpus (corpus.jsonl[.gz] or
corpus.docs.*.jsonl) and a query file. The engine indexes the corpus with its real
pipeline into a temporary index and answers every query through Engine.search; the
baseline is a Whoosh index with a plain lower-case analyzer and Whoosh's BM25F.
Metrics come from ir-measures: MRR@10 (RR@10), Recall@10, nDCG@10.

With ``--backend URL`` the same documents also go into a new index on that OpenSearch
cluster (Engine.connect; dropped after), every query is asked of it too, and a second
table sets the cluster against the embedded index.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data"
MEASURES = ("RR@10", "R@10", "nDCG@10")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
        for line in f:
            if line.strip():
                yield json.loads(line)


def corpus_files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("corpus.jsonl*")) + sorted(folder.glob("corpus.docs.*.jsonl"))
    if not files:
        raise SystemExit(f"no corpus in {folder}: expected corpus.jsonl[.gz] or corpus.docs.*.jsonl")
    return files


def default_queries(folder: Path) -> Path:
    for name in ("queries-dev.jsonl", "queries-title-tune.jsonl", "queries-xlang-tune.jsonl"):
        if (folder / name).exists():
            return folder / name
    raise SystemExit(f"no query file in {folder}: give --queries")


def strip_diacritics(text: str) -> str:
    """How people type Vietnamese without marks: no diacritics, đ -> d."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


class Baseline:
    """Plain BM25: lower-cased words, no segmentation, no lemmas (Whoosh's defaults)."""

    def __init__(self, with_titles: bool) -> None:
        from whoosh.analysis import RegexTokenizer, LowercaseFilter
        from whoosh.fields import ID, TEXT, Schema
        from index.store import PrivateRamStorage

        analyzer = RegexTokenizer(r"\w+") | LowercaseFilter()
        schema = Schema(id=ID(stored=True, unique=True), lang=ID,
                        title=TEXT(analyzer=analyzer), body=TEXT(analyzer=analyzer))
        self.ix = PrivateRamStorage().create_index(schema)
        self.with_titles = with_titles
        self.writer = self.ix.writer()

    def add(self, doc: dict[str, Any]) -> None:
        self.writer.add_document(id=doc["id"], lang=doc.get("lang") or "xx",
                                 title=doc.get("title") or "" if self.with_titles else "",
                                 body=doc.get("text") or "")

    def commit(self) -> None:
        self.writer.commit()
        self.ix.storage.remove_temp_folders()
        self.searcher = self.ix.searcher()

    def search(self, query: str, lang: str | None) -> list[tuple[str, float]]:
        from whoosh.qparser import MultifieldParser, OrGroup
        from whoosh.query import Term

        fields = ["title", "body"] if self.with_titles else ["body"]
        parser = MultifieldParser(fields, self.ix.schema, group=OrGroup)
        words = " ".join(w for w in __import__("re").findall(r"\w+", query.lower()))
        q = parser.parse(words)
        results = self.searcher.search(q, limit=10, filter=Term("lang", lang) if lang else None)
        return [(r["id"], float(r.score)) for r in results]


def evaluate(run: dict[str, dict[str, float]], qrels: dict[str, dict[str, int]],
             groups: dict[str, str]) -> dict[str, dict[str, float]]:
    import ir_measures
    from ir_measures import parse_measure

    measures = [parse_measure(m) for m in MEASURES]
    per_query: dict[str, dict[str, float]] = defaultdict(dict)
    for metric in ir_measures.iter_calc(measures, qrels, run):
        per_query[metric.query_id][str(metric.measure)] = metric.value
    out: dict[str, dict[str, float]] = {}
    by_group: dict[str, list[str]] = defaultdict(list)
    for qid in qrels:
        by_group[groups[qid]].append(qid)
        by_group["all"].append(qid)
    for group, qids in by_group.items():
        out[group] = {m: sum(per_query.get(q, {}).get(m, 0.0) for q in qids) / len(qids)
                      for m in MEASURES}
        out[group]["n"] = len(qids)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set", help="a folder name under --data (xquad, vinewsqa, news-vi, news-ru, ...)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--queries", help="query file name inside the set (default: the dev/tune file)")
    ap.add_argument("--lang", nargs="*", help="only these languages' queries (and documents, unless --mixed)")
    ap.add_argument("--mixed", action="store_true", help="search without a language filter")
    ap.add_argument("--no-diacritics", action="store_true", help="strip marks from the queries")
    ap.add_argument("--body-only", action="store_true", help="do not index titles")
    ap.add_argument("--sample", type=int, default=0, help="use only the first N queries")
    ap.add_argument("--extra", nargs="*", default=[], help="more sets indexed alongside (mixed collection)")
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 1, help="indexing processes")
    ap.add_argument("--backend", metavar="URL", help="also on this OpenSearch cluster (a new index)")
    ap.add_argument("--across", action="store_true",
                    help="index with meaning vectors and compare search across languages on and off")
    args = ap.parse_args()

    from search import Engine

    folder = args.data / args.set
    langs = set(args.lang) if args.lang else None
    queries = [q for q in read_jsonl(folder / args.queries if args.queries else default_queries(folder))
               if (langs is None or q["lang"] in langs) and q.get("relevant")]
    if args.sample:
        queries = queries[:args.sample]
    if not queries:
        raise SystemExit("no queries with judgments for that selection")

    started = time.perf_counter()
    import tempfile

    workdir = tempfile.TemporaryDirectory(prefix="relevance-")
    engine = Engine.create(os.path.join(workdir.name, "ix"), batch_size=10000, procs=args.procs,
                           semantic=args.across)
    baseline = Baseline(with_titles=not args.body_only)
    count = 0
    kept: list[dict[str, Any]] = []  # what the cluster is given, with --backend
    # A mixed run indexes every language of the set (and the extra sets); --lang then picks queries.
    sources = [(folder, None if args.mixed else langs)] + [(args.data / extra, None) for extra in args.extra]

    def stream() -> Iterator[dict[str, Any]]:
        nonlocal count
        for src, only in sources:
            for path in corpus_files(src):
                for doc in read_jsonl(path):
                    if only is not None and doc.get("lang") not in only:
                        continue
                    count += 1
                    baseline.add(doc)
                    given = {"id": doc["id"], "lang": doc.get("lang"), "text": doc.get("text") or "",
                             "title": "" if args.body_only else (doc.get("title") or ""),
                             "date": doc.get("date"), "url": doc.get("url"), "source": doc.get("source")}
                    if args.backend:
                        kept.append(dict(given))
                    yield given

    engine.add(stream())
    baseline.commit()
    indexed = time.perf_counter() - started
    cluster = None
    if args.backend:
        cluster = Engine.connect(args.backend, index=f"relevance-{os.getpid()}")
        started = time.perf_counter()
        cluster.add(kept)
        print(f"cluster indexing {time.perf_counter() - started:.1f}s", flush=True)

    qrels = {q["qid"]: {d: 1 for d in q["relevant"]} for q in queries}
    groups = {q["qid"]: q["lang"] for q in queries}
    ours: dict[str, dict[str, float]] = {}
    base: dict[str, dict[str, float]] = {}
    across: dict[str, dict[str, float]] = {}
    on_cluster: dict[str, dict[str, float]] = {}
    started = time.perf_counter()
    for q in queries:
        text = strip_diacritics(q["query"]) if args.no_diacritics else q["query"]
        lang = None if args.mixed else q["lang"]
        # The ranking itself: near-duplicates are not folded, each judged document where it ranks.
        hits = engine.search(text, lang=lang, limit=10, fold=False).hits
        ours[q["qid"]] = {h.id: float(10 - i) for i, h in enumerate(hits)}
        if args.across:
            hits = engine.search(text, lang=lang, limit=10, fold=False, across_languages=True).hits
            across[q["qid"]] = {h.id: float(10 - i) for i, h in enumerate(hits)}
        base[q["qid"]] = {d: float(10 - i) for i, (d, _) in enumerate(baseline.search(text, lang))}
        if cluster is not None:
            hits = cluster.search(text, lang=lang, limit=10, fold=False).hits
            on_cluster[q["qid"]] = {h.id: float(10 - i) for i, h in enumerate(hits)}
    searched = time.perf_counter() - started

    a, b = evaluate(ours, qrels, groups), evaluate(base, qrels, groups)
    print(f"set {args.set}  queries {len(queries)}  documents {count}  "
          f"filter {'none (mixed)' if args.mixed else 'per language'}  "
          f"titles {'not indexed' if args.body_only else 'indexed'}  "
          f"diacritics {'stripped from queries' if args.no_diacritics else 'as typed'}  "
          f"extra sets {','.join(args.extra) or '-'}")
    print(f"indexing {indexed:.1f}s  searching {searched:.1f}s "
          f"({1000 * searched / len(queries) / 2:.1f} ms/query, both engines)")
    print(f"{'lang':<6}{'n':>6}  " + "  ".join(f"{m:>22}" for m in MEASURES))
    print(f"{'':<12}  " + "  ".join(f"{'engine  plain   diff':>22}" for _ in MEASURES))
    for group in sorted(a, key=lambda g: (g == "all", g)):
        cells = "  ".join(f"{a[group][m]:6.3f} {b[group][m]:6.3f} {a[group][m] - b[group][m]:+6.3f}".rjust(22)
                          for m in MEASURES)
        print(f"{group:<6}{int(a[group]['n']):>6}  {cells}")
    if args.across:
        c = evaluate(across, qrels, groups)
        print("\nacross languages (words and meaning) against words alone:")
        for group in sorted(c, key=lambda g: (g == "all", g)):
            on, off = c[group], a[group]
            cells = "  ".join(f"{on[m]:6.3f} {off[m]:6.3f} {on[m] - off[m]:+6.3f}".rjust(22)
                              for m in MEASURES)
            print(f"{group:<6}{int(c[group]['n']):>6}  {cells}")
    if cluster is not None:
        c = evaluate(on_cluster, qrels, groups)
        print(f"\nthe OpenSearch cluster ({args.backend}) against the embedded index:")
        print(f"{'':<12}  " + "  ".join(f"{'cluster embedded diff':>22}" for _ in MEASURES))
        for group in sorted(c, key=lambda g: (g == "all", g)):
            on, off = c[group], a[group]
            cells = "  ".join(f"{on[m]:6.3f} {off[m]:6.3f} {on[m] - off[m]:+6.3f}".rjust(22)
                              for m in MEASURES)
            print(f"{group:<6}{int(c[group]['n']):>6}  {cells}")
        cluster.destroy()  # type: ignore[attr-defined]
        cluster.close()
    engine.close()
    workdir.cleanup()


if __name__ == "__main__":
    main()
