"""The library surface: the seeds' acceptance queries, syntax, ranking, snippets, errors."""

from __future__ import annotations

import json

import pytest


from search import Document, DocumentError, Engine, QueryError
from search.weights import Weights

BOTH_BACKENDS = True


def marked(hit):
    return [text for text, is_match in hit.snippet if is_match]


@pytest.mark.parametrize("query", ["ядерная безопасность", "безопасности ядерной"])
def test_russian_seed_is_first_with_its_words_marked(seeds_engine, query):
    results = seeds_engine.search(query)
    top = results.hits[0]
    assert top.lang == "ru" and "Узбекистан" in top.title
    assert "ядерной" in marked(top) and "безопасности" in marked(top), top.snippet


@pytest.mark.parametrize("query", ["an ninh hạt nhân", "an ninh hat nhan"])
def test_vietnamese_seed_is_first_with_or_without_marks(seeds_engine, query):
    top = seeds_engine.search(query).hits[0]
    assert top.lang == "vi" and "an ninh hạt nhân" in top.title
    assert "an ninh" in marked(top) and "hạt nhân" in marked(top), top.snippet


def test_results_are_json_serialisable_dataclasses(seeds_engine):
    results = seeds_engine.search("hạt nhân")
    data = json.loads(json.dumps(results.to_dict(), ensure_ascii=False))
    assert set(data) >= {"query", "total", "page", "limit", "took_ms", "languages", "hits"}
    hit = data["hits"][0]
    assert set(hit) == {"id", "title", "lang", "score", "date", "url", "path", "source", "site",
                         "snippet", "similar", "author", "page"}
    assert data["languages"] == {"vi": 1}


def test_snippet_parts_rebuild_a_slice_of_the_document(seeds_engine):
    hit = seeds_engine.search("ядерная безопасность").hits[0]
    text = "".join(t for t, _ in hit.snippet).strip("…")
    assert text.replace("\n", " ") in seeds_engine.document(hit.id).text_parts[0][0].replace("\n", " ")


def test_add_search_delete_and_stats(engine):
    engine.add([Document(id="1", title="Electric buses", text="The city bought electric buses."),
                {"id": "2", "title": "Xe buýt điện", "text": "Hà Nội mua thêm xe buýt điện."}])
    assert engine.stats().documents == 2
    assert engine.stats().languages == {"en": 1, "vi": 1}
    assert [h.id for h in engine.search("electric buses")] == ["1"]
    assert engine.delete("1") == 1
    assert engine.search("electric").total == 0
    assert engine.stats().documents == 1


def test_adding_a_document_with_the_same_id_replaces_it(engine):
    engine.add({"id": "1", "title": "Old", "text": "old words", "lang": "en"})
    engine.add({"id": "1", "title": "New", "text": "new words", "lang": "en"})
    assert engine.stats().documents == 1
    assert engine.search("words").hits[0].title == "New"


def test_bad_documents_name_the_problem(engine):
    with pytest.raises(DocumentError, match="without an id"):
        engine.add([{"title": "no id", "text": "x"}])
    with pytest.raises(DocumentError, match="not text"):
        engine.add([{"id": "1", "title": "t", "text": 42}])


NEWS = [
    {"id": "all", "title": "Summit", "text": "The nuclear security summit opened.", "lang": "en"},
    {"id": "some", "title": "Summit", "text": "The nuclear plant nuclear nuclear opened.", "lang": "en"},
    {"id": "ru", "title": "Саммит", "text": "Открылся саммит по ядерной безопасности в Вене.",
     "lang": "ru", "date": "2024-03-01"},
    {"id": "ru-old", "title": "Сталь", "text": "Цены на сталь выросли.", "lang": "ru",
     "date": "2020-01-10"},
    {"id": "vi-duong", "title": "Đường phố", "text": "Đường phố Hà Nội đông đúc.", "lang": "vi"},
    {"id": "vi-dương", "title": "Dương liễu", "text": "Cây dương liễu bên hồ.", "lang": "vi"},
    {"id": "mixed", "title": "Заявление", "text": "Министр процитировал доклад: nuclear security matters.",
     "lang": "ru"},
]


@pytest.fixture
def news(engine):
    engine.add(NEWS)
    return engine


