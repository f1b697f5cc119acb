"""Language detection: script first, the model only where a script is shared."""

import pytest

from analyzers import detect_language


@pytest.mark.parametrize("text,lang", [
    ("Hàn Quốc và Mỹ họp trực tuyến thảo luận về an ninh hạt nhân", "vi"),
    ("Узбекистан и Казахстан укрепляют партнерство", "ru"),
    ("Київ отримав нові електробуси, їх п'ятдесят", "uk"),
    ("The city council approved forty kilometres of new bicycle lanes", "en"),
    ("Der Stadtrat hat den Bau neuer Radwege beschlossen", "de"),
    ("Le prix du café robusta a fortement augmenté cette semaine", "fr"),
    ("河内市今年将新增一百二十辆电动公交车", "zh"),
    ("東京で新しい電車が走り始めました", "ja"),
    ("กรุงเทพมหานครเป็นเมืองหลวง", "th"),
    ("12345 !!!", "xx"),
])
def test_detects_the_language_of_news_text(text, lang):
    assert detect_language(text) == lang
