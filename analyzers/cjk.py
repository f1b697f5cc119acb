"""Scripts written without spaces (Chinese, Japanese, Thai, ...): character bigrams.

A run of such characters becomes its overlapping pairs (``北京市`` -> ``北京``,
``京市``); a run of one character stays one token. Words in other scripts
inside the same text (Latin names, numbers) are lower-cased words.
"""

from __future__ import annotations

from typing import Iterator

import regex
from whoosh.analysis import Analyzer

from analyzers.base import WORD, SpanTokenizer
from analyzers.language import Language

_UNSPACED = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Hangul}ー]+"
    r"|" + WORD.pattern
)
_SPACED_WORD = regex.compile(WORD.pattern)


class BigramTokenizer(SpanTokenizer):
    """Overlapping character bigrams for unspaced scripts, words for the rest."""

    def spans(self, value: str, mode: str = "") -> Iterator[tuple[str, int, int, int]]:
        pos = 0
        for run in _UNSPACED.finditer(value):
            text = run.group()
            for start, end in _pieces(text):
                yield text[start:end].lower(), run.start() + start, run.start() + end, pos
                pos += 1


def _pieces(run: str) -> list[tuple[int, int]]:
    if _SPACED_WORD.fullmatch(run) and not regex.search(
            r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Hangul}]", run):
        return [(0, len(run))]
    if len(run) == 1:
        return [(0, 1)]
    return [(i, i + 2) for i in range(len(run) - 1)]


def bigrams() -> Analyzer:
    return BigramTokenizer()


LANGUAGES = tuple(Language(code, bigrams) for code in ("zh", "ja", "ko", "th", "lo", "km", "my"))
