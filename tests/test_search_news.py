"""News search as people expect it: date order, browsing by filters, month and source facets."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from search import Engine, QueryError
from search.query_language import QueryLanguage
from search.cli import main
from web import create_app

from tests.conftest import new_engine

BOTH_BACKENDS = True

NEWS = [
    {"id": "ru-nov", "lang": "ru", "date": "2026-11-20", "url": "https://www.rt.com/news/1",
     "title": "Ядерная безопасность", "text": "Переговоры о ядерной безопасности продолжились."},
    {"id": "ru-oct", "lang": "ru", "date": "2026-10-03", "source": "TASS",
     "title": "Безопасность АЭС", "text": "Безопасность атомной станции проверили эксперты."},
    {"id": "ru-old", "lang": "ru", "date": "2019-05-01", "url": "http://tass.ru/a/2",
     "title": "Старая новость о безопасности", "text": "Безопасность и ещё раз безопасность."},
    {"id": "ru-undated", "lang": "ru", "title": "Без даты", "text": "Безопасность без даты."},
    {"id": "vi-nov", "lang": "vi", "date": "2026-11-02", "url": "https://vnexpress.net/an-ninh",
     "title": "An ninh hạt nhân", "text": "Hội nghị về an ninh hạt nhân khai mạc tại Hà Nội."},
    {"id": "en-dec", "lang": "en", "date": "2026-12-01", "url": "https://www.reuters.com/x",
     "title": "Nuclear security talks", "text": "Talks on nuclear security resumed."},
]


def _engine_of(docs):
    """An engine in memory holding ``docs``, closed after its module's tests."""
    engine = Engine.in_memory()
    engine.add(docs)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def news(backend):
    with new_engine(backend) as engine:
        engine.add(NEWS)
        yield engine


def ids(results) -> list[str]:
    return [hit.id for hit in results]


def test_date_order_puts_newest_or_oldest_first_and_undated_last(news):
    assert ids(news.search("безопасность", sort="newest")) == ["ru-nov", "ru-oct", "ru-old", "ru-undated"]
    assert ids(news.search("безопасность", sort="oldest")) == ["ru-old", "ru-oct", "ru-nov", "ru-undated"]
    by_relevance = news.search("безопасность")
    assert by_relevance.sort == "relevance" and set(ids(by_relevance)) == {
        "ru-nov", "ru-oct", "ru-old", "ru-undated"}


def test_an_unknown_order_is_refused_with_the_orders_there_are(news):
    with pytest.raises(QueryError, match="relevance, newest, oldest"):
        news.search("безопасность", sort="alphabetical")


def test_date_order_pages_through_every_result_once(news):
    pages = [ids(news.search("безопасность", sort="newest", limit=1, page=p)) for p in range(1, 5)]
    assert sum(pages, []) == ["ru-nov", "ru-oct", "ru-old", "ru-undated"]


def test_filters_alone_list_every_document_they_let_through_newest_first(news):
    assert ids(news.search("lang:ru")) == ["ru-nov", "ru-oct", "ru-old", "ru-undated"]
    assert news.search("lang:ru").sort == "newest"
    assert ids(news.search("date:2026-11")) == ["ru-nov", "vi-nov"]
    assert ids(news.search("date:2026")) == ["en-dec", "ru-nov", "vi-nov", "ru-oct"]
    assert ids(news.search("lang:ru date:2026", sort="oldest")) == ["ru-oct", "ru-nov"]


def test_the_source_filter_takes_a_host_or_a_source_name(news):
    assert ids(news.search("source:rt.com")) == ["ru-nov"]
    assert ids(news.search("source:https://www.RT.com/")) == ["ru-nov"]
    assert ids(news.search("source:tass")) == ["ru-oct"]
    assert ids(news.search("source:tass.ru")) == ["ru-old"]
    assert ids(news.search("безопасность source:rt.com")) == ["ru-nov"]
    assert news.search("source:nowhere.example").total == 0