def test_documents_with_every_word_rank_above_those_with_some(news):
    ids = [h.id for h in news.search("nuclear security", lang="en")]
    assert ids[0] == "all" and "some" in ids


def test_a_question_still_finds_a_partial_match(news):
    assert news.search("when did the nuclear security summit open in vienna?", lang="en").total >= 1


def test_phrase_negation_or_title_lang_and_date_syntax(news):
    assert [h.id for h in news.search('"security summit"')] == ["all"]
    assert "all" not in [h.id for h in news.search("nuclear -security", lang="en")]
    assert {h.id for h in news.search("сталь OR саммит")} == {"ru", "ru-old"}
    assert [h.id for h in news.search("title:саммит")] == ["ru"]
    assert {h.id for h in news.search("nuclear lang:ru")} == {"mixed"}
    assert [h.id for h in news.search("цены date:2020")] == ["ru-old"]
    assert news.search("цены date:2021..2025").total == 0


def test_exact_form_search(news):
    assert [h.id for h in news.search("=безопасности")] == ["ru"]
    assert news.search("=безопасность").total == 0


def test_query_with_marks_ranks_exact_marks_first(news):
    assert news.search("đường").hits[0].id == "vi-duong"
    assert news.search("dương").hits[0].id == "vi-dương"
    assert {h.id for h in news.search("duong")} == {"vi-duong", "vi-dương"}


def test_a_word_with_marks_matches_its_bare_spelling_only_in_text_typed_without_marks(engine):
    engine.add([
        {"id": "nhân", "title": "", "text": "Nhà máy điện hạt nhân mới.", "lang": "vi"},
        {"id": "nhẫn", "title": "", "text": "Chiếc nhẫn vàng của bà.", "lang": "vi"},
    ])
    # Bare, nhẫn's "nhan" is the query's "nhân"; with its marks it is another word.
    assert [h.id for h in engine.search("nhân")] == ["nhân"]
    # A mark left out among marked words: the collection never writes "nhan" bare.
    assert engine.search("hạt nhan").hits[0].id == "nhân"
    engine.add({"id": "typed bare", "title": "", "lang": "vi",
                "text": "Nha may dien hat nhan moi da duoc xay dung."})
    assert [h.id for h in engine.search("nhân")] == ["nhân", "typed bare"]
    hit = engine.search("hạt nhân").hits[1]
    assert hit.id == "typed bare" and marked(hit) == ["hat", "nhan"], hit.snippet
    assert {h.id for h in engine.search("nhan")} == {"nhân", "nhẫn", "typed bare"}
    # The whole document marks what the search matched there, and only that.
    assert [t for t, m in engine.document("typed bare", "hạt nhân").text_parts if m] == ["hat", "nhan"]
    assert not any(m for _, m in engine.document("nhẫn", "nhân").text_parts)


def test_english_words_in_a_russian_document_are_found(news):
    assert "mixed" in [h.id for h in news.search("nuclear security")]


def test_language_counts_cover_every_match_even_when_filtered(news):
    results = news.search("nuclear", lang="en")
    assert results.languages == {"en": 2, "ru": 1}
    assert {h.lang for h in results} == {"en"}


def test_paging(news):
    first = news.search("nuclear", limit=1, page=1)
    second = news.search("nuclear", limit=1, page=2)
    assert first.total == second.total == 3
    assert first.hits[0].id != second.hits[0].id


@pytest.mark.parametrize("query", ['"unclosed', "title:", "-", "*", "a*", "OR", "NOT", "))((",
                                   "lang:", "date:", "\x00\x07", "=", '""'])
def test_odd_queries_with_no_word_of_the_collection_find_nothing(news, query):
    results = news.search(query)
    assert (results.total, results.hits, results.languages) == (0, [], {}), (
        f"{query!r} holds no word of the collection but found {[h.id for h in results.hits]}")


@pytest.mark.parametrize("query", ['"nuclear', 'nuclear"', "nuclear ))((", "nuclear \x00\x07"])
def test_stray_operators_around_a_word_leave_its_results_as_they_are(news, query):
    assert [h.id for h in news.search(query).hits] == [h.id for h in news.search("nuclear").hits]


