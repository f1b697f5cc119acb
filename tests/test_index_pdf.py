"""PDF files, made here with real Vietnamese, Russian and English text, are found by their
words and their hits say their page; broken, locked and hostile PDFs are skipped with their
reason, in a reading process that is capped and killed, and the run goes on."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from index.documents import join_pages, page_at
from index.errors import ReadError
from index.readers import pdf, read_file
from index.readers.ocr import ocr_languages
from search import Engine
from search.snippets import mark_all, split_pages
from tests.pdfs import drawing_pdf, make_pdf, one_line_pdf
from web import create_app

EN = ("Quarterly review of nuclear safeguards at research reactors. The inspectors "
      "counted fuel assemblies and sealed the storage pools.")
VI = ("Hội nghị về an ninh hạt nhân khai mạc tại Hà Nội với sự tham dự của nhiều chuyên gia "
      "quốc tế. Các đại biểu thảo luận việc bảo vệ lò phản ứng nghiên cứu Đà Lạt.")
VI_COVER = "Mục lục\nTóm tắt các phiên họp của hội nghị và danh sách đại biểu tham dự."
RU = ("Переговоры о ядерной безопасности продолжились в Вене в понедельник. Эксперты "
      "обсудили защиту исследовательских реакторов и хранилищ топлива.")
RU_COVER = "Содержание\nКраткий обзор заседаний и список участников встречи."


@pytest.fixture
def report_pdf(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "report.pdf", [VI_COVER, VI_COVER, VI], title="Báo cáo an ninh hạt nhân 2026",
             author="Trần Thị Mai", created="2026-10-20")
    make_pdf(folder / "doklad.pdf", [RU_COVER, RU], title="Доклад", author="Анна Петрова")
    make_pdf(folder / "review.pdf", [EN])
    return folder


def marked(hit):
    return [text for text, match in hit.snippet if match]


def test_each_page_is_found_by_its_words_and_the_hit_says_its_page(report_pdf):
    with Engine.in_memory() as engine:
        report = engine.index_paths([report_pdf])
        assert report.ok and report.added == 3, report.failed
        (vi,) = engine.search("an ninh hạt nhân Đà Lạt")
        assert vi.path == "report.pdf" and vi.page == 3 and "Đà Lạt" in marked(vi)
        (ru,) = engine.search("ядерная безопасность")
        assert ru.path == "doklad.pdf" and ru.page == 2
        assert {"ядерной", "безопасности"} <= set(marked(ru))
        (en,) = engine.search("fuel assemblies")
        assert en.page == 1 and "fuel assemblies" in " ".join(marked(en))
        assert (vi.lang, ru.lang, en.lang) == ("vi", "ru", "en")
        assert vi.title == "Báo cáo an ninh hạt nhân 2026" and ru.title == "Доклад"
        assert en.title.startswith("Quarterly review of nuclear safeguards")
        assert vi.author == "Trần Thị Mai" and vi.date == "2026-10-20"
        assert (ru.author, en.author) == ("Анна Петрова", None)


def test_without_a_title_in_its_metadata_the_first_line_is_the_title(tmp_path):
    make_pdf(tmp_path / "untitled.pdf", ["Ядерная безопасность\n" + RU])
    (doc,) = read_file(tmp_path / "untitled.pdf").documents
    assert doc.title == "Ядерная безопасность" and doc.author is None and doc.pages == [0]


def test_the_results_page_shows_the_page_and_links_to_it_in_the_document(report_pdf):
    with Engine.in_memory() as engine:
        engine.index_paths([report_pdf])
        client = create_app({"ENGINE": engine, "TESTING": True}).test_client()
        page = client.get("/search?q=ядерная+безопасность&ui=en").get_data(as_text=True)
        link = re.search(r'<a class="page" href="(/doc/[^"#]+\?q=[^"#]+#page-2)">p\. 2</a>', page)
        assert link, page
        assert "Анна Петрова" in page
        doc = client.get(link[1].replace("&amp;", "&")).get_data(as_text=True)
        section = re.search(r'<section class="page" id="page-2">(.*?)</section>', doc, re.S)
        assert section and "<mark>ядерной</mark> <mark>безопасности</mark>" in section[1]
        assert "Переговоры" not in doc.split('id="page-2"')[0]
        assert client.get("/search?q=ядерная&ui=ru").get_data(as_text=True).count(">с. 2<") == 1


def _encrypted(path: Path, source: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt("secret", algorithm="RC4-128")
    with open(path, "wb") as f:
        writer.write(f)


@pytest.mark.parametrize("name, make, reason", [
    ("locked.pdf", lambda p, good: _encrypted(p, good), "encrypted with a password"),
    ("not-really.pdf", lambda p, good: p.write_text("<html>a web page</html>"), "not a PDF"),
    ("garbled.pdf", lambda p, good: p.write_bytes(good.read_bytes()[:400] + b"\x00" * 300),
     "not a PDF, or damaged"),
    ("scan.pdf", lambda p, good: drawing_pdf(p), "no text"),
])
def test_a_bad_pdf_is_skipped_with_its_reason_and_the_run_goes_on(report_pdf, name, make, reason):
    make(report_pdf / name, report_pdf / "report.pdf")
    with Engine.in_memory() as engine:
        report = engine.index_paths([report_pdf])
        assert report.added == 3 and engine.search("an ninh hạt nhân").total == 1
        (failed,) = report.failed
        assert failed[0].endswith(name) and reason in failed[1], failed


def test_a_pdf_without_text_says_how_to_read_scans_when_ocr_is_not_installed(tmp_path):
    drawing_pdf(tmp_path / "scan.pdf")
    with pytest.raises(ReadError) as raised:
        read_file(tmp_path / "scan.pdf")
    if ocr_languages():
        assert "OCR found none" in raised.value.reason
    else:
        assert "no text layer" in raised.value.reason and "tesseract-ocr" in raised.value.reason


def test_a_pdf_that_needs_more_memory_than_the_cap_is_skipped(tmp_path, monkeypatch):
    one_line_pdf(tmp_path / "crowded.pdf", "ядерной безопасности " * 20_000)
    assert read_file(tmp_path / "crowded.pdf").documents  # read within the usual cap
    monkeypatch.setattr(pdf, "MAX_READER_MEMORY", 0)
    with pytest.raises(ReadError, match="memory"):
        read_file(tmp_path / "crowded.pdf")
    assert not multiprocessing.active_children()


def test_a_pdf_that_reads_past_the_time_limit_is_stopped_and_skipped(report_pdf, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PDF_SECONDS", 0)
    with pytest.raises(ReadError, match="took over 0 s"):
        read_file(report_pdf / "report.pdf")
    assert not multiprocessing.active_children()


def test_page_starts_survive_cleaning_and_cut_the_marked_text_at_each_page():
    text, starts = join_pages(["Cafe\u0301 one\x00", "  two ядерной  ", "", "three"])
    assert starts == [0, 10, 23, 25] and text[starts[1]:].startswith("two")
    assert page_at(starts, 0) == 1 and page_at(starts, 12) == 2 and page_at(starts, 25) == 4
    parts = mark_all(text, [(text.index("ядерной"), text.index("ядерной") + 7, "t"),
                            (9, 17, "u")])
    pages = split_pages(parts, starts)
    assert ["".join(t for t, _ in page) for page in pages] == [
        text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
    assert pages[0][-1] == ("\n", True) and pages[1][0] == ("two ядерной", True)
    assert pages[2] == [("\n\n", False)]  # an empty page holds only the blank line after it


def test_a_scanned_page_is_read_by_ocr_when_tesseract_is_installed(tmp_path):
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    if not shutil.which("tesseract"):
        if os.environ.get("CI"):
            pytest.fail("Debian's tesseract is missing: .ci/run installs it (apt-get install tesseract-ocr)")
        pytest.skip("OCR is optional and tesseract is not installed (apt-get install tesseract-ocr)")
    image = Image.new("L", (1800, 300), 255)
    ImageDraw.Draw(image).text((40, 100), "Quokka census report", fill=0,
                               font=ImageFont.load_default(size=96))
    scan = FPDF()
    scan.add_page()
    scan.image(image, x=10, y=10, w=180)
    scan.output(str(tmp_path / "scan.pdf"))
    with Engine.in_memory() as engine:
        report = engine.index_paths([tmp_path])
        assert report.ok and any("read by OCR" in w for _, w in report.warnings)
        assert engine.search("quokka census")[0].page == 1
