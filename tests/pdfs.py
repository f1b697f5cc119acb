"""PDF files made by the tests: fpdf2 writes them, with a font fontTools builds for the
very characters they hold (a box a letter), so no font needs to be installed. A reader
finds the text through the font's character map, as it does in any PDF with embedded
fonts."""

from __future__ import annotations

import io
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fpdf import FPDF


def box_font(text: str) -> bytes:
    """A TrueType font with a glyph (a box) for every character of ``text``, and a space."""
    chars = sorted(set(text) - {"\n"} | {" "})
    names = [".notdef"] + [f"uni{ord(c):04X}" for c in chars]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        if name != "uni0020":
            pen.moveTo((60, 0))
            pen.lineTo((60, 620))
            pen.lineTo((440, 620))
            pen.lineTo((440, 0))
            pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (500, 60) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Boxes", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def make_pdf(path: Path, pages: list[str], *, title: str = "", author: str = "",
             created: str = "") -> Path:
    """A PDF at ``path`` with a page for each of ``pages``, and the metadata given
    (``created`` as ``YYYY-MM-DD``)."""
    import datetime as dt

    font = path.with_suffix(".ttf")
    font.write_bytes(box_font("".join(pages)))
    pdf = FPDF()
    pdf.add_font("Boxes", fname=str(font))
    pdf.set_font("Boxes", size=11)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if created:
        pdf.set_creation_date(dt.datetime.fromisoformat(created).replace(tzinfo=dt.timezone.utc))
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    font.unlink()
    return path


def drawing_pdf(path: Path) -> Path:
    """A PDF whose only page is a drawing: no text layer, as a scan has none."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    return path


def one_line_pdf(path: Path, text: str) -> Path:
    """A PDF with ``text`` in a single line of tiny type, running far past the page's edge:
    its reader holds every character, visible or not."""
    font = path.with_suffix(".ttf")
    font.write_bytes(box_font(text))
    pdf = FPDF()
    pdf.add_font("Boxes", fname=str(font))
    pdf.set_font("Boxes", size=2)
    pdf.add_page()
    pdf.text(5, 10, text)
    pdf.output(str(path))
    font.unlink()
    return path
