"""Search across languages: the FLORES sets, and the cost of meaning vectors on the news.

    python bench/across.py flores [--sample 3]
    python bench/across.py xquad [--sample 4]
    python bench/across.py news --docs 10000 --queries 300

``flores``: the 843 FLORES-200 articles (en, vi, ru: the same articles in three languages)
in one index with meaning vectors; each query is a sentence in one language whose article
is sought in another (6 directions, ``queries-xlang-tune.jsonl``), filtered to the target
language. Each is asked as the full sentence and as 4 keywords (the sentence's 4 words
rarest among its own language's articles, longer than 2 letters and not function words,
in the sentence's order: as typed in a search box). MRR@10, per direction and averaged,
by words alone (the baseline) and across languages (words and meaning fused).

``xquad``: XQuAD's paragraphs in en, vi and ru (the same paragraphs in each) in one index
with meaning vectors; each question (``queries-dev.jsonl``) is sought in the two other
languages, filtered to the target: MRR@10 of its paragraph there, per direction and
averaged, by words alone and across languages.

``news``: the first ``--docs`` articles of news-vi and news-ru (alternating), indexed by
words alone (the baseline), then again with ``--semantic``: when keyword search is
ready, when the vectors are complete, and query latency (``speed/queries-mixed.jsonl``)
with the switch off and on. Then exact nearest-neighbour time over 100k to 1M random
vectors, to say where numpy's exact search stops being fine.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

from analyzers import analyze  # noqa: E402
from analyzers.registry import language  # noqa: E402
from search import Engine  # noqa: E402

#: Articles a file, for the news run.
FILE_ARTICLES = 2000


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Keywords:
    """The fixed script making a 4-keyword query of a sentence: its words as the language's
    analyzer cuts them (a Vietnamese word of several syllables is one word), longer than 2
    letters, not digits or function words; the 4 rarest among the articles of the sentence's
    language, in the sentence's order and as the sentence writes them."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.df: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for d in docs:
            self.df[d["lang"]].update({w.lower() for w in self.words(d["text"], d["lang"])})

    @staticmethod
    def words(text: str, lang: str) -> list[str]:
        kept: list[str] = []
        end = -1
        for token in sorted(analyze(text, lang), key=lambda t: (t.start, -t.end)):
            if token.start >= end:  # the longest word at a place; its syllables are inside it
                kept.append(token.source)
                end = token.end
        stop = language(lang).function_words
        return [w for w in dict.fromkeys(kept)
                if len(w) > 2 and not w.isdigit() and w.lower() not in stop]

    def __call__(self, sentence: str, lang: str, k: int = 4) -> str:
        words = self.words(sentence, lang)
        rare = sorted(words, key=lambda w: (self.df[lang][w.lower()], words.index(w)))[:k]
        return " ".join(w for w in words if w in rare)


def reciprocal_rank(ids: list[str], relevant: set[str]) -> float:
    return next((1 / (i + 1) for i, d in enumerate(ids[:10]) if d in relevant), 0.0)


def flores(sample: int) -> None:
    docs = [d for lang in ("en", "vi", "ru")
            for d in read_jsonl(DATA / "flores200" / f"corpus.docs.{lang}.jsonl")]
    queries = read_jsonl(DATA / "flores200" / "queries-xlang-tune.jsonl")[::sample]
    keywords = Keywords(docs)
    started = time.perf_counter()
    with Engine.in_memory(semantic=True) as engine:
        engine.add({"id": d["id"], "lang": d["lang"], "title": d.get("title") or "",
                    "text": d["text"]} for d in docs)
        print(f"{len(docs)} articles indexed with meaning vectors in {time.perf_counter() - started:.0f} s; "
              f"{len(queries)} queries a form")
        rows: dict[tuple[str, str], dict[str, list[float]]] = collections.defaultdict(
            lambda: collections.defaultdict(list))
        for q in queries:
            direction = (q["lang"], q["target_lang"])
            forms = {"sentence": q["query"], "keywords": keywords(q["query"], q["lang"])}
            for form, text in forms.items():
                for across in (False, True):
                    hits = engine.search(text, lang=q["target_lang"], limit=10, fold=False,
                                         correct=False, across_languages=across).hits
                    rows[direction][f"{form} {'across' if across else 'words'}"].append(
                        reciprocal_rank([h.id for h in hits], set(q["relevant"])))
    columns = ["sentence words", "sentence across", "keywords words", "keywords across"]
    print(f"\n{'direction':10}" + "".join(f"{c:>18}" for c in columns))
    for direction, measured in sorted(rows.items()):
        print(f"{direction[0] + '>' + direction[1]:10}"
              + "".join(f"{statistics.mean(measured[c]):18.3f}" for c in columns))
    print(f"{'mean of 6':10}" + "".join(
        f"{statistics.mean(statistics.mean(m[c]) for m in rows.values()):18.3f}" for c in columns))


