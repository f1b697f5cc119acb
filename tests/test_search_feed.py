"""Saved searches as Atom feeds: /feed and `search query --format atom`."""

from __future__ import annotations

import feedparser
import pytest
from click.testing import CliRunner

from search import Engine
from search.cli import main
from web import create_app

NEWS = [
    {"id": "ru-nov", "lang": "ru", "date": "2026-11-20", "url": "https://www.rt.com/news/1",
     "title": "Ядерная безопасность", "text": "Переговоры о ядерной безопасности продолжились."},
    {"id": "ru-oct", "lang": "ru", "date": "2026-10-03", "title": "Безопасность АЭС",
     "text": "Безопасность атомной станции проверили эксперты."},
    {"id": "vi-nov", "lang": "vi", "date": "2026-11-02", "title": "An ninh hạt nhân",
     "text": "Hội nghị về an ninh hạt nhân khai mạc tại Hà Nội."},
    {"id": "evil/1", "lang": "en", "date": "2026-09-01",
     "title": "<script>alert(1)</script> & \x07 bell </title>",
     "text": "zebra ]]> <![CDATA[ x ]]> \x00 text"},
]


@pytest.fixture
def client():
    engine = Engine.in_memory()
    engine.add(NEWS)
    yield create_app({"ENGINE": engine, "TESTING": True}).test_client()
    engine.close()


def _feed(client, query: str):
    response = client.get("/feed", query_string={"q": query})
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed, response.get_data(as_text=True)


def test_a_feed_lists_a_querys_newest_matches_with_stable_ids_and_their_dates(client):
    parsed, _ = _feed(client, "lang:ru")
    assert parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == ["Ядерная безопасность", "Безопасность АЭС"]
    assert parsed.entries[0].updated == "2026-11-20T00:00:00Z"
    assert parsed.entries[0].link.endswith("/doc/ru-nov")
    again, _ = _feed(client, "lang:ru")
    assert [e.id for e in again.entries] == [e.id for e in parsed.entries]
    assert len({e.id for e in parsed.entries}) == 2


def test_a_feed_shows_a_new_matching_document_first(client):
    client.application.extensions["search"].get().add(
        [{"id": "ru-dec", "lang": "ru", "date": "2026-12-01", "title": "Новая безопасность",
          "text": "Безопасность снова обсуждали."}])
    parsed, _ = _feed(client, "безопасность")
    assert parsed.entries[0].title == "Новая безопасность"
    assert parsed.feed.updated == "2026-12-01T00:00:00Z"


def test_hostile_titles_and_texts_are_escaped_and_the_feed_still_parses(client):
    parsed, raw = _feed(client, "zebra")
    (entry,) = parsed.entries
    assert "<script>alert(1)</script> &" in entry.title and "</title>" in entry.title
    assert "<script>" not in raw and "\x07" not in raw and "\x00" not in raw
    assert entry.link.endswith("/doc/evil/1")


def test_the_results_page_links_its_feed_and_an_empty_query_has_none(client):
    page = client.get("/search?q=безопасность").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page and "/feed?q=" in page
    assert client.get("/feed?q=").status_code == 400


def test_the_command_prints_the_same_feed(tmp_path):
    with Engine.create(tmp_path / "ix") as engine:
        engine.add(NEWS)
    out = CliRunner().invoke(main, ["--index", str(tmp_path / "ix"), "query", "lang:ru", "--format", "atom",
                                    "--base-url", "https://news.example/"])
    assert out.exit_code == 0, out.output
    parsed = feedparser.parse(out.output)
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == ["Ядерная безопасность", "Безопасность АЭС"]
    assert parsed.entries[0].link == "https://news.example/doc/ru-nov"
    assert parsed.feed.links[0].href.startswith("https://news.example/feed?q=lang")
