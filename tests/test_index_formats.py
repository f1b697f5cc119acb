"""Word, OpenDocument, EPUB and e-mail files, made here with real Vietnamese, Russian and English
text, are found by their words; broken and hostile ones are skipped with their reason."""

from __future__ import annotations

import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from index.readers import packages
from search import Engine

VI = "Hội nghị về an ninh hạt nhân khai mạc tại Hà Nội với sự tham dự của nhiều chuyên gia."
RU = "Переговоры о ядерной безопасности продолжились в Вене в понедельник."
EN = "Quokka researchers counted the island's population again this spring."


def _zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _docx(path: Path, title: str, paragraphs: list[str]) -> Path:
    body = "".join(f'<w:p><w:r><w:t>{p}</w:t></w:r></w:p>' for p in paragraphs)
    return _zip(path, {
        "[Content_Types].xml": "<Types/>",
        "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                             f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
        "docProps/core.xml": '<cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                             'xmlns:dcterms="http://purl.org/dc/terms/">'
                             f'<dc:title>{title}</dc:title><dc:creator>Анна Петрова</dc:creator>'
                             '<dcterms:created>2026-11-05T10:00:00Z</dcterms:created></cp:coreProperties>',
    })


def _odt(path: Path, title: str, paragraphs: list[str]) -> Path:
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    return _zip(path, {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "content.xml": f'<office:document-content xmlns:office="o" xmlns:text="{text}">'
                       f"<office:body><office:text><text:h>{title}</text:h>{body}</office:text>"
                       "</office:body></office:document-content>",
        "meta.xml": '<office:document-meta xmlns:office="o" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
                    f"<dc:title>{title}</dc:title><meta:creation-date>2026-10-01T08:00:00</meta:creation-date>"
                    "</office:meta></office:document-meta>",
    })


def _epub(path: Path, title: str, chapters: list[tuple[str, str]], extra_href: str | None = None) -> Path:
    items = "".join(f'<item id="c{i}" href="text/c{i}.xhtml" media-type="application/xhtml+xml"/>'
                    for i in range(len(chapters)))
    refs = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
    if extra_href:
        items += f'<item id="evil" href="{extra_href}" media-type="application/xhtml+xml"/>'
        refs += '<itemref idref="evil"/>'
    members: dict[str, str | bytes] = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
                                  '<rootfiles><rootfile full-path="OEBPS/book.opf"/></rootfiles></container>',
        "OEBPS/book.opf": '<package xmlns="http://www.idpf.org/2007/opf" '
                          'xmlns:dc="http://purl.org/dc/elements/1.1/"><metadata>'
                          f"<dc:title>{title}</dc:title><dc:date>2025-06-01</dc:date></metadata>"
                          f"<manifest>{items}</manifest><spine>{refs}</spine></package>",
    }
    for i, (heading, text) in enumerate(chapters):
        members[f"OEBPS/text/c{i}.xhtml"] = (f"<html><head><title>{heading}</title></head>"
                                            f"<body><h1>{heading}</h1><p>{text}</p></body></html>")
    return _zip(path, members)


def _eml(subject: str, text: str, sender: str, date: str, html: bool = False) -> bytes:
    message = EmailMessage()
    message["Subject"], message["From"], message["Date"] = subject, sender, date
    if html:
        message.set_content(f"<html><body><p>{text}</p></body></html>", subtype="html")
    else:
        message.set_content(text)
    return bytes(message)


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    _docx(docs / "bao-cao.docx", "Báo cáo an ninh", [VI, "Phần hai của báo cáo."])
    _docx(docs / "doklad.docx", "", ["Доклад о безопасности", RU])
    _odt(docs / "notes.odt", "Quokka notes", [EN])
    _epub(docs / "book.epub", "Sách hạt nhân", [("Chương một", VI), ("Глава два", RU)])
    (docs / "bao-cao.rtf").write_text(
        r"{\rtf1\ansi\ansicpg1251\uc1{\fonttbl{\f0 Times;}}\f0 \'C4\'EE\'EA\'EB\'E0\'E4 RTF\par "
        + "".join(f"\\u{ord(c)}?" if ord(c) > 127 else c for c in VI) + "\\par "
        + "".join(f"\\'{b:02x}" for b in "Ядерная безопасность".encode("cp1251")) + "\\par}",
        encoding="ascii")
    (docs / "tip.eml").write_bytes(_eml("Tin nóng: an ninh hạt nhân", VI, "Nguồn tin <tip@vnexpress.net>",
                                        "Thu, 05 Nov 2026 09:00:00 +0700"))
    (docs / "press.mbox").write_bytes(
        b"From a@b Thu Nov  5 09:00:00 2026\n"
        + _eml("Пресс-релиз", RU, "press@rt.com", "Thu, 05 Nov 2026 10:00:00 +0300")
        + b"\nFrom c@d Thu Nov  5 11:00:00 2026\n"
        + _eml("Quokka count", EN, "News <news@example.org>", "Fri, 06 Nov 2026 10:00:00 +0000", html=True))
    return docs


