"""Character-level normalisation shared by the analyzers.

Every function here keeps the length of a token in NFC, so offsets computed on
the normalised document text stay valid for the token texts derived from it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Combining marks that carry a Vietnamese tone (huyền, sắc, ngã, hỏi, nặng).
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
#: Letters that carry a vowel-quality mark in Vietnamese; a tone goes on them first.
_MARKED_VOWELS = set("ăâêôơư")
_VOWELS = set("aăâeêioôơuưy")


def normalize_text(text: str) -> str:
    """Return ``text`` in NFC, the form all offsets refer to."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=200_000)
def fold_diacritics(word: str) -> str:
    """Remove every diacritic, and map ``đ`` to ``d``: ``hạt nhân`` -> ``hat nhan``.

    One NFC character stays one character, so the length is kept.
    """
    out = []
    for ch in word:
        if ch in "đĐ":
            out.append("d" if ch == "đ" else "D")
            continue
        base = unicodedata.normalize("NFD", ch)
        stripped = "".join(c for c in base if not unicodedata.combining(c))
        out.append(stripped if len(stripped) == 1 else ch)
    return "".join(out)


def has_diacritics(text: str) -> bool:
    """True when ``text`` holds a letter with a diacritic (or ``đ``)."""
    return fold_diacritics(text) != text


_LETTER_RUN = re.compile(r"[^\W\d_]+")


def written_without_marks(text: str, sample: int = 3000) -> bool:
    """Whether a text in a language with marks was typed without them: fewer than one word
    in ten of its first ``sample`` characters has a letter outside ASCII.

    Edited Vietnamese has marks on most words (``Hà Nội``, ``không``); the odd bare word
    (a typo, a web address, a quoted message) leaves it far above the line.
    """
    words = _LETTER_RUN.findall(text[:sample])
    return bool(words) and sum(1 for w in words if not w.isascii()) * 10 < len(words)


@lru_cache(maxsize=200_000)
def vietnamese_tone_placement(syllable: str) -> str:
    """Put the tone mark of a lower-case Vietnamese syllable in one canonical place.

    ``hoà`` and ``hòa``, ``thuý`` and ``thúy`` are the same word written in two
    conventions; both become the placement most news text uses, the one the
    segmentation model learnt (``hòa``, ``thúy``). Words that are not Vietnamese
    syllables come back unchanged.
    """
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return syllable
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    if len(bare) != len(syllable):
        return syllable
    target = _tone_index(bare)
    if target is None:
        return syllable
    placed = bare[:target] + unicodedata.normalize("NFC", bare[target] + tones[0]) + bare[target + 1:]
    return placed if len(placed) == len(syllable) else syllable


def is_syllable(word: str) -> bool:
    """Whether a lower-case word can be one Vietnamese syllable: its vowels stand together
    (``trường``, ``nhân``; not ``security``)."""
    decomposed = unicodedata.normalize("NFD", word)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return bool(bare) and bare.isalpha() and _tone_index(bare) is not None


def _tone_index(bare: str) -> int | None:
    """Index of the letter that carries the tone in a toneless syllable."""
    positions = [i for i, ch in enumerate(bare) if ch in _VOWELS]
    if not positions:
        return None
    # "qu" and "gi" before another vowel: the u / i belongs to the onset.
    if len(positions) > 1 and positions[0] == 1 and bare[:2] in ("qu", "gi"):
        positions = positions[1:]
    start, end = positions[0], positions[-1]
    if positions != list(range(start, end + 1)):
        return None  # vowels not contiguous: not a Vietnamese syllable
    marked = [i for i in positions if bare[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if len(positions) == 1:
        return positions[0]
    closed = end + 1 < len(bare)
    if closed:
        return end
    if len(positions) == 2:
        return start  # hòa, thúy, khỏe, mái, múa
    return positions[1]  # ngoài, khuỷu


@lru_cache(maxsize=200_000)
def vietnamese_surface(word: str) -> str:
    """:func:`vietnamese_tone_placement` keeping the word's letter case (``Hoà`` -> ``Hòa``)."""
    lower = word.lower()
    if len(lower) != len(word):
        return word
    placed = vietnamese_tone_placement(lower)
    if placed == lower:
        return word
    return "".join(n.upper() if o.isupper() else n for o, n in zip(word, placed))


#: Letters a Vietnamese writer may have typed without their quality mark.
_MARKABLE = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "d": "dđ"}
#: The five tone marks, combining.
_TONE_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
#: Text with more possible spellings than this is no syllable; it is left as it is.
_MAX_SPELLINGS = 400


@lru_cache(maxsize=50_000)
def vietnamese_spellings(folded: str) -> tuple[str, ...]:
    """Every way a lower-case syllable typed without marks may be written with them.

    ``nhan`` -> ``nhan, nhàn, nhán, ..., nhân, nhận, ..., nhăn, ...``, each with
    its tone in the canonical place (:func:`vietnamese_tone_placement`). Most
    are not words; which are is for the index to say. Text that is not a
    syllable (no vowel, vowels apart, too many spellings) gives just itself.
    """
    if not folded or fold_diacritics(folded) != folded or not folded.isalpha():
        return (folded,)
    choices = [_MARKABLE.get(ch, ch) for ch in folded]
    count = 1
    for c in choices:
        count *= len(c)
    if count * 6 > _MAX_SPELLINGS:
        return (folded,)
    bares = [""]
    for c in choices:
        bares = [b + ch for b in bares for ch in c]
    out = []
    for bare in bares:
        target = _tone_index(bare)
        if target is None:
            if bare == folded:
                out.append(bare)
            continue
        out.append(bare)
        for tone in _TONE_MARKS:
            out.append(bare[:target] + unicodedata.normalize("NFC", bare[target] + tone)
                       + bare[target + 1:])
    return tuple(dict.fromkeys(out)) or (folded,)
