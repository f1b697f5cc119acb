"""English, and every language with a Snowball stemmer: words, lower case, stems."""

from __future__ import annotations

from functools import partial

from whoosh.analysis import STOP_WORDS, Analyzer

from analyzers import keyboard
from analyzers.base import LowercaseFilter, SnowballFilter, StopFilter, WordTokenizer
from analyzers.keyboard import on_layout
from analyzers.language import Language

#: ISO 639-1 code -> the Snowball algorithm PyStemmer knows it by.
SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "eo": "esperanto", "es": "spanish", "et": "estonian", "eu": "basque",
    "fa": "persian", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "nl": "dutch", "no": "norwegian", "pl": "polish",
    "pt": "portuguese", "ro": "romanian", "sr": "serbian", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}


def english() -> Analyzer:
    return WordTokenizer() | LowercaseFilter() | StopFilter(STOP_WORDS) | SnowballFilter("english")


def snowball(lang: str) -> Analyzer:
    return WordTokenizer() | LowercaseFilter() | SnowballFilter(SNOWBALL[lang])


def words() -> Analyzer:
    """Languages with no stemmer: lower-cased Unicode words, nothing dropped."""
    return WordTokenizer() | LowercaseFilter()


def from_russian_layout(word: str) -> str | None:
    """An English word typed with the Russian layout on (``ыусгкшен`` -> ``security``); None
    for a word that is not all Russian letters."""
    out = on_layout(word, keyboard.RUSSIAN, keyboard.LATIN)
    return out if out is not None and out.isalpha() else None


#: English, and every language with a Snowball stemmer.
LANGUAGES = (Language("en", english, retyped=from_russian_layout),
             *(Language(code, partial(snowball, code)) for code in SNOWBALL))
