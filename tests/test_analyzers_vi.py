"""Vietnamese: words and syllables, one tone placement, matching without marks."""

from analyzers import analyze, fold_diacritics, has_diacritics
from analyzers.normalize import vietnamese_spellings, vietnamese_tone_placement


def texts(text, **kw):
    return [t.text for t in analyze(text, "vi", **kw)]


def test_multi_syllable_words_are_indexed_with_their_syllables():
    tokens = analyze("thảo luận về an ninh hạt nhân", "vi")
    words = {t.text: t for t in tokens}
    assert {"an_ninh", "hạt_nhân", "an", "ninh", "hạt", "nhân"} <= set(words)
    assert words["hạt_nhân"].source == "hạt nhân"
    assert words["hạt_nhân"].pos == words["hạt"].pos, "a word sits at its first syllable's position"
    assert words["nhân"].pos == words["hạt"].pos + 1, "syllables take consecutive positions"


def test_both_tone_placements_index_the_same_word():
    assert texts("hoà bình") == texts("hòa bình")
    assert texts("thuý") == texts("thúy")
    assert texts("khoẻ") == texts("khỏe")
    assert vietnamese_tone_placement("quý") == "quý", "qu- keeps the tone on the vowel after it"
    assert vietnamese_tone_placement("ngoài") == "ngoài"
    assert vietnamese_tone_placement("hoà") == vietnamese_tone_placement("hòa") == "hòa"
    assert vietnamese_tone_placement("hoàng") == "hoàng", "a closed syllable is already canonical"


def test_folded_tokens_drop_every_mark_but_keep_offsets():
    marked = analyze("Đường phố hạt nhân", "vi")
    folded = analyze("Đường phố hạt nhân", "vi", folded=True)
    assert [t.text for t in folded] == [fold_diacritics(t.text) for t in marked]
    assert [(t.start, t.end) for t in folded] == [(t.start, t.end) for t in marked]
    assert "duong" in [t.text for t in folded]


def test_diacritics_detection():
    assert has_diacritics("hạt nhân")
    assert has_diacritics("đi")
    assert not has_diacritics("an ninh hat nhan")


def test_spellings_of_an_unmarked_syllable_are_every_canonical_marked_form():
    spellings = vietnamese_spellings("nhan")
    assert {"nhan", "nhân", "nhận", "nhắn", "nhàn"} <= set(spellings)
    assert all(fold_diacritics(s) == "nhan" for s in spellings)
    assert all(vietnamese_tone_placement(s) == s for s in spellings)
    assert "đường" in vietnamese_spellings("duong")
    assert "hòa" in vietnamese_spellings("hoa") and "hoà" not in vietnamese_spellings("hoa")
    assert vietnamese_spellings("covid") == ("covid",), "not a syllable: only itself"
    assert vietnamese_spellings("nhân") == ("nhân",), "already marked: only itself"
