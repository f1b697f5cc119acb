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
