"""English, and every language with a Snowball stemmer: words, lower case, stems."""

from __future__ import annotations

from functools import partial

from whoosh.analysis import STOP_WORDS, Analyzer

from analyzers.base import LowercaseFilter, SnowballFilter, StopFilter, WordTokenizer
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


#: English, and every language with a Snowball stemmer.
LANGUAGES = (Language("en", english), *(Language(code, partial(snowball, code)) for code in SNOWBALL))
