"""A :class:`search.builder.Plan` -> an OpenSearch query: the cluster backend's reading of it.

The plan is the same as the embedded index's (the same analysis of the query, the same
units, alternatives and weights); what changes is who scores it:

- each alternative is a ``term`` query on its field, scored by the field's BM25 (the
  language's own k1 and b, and with per-field statistics, so N and the average length are
  those of the language's documents, as on the embedded index), times the alternative's
  boost; a title and a body match are added up rather than blended into one BM25F term;
- a unit's candidate lemmas score as their best (``dis_max``) rather than as one term;
- documents holding every word of a short query rank first (a constant far above any
  score), and documents in the query's language are weighed up (``function_score``);
- phrases are ``span_near`` queries over the positions our analyzers gave;
- the language filter is a ``post_filter``, so the language facet counts the others.
"""

from __future__ import annotations

from typing import Any

from index.cluster import combined_field, wire_term
from index.schema import text_field
from search.builder import Alt, Plan, Unit
from search.weights import Weights

#: Added to the score of a document holding every word of a short query.
ALL_WORDS = 1e6
#: Sources the source facet lists.
TOP_SOURCES = 10


def term(alt: Alt) -> dict[str, Any]:
    return {"term": {alt.field: {"value": wire_term(alt.text), "boost": alt.boost}}}


def blended(alts: list[Alt]) -> list[Alt]:
    """A word's alternatives as the cluster scores them: a term in a title field and in its
    body field becomes one term of their combined field (:func:`index.cluster.combined_field`),
    weighed as the body's; a title-only or exact alternative stays as it is."""
    bodies = {(f.lang, f.folded, a.text) for a in alts
              if (f := text_field(a.field)) is not None and f.part == "body"}
    out = []
    for alt in alts:
        field = text_field(alt.field)
        if field is None or field.part == "exact" or (field.lang, field.folded, alt.text) not in bodies:
            out.append(alt)
        elif field.part == "body":
            out.append(Alt(combined_field(field.lang, field.folded), alt.text, alt.boost))
    return out


def either(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def phrase(readings: list[list[list[tuple[str, str]]]]) -> dict[str, Any] | None:
    """Any of the phrase's readings, each word right after the one before, in one field."""
    spans = []
    for words in readings:
        first = dict.fromkeys(f for f, _ in words[0])
        for field in first:
            clauses = [{"span_or": {"clauses": [{"span_term": {f: wire_term(t)}}
                                                for f, t in word if f == field]}} for word in words]
            if all(c["span_or"]["clauses"] for c in clauses):
                spans.append(clauses[0] if len(clauses) == 1 else
                             {"span_near": {"clauses": clauses, "slop": 0, "in_order": True}})
    return either(spans) if spans else None


def unit_query(unit: Unit, lang: str) -> dict[str, Any] | None:
    """Where one query word matches, scored: its alternatives, its bare forms (in documents
    typed without marks), and for a phrase, only where the phrase holds."""
    scored = blended([a for a in unit.alts if a.boost > 0])
    if not scored:
        return None
    main = {"dis_max": {"queries": [term(a) for a in scored]}} if unit.synonyms else either(
        [term(a) for a in scored])
    clauses = [main]
    if unit.bare:
        clauses.append({"bool": {"filter": [{"term": {"unmarked": lang}}],
                                 "must": [either([term(a) for a in blended(unit.bare)])]}})
    query = either(clauses)
    if unit.phrase is not None:
        held = phrase(unit.phrase)
        if held is None:
            return None
        query = {"bool": {"must": [query], "filter": [held]}}
    return query


def words_query(plan: Plan, w: Weights) -> dict[str, Any] | None:
    """Every document holding a word of the query, scored; those holding all of a short
    query's words first."""
    matching, extra = [], []
    for lang, units in plan.units.items():
        queries = [q for q in (unit_query(u, lang) for u in units) if q is not None]
        matching += queries
        extra += [term(a) for a in blended([a for a in plan.bonus.get(lang, []) if a.boost > 0])]
        if w.all_words_first and queries and len(queries) == len(units) <= w.strict_words:
            extra.append({"constant_score": {"filter": {"bool": {"filter": queries}}, "boost": ALL_WORDS}})
    if not matching:
        return None
    return {"bool": {"must": [either(matching)], "should": extra}}


def filters(plan: Plan, date_from: Any, date_to: Any) -> list[dict[str, Any]]:
    """The query's filters: dates and source (the language filter is applied after the facets)."""
    out: list[dict[str, Any]] = []
    if date_from or date_to:
        span = {k: v.strftime("%Y-%m-%d") for k, v in (("gte", date_from), ("lte", date_to)) if v}
        out.append({"range": {"day": span}})
    if plan.source is not None:
        out.append({"term": {"site": plan.source}})
    return out


def negatives(plan: Plan) -> list[dict[str, Any]]:
    out = []
    for units in plan.negatives:
        lang = next((a.field.partition("_")[2] for u in units for a in u.alts), "")
        queries = [q for q in (unit_query(u, lang) for u in units) if q is not None]
        if queries and len(queries) == len(units):
            out.append({"bool": {"filter": queries}})
    return out


def sort_clause(sort: str) -> list[Any]:
    if sort == "relevance":
        return [{"_score": "desc"}, {"id": "asc"}]
    order = "desc" if sort == "newest" else "asc"
    return [{"day": {"order": order, "missing": "_last"}}, {"_score": "desc"}, {"id": "asc"}]


def facets(lang: str | None) -> dict[str, Any]:
    """Languages over every match; months and sources within the language filter."""
    within = {"term": {"lang": lang}} if lang else {"match_all": {}}
    return {
        "languages": {"terms": {"field": "lang", "size": 200}},
        "within": {"filter": within, "aggs": {
            "months": {"date_histogram": {"field": "day", "calendar_interval": "month",
                                          "format": "yyyy-MM", "min_doc_count": 1}},
            "sources": {"terms": {"field": "site", "size": TOP_SOURCES}},
        }},
    }


def request(plan: Plan, w: Weights, *, lang: str | None, query_lang: str | None, sort: str,
            offset: int, limit: int, date_from: Any = None, date_to: Any = None) -> dict[str, Any] | None:
    """The whole search request of one page; None when nothing can match."""
    words = None if plan.browse else words_query(plan, w)
    if words is None and not plan.browse:
        return None
    query: dict[str, Any] = {"bool": {"must": [words or {"match_all": {}}],
                                      "filter": filters(plan, date_from, date_to),
                                      "must_not": negatives(plan)}}
    if query_lang and w.query_language != 1.0 and words is not None:
        query = {"function_score": {"query": query, "boost_mode": "multiply", "functions": [
            {"filter": {"term": {"alang": query_lang}}, "weight": w.query_language}]}}
    body: dict[str, Any] = {"query": query, "from": offset, "size": limit, "sort": sort_clause(sort),
                            "track_total_hits": True, "aggs": facets(lang)}
    if lang:
        body["post_filter"] = {"term": {"lang": lang}}
    return body
