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
from typing import Callable

import numpy as np

from analyzers.registry import OTHER

from index.phrases import Budget, phrase_docs
from index.arrays import IndexArrays
from index.schema import field_language, is_part, text_field
from search.builder import Alt, Plan, Unit
from search.meaning import Near
from search.placement import Placement, placements, share
from search.weights import Weights


@dataclass
class _Found:
    """What matching a query found, per document: its score, how many of the query's words
    it holds, and whether it matched; ``needed``: each language's number of words."""

    score: np.ndarray
    coverage: np.ndarray
    needed: np.ndarray
    matched: np.ndarray


#: Sources the source facet lists, most results first.
TOP_SOURCES = 10


@dataclass
class _Words:
    """What ordering by words needs of a query: its plan, its (field, terms), the language
    asked for (None: any) and the one it is written in (None: unclear)."""

    plan: Plan
    terms: dict[str, set[str]]
    lang: str | None
    query_lang: str | None


@dataclass
class _Across:
    """Documents near a query in meaning joined to those found by its words: ``own``, which
    documents are in the query's language; ``by_words``, which were found by words."""

    near: Near
    own: np.ndarray
    by_words: np.ndarray


@dataclass
class Ranked:
    docnums: list[int]
    scores: list[float]
    total: int
    languages: dict[str, int]
    #: Results per month (``2026-11``), in date order: for the current language filter.
    months: dict[str, int]
    #: Results per source, most first (:data:`TOP_SOURCES` of them).
    sources: dict[str, int]
    #: For each returned document, the (field, term) pairs it holds: what its snippet marks.
    matched: list[list[tuple[str, str]]]
    #: For each returned document, its near-duplicates among the results, folded under it.
    similar: list[list[int]]
    #: How many results hold every word of the query (in their language's analysis).
    complete: int = 0
    #: Phrase matching ran out of its budget: some documents holding the phrase may be missing.
    partial: bool = False


