"""One contract for every language's analyzer: offsets, positions, empty and random input, pickling."""

from __future__ import annotations

import pickle
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers import (EXACT_LANGUAGES, FOLDED_LANGUAGES, LANGUAGES, analyzer_for, exact_analyzer_for,
                       folded_analyzer_for, normalize_text)

SAMPLE = {
    "vi": "Hàn Quốc và Mỹ thảo luận về an ninh hạt nhân, hoà bình.",
    "ru": "Узбекистан и Казахстан укрепляют сотрудничество в сфере ядерной безопасности.",
    "uk": "Київ отримав нові електробуси для лівобережних районів.",
    "en": "The nuclear security summit opened in Vienna on Monday.",
    "zh": "河内市今年将新增一百二十辆电动公交车。",
    "ja": "東京で新しい電車が走り始めました。",
    "th": "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย",
    "ar": "افتتحت القمة النووية في فيينا يوم الاثنين.",
    "hi": "दिल्ली में नई मेट्रो लाइन शुरू हुई।",
    "el": "Η σύνοδος για την πυρηνική ασφάλεια άρχισε στη Βιέννη.",
    "de": "Der Stadtrat hat den Bau neuer Radwege beschlossen.",
    "tr": "İstanbul'da yeni metro hattı açıldı.",
}
DEFAULT = "Ein kleiner Text, 2026, with words and numbers 42."

CASES = ([(lang, False) for lang in LANGUAGES] + [(lang, "folded") for lang in FOLDED_LANGUAGES]
         + [(lang, "exact") for lang in EXACT_LANGUAGES])


def _analyzer(lang, variant):
    if variant == "exact":
        return exact_analyzer_for(lang)
    return folded_analyzer_for(lang) if variant else analyzer_for(lang)


def _tokens(analyzer, text, mode="index"):
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in analyzer(text, positions=True, chars=True, mode=mode)]


def _check_offsets(text, tokens, lang):
    last_pos = -1
    for token, pos, start, end in tokens:
        assert 0 <= start < end <= len(text), f"{lang}: {token!r} has offsets {start}:{end} outside the text"
        assert pos >= last_pos, f"{lang}: positions go backwards at {token!r}"
        last_pos = pos
        source = text[start:end]
        assert source.strip() == source and source, f"{lang}: {token!r} points at {source!r}"
        assert token, f"{lang}: empty token from {source!r}"


@pytest.mark.parametrize("lang,folded", CASES)
def test_tokens_point_at_the_words_they_came_from(lang, folded):
    text = normalize_text(SAMPLE.get(lang, DEFAULT))
    tokens = _tokens(_analyzer(lang, folded), text)
    assert tokens, f"{lang}: no tokens from {text!r}"
    _check_offsets(text, tokens, lang)


@pytest.mark.parametrize("lang,folded", CASES)
def test_empty_and_blank_input_give_no_tokens(lang, folded):
    analyzer = _analyzer(lang, folded)
    assert _tokens(analyzer, "") == []
    assert _tokens(analyzer, " \n\t ") == []


@pytest.mark.parametrize("lang,folded", CASES)
def test_analyzer_survives_pickling_with_the_same_output(lang, folded):
    analyzer = _analyzer(lang, folded)
    text = normalize_text(SAMPLE.get(lang, DEFAULT))
    before = _tokens(analyzer, text)
    blob = pickle.dumps(analyzer)
    assert len(blob) < 4000, f"{lang}: the pickled analyzer is {len(blob)} bytes: it carries a model"
    assert _tokens(pickle.loads(blob), text) == before


@pytest.mark.parametrize("lang,folded", CASES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_random_text_gives_valid_offsets(lang, folded, text):
    text = unicodedata.normalize("NFC", text)
    _check_offsets(text, _tokens(_analyzer(lang, folded), text), lang)


@pytest.mark.parametrize("lang", ["vi", "ru", "en", "de", "zh"])
def test_documents_and_queries_go_through_the_same_pipeline(lang):
    analyzer = analyzer_for(lang)
    text = normalize_text(SAMPLE.get(lang, DEFAULT))
    indexed = {t for t, *_ in _tokens(analyzer, text) if not t.startswith("=")}
    queried = {t for t, *_ in _tokens(analyzer, text, mode="query")}
    assert queried <= indexed, f"{lang}: query terms {queried - indexed} are never indexed"


def test_every_stemmed_language_names_an_algorithm_pystemmer_ships():
    import Stemmer

    from analyzers.en import SNOWBALL

    missing = {code: name for code, name in SNOWBALL.items() if name not in Stemmer.algorithms()}
    assert not missing, f"PyStemmer has no algorithm for {missing}: fix analyzers/en.py's table"