def test_no_query_at_all_lists_the_latest_in_a_date_order_and_nothing_by_relevance(news):
    assert ids(news.search("", sort="newest", limit=3)) == ["en-dec", "ru-nov", "vi-nov"]
    assert news.search("", sort="newest").total == len(NEWS)
    assert news.search("").total == 0


def test_month_facet_counts_results_in_date_order_within_the_language_filter(news):
    results = news.search("безопасность")
    assert results.months == {"2019-05": 1, "2026-10": 1, "2026-11": 1}
    assert list(news.search("", sort="newest").months) == ["2019-05", "2026-10", "2026-11", "2026-12"]
    assert news.search("security", lang="en").months == {"2026-12": 1}


def test_source_facet_names_hosts_or_sources_most_results_first(news):
    assert news.search("lang:ru").sources == {"rt.com": 1, "tass": 1, "tass.ru": 1}
    everything = news.search("", sort="newest")
    assert set(everything.sources) == {"rt.com", "tass", "tass.ru", "vnexpress.net", "reuters.com"}
    hit = news.search("source:rt.com")[0]
    assert hit.site == "rt.com" and hit.date == "2026-11-20"


def test_a_source_given_by_host_or_address_counts_under_one_name():
    with Engine.in_memory() as engine:
        engine.add([{"id": str(i), "title": "Tin", "text": "tin tức", "lang": "vi", "url": url}
                    for i, url in enumerate(["https://www.vnexpress.net/a", "http://vnexpress.net/b"])])
        assert engine.search("tin").sources == {"vnexpress.net": 2}


def test_results_can_be_indexed_counted_and_iterated(news):
    results = news.search("безопасность", sort="newest")
    assert len(results) == 4 and results[0].id == "ru-nov" and results[-1].id == "ru-undated"
    assert [hit.id for hit in results] == [results[i].id for i in range(len(results))]
    with pytest.raises(IndexError):
        results[10]


