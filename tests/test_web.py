"""Every route through Flask's test client."""

from __future__ import annotations

import pytest

from search import Engine
from tests.conftest import SAMPLES
from web import create_app

EVIL = {"id": "evil", "lang": "en", "title": "<script>alert(1)</script> evil title",
        "text": "evil body <img src=x onerror=alert(2)> </mark><b>bold</b>",
        "url": "javascript:alert(3)"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "ix"
    with Engine.create(path) as engine:
        engine.index_paths([SAMPLES])
        engine.add([EVIL])
    app = create_app({"INDEX": str(path), "TESTING": True})
    return app.test_client()


def test_home_shows_the_collection(client):
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "documents" in page and "Tiếng Việt" in page


def test_search_without_marks_shows_the_vietnamese_article_marked(client):
    r = client.get("/search?q=an+ninh+hat+nhan")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "<mark>an ninh</mark>" in page and "<mark>hạt nhân</mark>" in page
    assert 'lang="vi"' in page
    assert 'value="an ninh hat nhan"' in page, "the query stays in the box"


def test_language_facet_filters(client):
    page = client.get("/search?q=robusta").get_data(as_text=True)
    assert "lang=en" in page and "lang=fr" in page and "lang=vi" in page
    filtered = client.get("/search?q=robusta&lang=fr").get_data(as_text=True)
    assert "Le prix du café" in filtered and "Coffee prices reach" not in filtered


def test_no_results_page(client):
    r = client.get("/search?q=zzzqqqxxx")
    assert r.status_code == 200 and "No results" in r.get_data(as_text=True)


@pytest.mark.parametrize("q", ['"unclosed', "title:", "-", "*", "a*", "OR"])
def test_odd_queries_never_500(client, q):
    assert client.get("/search", query_string={"q": q}).status_code in (200, 400)


def test_long_query_and_bad_page_are_400_with_a_message(client):
    r = client.get("/search", query_string={"q": "x" * 5000})
    assert r.status_code == 400 and "limit" in r.get_data(as_text=True)
    assert client.get("/search?q=x&page=abc").status_code == 400
    assert client.get("/api/search?q=x&page=999999").status_code == 400


def test_api_search_json_shape(client):
    data = client.get("/api/search?q=ядерная+безопасность").get_json()
    assert set(data) == {"query", "total", "page", "limit", "took_ms", "languages", "hits", "partial",
                         "sort", "months", "sources", "suggestion", "corrected", "across"}
    assert data["across"] is None  # not asked
    top = data["hits"][0]
    assert top["lang"] == "ru" and ["ядерной", True] in top["snippet"]


def test_document_page_and_api(client):
    data = client.get("/api/search?q=ядерная+безопасность").get_json()
    doc_id = data["hits"][0]["id"]
    page = client.get(f"/doc/{doc_id}?q=ядерная+безопасность").get_data(as_text=True)
    assert "<mark>ядерной</mark>" in page
    assert client.get(f"/api/doc/{doc_id}").get_json()["id"] == doc_id
    assert client.get("/doc/nope").status_code == 404
    assert client.get("/api/doc/nope").status_code == 404


def test_document_text_is_escaped_and_script_urls_dropped(client):
    page = client.get("/search?q=evil").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and "javascript:" not in page
    doc = client.get("/doc/evil").get_data(as_text=True)
    assert "<b>bold</b>" not in doc and "javascript:" not in doc


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"]


def test_interface_language_follows_the_browser_and_the_switch(client):
    assert "Tìm" in client.get("/", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Найти" in client.get("/?ui=ru").get_data(as_text=True)


def test_opensearch_description(client):
    r = client.get("/opensearch.xml")
    assert r.status_code == 200 and "{searchTerms}" in r.get_data(as_text=True)
    assert r.mimetype == "application/opensearchdescription+xml"


def test_missing_index_home_says_how_to_fill_it(tmp_path):
    app = create_app({"INDEX": str(tmp_path / "none"), "TESTING": True})
    page = app.test_client().get("/").get_data(as_text=True)
    assert "search index" in page


def test_every_api_error_is_json_of_one_shape(client):
    for url, status in [("/api/no-such-route", 404), ("/api/doc/no-such-id", 404),
                        ("/api/search?q=x&page=abc", 400), ("/api/search", 400)]:
        r = client.get(url)
        assert r.status_code == status and r.is_json, (url, r.status_code, r.content_type)
        data = r.get_json()
        assert set(data) == {"error", "status"} and data["status"] == status and data["error"], data


def test_opensearch_uses_the_configured_base_url_not_the_host_header(tmp_path):
    with Engine.create(tmp_path / "ix") as engine:
        engine.add([{"id": "1", "title": "t", "text": "x", "lang": "en"}])
    app = create_app({"INDEX": str(tmp_path / "ix"), "TESTING": True,
                      "BASE_URL": "https://news.example/"})
    xml = app.test_client().get("/opensearch.xml", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert 'template="https://news.example/search?q={searchTerms}"' in xml and "evil" not in xml


def test_opensearch_refuses_a_host_header_that_is_not_a_host(client):
    r = client.get("/opensearch.xml", headers={"Host": 'x"><script>alert(1)</script>'})
    assert r.status_code == 400 and "alert(1)" not in r.get_data(as_text=True)
    ok = client.get("/opensearch.xml", headers={"Host": "127.0.0.1:8000"}).get_data(as_text=True)
    assert 'template="http://127.0.0.1:8000/search?q={searchTerms}"' in ok


def test_an_index_that_lost_its_table_of_contents_is_the_librarys_error(tmp_path):
    from search import IndexNotFound

    with Engine.create(tmp_path / "ix") as engine:
        engine.add([{"id": "1", "title": "t", "text": "x", "lang": "en"}])
        for toc in (tmp_path / "ix").glob("_main_*.toc"):
            toc.unlink()
        engine._store._searcher = None  # as a new process would: no searcher open yet
        with pytest.raises(IndexNotFound, match="rebuild"):
            engine.search("x")
    with pytest.raises(IndexNotFound, match="rebuild"):
        Engine.open(tmp_path / "ix")
