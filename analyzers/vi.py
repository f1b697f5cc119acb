"""Vietnamese: underthesea word segmentation, words and syllables both indexed.

A Vietnamese word is one or more syllables written apart (``an ninh``, ``hạt
nhân``). Each syllable is indexed at its own position, so phrases work on
syllables and a query still matches when it was segmented differently from the
document; each word of two or more syllables is also indexed, joined with
``_`` (``hạt_nhân``), at the position of its first syllable. Tone marks are put
in one canonical place (``hoà`` = ``hòa``). The folded analyzer indexes the
same tokens without diacritics, for queries typed without marks.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator

import regex
from whoosh.analysis import Analyzer

from analyzers.base import FoldFilter, SpanTokenizer
from analyzers.language import Language
from analyzers.normalize import (has_diacritics, is_syllable, vietnamese_spellings, vietnamese_surface,
                                 vietnamese_tone_placement)

if TYPE_CHECKING:
    from analyzers.crf import WindowTagger

#: What the segmenter sees: words, and punctuation as its own tokens (context for the model).
_SEGMENT_UNIT = regex.compile(r"([\p{L}\p{N}\p{M}]+)|[^\s\p{L}\p{N}\p{M}]")
#: Longest run of units given to the model at once; sentences are cut at their end mark.
_MAX_UNITS = 200
_SENTENCE_END = frozenset(".!?;")
_LATIN = regex.compile(r"\p{Latin}")

JOINER = "_"

#: Function words and question words of Vietnamese: a typed question is full of them
#: (``đam mê của Sa là gì?``) and they say nothing about its answer. Queries with
#: marks leave them out (not phrases); documents keep them, so phrases still match.
#: Without marks they are ambiguous (``la`` may be ``lá``, a leaf): such a syllable is left
#: out only where the collection mostly spells it as one of these.
FUNCTION_WORDS = frozenset("""
gì nào ai đâu sao bao nhiêu không thế như là của được có những các thì mà và với cho để ở vì
đã đang sẽ bị này đó
""".split())


#: Where underthesea keeps its word segmentation model, inside its package folder.
_MODEL = ("pipeline", "word_tokenize", "models", "ws_crf_vlsp2013_20230727")


def model_folder() -> str:
    """Where the installed underthesea keeps its word segmentation model."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("underthesea is not installed: pip install underthesea")
    return os.path.join(list(spec.submodule_search_locations)[0], *_MODEL)


@lru_cache(maxsize=None)
def _tagger() -> WindowTagger:
    """The CRF word segmentation model that ships inside underthesea, loaded once.

    Its files are read from the installed package's folder, without importing the
    ``underthesea`` package (its imports take longer than the model, and a query waits),
    and tagged by ``analyzers.crf``: the same features and weights, summed once per window
    of tokens rather than spelled out as some forty strings a token.
    """
    from analyzers.crf import WindowTagger, read_crfsuite

    base = model_folder()
    return WindowTagger(read_crfsuite(os.path.join(base, "models.bin")),
                        _load_pickled(os.path.join(base, "features.bin")),
                        _load_pickled(os.path.join(base, "dictionary.bin")))


def _load_pickled(path: str) -> Any:
    """A file joblib wrote: a plain pickle when it holds no arrays, else joblib reads it."""
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (pickle.UnpicklingError, EOFError, ValueError):
        import joblib

        return joblib.load(path)


#: A unit: its text, where it starts and ends, and whether it is a word (not punctuation).
_Unit = tuple[str, int, int, bool]


def _sentences(text: str) -> list[list[_Unit]]:
    """Units of ``text`` grouped in sentences: cut at end marks, line breaks and a length cap."""
    out: list[list[_Unit]] = []
    current: list[_Unit] = []
    line_end = text.find("\n")
    for m in _SEGMENT_UNIT.finditer(text):
        start, end = m.span()
        if 0 <= line_end < start:  # a line break since the last unit
            line_end = text.find("\n", start)
            if current:
                out.append(current)
                current = []
        elif len(current) >= _MAX_UNITS:
            out.append(current)
            current = []
        unit = m.group()
        current.append((unit, start, end, m.lastindex == 1))
        if unit in _SENTENCE_END:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


