"""Did you mean: how much of the clean queries' MRR@10 misspelled forms of them recover.

    python bench/spelling.py [--set xquad] [--lang ru en vi] [--seed 13] [--sample N]

Indexes the set's corpus (its documents in --lang) and makes, with a fixed seed, misspelled
forms of every query:

- ``typo``: one edit in one word of four letters or more (a letter left out, added, changed,
  or two swapped); in Vietnamese, the tone of one marked syllable changed or left out;
- ``layout`` (Russian): the whole query typed with the Latin keyboard layout on;
- ``telex`` (Vietnamese): the whole query typed raw in Telex.

MRR@10 (the query's language as filter) is measured for the clean queries, with correction
on and off (they must not differ), and for each misspelled form: as typed, with no
correction (the baseline); as shown (the correction's results when the typed query finds
nothing); and with the suggestion followed (its results, when one is made). Recovery is
the misspelled MRR over the clean one.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from relevance import DEFAULT_DATA, corpus_files, default_queries, read_jsonl  # noqa: E402

from analyzers import keyboard  # noqa: E402
from search import Engine  # noqa: E402

ALPHABETS = {"ru": "абвгдежзийклмнопрстуфхцчшщъыьэюя", "en": "abcdefghijklmnopqrstuvwxyz"}
TONES = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
TELEX_TONES = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
TELEX_LETTERS = {"â": "aa", "ă": "aw", "ê": "ee", "ô": "oo", "ơ": "ow", "ư": "uw", "đ": "dd"}


def typo(query: str, lang: str, rng: random.Random) -> str | None:
    """``query`` with one edit in one of its words; None when it has no word to misspell."""
    words = query.split()
    if lang == "vi":
        at = [i for i, w in enumerate(words) if any(c in TONES for c in unicodedata.normalize("NFD", w))]
        if not at:
            return None
        i = rng.choice(at)
        decomposed = unicodedata.normalize("NFD", words[i])
        tone = next(c for c in decomposed if c in TONES)
        other = rng.choice([t for t in TONES if t != tone] + [""])
        words[i] = unicodedata.normalize("NFC", decomposed.replace(tone, other))
        return " ".join(words)
    alphabet = ALPHABETS[lang]
    at = [i for i, w in enumerate(words) if len(w) >= 4 and all(c in alphabet for c in w.lower())]
    if not at:
        return None
    i = rng.choice(at)
    word = words[i].lower()
    k = rng.randrange(len(word))
    kind = rng.choice(["delete", "insert", "change", "swap"])
    if kind == "delete":
        word = word[:k] + word[k + 1:]
    elif kind == "insert":
        word = word[:k] + rng.choice(alphabet) + word[k:]
    elif kind == "change":
        word = word[:k] + rng.choice(alphabet.replace(word[k], "")) + word[k + 1:]
    else:
        k = min(k, len(word) - 2)
        word = word[:k] + word[k + 1] + word[k] + word[k + 2:]
    words[i] = word
    return " ".join(words)


def latin_layout(query: str) -> str:
    table = str.maketrans(keyboard.RUSSIAN, keyboard.LATIN)
    return query.lower().translate(table)


def telex(query: str) -> str:
    out = []
    for word in query.lower().split():
        decomposed = unicodedata.normalize("NFD", word)
        tone = next((c for c in decomposed if c in TELEX_TONES), None)
        bare = unicodedata.normalize("NFC", decomposed.replace(tone, "") if tone else decomposed)
        typed = "".join(TELEX_LETTERS.get(c, c) for c in bare)
        out.append(typed + (TELEX_TONES[tone] if tone else ""))
    return " ".join(out)


def reciprocal_rank(ids: list[str], relevant: set[str]) -> float:
    return next((1.0 / (i + 1) for i, d in enumerate(ids[:10]) if d in relevant), 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default="xquad")
    ap.add_argument("--lang", nargs="*", default=["ru", "en", "vi"])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--sample", type=int, default=0, help="only the first N queries of each language")
    args = ap.parse_args()
    folder = DEFAULT_DATA / args.set
    docs = [d for f in corpus_files(folder) for d in read_jsonl(f) if d.get("lang") in args.lang]
    queries = [q for q in read_jsonl(default_queries(folder)) if q["lang"] in args.lang and q.get("relevant")]
    engine = Engine.in_memory()
    started = time.perf_counter()
    engine.add({"id": d["id"], "title": d.get("title") or "", "text": d["text"], "lang": d["lang"]}
               for d in docs)
    took = time.perf_counter() - started
    print(f"{args.set}: {len(docs)} documents indexed in {took:.0f} s; seed {args.seed}")
    rng = random.Random(args.seed)
    print(f"{'lang':<5}{'form':<8}{'n':>5}{'clean':>8}{'as typed':>10}{'shown':>8}{'followed':>10}"
          f"{'recovered':>11}{'suggested':>11}{'ms/query':>10}")
    for lang in args.lang:
        mine = [q for q in queries if q["lang"] == lang][:args.sample or None]
        _report(engine, lang, mine, rng)


def _report(engine: Engine, lang: str, queries: list[dict], rng: random.Random) -> None:
    forms = {"typo": lambda q: typo(q, lang, rng)}
    if lang == "ru":
        forms["layout"] = latin_layout
    if lang == "vi":
        forms["telex"] = telex
    clean = {q["qid"]: reciprocal_rank([h.id for h in engine.search(q["query"], lang=lang, fold=False)],
                                       set(q["relevant"])) for q in queries}
    unchanged = sum(reciprocal_rank([h.id for h in engine.search(q["query"], lang=lang, fold=False,
                                                                 correct=False)], set(q["relevant"]))
                    for q in queries)
    print(f"{lang:<5}{'clean':<8}{len(queries):>5}{sum(clean.values()) / len(queries):>8.3f}"
          f"   (correction off: {unchanged / len(queries):.3f})")
    for name, make in forms.items():
        typed_rr = shown_rr = followed_rr = base = 0.0
        n = suggested = 0
        started = time.perf_counter()
        for q in queries:
            misspelled = make(q["query"])
            if misspelled is None or misspelled == q["query"]:
                continue
            relevant, n = set(q["relevant"]), n + 1
            base += clean[q["qid"]]
            typed_rr += reciprocal_rank([h.id for h in engine.search(misspelled, lang=lang, fold=False,
                                                                    correct=False)], relevant)
            shown = engine.search(misspelled, lang=lang, fold=False)
            shown_rr += reciprocal_rank([h.id for h in shown], relevant)
            followed = engine.search(shown.suggestion, lang=lang, fold=False) if shown.suggestion else shown
            suggested += shown.suggestion is not None
            followed_rr += reciprocal_rank([h.id for h in followed], relevant)
        took = (time.perf_counter() - started) / max(n, 1) * 1000 / 3
        if n:
            print(f"{lang:<5}{name:<8}{n:>5}{base / n:>8.3f}{typed_rr / n:>10.3f}{shown_rr / n:>8.3f}"
                  f"{followed_rr / n:>10.3f}{followed_rr / base if base else 0:>10.0%} {suggested / n:>10.0%}"
                  f"{took:>10.1f}")


if __name__ == "__main__":
    main()
