"""Find the book fonts in ``fonts/``: TH Sarabun New if a user dropped it in, else Laksaman.

Laksaman (Debian fonts-tlwg-laksaman) is TH SarabunPSK renamed, with the same
metrics, so the PDF (which embeds it) and a DOCX opened where TH SarabunPSK is
installed wrap the same way. The DOCX names the family Thai offices have.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import RenderError


def project_root() -> Path:
    """Return the folder holding templates/ and fonts/: the checkout's top level, or
    assembler/data/ in an installed wheel (PLANBOOK_HOME overrides)."""
    home = os.environ.get("PLANBOOK_HOME")
    if home:
        return Path(home)
    checkout = Path(__file__).resolve().parent.parent
    return checkout if (checkout / "templates").is_dir() else Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class FontSet:
    """The regular and bold files of one family, and the name a DOCX declares."""

    css_family: str
    docx_family: str
    regular: Path
    bold: Path

    @property
    def line_em(self) -> float:
        """Return the font's single line spacing in em, as word processors set it.

        A font that asks for its typographic metrics (OS/2 USE_TYPO_METRICS, as
        TH SarabunPSK and Laksaman do) gets ascender + descender + line gap;
        others the Windows ascent + descent. The PDF uses this line height so
        it paginates like the DOCX at "single" spacing.
        """
        stat = self.regular.stat()
        return _line_em(self.regular, stat.st_size, stat.st_mtime)


@functools.lru_cache(maxsize=8)
def _line_em(path: Path, size: int, mtime: float) -> float:
    """Return :attr:`FontSet.line_em` of the font file at ``path`` (read once per process while unchanged)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        os2, upem = font["OS/2"], font["head"].unitsPerEm
        if os2.fsSelection & (1 << 7):
            height = os2.sTypoAscender - os2.sTypoDescender + os2.sTypoLineGap
        else:
            height = os2.usWinAscent + os2.usWinDescent
    return round(height / upem, 3)


# (css family, DOCX family, regular file, bold file), first found wins
CANDIDATES = (
    ("TH Sarabun New", "TH Sarabun New", "THSarabunNew.ttf", "THSarabunNew Bold.ttf"),
    ("TH SarabunPSK", "TH SarabunPSK", "THSarabunPSK.ttf", "THSarabunPSK Bold.ttf"),
    ("Laksaman", "TH SarabunPSK", "Laksaman.ttf", "Laksaman-Bold.ttf"),
)


def find_fonts(folder: Path | None = None) -> FontSet:
    """Return the first complete font family in ``folder`` (default: fonts/)."""
    folder = folder or project_root() / "fonts"
    for css, docx, regular, bold in CANDIDATES:
        if (folder / regular).is_file() and (folder / bold).is_file():
            return FontSet(css, docx, folder / regular, folder / bold)
    raise RenderError(
        f"ไม่พบแบบอักษรใน {folder} (ต้องมี Laksaman.ttf และ Laksaman-Bold.ttf หรือ TH Sarabun New) / "
        f"no book font found in {folder} (need Laksaman.ttf and Laksaman-Bold.ttf, or TH Sarabun New)"
    )