@pytest.mark.parametrize("kwargs,match", [
    ({"text": "x" * 5000}, "limit"),
    ({"text": "x", "page": 0}, "page"),
    ({"text": "x", "page": 100_000}, "too deep"),
    ({"text": "x", "limit": 0}, "limit"),
    ({"text": "date:2024-13-45"}, "date"),
])
def test_bad_queries_raise_query_error_naming_the_fix(news, kwargs, match):
    with pytest.raises(QueryError, match=match):
        news.search(**kwargs)


def test_analyze_returns_tokens_with_offsets(engine):
    tokens = engine.analyze("Hạt nhân", lang="vi")
    assert {"text": "hạt_nhân", "start": 0, "end": 8, "pos": 0, "source": "Hạt nhân",
            "field": "body_vi"} in tokens
    assert any(t["text"] == "hat_nhan" for t in tokens)


def test_document_view_marks_the_query_in_the_whole_text(news):
    view = news.document("ru", "ядерная безопасность")
    assert [t for t, m in view.text_parts if m] == ["ядерной", "безопасности"]
    assert news.document("missing") is None


def test_engine_sees_commits_made_by_another_engine(tmp_path):
    with Engine.create(tmp_path / "ix") as writer, Engine.open(tmp_path / "ix") as reader:
        assert reader.search("buses").total == 0
        writer.add([{"id": "1", "title": "Buses", "text": "Electric buses.", "lang": "en"}])
        assert reader.search("buses").total == 1


def test_vietnamese_question_words_do_not_outweigh_the_content_words(engine):
    engine.add([
        {"id": "answer", "lang": "vi", "title": "Chạy marathon", "text": "Nguyên Sa đam mê chạy marathon."},
        {"id": "noise", "lang": "vi", "title": "Là gì?", "text": "Là gì, của ai, là gì, được không, là gì?"},
    ])
    assert engine.search("Đam mê của Sa là gì?").hits[0].id == "answer"
    assert engine.search("là gì").hits[0].id == "noise", "a query of only function words keeps them"
    assert [h.id for h in engine.search('"là gì"')] == ["noise"], "phrases keep every word"


def test_unmarked_question_words_are_dropped_where_the_index_mostly_spells_them_so(engine):
    engine.add([
        {"id": "answer", "lang": "vi", "title": "Chạy marathon", "text": "Nguyên Sa đam mê chạy marathon."},
        {"id": "noise", "lang": "vi", "title": "Là gì?", "text": "Là gì, của ai, là gì, được không, là gì?"},
        {"id": "skin", "lang": "vi", "title": "Da", "text": "Da rất khô. Da mặt cũng vậy."},
        {"id": "dry", "lang": "vi", "title": "Trời", "text": "Trời khô, khô, khô và khô. Trời đã mưa."},
    ])
    assert engine.search("Dam me cua Sa la gi?").hits[0].id == "answer"
    # "da" is mostly skin here, not "đã": it stays a word of the query.
    assert engine.search("da kho").hits[0].id == "skin"


def test_without_a_filter_the_query_language_comes_first(engine):
    engine.add([
        {"id": "es", "lang": "es", "title": "Super Bowl 50",
         "text": "Los Denver Broncos ganaron la Super Bowl 50 contra los Carolina Panthers en 2016."},
        {"id": "en", "lang": "en", "title": "Super Bowl 50",
         "text": "The Denver Broncos defeated the Carolina Panthers to win Super Bowl 50 in 2016."},
    ])
    assert [h.id for h in engine.search("Which team won Super Bowl 50 in 2016?")][0] == "en"
    assert [h.id for h in engine.search("¿Quién ganó la Super Bowl 50 en 2016?")][0] == "es"


def _proximity_docs():
    filler = "Hội nghị năm nay có nhiều đại biểu đến từ các tỉnh phía bắc và phía nam. "
    return [
        {"id": "apart", "lang": "vi", "title": "Tin ngắn",
         "text": "Ông Ninh kể chuyện. " + filler * 2 + "Hạt lúa được mùa. " + filler * 2
         + "Nhân viên đến an ủi."},
        {"id": "together", "lang": "vi", "title": "Tin dài",
         "text": filler * 3 + "Đại biểu bàn về an ninh hạt nhân. " + filler * 3},
    ]


