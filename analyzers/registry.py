"""The table of languages: which analyzer each one gets.

A language code that is not in the table is analysed as :data:`OTHER`
(lower-cased Unicode words), so nothing is ever dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable

from whoosh.analysis import Analyzer

from analyzers import cjk, en, ru, vi
from analyzers.normalize import normalize_text

#: The analysis used for languages without one of their own.
OTHER = "xx"

_FACTORIES: dict[str, Callable[[], Analyzer]] = {
    "vi": vi.vietnamese,
    "ru": ru.russian,
    "uk": ru.ukrainian,
    "en": en.english,
    **{code: partial(en.snowball, code) for code in en.SNOWBALL},
    "zh": cjk.bigrams,
    "ja": cjk.bigrams,
    "ko": cjk.bigrams,
    "th": cjk.bigrams,
    "lo": cjk.bigrams,
    "km": cjk.bigrams,
    "my": cjk.bigrams,
    OTHER: en.words,
}

_FOLDED_FACTORIES: dict[str, Callable[[], Analyzer]] = {
    "vi": vi.vietnamese_folded,
}

_EXACT_FACTORIES: dict[str, Callable[[], Analyzer]] = {
    "ru": ru.exact,
    "uk": ru.exact,
}

#: Every language with an analyzer of its own, and :data:`OTHER`.
LANGUAGES: tuple[str, ...] = tuple(_FACTORIES)
#: Languages that also get a field without diacritics, for queries typed without marks.
FOLDED_LANGUAGES: tuple[str, ...] = tuple(_FOLDED_FACTORIES)
#: Languages whose analyzer reduces words to lemmas, and so keep exact forms apart too.
EXACT_LANGUAGES: tuple[str, ...] = tuple(_EXACT_FACTORIES)

_ALIASES = {"iw": "he", "in": "id", "nb": "no", "nn": "no", "zh-hans": "zh", "zh-hant": "zh"}


def canonical_language(code: str | None) -> str | None:
    """``"pt-BR"`` -> ``"pt"``; ``None`` and ``""`` stay ``None``."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    code = _ALIASES.get(code, code)
    return _ALIASES.get(code.split("-")[0], code.split("-")[0]) or None


def analysis_language(code: str) -> str:
    """The table entry a language is analysed with (``sw`` -> ``xx``)."""
    return code if code in _FACTORIES else OTHER


def analyzer_for(lang: str) -> Analyzer:
    """A new analyzer for ``lang`` (any code; unknown ones get :data:`OTHER`)."""
    return _FACTORIES[analysis_language(lang)]()


def folded_analyzer_for(lang: str) -> Analyzer | None:
    """The diacritic-free analyzer for ``lang``, or ``None`` if it has none."""
    factory = _FOLDED_FACTORIES.get(lang)
    return factory() if factory else None


def exact_analyzer_for(lang: str) -> Analyzer | None:
    """The exact-forms analyzer for ``lang``, or ``None`` if it has none."""
    factory = _EXACT_FACTORIES.get(lang)
    return factory() if factory else None


@dataclass(frozen=True)
class AnalyzedToken:
    """One token: what is indexed, where it came from in the text, its position."""

    text: str
    start: int
    end: int
    pos: int
    source: str


def analyze(text: str, lang: str, *, folded: bool = False, exact: bool = False,
            mode: str = "index") -> list[AnalyzedToken]:
    """Run ``lang``'s analyzer over ``text`` (normalised to NFC first).

    ``folded`` and ``exact`` pick the diacritic-free or the exact-forms analyzer.
    ``source`` of each token is the slice of the normalised text it points at.
    """
    text = normalize_text(text)
    if exact:
        analyzer = exact_analyzer_for(lang)
    else:
        analyzer = folded_analyzer_for(lang) if folded else analyzer_for(lang)
    if analyzer is None:
        return []
    return [
        AnalyzedToken(t.text, t.startchar, t.endchar, t.pos, text[t.startchar:t.endchar])
        for t in analyzer(text, positions=True, chars=True, mode=mode)
    ]
