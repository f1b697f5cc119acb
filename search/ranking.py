"""BM25F scored a term at a time over numpy arrays, with statistics per language.

Each language has its own fields; Whoosh's BM25F would divide a field's total
length by the number of documents in the whole index (in a mixed collection the
average comes out far too small and long documents are over-penalised) and mix
languages in the IDF. Here ``N`` and the average length are those of the
documents in the field's language. Documents that match every query word rank
above those matching some; within each tier, by score.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log

import numpy as np

from index.postings import IndexArrays
from index.schema import field_language
from search.builder import Alt, Plan, Unit, Weights


@dataclass
class Ranked:
    docnums: list[int]
    scores: list[float]
    total: int
    languages: dict[str, int]
    #: For each returned document, the (field, term) pairs it holds: what its snippet marks.
    matched: list[list[tuple[str, str]]]


class Ranker:
    def __init__(self, arrays: IndexArrays, weights: Weights) -> None:
        self.a = arrays
        self.w = weights
        self.alang_values, self.alang = arrays.codes("alang")
        alive = arrays.alive
        counts = np.bincount(self.alang[alive & (self.alang >= 0)], minlength=len(self.alang_values))
        self.docs_in = {lang: int(counts[i]) for i, lang in enumerate(self.alang_values)}

    def _term(self, alt: Alt) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and BM25 scores of one (field, term, boost)."""
        fieldname, text, boost = alt
        ids, tf = self.a.postings(fieldname, text)
        if not len(ids):
            return ids, tf
        alive = self.a.alive[ids]
        if not alive.all():
            ids, tf = ids[alive], tf[alive]
        lang = field_language(fieldname) or ""
        n = max(self.docs_in.get(lang, 0), 1)
        df = len(ids)
        idf = log(1.0 + (n - df + 0.5) / (df + 0.5))
        avgfl = self.a.field_length(fieldname) / n or 1.0
        k1, b = self.w.k1, self.w.b
        dl = self.a.lengths(fieldname)[ids]
        scores = (idf * boost * (k1 + 1.0)) * tf / (tf + k1 * (1.0 - b + b * dl / avgfl))
        return ids, scores.astype(np.float64)

    def _unit_mask(self, unit: Unit, score: np.ndarray | None) -> np.ndarray:
        mask = np.zeros(self.a.size, dtype=bool)
        restrict = self.a.docs_for(unit.phrase) if unit.phrase is not None else None
        for alt in unit.alts:
            ids, s = self._term(alt)
            if restrict is not None:
                keep = restrict[ids]
                ids, s = ids[keep], s[keep]
            mask[ids] = True
            if score is not None:
                score[ids] += s
        return mask

    def rank(self, plan: Plan, *, lang: str | None, offset: int, limit: int) -> Ranked:
        size = self.a.size
        score = np.zeros(size, dtype=np.float64)
        coverage = np.zeros(size, dtype=np.int32)
        needed = np.zeros(len(self.alang_values) + 1, dtype=np.int32)
        for alang, units in plan.units.items():
            for unit in units:
                coverage += self._unit_mask(unit, score)
            for alt in plan.bonus.get(alang, []):
                ids, s = self._term(alt)
                score[ids] += s
            if alang in self.alang_values:
                needed[self.alang_values.index(alang)] = len(units)
        matched = (coverage > 0) & self.a.alive
        for negative in plan.negatives:
            hit = np.ones(size, dtype=bool)
            for unit in negative:
                hit &= self._unit_mask(unit, None)
            matched &= ~hit
        if plan.date is not None:
            matched &= self.a.docs_for(plan.date)
        lang_values, lang_codes = self.a.codes("lang")
        per_lang = np.bincount(lang_codes[matched & (lang_codes >= 0)], minlength=len(lang_values))
        languages = {lang_values[i]: int(n) for i, n in enumerate(per_lang) if n}
        if lang is not None:
            code = lang_values.index(lang) if lang in lang_values else -2
            matched &= lang_codes == code
        candidates = np.nonzero(matched)[0]
        total = len(candidates)
        key = score[candidates]
        if self.w.all_words_first:
            full = coverage[candidates] >= needed[self.alang[candidates]]
            key = key + full * 1e9
        depth = offset + limit
        if total > depth * 4:
            top = np.argpartition(-key, depth)[:depth]
            candidates, key = candidates[top], key[top]
        order = np.lexsort((candidates, -key))[offset:depth]
        docs = candidates[order]
        terms = plan.terms()
        matched_terms = [self._terms_in(int(d), terms) for d in docs]
        return Ranked([int(d) for d in docs], [float(score[d]) for d in docs], total,
                      dict(sorted(languages.items(), key=lambda kv: -kv[1])), matched_terms)

    def _terms_in(self, docnum: int, terms: dict[str, set[str]]) -> list[tuple[str, str]]:
        """The (field, term) pairs ``docnum`` holds, rarest first."""
        lang = self.alang_values[self.alang[docnum]] if self.alang[docnum] >= 0 else None
        found = []
        for fieldname, texts in terms.items():
            if field_language(fieldname) != lang:
                continue
            for text in texts:
                ids, _ = self.a.postings(fieldname, text)
                i = np.searchsorted(ids, docnum)
                if i < len(ids) and ids[i] == docnum:
                    found.append((len(ids), fieldname, text))
        return [(f, t) for _, f, t in sorted(found)]
