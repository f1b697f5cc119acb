"""Speed and scale on the real news: indexing, index size, memory and query latency.

    python bench/speed.py                    # news-vi + news-ru, about 45,000 articles
    python bench/speed.py --docs 5000        # a quicker run on the first 5,000
    python bench/speed.py --repeat 3         # the collection three times, new ids: 130,000+
    python bench/speed.py --repeat 3 --engine-only --skip-one-process   # the engine alone at that size
    python bench/speed.py --docs 9000 --engine-only --commit-size 1000  # memory against commit size

Prints, for the engine and in the same run for two references: the analyzers
alone on the same text with the same number of processes (the limit indexing
can reach), and a plain Whoosh index with a lower-case analyzer (what Whoosh
itself costs). Then query latency with snippets, single thread, warm, over
../shared/data/speed/queries-mixed.jsonl, for both indexes; and a cold
`search query` command.

    python bench/speed.py --docs 6000 --rounds 3   # engine and analyzers alone alternately, 3 times

The ratio of the engine to the analyzers alone compares two runs made one after
the other; where the machine's speed drifts, ``--rounds`` repeats the pair and
prints every round's ratio, the table then showing the round with the median one.

    python bench/speed.py --optimize         # then merge the segments, and again

With ``--optimize`` the run then merges the engine's segments into one
(``search index --optimize``), times the merge, and reports size and latency again.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import itertools
import json
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
CORPORA = [DATA / "news-vi" / "corpus.jsonl.gz", DATA / "news-ru" / "corpus.jsonl.gz"]
FIELDS = ("id", "lang", "title", "text", "url", "date", "source")


def mixed_feed() -> Iterator[dict[str, Any]]:
    """The news articles once, interleaved vi/ru as a mixed feed."""
    def one(path: Path) -> Iterator[dict[str, Any]]:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                yield {k: d.get(k) for k in FIELDS}

    for group in itertools.zip_longest(*(one(p) for p in CORPORA)):
        yield from (d for d in group if d is not None)


def corpus(limit: int, repeat: int) -> Iterator[dict[str, Any]]:
    """The news articles, interleaved vi/ru as a mixed feed, repeated with new ids."""
    n = 0
    for r in range(repeat):
        for d in mixed_feed():
            if r:
                d["id"] = f"{d['id']}~{r}"
            yield d
            n += 1
            if limit and n >= limit:
                return


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


class TreeMemory:
    """The peak memory of this process and all its children together, sampled every 0.3 s:
    proportional set sizes (PSS), so pages the processes share count once.

    The sampling runs in a process of its own: with a sampling thread here, a worker
    forked by the analyzers-alone run once sat waiting on a lock from its first moment
    while the other worker did all the work (a lock held by another thread at a fork
    stays held, in the child, for ever).
    """

    def __init__(self) -> None:
        self.peak = 0
        self._watcher: subprocess.Popen[str] | None = None

    def __enter__(self) -> "TreeMemory":
        self._watcher = subprocess.Popen(
            [sys.executable, "-c", _WATCH, str(os.getpid())], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._watcher is not None
        out, _ = self._watcher.communicate("")  # its input closed: it prints the peak
        self.peak = int(out.strip() or 0)

    @property
    def peak_mb(self) -> float:
        return self.peak / 1e6


_WATCH = """
import os, select, sys
import psutil
me, peak = psutil.Process(int(sys.argv[1])), 0
while not select.select([sys.stdin], [], [], 0.3)[0]:
    total = 0
    try:
        tree = [me, *me.children(recursive=True)]
    except psutil.Error:
        break
    for p in tree:
        if p.pid == os.getpid():
            continue  # not this watcher
        try:
            total += p.memory_full_info().pss
        except psutil.Error:
            pass
    peak = max(peak, total)
