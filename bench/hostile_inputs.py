"""The slowest document to read and the slowest query, on real news and crafted inputs.

    python bench/hostile_inputs.py --docs 45000 --queries 2000

Every news article (../shared/data/news-vi and news-ru) is written as an HTML page and
read back through the engine's readers, as are crafted files (unclosed tags, deep
nesting, huge lines, nested JSON, gzip); the slowest extraction is reported. The
articles and the crafted documents are then indexed, and random and adversarial queries
(bench/hostile_queries.py's, plus phrases of common words over 1 MB documents) are run;
the slowest is reported. Fails when a document took over 2 s to read or a query over 2 s.
"""

from __future__ import annotations

import argparse
import gzip
import html
import itertools
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT.parent / "shared" / "data"
LIMIT = 2.0


def articles(n: int) -> list[dict]:
    sources = [gzip.open(DATA / "news-vi" / "corpus.jsonl.gz", "rt", encoding="utf-8"),
               gzip.open(DATA / "news-ru" / "corpus.jsonl.gz", "rt", encoding="utf-8")]
    lines = itertools.chain.from_iterable(itertools.zip_longest(*sources))
    return [json.loads(line) for line in itertools.islice((x for x in lines if x), n)]


def crafted(folder: Path) -> list[Path]:
    made = {
        "unclosed-a.html": "<title>Crafted</title>" + "<a " * 70_000,
        "unclosed-attr.html": "<p class='" + "x" * 1_000_000,
        "deep.html": "<div>" * 100_000 + "deep" + "</div>" * 100_000,
        "comments.html": "<!--" * 200_000,
        "one-line.txt": "Title\n" + "word " * 200_000,
        "nested.json": "[" * 500_000 + "]" * 500_000,
        "many-lines.jsonl": "\n".join(json.dumps({"id": f"l{i}", "title": "t", "text": "x " * 20})
                                      for i in range(20_000)),
        "phrase-bait.txt": "Bait\n" + "an ninh hạt nhân ядерная безопасность the cat sat " * 20_000,
    }
    paths = []
    for name, text in made.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    gz = folder / "many-lines.jsonl.gz"
    gz.write_bytes(gzip.compress((folder / "many-lines.jsonl").read_bytes()))
    return paths + [gz]


def read_all(paths: list[Path]) -> list[tuple[float, str]]:
    from index.readers import read_file
    from search import ReadError

    times = []
    for path in paths:
        t = time.perf_counter()
        try:
            read_file(path)
        except ReadError:
            pass
        times.append((time.perf_counter() - t, path.name))
    return sorted(times, reverse=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=45_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--procs", type=int, default=2)
    args = ap.parse_args()
    from hostile_queries import random_query  # type: ignore[import-not-found]

    from search import Engine, QueryError

    work = Path(tempfile.mkdtemp(prefix="hostile-"))
    pages = work / "pages"
    pages.mkdir()
    docs = articles(args.docs)
    for i, d in enumerate(docs):
        (pages / f"{i:05d}.html").write_text(
            f"<html lang='{d['lang']}'><head><title>{html.escape(d['title'])}</title></head><body>"
            + "".join(f"<p>{html.escape(p)}</p>" for p in d["text"].split("\n")) + "</body></html>",
            encoding="utf-8")
    crafted_dir = work / "crafted"
    crafted_dir.mkdir()
    times = read_all(sorted(pages.iterdir())) + read_all(crafted(crafted_dir))
    times.sort(reverse=True)
    print(f"read {len(times)} files ({len(docs)} news pages, {len(times) - len(docs)} crafted)")
    for t, name in times[:5]:
        print(f"  slowest read: {t * 1000:8.1f} ms  {name}")

    t = time.perf_counter()
    with Engine.create(work / "ix", procs=args.procs) as engine:
        report = engine.index_paths([pages, crafted_dir])
    print(f"indexed {report.added} documents in {time.perf_counter() - t:.0f}s "
          f"({len(report.failed)} files skipped)")
    rng = random.Random(5)
    phrases = ['"an ninh hạt nhân"', '"ядерная безопасность"', '"the cat sat"', '"an ninh"',
               '"hạt nhân an ninh"', '"безопасность ядерная"']
    qtimes = []
    partial = 0
    with Engine.open(work / "ix") as engine:
        engine.warm()
        for i in range(args.queries):
            text, page = (phrases[i % len(phrases)], 1) if i % 10 == 0 else random_query(rng)
            t = time.perf_counter()
            try:
                partial += engine.search(text, page=page).partial
            except QueryError:
                pass
            qtimes.append((time.perf_counter() - t, text[:60]))
    qtimes.sort(reverse=True)
    print(f"{len(qtimes)} queries ({partial} cut short by the phrase budget)")
    for t, text in qtimes[:5]:
        print(f"  slowest query: {t * 1000:8.1f} ms  {text!r}")
    worst_read, worst_query = times[0][0], qtimes[0][0]
    print(f"slowest read {worst_read:.2f} s, slowest query {worst_query:.2f} s (limit {LIMIT:.0f} s each)")
    if worst_read > LIMIT or worst_query > LIMIT:
        raise SystemExit("over the limit")


if __name__ == "__main__":
    main()
