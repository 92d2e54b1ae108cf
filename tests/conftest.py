"""Shared fixtures: the example book built once per test session, and PDF/DOCX text readers."""
from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from assembler.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "anticorruption.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def render_cache(tmp_path_factory) -> Path:
    """Keep the tests' laid-out pieces (render/cache.py) in a folder of this session, never in ~/.cache."""
    folder = tmp_path_factory.mktemp("render-cache")
    os.environ["PLANBOOK_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> dict[str, Path]:
    """Return the example's PDF and DOCX, built once through the CLI."""
    out = tmp_path_factory.mktemp("example")
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == 0
    return {"pdf": out / "anticorruption.pdf", "docx": out / "anticorruption.docx", "dir": out}


def pdf_pages(pdf: Path) -> list[tuple[str, str]]:
    """Return (header, body) text of every page, in content order (pdftotext -raw).

    The header is the top 60 pt of the page, where the page number stands;
    the body is everything below it.
    """
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    out = []
    for i in range(1, count + 1):
        parts = []
        for y, h in ((0, 60), (60, 2000)):
            args = ["pdftotext", "-raw", "-r", "72", "-x", "0", "-y", str(y), "-W", "2000", "-H", str(h)]
            args += ["-f", str(i), "-l", str(i), str(pdf), "-"]
            parts.append(subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip("\x0c\n "))
        out.append((parts[0], parts[1]))
    return out


def normalise(text: str) -> str:
    """Return text without white space, in one canonical form, for comparing PDF and DOCX.

    The PDF's text layer reads as written (render/weasy.py; tests/test_weasy.py
    compares it strictly); this comparison stays forgiving for other PDF
    readers: ำ and ํา fold to one form (NFKC), and each run of stacked marks
    (a vowel below, a tone mark, ์) is put in one order on both sides.
    """
    text = re.sub(r"[\s\u200b\u2060]+", "", unicodedata.normalize("NFKC", text))
    return THAI_MARKS.sub(lambda m: "".join(sorted(m.group())), text)


THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]+")
