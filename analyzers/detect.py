"""Language detection: script first, a statistical model only where a script is shared."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import regex

from analyzers.registry import OTHER

#: How much of a text is looked at: the beginning says enough, and long texts stay cheap.
_SAMPLE = 3000

_SCRIPTS = {
    "Cyrillic": None, "Latin": None, "Han": "zh", "Hiragana": "ja", "Katakana": "ja",
    "Hangul": "ko", "Thai": "th", "Lao": "lo", "Khmer": "km", "Myanmar": "my",
    "Arabic": None, "Greek": "el", "Devanagari": None, "Hebrew": "he", "Armenian": "hy",
    "Georgian": "ka", "Tamil": "ta", "Bengali": "bn",
}
_SCRIPT_RE = regex.compile("|".join(rf"(?P<{name}>\p{{{name}}})" for name in _SCRIPTS))

#: Letters only Vietnamese uses among Latin-script languages we analyse (ă, â, ê, ô are
#: Romanian, French and Portuguese letters too).
_VIETNAMESE = regex.compile(r"[đơưĐƠƯ\u1ea0-\u1ef9]")
_UKRAINIAN = regex.compile(r"[іїєґІЇЄҐ]")

#: Languages the statistical model may answer, per shared script.
_LATIN = ["en", "vi", "de", "fr", "es", "it", "pt", "nl", "ro", "tr", "sv", "da", "no", "fi",
          "hu", "id", "ca", "eu", "ga", "lt", "pl", "cs", "et"]
_ARABIC = ["ar", "fa", "ur"]
_DEVANAGARI = ["hi", "ne", "mr"]


@lru_cache(maxsize=None)
def _identifiers():  # type: ignore[no-untyped-def]
    """The statistical model, restricted to each shared script's languages, loaded once.

    The model's tables for all 97 of its languages take 27 MB that a restricted model
    never reads again: each restriction here keeps only its own columns, and all share
    the model's text features (40 MB).
    """
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    full = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    out = {}
    for langs in (_LATIN, _ARABIC, _DEVANAGARI):
        keep = [i for i, c in enumerate(full.nb_classes) if c in set(langs)]
        identifier = LanguageIdentifier(
            full.nb_ptc[:, keep], full.nb_pc[keep], [full.nb_classes[i] for i in keep],
            full.tk_nextmove, full.tk_output, norm_probs=True, tk_row=full.tk_row)
        identifier._rowbase = full._rowbase  # the same 100,000 numbers, built once
        out[tuple(langs)] = identifier
    return out


def _model(text: str, langs: list[str], sure: float = 0.0) -> str:
    lang, probability = _identifiers()[tuple(langs)].classify(text)
    return str(lang) if probability >= sure else OTHER


def detect_language(text: str, *, sure: float = 0.0) -> str:
    """The ISO 639-1 code of ``text``'s language, or ``"xx"`` when it has no letters.

    With ``sure`` (0 to 1), a language the statistical model gives a lower
    probability than that comes back as ``"xx"``: for short texts such as queries.

    >>> detect_language("Hàn Quốc và Mỹ họp trực tuyến")
    'vi'
    """
    sample = text[:_SAMPLE]
    counts: Counter[str] = Counter()
    for m in _SCRIPT_RE.finditer(sample):
        counts[m.lastgroup or ""] += 1
    if not counts:
        return OTHER
    if counts["Hiragana"] or counts["Katakana"]:
        if counts["Hiragana"] + counts["Katakana"] + counts["Han"] >= max(counts.values()):
            return "ja"
    script, _ = counts.most_common(1)[0]
    if script == "Cyrillic":
        return "uk" if len(_UKRAINIAN.findall(sample)) * 100 > counts["Cyrillic"] else "ru"
    if script == "Latin":
        if len(_VIETNAMESE.findall(sample)) * 20 > counts["Latin"]:
            return "vi"
        return _model(sample, _LATIN, sure)
    if script == "Arabic":
        return _model(sample, _ARABIC, sure)
    if script == "Devanagari":
        return _model(sample, _DEVANAGARI, sure)
    return _SCRIPTS[script] or OTHER
