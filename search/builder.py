"""A parsed query -> a :class:`Plan`: what to score in every language's fields.

Each clause is analysed by each candidate language's own analyzer (the same
pipeline the documents went through), then turned into *units*, one per query
word, each an OR of the fields and forms that word may match in, plus bonus
terms (whole Vietnamese words). :mod:`search.ranking` scores the plan; only
phrases and date ranges stay Whoosh queries, evaluated for the documents they
match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Container, NamedTuple

from whoosh.query import DateRange, Query
from whoosh.fields import Schema

from analyzers import Language, fold_diacritics, has_diacritics, language

from index.phrases import Word
from index.schema import body_field, exact_field, is_part, title_field
from search.query import Clause, ParsedQuery
from search.weights import Weights

#: A term's document frequency in the index: ``(field, text) -> documents``.
Frequency = Callable[[str, str], int]

def word_terms(schema: Schema, word: str, lang: str, folded: bool) -> tuple[str, list[str]] | None:
    """The body field of ``lang`` that holds ``word`` and the terms its analyzer reads it as
    (none: a word it drops, such as a function word); the field without marks when
    ``folded`` and the language has one. None when the index has no such field."""
    fieldname = body_field(lang, folded and language(lang).folded is not None)
    if fieldname not in schema:
        return None
    return fieldname, [t.text for t in schema[fieldname].analyzer(word, mode="query")]


class Alt(NamedTuple):
    """One way a query word can match: a term in a field, and what a match there weighs."""

    field: str
    text: str
    boost: float


@dataclass
class Unit:
    """One query word: matches where any alternative does (and, for a phrase, where it holds)."""

    alts: list[Alt]
    #: For a phrase: its readings, any of which must hold (see :mod:`index.phrases`).
    phrase: list[list[Word]] | None = None
    #: The alternatives are one word's candidate lemmas: scored as one term, not added up.
    synonyms: bool = False
    #: A word typed with marks, without them (``nhan`` for ``nhân``): matched only in the
    #: documents typed without marks (:meth:`index.columns.DocumentColumns.having`).
    bare: list[Alt] = field(default_factory=list)
    #: A syllable that goes on the query's word begun by the unit before it (``nhạc`` of âm nhạc).
    joined: bool = False


@dataclass
class Plan:
    """What to score, per analysis language: units, bonus terms, exclusions, filters."""

    units: dict[str, list[Unit]] = field(default_factory=dict)
    bonus: dict[str, list[Alt]] = field(default_factory=dict)
    #: Each entry excludes the documents matching all of its units.
    negatives: list[list[Unit]] = field(default_factory=list)
    date: Query | None = None
    #: Only the documents of this source (:func:`index.documents.site_key`).
    source: str | None = None
    #: No word to match: every document the filters let through is a result.
    browse: bool = False
    #: Languages with a folded field whose query was typed without any marks.
    unmarked: set[str] = field(default_factory=set)

    def terms(self, bare: Container[str] | None = None) -> dict[str, set[str]]:
        """field -> term texts of the positive side: what snippets look for.

        ``bare``: the languages whose :attr:`Unit.bare` alternatives count (None: all).
        """
        out: dict[str, set[str]] = {}
        for lang, units in self.units.items():
            alts = [a for u in units for a in u.alts + (u.bare if bare is None or lang in bare else [])]
            for f, t, _ in alts + self.bonus.get(lang, []):
                out.setdefault(f, set()).add(t)
        return out


class QueryBuilder:
    def __init__(self, schema: Schema, weights: Weights | None = None) -> None:
        self.schema = schema
        self.w = weights or Weights()

    # -- analysis ----------------------------------------------------------

    def _positions(self, fieldname: str, text: str, joiner: str | None = None
                   ) -> tuple[list[list[str]], list[tuple[int, str]]]:
        """Tokens grouped by position, and words of several syllables joined by ``joiner``:
        (where their first syllable is in the groups, text)."""
        by_pos: dict[int, list[str]] = defaultdict(list)
        compounds: list[tuple[int, str]] = []
        for t in self.schema[fieldname].analyzer(text, positions=True, mode="query"):
            if joiner and joiner in t.text:
                compounds.append((t.pos, t.text))
            elif t.text not in by_pos[t.pos]:
                by_pos[t.pos].append(t.text)
        order = [p for p in sorted(by_pos) if by_pos[p]]
        index = {p: i for i, p in enumerate(order)}
        return [by_pos[p] for p in order], [(index[p], c) for p, c in compounds if p in index]

    def _fields(self, lang: str, folded: bool) -> tuple[str, str]:
        return title_field(lang, folded), body_field(lang, folded)

    def _units(self, clause: Clause, lang: str, frequency: Frequency | None,
               ) -> tuple[list[Unit], list[Alt], list[list[list[Alt]]]]:
        """Units (one per word), bonus alternatives, and phrase sequences for one language."""
        w = self.w
        tf, bf = self._fields(lang, False)
        rules = language(lang)
        if clause.exact and rules.exact:
            # The word's lemmas, weighing nothing, only mark its occurrences in snippets.
            positions, _ = self._positions(bf, clause.text)
            marks = [Alt(bf, t, 0.0) for alts in positions for t in alts]
            return [Unit([Alt(exact_field(lang), rules.exact_form(clause.text), 1.0)])], marks, []
        if rules.folded:
            return self._folded_units(clause, rules, frequency)
        positions, _ = self._positions(bf, clause.text)
        units = [Unit([Alt(tf, t, w.title) for t in alts] + [Alt(bf, t, 1.0) for t in alts])
                 for alts in positions]
        seqs = [[[Alt(f, t, 1.0) for t in alts] for alts in positions] for f in (bf, tf)]
        return units, [], seqs if len(positions) > 1 else []

    def _folded_units(self, clause: Clause, rules: Language,
                      frequency: Frequency | None):  # type: ignore[no-untyped-def]
        """Units, bonus terms and the phrase sequence of a clause in a language with marks."""
        if has_diacritics(clause.text):
            units, bonus, positions = self._marked_units(clause, rules, frequency)
            seq_field = self._fields(rules.code, False)[1]
        else:
            units, bonus, positions = self._unmarked_units(clause, rules, frequency)
            seq_field = self._fields(rules.code, True)[1]
        seqs = [[[Alt(seq_field, t, 1.0) for t in alts] for alts in positions]]
        return units, bonus, seqs if len(units) > 1 else []

    def _marked_units(self, clause: Clause, rules: Language, frequency: Frequency | None
                      ) -> tuple[list[Unit], list[Alt], list[list[str]]]:
        """Typed with marks: a unit per syllable (once each), its bare spelling for documents
        typed without marks, and each whole word of several syllables as a bonus."""
        w, lang, joiner = self.w, rules.code, rules.joiner or " "
        tf, bf = self._fields(lang, False)
        tff, bff = self._fields(lang, True)
        positions, compounds = self._positions(bf, clause.text, rules.joiner)
        inner = {i + k for i, c in compounds for k in range(1, c.count(joiner) + 1)}
        numbered = list(enumerate(positions))
        if w.drop_function_words and not clause.phrase:
            numbered = [(i, p) for i, p in numbered if p[0] not in rules.function_words] or numbered
        in_words = {syllable for _, c in compounds for syllable in c.split(joiner)}
        units = []
        seen: set[str] = set()
        for i, alts in numbered:
            if alts[0] in seen:  # a syllable counts once, whichever of the query's words hold it
                continue
            seen.add(alts[0])
            weight = w.syllable_in_word if alts[0] in in_words else 1.0
            unit = Unit([Alt(tf, t, w.title * weight) for t in alts] + [Alt(bf, t, weight) for t in alts],
                        joined=i in inner)
            for t in sorted({fold_diacritics(t) for t in alts}):
                bare = [Alt(tff, t, w.title * w.folded * weight), Alt(bff, t, w.folded * weight)]
                if t in alts and self._marks_left_out(t, lang, frequency):
                    unit.alts += bare  # it means its marked spellings: in every document
                else:
                    unit.bare += bare
            units.append(unit)
        bonus: list[Alt] = []
        for c in sorted({c for _, c in compounds}):
            bonus += [Alt(tf, c, w.title * w.compound), Alt(bf, c, w.compound)]
        return units, bonus, [p for _, p in numbered]

    def _unmarked_units(self, clause: Clause, rules: Language, frequency: Frequency | None
                        ) -> tuple[list[Unit], list[Alt], list[list[str]]]:
        """Typed without marks: a unit per syllable, and neighbouring syllables that make a
        word of the index as a bonus."""
        w, lang = self.w, rules.code
        tff, bff = self._fields(lang, True)
        positions, _ = self._positions(bff, clause.text, rules.joiner)
        units = [Unit([Alt(tff, t, w.title) for t in alts] + [Alt(bff, t, 1.0) for t in alts])
                 for alts in positions]
        # Without marks the segmenter cannot be trusted: any two neighbouring
        # syllables that form a word in the index lift the documents holding it.
        joiner = rules.joiner
        pairs = [a[0] + joiner + b[0] for a, b in zip(positions, positions[1:])] if joiner else []
        bonus = [alt for c in pairs for alt in (Alt(tff, c, w.title * w.pair), Alt(bff, c, w.pair))]
        if w.drop_function_words and frequency is not None and not clause.phrase:
            # A question typed without marks is still full of function words; the
            # index's own spellings say which syllables most likely are ones.
            kept = [u for u, p in zip(units, positions)
                    if not self._function_word(p[0], rules, frequency)]
            units = kept or units
        return units, bonus, positions

    def _marks_left_out(self, syllable: str, lang: str, frequency: Frequency | None) -> bool:
        """Is ``syllable``, typed without marks among words with them, a word whose marks were
        left out (``nhan`` for nhân) rather than a word without any (``ninh``)? The index says:
        the collection seldom writes it bare."""
        if frequency is None:
            return False
        return frequency(body_field(lang), syllable) < self.w.bare_share * frequency(
            body_field(lang, True), syllable)

    def _function_word(self, syllable: str, rules: Language, frequency: Frequency) -> bool:
        """Is ``syllable``, typed without marks, most likely a function word in this index?"""
        if rules.spellings is None:
            return syllable in rules.function_words
        bf = body_field(rules.code)
        counts = sorted(((frequency(bf, s), s) for s in rules.spellings(syllable)), reverse=True)
        total = sum(n for n, _ in counts)
        if not total:
            return False
        n, spelling = counts[0]
        return spelling in rules.function_words and n >= self.w.unmarked_function_share * total

    # -- building ----------------------------------------------------------

    @staticmethod
    def _title_only(alts: list[Alt]) -> list[Alt]:
        return [a for a in alts if is_part(a.field, "title")]

    @staticmethod
    def _sequence(seq: list[list[Alt]]) -> list[Word] | None:
        """The phrase's words, each with the ``(field, term)`` pairs that may stand for it."""
        if not seq or not all(seq):
            return None
        return [[(f, t) for f, t, _ in alts] for alts in seq]

    def _clause(self, clause: Clause, lang: str,
                frequency: Frequency | None = None) -> tuple[list[Unit], list[Alt]]:
        """Units and bonus terms of one clause in one language."""
        units, bonus, seqs = self._units(clause, lang, frequency)
        if clause.title_only:
            units = [Unit(self._title_only(u.alts), bare=self._title_only(u.bare)) for u in units]
            bonus = self._title_only(bonus)
        units = [u for u in units if u.alts]
        if clause.phrase and seqs and units:
            if clause.title_only:
                seqs = [s for s in seqs if s and s[0] and is_part(s[0][0].field, "title")] or seqs
            phrases = [q for q in (self._sequence(s) for s in seqs) if q is not None]
            if phrases:
                return [_merged(units, phrases)], bonus
        for unit in units:
            unit.synonyms = language(lang).exact is not None and not clause.exact
        return units, bonus

    def build(self, parsed: ParsedQuery, languages: list[str],
              frequency: Frequency | None = None) -> Plan:
        """The plan of ``parsed`` in ``languages``.

        ``frequency`` (the index's document frequencies) tells which syllables of
        Vietnamese typed without marks are most likely function words.
        """
        plan = Plan()
        for lang in languages:
            units: list[Unit] = []
            bonus: list[Alt] = []
            for group in parsed.groups:
                group_units: list[Unit] = []
                for clause in group:
                    u, b = self._clause(clause, lang, frequency)
                    group_units += u
                    bonus += b
                if len(group) > 1 and group_units:
                    # An OR group is one word: any of its clauses' words matches it.
                    units.append(_merged(group_units))
                else:
                    units += group_units
            if units:
                plan.units[lang] = units
                plan.bonus[lang] = bonus
                if language(lang).folded and _typed_without_marks(parsed):
                    plan.unmarked.add(lang)
            for clause in parsed.negative:
                u, _ = self._clause(clause, lang)
                if u:
                    plan.negatives.append(u)
        if parsed.date_from or parsed.date_to:
            plan.date = DateRange("day", parsed.date_from, parsed.date_to)
        plan.source = parsed.source
        plan.browse = parsed.empty
        return plan


def _merged(units: list[Unit], phrase: list[list[Word]] | None = None) -> Unit:
    """One unit matching where any of ``units`` does."""
    return Unit([a for u in units for a in u.alts], phrase, bare=[a for u in units for a in u.bare])


def _typed_without_marks(parsed: ParsedQuery) -> bool:
    """Mostly Latin letters and not one mark: how Vietnamese is often typed (``an ninh hat nhan``)."""
    text = parsed.words
    letters = [ch for ch in text if ch.isalpha()]
    return not has_diacritics(text) and sum(ch.isascii() for ch in letters) * 2 > len(letters)
