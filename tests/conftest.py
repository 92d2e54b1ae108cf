"""Shared fixtures: the example book built once per test session, and PDF/DOCX text readers."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from assembler.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "anticorruption.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> dict[str, Path]:
    """Return the example's PDF and DOCX, built once through the CLI."""
    out = tmp_path_factory.mktemp("example")
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == 0
    return {"pdf": out / "anticorruption.pdf", "docx": out / "anticorruption.docx", "dir": out}


def pdf_pages(pdf: Path, crop_header: bool = False) -> list[str]:
    """Return the text of every page, in content order (pdftotext -raw).

    With ``crop_header`` the top 2.3 cm (where the page number stands) is left out.
    """
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    pages = []
    for i in range(1, count + 1):
        args = ["pdftotext", "-raw", "-f", str(i), "-l", str(i)]
        if crop_header:
            # 72 dpi: skip the top 65 pt of the page
            args += ["-r", "72", "-x", "0", "-y", "65", "-W", "2000", "-H", "2000"]
        pages.append(subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    return pages


def normalise(text: str) -> str:
    """Return text without white space, for comparing PDF and DOCX content.

    WeasyPrint maps each glyph to one Unicode string; HarfBuzz splits SARA AM
    (ำ) into NIKHAHIT + SARA AA glyphs, so text extracted from the PDF may read
    า for ำ. Both sides are folded the same way; everything else must match.
    """
    text = text.replace("\u0e33", "\u0e32").replace("\u0e4d", "")
    return re.sub(r"[\s\u200b]+", "", text)
