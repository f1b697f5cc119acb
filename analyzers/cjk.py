"""Scripts written without spaces (Chinese, Japanese, Thai, ...): character bigrams.

A run of such characters becomes its overlapping pairs (``北京市`` -> ``北京``,
``京市``); a run of one character stays one token. Words in other scripts
inside the same text (Latin names, numbers) are lower-cased words.
"""

from __future__ import annotations

from typing import Iterator

import regex
from whoosh.analysis import Analyzer, Token, Tokenizer

from analyzers.base import WORD

_UNSPACED = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Hangul}ー]+"
    r"|" + WORD.pattern
)
_SPACED_WORD = regex.compile(WORD.pattern)


class BigramTokenizer(Tokenizer):
    """Overlapping character bigrams for unspaced scripts, words for the rest."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True,
                 start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: object) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for run in _UNSPACED.finditer(value):
            text = run.group()
            for start, end in _pieces(text):
                t.text = text[start:end].lower()
                t.boost = 1.0
                if keeporiginal:
                    t.original = text[start:end]
                t.pos = pos
                t.startchar = start_char + run.start() + start
                t.endchar = start_char + run.start() + end
                pos += 1
                yield t


def _pieces(run: str) -> list[tuple[int, int]]:
    if _SPACED_WORD.fullmatch(run) and not regex.search(
            r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Hangul}]", run):
        return [(0, len(run))]
    if len(run) == 1:
        return [(0, 1)]
    return [(i, i + 2) for i in range(len(run) - 1)]


def bigrams() -> Analyzer:
    return BigramTokenizer()