def test_the_command_sorts_browses_and_gives_facets_as_json(tmp_path):
    with Engine.create(tmp_path / "ix") as engine:
        engine.add(NEWS)
    runner = CliRunner()
    out = runner.invoke(main, ["--index", str(tmp_path / "ix"), "query", "lang:ru", "--sort", "oldest",
                               "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [h["id"] for h in data["hits"]] == ["ru-old", "ru-oct", "ru-nov", "ru-undated"]
    assert data["sort"] == "oldest" and data["months"]["2026-11"] == 1 and data["sources"]["rt.com"] == 1
    text = runner.invoke(main, ["--index", str(tmp_path / "ix"), "query", "source:rt.com"])
    assert "1 result, newest first" in text.output and "rt.com" in text.output
    wrong = runner.invoke(main, ["--index", str(tmp_path / "ix"), "query", "x", "--sort", "sideways"])
    assert wrong.exit_code != 0 and "newest" in wrong.output


@pytest.fixture(scope="module")
def client(news):
    return create_app({"ENGINE": news, "TESTING": True}).test_client()


def test_api_sorts_and_reports_facets_and_refuses_an_unknown_order(client):
    data = client.get("/api/search?q=lang:ru&sort=oldest").get_json()
    assert [h["id"] for h in data["hits"]][:2] == ["ru-old", "ru-oct"]
    assert data["sort"] == "oldest" and data["months"] and data["sources"]
    bad = client.get("/api/search?q=x&sort=sideways")
    assert bad.status_code == 400 and "newest" in bad.get_json()["error"]


@pytest.mark.parametrize("ui, count, date", [
    ("en", "4 results", "November 20, 2026"),
    ("ru", "4 результата", "20 ноября 2026"),
    ("vi", "4 kết quả", "20 tháng 11, 2026"),
])
def test_the_page_counts_and_dates_in_the_interface_language(client, ui, count, date):
    page = client.get(f"/search?q=lang:ru&ui={ui}").get_data(as_text=True)
    assert count in page and date in page


@pytest.mark.parametrize("n, words", [(1, "1 результат "), (3, "3 результата"), (5, "5 результатов"),
                                      (21, "21 результат "), (1234, "1\xa0234 результата"),
                                      (1235, "1\xa0235 результатов")])
def test_russian_plural_forms_follow_the_number(n, words):
    with Engine.in_memory() as engine:
        engine.add([{"id": str(i), "lang": "ru", "title": "Новость", "text": "новость дня"}
                    for i in range(n)])
        page = create_app({"ENGINE": engine}).test_client().get("/search?q=новость&ui=ru")
        assert words in page.get_data(as_text=True)


def test_the_page_offers_the_orders_months_and_sources_as_links_that_keep_the_query(client):
    page = client.get("/search?q=безопасность&limit=2").get_data(as_text=True)
    assert "sort=newest" in page and "sort=oldest" in page
    assert "date%3A2026-11" in page or "date:2026-11" in page
    assert "source%3Art.com" in page or "source:rt.com" in page
    assert "rt.com" in page and "<time" in page


def test_the_next_page_keeps_every_parameter(client):
    page = client.get("/search?q=lang:ru&limit=1&sort=oldest&lang=ru").get_data(as_text=True)
    nxt = page.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert "page=2" in nxt and "limit=1" in nxt and "sort=oldest" in nxt and "lang=ru" in nxt
    second = client.get(nxt).get_data(as_text=True)
    assert "Безопасность АЭС" in second


def test_the_home_page_lists_the_latest_articles(client):
    page = client.get("/?ui=en").get_data(as_text=True)
    assert "Latest" in page
    assert page.index("Nuclear security talks") < page.index("An ninh hạt nhân")


# -- the language of a short query -------------------------------------------------------------

def _reader_over(docs):
    """A QueryLanguage over an index of ``docs``, with what it reads from it."""
    engine = Engine.in_memory()
    engine.add(docs)
    arrays = engine._arrays(engine._store.searcher())
    reader = QueryLanguage(engine._store.ix.schema)
    return lambda text: reader.read(text, arrays.columns.live_counts("alang"),
                                    arrays.terms.doc_frequency)


MIXED = [
    {"id": "en1", "lang": "en", "title": "Hello from the world summit",
     "text": "Leaders said hello to the world at the summit on nuclear security."},
    {"id": "en2", "lang": "en", "title": "World markets", "text": "The world economy grew."},
    {"id": "vi1", "lang": "vi", "title": "An ninh hạt nhân",
     "text": "Hội nghị về an ninh hạt nhân bàn về nhân lực và an toàn."},
    {"id": "vi2", "lang": "vi", "title": "Nhân dân", "text": "An ninh trật tự được bảo đảm."},
    {"id": "ru1", "lang": "ru", "title": "Ядерная безопасность",
     "text": "Переговоры о ядерной безопасности."},
    {"id": "fi1", "lang": "fi", "title": "Uutiset", "text": "Hallitus kokoontui tänään Helsingissä."},
    {"id": "de1", "lang": "de", "title": "Nachrichten",
     "text": "Er hat an dem Treffen teilgenommen und hat nah am Haus gewartet."},
]


def test_a_two_word_english_query_is_read_as_english():
    read = _reader_over(MIXED)
    assert read("hello world") == "en"
    assert read("nuclear security") == "en"


def test_a_vietnamese_query_typed_without_marks_is_read_as_vietnamese():
    read = _reader_over(MIXED)
    assert read("an ninh hat nhan") == "vi"
    assert read("an ninh hạt nhân") == "vi"


def test_a_query_of_words_no_language_holds_or_all_hold_alike_has_no_language():
    read = _reader_over(MIXED)
    assert read("zzqx wqyv") is None
    assert read("") is None


def test_a_language_no_document_is_in_is_never_the_querys():
    read = _reader_over([d for d in MIXED if d["lang"] != "en"])
    assert read("hello world") != "en"
    assert _reader_over([d for d in MIXED if d["lang"] == "en"])("hello world") == "en"


def test_an_unaccented_vietnamese_query_ranks_vietnamese_above_a_german_page_with_its_words():
    with Engine.in_memory() as engine:
        engine.add(MIXED)
        assert engine.search("an ninh hat nhan")[0].lang == "vi"
        assert engine.search("hello world")[0].id == "en1"


# -- near-duplicates folded ----------------------------------------------------------------------

STORY = (
    "Hội nghị thượng đỉnh về an ninh hạt nhân khai mạc sáng nay tại Hà Nội với sự tham dự của "
    "lãnh đạo hơn ba mươi quốc gia. Các đại biểu thảo luận về việc kiểm soát vật liệu phóng xạ, "
    "hợp tác đào tạo chuyên gia và chia sẻ thông tin giữa các cơ quan quản lý. Bộ trưởng Bộ Khoa "
    "học và Công nghệ cho biết Việt Nam sẽ tiếp tục hoàn thiện khung pháp lý về an toàn bức xạ. "
    "Nhiều chuyên gia quốc tế đánh giá cao nỗ lực của nước chủ nhà trong việc tổ chức hội nghị. "
    "Phiên bế mạc dự kiến diễn ra vào chiều mai với tuyên bố chung của các nước tham gia."
)
OTHER = (
    "Giá cà phê robusta trên sàn London tăng mạnh trong tuần qua do lo ngại nguồn cung từ Việt "
    "Nam giảm vì thời tiết khô hạn kéo dài ở Tây Nguyên. Các thương lái cho biết nông dân đang "
    "giữ hàng chờ giá lên thêm, trong khi nhu cầu của các nhà rang xay châu Âu vẫn ổn định. "
    "Hiệp hội cà phê dự báo sản lượng niên vụ tới có thể thấp hơn năm ngoái khoảng mười phần trăm."
)
COPIES = [
    {"id": "story", "lang": "vi", "date": "2026-11-03", "url": "https://vnexpress.net/a",
     "title": "Khai mạc hội nghị an ninh hạt nhân", "text": STORY},
    {"id": "story-copy", "lang": "vi", "date": "2026-11-03", "url": "https://baomoi.com/b",
     "title": "Hội nghị an ninh hạt nhân khai mạc tại Hà Nội", "text": STORY + " Theo TTXVN."},
    {"id": "story-amp", "lang": "vi", "date": "2026-11-03", "url": "https://amp.vnexpress.net/a",
     "title": "Khai mạc hội nghị an ninh hạt nhân", "text": STORY},
    {"id": "other", "lang": "vi", "date": "2026-11-04", "title": "Giá cà phê tăng", "text": OTHER},
    {"id": "brief-1", "lang": "vi", "title": "Tin ngắn", "text": "Hội nghị an ninh hạt nhân."},
    {"id": "brief-2", "lang": "vi", "title": "Tin ngắn", "text": "Hội nghị an ninh hạt nhân."},
]


@pytest.fixture(scope="module")
def copies(backend):
    with new_engine(backend) as engine:
        engine.add(COPIES)
        yield engine


def test_copies_of_one_story_show_once_with_the_others_as_similar(copies):
    results = copies.search("an ninh hạt nhân")
    shown = [hit.id for hit in results]
    story = [hit for hit in results if hit.id in ("story", "story-copy", "story-amp")]
    assert len(story) == 1, shown
    assert sorted(story[0].similar + [story[0].id]) == ["story", "story-amp", "story-copy"]
    assert "other" not in story[0].similar
    assert results.total == len(shown) == 3  # the story, and the two briefs (too short to fold)


def test_folding_keeps_the_best_placed_copy_and_can_be_turned_off(copies):
    unfolded = copies.search("an ninh hạt nhân", fold=False)
    assert unfolded.total == 5 and all(hit.similar == [] for hit in unfolded)
    first_copy = next(h.id for h in unfolded if h.id.startswith("story"))
    folded = copies.search("an ninh hạt nhân")
    assert next(h.id for h in folded if h.id.startswith("story")) == first_copy
    by_date = copies.search("date:2026-11")
    assert len(by_date) == 2 and by_date[0].id == "other" and len(by_date[1].similar) == 2


def test_a_different_story_is_not_folded_with_the_first():
    with Engine.in_memory() as engine:
        engine.add([COPIES[0], COPIES[3]])
        assert all(hit.similar == [] for hit in engine.search("lang:vi"))


def test_a_deleted_copy_is_no_longer_similar(copies):
    with Engine.in_memory() as engine:
        engine.add(COPIES[:3])
        engine.delete("story-copy")
        (hit,) = engine.search("an ninh hạt nhân").hits
        assert sorted([hit.id] + hit.similar) == ["story", "story-amp"]


def test_the_command_and_the_api_give_the_similar_ids(copies, tmp_path):
    data = create_app({"ENGINE": copies, "TESTING": True}).test_client().get(
        "/api/search?q=lang:vi").get_json()
    assert any(len(hit["similar"]) == 2 for hit in data["hits"])
    unfolded = create_app({"ENGINE": copies, "TESTING": True}).test_client().get(
        "/api/search?q=lang:vi&fold=0").get_json()
    assert unfolded["total"] == 6 and all(hit["similar"] == [] for hit in unfolded["hits"])
    with Engine.create(tmp_path / "ix") as engine:
        engine.add(COPIES)
    out = CliRunner().invoke(main, ["--index", str(tmp_path / "ix"), "query", "lang:vi"])
    assert "+2 similar" in out.output


@pytest.mark.parametrize("ui, label", [("en", "2 similar articles"), ("vi", "2 bài tương tự"),
                                       ("ru", "2 похожие статьи")])
def test_the_page_lists_the_similar_articles_under_their_copy(copies, ui, label):
    page = create_app({"ENGINE": copies, "TESTING": True}).test_client().get(
        f"/search?q=an+ninh+hạt+nhân&ui={ui}").get_data(as_text=True)
    assert label in page and "<details" in page
    assert page.count("Hội nghị an ninh hạt nhân khai mạc tại Hà Nội") + page.count(
        "Khai mạc hội nghị an ninh hạt nhân") >= 3


# -- did you mean --------------------------------------------------------------------------------

SPELLING = [
    {"id": "ru1", "lang": "ru", "title": "Ядерная безопасность",
     "text": "Переговоры о ядерной безопасности продолжились. Сейсмические станции работают."},
    {"id": "ru2", "lang": "ru", "title": "Безопасность на дорогах",
     "text": "Безопасность движения обсудили в Москве. Сейсмические данные опубликованы."},
    {"id": "en1", "lang": "en", "title": "Nuclear security talks",
     "text": "Talks on nuclear security resumed in Vienna."},
    {"id": "en2", "lang": "en", "title": "Nuclear energy", "text": "Nuclear energy grows in Asia."},
    {"id": "vi1", "lang": "vi", "title": "An ninh hạt nhân",
     "text": "Hội nghị về an ninh hạt nhân khai mạc. Nhà máy điện hạt nhân được kiểm tra."},
    {"id": "vi2", "lang": "vi", "title": "Năng lượng hạt nhân",
     "text": "Năng lượng hạt nhân và an ninh hạt nhân được bàn tại hội nghị."},
]


@pytest.fixture(scope="module")
def speller():
    yield from _engine_of(SPELLING)


@pytest.mark.parametrize("typed, meant", [
    ("безопастность", "безопасность"),     # Russian, a letter changed
    ("nuclaer", "nuclear"),                 # English, two letters swapped
    ("ctqcvbxtcrbt", "сейсмические"),       # Russian typed with the Latin layout on
    ("lang:ru безопастность", "lang:ru безопасность"),  # filters are kept as they are
])
def test_a_query_that_finds_nothing_shows_what_its_correction_finds(speller, typed, meant):
    results = speller.search(typed)
    assert results.corrected and results.suggestion == meant and results.total > 0
    assert results.query == typed
    as_typed = speller.search(typed, correct=False)
    assert as_typed.total == 0 and not as_typed.corrected and as_typed.suggestion == meant


@pytest.mark.parametrize("typed, meant", [
    ("nuclaer security", "nuclear security"),     # the other word still finds something
    ("an ninh hajt nhaan", "an ninh hạt nhân"),   # Vietnamese typed in Telex
    ("an ninh hạt nhăn", "an ninh hạt nhân"),     # one syllable with the wrong mark
    ("an ninh hat nhân", "an ninh hạt nhân"),     # one syllable without its mark
])
def test_a_query_that_finds_a_little_is_offered_its_correction(speller, typed, meant):
    results = speller.search(typed)
    assert results.suggestion == meant and not results.corrected and results.total > 0


@pytest.mark.parametrize("query", ["ядерная безопасность", "nuclear security", "an ninh hạt nhân",
                                   "an ninh hat nhan", "lang:ru"])
def test_a_query_spelt_right_gets_no_suggestion(speller, query):
    results = speller.search(query)
    assert results.suggestion is None and not results.corrected


def test_nothing_near_is_no_suggestion(speller):
    results = speller.search("qqxqzv")
    assert results.total == 0 and results.suggestion is None


def test_a_correction_follows_the_index_as_it_changes():
    with Engine.in_memory() as engine:
        engine.add(SPELLING)
        assert engine.search("nuclaer").suggestion == "nuclear"
        engine.delete("en1", "en2")
        assert engine.search("nuclaer").suggestion is None
        engine.add([{"id": f"n{i}", "lang": "en", "title": "Nuclear", "text": "nuclear power"}
                    for i in range(2)])
        assert engine.search("nuclaer").suggestion == "nuclear"


def test_the_command_and_the_api_report_the_correction(speller, tmp_path):
    data = create_app({"ENGINE": speller, "TESTING": True}).test_client().get(
        "/api/search?q=nuclaer").get_json()
    assert data["suggestion"] == "nuclear" and data["corrected"] is True and data["hits"]
    as_typed = create_app({"ENGINE": speller, "TESTING": True}).test_client().get(
        "/api/search?q=nuclaer&correct=0").get_json()
    assert as_typed["corrected"] is False and as_typed["total"] == 0
    with Engine.create(tmp_path / "ix") as engine:
        engine.add(SPELLING)
    out = CliRunner().invoke(main, ["--index", str(tmp_path / "ix"), "query", "nuclaer"])
    assert "Showing results for 'nuclear'" in out.output and "Nuclear" in out.output
    offered = CliRunner().invoke(main, ["--index", str(tmp_path / "ix"), "query", "nuclaer", "security"])
    assert "Did you mean 'nuclear security'?" in offered.output


@pytest.mark.parametrize("ui, showing, instead", [
    ("en", "Showing results for", "Search instead for"),
    ("vi", "Đang hiển thị kết quả cho", "Tìm chính xác"),
    ("ru", "Показаны результаты по запросу", "Искать вместо этого"),
])
def test_the_page_says_whose_results_it_shows_and_links_the_query_as_typed(speller, ui, showing, instead):
    client = create_app({"ENGINE": speller, "TESTING": True}).test_client()
    page = client.get(f"/search?q=безопастность&ui={ui}").get_data(as_text=True)
    assert showing in page and instead in page and "correct=0" in page
    as_typed = client.get(f"/search?q=безопастность&ui={ui}&correct=0").get_data(as_text=True)
    assert showing not in as_typed and "безопасность</strong>" in as_typed


def test_pages_of_stories_that_each_have_many_copies_show_every_story_once():
    # Eight copies of each story: a page's first ordering (twice the page) holds too few
    # stories, and the results are ordered deeper until it holds enough.
    rng = random.Random(7)
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "vo", "de", "pu", "ge", "xa"]
    stories = [" ".join("".join(rng.choices(syllables, k=3)) for _ in range(60)) for _ in range(12)]
    docs = [{"id": f"s{i}-{c}", "lang": "en", "title": f"Harbour report {i}",
             "text": f"The harbour {text}"} for i, text in enumerate(stories) for c in range(8)]
    with Engine.in_memory() as engine:
        engine.add(docs)
        pages = [engine.search("harbour", page=page, limit=5) for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [5, 5, 2] and pages[0].total == 12
    shown = [hit.id.split("-")[0] for page in pages for hit in page]
    assert sorted(shown) == sorted(f"s{i}" for i in range(12))
    for hit in (hit for page in pages for hit in page):
        story = hit.id.split("-")[0]
        assert sorted(hit.similar) == sorted(f"{story}-{c}" for c in range(8) if f"{story}-{c}" != hit.id)
