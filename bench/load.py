"""Load on `search serve`: concurrent clients on loopback, errors, latency, memory.

    python bench/load.py --index DIR --clients 20 --seconds 30 [--workers 2]

Starts `search serve` on a free loopback port for the index, sends queries from
../shared/data/speed/queries-mixed.jsonl from --clients threads for --seconds,
and prints requests, errors, p50/p95/p99 latency and the server's resident
memory. With --commit-during, another process adds documents to the index and
commits while the load runs: the server must keep answering, with 0 errors, and
show the new documents after the commit.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUERIES = ROOT.parent / "shared" / "data" / "speed" / "queries-mixed.jsonl"

WRITER = r"""
import sys
sys.path.insert(0, sys.argv[2])
from search import Engine
with Engine.open(sys.argv[1], lock_timeout=60) as e:
    e.add([{"id": f"load-{i}", "lang": "en", "title": f"Loadmarker article {i}",
            "text": "loadmarker " * 50} for i in range(int(sys.argv[3]))])
print("committed", flush=True)
"""


def server_pids(pid: int) -> list[int]:
    """The server and its worker processes."""
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        children = []
    return [pid] + [int(c) for c in children]


def memory_mb(pid: int) -> tuple[float, float, float]:
    """Memory of the server's processes, summed: proportional set size (a page shared by
    several processes counted once, split between them), its anonymous part (the processes'
    own), and its file-backed part (libraries and index tables mapped from the page cache)."""
    total = {"Pss": 0.0, "Pss_Anon": 0.0, "Pss_File": 0.0}
    for p in server_pids(pid):
        try:
            lines = open(f"/proc/{p}/smaps_rollup").read().splitlines()
        except OSError:
            continue
        for line in lines:
            key, _, value = line.partition(":")
            if key in total:
                total[key] += int(value.split()[0]) / 1024
    return total["Pss"], total["Pss_Anon"], total["Pss_File"]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far."""
    total = 0
    for p in pids:
        try:
            fields = open(f"/proc/{p}/stat").read().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=1, help="`search serve --workers`")
    ap.add_argument("--commit-during", type=int, default=0, metavar="N",
                    help="add N documents from another process halfway through")
    args = ap.parse_args()

    queries = [json.loads(line)["query"] for line in open(QUERIES, encoding="utf-8")]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "search.cli", "--index", args.index, "serve",
                               "--port", str(port), "--workers", str(args.workers)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    urllib.request.urlopen(base + "/search?q=warm", timeout=30).read()

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def client(n: int) -> None:
        i = n
        while time.monotonic() < deadline:
            q = queries[i % len(queries)]
            i += args.clients
            url = base + "/search?" + urllib.parse.urlencode({"q": q})
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as r:
                    r.read()
                    ok = r.status == 200
            except (urllib.error.URLError, OSError) as exc:
                ok = False
                with lock:
                    errors.append(str(exc))
            with lock:
                latencies.append((time.perf_counter() - t) * 1000)
                if not ok and len(errors) < 5:
                    errors.append(url)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    workers = server_pids(server.pid)
    server_cpu, client_cpu, started = cpu_seconds(workers), time.process_time(), time.monotonic()
    for t in threads:
        t.start()
    writer_out = ""
    if args.commit_during:
        time.sleep(args.seconds / 2)
        writer_out = subprocess.run([sys.executable, "-c", WRITER, args.index, str(ROOT),
                                     str(args.commit_during)], capture_output=True, text=True).stdout
    peak = (0.0, 0.0, 0.0)
    while any(t.is_alive() for t in threads):
        now = memory_mb(server.pid)
        peak = tuple(max(a, b) for a, b in zip(peak, now))  # type: ignore[assignment]
        time.sleep(0.5)
    elapsed = time.monotonic() - started
    server_cpu = cpu_seconds(workers) - server_cpu
    client_cpu = time.process_time() - client_cpu
    seen = None
    if args.commit_during:
        data = json.load(urllib.request.urlopen(base + "/api/search?q=loadmarker", timeout=30))
        seen = data["total"]
    server.terminate()
    server.wait()
    q = statistics.quantiles(latencies, n=100)
    print(f"{args.clients} clients, {args.seconds:.0f}s, loopback, {args.workers} server process(es): "
          f"{len(latencies)} requests "
          f"({len(latencies) / args.seconds:.0f}/s), {len(errors)} errors")
    print(f"latency p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, p99 {q[98]:.0f} ms "
          "(target p99 < 300 ms, 0 errors)")
    print(f"server memory (PSS over its processes), peak: {peak[0]:.0f} MB (target < 400 MB): "
          f"its own {peak[1]:.0f} MB, mapped files (libraries, the index's term tables) {peak[2]:.0f} MB")
    cores = os.cpu_count() or 1
    print(f"CPU: the server {server_cpu / len(latencies) * 1000:.1f} ms a request; "
          f"of the machine's {cores} cores over the run, the server took {server_cpu / elapsed / cores:.0%}, "
          f"these clients {client_cpu / elapsed / cores:.0%}")
    if args.commit_during:
        print(f"commit of {args.commit_during} documents during the load: {writer_out.strip() or 'failed'}; "
              f"the server then finds {seen} of them without a restart")
    for e in errors[:5]:
        print("  error:", e)


if __name__ == "__main__":
    main()