def xquad(sample: int) -> None:
    docs = [d for d in read_jsonl(DATA / "xquad" / "corpus.jsonl") if d["lang"] in ("en", "vi", "ru")]
    queries = [q for q in read_jsonl(DATA / "xquad" / "queries-dev.jsonl")
               if q["lang"] in ("en", "vi", "ru")][::sample]
    with Engine.in_memory(semantic=True) as engine:
        engine.add({"id": d["id"], "lang": d["lang"], "title": d.get("title") or "",
                    "text": d["text"]} for d in docs)
        print(f"{len(docs)} paragraphs indexed with meaning vectors; {len(queries)} questions, "
              f"each sought in the 2 other languages")
        rows: dict[str, dict[str, list[float]]] = collections.defaultdict(
            lambda: collections.defaultdict(list))
        for q in queries:
            for target in sorted({"en", "vi", "ru"} - {q["lang"]}):
                relevant = {r.replace(f"-{q['lang']}-", f"-{target}-") for r in q["relevant"]}
                for across in (False, True):
                    hits = engine.search(q["query"], lang=target, limit=10, correct=False,
                                         across_languages=across).hits
                    rows[f"{q['lang']}>{target}"]["across" if across else "words"].append(
                        reciprocal_rank([h.id for h in hits], relevant))
    print(f"\n{'direction':10}{'words':>10}{'across':>10}")
    for direction, measured in sorted(rows.items()):
        print(f"{direction:10}" + "".join(f"{statistics.mean(measured[c]):10.3f}"
                                          for c in ("words", "across")))
    print(f"{'mean of 6':10}" + "".join(
        f"{statistics.mean(statistics.mean(m[c]) for m in rows.values()):10.3f}"
        for c in ("words", "across")))


def news_articles(n: int) -> list[dict[str, Any]]:
    files = [gzip.open(DATA / f"news-{lang}" / "corpus.jsonl.gz", "rt", encoding="utf-8")
             for lang in ("vi", "ru")]
    lines = (x for x in itertools.chain.from_iterable(itertools.zip_longest(*files)) if x)
    return [json.loads(line) for line in itertools.islice(lines, n)]


def latencies(engine: Engine, queries: list[str], across: bool) -> list[float]:
    out = []
    for text in queries:
        started = time.perf_counter()
        engine.search(text, limit=10, across_languages=across)
        out.append((time.perf_counter() - started) * 1000)
    return out


def indexed(report: Any, n: int) -> None:
    """Stop when the run did not index all ``n`` articles: its figures would be of less."""
    if report.added != n:
        raise SystemExit(f"indexed {report.added} of {n} articles: {report.failed or report.warnings}")


def in_files(folder: Path, docs: list[dict[str, Any]]) -> list[Path]:
    """``docs`` written as JSON lines, :data:`FILE_ARTICLES` a file (well under the size limit)."""
    paths = []
    for start in range(0, len(docs), FILE_ARTICLES):
        paths.append(folder / f"docs-{start // FILE_ARTICLES:03d}.jsonl")
        paths[-1].write_text("\n".join(json.dumps(d, ensure_ascii=False)
                                       for d in docs[start:start + FILE_ARTICLES]), encoding="utf-8")
    return paths


def news(n: int, n_queries: int) -> None:
    docs = news_articles(n)
    queries = [q["query"] for q in read_jsonl(DATA / "speed" / "queries-mixed.jsonl")[:n_queries]]
    with tempfile.TemporaryDirectory(prefix="across-") as tmp:
        folder = Path(tmp)
        paths = in_files(folder, docs)
        started = time.perf_counter()
        with Engine.create(folder / "plain", procs=os.cpu_count() or 1) as engine:
            indexed(engine.index_paths(paths), len(docs))
        plain = time.perf_counter() - started
        started = time.perf_counter()
        with Engine.create(folder / "semantic", semantic=True, procs=os.cpu_count() or 1) as engine:
            indexed(engine.index_paths(paths, vectors="later"), len(docs))
            ready = time.perf_counter() - started
            report = engine.embed()
            done = time.perf_counter() - started
            engine.search("warm up", across_languages=True)
            off, on = latencies(engine, queries, False), latencies(engine, queries, True)
            size = engine.stats().size_bytes
    print(f"{len(docs)} articles; baseline (words alone): indexed in {plain:.0f} s")
    print(f"with --semantic: keyword search ready after {ready:.0f} s ({ready / plain:.2f}x); vectors "
          f"complete after {done:.0f} s ({done / plain:.2f}x the baseline), {report.passages} passages, "
          f"{report.passages / report.seconds:.1f} passages/s; index {size / 1e6:.0f} MB")
    for name, ms in (("switch off", off), ("switch on", on)):
        p50, p95 = np.percentile(ms, 50), np.percentile(ms, 95)
        print(f"query {name:10}: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms ({len(ms)} queries)")
    print(f"p95 on/off: {np.percentile(on, 95) / np.percentile(off, 95):.2f}x")


def exact_search_growth() -> None:
    from index.vectors import Vectors, quantize

    rng = np.random.default_rng(7)
    print("\nexact nearest neighbours (numpy, int8, a passage a document), per query:")
    for n in (100_000, 300_000, 1_000_000):
        means = rng.standard_normal((n, 384)).astype(np.float32)
        means /= np.linalg.norm(means, axis=1, keepdims=True)
        documents, scales = quantize(means)
        del means
        vectors = Vectors(np.arange(n).astype(str), np.zeros(n, np.uint64), documents, scales,
                          np.arange(n + 1), documents, scales)
        query = documents[0].astype(np.float32) * scales[0]
        times = []
        for _ in range(5):
            started = time.perf_counter()
            vectors.nearest(query, None, 100)
            times.append((time.perf_counter() - started) * 1000)
        print(f"  {n:>9,} documents: {statistics.median(times):7.1f} ms, "
              f"{documents.nbytes / 1e6:5.0f} MB of document vectors")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["flores", "xquad", "news", "growth"])
    ap.add_argument("--sample", type=int, default=1, help="flores, xquad: every Nth query")
    ap.add_argument("--docs", type=int, default=10_000, help="news: articles")
    ap.add_argument("--queries", type=int, default=300, help="news: queries timed")
    args = ap.parse_args()
    if args.what == "flores":
        flores(args.sample)
    elif args.what == "xquad":
        xquad(args.sample)
    elif args.what == "news":
        news(args.docs, args.queries)
        exact_search_growth()
    else:
        exact_search_growth()


if __name__ == "__main__":
    main()
