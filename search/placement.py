"""Where a query's words stand in a document, as a share of its score: how the first results
are reordered, on either backend (:mod:`search.ranking`, :mod:`search.cluster`).

A document whose query words stand together (in windows of a clause and of a sentence)
gains up to ``proximity`` times its score: Vietnamese words are matched syllable by
syllable, and syllables found apart rarely make the word asked for. Consecutive words found
side by side, in the query's order, gain up to ``adjacent`` times more (Vietnamese; most
when typed without marks, where the segmenter finds no words). One whose lead holds the
words gains up to ``lead`` times: it is about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Container

from analyzers.registry import OTHER

from index.schema import is_part
from search.builder import Plan
from search.weights import Weights

#: Two words are side by side when at most this many characters part them (a space, a hyphen).
SIDE_BY_SIDE_GAP = 2


@dataclass
class Placement:
    """How one language's documents are reordered by where the query's words stand."""

    pairs: list[tuple[str, str]]  # the body terms of the query's words
    unit_of: dict[str, int]       # each term's word, numbered in the query's order
    words: int
    proximity: float
    lead: float
    adjacent: float
    #: How many pairs of consecutive words may stand side by side (not counting pairs of
    #: syllables of one word, which the whole word's own term already rewards), and the
    #: words (numbers) that go on the one before.
    pairs_of_words: int
    joined: set[int]


def placements(plan: Plan, w: Weights, unmarked_in: set[str],
               query_lang: str | None = None) -> dict[str, Placement]:
    """Per analysis language: the body terms of the query's words and how to weigh where they
    stand (``unmarked_in``: the languages the query was typed in without marks)."""
    out = {}
    for alang, units in plan.units.items():
        unmarked = alang in unmarked_in
        weight = w.unmarked_proximity if unmarked else w.proximity.get(alang, 0.0)
        lead = w.lead.get(alang, 0.0)
        adjacent = w.unmarked_adjacent if unmarked else w.adjacent.get(alang, 0.0)
        if query_lang not in (None, OTHER, alang):
            adjacent = 0.0  # an English name side by side in Vietnamese text is no phrase asked for
        if not (weight or lead or adjacent):
            continue
        unit_of: dict[str, int] = {}
        pairs: list[tuple[str, str]] = []
        joined: set[int] = set()
        for i, unit in enumerate(u for u in units if any(is_part(a.field, "body") for a in u.alts)):
            if unit.joined and i:
                joined.add(i)
            # The word as typed: its marked forms when it has them, else its folded ones.
            body = [(f, t) for f, t, _ in unit.alts if is_part(f, "body")]
            first = body[0][0]
            for fieldname, text in body:
                if fieldname == first and text not in unit_of:
                    unit_of[text] = i
                    pairs.append((fieldname, text))
        words = len(set(unit_of.values()))
        if words > 1:
            out[alang] = Placement(pairs, unit_of, words, weight, lead, adjacent,
                                   words - 1 - len(joined), joined)
    return out


def share(p: Placement, found: list[tuple[int, int, str]], w: Weights) -> float:
    """The share of its score a document gains from where its words stand; ``found``: where
    each of ``p.pairs`` stands in its text, ``(start, end, term)``."""
    spans = [(start, end, p.unit_of[text]) for start, end, text in found]
    occurrences = sorted((start, word) for start, _, word in spans)
    windows = w.proximity_windows
    covered = sum(_window_coverage(occurrences, width) for width in windows) / len(windows)
    in_lead = len({word for start, word in occurrences if start < w.lead_chars})
    gained = (p.proximity * covered + p.lead * in_lead) / p.words
    if p.adjacent and p.pairs_of_words > 0:
        gained += p.adjacent * _side_by_side(spans, p.joined) / p.pairs_of_words
    return gained


def _side_by_side(spans: list[tuple[int, int, int]], joined: Container[int] = frozenset()) -> int:
    """How many of the query's words (``(start, end, word)``, words numbered in the query's
    order) are followed somewhere by the next word, at most :data:`SIDE_BY_SIDE_GAP` apart;
    ``joined``: words that go on the one before, whose pair does not count."""
    starts = {(start, word) for start, _, word in spans}
    return len({word for _, end, word in spans if word + 1 not in joined
                and any((end + gap, word + 1) in starts for gap in range(1, SIDE_BY_SIDE_GAP + 1))})


def _window_coverage(occurrences: list[tuple[int, int]], width: int) -> int:
    """The most distinct words in any ``width`` characters: ``occurrences`` are sorted (start, word)."""
    best, first = 0, 0
    inside: dict[int, int] = {}
    for start, word in occurrences:
        inside[word] = inside.get(word, 0) + 1
        while occurrences[first][0] < start - width:
            gone = occurrences[first][1]
            inside[gone] -= 1
            if not inside[gone]:
                del inside[gone]
            first += 1
        best = max(best, len(inside))
    return best
