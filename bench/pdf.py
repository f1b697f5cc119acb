"""PDF text extraction: three libraries compared on Vietnamese and Russian news PDFs, the
reader's pages a second, and the slowest file of a hostile set.

    python bench/pdf.py [--articles 40] [--hostile-only]

The PDFs are the longest articles of ../shared/data/news-vi and news-ru, printed two ways:
by Chromium (Debian's, through Playwright: the PDFs a browser's "Save as PDF" makes) and by
fpdf2 with DejaVu Sans (a PDF library's output, fonts subset and embedded). Each library's
text is compared with the article's, word by word in order:

- ``words``: the share of the article's words found, in order (longest common subsequence);
- ``marked``: the same for words with a diacritic or in Cyrillic, where a wrong character
  map or a decomposed mark shows;
- ``extra``: words in the extraction that are not the article's (split or glued words);
- ``pages/s``: pages extracted a second, in this process, one core.

Then the engine's reader (``index.readers.read_file``: pdfium in a capped child process, a
process a file) on the same files, and on crafted hostile files: encrypted, not a PDF, cut
short, a page that unpacks to 400 MB, a page tree that loops, objects nested 100,000 deep,
2,000 pages. Each must come back (read or skipped with a reason) within its limits; the
slowest is reported, with the largest memory a reading process held.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import html
import json
import logging
import resource
import shutil
import sys
import tempfile
import time
import unicodedata
import zlib
from pathlib import Path
from typing import Callable

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
#: A hostile file must come back within this many seconds.
LIMIT = 60.0

from index.errors import ReadError  # noqa: E402
from index.readers import read_file  # noqa: E402
from index.readers.pdf import clean_page  # noqa: E402

_WORD = regex.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


#: Text some articles hold as escapes (``u043a``) rather than letters: no PDF prints it as words.
_ESCAPED = regex.compile(r"\bu0[0-9a-f]{3}\b")
#: Characters outside the Basic Multilingual Plane (emoji): DejaVu Sans has no glyph for them.
_ASTRAL = regex.compile("[\U00010000-\U0010FFFF]")


def longest_articles(lang: str, n: int) -> list[dict]:
    with gzip.open(DATA / f"news-{lang}" / "corpus.jsonl.gz", "rt", encoding="utf-8") as f:
        articles = [json.loads(line) for line in f]
    articles = [dict(a, text=_ASTRAL.sub("", a["text"])) for a in articles
                if not _ESCAPED.search(a["text"])]
    return sorted(articles, key=lambda a: -len(a["text"]))[:n]


def chromium_pdfs(articles: list[dict], folder: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        print("chromium: not installed (apt-get install chromium), left out")
        return []
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--headless=new", "--no-sandbox"])
        page = browser.new_page()
        for a in articles:
            paragraphs = "".join(f"<p>{html.escape(x)}</p>" for x in a["text"].split("\n") if x.strip())
            page.set_content(f"<html lang='{a['lang']}'><body style='font: 12pt serif'>"
                             f"<h1>{html.escape(a['title'])}</h1>{paragraphs}</body></html>")
            path = folder / f"chromium-{a['lang']}-{len(out)}.pdf"
            page.pdf(path=str(path), format="A4")
            out.append(path)
        browser.close()
    return out


def fpdf_pdfs(articles: list[dict], folder: Path) -> list[Path]:
    from fpdf import FPDF

    if not DEJAVU.exists():
        print(f"fpdf2: {DEJAVU} is missing (apt-get install fonts-dejavu-core), left out")
        return []
    out = []
    for a in articles:
        pdf = FPDF()
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.set_font("DejaVu", size=11)
        pdf.add_page()
        pdf.multi_cell(0, 6, a["title"] + "\n\n" + a["text"])
        path = folder / f"fpdf2-{a['lang']}-{len(out)}.pdf"
        pdf.output(str(path))
        out.append(path)
    return out


def with_pdfium(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    pages = [clean_page(page.get_textpage().get_text_bounded()) for page in document]
    document.close()
    return pages


def with_pypdf(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


def with_pdfminer(path: Path) -> list[str]:
    from pdfminer.high_level import extract_pages

    from pdfminer.layout import LTTextContainer

    return ["".join(e.get_text() for e in page if isinstance(e, LTTextContainer))
            for page in extract_pages(path)]


EXTRACTORS: dict[str, Callable[[Path], list[str]]] = {
    "pypdfium2": with_pdfium, "pypdf": with_pypdf, "pdfminer.six": with_pdfminer}


def compare(source: str, extracted: str) -> tuple[int, int, int, int, int]:
    """(article words, found in order, marked words, marked found, extra words)."""
    want, got = words(source), words(extracted)
    blocks = difflib.SequenceMatcher(None, want, got, autojunk=False).get_matching_blocks()
    found = set()
    for b in blocks:
        found.update(range(b.a, b.a + b.size))
    marked = [i for i, w in enumerate(want) if any(ord(c) > 127 for c in w)]
    return len(want), len(found), len(marked), sum(i in found for i in marked), len(got) - len(found)


def compare_libraries(pdfs: list[tuple[Path, dict]]) -> None:
    print(f"\n{'producer':9} {'lang':4} {'library':13} {'words':>7} {'marked':>7} {'extra':>7} "
          f"{'pages/s':>8}")
    groups: dict[tuple[str, str], list[tuple[Path, dict]]] = {}
    for path, article in pdfs:
        groups.setdefault((path.name.split("-")[0], article["lang"]), []).append((path, article))
    for (producer, lang), items in sorted(groups.items()):
        for name, extract in EXTRACTORS.items():
            totals = [0, 0, 0, 0, 0]
            pages, seconds = 0, 0.0
            for path, article in items:
                started = time.perf_counter()
                texts = extract(path)
                seconds += time.perf_counter() - started
                pages += len(texts)
                counts = compare(article["title"] + "\n" + article["text"], "\n".join(texts))
                totals = [t + c for t, c in zip(totals, counts)]
            n, found, m, mfound, extra = totals
            print(f"{producer:9} {lang:4} {name:13} {found / n:7.3f} {mfound / max(m, 1):7.3f} "
                  f"{extra / n:7.3f} {pages / seconds:8.0f}")


def reader_speed(paths: list[Path]) -> None:
    pages, started = 0, time.perf_counter()
    for path in paths:
        doc = read_file(path).documents[0]
        pages += len(doc.pages or [])
    seconds = time.perf_counter() - started
    print(f"\nthe reader (read_file: a capped child process a file): {len(paths)} files, {pages} pages "
          f"in {seconds:.2f} s: {pages / seconds:.0f} pages/s, {len(paths) / seconds:.0f} files/s")


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (1 is the catalog) with a true cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, compress: bool = True) -> bytes:
    body = zlib.compress(data, 9) if compress else data
    flate = b" /Filter /FlateDecode" if compress else b""
    return b"<< /Length %d%s >>\nstream\n" % (len(body), flate) + body + b"\nendstream"


def page_pdf(content: bytes, pages: int = 1) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    font = 3 + pages
    content_obj = font + 1
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content_obj, font))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(stream(content))
    return raw_pdf(objects)


def hostile(folder: Path, good: Path) -> list[Path]:
    text = b"BT /F1 12 Tf 72 720 Td (Nuclear safety review) Tj ET\n"
    made = {
        "bomb.pdf": page_pdf(text + b" " * 400_000_000),
        "loop.pdf": raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                             b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                             b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"]),
        "nested.pdf": page_pdf(text).replace(b"/Type /Catalog", b"/Type /Catalog /X " + b"[" * 100_000
                                             + b"]" * 100_000),
        "pages-2000.pdf": page_pdf(text, pages=2000),
        "ops-5m.pdf": page_pdf(b"BT /F1 1 Tf " + b"(x) Tj " * 5_000_000 + b"ET"),
        "not-a-pdf.pdf": b"<html><body>a web page saved as .pdf</body></html>",
        "cut-short.pdf": good.read_bytes()[: len(good.read_bytes()) // 3],
        "no-xref.pdf": page_pdf(text).split(b"xref")[0],
    }
    paths = []
    for name, data in made.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(good))
    writer.encrypt("secret", algorithm="RC4-128")
    with open(folder / "encrypted.pdf", "wb") as f:
        writer.write(f)
    return paths + [folder / "encrypted.pdf"]


def hostile_run(paths: list[Path]) -> bool:
    print(f"\n{'hostile file':16} {'size':>9} {'seconds':>8}  result")
    slowest = (0.0, "")
    for path in paths:
        started = time.perf_counter()
        try:
            docs = read_file(path).documents
            pages, chars = sum(len(d.pages or []) for d in docs), sum(len(d.text) for d in docs)
            result = f"read: {pages} page(s), {chars:,} chars"
        except ReadError as exc:
            result = "skipped: " + exc.reason.removesuffix(": skipped")
        seconds = time.perf_counter() - started
        slowest = max(slowest, (seconds, path.name))
        print(f"{path.name:16} {path.stat().st_size:>9,} {seconds:8.2f}  {result[:110]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nslowest hostile file: {slowest[1]} in {slowest[0]:.2f} s (limit {LIMIT:.0f} s); "
          f"largest reading process: {peak:.0f} MB")
    return slowest[0] <= LIMIT


def main() -> int:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings of each odd font
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=40, help="articles a language")
    ap.add_argument("--hostile-only", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        articles = [a for lang in ("vi", "ru") for a in longest_articles(lang, args.articles)]
        pdfs = [(p, a) for make in (chromium_pdfs, fpdf_pdfs)
                for p, a in zip(make(articles, folder), articles)]
        if not args.hostile_only:
            print(f"{len(pdfs)} PDFs of the {args.articles} longest articles in vi and ru")
            compare_libraries(pdfs)
            reader_speed([p for p, _ in pdfs])
        (folder / "hostile").mkdir()
        ok = hostile_run(hostile(folder / "hostile", pdfs[0][0]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
