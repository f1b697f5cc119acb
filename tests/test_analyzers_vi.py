"""Vietnamese: words and syllables, one tone placement, matching without marks."""

import pytest

from analyzers import analyze, fold_diacritics, has_diacritics
from analyzers.normalize import vietnamese_spellings, vietnamese_tone_placement, written_without_marks


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


def test_text_typed_without_marks_is_told_from_edited_text_with_a_few_bare_words():
    assert written_without_marks("Anh co lam gi dau. Voi lai moi mot tuan sao biet duoc.")
    assert not written_without_marks(
        "Vì thế, người ta có thể nói được đủ cách nhưng khong ai che dấu được sự thật "
        "(http://baodatviet.vn/quoc-phong/vu-khi/chi-vu-khi-nga-diet-duoc-tomahawk).")
    assert not written_without_marks("Hà Nội")
    assert not written_without_marks("2024 - 15:30")  # no words: nothing to tell


def test_spellings_of_an_unmarked_syllable_are_every_canonical_marked_form():
    spellings = vietnamese_spellings("nhan")
    assert {"nhan", "nhân", "nhận", "nhắn", "nhàn"} <= set(spellings)
    assert all(fold_diacritics(s) == "nhan" for s in spellings)
    assert all(vietnamese_tone_placement(s) == s for s in spellings)
    assert "đường" in vietnamese_spellings("duong")
    assert "hòa" in vietnamese_spellings("hoa") and "hoà" not in vietnamese_spellings("hoa")
    assert vietnamese_spellings("covid") == ("covid",), "not a syllable: only itself"
    assert vietnamese_spellings("nhân") == ("nhân",), "already marked: only itself"


def test_a_sentence_without_latin_letters_is_split_into_words_without_the_model(monkeypatch):
    from analyzers import vi

    def no_model():
        raise AssertionError("the segmentation model was asked for")

    vi.segment.cache_clear()
    monkeypatch.setattr(vi, "_tagger", no_model)
    text = "Ядерная безопасность 2020 года. 中国 北京"
    words = [[text[s:e] for s, e in w] for w in vi.segment(text)]
    assert words == [["Ядерная"], ["безопасность"], ["2020"], ["года"], ["中国"], ["北京"]]
    vi.segment.cache_clear()
    with pytest.raises(AssertionError, match="model was asked"):
        vi.segment("Nga nói ядерная безопасность")  # a Vietnamese sentence still goes to the model
    vi.segment.cache_clear()


def test_model_files_are_read_as_pickles_and_compressed_ones_by_joblib(tmp_path):
    import joblib

    from analyzers.vi import _load_pickled

    words = {"an ninh", "hạt nhân"}
    joblib.dump(words, tmp_path / "plain.bin")
    joblib.dump(words, tmp_path / "packed.bin", compress=3)
    assert _load_pickled(str(tmp_path / "plain.bin")) == words
    assert _load_pickled(str(tmp_path / "packed.bin")) == words


def test_segmentation_does_not_import_the_underthesea_package():
    import subprocess
    import sys

    code = ("import sys; from analyzers.vi import segment; t = 'an ninh hạt nhân'; "
            "print([[t[s:e] for s, e in w] for w in segment(t)], 'underthesea' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[['an', 'ninh'], ['hạt', 'nhân']] False"


def test_a_query_typed_without_marks_is_matched_by_syllables_without_the_model(monkeypatch):
    from analyzers import vi

    def no_model():
        raise AssertionError("the segmentation model was loaded")

    vi.segment.cache_clear()
    monkeypatch.setattr(vi, "_tagger", no_model)
    folded = vi.vietnamese_folded()
    query = [(t.text, t.pos) for t in folded("an ninh hat nhan", positions=True, mode="query")]
    assert query == [("an", 0), ("ninh", 1), ("hat", 2), ("nhan", 3)]
    with pytest.raises(AssertionError, match="model was loaded"):
        list(vi.vietnamese_folded()("an ninh hat nhan", positions=True))  # a document is segmented
    vi.segment.cache_clear()


def test_a_query_with_marks_is_still_segmented_into_words():
    tokens = [t.text for t in analyze("an ninh hạt nhân", "vi")]
    from analyzers import vi

    query = [t.text for t in vi.vietnamese()("an ninh hạt nhân", mode="query")]
    assert "hạt_nhân" in query and query == tokens