print(peak)
"""


def folder_mb(path: str) -> float:
    return sum(p.stat().st_size for p in Path(path).iterdir() if p.is_file()) / 1e6


# -- the three indexing runs, each in a fresh process so peak memory is its own ----------

def run_engine(path: str, limit: int, repeat: int, procs: int, out: Any,
               commit_size: int | None = None) -> None:
    from search import Engine

    start = time.perf_counter()
    with TreeMemory() as memory, Engine.create(path, overwrite=True, procs=procs,
                                               commit_size=commit_size) as engine:
        report = engine.add(corpus(limit, repeat))
    out.put({"seconds": time.perf_counter() - start, "docs": report.added, "rss": peak_rss_mb(),
             "all": memory.peak_mb})


def _analyze(doc: dict[str, Any]) -> int:
    """Every analysis indexing does for one document, and nothing else."""
    from analyzers import (analyzer_for, canonical_language, detect_language, exact_analyzer_for,
                           folded_analyzer_for)
    from analyzers.registry import analysis_language

    title, text = doc.get("title") or "", doc.get("text") or ""
    lang = analysis_language(canonical_language(doc.get("lang")) or detect_language(f"{title}\n{text}"))
    runs = [(a, v) for a in (analyzer_for(lang), folded_analyzer_for(lang)) if a for v in (title, text)]
    exact = exact_analyzer_for(lang)
    if exact:
        runs.append((exact, f"{title}\n{text}"))
    n = 0
    for analyzer, value in runs:
        for _ in analyzer(value, positions=True, chars=True):
            n += 1
    return n


def run_analyzers(limit: int, repeat: int, procs: int, out: Any) -> None:
    start = time.perf_counter()
    with TreeMemory() as memory:
        if procs == 1:
            tokens = sum(_analyze(d) for d in corpus(limit, repeat))
        else:
            with mp.get_context("fork").Pool(procs) as pool:
                tokens = sum(pool.imap_unordered(_analyze, corpus(limit, repeat), chunksize=50))
    out.put({"seconds": time.perf_counter() - start, "tokens": tokens, "rss": peak_rss_mb(),
             "all": memory.peak_mb})


def plain_schema():  # type: ignore[no-untyped-def]
    from whoosh.analysis import LowercaseFilter, RegexTokenizer
    from whoosh.fields import ID, TEXT, Schema

    analyzer = RegexTokenizer(r"\w+") | LowercaseFilter()
    return Schema(id=ID(stored=True, unique=True), lang=ID(stored=True),
                  title=TEXT(analyzer=analyzer, stored=True),
                  body=TEXT(analyzer=analyzer, stored=True))


def run_plain(path: str, limit: int, repeat: int, procs: int, out: Any) -> None:
    from whoosh.index import create_in

    os.makedirs(path, exist_ok=True)
    start = time.perf_counter()
    with TreeMemory() as memory:
        ix = create_in(path, plain_schema())
        writer = (ix.writer(procs=procs, multisegment=True, limitmb=256) if procs > 1
                  else ix.writer(limitmb=256))
        docs = 0
        for d in corpus(limit, repeat):
            writer.add_document(id=d["id"], lang=d["lang"] or "", title=d["title"] or "",
                                body=d["text"] or "")
            docs += 1
        writer.commit()
    out.put({"seconds": time.perf_counter() - start, "docs": docs, "rss": peak_rss_mb(),
             "all": memory.peak_mb})


def in_process(target: Any, *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, out))
    p.start()
    result = out.get()
    p.join()
    return result


# -- queries ----------------------------------------------------------------------------

def percentiles(ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=100)
    return f"p50 {q[49]:6.1f}  p95 {q[94]:6.1f}  p99 {q[98]:6.1f} ms"


def engine_latency(engine_path: str, queries: list[str]) -> list[float]:
    from search import Engine

    ours: list[float] = []
    with Engine.open(engine_path) as engine:
        engine.warm()  # the index's files in the file cache, as `search serve` has them
        for q in queries[:50]:
            engine.search(q)  # warm: models loaded, arrays cached
        for q in queries:
            t = time.perf_counter()
            engine.search(q, limit=10)
            ours.append((time.perf_counter() - t) * 1000)
    return ours


def plain_latency(plain_path: str, queries: list[str]) -> list[float]:
    """Plain Whoosh with snippets: its files in the file cache first, as the engine's, then
    50 queries to warm up and every query timed."""
    from whoosh.highlight import ContextFragmenter
    from whoosh.index import open_dir
    from whoosh.qparser import MultifieldParser, OrGroup

    from index.files import read_through

    for name in os.listdir(plain_path):
        if os.path.isfile(os.path.join(plain_path, name)):
            read_through(os.path.join(plain_path, name))
    plain: list[float] = []
    ix = open_dir(plain_path)
    with ix.searcher() as searcher:
        parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup)
        for i, q in enumerate(queries[:50] + queries):
            t = time.perf_counter()
            results = searcher.search(parser.parse(q), limit=10)
            results.fragmenter = ContextFragmenter(maxchars=260)
            for hit in results:
                hit.highlights("body")
            if i >= 50:
                plain.append((time.perf_counter() - t) * 1000)
    return plain


def query_latency(engine_path: str, plain_path: str, queries: list[str]) -> tuple[list[float], list[float]]:
    return engine_latency(engine_path, queries), plain_latency(plain_path, queries)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=0, help="only the first N articles (0: all)")
    ap.add_argument("--repeat", type=int, default=1, help="the collection N times, with new ids")
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--queries", type=int, default=2000, help="how many queries to time")
    ap.add_argument("--skip-one-process", action="store_true", help="do not index with 1 process")
    ap.add_argument("--rounds", type=int, default=1,
                    help="index with the engine and with the analyzers alone this many times, "
                         "alternately, and print each round's ratio")
    ap.add_argument("--engine-only", action="store_true",
                    help="no references (analyzers alone, plain Whoosh): for runs at 100,000+ articles")
    ap.add_argument("--commit-size", type=int,
                    help="the most articles a commit holds (the engine's default: 3,000)")
    ap.add_argument("--keep", help="keep the engine's index in this folder")
    ap.add_argument("--optimize", action="store_true",
                    help="then merge the engine's segments and measure size and queries again")
    ap.add_argument("--queries-only", nargs=2, metavar=("ENGINE_INDEX", "PLAIN_INDEX"),
                    help="skip indexing: time queries on two indexes an earlier run kept")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be 1 or more")
    if args.queries_only:
        report_queries(*args.queries_only, args.queries)
        return

    work = Path(tempfile.mkdtemp(prefix="speed-"))
    engine_path = args.keep or str(work / "engine")
    plain_path = (args.keep + "-plain") if args.keep else str(work / "plain")
    chars = sum(len(d["title"] or "") + len(d["text"] or "") for d in corpus(args.docs, args.repeat))
    print(f"corpus: news-vi + news-ru, {args.docs or 'all'} articles x{args.repeat}, "
          f"{chars / 1e6:.1f} M characters; {os.cpu_count()} cores")

    rows = []
    run_engine_ = functools.partial(run_engine, commit_size=args.commit_size)
    if not args.skip_one_process and args.procs > 1:
        one = in_process(run_engine_, engine_path, args.docs, args.repeat, 1)
        rows.append(("engine, 1 process", one))
    pairs = []
    for _ in range(1 if args.engine_only else args.rounds):
        eng = in_process(run_engine_, engine_path, args.docs, args.repeat, args.procs)
        ana = None if args.engine_only else in_process(run_analyzers, args.docs, args.repeat, args.procs)
        pairs.append((eng, ana))
    if len(pairs) > 1:
        # The machine's speed drifts between runs: each round's pair ran back to back, and
        # the table shows the round with the median ratio.
        ratios = [e["seconds"] / a["seconds"] for e, a in pairs]
        print("\nengine / analyzers alone, round by round (engine s, analyzers s):")
        for i, ((e, a), r) in enumerate(zip(pairs, ratios), 1):
            print(f"  round {i}: {e['seconds']:.1f} / {a['seconds']:.1f} = {r:.2f}x")
        eng, ana = pairs[sorted(range(len(pairs)), key=ratios.__getitem__)[len(pairs) // 2]]
    else:
        eng, ana = pairs[0]
    rows.append((f"engine, {args.procs} processes", eng))
    if ana is not None:
        rows.append((f"analyzers alone, {args.procs} processes", ana))
        plain = in_process(run_plain, plain_path, args.docs, args.repeat, args.procs)
        rows.append((f"plain Whoosh, {args.procs} processes", plain))
    docs = eng["docs"]
    print(f"\n{'indexing':<34}{'seconds':>9}{'docs/s':>9}{'MB/s':>7}{'peak RSS MB':>13}"
          f"{'all processes MB':>18}")
    for name, r in rows:
        print(f"{name:<34}{r['seconds']:9.1f}{docs / r['seconds']:9.0f}{chars / 1e6 / r['seconds']:7.2f}"
              f"{r['rss']:13.0f}{r['all']:18.0f}")
    print("  peak RSS: the largest single process; all processes: their PSS added up, sampled "
          "(target <= 800 MB for the engine)")
    if not args.skip_one_process and args.procs > 1:
        speedup = rows[0][1]['seconds'] / eng['seconds']
        print(f"speed-up with {args.procs} processes: {speedup:.2f}x (target >= 1.7x)")
    if args.engine_only:
        print(f"\nindex on disk: engine {folder_mb(engine_path):.0f} MB; text {chars / 1e6:.0f} M chars")
        report_fields(engine_path)
        ours = engine_latency(engine_path, _queries(args.queries))
        print(f"\nqueries with snippets, {len(ours)} from speed/queries-mixed.jsonl, one thread, warm")
        print(f"  engine        {percentiles(ours)}")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        return
    print(f"engine / analyzers alone: {eng['seconds'] / ana['seconds']:.2f}x (target <= 1.3x)")
    print(f"engine / plain Whoosh: {eng['seconds'] / plain['seconds']:.2f}x")

    e_mb, p_mb = folder_mb(engine_path), folder_mb(plain_path)
    print(f"\nindex on disk: engine {e_mb:.0f} MB, plain Whoosh {p_mb:.0f} MB "
          f"({e_mb / p_mb:.2f}x, target <= 3x); text {chars * 1.0 / 1e6:.0f} M chars")
    report_fields(engine_path)

    plain_p95 = report_queries(engine_path, plain_path, args.queries)
    if args.optimize:
        report_optimized(engine_path, p_mb, plain_p95, args.queries)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def report_optimized(engine_path: str, plain_mb: float, plain_p95: float, count: int) -> None:
    from search import Engine

    start = time.perf_counter()
    with Engine.open(engine_path) as engine:
        before, after = engine.optimize()
    seconds = time.perf_counter() - start
    e_mb = folder_mb(engine_path)
    print(f"\nmerged {before} segments into {after} in {seconds:.1f} s (one process)")
    print(f"index on disk after the merge: {e_mb:.0f} MB ({e_mb / plain_mb:.2f}x plain Whoosh)")
    ours = engine_latency(engine_path, _queries(count))
    print(f"  engine, merged  {percentiles(ours)}")
    print(f"  engine p95 / plain p95: {statistics.quantiles(ours, n=100)[94] / plain_p95:.2f}x")


def _queries(count: int) -> list[str]:
    return [json.loads(line)["query"] for line in
            open(DATA / "speed" / "queries-mixed.jsonl", encoding="utf-8")][:count]


def report_queries(engine_path: str, plain_path: str, count: int) -> float:
    """Latency of both indexes and the cold command; returns plain Whoosh's p95 (ms)."""
    queries = _queries(count)
    ours, base = query_latency(engine_path, plain_path, queries)
    print(f"\nqueries with snippets, {len(queries)} from speed/queries-mixed.jsonl, one thread, warm")
    print(f"  engine        {percentiles(ours)}")
    print(f"  plain Whoosh  {percentiles(base)}")
    ratio = statistics.quantiles(ours, n=100)[94] / statistics.quantiles(base, n=100)[94]
    print(f"  engine p95 / plain p95: {ratio:.2f}x "
          "(target <= 2x; engine p50 <= 15 ms, p95 <= 60 ms)")

    cold = []
    search_cmd = [sys.executable, "-m", "search.cli", "--index", engine_path, "query", "ядерная безопасность"]
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(search_cmd, check=True, capture_output=True, cwd=ROOT)
        cold.append(time.perf_counter() - t)
    print(f"\ncold `search query` (new process, import and models): best {min(cold):.2f}s, "
          f"worst {max(cold):.2f}s (target <= 1.5 s)")
    return statistics.quantiles(base, n=100)[94]


