"""Did you mean: a query's mistyped words corrected from the index's own vocabulary.

A word no language of the index holds is corrected to the likeliest word one edit away
(a letter left out, added, changed, or two swapped) that a language does hold, the one
in most documents; or, first, to the word it makes when it was typed with another
keyboard layout or input method (the language's ``retyped`` rule: Russian typed on the
Latin layout, Vietnamese typed in Telex). In a Vietnamese query typed with marks, a
syllable that makes a word with neither neighbour, where another tone or mark on it
would, gets that mark (``hạt nhăn``, ``hat nhân`` -> ``hạt nhân``). The vocabulary is the
index's terms and their document frequencies, read when asked: it follows every update
and deletion.
"""

from __future__ import annotations

from typing import Callable, Container, Iterator, Mapping

import regex
from whoosh.fields import Schema

from analyzers import fold_diacritics, has_diacritics, language
from index.schema import body_field, exact_field
from search.builder import word_terms

#: A document frequency: ``(field, term) -> documents``.
Frequency = Callable[[str, str], int]
#: Looks ``(field, term)`` pairs up together (:meth:`index.postings.TermPostings.locate`).
Locate = Callable[[list[tuple[str, str]]], object]

_WORD = regex.compile(r"[\p{L}\p{M}]+")
#: A word with the punctuation keys other layouts put letters on; not a field's name or value.
_TOKEN = regex.compile(r"(?<![:\p{L}\p{M}\p{N}])[\p{L}\p{M}\[\];',.`]+(?![:\p{L}\p{M}\p{N}])")
_ALPHABETS = {"latin": "abcdefghijklmnopqrstuvwxyz", "cyrillic": "абвгдежзийклмнопрстуфхцчшщъыьэюяё"}
#: Words shorter than this are left as they are: too many words are one edit from them.
MIN_LENGTH = 4
#: A correction must be in at least this many documents.
MIN_DOCUMENTS = 2


