"""Fonts a DOCX carries inside it: subsets of the book's faces, and a Thai page-digit font.

A DOCX opened where TH SarabunPSK is not installed would show boxes for
every Thai letter, so the book's faces travel with it (ECMA-376 Part 1
§17.8): each face is subset (the whole Thai block, ASCII and the text's own
characters, so staff can still type and edit), renamed to the family the
DOCX declares and stored obfuscated as ``word/fonts/fontN.odttf``.

LibreOffice (7.4) has no DOCX markup for Thai page digits: it reads
``w:pgNumType w:fmt="thaiNumbers"`` as 1, 2, 3. The page number's runs are
therefore set in a tiny extra family, DIGIT_FAMILY, whose ASCII digits draw
the Thai digit glyphs; Word still writes ๑, ๒ … itself (thaiNumbers), which
the same font carries as U+0E50–U+0E59. Extracted text of LibreOffice's PDF
still reads 1, 2 …: only the glyphs change.

Everything here is deterministic: fixed subsetter options, no timestamps
recalculated, and each font's key (a GUID) derived from a hash of its bytes.
"""
from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from ..tablelayout import font_metrics
from .cache import digest_of, kept

#: The family of the page-number digit font (used only on PAGE field runs).
DIGIT_FAMILY = "PB Thai Digits"
THAI_DIGITS = range(0x0E50, 0x0E5A)
#: Always kept: ASCII, the whole Thai block (ำ is U+0E4D + U+0E32 to HarfBuzz,
#: both in the block), no-break space, dashes, quotes, bullet, ellipsis, ZWSP.
BASE_CHARS = frozenset(
    [*range(0x20, 0x7F), *range(0x0E00, 0x0E80), 0xA0, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D,
     0x2022, 0x2026, 0x200B, 0x2060, 0xFEFF]
)


@dataclass(frozen=True)
class EmbeddedFont:
    """One font file ready for a DOCX: the obfuscated bytes and the key to read them."""

    family: str
    style: str  # "Regular" or "Bold" (w:embedRegular / w:embedBold)
    odttf: bytes
    key: str  # "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"


def font_key(data: bytes) -> str:
    """Return the GUID key (with braces, upper case) of a font file, derived from its bytes."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """Return ``data`` with its first 32 bytes XORed with the key's bytes in reverse order (§17.8.1).

    The same function undoes it.
    """
    key_bytes = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ key_bytes[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def _rename(font: TTFont, family: str, style: str) -> None:
    """Give ``font`` the family name ``family`` (style Regular or Bold) in every name record."""
    full = family if style == "Regular" else f"{family} {style}"
    postscript = family.replace(" ", "") + ("" if style == "Regular" else f"-{style}")
    names = font["name"]
    names.names = [n for n in names.names if n.nameID not in (1, 2, 3, 4, 6, 16, 17)]
    for platform, encoding, language in ((1, 0, 0), (3, 1, 0x409)):
        for name_id, value in ((1, family), (2, style), (3, postscript), (4, full), (6, postscript)):
            names.setName(value, name_id, platform, encoding, language)


def _save(font: TTFont) -> bytes:
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _subset(path: Path, unicodes: frozenset[int], layout: bool = True) -> TTFont:
    """Return the subset of the font at ``path`` keeping ``unicodes``, with fixed options.

    Hinting is dropped (half the size; Thai text at book sizes does not need
    it); ``layout`` keeps the OpenType mark placement and ligatures Thai needs.
    """
    from fontTools import subset  # (only when the subset is not in the render cache)

    options = subset.Options()
    options.layout_features = ["*"] if layout else []
    options.hinting = False
    options.drop_tables += ["FFTM"]  # FontForge's build timestamps
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.glyph_names = False
    font = TTFont(path, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    return font


@lru_cache(maxsize=8)
def book_font(path: Path, family: str, style: str, extra: frozenset[int] = frozenset()) -> EmbeddedFont:
    """Return the face at ``path`` subset to BASE_CHARS plus ``extra``, named ``family``.

    The subset is kept in the render cache (render/cache.py): a book built
    again does not subset its fonts again.
    """
    parts = ("docx book font", digest_of(path), family, style, tuple(sorted(extra)))
    data = kept(parts, lambda: _book_font(path, family, style, extra))
    key = font_key(data)
    return EmbeddedFont(family, style, obfuscate(data, key), key)


def _book_font(path: Path, family: str, style: str, extra: frozenset[int]) -> bytes:
    font = _subset(path, BASE_CHARS | extra | {0x200D})
    # the zero-width space and word joiner Thai text carries draw as the font's own
    # zero-width joiner (a font without them would send LibreOffice to another font)
    for table in font["cmap"].tables:
        if table.isUnicode() and 0x200D in table.cmap:
            for code in (0x200B, 0x2060):
                table.cmap.setdefault(code, table.cmap[0x200D])
    _rename(font, family, style)
    return _save(font)


@lru_cache(maxsize=2)
def digit_font(path: Path) -> EmbeddedFont:
    """Return DIGIT_FAMILY made from the face at ``path``: 0–9 and ๐–๙ both draw Thai digits."""
    data = kept(("docx digit font", digest_of(path)), lambda: _digit_font(path))
    key = font_key(data)
    return EmbeddedFont(DIGIT_FAMILY, "Regular", obfuscate(data, key), key)


def _digit_font(path: Path) -> bytes:
    font = _subset(path, frozenset([0x20, *THAI_DIGITS]), layout=False)
    for table in font["cmap"].tables:
        if table.isUnicode():
            for i, code in enumerate(THAI_DIGITS):
                table.cmap[0x30 + i] = table.cmap[code]
    _rename(font, DIGIT_FAMILY, "Regular")
    return _save(font)


class Metrics:
    """The book faces' advance widths: how many lines a text takes in a given width.

    Used for the one thing the DOCX must state that Word and LibreOffice
    would otherwise compute: the height of a repeated header row under a
    vertically merged cell (see DocxRenderer.header_heights).
    """

    def __init__(self, regular: Path, bold: Path):
        self._faces = {False: font_metrics(regular), True: font_metrics(bold)}

    def width(self, text: str, size_pt: float, bold: bool = False) -> float:
        """Return the width of ``text`` in points (marks above and below take none)."""
        return self._faces[bold].width_em(text) * size_pt

    def lines(self, text: str, width_pt: float, size_pt: float, bold: bool = False) -> int:
        """Return how many lines ``text`` fills when broken between words into ``width_pt``.

        A word wider than the whole line is cut wherever it must, as the word
        processors do.
        """
        from ..thai import segment

        count = 0
        for paragraph in text.split("\n"):
            count += 1
            used = 0.0
            for word in segment(paragraph):
                w = self.width(word, size_pt, bold)
                if used and used + w > width_pt and not word.isspace():
                    count += 1
                    used = 0.0
                while w > width_pt > 0:  # a word longer than the line
                    count += 1
                    w -= width_pt
                used += w
        return count
