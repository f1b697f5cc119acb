"""Russian and Ukrainian: pymorphy3 lemmas, ``ё`` folded to ``е``, stop words.

Each word is indexed as every lemma pymorphy3 proposes for it (``стали`` is a
form of both ``стать`` and ``сталь``). The exact forms go to a field of their
own, with counts but no positions or offsets (:func:`exact`), so that
``=стали`` finds only that spelling without doubling the postings of the
lemma field. Latin words inside a Russian text (names, quoted English) are
stemmed as English.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

from whoosh.analysis import Analyzer, Filter, Token

from analyzers import keyboard
from analyzers.base import LowercaseFilter, WordTokenizer, _stemmer
from analyzers.keyboard import on_layout
from analyzers.language import Language

RUSSIAN_STOP_WORDS = frozenset("""
а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для до
его ее ей ему если есть еще же за здесь и из или им их к как ко когда кто ли либо мне может мы на
над надо наш не него нее нет ни них но ну о об однако он она они оно от очень по под при с со так
также такой там те тем то того тоже той только том ты у уже хотя чего чей чем что чтобы чье чья эта
эти это этого этой этом этот я
""".split())

UKRAINIAN_STOP_WORDS = frozenset("""
а аби але б би був була були було бути в вам вас вже все всі від во для до є за і із й його її їх
й к коли лише ми на над не неї нема ні о об от по при про та так також там те ти то того тож у хоч
це цей ці цього що щоб я як який яка які
""".split())

#: Word forms whose lemmas a process remembers: the news' frequent forms, a fraction of
#: the distinct ones, answer most lookups (about 350 bytes an entry).
LEMMA_CACHE = 60_000

_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў")


@lru_cache(maxsize=None)
def _morph(lang: str):  # type: ignore[no-untyped-def]
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=None)
def _lemmatizer(lang: str):  # type: ignore[no-untyped-def]
    morph = _morph(lang)

    @lru_cache(maxsize=LEMMA_CACHE)
    def lemmas(word: str) -> tuple[str, ...]:
        seen: list[str] = []
        for parse in morph.parse(word):
            lemma = parse.normal_form.replace("ё", "е")
            if lemma not in seen:
                seen.append(lemma)
        return tuple(seen) or (word,)

    return lemmas


class CyrillicLemmaFilter(Filter):
    """Replace each Cyrillic word with its lemmas."""

    def __init__(self, lang: str = "ru", stoplist: Iterable[str] = ()) -> None:
        self.lang = lang
        self.stops = frozenset(stoplist)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CyrillicLemmaFilter) and other.lang == self.lang

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        lemmas = None  # the dictionaries load at the first Cyrillic word, not for a Latin query
        english = _stemmer("english").stemWord
        stops = self.stops
        for t in tokens:
            word = t.text.replace("ё", "е")
            if word in stops:
                continue
            if word[0] not in _CYRILLIC:
                t.text = english(word)
                yield t
                continue
            if lemmas is None:
                lemmas = _lemmatizer(self.lang)
            for lemma in lemmas(word):
                t.text = lemma
                yield t


class YoFilter(Filter):
    """``ё`` -> ``е``: Russian text writes either."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = t.text.replace("ё", "е")
            yield t


def russian() -> Analyzer:
    return WordTokenizer() | LowercaseFilter() | CyrillicLemmaFilter("ru", RUSSIAN_STOP_WORDS)


def ukrainian() -> Analyzer:
    return WordTokenizer() | LowercaseFilter() | CyrillicLemmaFilter("uk", UKRAINIAN_STOP_WORDS)


def exact() -> Analyzer:
    """Exact word forms (lower case, ``ё`` folded), for ``=word`` searches."""
    return WordTokenizer() | LowercaseFilter() | YoFilter()


def exact_form(word: str) -> str:
    """A word as the exact-forms field holds it: lower case, ``ё`` as ``е``."""
    return word.lower().replace("ё", "е")


def from_latin_layout(word: str) -> str | None:
    """A Russian word typed with the Latin layout on (``ctqcvbxtcrbt`` -> ``сейсмические``);
    None for a word that is not all such keys."""
    return on_layout(word, keyboard.LATIN, keyboard.RUSSIAN)


LANGUAGES = (Language("ru", russian, exact=exact, exact_form=exact_form, retyped=from_latin_layout),
             Language("uk", ukrainian, exact=exact, exact_form=exact_form))
