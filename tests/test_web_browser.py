"""A real browser: headless Chromium (Debian's), driven by Playwright, against a live server."""

from __future__ import annotations

import os
import shutil
import socket
import threading

import pytest

from search import Engine
from tests.conftest import ROOT, SAMPLES, SEEDS, need_shared
from web import create_app

pytestmark = pytest.mark.browser
HOSTILE = [
    {"id": "x-script", "lang": "en", "title": "<script>window.__injected = 1</script> zebra title",
     "text": "zebra body <img src=x onerror=\"window.__injected = 2\"> and more zebra words",
     "url": "javascript:window.__injected = 3"},
    {"id": "x-mark", "lang": "en", "title": "zebra </mark><b onmouseover=\"window.__injected = 4\">x</b>",
     "text": "zebra </mark><svg onload=\"window.__injected = 5\"></svg> text "
             "\" onfocus=\"window.__injected = 6",
     "url": "https://example.org/\" onclick=\"window.__injected = 7"},
]
#: One story published twice, under two headlines: the page folds them into one result.
_STORY = ("Quokka researchers counted the island's population again this spring and found that "
          "the colony has grown steadily since the last survey, thanks to fewer foxes and a wet "
          "winter that left plenty of grass. The team plans a longer study of how the animals "
          "share shelter during the hottest weeks, when they gather under the same few shrubs. "
          "Volunteers will help with the counting, and the results are due before the summer.")
COPIES = [{"id": "quokka-1", "lang": "en", "date": "2026-03-01", "title": "Quokka numbers grow",
           "text": _STORY},
          {"id": "quokka-2", "lang": "en", "date": "2026-03-02", "title": "More quokkas on the island",
           "text": _STORY}]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need_shared()
    path = tmp_path_factory.mktemp("browser") / "ix"
    with Engine.create(path) as engine:
        engine.index_paths([SEEDS, SAMPLES])
        engine.add(HOSTILE + COPIES)
    from waitress.server import create_server

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = create_server(create_app({"INDEX": str(path)}), host="127.0.0.1", port=port)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    srv.close()


@pytest.fixture(scope="module")
def page():
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        browser.close()


