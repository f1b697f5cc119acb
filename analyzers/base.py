"""Tokenizers and filters that every language builds on.

Whoosh pickles the schema, analyzers included, into the index: these classes
keep only their settings in that pickle, and the heavy things they use
(stemmers, dictionaries, models) come from process-wide lazy caches.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

import regex
from whoosh.analysis import Filter, Token, Tokenizer

from analyzers.normalize import fold_diacritics

#: A word: letters, digits and the combining marks inside them (Hindi, Thai, Arabic ...).
WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’][\p{L}]+)?")


class SpanTokenizer(Tokenizer):
    """A tokenizer defined by :meth:`spans`; this class turns spans into Whoosh tokens.

    Every token carries its position and its offsets into the text it came from.
    """

    def spans(self, value: str, mode: str = "") -> Iterator[tuple[str, int, int, int]]:
        """``(token text, start, end, position)`` for each token of ``value``; ``mode`` is
        Whoosh's (``"query"`` for a query, ``"index"`` for a document)."""
        raise NotImplementedError

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True,
                 start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: object) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pieces = self.spans(value, mode) if tokenize else iter([(value, 0, len(value), 0)])
        for text, start, end, pos in pieces:
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            t.pos = start_pos + pos
            t.startchar = start_char + start
            t.endchar = start_char + end
            yield t


class WordTokenizer(SpanTokenizer):
    """Unicode words with their character offsets and positions."""

    def spans(self, value: str, mode: str = "") -> Iterator[tuple[str, int, int, int]]:
        for pos, match in enumerate(WORD.finditer(value)):
            yield match.group(), match.start(), match.end(), pos


class LowercaseFilter(Filter):
    """Lower-case, keeping length (``İ`` would grow, so it is mapped by hand)."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            low = t.text.lower()
            if len(low) != len(t.text):
                low = "".join(c.lower() if len(c.lower()) == 1 else c for c in t.text)
            t.text = low
            yield t


class StopFilter(Filter):
    """Drop stop words, from documents and queries alike (a query's stop words match nothing)."""

    def __init__(self, stoplist: Iterable[str]) -> None:
        self.stops = frozenset(stoplist)

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.text in self.stops:
                continue
            yield t


class FoldFilter(Filter):
    """Remove diacritics (``hạt`` -> ``hat``) for matching text typed without marks."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold_diacritics(t.text)
            yield t


@lru_cache(maxsize=None)
def _stemmer(algorithm: str):  # type: ignore[no-untyped-def]
    import Stemmer  # PyStemmer: C Snowball stemmers

    return Stemmer.Stemmer(algorithm, 100_000)


class SnowballFilter(Filter):
    """Snowball stemming with PyStemmer; the stemmer itself is never pickled."""

    def __init__(self, algorithm: str) -> None:
        self.algorithm = algorithm

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SnowballFilter) and other.algorithm == self.algorithm

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        stem = _stemmer(self.algorithm).stemWord
        for t in tokens:
            t.text = stem(t.text)
            yield t
