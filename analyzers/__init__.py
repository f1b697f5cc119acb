"""Text analysis: text in, tokens with character offsets out; language detection.

This package knows nothing of the index. Each language is a
:class:`Language` (its analyzers and query rules) in its own module, gathered by
:mod:`analyzers.registry`; every analyzer is a tokenizer followed by small
filters composed with ``|``, and every token it yields points back into the
text it came from (``startchar:endchar``).
"""

from analyzers.detect import detect_language
from analyzers.language import Language
from analyzers.normalize import fold_diacritics, has_diacritics, normalize_text
from analyzers.registry import (
    EXACT_LANGUAGES,
    LANGUAGES,
    FOLDED_LANGUAGES,
    AnalyzedToken,
    analyze,
    analyzer_for,
    canonical_language,
    exact_analyzer_for,
    folded_analyzer_for,
    language,
)

__all__ = [
    "EXACT_LANGUAGES",
    "LANGUAGES",
    "FOLDED_LANGUAGES",
    "AnalyzedToken",
    "Language",
    "analyze",
    "analyzer_for",
    "canonical_language",
    "detect_language",
    "exact_analyzer_for",
    "fold_diacritics",
    "folded_analyzer_for",
    "has_diacritics",
    "language",
    "normalize_text",
]
