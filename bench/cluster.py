"""The OpenSearch backend at scale, on one machine: three local nodes, the 44,631 news articles.

    python bench/cluster.py                        # start 3 nodes, index, query, kill a node
    python bench/cluster.py --docs 5000 --seconds 60

It starts a 3-node cluster with ``scripts/opensearch-local`` (two shards, one replica), indexes
the news set through ``Engine.connect`` (analysis in ``--procs`` processes), and runs the mixed
query stream with snippets from a second process for ``--seconds``, talking to all three
nodes. A third of the way in, node 2 is killed (SIGKILL); two thirds in, it is started
again. It prints the indexing rate, query latency before, during and after, and the failed
requests; the embedded index's latency on the same queries is the baseline (the same
articles, indexed in the same run). All of it shares one machine's cores: a real cluster
gives each node its own.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import in_process, mixed_feed  # noqa: E402

QUERIES = ROOT.parent / "shared" / "data" / "speed" / "queries-mixed.jsonl"
SCRIPT = ROOT / "scripts" / "opensearch-local"


def local(data: Path, port: int, *args: str) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--data", str(data), "--port", str(port), *args], check=True)


def hosts(port: int) -> str:
    return ",".join(f"http://127.0.0.1:{port + i}" for i in range(3))


def client(url: str, index: str, seconds: float, out: str) -> None:
    """Query for ``seconds``, logging (time, ms, ok, error) per request, as a separate process."""
    from search import Engine, SearchError

    queries = [json.loads(line)["query"] for line in open(QUERIES, encoding="utf-8")]
    log: list[tuple[float, float, bool, str]] = []
    with Engine.connect(url, index=index, create=False) as engine:
        for q in queries[:30]:
            engine.search(q)  # analyzers loaded
        start = time.monotonic()
        for q in itertools.cycle(queries[30:]):
            now = time.monotonic() - start
            if now > seconds:
                break
            t = time.perf_counter()
            try:
                engine.search(q, limit=10)
                log.append((now, (time.perf_counter() - t) * 1000, True, ""))
            except SearchError as exc:
                log.append((now, (time.perf_counter() - t) * 1000, False, str(exc)[:200]))
    Path(out).write_text(json.dumps(log))


def embedded(docs: int, procs: int, queries: list[str], out: Any) -> None:
    """The baseline: the same articles in the embedded index, the same queries, warm."""
    from speed import engine_latency

    from search import Engine

    with tempfile.TemporaryDirectory() as work:
        begin = time.perf_counter()
        with Engine.create(os.path.join(work, "ix"), procs=procs) as engine:
            engine.add(itertools.islice(mixed_feed(), docs))
        seconds = time.perf_counter() - begin
        out.put({"seconds": seconds, "ms": engine_latency(os.path.join(work, "ix"), queries)})


def index(url: str, docs: int, procs: int) -> float:
    from search import Engine

    begin = time.perf_counter()
    with Engine.connect(url, index="news-scale", shards=2, replicas=1, procs=procs) as engine:
        report = engine.add(itertools.islice(mixed_feed(), docs))
    assert report.added == docs, report
    return time.perf_counter() - begin


def summary(rows: list[list[Any]], start: float, end: float) -> str:
    ms = [r[1] for r in rows if start <= r[0] < end and r[2]]
    failed = sum(1 for r in rows if start <= r[0] < end and not r[2])
    if len(ms) < 2:
        return f"{len(ms)} answered, {failed} failed"
    q = statistics.quantiles(ms, n=100)
    return f"{len(ms):5d} answered, {failed} failed, p50 {q[49]:6.1f} ms, p95 {q[94]:6.1f} ms"


def outage(data: Path, port: int, url: str, seconds: float) -> list[list[Any]]:
    """The query stream from a second process, with node 2 killed and started again."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        log = f.name
    proc = subprocess.Popen([sys.executable, __file__, "--client", url, "--seconds", str(seconds),
                             "--log", log])
    time.sleep(seconds / 3 + 10)  # the client's warm-up, then a third of its time
    local(data, port, "kill", "2")
    print(f"node-2 killed at about {seconds / 3:.0f} s", flush=True)
    time.sleep(seconds / 3)
    local(data, port, "start", "--nodes", "3")
    print("node-2 started again", flush=True)
    proc.wait()
    rows = json.loads(Path(log).read_text())
    os.unlink(log)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=44_631)
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seconds", type=float, default=180, help="how long the query stream runs")
    ap.add_argument("--port", type=int, default=9400, help="the first node's HTTP port")
    ap.add_argument("--heap", default="1g", help="each node's Java heap")
    ap.add_argument("--keep", action="store_true", help="leave the cluster running (and its data)")
    ap.add_argument("--client", help=argparse.SUPPRESS)
    ap.add_argument("--log", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.client:
        client(args.client, "news-scale", args.seconds, args.log)
        return
    data = Path(tempfile.mkdtemp(prefix="cluster-bench-"))
    print(f"3 nodes on one machine ({os.cpu_count()} cores), heap {args.heap} each; {args.docs:,} "
          f"articles; two shards, one replica", flush=True)
    local(data, args.port, "start", "--nodes", "3", "--heap", args.heap)
    url = hosts(args.port)
    try:
        seconds = index(url, args.docs, args.procs)
        print(f"indexing into the cluster: {seconds:.0f} s, {args.docs / seconds:.1f} articles/s "
              f"({args.procs} processes analysing)", flush=True)
        rows = outage(data, args.port, url, args.seconds)
        third = args.seconds / 3
        print(f"queries with snippets from a second process, over {args.seconds:.0f} s:")
        print(f"  all three nodes up:        {summary(rows, 0, third)}")
        print(f"  node 2 down:               {summary(rows, third, 2 * third)}")
        print(f"  node 2 back (recovering):  {summary(rows, 2 * third, args.seconds + 1)}")
        errors = sorted({r[3] for r in rows if not r[2]})
        for e in errors[:5]:
            print(f"  failure: {e}")
    finally:
        if not args.keep:
            local(data, args.port, "stop", "--wipe")
    queries = [json.loads(line)["query"] for line in open(QUERIES, encoding="utf-8")][:500]
    base = in_process(embedded, args.docs, args.procs, queries)
    q = statistics.quantiles(base["ms"], n=100)
    print(f"baseline, the embedded index in the same run: indexing {base['seconds']:.0f} s "
          f"({args.docs / base['seconds']:.1f} articles/s); 500 queries p50 {q[49]:.1f} ms, "
          f"p95 {q[94]:.1f} ms")


if __name__ == "__main__":
    main()
