"""Optional OCR for PDF pages without a text layer, by Debian's ``tesseract`` command.

Used only when ``tesseract`` is on the PATH with at least one of its Vietnamese, Russian
and English data files (``apt-get install tesseract-ocr tesseract-ocr-vie
tesseract-ocr-rus``); nothing is downloaded. A page is rendered in memory and handed to
tesseract on its standard input: no file is written.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

#: The languages OCR reads, as tesseract names them, in the order it is told them.
OCR_LANGUAGES = ("vie", "rus", "eng")
#: Pages are rendered at this resolution for OCR: tesseract reads 300 dpi best.
DPI = 300
#: Seconds one page's OCR may take.
PAGE_SECONDS = 120


def ocr_languages() -> list[str]:
    """The :data:`OCR_LANGUAGES` the installed tesseract has data for; empty without it."""
    command = shutil.which("tesseract")
    if command is None:
        return []
    try:
        listed = subprocess.run([command, "--list-langs"], capture_output=True, text=True,
                                timeout=30, check=False).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return []
    return [lang for lang in OCR_LANGUAGES if lang in listed]


def ocr_page(page: Any, languages: list[str]) -> str:
    """The text tesseract reads on a pypdfium2 ``page``; empty when it reads none."""
    command = shutil.which("tesseract")
    if command is None or not languages:
        return ""
    bitmap = page.render(scale=DPI / 72, grayscale=True)
    pixels = bitmap.to_numpy()
    height, width = pixels.shape[:2]
    image = b"P5\n%d %d\n255\n" % (width, height) + pixels.reshape(height, width).tobytes()
    try:
        done = subprocess.run([command, "stdin", "stdout", "-l", "+".join(languages)],
                              input=image, capture_output=True, timeout=PAGE_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""