def test_vietnamese_syllables_found_together_rank_above_the_same_syllables_apart():
    # Whole-word bonuses off: only where the syllables stand can tell the two apart.
    plain = Engine.in_memory(weights=Weights(compound=0.0, pair=0.0, proximity={}, adjacent={},
                                             unmarked_proximity=0.0, unmarked_adjacent=0.0))
    near = Engine.in_memory(weights=Weights(compound=0.0, pair=0.0))
    for engine in (plain, near):
        engine.add(_proximity_docs())
    for query in ("an ninh hạt nhân", "an ninh hat nhan"):
        assert [h.id for h in plain.search(query)] == ["apart", "together"], "shorter wins on BM25"
        assert [h.id for h in near.search(query)] == ["together", "apart"]


def test_syllables_side_by_side_in_the_query_order_rank_first_with_marks_or_without():
    # The same four syllables in one clause of each text; only their order tells them apart.
    docs = [
        {"id": "scrambled", "lang": "vi", "title": "Tin", "text": "Nhân dân Ninh Bình gieo hạt, an tâm."},
        {"id": "in-order", "lang": "vi", "title": "Tin", "text": "Đại biểu bàn về an ninh hạt nhân."},
    ]
    apart = Engine.in_memory(weights=Weights(compound=0.0, pair=0.0, adjacent={}, unmarked_adjacent=0.0))
    side = Engine.in_memory(weights=Weights(compound=0.0, pair=0.0))
    for engine in (apart, side):
        engine.add(docs)
    for query in ("an ninh hat nhan", "an ninh hạt nhân"):
        assert [h.id for h in apart.search(query)] == ["scrambled", "in-order"], "a tie"
        assert [h.id for h in side.search(query)] == ["in-order", "scrambled"]


def test_an_english_query_is_not_read_as_vietnamese_typed_without_marks_unless_filtered_to_it():
    docs = [
        {"id": "scrambled", "lang": "vi", "title": "Tin",
         "text": "Hội nghị summit security nuclear ở Seoul diễn ra hôm qua."},
        {"id": "in-order", "lang": "vi", "title": "Tin",
         "text": "Hội nghị nuclear security summit ở Seoul diễn ra hôm qua."},
    ]
    engine = Engine.in_memory(weights=Weights(compound=0.0, pair=0.0))
    engine.add(docs)
    query = "What happened at the nuclear security summit in Seoul?"  # surely English
    # Neither read as Vietnamese without marks nor as a Vietnamese phrase, without a filter.
    assert [h.id for h in engine.search(query)] == ["scrambled", "in-order"], "a tie"
    assert [h.id for h in engine.search(query, lang="vi")] == ["in-order", "scrambled"]


@pytest.mark.parametrize("query, unmarked", [
    ("an ninh hat nhan", {"vi"}),
    ("an ninh hạt nhân", set()),
    ("ядерная безопасность", set()),  # no marks, but no Latin letters: not Vietnamese
    ("МАГАТЭ IAEA", set()),
])
def test_only_latin_letters_without_a_mark_are_read_as_vietnamese_typed_without_marks(query, unmarked):
    from index.schema import build_schema
    from search.builder import QueryBuilder
    from search.query import parse

    plan = QueryBuilder(build_schema()).build(parse(query), ["vi", "ru"])
    assert plan.unmarked == unmarked


def test_pages_of_a_reordered_ranking_neither_repeat_nor_skip_results(engine):
    engine.add(_proximity_docs() + [
        {"id": f"n{i}", "lang": "vi", "title": f"Tin {i}",
         "text": "An ninh " * (i % 3 + 1) + "và hạt giống. " * (i % 4 + 1) + "Nhân dân. " * (i % 2 + 1)}
        for i in range(14)])
    whole = [h.id for h in engine.search("an ninh hạt nhân", limit=15)]
    paged = [h.id for page in range(1, 6) for h in engine.search("an ninh hạt nhân", limit=3, page=page)]
    assert len(whole) == 15 and paged == whole


def test_scores_shown_follow_the_order_of_the_results():
    engine = Engine.in_memory(weights=Weights(compound=0.0, pair=0.0))  # proximity alone decides
    engine.add(_proximity_docs())
    hits = engine.search("an ninh hạt nhân").hits
    assert [h.id for h in hits] == ["together", "apart"]
    assert hits[0].score > hits[1].score


