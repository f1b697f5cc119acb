"""A parsed query -> one Whoosh query over every language's fields.

Each clause is analysed by each candidate language's own analyzer (the same
pipeline the documents went through), then turned into *units*, one per query
word, each an OR of the fields and forms that word may match in. Documents
that match every unit get a bonus that ranks them above those that match some,
which still appear, so a question typed in full still finds its answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from whoosh.query import And, AndNot, ConstantScoreQuery, DateRange, NullQuery, Or, Query, Sequence, Term
from whoosh.fields import Schema

from analyzers import FOLDED_LANGUAGES, fold_diacritics, has_diacritics
from analyzers.ru import EXACT_PREFIX

from index.schema import body_field, title_field
from search.query import Clause, ParsedQuery

_JOINER = "_"


@dataclass
class Weights:
    """The knobs of ranking, measured with ``bench/relevance.py``."""

    title: float = 2.0         # a title match, against a body match of 1
    folded: float = 0.3        # a match without diacritics when the query had them
    compound: float = 0.5      # a whole multi-syllable Vietnamese word, on top of its syllables
    all_words: float = 1000.0  # bonus for matching every query word: they rank first
    phrase: float = 0.0        # the clause's words next to each other, in order (off: no measured gain)


@dataclass
class Built:
    query: Query
    filter: Query | None
    #: field -> term texts: what snippets look for in each field.
    terms: dict[str, set[str]] = field(default_factory=dict)


# A unit alternative: (field, term text, boost)
Alt = tuple[str, str, float]


class QueryBuilder:
    def __init__(self, schema: Schema, weights: Weights | None = None) -> None:
        self.schema = schema
        self.w = weights or Weights()

    # -- analysis ----------------------------------------------------------

    def _positions(self, fieldname: str, text: str) -> tuple[list[list[str]], list[tuple[int, str]]]:
        """Tokens grouped by position, and (position, text) of Vietnamese compounds."""
        by_pos: dict[int, list[str]] = defaultdict(list)
        compounds: list[tuple[int, str]] = []
        for t in self.schema[fieldname].analyzer(text, positions=True, mode="query"):
            if _JOINER in t.text and fieldname.endswith("_vi"):
                compounds.append((t.pos, t.text))
            elif t.text not in by_pos[t.pos]:
                by_pos[t.pos].append(t.text)
        return [by_pos[p] for p in sorted(by_pos) if by_pos[p]], compounds

    def _fields(self, lang: str, folded: bool) -> tuple[str, str]:
        return title_field(lang, folded), body_field(lang, folded)

    def _units(self, clause: Clause, lang: str) -> tuple[list[list[Alt]], list[Alt], list[list[list[Alt]]]]:
        """Units (one per word), bonus alternatives, and phrase sequences for one language."""
        w = self.w
        tf, bf = self._fields(lang, False)
        if clause.exact and lang in ("ru", "uk"):
            word = EXACT_PREFIX + clause.text.lower().replace("ё", "е")
            unit = [(tf, word, w.title), (bf, word, 1.0)]
            return [unit], [], []
        if lang in FOLDED_LANGUAGES:
            return self._folded_units(clause, lang)
        positions, _ = self._positions(bf, clause.text)
        units = [[(tf, t, w.title) for t in alts] + [(bf, t, 1.0) for t in alts]
                 for alts in positions]
        seqs = [[[(f, t, 1.0) for t in alts] for alts in positions] for f in (bf, tf)]
        return units, [], seqs if len(positions) > 1 else []

    def _folded_units(self, clause: Clause, lang: str):  # type: ignore[no-untyped-def]
        w = self.w
        tf, bf = self._fields(lang, False)
        tff, bff = self._fields(lang, True)
        bonus: list[Alt] = []
        if has_diacritics(clause.text):
            positions, compounds = self._positions(bf, clause.text)
            units = []
            for alts in positions:
                unit = [(tf, t, w.title) for t in alts] + [(bf, t, 1.0) for t in alts]
                folded = {fold_diacritics(t) for t in alts}
                unit += [(tff, t, w.title * w.folded) for t in folded]
                unit += [(bff, t, w.folded) for t in folded]
                units.append(unit)
            for _, c in compounds:
                bonus += [(tf, c, w.title * w.compound), (bf, c, w.compound)]
            seq_field = bf
        else:
            positions, _ = self._positions(bff, clause.text)
            units = [[(tff, t, w.title) for t in alts] + [(bff, t, 1.0) for t in alts]
                     for alts in positions]
            # Without marks the segmenter cannot be trusted: any two neighbouring
            # syllables that form a word in the index lift the documents holding it.
            for a, b in zip(positions, positions[1:]):
                c = a[0] + _JOINER + b[0]
                bonus += [(tff, c, w.title * w.compound), (bff, c, w.compound)]
            seq_field = bff
        seqs = [[[(seq_field, t, 1.0) for t in alts] for alts in positions]]
        return units, bonus, seqs if len(units) > 1 else []

    # -- building ----------------------------------------------------------

    @staticmethod
    def _or(alts: list[Alt], title_only: bool = False) -> Query | None:
        terms = [Term(f, t, boost=b) for f, t, b in alts
                 if not title_only or f.startswith("title")]
        if not terms:
            return None
        return terms[0] if len(terms) == 1 else Or(terms)

    def _sequence(self, seq: list[list[Alt]], boost: float) -> Query | None:
        parts = [self._or(alts) for alts in seq]
        if not parts or any(p is None for p in parts):
            return None
        return Sequence(parts, slop=1, boost=boost)  # type: ignore[arg-type]

    def _clause(self, clause: Clause, lang: str, terms: dict[str, set[str]]
                ) -> tuple[list[Query], list[Query]]:
        """(units, bonus queries) of one clause in one language."""
        units, bonus, seqs = self._units(clause, lang)
        for alt in [a for u in units for a in u] + bonus:
            terms.setdefault(alt[0], set()).add(alt[1])
        if clause.phrase:
            phrase = [q for q in (self._sequence(s, 1.0) for s in seqs) if q is not None]
            if not phrase:  # one word in quotes: just that word
                return [q for q in (self._or(u, clause.title_only) for u in units) if q], []
            if clause.title_only:
                phrase = phrase[1:] or phrase
            return [Or(phrase) if len(phrase) > 1 else phrase[0]], []
        unit_queries = [q for q in (self._or(u, clause.title_only) for u in units) if q]
        extra = [q for q in [self._or(bonus, clause.title_only)] if q]
        if self.w.phrase and seqs and not clause.title_only:
            extra += [q for q in [self._sequence(seqs[0], self.w.phrase)] if q]
        return unit_queries, extra

    def _language_query(self, parsed: ParsedQuery, lang: str, terms: dict[str, set[str]]
                        ) -> Query | None:
        units: list[Query] = []
        extra: list[Query] = []
        for group in parsed.groups:
            group_units: list[Query] = []
            for clause in group:
                u, e = self._clause(clause, lang, terms)
                group_units += u
                extra += e
            if len(group) > 1 and group_units:
                units.append(Or(group_units))
            else:
                units += group_units
        if not units:
            return None
        scored = Or(units + extra) if len(units) + len(extra) > 1 else units[0]
        if len(units) == 1:
            return scored
        return Or([ConstantScoreQuery(And(units), score=self.w.all_words), scored])

    def build(self, parsed: ParsedQuery, languages: list[str]) -> Built:
        terms: dict[str, set[str]] = {}
        per_lang = [q for q in (self._language_query(parsed, lang, terms) for lang in languages)
                    if q is not None]
        query: Query = Or(per_lang) if len(per_lang) > 1 else (per_lang[0] if per_lang else NullQuery)
        negatives: list[Query] = []
        for clause in parsed.negative:
            for lang in languages:
                u, _ = self._clause(clause, lang, {})
                if u:
                    negatives.append(And(u) if len(u) > 1 else u[0])
        if negatives and per_lang:
            query = AndNot(query, Or(negatives))
        filters: list[Query] = []
        if parsed.date_from or parsed.date_to:
            filters.append(DateRange("day", parsed.date_from, parsed.date_to))
        return Built(query, And(filters) if len(filters) > 1 else (filters[0] if filters else None),
                     terms)
