"""BM25F with statistics counted per language.

Each language has its own fields, but Whoosh's BM25F divides a field's total
length by the number of documents in the whole index: in a mixed collection the
average comes out far too small and long documents are over-penalised, and the
IDF of a term mixes languages. Here ``N`` and the average length are those of
the documents in the field's language.
"""

from __future__ import annotations

from math import log

from whoosh.scoring import BM25F, WeightLengthScorer, bm25

from index.schema import field_language


class LanguageBM25FScorer(WeightLengthScorer):
    def __init__(self, searcher, fieldname: str, text: bytes, lang: str, B: float, K1: float,
                 qf: float = 1) -> None:
        parent = searcher.get_parent()
        docs = parent.doc_frequency("alang", lang) or 1
        df = parent.doc_frequency(fieldname, text)
        self.idf = log(1.0 + (docs - df + 0.5) / (df + 0.5))
        self.avgfl = (parent.field_length(fieldname) / docs) or 1.0
        self.B = B
        self.K1 = K1
        self.qf = qf
        self.setup(searcher, fieldname, text)

    def _score(self, weight: float, length: float) -> float:
        return bm25(self.idf, weight, length, self.avgfl, self.B, self.K1)


class LanguageBM25F(BM25F):
    """:class:`whoosh.scoring.BM25F` with per-language document counts and lengths."""

    def scorer(self, searcher, fieldname: str, text: bytes, qf: float = 1):  # type: ignore[no-untyped-def]
        lang = field_language(fieldname)
        if lang is None or not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf)
        B = self._field_B.get(fieldname, self.B)
        return LanguageBM25FScorer(searcher, fieldname, text, lang, B, self.K1, qf=qf)