def test_a_news_article_with_the_query_in_its_lead_ranks_above_one_that_mentions_it_later():
    filler = "Погода в регионе остаётся тёплой, дожди ожидаются к выходным. " * 12
    docs = [
        {"id": "later", "lang": "ru", "title": "Новости",
         "text": filler + "Также обсуждалась ядерная безопасность."},
        {"id": "lead", "lang": "ru", "title": "Новости",
         "text": "Обсуждалась ядерная безопасность. " + filler + "Также"},
    ]
    # The same filler makes the two near-duplicates: they are compared unfolded.
    plain = Engine.in_memory(weights=Weights(lead={}))
    news = Engine.in_memory()
    for engine in (plain, news):
        engine.add(docs)
    unfolded = plain.search("ядерная безопасность", fold=False)
    assert [h.id for h in unfolded] == ["later", "lead"], "a tie without it"
    assert [h.id for h in news.search("ядерная безопасность", fold=False)] == ["lead", "later"]


@pytest.mark.embedded_only  # the cluster serves concurrent searches itself
def test_searches_from_many_threads_run_one_at_a_time_with_the_same_answers(seeds_engine, monkeypatch):
    import threading
    import time

    from search.ranking import Ranker

    queries = ["ядерная безопасность", "an ninh hat nhan", "hạt nhân", "МАГАТЭ"]
    alone = {q: [h.id for h in seeds_engine.search(q).hits] for q in queries}
    active, most = [0], [0]
    guard = threading.Lock()
    rank = Ranker.rank

    def watched(self, *args, **kwargs):
        with guard:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.005)  # room for another thread to come in, were it let
        try:
            return rank(self, *args, **kwargs)
        finally:
            with guard:
                active[0] -= 1

    monkeypatch.setattr(Ranker, "rank", watched)
    answers: list[tuple[str, list[str]]] = []

    def client(n):
        for i in range(6):
            q = queries[(n + i) % len(queries)]
            answers.append((q, [h.id for h in seeds_engine.search(q).hits]))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 36 and all(ids == alone[q] for q, ids in answers)
    assert most[0] == 1


def test_a_words_weights_in_its_fields_are_summed_per_document_for_rare_and_common_words():
    import numpy as np

    from search.ranking import _sum_by_document

    rng = np.random.default_rng(7)
    for size, share in [(1000, 0.01), (1000, 0.5)]:  # the sorting path and the dense one
        fields = [np.sort(rng.choice(size, int(size * share), replace=False)) for _ in range(3)]
        ids = np.concatenate(fields)
        weights = rng.random(len(ids))
        distinct, sums = _sum_by_document(ids, weights, size)
        expected = {}
        for d, w in zip(ids.tolist(), weights.tolist()):
            expected[d] = expected.get(d, 0.0) + w
        assert distinct.tolist() == sorted(expected)
        assert sums.tolist() == [expected[d] for d in sorted(expected)]


def test_a_rare_one_syllable_name_outweighs_a_common_two_syllable_word(engine):
    # "âm nhạc" is in 3 documents of 10 and "Lindisfarne" in 1: counted as three terms (its
    # two syllables and the word), the common word outweighed the rare name.
    engine.add([
        {"id": "name", "title": "", "lang": "vi", "text": "Lindisfarne biểu diễn tối qua ở Tyneside."},
        {"id": "word", "title": "", "lang": "vi", "text": "Âm nhạc vang lên tối qua ở Tyneside."},
    ] + [{"id": f"other {i}", "title": "", "lang": "vi",
          "text": f"Bài {i} nói về âm nhạc trong nước." if i < 2 else f"Tin tức số {i} về kinh tế."}
         for i in range(8)])
    assert engine.search("Lindisfarne âm nhạc").hits[0].id == "name"


def test_only_the_pairs_between_words_count_as_side_by_side_not_the_syllables_of_one_word():
    from search.placement import _side_by_side

    # "an ninh hạt nhân": syllables 0-3, the words an ninh (0, 1) and hạt nhân (2, 3).
    spans = [(0, 2, 0), (3, 7, 1), (8, 11, 2), (12, 16, 3)]
    assert _side_by_side(spans) == 3
    assert _side_by_side(spans, joined={1, 3}) == 1  # ninh -> hạt only
