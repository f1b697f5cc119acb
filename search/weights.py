"""The constants of ranking, one line each on what they do.

Each was chosen with ``bench/relevance.py``; what each measured is in ``bench/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The orders results come in: by relevance, or by date, newest or oldest first.
SORTS = ("relevance", "newest", "oldest")


@dataclass
class Weights:
    """The knobs of ranking. Pass your own to :class:`search.Engine` to experiment."""

    #: A title match, against a body match of 1.
    title: float = 2.0
    #: A match without marks when the query had them, in a document typed without marks.
    folded: float = 0.3
    #: A bare syllable among marked ones, written bare in fewer documents than this share, is
    #: read as a word whose marks were left out (``nhan``), and matches in every document.
    bare_share: float = 0.1
    #: A whole Vietnamese word of several syllables, on top of its syllables.
    compound: float = 0.4
    #: Each syllable of a longer Vietnamese word, against 1 for a word of one syllable.
    syllable_in_word: float = 0.4
    #: Typed without marks: two neighbouring syllables that form an indexed word.
    pair: float = 0.5
    #: Typed without marks: a syllable whose commonest spelling is a function word (``la``:
    #: là) with at least this share of its documents is dropped.
    unmarked_function_share: float = 0.7
    #: Documents with every query word rank above those with some ...
    all_words_first: bool = True
    #: ... for queries of at most this many words (longer ones are questions).
    strict_words: int = 4
    #: A Vietnamese question's function words (là, của, gì) are dropped.
    drop_function_words: bool = True
    #: Score factor for documents in the query's detected language ...
    query_language: float = 3.0
    #: ... when the detection is at least this sure.
    query_language_sure: float = 0.7
    #: BM25's term-frequency saturation ...
    k1: float = 1.2
    #: ... per language where it differs.
    k1_languages: dict[str, float] = field(default_factory=lambda: {"ru": 1.6})
    #: BM25's length normalisation ...
    b: float = 0.75
    #: ... per language where it differs.
    b_languages: dict[str, float] = field(default_factory=lambda: {"vi": 0.9})
    #: Per language: the share a score grows by when the query's words stand together within
    #: each of ``proximity_windows`` characters.
    proximity: dict[str, float] = field(default_factory=lambda: {"vi": 1.0})
    proximity_windows: tuple[int, ...] = (60, 120)
    #: Per language: the share a score grows by when the query's words are in the first
    #: ``lead_chars`` characters (a news article's lead).
    lead: dict[str, float] = field(default_factory=lambda: {"vi": 0.4, "ru": 0.5})
    lead_chars: int = 600
    #: Per language: the share a score grows by when consecutive query words stand side by
    #: side in the query's order (shared among the pairs; not for a query surely in another
    #: language).
    adjacent: dict[str, float] = field(default_factory=lambda: {"vi": 1.0})
    #: How many of the first results are reordered by where their words stand.
    placement_depth: int = 15
    #: Vietnamese typed without marks: the proximity weight, ...
    unmarked_proximity: float = 2.0
    #: ... the side-by-side weight, ...
    unmarked_adjacent: float = 2.0
    #: ... and how many of the first results are reordered.
    unmarked_depth: int = 20
    #: Across languages: the results by words and by meaning are fused by reciprocal rank,
    #: ``1 / (fusion_k + rank)`` from each list, over the first ``fusion_depth`` of each ...
    fusion_k: float = 10.0
    fusion_depth: int = 100
    #: ... the list by meaning weighing this much against 1 for the list by words.
    meaning: float = 3.0
    #: Across languages, the query's vector moves towards the mean vector of the first
    #: ``feedback_docs`` documents found by its words in any language (its own, mostly) ...
    feedback_docs: int = 1
    #: ... by this much against 1 for the query's own vector: a document says a story more
    #: fully than a few typed words, and finds its telling in another language better.
    feedback: float = 1.0
    #: ... but when the first of them holds this share of the query's words (or more), its
    #: vector stands for the query's, which is not made: the model's time saved, and the
    #: story found as well (above 1: the query's vector is always made).
    leading_share: float = 0.5
    #: ... and away from the mean vector of its language by this share of it (each
    #: document's score, likewise, from its own language's mean): what is left is what the
    #: text says more than which language says it.
    centring: float = 1.0
