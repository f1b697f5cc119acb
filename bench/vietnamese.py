"""The Vietnamese analyzer against underthesea's own word segmentation, on the news.

    python bench/vietnamese.py                 # the first 2,000 Vietnamese news articles
    python bench/vietnamese.py --docs 0        # all of them

Prints, on the same articles in the same run, one thread:

- the time of ``underthesea.word_tokenize`` (the baseline), of the analyzer with the
  segmentation model run by ``underthesea_core`` (its CRF featurizer and tagger, as the
  analyzer ran it before), and of ``analyzer_for("vi")`` as it is;
- how often the two segmentations agree: the model's label for each unit (begin or
  inside a word), and the analyzer's tokens (text, position and offsets).

Each timing is the best of ``--rounds`` runs, the three taken in turn each round.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NEWS = ROOT.parent / "shared" / "data" / "news-vi" / "corpus.jsonl.gz"


def articles(limit: int) -> list[str]:
    with gzip.open(NEWS, "rt", encoding="utf-8") as f:
        lines = itertools.islice(f, limit) if limit else f
        return [f"{d['title']}\n{d['text']}" for d in map(json.loads, lines)]


class CoreSegmenter:
    """The segmentation model run by underthesea_core's featurizer and tagger."""

    def __init__(self) -> None:
        from underthesea_core import CRFFeaturizer, CRFTagger

        from analyzers import vi

        base = vi.model_folder()
        self.tagger = CRFTagger()
        self.tagger.load(os.path.join(base, "models.bin"))
        self.featurizer = CRFFeaturizer(vi._load_pickled(os.path.join(base, "features.bin")),
                                        vi._load_pickled(os.path.join(base, "dictionary.bin")))

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        features = self.featurizer.process([[[unit] for unit in s] for s in sentences])
        return [self.tagger.tag(x) for x in features]


def analyze(texts: list[str]) -> list[list[tuple[str, int, int, int]]]:
    from analyzers import analyzer_for

    analyzer = analyzer_for("vi")
    return [[(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(x, positions=True, chars=True)]
            for x in texts]


def with_segmenter(segmenter: Any, run: Callable[[], Any]) -> Any:
    """``run()`` with the analyzer's segmentation model replaced by ``segmenter``."""
    from analyzers import vi

    vi.segment.cache_clear()
    saved = vi._tagger
    vi._tagger = lambda: segmenter  # type: ignore[assignment]
    try:
        return run()
    finally:
        vi._tagger = saved  # type: ignore[assignment]
        vi.segment.cache_clear()


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


def label_agreement(texts: list[str], core: CoreSegmenter) -> tuple[int, int]:
    """Units the two runs of the model label alike, and all units given to it."""
    from analyzers import vi
    from analyzers.normalize import vietnamese_surface

    same = total = 0
    for text in texts:
        sentences = [[vietnamese_surface(u[0]) for u in s] for s in vi._sentences(text) if len(s) > 1]
        for a, b in zip(core.tag(sentences), vi._tagger().tag(sentences)):
            total += len(a)
            same += sum(x == y for x, y in zip(a, b))
    return same, total


def token_agreement(before: list[list[Any]], after: list[list[Any]]) -> tuple[int, int]:
    """Tokens both analyzers give (as a multiset per article), and the larger count."""
    same = total = 0
    for a, b in zip(before, after):
        same += sum((Counter(a) & Counter(b)).values())
        total += max(len(a), len(b))
    return same, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000, help="the first N articles (0: all)")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    import underthesea

    from analyzers import vi

    texts = articles(args.docs)
    core = CoreSegmenter()
    underthesea.word_tokenize("khởi động")  # every model loaded before any timing
    vi._tagger()
    print(f"{len(texts)} Vietnamese news articles, {sum(map(len, texts)) / 1e6:.1f} M characters, "
          "one thread")
    runs: dict[str, Callable[[], Any]] = {
        "underthesea.word_tokenize": lambda: [underthesea.word_tokenize(x) for x in texts],
        "analyzer, underthesea_core tagger": lambda: with_segmenter(core, lambda: analyze(texts)),
        "analyzer_for('vi')": lambda: analyze(texts),
    }
    best: dict[str, float] = {}
    outputs: dict[str, Any] = {}
    for _ in range(args.rounds):
        for name, run in runs.items():
            seconds, outputs[name] = timed(run)
            best[name] = min(best.get(name, seconds), seconds)
    base = best["underthesea.word_tokenize"]
    print(f"\n{'':<36}{'seconds':>9}{'articles/s':>12}{'vs word_tokenize':>18}")
    for name, seconds in best.items():
        print(f"{name:<36}{seconds:9.2f}{len(texts) / seconds:12.0f}{base / seconds:17.2f}x")
    same, total = label_agreement(texts, core)
    print(f"\nmodel labels alike: {same:,} of {total:,} units ({same / total:.4%})")
    same, total = token_agreement(outputs["analyzer, underthesea_core tagger"], outputs["analyzer_for('vi')"])
    print(f"analyzer tokens alike: {same:,} of {total:,} ({same / total:.4%}; target >= 99.9%)")


if __name__ == "__main__":
    main()
