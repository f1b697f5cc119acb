"""What the project knows of one language: its analyzers and the rules its queries follow.

Each language module (:mod:`analyzers.vi`, :mod:`analyzers.ru`, ...) describes its
languages as :class:`Language` entries; :mod:`analyzers.registry` gathers them. The
query builder asks a language for its rules rather than testing its code, so adding
a language is adding its module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from whoosh.analysis import Analyzer

#: The code under which every language without an entry of its own is analysed.
OTHER = "xx"


def _lower(word: str) -> str:
    return word.lower()


@dataclass(frozen=True)
class Language:
    """One language's analysis, at index and at query time."""

    #: ISO 639-1 code (or ``xx``: every language without an entry of its own).
    code: str
    #: The analyzer of its text fields.
    analyzer: Callable[[], Analyzer]
    #: The analyzer of a second field without diacritics, for queries typed without marks.
    folded: Callable[[], Analyzer] | None = None
    #: The analyzer of a field of exact word forms, for ``=word``; its analyzer gives lemmas.
    exact: Callable[[], Analyzer] | None = None
    #: A query word as the exact-forms field holds it.
    exact_form: Callable[[str], str] = _lower
    #: Words a query leaves out (not in phrases): they say nothing about what is sought.
    function_words: frozenset[str] = frozenset()
    #: Every spelling with marks of a syllable typed without them (``la`` -> là, lá, ...).
    spellings: Callable[[str], tuple[str, ...]] | None = None
    #: Words of several syllables are also indexed whole, joined by this (``hạt_nhân``).
    joiner: str | None = None
    #: A word as this language writes it, when it was typed with another keyboard layout or
    #: input method (Telex for Vietnamese, the Latin layout for Russian); None when it was not.
    retyped: Callable[[str], str | None] | None = None