def test_search_without_marks_filter_and_open_a_document(server, page):
    page.goto(server + "/")
    box = page.get_by_role("searchbox")
    box.fill("an ninh hat nhan")
    box.press("Enter")
    page.wait_for_selector("ol.hits")
    first = page.locator("li.hit").first
    assert "an ninh hạt nhân" in first.locator("h2").inner_text()
    marks = first.locator("p.snippet mark").all_inner_texts()
    assert "an ninh" in marks and "hạt nhân" in marks, marks
    assert first.locator("p.snippet").get_attribute("lang") == "vi"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-vi-unmarked.png"), full_page=True)

    page.locator("aside.facets a", has_text="Tiếng Việt").click()
    page.wait_for_selector("ol.hits")
    assert "lang=vi" in page.url
    langs = set(page.locator("li.hit p.meta span.lang").all_inner_texts())
    assert langs == {"vi"}, langs

    page.locator("li.hit h2 a").first.click()
    page.wait_for_selector("article.doc")
    assert page.locator("article.doc .text mark").count() > 0
    page.screenshot(path=str(ARTIFACTS / "document-vi.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]


def test_documents_built_to_inject_script_run_nothing(server, page):
    page.goto(server + "/search?q=zebra")
    page.wait_for_selector("ol.hits")
    titles = page.locator("li.hit h2").all_inner_texts()
    assert any("<script>window.__injected = 1</script>" in t for t in titles), titles
    page.locator("li.hit h2 a").first.hover()
    for doc_id in ("x-script", "x-mark"):
        page.goto(f"{server}/doc/{doc_id}?q=zebra")
        page.wait_for_selector("article.doc")
        assert page.locator("article.doc a[href^='javascript']").count() == 0
        injected = page.locator("article.doc script, article.doc img, article.doc svg, article.doc b")
        assert injected.count() == 0, "document markup reached the page as elements"
        assert "</mark>" in page.locator("article.doc .text").inner_text() or doc_id == "x-script"
        page.locator("article.doc").click()
    # Escaping is the defence; the Content-Security-Policy (no inline script) is the second line.
    assert page.evaluate("() => window.__injected") is None, "a hostile document ran script"
    assert page.errors == []  # type: ignore[attr-defined]


_SORT_NAMES = {"en": ("Newest", "Oldest"), "vi": ("Mới nhất", "Cũ nhất"),
               "ru": ("Сначала новые", "Сначала старые")}
_LANGUAGE_LINK = {"en": "Русский", "vi": "Русский", "ru": "Русский"}


def _dates(page) -> list[str]:
    return [t for t in page.locator("li.hit p.meta time").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('datetime'))")]


@pytest.mark.parametrize("ui", ["en", "vi", "ru"])
def test_browse_sort_and_narrow_by_month_and_source_in_each_interface_language(server, page, ui):
    newest, oldest = _SORT_NAMES[ui]
    page.goto(f"{server}/?ui={ui}")
    latest = _dates(page)
    assert len(latest) >= 5 and latest == sorted(latest, reverse=True), latest
    # A language on the home page lists its documents: a query of one filter, newest first.
    page.locator("ul.langs a", has_text=_LANGUAGE_LINK[ui]).click()
    page.wait_for_selector("ol.hits")
    assert page.get_by_role("searchbox").input_value() == "lang:ru"
    assert page.locator("nav.sort a[aria-current]").inner_text() == newest
    dates = _dates(page)
    assert dates == sorted(dates, reverse=True) and set(page.locator("span.lang").all_inner_texts()) == {"ru"}
    page.locator("nav.sort a", has_text=oldest).click()
    page.wait_for_selector("ol.hits")
    assert "sort=oldest" in page.url and _dates(page) == sorted(_dates(page))
    # A month of the histogram narrows the query to it; the order is kept.
    page.locator("nav.months a").first.click()
    page.wait_for_selector("ol.hits")
    query = page.get_by_role("searchbox").input_value()
    assert query.startswith("lang:ru date:2026-"), query
    month = query.rsplit(":", 1)[1]
    assert _dates(page) and all(d.startswith(month) for d in _dates(page))
    assert "sort=oldest" in page.url
    # A source narrows it to that source.
    source = page.locator("nav.sources a").first
    site = source.inner_text()
    source.click()
    page.wait_for_selector("ol.hits")
    assert page.get_by_role("searchbox").input_value().endswith("source:" + site)
    page.screenshot(path=str(ARTIFACTS / f"browse-{ui}.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]


_SPELLING = {"en": ("Showing results for", "Search instead for", "1 similar article"),
             "vi": ("Đang hiển thị kết quả cho", "Tìm chính xác", "1 bài tương tự"),
             "ru": ("Показаны результаты по запросу", "Искать вместо этого", "1 похожая статья")}


@pytest.mark.parametrize("ui", ["en", "vi", "ru"])
def test_a_misspelt_query_shows_the_correction_and_copies_fold_under_one_result(server, page, ui):
    showing, instead, similar = _SPELLING[ui]
    page.goto(f"{server}/search?q=quokkas+islnd&ui={ui}")
    page.wait_for_selector("ol.hits")
    # "islnd" finds nothing alone, but the query finds something: the correction is offered.
    offered = page.locator("p.spelling a")
    assert offered.inner_text() == "quokkas island"
    offered.click()
    page.wait_for_selector("ol.hits")
    assert page.get_by_role("searchbox").input_value() == "quokkas island"
    # The two copies are one result, with the other one under it.
    quokka = page.locator("li.hit", has_text="quokka").first
    summary = quokka.locator("details.similar summary")
    assert summary.inner_text() == similar
    summary.click()
    others = quokka.locator("details.similar ul li a").first
    assert others.is_visible() and "quokka" in others.get_attribute("href")
    # A query that finds nothing as typed shows the correction's results, and says so.
    page.goto(f"{server}/search?q=quokkaz&ui={ui}")
    page.wait_for_selector("ol.hits")
    assert showing in page.locator("p.spelling").inner_text()
    page.locator("p.spelling a", has_text="quokkaz").click()
    page.wait_for_selector("section.results")
    assert "correct=0" in page.url and page.locator("ol.hits").count() == 0
    page.screenshot(path=str(ARTIFACTS / f"spelling-{ui}.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]