class Speller:
    """Suggests a corrected query (see the module's text)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def suggest(self, text: str, documents: Mapping[str, int], frequency: Frequency,
                locate: Locate | None = None) -> str | None:
        """``text`` with its mistyped words corrected; None when none is (or none can be).
        ``documents``: how many documents each analysis language has; ``locate`` looks many
        terms up at once, so that their frequencies are then read quickly."""
        languages = [lang for lang, n in documents.items() if n > 0]
        tokens = list(_TOKEN.finditer(text))
        # Whole tokens first: on another layout, punctuation keys type letters (ж is ;).
        fixes = self._retyped_query(tokens, languages, frequency)
        words: list[tuple[int, int]] = []
        for token in tokens:
            if token.span() in fixes:
                continue
            for match in _WORD.finditer(token.group()):
                span = (token.start() + match.start(), token.start() + match.end())
                words.append(span)
                fixed = self._word(match.group(), languages, frequency, locate)
                if fixed is not None:
                    fixes[span] = fixed
        if has_diacritics(text):
            syllables = [fixes.get(span, text[span[0]:span[1]]).lower() for span in words]
            for lang in languages:
                marked = self._marks(lang, syllables, {i for i, span in enumerate(words) if span in fixes},
                                     frequency)
                fixes.update({words[i]: fixed for i, fixed in marked.items()})
        out = text
        for (start, end), fixed in sorted(fixes.items(), reverse=True):
            out = out[:start] + fixed + out[end:]
        return out if out != text else None

    def retyped(self, text: str, documents: Mapping[str, int], frequency: Frequency) -> bool:
        """Whether a word of ``text`` reads, under some language's ``retyped`` rule, as a word
        of the index (``nhaan`` in Telex, ``ctqcvbxtcrbt`` on the wrong layout): cheap, to
        look for corrections even where the typed query found results."""
        languages = [lang for lang, n in documents.items() if n > 0]
        return any(self._retyped(token.group(), languages, frequency) is not None
                   for token in _TOKEN.finditer(text))

    def _retyped(self, token: str, languages: list[str], frequency: Frequency) -> str | None:
        """The word ``token`` makes under a language's ``retyped`` rule, when the index holds
        it (and not ``token`` as typed)."""
        if len(token) < 2 or not any(ch.isalpha() for ch in token):
            return None
        for lang in languages:
            rule = language(lang).retyped
            fixed = rule(token) if rule else None
            if fixed and fixed != token.lower() and self._frequency(fixed, lang, frequency) >= MIN_DOCUMENTS \
                    and not self._token_known(token, languages, frequency):
                return fixed
        return None

    def _retyped_query(self, tokens: list[regex.Match[str]], languages: list[str],
                       frequency: Frequency) -> dict[tuple[int, int], str]:
        """Every token retyped by the first language's rule that reads at least half of the
        unknown tokens it converts as words of the index: a query is typed on one layout,
        so its words the index lacks are converted with the rest."""
        for lang in languages:
            rule = language(lang).retyped
            if rule is None:
                continue
            converted = {t.span(): fixed for t in tokens if any(ch.isalpha() for ch in t.group())
                         and (fixed := rule(t.group())) and fixed != t.group().lower()
                         and not self._token_known(t.group(), languages, frequency)}
            held = sum(1 for fixed in converted.values() if self._frequency(fixed, lang, frequency) > 0)
            if held and held * 2 >= len(converted):
                return converted
        return {}

    def _token_known(self, token: str, languages: list[str], frequency: Frequency) -> bool:
        """Whether every word of a token (punctuation apart) is one the index holds."""
        return all(self._known(word, languages, frequency) for word in _WORD.findall(token))

    # -- one word -----------------------------------------------------------------

    def _known(self, word: str, languages: list[str], frequency: Frequency) -> bool:
        """Whether some language of the index holds the word, as its analyzer reads it (a
        lemma, a stem), or drops it as a function word."""
        return any(self._frequency(word, lang, frequency, forms=False) != 0 for lang in languages)

    def _frequency(self, word: str, lang: str, frequency: Frequency, forms: bool = True) -> int:
        """In how many of ``lang``'s documents ``word`` is; -1 when its analyzer drops it (a
        function word). With ``forms``, a language that keeps exact word forms is asked for
        this very form: a correction is a word as it is written."""
        found = self._terms(word, lang, forms)
        if found is None:
            return 0
        fieldname, terms = found
        return max(frequency(fieldname, term) for term in terms) if terms else -1

    def _word(self, word: str, languages: list[str], frequency: Frequency,
              locate: Locate | None) -> str | None:
        """The correction of one word, or None when it is known or nothing near is."""
        if len(word) < MIN_LENGTH or self._known(word, languages, frequency):
            return None
        candidates = list(_edits(word.lower()))
        counts = [0] * len(candidates)
        for lang in languages:
            terms = [self._terms(candidate, lang) or ("", []) for candidate in candidates]
            if locate is not None:  # every candidate's terms looked up at once
                locate([(field, term) for field, ts in terms for term in ts])
            for i, (field, ts) in enumerate(terms):
                counts[i] = max([counts[i]] + [frequency(field, term) for term in ts])
        best = max(range(len(candidates)), key=counts.__getitem__, default=None)
        return candidates[best] if best is not None and counts[best] >= MIN_DOCUMENTS else None

    def _terms(self, word: str, lang: str, forms: bool = True) -> tuple[str, list[str]] | None:
        """The field and terms that hold ``word`` in ``lang``: as written, with ``forms``, in a
        language that keeps exact forms; else as its analyzer reads it (:func:`word_terms`)."""
        rules = language(lang)
        if forms and rules.exact is not None:
            return exact_field(lang), [rules.exact_form(word)]
        return word_terms(self.schema, word, lang, not has_diacritics(word))

    # -- Vietnamese marks in context ----------------------------------------------------

    def _marks(self, lang: str, syllables: list[str], fixed: Container[int],
               frequency: Frequency) -> dict[int, str]:
        """In a language of syllables with marks (Vietnamese), typed with marks, the syllables
        whose marks (or lack of them) make a word with neither neighbour, re-marked where
        another spelling does (in :data:`MIN_DOCUMENTS` documents at least)."""
        rules = language(lang)
        field, joiner, spellings = body_field(lang), rules.joiner, rules.spellings
        out: dict[int, str] = {}
        if joiner is None or spellings is None:
            return out
        for i, syllable in enumerate(syllables):
            if i in fixed or syllable in rules.function_words:
                continue
            pairs = ([(syllables[i - 1], "")] if i > 0 else []) + \
                ([("", syllables[i + 1])] if i + 1 < len(syllables) else [])
            typed = _support(frequency, field, joiner, pairs, syllable)
            if typed:  # it makes a word with a neighbour: as meant
                continue
            best = max(spellings(fold_diacritics(syllable)), default=syllable,
                       key=lambda spelling: _support(frequency, field, joiner, pairs, spelling))
            gained = _support(frequency, field, joiner, pairs, best)
            if best != syllable and gained >= MIN_DOCUMENTS:
                out[i] = best
        return out


def _support(frequency: Frequency, field: str, joiner: str, pairs: list[tuple[str, str]],
             spelling: str) -> int:
    """In how many documents ``spelling`` makes a word with a neighbour: ``pairs`` holds the
    syllable before it or the one after it."""
    return sum(frequency(field, joiner.join(p for p in (before, spelling, after) if p))
               for before, after in pairs)


def _edits(word: str) -> Iterator[str]:
    """Every word one edit from ``word``, in its own alphabet: a letter left out, two swapped,
    one changed, one added."""
    alphabet = _ALPHABETS["cyrillic" if regex.search(r"\p{Cyrillic}", word) else "latin"]
    if not all(ch in alphabet for ch in word):
        return
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    seen = {word}
    for a, b in splits:
        for candidate in ([a + b[1:]] if b else []) \
                + ([a + b[1] + b[0] + b[2:]] if len(b) > 1 else []) \
                + ([a + c + b[1:] for c in alphabet] if b else []) \
                + [a + c + b for c in alphabet]:
            if candidate not in seen:
                seen.add(candidate)
                yield candidate