@lru_cache(maxsize=16)
def segment(text: str, join: bool = True) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Words of ``text`` as tuples of syllable spans ``(start, end)``; with ``join`` false,
    each syllable a word of its own.

    Cached for the last few texts: the marked and the folded fields of one
    document share one segmentation. A sentence of one word, or without a Latin letter
    (a Russian or Chinese query searched in the Vietnamese fields too), has nothing for
    the model to join: each of its words stands alone, and the model is not loaded for it.
    """
    sentences = _sentences(text)
    # A sentence of one unit is one word: nothing for the model to join (a word looked up alone).
    is_latin = [join and len(s) > 1 and _LATIN.search(text, s[0][1], s[-1][2]) is not None for s in sentences]
    tagged: Iterator[list[str]] = iter(())
    if any(is_latin):
        # The model sees one tone placement whatever the text used, so both spellings segment alike.
        tagged = iter(_tagger().tag([[vietnamese_surface(u[0]) for u in s]
                                     for s, latin in zip(sentences, is_latin) if latin]))
    words: list[list[tuple[int, int]]] = []
    for sentence, latin in zip(sentences, is_latin):
        tags = next(tagged) if latin else ["B-W"] * len(sentence)
        previous_word = False
        for (_, start, end, is_word), tag in zip(sentence, tags):
            if not is_word:
                previous_word = False
            elif tag == "I-W" and previous_word:
                words[-1].append((start, end))
            else:
                words.append([(start, end)])
                previous_word = True
    return tuple(tuple(w) for w in words)


def _syllable_text(text: str) -> str:
    return vietnamese_tone_placement(text.lower())


class VietnameseTokenizer(SpanTokenizer):
    """Syllables at their positions, plus each multi-syllable word at its first position."""

    def __init__(self, words: bool = True) -> None:
        self.words = words

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VietnameseTokenizer) and other.words == self.words

    def spans(self, value: str, mode: str = "") -> Iterator[tuple[str, int, int, int]]:
        # A query typed without marks is matched syllable by syllable, its words guessed from
        # the index rather than the model: it is not segmented, and waits for no model.
        pos = 0
        for word in segment(value, mode != "query" or has_diacritics(value)):
            syllables = [_syllable_text(value[s:e]) for s, e in word]
            if self.words and len(word) > 1:
                yield JOINER.join(syllables), word[0][0], word[-1][1], pos
            for (s, e), syl in zip(word, syllables):
                yield syl, s, e, pos
                pos += 1


def vietnamese() -> Analyzer:
    return VietnameseTokenizer()


def vietnamese_folded() -> Analyzer:
    return VietnameseTokenizer() | FoldFilter()


#: Telex, the common way to type Vietnamese on a Latin keyboard: doubled letters and ``w``
#: make the marked vowels and ``đ``, a letter after the vowel the tone.
_TELEX_LETTERS = (("dd", "đ"), ("uwow", "ươ"), ("uow", "ươ"), ("aa", "â"), ("aw", "ă"), ("ee", "ê"),
                  ("oo", "ô"), ("ow", "ơ"), ("uw", "ư"), ("w", "ư"))
_TELEX_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_TELEX_VOWEL = regex.compile(r"[aeiouyâăêôơư]")


def from_telex(word: str) -> str | None:
    """A word typed in Telex as Vietnamese writes it (``nhaan`` -> ``nhân``, ``hajt`` ->
    ``hạt``); None when it has no Telex keys, or does not make a syllable."""
    lower = word.lower()
    if not lower.isascii() or not lower.isalpha():
        return None
    out = lower
    for keys, letter in _TELEX_LETTERS:
        out = out.replace(keys, letter)
    first_vowel = _TELEX_VOWEL.search(out)
    tone = None
    if first_vowel:
        # Vietnamese syllables end in c, ch, m, n, ng, nh, p or t: s, f, r, x, j after the
        # vowel are tone keys.
        after = out[first_vowel.start():]
        tone_keys = [ch for ch in after if ch in _TELEX_TONES]
        if len(tone_keys) == 1:
            tone = _TELEX_TONES[tone_keys[0]]
            out = out[:first_vowel.start()] + after.replace(tone_keys[0], "")
    if out == lower or not first_vowel or not is_syllable(out):
        return None
    if tone:
        at = list(_TELEX_VOWEL.finditer(out))[-1].end()
        out = vietnamese_tone_placement(unicodedata.normalize("NFC", out[:at] + tone + out[at:]))
    return out


LANGUAGES = (Language("vi", vietnamese, folded=vietnamese_folded, function_words=FUNCTION_WORDS,
                      spellings=vietnamese_spellings, joiner=JOINER, retyped=from_telex),)
