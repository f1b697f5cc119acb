"""Russian and Ukrainian: lemmas, ё, stop words, exact forms; English inside Russian."""

from analyzers import analyze


def texts(text, lang="ru"):
    return [t.text for t in analyze(text, lang)]


def test_inflected_forms_share_a_lemma():
    assert "ядерный" in texts("ядерной") and "ядерный" in texts("ядерная")
    assert "безопасность" in texts("безопасности")


def test_yo_is_folded_to_ye():
    assert "елка" in texts("ёлка") and "елка" in texts("елка")


def test_ambiguous_forms_index_every_lemma_and_exact_forms_go_apart():
    assert {"стать", "сталь"} <= set(texts("стали"))
    assert [t.text for t in analyze("Стали ёлки", "ru", exact=True)] == ["стали", "елки"]


def test_stop_words_are_not_indexed():
    assert texts("и в на") == []


def test_english_words_in_russian_text_are_stemmed_as_english():
    assert "secur" in texts("Nuclear security")


def test_ukrainian_uses_its_own_dictionary():
    assert "електробус" in texts("електробуси", "uk")


def test_a_query_without_cyrillic_letters_loads_no_russian_dictionaries(monkeypatch):
    from analyzers import ru

    loaded = []
    monkeypatch.setattr(ru, "_lemmatizer", lambda lang: loaded.append(lang) or (lambda w: (w,)))
    assert [t.text for t in ru.russian()("nuclear safety", mode="query")] == ["nuclear", "safeti"]
    assert loaded == [], "a Latin query waits for no Russian dictionary"
    assert [t.text for t in ru.russian()("безопасность", mode="query")] == ["безопасность"]
    assert loaded == ["ru"]
