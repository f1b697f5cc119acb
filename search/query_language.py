"""The language a short query is written in, read from the index's own vocabulary.

A statistical model reads two or three words poorly (``hello world`` came out Finnish,
``an ninh hat nhan`` Spanish), and it knows nothing of what the collection holds. The
index does. Each language with documents reads every word of the query with its own
analyzer (without marks, for a language with marks typed without them): first, the
language that holds the most of the words wins (a word its analyzer drops as a function
word counts as held); between languages holding as many, the likelier one wins, each
word weighed by its document frequency there, smoothed toward its share of the whole
collection, when it is clearly likelier. Otherwise the query has no language, and every
language is searched alike. A language no document is in is never a candidate.
"""

from __future__ import annotations

from math import log
from typing import Callable, Mapping

import regex
from whoosh.fields import Schema

from analyzers import has_diacritics
from search.builder import word_terms

#: A document frequency: ``(field, term) -> documents``.
Frequency = Callable[[str, str], int]

_WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+")
#: Queries of at most this many words are read from the index; longer ones by the model.
SHORT_WORDS = 4
#: How far ahead, in log-likelihood, the best language must be (about 3 times as likely).
MARGIN = log(3.0)
#: The weight of the whole collection's frequencies in each language's (Dirichlet smoothing).
SMOOTHING = 1.0
#: A word a language's analyzer drops (a function word): as likely as this in that language.
DROPPED = 0.5


class QueryLanguage:
    """Reads the language of short queries off the index (see the module's text)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def read(self, text: str, documents: Mapping[str, int], frequency: Frequency) -> str | None:
        """The language ``text`` is written in, among the analysis languages with documents
        (``documents``: how many each has); None when unclear, or the query is not short."""
        words = list(dict.fromkeys(w.lower() for w in _WORD.findall(text)))
        candidates = [lang for lang, n in documents.items() if n > 0]
        if not words or len(_WORD.findall(text)) > SHORT_WORDS or not candidates:
            return None
        folded = not has_diacritics(text)
        # Per language, each word's frequency there (None: its analyzer drops the word).
        seen = {lang: [self._frequency(word, lang, folded, frequency) for word in words]
                for lang in candidates}
        total = sum(documents[lang] for lang in candidates) + 1.0
        shares = [sum(seen[lang][i] or 0 for lang in candidates) / total for i in range(len(words))]
        held = [i for i, share in enumerate(shares) if share > 0]  # a word nowhere says nothing
        if not held:
            return None
        scores = sorted(((_coverage([seen[lang][i] for i in held]),
                          _likelihood([seen[lang][i] for i in held], [shares[i] for i in held],
                                      documents[lang]), lang) for lang in candidates), reverse=True)
        if len(scores) == 1:
            return scores[0][2]
        (words_held, best, lang), (second_held, second, _) = scores[0], scores[1]
        return lang if words_held > second_held or best - second >= MARGIN else None

    def _frequency(self, word: str, lang: str, folded: bool, frequency: Frequency) -> int | None:
        """In how many of ``lang``'s documents ``word`` is, as its analyzer reads the word
        (without marks when the query has none); None when the analyzer drops it."""
        found = word_terms(self.schema, word, lang, folded)
        if found is None:
            return 0
        fieldname, terms = found
        return max(frequency(fieldname, term) for term in terms) if terms else None


def _coverage(frequencies: list[int | None]) -> int:
    """How many of the words a language holds (or drops as function words)."""
    return sum(1 for df in frequencies if df is None or df > 0)


def _likelihood(frequencies: list[int | None], shares: list[float], documents: int) -> float:
    """Log-likelihood of a query's words in one language: each word by its frequency there,
    smoothed toward its share of the whole collection; a word the language's analyzer drops
    as a function word, as a common one."""
    return sum(log(DROPPED) if df is None else log((df + SMOOTHING * share) / (documents + SMOOTHING))
               for df, share in zip(frequencies, shares))
