"""How cost grows with the archive: 100,000, 300,000 and 1,000,000 news articles.

    python bench/growth.py                          # 100k, 300k, 1M, or as far as the disk allows
    python bench/growth.py --sizes 100000 300000    # stop earlier
    python bench/growth.py --keep DIR               # keep the index; run again to grow it further
    python bench/growth.py --measure DIR            # measure an index as it stands, adding nothing

A kept index's run notes its progress in ``DIR.progress.jsonl``: a run stopped inside a
stage goes on, when started again, from the articles it committed, and that stage's
seconds include those spent before the stop.

The 44,631 news articles are repeated to reach each size, each copy with new ids
(``id~1``, ``id~2`` ...) and its dates moved back a year a copy: the same text, so the
vocabulary does not grow as a real archive's would, and every article has exact copies
(which near-duplicate folding groups). One index grows from size to size, as an archive
does: each stage adds the articles the last one lacked.

For each size it prints the time to add that stage's articles (two processes), the index
on disk, query latency with snippets (one thread, warm, 500 mixed queries) and the
memory of the serving process after them (its resident set), with the same figures for a
plain Whoosh index of the first size as the baseline. It writes the table to
``bench/growth.json`` and a plot to ``bench/growth.svg``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import folder_mb, in_process, mixed_feed, run_plain  # noqa: E402

QUERIES = ROOT.parent / "shared" / "data" / "speed" / "queries-mixed.jsonl"


def articles(start: int, stop: int) -> Iterator[dict[str, Any]]:
    """Articles ``start`` to ``stop`` of the repeated news (vi and ru interleaved)."""
    n = 0
    for copy in itertools.count():
        for d in mixed_feed():
            if n >= start:
                if copy:
                    d["id"] = f"{d['id']}~{copy}"
                    if d.get("date") and d["date"][:4].isdigit():
                        d["date"] = f"{int(d['date'][:4]) - copy:04d}{d['date'][4:]}"
                yield d
            n += 1
            if n >= stop:
                return


def grow(path: str, start: int, stop: int, procs: int, log: str | None,
         stage: tuple[int, float], out: Any) -> None:
    """Add articles ``start`` to ``stop``; with ``log``, note every 100th article handed to
    the engine and the stage's seconds then (``stage``: where the stage began and its seconds
    before this run, when it goes on from a run that was stopped)."""
    from search import Engine

    begin = time.perf_counter()
    feed = articles(start, stop)
    if log is not None:
        feed = logged(feed, start, log, begin, stage)
    with Engine.open(path, create=True, procs=procs) as engine:
        report = engine.add(feed)
    out.put({"seconds": time.perf_counter() - begin, "added": report.added})


def logged(feed: Iterator[dict[str, Any]], start: int, log: str, begin: float,
           stage: tuple[int, float]) -> Iterator[dict[str, Any]]:
    with open(log, "a", encoding="utf-8") as f:
        for n, d in enumerate(feed, start + 1):
            if n % 100 == 0:
                seconds = stage[1] + time.perf_counter() - begin
                f.write(json.dumps({"stage": stage[0], "articles": n, "seconds": seconds}) + "\n")
                f.flush()
            yield d


def carried(log: str | None, done: int, measured: int) -> tuple[int, float]:
    """Where the stage under way began and its seconds so far, for a run that goes on from
    one stopped inside a stage (``done`` articles committed, ``measured`` in finished stages):
    the seconds when the ``done``-th article was handed over. The commit holding it came up to
    one commit later, so this undercounts by at most that."""
    if log is None or done <= measured or not os.path.exists(log):
        return done, 0.0
    marks = [json.loads(line) for line in open(log, encoding="utf-8")]
    marks = [m for m in marks if m["stage"] == measured and m["articles"] <= done]
    return (measured, marks[-1]["seconds"]) if marks else (done, 0.0)


def serve_queries(path: str, plain: bool, out: Any) -> None:
    """Latency of every query and the process's peak memory after them, as a server has it."""
    import resource

    from speed import engine_latency, plain_latency

    queries = [json.loads(line)["query"] for line in open(QUERIES, encoding="utf-8")][:500]
    times = plain_latency(path, queries) if plain else engine_latency(path, queries)
    out.put({"ms": times, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def quantiles(ms: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(ms, n=100)
    return q[49], q[94], q[98]


def row(name: str, docs: int, seconds: float | None, mb: float, served: dict[str, Any]) -> dict[str, Any]:
    p50, p95, p99 = quantiles(served["ms"])
    return {"index": name, "docs": docs, "add_seconds": seconds, "disk_mb": round(mb),
            "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "p99_ms": round(p99, 1),
            "serving_mb": round(served["rss"])}


def print_header() -> None:
    print(f"\n{'index':<14}{'articles':>10}{'add s':>10}{'disk MB':>10}{'p50':>8}{'p95':>8}{'p99':>8}"
          f"{'serve MB':>10}")


def print_row(r: dict[str, Any]) -> None:
    added = f"{r['add_seconds']:10.0f}" if r["add_seconds"] is not None else f"{'':>10}"
    print(f"{r['index']:<14}{r['docs']:>10,}{added}{r['disk_mb']:>10,}{r['p50_ms']:>8.1f}"
          f"{r['p95_ms']:>8.1f}{r['p99_ms']:>8.1f}{r['serving_mb']:>10,}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", help="grow the index in this folder (kept) rather than a temporary "
                    "one; an index already there is grown from the articles it holds")
    ap.add_argument("--skip-plain", action="store_true",
                    help="no plain Whoosh baseline (at 100,000 articles it takes some 20 minutes)")
    ap.add_argument("--measure", metavar="DIR", help="only measure the index in DIR as it stands "
                    "(its size, latency and serving memory; nothing is added or saved)")
    args = ap.parse_args()
    if args.measure:
        measure(args.measure)
        return
    work = Path(tempfile.mkdtemp(prefix="growth-"))
    path = args.keep or str(work / "engine")
    plain = str(work / "plain")
    print(f"the news repeated with new ids and dates; {args.procs} processes; "
          f"{os.cpu_count()} cores", flush=True)
    print_header()
    rows, done = resumed(path) if args.keep else ([], 0)
    if done:
        print(f"going on from the {done:,} articles in {path}", flush=True)
        for r in rows:
            print_row(r)
    if not args.skip_plain and not done:
        copies = -(-args.sizes[0] // 44_631)  # speed.corpus: the same articles, repeated with new ids
        in_process(run_plain, plain, args.sizes[0], copies, args.procs)
        rows.append(row("plain Whoosh", args.sizes[0], None, folder_mb(plain),
                        in_process(serve_queries, plain, True)))
        print_row(rows[-1])
        shutil.rmtree(plain, ignore_errors=True)
    log = f"{path.rstrip('/')}.progress.jsonl" if args.keep else None
    for size in [s for s in args.sizes if s > done]:
        free = shutil.disk_usage(Path(path).parent).free / 1e6
        if done and free < 1.5 * folder_mb(path) * (size - done) / done:
            print(f"stopped before {size:,}: {free:,.0f} MB free on disk", flush=True)
            break
        stage = carried(log, done, max((r["docs"] for r in rows if r["index"] == "engine"), default=0))
        added = in_process(grow, path, done, size, args.procs, log, stage)
        done = size
        rows.append(row("engine", size, stage[1] + added["seconds"], folder_mb(path),
                        in_process(serve_queries, path, False)))
        if stage[1]:
            rows[-1]["note"] = (f"indexing stopped and went on from the articles committed; the "
                                f"seconds before are read from {Path(log or '').name}")
        print_row(rows[-1])
        (ROOT / "bench" / "growth.json").write_text(json.dumps(rows, indent=1) + "\n")
        plot(rows, ROOT / "bench" / "growth.svg")
    shutil.rmtree(work, ignore_errors=True)  # a kept index is elsewhere


def measure(path: str) -> None:
    """One row for an index as it stands: to measure a copy of a kept index again after a
    change to searching, without growing it."""
    from search import Engine

    with Engine.open(path) as engine:
        docs = engine.stats().documents
    print_header()
    print_row(row("engine", docs, None, folder_mb(path), in_process(serve_queries, path, False)))


def resumed(path: str) -> tuple[list[dict[str, Any]], int]:
    """The rows already measured and the articles already in a kept index, to grow it
    further in a later run: an index that took hours to build is not built again."""
    from search import Engine, IndexNotFound

    try:
        with Engine.open(path) as engine:
            done = engine.stats().documents
    except IndexNotFound:
        return [], 0
    saved = ROOT / "bench" / "growth.json"
    rows = json.loads(saved.read_text()) if saved.exists() else []
    return [r for r in rows if r["docs"] <= done], done


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Three small panels against the number of articles: query latency, serving memory and
    index size, the engine's line with the plain Whoosh baseline's point."""
    engine = [r for r in rows if r["index"] == "engine"]
    base = [r for r in rows if r["index"] != "engine"]
    panels = [("query ms (p50, p95, p99)", ("p50_ms", "p95_ms", "p99_ms")),
              ("serving process MB", ("serving_mb",)), ("index on disk MB", ("disk_mb",))]
    width, height, pad = 260, 200, 40
    top = max(r["docs"] for r in rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{3 * width}" height="{height + 30}" '
             'font-family="sans-serif" font-size="11">']
    for i, (title, keys) in enumerate(panels):
        x0 = i * width + pad
        peak = max(r[k] for r in rows for k in keys) * 1.1 or 1
        def xy(r: dict[str, Any], k: str, x0: int = x0, peak: float = peak) -> tuple[float, float]:
            return x0 + (width - pad - 10) * r["docs"] / top, height - (height - 30) * r[k] / peak
        parts.append(f'<text x="{x0}" y="14">{title}</text>')
        parts.append(f'<line x1="{x0}" y1="{height}" x2="{x0 + width - pad - 10}" y2="{height}" '
                     'stroke="#999"/>')
        parts.append(f'<text x="{x0}" y="{height + 14}">0</text><text x="{x0 + width - pad - 40}" '
                     f'y="{height + 14}">{top:,}</text><text x="{x0 - 35}" y="30">{peak:,.0f}</text>')
        for k, colour in zip(keys, ("#1f77b4", "#ff7f0e", "#d62728")):
            points = " ".join(f"{x:.0f},{y:.0f}" for x, y in (xy(r, k) for r in engine))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for r in engine:
                x, y = xy(r, k)
                parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="4" fill="{colour}"/>')
            for r in base:
                x, y = xy(r, k)
                parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="3" fill="{colour}" opacity="0.5"/>')
    parts.append(f'<text x="{pad}" y="{height + 28}">solid: the engine; faint: plain Whoosh '
                 f'at {base[0]["docs"]:,} articles</text></svg>' if base else "</svg>")
    path.write_text("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
