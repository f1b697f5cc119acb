"""The window CRF tagger: underthesea's segmentation model, read and run without its featurizer."""

import os

import pytest

from analyzers import crf, vi
from analyzers.crf import ModelFormatError, Template, WindowTagger, is_title, read_crfsuite

#: Sentences that reach every template's edge cases: one and two units (the window leaves the
#: sentence on both sides), capitals, digits, punctuation, names, words outside the dictionary.
SENTENCES = [
    ["Hà", "Nội"],
    ["an", "ninh", "hạt", "nhân"],
    ["Ông", "Nguyễn", "Văn", "A", "đến", "TP", ".", "HCM", "ngày", "12", "/", "3", "/", "2024", "."],
    ["HÀ", "NỘI", "-", "Bộ", "Công", "an", "cho", "biết", ":", "vụ", "việc", "đang", "điều", "tra"],
    ["iPhone", "15", "Pro", "Max", "giá", "30", "triệu", "đồng", "("],
    ["Cơ", "quan", "Năng", "lượng", "Nguyên", "tử", "Quốc", "tế", "(", "IAEA", ")", "cảnh", "báo"],
    ["các", "nhà", "khoa", "học", "nghiên", "cứu", "biến", "đổi", "khí", "hậu", "toàn", "cầu"],
    ["x", "1a", "ǅa", "Ǆ", "½", "１２", "²", "AbC", "A-b"],
]


@pytest.fixture(scope="module")
def tagger() -> WindowTagger:
    return vi._tagger()


@pytest.fixture(scope="module")
def core_tags():
    """The labels underthesea_core's own featurizer and tagger give the same sentences."""
    core = pytest.importorskip("underthesea_core")
    base = vi.model_folder()
    tagger = core.CRFTagger()
    tagger.load(os.path.join(base, "models.bin"))
    featurizer = core.CRFFeaturizer(vi._load_pickled(os.path.join(base, "features.bin")),
                                    vi._load_pickled(os.path.join(base, "dictionary.bin")))
    return [tagger.tag(x) for x in featurizer.process([[[u] for u in s] for s in SENTENCES])]


def test_window_tagger_labels_every_unit_as_underthesea_core_does(tagger, core_tags):
    assert tagger.tag(SENTENCES) == core_tags
    assert {label for tags in core_tags for label in tags} == {"B-W", "I-W"}, "both labels are exercised"


def test_each_sentence_is_labelled_alone_whatever_its_neighbours(tagger, core_tags):
    assert [tagger.tag([s])[0] for s in SENTENCES] == core_tags
    assert tagger.tag(list(reversed(SENTENCES))) == list(reversed(core_tags))


def test_labels_stay_the_same_when_the_caches_fill_and_are_cleared(monkeypatch, core_tags):
    monkeypatch.setattr(crf, "TOKEN_CACHE", 3)
    monkeypatch.setattr(crf, "WINDOW_CACHE", 3)
    small = WindowTagger(read_crfsuite(os.path.join(vi.model_folder(), "models.bin")),
                         vi._load_pickled(os.path.join(vi.model_folder(), "features.bin")),
                         vi._load_pickled(os.path.join(vi.model_folder(), "dictionary.bin")))
    assert small.tag(SENTENCES) == core_tags
    assert small.tag(SENTENCES) == core_tags
    assert len(small._tokens) <= 3 and all(len(seen) <= 3 for seen in small._seen)


def test_empty_sentences_get_no_labels(tagger):
    assert tagger.tag([]) == []
    assert tagger.tag([[], ["an", "ninh"], []])[0] == []
    assert tagger.tag([[], ["an", "ninh"], []])[2] == []


def test_the_model_file_gives_its_labels_and_weights():
    model = read_crfsuite(os.path.join(vi.model_folder(), "models.bin"))
    assert model.labels == ["B-W", "I-W"]
    assert model.state.shape == (len(model.attributes), 2)
    assert model.transition.shape == (2, 2)
    assert "T[-1,0].lower=an ninh" in model.attributes


def test_a_file_that_is_no_crfsuite_model_is_refused_with_its_name(tmp_path):
    path = tmp_path / "models.bin"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(ModelFormatError, match="models.bin is not a CRFsuite model"):
        read_crfsuite(str(path))


def test_a_model_file_cut_short_is_refused_as_damaged(tmp_path):
    whole = open(os.path.join(vi.model_folder(), "models.bin"), "rb").read()
    for size in (20, 60, len(whole) // 2):
        path = tmp_path / f"cut{size}.bin"
        path.write_bytes(whole[:size])
        with pytest.raises(ModelFormatError, match="damaged CRFsuite model"):
            read_crfsuite(str(path))


def test_templates_are_read_with_their_window_and_kind():
    assert Template.parse("T[-1,0].lower") == Template(-1, 0, "lower")
    assert Template.parse("T[2]") == Template(2, 2, "")
    assert Template.parse("T[0,2].is_in_dict").width == 3
    with pytest.raises(ModelFormatError, match="unknown feature template"):
        Template.parse("W[0].suffix3")


def test_a_token_is_title_like_when_it_starts_with_a_capital_or_no_letter():
    assert is_title("Hà") and is_title("ABC") and is_title("AbC") and is_title("123") and is_title("-")
    assert not is_title("hà") and not is_title("ǅa") and not is_title("ß")