class Ranker:
    def __init__(self, arrays: IndexArrays, weights: Weights) -> None:
        self.a = arrays
        self.w = weights
        self.alang_values, self.alang = arrays.columns.codes("alang")
        self.docs_in = arrays.columns.live_counts("alang")  # N per language, once per searcher
        self._blocks: dict[tuple[int, int], object] = {}  # postings blocks decoded for this query
        self._spans: dict[tuple[int, str, str], list[tuple[int, int, str]]] = {}
        #: (field, term) -> {document: its rank among the term's postings in its segment}, over
        #: the ranked candidates; and the term's document count
        self._holders: dict[tuple[str, str], dict[int, int]] = {}
        self._counts: dict[tuple[str, str], int] = {}
        self._ranked: set[int] = set()
        #: Per language with documents typed without marks: which; only there do bare forms count.
        self._bare_docs: dict[str, np.ndarray] = {}
        self.budget = Budget()

    def _norm_tf(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Live document numbers of a term, and its length-normalised frequency in each."""
        ids, tf = self.a.terms.postings(fieldname, text)
        if not len(ids):
            return ids, tf
        if self.a.segments.has_deletions:  # a deleted document counts in no term's documents
            alive = self.a.columns.alive[ids]
            if not alive.all():
                ids, tf = ids[alive], tf[alive]
        lang = field_language(fieldname) or ""
        n = max(self.docs_in.get(lang, 0), 1)
        avgfl = self.a.columns.field_length(fieldname) / n or 1.0
        b = self.w.b_languages.get(lang, self.w.b)
        return ids, tf / self.a.columns.length_norms(fieldname, b, avgfl)[ids]

    def _group(self, alts: list[Alt]) -> tuple[np.ndarray, np.ndarray]:
        """BM25F of one term over its fields: weighted frequencies summed, then saturated.

        ``alts`` are the same term in a title and a body field; their boosts are
        relative field weights, the body's (or the only field's) boost scales the score.
        """
        scale = next((a.boost for a in alts if is_part(a.field, "body")), alts[0].boost)
        if scale == 0.0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        parts = [(self._norm_tf(f, t), bo / scale) for f, t, bo in alts]
        parts = [((ids, tf), w) for (ids, tf), w in parts if len(ids)]
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        if len(parts) == 1:
            (ids, tf), w = parts[0]
            pseudo = tf.astype(np.float64) * w
        else:
            all_ids = np.concatenate([ids for (ids, _), _ in parts])
            weights = np.concatenate([tf.astype(np.float64) * w for (_, tf), w in parts])
            ids, pseudo = _sum_by_document(all_ids, weights, self.a.size)
        lang = field_language(alts[0].field) or ""
        n = max(self.docs_in.get(lang, 0), 1)
        df = len(ids)
        idf = log(1.0 + (n - df + 0.5) / (df + 0.5))
        k1 = self.w.k1_languages.get(lang, self.w.k1)
        return ids, (scale * idf * (k1 + 1.0)) * pseudo / (k1 + pseudo)

    def _scored(self, alts: list[Alt], synonyms: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
        """Alternatives grouped by term (``title_vi``/``body_vi`` of one word together), scored."""
        groups: dict[tuple[str, str, str], list[Alt]] = {}
        for alt in alts:
            term = "" if synonyms else alt.text
            groups.setdefault(_family(alt.field) + (term,), []).append(alt)
        return [self._group(g) for g in groups.values()]

    def _unit_mask(self, unit: Unit, score: np.ndarray | None) -> np.ndarray:
        mask = np.zeros(self.a.size, dtype=bool)
        restrict = phrase_docs(self.a, unit.phrase, self.budget) if unit.phrase is not None else None
        scored = [(ids, s, restrict) for ids, s in self._scored(unit.alts, synonyms=unit.synonyms)]
        if unit.bare:
            # Only a document typed without marks holds the word bare; the index knows which.
            unmarked = self._bare_docs.get(field_language(unit.bare[0].field) or "")
            if unmarked is not None:
                if restrict is not None:
                    unmarked = unmarked & restrict
                scored += [(ids, s, unmarked) for ids, s in self._scored(unit.bare)]
        for ids, s, only in scored:
            if only is not None:
                keep = only[ids]
                ids, s = ids[keep], s[keep]
            mask[ids] = True
            if score is not None:
                score[ids] += s
        return mask

    def rank(self, plan: Plan, *, lang: str | None, offset: int, limit: int,
             query_lang: str | None = None, sort: str = "relevance", fold: bool = True,
             nearest: Callable[[np.ndarray, bool], Near | None] | None = None) -> Ranked:
        """One page of ``plan``'s results: match and score, leave out what the query excludes,
        count the languages, order (by ``sort``, one of :data:`search.weights.SORTS`; by relevance the first
        are reordered by where their words stand), and with ``fold`` show near-duplicates once,
        under the best placed of them. ``nearest`` (given the first found by words, the
        documents nearest in meaning) add those in other languages, fused by rank."""
        found = self._match(plan)
        near = None if plan.browse or nearest is None else nearest(*self._leading(found))
        self._weigh_language(found, query_lang)
        kept = self._kept(plan)
        if kept is not None:
            found.matched &= kept
        across = self._across(near, found, kept)
        depth, terms = offset + limit, plan.terms(self._bare_docs)
        words = _Words(plan, terms, lang, query_lang)
        languages = self._languages(found.matched)
        candidates = self._in_language(found.matched, lang)
        months, sources = self._months(candidates), self._sources(candidates)

        def order(deep: int) -> np.ndarray:
            if sort == "relevance" and across is not None:
                return self._fused(across, found, words, candidates, deep)
            if sort == "relevance":
                return self._ordered(found, candidates, words, deep)
            return self._by_date(candidates, found.score, newest=sort == "newest", depth=deep)

        similar: list[list[int]]
        if fold:
            total, docs, similar = self._folded_page(candidates, found.score, order, offset, depth)
        else:
            total, docs = len(candidates), order(depth)[offset:depth]
            similar = [[] for _ in range(len(docs))]
        matched_terms = [self._terms_in(int(d), terms) for d in docs]
        complete = int((found.coverage[candidates] >= found.needed[self.alang[candidates]]).sum())
        return Ranked([int(d) for d in docs], [float(found.score[d]) for d in docs], total,
                      languages, months, sources, matched_terms, similar, complete, self.budget.cut)

    def _weigh_language(self, found: _Found, query_lang: str | None) -> None:
        """Weigh the documents in the language the query is written in: likely the one the
        reader wants."""
        if query_lang in self.alang_values and self.w.query_language != 1.0:
            found.score[self.alang == self.alang_values.index(query_lang)] *= self.w.query_language

    def _leading(self, found: _Found) -> tuple[np.ndarray, bool]:
        """The ``feedback_docs`` documents of highest score by words, in any language: of
        those holding ``leading_share`` of the query's words when there are some (and then
        True)."""
        docs = np.nonzero(found.matched)[0]
        held = docs[found.coverage[docs] >= self.w.leading_share * found.needed[self.alang[docs]]]
        if len(held):
            docs = held
        keep = min(self.w.feedback_docs, len(docs))
        if not keep:
            return docs[:0], False
        top = np.argpartition(-found.score[docs], keep - 1)[:keep]
        return docs[top], bool(len(held))

    def _across(self, near: Near | None, found: _Found, kept: np.ndarray | None) -> _Across | None:
        """Join the documents in other languages ``near`` in meaning to those ``found`` by
        words (but those ``kept`` leaves out); None when there are none."""
        if near is None:
            return None
        own = self._written_in(near.lang)
        joining = ~own[near.docnums]
        if kept is not None:
            joining &= kept[near.docnums]
        by_words = found.matched.copy()
        found.matched[near.docnums[joining]] = True
        return _Across(near, own, by_words)

    def _written_in(self, lang: str | None) -> np.ndarray:
        """Which documents are in ``lang`` (none when it is None or has no documents)."""
        if lang not in self.alang_values:
            return np.zeros(len(self.alang), dtype=bool)
        return self.alang == self.alang_values.index(lang)

    def _fused(self, across: _Across, found: _Found, words: _Words, candidates: np.ndarray,
               deep: int) -> np.ndarray:
        """The orders by words and by meaning fused by reciprocal rank over their first
        ``fusion_depth``, the places of the documents in the query's language filled again
        in the order of their words; then the rest of the order by words."""
        k, depth = self.w.fusion_k, self.w.fusion_depth
        by_words = self._ordered(found, candidates[across.by_words[candidates]], words, max(deep, depth))
        by_meaning = across.near.docnums[np.isin(across.near.docnums, candidates)]
        score: dict[int, float] = {}
        for rank, doc in enumerate(by_words[:depth].tolist()):
            score[doc] = 1.0 / (k + rank + 1)
        for rank, doc in enumerate(by_meaning[:depth].tolist()):
            score[doc] = score.get(doc, 0.0) + self.w.meaning / (k + rank + 1)
        head = sorted(score, key=lambda doc: (-score[doc], doc))
        places = [i for i, doc in enumerate(head) if across.own[doc]]
        word_rank = {doc: rank for rank, doc in enumerate(by_words.tolist())}
        mine = sorted((head[i] for i in places), key=lambda doc: word_rank.get(doc, len(word_rank)))
        for i, doc in zip(places, mine):
            head[i] = doc
        tail = [doc for doc in by_words[depth:].tolist() if doc not in score]
        return np.array(head + tail, dtype=np.int64)

    def _folded_page(self, candidates: np.ndarray, score: np.ndarray,
                     order: Callable[[int], np.ndarray], offset: int, depth: int
                     ) -> tuple[int, np.ndarray, list[list[int]]]:
        """The results' count and page with near-duplicates folded: the candidates are ordered
        deep enough to leave ``depth`` groups (first as deep as twice the page, which almost
        always does; else deeper, see :func:`_deeper`)."""
        duplicates = self.a.columns.near_duplicates()
        # The candidates with a near-duplicate in the index: a few in a hundred.
        copies = candidates[self.a.columns.copies()[candidates]]
        folded_away = len(copies) - len(np.unique(duplicates[copies]))
        deep = depth + min(folded_away, depth)
        while True:
            docs, similar = _folded(order(deep), copies, duplicates, score, offset, depth)
            if len(docs) >= depth - offset or deep >= min(len(candidates), depth + folded_away):
                return len(candidates) - folded_away, docs, similar
            deep = _deeper(deep, depth, len(candidates), folded_away)

    def _match(self, plan: Plan) -> _Found:
        """Every document holding a word of the query, its score, and how many words it holds."""
        size = self.a.size
        # How many of the query's words each document holds: a byte each where that is
        # enough, added to as bytes (quicker than counting in wider numbers).
        words = sum(len(units) for units in plan.units.values())
        found = _Found(score=np.zeros(size, dtype=np.float64),
                       coverage=np.zeros(size, dtype=np.uint8 if words < 256 else np.int32),
                       needed=np.zeros(len(self.alang_values) + 1, dtype=np.int32),
                       matched=np.zeros(size, dtype=bool))
        if plan.browse:
            found.matched = self.a.columns.alive.copy()
            return found
        # Every word of the query in every segment, looked up at once.
        every = [u for us in plan.units.values() for u in us] + [u for us in plan.negatives for u in us]
        bonus = [a for alts in plan.bonus.values() for a in alts]
        # Bare forms of marked words count only where the index holds documents typed without marks.
        self._bare_docs = {lang: docs for lang in plan.units
                           if (docs := self.a.columns.having("unmarked", lang)) is not None}
        bare = [a for u in every for a in u.bare if field_language(a.field) in self._bare_docs]
        self.a.terms.locate([(f, t) for f, t, _ in [a for u in every for a in u.alts] + bare + bonus])
        for alang, units in plan.units.items():
            for unit in units:
                mask = self._unit_mask(unit, found.score)
                found.matched |= mask
                found.coverage += mask.view(np.uint8)
            for ids, s in self._scored(plan.bonus.get(alang, [])):
                found.score[ids] += s
            if alang in self.alang_values:
                found.needed[self.alang_values.index(alang)] = len(units)
        found.matched &= self.a.columns.alive
        return found

    def _kept(self, plan: Plan) -> np.ndarray | None:
        """Which documents the query leaves in: none with a negated word, none outside its
        dates or source (None: it leaves out none)."""
        kept = None
        for negative in plan.negatives:
            hit = np.ones(self.a.size, dtype=bool)
            for unit in negative:
                hit &= self._unit_mask(unit, None)
            kept = ~hit if kept is None else kept & ~hit
        if plan.date is not None:
            dated = self.a.terms.matching(plan.date)
            kept = dated if kept is None else kept & dated
        if plan.source is not None:
            having = self.a.columns.having("site", plan.source)
            site = having if having is not None else np.zeros(self.a.size, dtype=bool)
            kept = site if kept is None else kept & site
        return kept

    def _months(self, candidates: np.ndarray) -> dict[str, int]:
        """The results per month, in date order: the date histogram."""
        months, of_document = self.a.columns.months()
        counts = np.bincount(of_document[candidates] + 1, minlength=len(months) + 1)[1:]
        return {months[i]: int(n) for i, n in enumerate(counts) if n}

    def _sources(self, candidates: np.ndarray) -> dict[str, int]:
        """The results per source, most first: the source facet."""
        sites, codes = self.a.columns.codes("site")
        counts = np.bincount(codes[candidates] + 1, minlength=len(sites) + 1)[1:]
        top = np.argsort(-counts, kind="stable")[:TOP_SOURCES]
        return {sites[i]: int(counts[i]) for i in top if counts[i]}

    def _by_date(self, candidates: np.ndarray, score: np.ndarray, *, newest: bool,
                 depth: int) -> np.ndarray:
        """The first ``depth`` candidates by date (then by score); those without a date last."""
        day = self.a.columns.codes("datekey")[1][candidates].astype(np.int64)
        undated = day < 0
        day = np.where(undated, 0, -day if newest else day)
        order = np.lexsort((candidates, -score[candidates], day, undated))[:depth]
        return candidates[order]

    def _languages(self, matched: np.ndarray) -> dict[str, int]:
        """The matched documents per language, most first: the language facet."""
        lang_values, lang_codes = self.a.columns.codes("lang")
        per_lang = np.bincount(lang_codes[matched & (lang_codes >= 0)], minlength=len(lang_values))
        languages = {lang_values[i]: int(n) for i, n in enumerate(per_lang) if n}
        return dict(sorted(languages.items(), key=lambda kv: -kv[1]))

    def _in_language(self, matched: np.ndarray, lang: str | None) -> np.ndarray:
        """The matched documents' numbers, in ``lang`` only when one is asked for."""
        if lang is not None:
            lang_values, lang_codes = self.a.columns.codes("lang")
            code = lang_values.index(lang) if lang in lang_values else -2
            matched &= lang_codes == code
        return np.nonzero(matched)[0]

    def _ordered(self, found: _Found, candidates: np.ndarray, words: _Words,
                 depth: int) -> np.ndarray:
        """The first ``depth`` candidates (at least), best first: those with every word first,
        then by score; the first reordered by where their words stand."""
        plan, terms, lang, query_lang = words.plan, words.terms, words.lang, words.query_lang
        key = found.score[candidates]
        need = found.needed[self.alang[candidates]]
        if self.w.all_words_first:
            full = (found.coverage[candidates] >= need) & (need <= self.w.strict_words)
            key = key + full * 1e9
        # Typed without marks: unless the filter leaves its language out, or the query is
        # surely in another (English is typed without marks too).
        unmarked = plan.unmarked if lang is None else plan.unmarked & {lang}
        if query_lang not in (None, OTHER):
            unmarked = unmarked & {query_lang}
        placed = self._placement_terms(plan, unmarked, query_lang)
        reordered = self.w.unmarked_depth if placed and unmarked else self.w.placement_depth
        pool = max(depth, reordered) if placed else depth
        if len(candidates) > pool * 4:
            top = np.argpartition(-key, pool)[:pool]
            candidates, key = candidates[top], key[top]
        order = np.lexsort((candidates, -key))[:pool]
        candidates, key = candidates[order], key[order]
        self._find_holders(candidates, [(f, t) for f, texts in terms.items() for t in texts])
        if placed:
            head = self._by_placement(candidates[:reordered], key, found.score, placed)
            candidates = np.concatenate([head, candidates[reordered:]])
        return candidates

    def spans(self, docnum: int, terms: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
        """Where ``(field, term)`` pairs occur in a document; each looked up once per query.

        Proximity and then the snippets ask for the same words of the same hits.
        """
        out: list[tuple[int, int, str]] = []
        ranked = docnum in self._ranked
        for term in terms:
            key = (docnum, *term)
            found = self._spans.get(key)
            if found is None:
                # Scoring has the term's documents at hand: most absent pairs end there, and
                # a ranked document's place among them picks the block that holds it.
                holders = self._holders.get(term) if ranked else None
                if holders is not None:
                    k = holders.get(docnum)
                    found = [] if k is None else [
                        (start, end, term[1])
                        for start, end in self.a.spans.spans_at(docnum, *term, k, blocks=self._blocks)]
                elif self._held_by(docnum, *term):
                    found = self.a.spans.term_spans(docnum, [term], blocks=self._blocks)
                else:
                    found = []
                self._spans[key] = found
            out += found
        return out

    def _placement_terms(self, plan: Plan, unmarked_in: set[str],
                         query_lang: str | None = None) -> dict[int, Placement]:
        """:func:`search.placement.placements`, keyed by the index's language codes."""
        return {self.alang_values.index(alang): p
                for alang, p in placements(plan, self.w, unmarked_in, query_lang).items()
                if alang in self.alang_values}

    def _by_placement(self, candidates: np.ndarray, key: np.ndarray, score: np.ndarray,
                      placed: dict[int, Placement]) -> np.ndarray:
        """The candidates reordered with where their words stand (:func:`search.placement.share`)."""
        head = key[:len(candidates)].astype(np.float64)
        for i, docnum in enumerate(candidates.tolist()):
            p = placed.get(int(self.alang[docnum]))
            if p is None:
                continue
            bonus = score[docnum] * share(p, self.spans(docnum, p.pairs), self.w)
            head[i] += bonus
            score[docnum] += bonus  # the score shown is the one the order follows
        order = np.lexsort((candidates, -head))
        return candidates[order]

    def _terms_in(self, docnum: int, terms: dict[str, set[str]]) -> list[tuple[str, str]]:
        """The (field, term) pairs ``docnum`` holds, rarest first."""
        lang = self.alang_values[self.alang[docnum]] if self.alang[docnum] >= 0 else None
        found = []
        for fieldname, texts in terms.items():
            if field_language(fieldname) != lang:
                continue
            for text in texts:
                documents = self._held_by(docnum, fieldname, text)
                if documents:
                    found.append((documents, fieldname, text))
        return [(f, t) for _, f, t in sorted(found)]

    def _find_holders(self, candidates: np.ndarray, pairs: list[tuple[str, str]]) -> None:
        """Which of ``candidates`` hold each ``(field, term)``: one search a term for all of them.

        Placement, the matched terms and the snippets then ask it of each document.
        """
        self._ranked = set(candidates.tolist())
        for pair in pairs:
            ids, _ = self.a.terms.postings(*pair)
            self._counts[pair] = len(ids)
            if not len(ids):
                self._holders[pair] = {}
                continue
            at = np.minimum(np.searchsorted(ids, candidates), len(ids) - 1)
            held = ids[at] == candidates
            docs = candidates[held]
            ranks = self.a.spans.ranks_in_segments(ids, at[held], docs)
            self._holders[pair] = dict(zip(docs.tolist(), ranks.tolist()))

    def _held_by(self, docnum: int, fieldname: str, text: str) -> int:
        """In how many documents a term is, if ``docnum`` is one of them; else 0."""
        holders = self._holders.get((fieldname, text))
        if holders is not None and docnum in self._ranked:
            return self._counts[fieldname, text] if docnum in holders else 0
        ids, _ = self.a.terms.postings(fieldname, text)
        i = int(np.searchsorted(ids, docnum))
        return len(ids) if i < len(ids) and int(ids[i]) == docnum else 0


def _deeper(deep: int, depth: int, candidates: int, folded_away: int) -> int:
    """How deep to order the candidates when ``deep`` left fewer than ``depth`` groups: as deep
    as the share of copies among them asks, twice over, and at least four times as deep; never
    deeper than ``depth + folded_away``, which always leaves ``depth`` groups. (Ordering every
    copy at once, as deep as that bound, cost most of a query where most results have copies.)"""
    groups = max(candidates - folded_away, 1)
    return min(depth + folded_away, max(4 * deep, 2 * depth * candidates // groups))


def _folded(ordered: np.ndarray, copies: np.ndarray, duplicates: np.ndarray, score: np.ndarray,
            offset: int, depth: int) -> tuple[np.ndarray, list[list[int]]]:
    """Results ``offset`` to ``depth`` of ``ordered`` with each group of near-duplicates
    (``duplicates``: every document's group) shown once, where its first stands; and for
    each, the others of its group among the candidates (``copies``: those with a
    near-duplicate in the index), best scored first."""
    _, first = np.unique(duplicates[ordered], return_index=True)
    docs = ordered[np.sort(first)][offset:depth]
    groups = duplicates[copies]
    similar = []
    for doc in docs.tolist():
        members = copies[(groups == duplicates[doc]) & (copies != doc)]
        similar.append(members[np.argsort(-score[members], kind="stable")].tolist())
    return docs, similar


def _family(fieldname: str) -> tuple[str, str]:
    """The fields whose matches of one term score together: a language's title and body,
    the folded twins apart, the exact forms apart."""
    field = text_field(fieldname)
    if field is None:
        return "", ""
    return field.lang, "f" if field.folded else "exact" if field.part == "exact" else ""


def _sum_by_document(ids: np.ndarray, weights: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct document numbers of ``ids`` (ascending) and the sum of their ``weights``.

    Each document's weights are added in the order given, whichever way is taken.
    """
    if len(ids) * 16 > size:  # common terms: a pass over every document beats sorting
        present = np.zeros(size, dtype=bool)
        present[ids] = True
        distinct = np.flatnonzero(present)  # a boolean array: much quicker than counts
        return distinct, np.bincount(ids, weights=weights, minlength=size)[distinct]
    # A few sorted runs (one per field): a stable sort merges them, equal numbers in order.
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    first = np.empty(len(ids), dtype=bool)
    first[:1] = True
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return ids[starts], np.add.reduceat(weights[order], starts)
