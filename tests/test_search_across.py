"""Search across languages: an index with meaning vectors finds the Vietnamese and Russian
articles for an English query; deleting or changing a document changes its vectors; the
switch works in the library, the command, the API and the page, and says what to do on an
index without vectors."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import numpy as np
import pytest
from click.testing import CliRunner

from index.vectors import DIMENSIONS, FOLDER
from search import Engine, Weights
from search.cli import main
from web import create_app

NEWS = [
    {"id": "vi-reactor", "lang": "vi", "title": "Lò phản ứng hạt nhân Đà Lạt được kiểm tra an toàn",
     "text": "Các chuyên gia của Cơ quan Năng lượng Nguyên tử Quốc tế đã kiểm tra lò phản ứng "
             "nghiên cứu ở Đà Lạt và đánh giá hệ thống an toàn bức xạ."},
    {"id": "ru-reactor", "lang": "ru", "title": "МАГАТЭ проверило безопасность исследовательского реактора",
     "text": "Инспекторы Международного агентства по атомной энергии осмотрели исследовательский "
             "ядерный реактор и оценили системы радиационной защиты."},
    {"id": "vi-rice", "lang": "vi", "title": "Giá gạo xuất khẩu tăng mạnh",
     "text": "Giá gạo xuất khẩu của Việt Nam tăng lên mức cao nhất trong mười năm do nhu cầu "
             "từ Philippines và Indonesia."},
    {"id": "ru-football", "lang": "ru", "title": "Сборная выиграла товарищеский матч",
     "text": "Футболисты сборной забили три гола во втором тайме и победили соперников со счётом 3:1."},
    {"id": "en-weather", "lang": "en", "title": "Heavy rain floods the coast",
     "text": "Storms brought heavy rain to the coast on Monday, flooding roads and homes."},
]
QUERY = "nuclear reactor safety inspection"


def ids(results):
    return [h.id for h in results]


@pytest.fixture(scope="module")
def semantic():
    with Engine.in_memory(semantic=True) as engine:
        engine.add(NEWS)
        yield engine


def test_an_english_query_finds_the_vietnamese_and_russian_articles_only_across_languages(semantic):
    assert semantic.search(QUERY, lang="vi").total == 0
    assert semantic.search(QUERY, lang="ru").total == 0
    vi = semantic.search(QUERY, lang="vi", across_languages=True)
    ru = semantic.search(QUERY, lang="ru", across_languages=True)
    assert vi.across == ru.across == "on"
    assert ids(vi)[0] == "vi-reactor" and ids(ru)[0] == "ru-reactor"
    mixed = semantic.search(QUERY, across_languages=True)
    assert set(ids(mixed)[:2]) == {"vi-reactor", "ru-reactor"}
    assert {h.lang for h in mixed} >= {"vi", "ru"}


def test_words_still_come_first_and_stay_marked_across_languages(semantic):
    results = semantic.search("rice export prices Giá gạo", across_languages=True)
    top = results[0]
    assert top.id == "vi-rice" and {"Giá", "gạo"} <= {t for t, m in top.snippet if m}
    assert semantic.search("storms coast", across_languages=True)[0].id == "en-weather"


def test_deleting_a_document_takes_its_vectors_with_it():
    with Engine.in_memory(semantic=True) as engine:
        engine.add(NEWS)
        assert engine.stats().vectors == len(NEWS)
        engine.delete("ru-reactor")
        assert "ru-reactor" not in ids(engine.search(QUERY, across_languages=True))
        assert engine.stats().vectors == len(NEWS) - 1
        engine.add({"id": "x", "lang": "en", "title": "Other", "text": "Another story."})
        assert engine.stats().vectors == len(NEWS)
        engine.delete("vi-rice", "x")
        assert engine.embed().dropped == 3  # a fifth or more dead: compacted away
        assert engine.stats().vectors == len(NEWS) - 2
        assert ids(engine.search(QUERY, lang="vi", across_languages=True))[0] == "vi-reactor"


def test_an_updated_document_is_embedded_again():
    with Engine.in_memory(semantic=True) as engine:
        engine.add(NEWS)
        assert ids(engine.search(QUERY, lang="ru", across_languages=True))[0] == "ru-reactor"
        engine.add({"id": "ru-reactor", "lang": "ru", "title": "Урожай пшеницы вырос",
                    "text": "Аграрии собрали рекордный урожай пшеницы и ячменя в этом году."})
        assert ids(engine.search("wheat harvest", lang="ru", across_languages=True))[0] == "ru-reactor"
        assert engine.stats().vectors == len(NEWS) and engine.embed().embedded == 0


def test_an_index_made_without_vectors_says_so_and_can_get_them(tmp_path):
    with Engine.create(tmp_path / "ix") as engine:
        engine.add(NEWS)
        results = engine.search("reactor", across_languages=True)
        assert results.across == "no-vectors" and ids(results) == []
        assert engine.search("Heavy rain", across_languages=True)[0].id == "en-weather"
        engine.set_semantic()
        report = engine.embed()
        assert report.embedded == len(NEWS) and engine.stats().vectors == len(NEWS)
    with Engine.open(tmp_path / "ix") as engine:  # kept with the index: later runs embed too
        assert engine.semantic
        engine.add({"id": "ru-rice", "lang": "ru", "title": "Цены на рис выросли",
                    "text": "Экспортные цены на рис достигли максимума за десять лет."})
        assert engine.stats().vectors == len(NEWS) + 1
        assert engine.embed().embedded == 0  # nothing left to embed
        assert ids(engine.search("rice prices", lang="ru", across_languages=True))[0] == "ru-rice"


def test_vectors_written_in_the_background_are_waited_for(tmp_path):
    with Engine.create(tmp_path / "ix", semantic=True) as engine:
        engine.add(NEWS, vectors="background")
        assert engine.search("Heavy rain")[0].id == "en-weather"  # words at once
        assert engine.wait_for_vectors(timeout=120)
        assert engine.stats().vectors == len(NEWS)


def test_a_part_cut_short_is_ignored_and_its_documents_embedded_again(tmp_path):
    with Engine.create(tmp_path / "ix", semantic=True) as engine:
        engine.add(NEWS)
    parts = sorted((tmp_path / "ix" / FOLDER).glob("part-*.npz"))
    parts[-1].write_bytes(parts[-1].read_bytes()[:100])  # as a process killed mid-write leaves it
    with Engine.open(tmp_path / "ix") as engine:
        assert engine.stats().vectors == 0
        assert engine.embed().embedded == len(NEWS)
        assert ids(engine.search(QUERY, lang="vi", across_languages=True))[0] == "vi-reactor"


def test_the_api_and_the_page_switch(semantic):
    client = create_app({"ENGINE": semantic, "TESTING": True}).test_client()
    data = client.get(f"/api/search?q={QUERY}&lang=ru&across=1").get_json()
    assert data["across"] == "on" and data["hits"][0]["id"] == "ru-reactor"
    assert client.get(f"/api/search?q={QUERY}&lang=ru").get_json()["hits"] == []
    page = client.get(f"/search?q={QUERY}&across=1&ui=en").get_data(as_text=True)
    assert re.search(r'<input type="checkbox" name="across" value="1" checked>', page)
    assert 'href="/doc/vi-reactor' in page and "meaning vectors" not in page
    assert "checked" not in client.get(f"/search?q={QUERY}&ui=en").get_data(as_text=True)


def test_the_page_says_how_to_add_vectors_to_an_index_without_them():
    with Engine.in_memory() as engine:
        engine.add(NEWS)
        client = create_app({"ENGINE": engine, "TESTING": True}).test_client()
        page = client.get("/search?q=reactor&across=1&ui=en").get_data(as_text=True)
        assert "search index --semantic PATH" in page
        assert client.get("/api/search?q=reactor&across=1").get_json()["across"] == "no-vectors"


def test_the_command_indexes_with_vectors_and_queries_across(tmp_path):
    (tmp_path / "news.jsonl").write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in NEWS),
                                         encoding="utf-8")
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, ["--index", str(tmp_path / "ix"), *args], catch_exceptions=False)

    done = run("index", "--semantic", str(tmp_path / "news.jsonl"))
    assert done.exit_code == 0, done.output
    assert "Keyword search is ready" in done.output and f"{len(NEWS)} documents embedded" in done.output
    found = json.loads(run("query", QUERY, "--lang", "vi", "--across", "--json").output)
    assert found["across"] == "on" and found["hits"][0]["id"] == "vi-reactor"
    assert f"meaning vectors: {len(NEWS)} of {len(NEWS)} documents" in run("stats").output
    rebuilt = run("index", "--rebuild", str(tmp_path / "news.jsonl"))
    assert f"{len(NEWS)} documents embedded" in rebuilt.output  # --rebuild keeps the choice


def test_closing_stops_background_vectors_and_the_next_pass_adds_the_rest(tmp_path):
    with Engine.create(tmp_path / "ix", semantic=True) as engine:
        engine.add(NEWS, vectors="background")
    with Engine.open(tmp_path / "ix") as engine:
        assert engine.embed().documents == len(NEWS)  # what the stopped thread left, added
        assert engine.stats().vectors == len(NEWS)


class _Directions:
    """Stands in for the model where the test needs exact directions: a text's vector is
    the sum of the unit axes its marker words name (``east``; ``east1`` in a query, which no
    document holds as a word), once a time they stand, made unit."""

    AXES = ("east", "north", "west", "south", "up", "down")

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(DIMENSIONS, dtype=np.float32)
        for word in re.findall(r"\b(%s)\d*\b" % "|".join(self.AXES), text):
            vector[self.AXES.index(word)] += 1.0
        return vector / np.linalg.norm(vector)

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def query(self, text: str) -> np.ndarray:
        return self._vector(text)


@contextmanager
def _directed(docs, weights, model=None):
    """An index of ``docs`` (id, lang, title, text) with ``weights``, its vectors made by
    ``model`` (a :class:`_Directions` unless given)."""
    with Engine.in_memory(semantic=True, weights=weights) as engine:
        engine._meaning.embedder = model or _Directions()  # type: ignore[assignment]
        engine.add({"id": i, "lang": lang, "title": title, "text": text}
                   for i, lang, title, text in docs)
        yield engine


def _first_across(docs, query, *weights):
    """The first Vietnamese result across languages, under each of ``weights``; ``docs`` as
    (id, lang, title, text)."""
    firsts = []
    for w in weights:
        with _directed(docs, w) as engine:
            firsts.append(ids(engine.search(query, lang="vi", across_languages=True))[0])
    return firsts


def test_the_story_a_query_finds_by_its_words_leads_its_search_in_other_languages():
    # The query's own vector is nearer "north" (3 against 2), so by itself it prefers the
    # other story; the English article its words find says "east", and so does its
    # Vietnamese telling, which the words cannot find.
    docs = [("en-story", "en", "Zorbex fuel plant", "east"),
            ("vi-story", "vi", "Nhà máy nhiên liệu", "east"),
            ("vi-other", "vi", "Chuyện khác", "north")]
    alone, led = _first_across(docs, "Zorbex east1 east2 north1 north2 north3",
                               Weights(feedback=0.0, centring=0.0), Weights(centring=0.0))
    assert (alone, led) == ("vi-other", "vi-story")


def test_a_query_finds_the_story_in_another_language_not_the_text_most_like_its_own_language():
    # English texts lean "up"; the query says "east" in English. The Vietnamese article
    # that tells another story ("north") in words much like English ("up" twice) is nearer
    # the query's vector as it stands; less what every English text shares, the query
    # finds its story.
    docs = [("en-1", "en", "Power plant", "west up"),
            ("en-2", "en", "Fuel prices", "south up"),
            ("vi-story", "vi", "Câu chuyện", "east down"),
            ("vi-other", "vi", "Chuyện khác", "north down up up")]
    as_it_stands, centred = _first_across(docs, "plant east1 up1",
                                          Weights(feedback=0.0, centring=0.0), Weights(feedback=0.0))
    assert (as_it_stands, centred) == ("vi-other", "vi-story")


def test_meaning_adds_other_languages_and_leaves_the_querys_own_in_the_order_of_its_words():
    # The "east" texts are as near the query in meaning as can be (its own vector, not
    # steered here). "en-near", in the query's own language, does not hold its words and
    # stays out; "en-second" holds them less than "en-first" does and, though nearer in
    # meaning, stays second.
    docs = [("en-first", "en", "Zorbex fuel plant", "Zorbex plant north"),
            ("en-second", "en", "Zorbex report", "east"),
            ("en-near", "en", "Another report", "east"),
            ("vi-story", "vi", "Nhà máy nhiên liệu", "east")]
    unsteered = Weights(feedback=0.0, centring=0.0, leading_share=2.0)
    with _directed(docs, unsteered) as engine:
        by_words = ids(engine.search("Zorbex east1"))
        across = ids(engine.search("Zorbex east1", across_languages=True))
    assert by_words == ["en-first", "en-second"]
    assert set(across) == {"en-first", "en-second", "vi-story"}
    assert [d for d in across if d.startswith("en")] == by_words


class _NoQueries(_Directions):
    def query(self, text: str) -> np.ndarray:
        raise AssertionError(f"the model was run for the query {text!r}")


def test_a_document_with_most_words_of_the_query_stands_for_it_and_the_model_is_not_run():
    docs = [("en-story", "en", "Zorbex fuel plant", "east"),
            ("vi-story", "vi", "Nhà máy nhiên liệu", "east"),
            ("vi-other", "vi", "Chuyện khác", "north")]
    # (Not centred: the one English text is all its language's mean.)
    with _directed(docs, Weights(centring=0.0), _NoQueries()) as engine:
        assert ids(engine.search("Zorbex plant east1", lang="vi", across_languages=True))[0] == "vi-story"
        with pytest.raises(AssertionError, match="model was run"):
            engine.search("Zorbex east1 north2", lang="vi", across_languages=True)