def test_every_kind_is_found_by_its_own_words_with_its_metadata(folder):
    with Engine.in_memory() as engine:
        report = engine.index_paths([folder])
        assert report.ok, report.failed
        assert report.added == 9  # 2 Word, 1 OpenDocument, 2 chapters, 1 message, 2 in the mailbox, 1 RTF
        vi = engine.search("an ninh hạt nhân")
        assert {h.path for h in vi} >= {"bao-cao.docx", "book.epub", "tip.eml", "bao-cao.rtf"}
        marked = [t for h in vi for t, m in h.snippet if m]
        assert "an ninh" in marked and "hạt nhân" in marked
        ru = engine.search("ядерная безопасность")
        assert {h.path for h in ru} == {"doklad.docx", "book.epub", "press.mbox", "bao-cao.rtf"}
        assert next(h for h in ru if h.path == "bao-cao.rtf").title == "Доклад RTF"
        assert any(h.title == "Доклад о безопасности" for h in ru)
        docx = next(h for h in vi if h.path == "bao-cao.docx")
        assert docx.title == "Báo cáo an ninh" and docx.date == "2026-11-05"
        assert docx.author == "Анна Петрова" and docx.site is None
        odt = engine.search("quokka notes")[0]
        assert odt.path == "notes.odt" and odt.date == "2026-10-01"
        chapters = [h for h in engine.search("lang:vi") if h.path == "book.epub"]
        assert chapters and chapters[0].title == "Sách hạt nhân — Chương một"
        assert chapters[0].date == "2025-06-01"
        mail = engine.search("Tin nóng")[0]
        assert mail.path == "tip.eml" and mail.date == "2026-11-05" and mail.site == "vnexpress.net"
        assert mail.author == "Nguồn tin <tip@vnexpress.net>"
        html_mail = next(h for h in engine.search("quokka count") if h.path == "press.mbox")
        assert html_mail.title == "Quokka count" and "Quokka" in "".join(t for t, _ in html_mail.snippet)
        assert html_mail.site == "example.org" and html_mail.date == "2026-11-06"


@pytest.mark.parametrize("name, make, reason", [
    ("not-a-zip.docx", lambda p: p.write_bytes(b"just some text, not a package"), "not a zip package"),
    ("not-rtf.rtf", lambda p: p.write_bytes(b"plain words pretending"), "does not begin with"),
    ("empty.odt", lambda p: _zip(p, {"mimetype": "x"}), "has no content.xml"),
    ("broken.docx", lambda p: _zip(p, {"word/document.xml": "<w:document><unclosed"}),
     "not well-formed XML"),
    ("truncated.epub", lambda p: p.write_bytes(_zip(p, {"a": "b" * 1000}).read_bytes()[:60]),
     "not a zip package"),
])
def test_a_broken_package_is_skipped_with_its_reason_and_the_run_goes_on(folder, name, make, reason):
    make(folder / name)
    with Engine.in_memory() as engine:
        report = engine.index_paths([folder])
        assert report.added == 9
        (failed,) = report.failed
        assert failed[0].endswith(name) and reason in failed[1]


def test_a_zip_bomb_is_read_only_up_to_the_cap(tmp_path, monkeypatch, folder):
    monkeypatch.setattr(packages, "MAX_UNPACKED", 1_000_000)
    body = "<w:p><w:r><w:t>" + "bomb " * 400_000 + "</w:t></w:r></w:p>"
    _zip(folder / "bomb.docx", {"word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.'
                                                     f'org/wordprocessingml/2006/main"><w:body>{body}</w:body>'
                                                     "</w:document>"})
    assert (folder / "bomb.docx").stat().st_size < 100_000
    with Engine.in_memory() as engine:
        report = engine.index_paths([folder])
        (failed,) = report.failed
        assert "bomb.docx" in failed[0] and "unpacks to more than" in failed[1]
        assert report.added == 9


def test_an_epub_chapter_pointing_outside_the_book_is_skipped_and_the_rest_read(tmp_path):
    _epub(tmp_path / "evil.epub", "Sách", [("Chương một", VI)], extra_href="../../../etc/passwd")
    with Engine.in_memory() as engine:
        report = engine.index_paths([tmp_path / "evil.epub"])
        assert report.added == 1 and report.ok
        assert any("outside the book" in w for _, w in report.warnings)
        assert engine.search("an ninh hạt nhân").total == 1
