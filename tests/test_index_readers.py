"""Files in: every format, every encoding, and bad files reported with a reason."""

from __future__ import annotations

import json

import pytest

from index.errors import ReadError
from index.readers import iter_files, read_file

RU = "Ядерная безопасность региона"


def test_plain_text_takes_its_title_from_the_first_line(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("\n\nTitle line\n\nBody first.\nBody second.\n", encoding="utf-8")
    (doc,) = read_file(p).documents
    assert doc.title == "Title line"
    assert doc.text == "Body first.\nBody second."
    assert doc.path == str(p)


def test_the_seed_date_and_url_header_is_understood(tmp_path):
    p = tmp_path / "seed.txt"
    p.write_text(" date 2026-02-19 https://example.org/a\nЗаголовок\nТекст.\n", encoding="utf-8")
    (doc,) = read_file(p).documents
    assert (doc.date, doc.url, doc.title, doc.text) == (
        "2026-02-19", "https://example.org/a", "Заголовок", "Текст.")


def test_markdown_title_loses_its_hashes(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("# Bicycle lanes\n\nThe council voted.\n", encoding="utf-8")
    assert read_file(p).documents[0].title == "Bicycle lanes"


def test_html_keeps_the_main_text_not_menus_or_scripts(tmp_path):
    p = tmp_path / "a.html"
    p.write_text(
        "<html lang='ru'><head><title>Новости</title><script>var secret=1</script>"
        "<meta property='article:published_time' content='2026-02-01T10:00'></head><body>"
        "<nav>Меню Главная</nav><article><h1>Новости</h1><p>Первый абзац.</p>"
        "<p>Второй &amp; последний.</p></article><footer>Подвал</footer>"
        "<style>p{color:red}</style></body></html>", encoding="utf-8")
    (doc,) = read_file(p).documents
    assert doc.title == "Новости"
    assert "Первый абзац." in doc.text and "Второй & последний." in doc.text
    for junk in ("secret", "Меню", "Подвал", "color"):
        assert junk not in doc.text, f"{junk!r} leaked into the text"
    assert doc.lang == "ru" and doc.date == "2026-02-01"


def test_deeply_nested_html_is_read(tmp_path):
    p = tmp_path / "deep.html"
    p.write_text("<title>Deep</title>" + "<div>" * 10000 + "deep words" + "</div>" * 10000,
                 encoding="utf-8")
    assert "deep words" in read_file(p).documents[0].text


def test_json_records_and_lists(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps([{"id": "x1", "title": "T", "text": "body", "lang": "en",
                              "date": "2024-05-06T10:00:00Z"}, {"title": "T2", "text": "b2"}]),
                 encoding="utf-8")
    docs = read_file(p).documents
    assert [d.id for d in docs][0] == "x1" and docs[0].date == "2024-05-06"
    assert docs[1].id.endswith("#2"), "a record without id gets one from its file"


def test_jsonl_broken_lines_are_reported_and_the_rest_kept(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text('{"id": "1", "title": "A", "text": "a"}\n{broken\n{"id": "2", "title": "B", "text": "b"}\n',
                 encoding="utf-8")
    read = read_file(p)
    assert [d.id for d in read.documents] == ["1", "2"]
    assert len(read.warnings) == 1 and "line 2" in read.warnings[0]


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "utf-16", "utf-8-sig"])
def test_legacy_and_bom_encodings_are_detected(tmp_path, encoding):
    p = tmp_path / f"{encoding}.txt"
    p.write_bytes(f"{RU}\n\nВ регионе обсудили вопросы ядерной безопасности и экологии.\n".encode(encoding))
    (doc,) = read_file(p).documents
    assert doc.title == RU, f"{encoding} was garbled into {doc.title!r}"


@pytest.mark.parametrize("content,reason", [
    (b"\x00\x01\x02binary\x00", "binary"),
    (b"", "no text"),
    (b"   \n\n", "no text"),
])
def test_unreadable_files_raise_with_a_reason(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read_file(p)


def test_files_over_the_size_limit_are_refused_with_the_fix(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("Title\n" + "word " * 1000, encoding="utf-8")
    with pytest.raises(ReadError, match="limit"):
        read_file(p, max_bytes=1000)


def test_walking_folders_follows_links_once_and_skips_other_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A\nx", encoding="utf-8")
    (tmp_path / "b.xls").write_bytes(b"%PDF")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    found = [f.path for f in iter_files([tmp_path]) if f.error is None and f.note is None]
    assert found == [str(tmp_path / "sub" / "a.txt")]
    missing = list(iter_files([tmp_path / "nope"]))
    assert missing[0].error is not None and "no such" in missing[0].error.reason
