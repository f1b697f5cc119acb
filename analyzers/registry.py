"""The table of languages: which analyzer each one gets.

A language code that is not in the table is analysed as :data:`OTHER`
(lower-cased Unicode words), so nothing is ever dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.analysis import Analyzer

from analyzers import cjk, en, ru, vi
from analyzers.language import OTHER, Language
from analyzers.normalize import normalize_text

#: Every language with an entry of its own, by code, and last :data:`OTHER`: all the others,
#: as lower-cased words.
_TABLE: dict[str, Language] = {lang.code: lang for lang in (
    *vi.LANGUAGES, *ru.LANGUAGES, *en.LANGUAGES, *cjk.LANGUAGES, Language(OTHER, en.words))}

#: Every language with an analyzer of its own, and :data:`OTHER`.
LANGUAGES: tuple[str, ...] = tuple(_TABLE)
#: Languages that also get a field without diacritics, for queries typed without marks.
FOLDED_LANGUAGES: tuple[str, ...] = tuple(c for c, lang in _TABLE.items() if lang.folded)
#: Languages whose analyzer reduces words to lemmas, and so keep exact forms apart too.
EXACT_LANGUAGES: tuple[str, ...] = tuple(c for c, lang in _TABLE.items() if lang.exact)

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
    return code if code in _TABLE else OTHER


def language(code: str) -> Language:
    """What the project knows of a language: its analyzers and query rules (any code;
    unknown ones get :data:`OTHER`'s)."""
    return _TABLE[analysis_language(code)]


def analyzer_for(lang: str) -> Analyzer:
    """A new analyzer for ``lang`` (any code; unknown ones get :data:`OTHER`)."""
    return language(lang).analyzer()


def folded_analyzer_for(lang: str) -> Analyzer | None:
    """The diacritic-free analyzer for ``lang``, or ``None`` if it has none."""
    factory = _TABLE[lang].folded if lang in _TABLE else None
    return factory() if factory else None


def exact_analyzer_for(lang: str) -> Analyzer | None:
    """The exact-forms analyzer for ``lang``, or ``None`` if it has none."""
    factory = _TABLE[lang].exact if lang in _TABLE else None
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