def report_fields(path: str) -> None:
    """What each field costs on disk: its terms, its postings and its share of the term dictionary."""
    from whoosh.codec.whoosh3 import W3TermInfo
    from whoosh.index import open_dir

    ix = open_dir(path, indexname="main")
    per: dict[str, list[int]] = {}  # field -> [terms, postings bytes, dictionary bytes, tokens]
    with ix.reader() as reader:
        for sub, _ in reader.leaf_readers():
            terms = sub._terms
            for keybytes, valbytes in terms._tindex.items():
                fieldname, _ = terms._keydecoder(keybytes)
                row = per.setdefault(fieldname, [0, 0, 0, 0])
                row[0] += 1
                row[2] += len(keybytes) + len(valbytes)
                info = W3TermInfo.from_bytes(valbytes)
                if not info.is_inlined():
                    length = info.extent()[1]  # Whoosh leaves it a 1-tuple
                    row[1] += length[0] if isinstance(length, tuple) else length
        for fieldname, row in per.items():
            row[3] = int(reader.field_length(fieldname) or 0)
    by_kind: dict[str, int] = {}
    for p in Path(path).iterdir():
        kind = ("stored text" if p.name.endswith("_stored.col") else "lengths" if p.name.endswith(".col")
                else {".pst": "postings", ".trm": "term dictionary", ".tda": "scoring arrays"}.get(
                    p.suffix, "other"))
        by_kind[kind] = by_kind.get(kind, 0) + p.stat().st_size
    print("  files: " + ", ".join(f"{k} {v / 1e6:.0f} MB" for k, v in
                                  sorted(by_kind.items(), key=lambda kv: -kv[1])))
    print(f"  {'field':<12}{'terms':>11}{'tokens':>13}{'postings MB':>13}{'dictionary MB':>15}")
    for fieldname, (n, post, dic, tokens) in sorted(per.items(), key=lambda kv: -(kv[1][1] + kv[1][2])):
        if post + dic < 1e5:
            continue
        print(f"  {fieldname:<12}{n:>11,}{tokens:>13,}{post / 1e6:>13.1f}{dic / 1e6:>15.1f}")


if __name__ == "__main__":
    main()
