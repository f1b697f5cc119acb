"""Bytes to text: byte-order marks, UTF-8 (with a few bad bytes), UTF-16/32 without a mark,
Cyrillic code pages, and whatever else charset-normalizer recognises.

Undecodable bytes are replaced and counted, never dropped silently: the caller reports them.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from index.errors import ReadError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")
_CYRILLIC_LOWER = re.compile(r"[а-яё]")
_LETTER = re.compile(r"[^\W\d_]")
#: How much of a file the encoding guess looks at.
_SAMPLE = 1_000_000
#: Sure-enough UTF-8: at least this many good non-ASCII characters for each bad byte.
_UTF8_GOOD_PER_BAD = 20


@dataclass
class Decoded:
    """A file's text, the encoding it was read in, and how many bytes could not be decoded."""

    text: str
    encoding: str
    replaced: int = 0

    def warning(self) -> str | None:
        if not self.replaced:
            return None
        return (f"{self.replaced} byte{'s' if self.replaced != 1 else ''} not valid {self.encoding} "
                "replaced by \ufffd: re-save the file as UTF-8 to keep them")


def decode(data: bytes, path: str) -> Decoded:
    """The text of ``data``; raises :class:`ReadError` for binary data."""
    decoded = _with_bom(data, path) or _wide_without_bom(data) or _utf8(data) or _legacy(data, path)
    sample = decoded.text[:20000]
    if sample and len(_CONTROL.findall(sample)) > len(sample) // 100 + 1:
        raise ReadError(path, "binary data (control characters), not text")
    return decoded


def _with_bom(data: bytes, path: str) -> Decoded | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise ReadError(path, f"starts with a {encoding} mark but is not {encoding}: "
                                      f"{exc.reason} at byte {exc.start}") from exc
    return None


def _wide_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 or UTF-32 without a byte-order mark, told by where its zero bytes fall.

    Text in them holds spaces, digits and line ends, whose high bytes are zero, always at
    the same place in each unit of 2 or 4 bytes; in a binary file zeros fall anywhere.
    """
    head = data[:8192]
    if head.count(0) < 4:
        return None
    lanes4 = [head[i::4].count(0) for i in range(4)]
    units4 = max(1, len(head) // 4)
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if lanes4[3] == units4 and lanes4[2] >= 0.9 * units4:
        encoding = "utf-32-le"
    elif lanes4[0] == units4 and lanes4[1] >= 0.9 * units4:
        encoding = "utf-32-be"
    elif odd > 4 * even:
        encoding = "utf-16-le"
    elif even > 4 * odd:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return Decoded(text, encoding.upper()) if "\x00" not in text[:4000] else None


def _utf8(data: bytes) -> Decoded | None:
    """UTF-8, or UTF-8 with a few bad bytes (a truncated download, a bad copy)."""
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = len(text) - len(text.encode("ascii", "ignore")) - bad  # non-ASCII characters
    if good >= _UTF8_GOOD_PER_BAD * bad:
        return Decoded(text, "UTF-8", bad)
    return None


#: Guesses charset-normalizer makes for short Cyrillic texts in a single-byte code page.
_MULTIBYTE = {"shift_jis", "shift_jis_2004", "shift_jisx0213", "cp932", "euc_jp", "euc_jis_2004",
              "euc_jisx0213", "gb2312", "gbk", "gb18030", "big5", "big5hkscs", "cp950", "euc_kr",
              "cp949", "johab", "hz", "iso2022_jp", "iso2022_kr"}
_CYRILLIC_PAGES = {"cp1251", "koi8_r", "koi8_u", "mac_cyrillic", "iso8859_5", "cp866", "cp855",
                   "kz1048", "ptcp154"}


def _legacy(data: bytes, path: str) -> Decoded:
    """A single- or multi-byte code page, as charset-normalizer guesses it; for Russian and
    Ukrainian, cp1251 or KOI8-R by the case of the letters (it confuses the two, and takes
    short Cyrillic texts for Japanese)."""
    if b"\x00" in data[:8192]:
        raise ReadError(path, "binary data (NUL bytes), not text: remove it or convert it to text")
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_SAMPLE]).best()
    guess = best.encoding if best is not None else None
    if guess is None or guess in _MULTIBYTE or guess in _CYRILLIC_PAGES:
        cyrillic = _cyrillic(data)
        if cyrillic is not None:
            return cyrillic
    if guess is None:
        raise ReadError(path, "not text in any known encoding: convert it to UTF-8")
    text = data.decode(guess, errors="replace")
    return Decoded(text, guess, text.count("\ufffd"))


def _cyrillic(data: bytes) -> Decoded | None:
    """The reading, cp1251 or KOI8-R, in which most Cyrillic letters are lower-case (the
    other reading swaps the cases); None when neither reads as Cyrillic text."""
    best: tuple[float, str, str] | None = None
    for encoding in ("cp1251", "koi8-r"):
        text = data.decode(encoding, errors="replace")
        sample = text[:50000]
        cyrillic = len(_CYRILLIC.findall(sample))
        letters = len(_LETTER.findall(sample))
        if not cyrillic or cyrillic < 0.3 * letters:
            continue
        share = len(_CYRILLIC_LOWER.findall(sample)) / cyrillic
        if share >= 0.7 and (best is None or share > best[0]):
            best = (share, encoding, text)
    if best is None:
        return None
    _, encoding, text = best
    return Decoded(text, encoding, text.count("\ufffd"))
