"""The DOCX as LibreOffice shows it on a PC without the Thai font: embedded fonts, Thai page digits, bars, headers, line breaks.

One small operational plan (ผด.01, a ผด.02 table crossing a page, bars) is
rendered with Thai digits and converted to PDF by LibreOffice once per
session, in an environment whose fontconfig hides every Thai font (the
book's own font folder is added and then hidden, so the rule is seen to
work) and with a throw-away LibreOffice profile; so is the operational-plan
example, whose narrow ผด.02 columns test LibreOffice's Thai line breaks.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
import yaml
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader
from pythainlp.tokenize import tcc

from assembler.fonts import find_fonts
from assembler.loading import load
from assembler.render.docx import render_docx
from assembler.render.docx_fonts import DIGIT_FAMILY, obfuscate
from assembler.thai import is_word, segment
from assembler.view import build_document

from .conftest import FIXTURES, ROOT
from .test_pdf import line_breaks

OPS = FIXTURES / "operations-minimal.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: output/anticorruption.docx before the fonts were embedded (commit 44472d4): 62,234 bytes
DOCX_BYTES_BEFORE_FONTS = 62_234
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
  <selectfont>
    <acceptfont><glob>{profile}/*</glob></acceptfont>
    <rejectfont><pattern><patelt name="lang"><string>th</string></patelt></pattern></rejectfont>
  </selectfont>
</fontconfig>
"""


@pytest.fixture(scope="session")
def no_thai_env(tmp_path_factory) -> dict:
    """Return an environment in which fontconfig knows no Thai font, and a fresh LibreOffice profile."""
    base = tmp_path_factory.mktemp("lo")
    profile = base / "profile"
    conf = base / "fonts.conf"
    text = FONTS_CONF.format(fonts=ROOT / "fonts", cache=base / "fc-cache", profile=profile)
    conf.write_text(text, encoding="utf-8")
    # the same without the rule: the book's font is then seen
    visible = base / "fonts-visible.conf"
    visible.write_text(re.sub(r"<selectfont>.*</selectfont>", "", text, flags=re.S), encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), HOME=str(base))
    return {"env": env, "profile": profile, "dir": base, "visible": dict(env, FONTCONFIG_FILE=str(visible))}


@pytest.fixture(scope="session")
def document(tmp_path_factory):
    # the fixture's projects again and again, so its ผด.02 table crosses pages
    records = yaml.safe_load(OPS.read_text(encoding="utf-8"))
    group = records["strategies"][0]["plans"][0]
    group["projects"] = group["projects"] * 12
    source = tmp_path_factory.mktemp("records") / OPS.name
    source.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    plan, _ = load(source)
    return build_document(plan, thai_digits=True)


def libreoffice_pdf(env: dict, docx: bytes, name: str) -> Path:
    """Return LibreOffice's PDF of ``docx``, converted in the environment without Thai fonts."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (scripts/sysdeps installs libreoffice-writer-nogui)"
    out = env["dir"]
    path = out / f"{name}.docx"
    path.write_bytes(docx)
    subprocess.run(
        [soffice, f"-env:UserInstallation={env['profile'].as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(path)],
        env=env["env"], check=True, capture_output=True, timeout=180,
    )
    return out / f"{name}.pdf"


@pytest.fixture(scope="session")
def lo_pdf(no_thai_env, document) -> Path:
    """Return LibreOffice's PDF of the small book's DOCX, converted where no Thai font is installed."""
    return libreoffice_pdf(no_thai_env, render_docx(document), "book")


def fc_list(env: dict, *args: str) -> str:
    return subprocess.run(["fc-list", *args], env=env, capture_output=True, text=True, check=True).stdout


def test_the_fontconfig_rule_hides_the_thai_font(no_thai_env):
    assert "Laksaman" in fc_list(no_thai_env["visible"], ":lang=th", "family")
    families = fc_list(no_thai_env["env"], ":", "family")
    assert families.strip() and "Laksaman" not in families and "Sarabun" not in families
    assert fc_list(no_thai_env["env"], ":lang=th", "family").strip() == ""


def test_libreoffice_draws_every_thai_letter_in_the_embedded_font(lo_pdf):
    listing = subprocess.run(["pdffonts", str(lo_pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in listing.splitlines()[2:]]
    assert any(n.endswith("+THSarabunPSK") for n in names), listing
    assert any(n.endswith("+THSarabunPSK-Bold") for n in names), listing
    with pdfplumber.open(lo_pdf) as pdf:
        thai = [c for page in pdf.pages for c in page.chars if re.match("[\u0e01-\u0e5b]", c["text"])]
    assert len(thai) > 500
    fonts = {c["fontname"].split("+")[-1] for c in thai}
    assert fonts <= {"THSarabunPSK", "THSarabunPSK-Bold", "PBThaiDigits"}, fonts


def glyph_outlines(font: TTFont, names) -> dict:
    """Return each named glyph's outline (coordinates and contour ends)."""
    glyf = font["glyf"]
    out = {}
    for name in names:
        coords, ends, _ = glyf[name].getCoordinates(glyf)
        out[name] = (tuple(coords), tuple(ends))
    return out


def test_page_numbers_are_drawn_as_thai_digits(lo_pdf):
    """The page numbers' glyphs are Thai digit outlines (their extracted text still reads 1, 2 …)."""
    with pdfplumber.open(lo_pdf) as pdf:
        numbers = []
        for page in pdf.pages:
            top = [c for c in page.chars if c["top"] < 60 and c["text"].strip()]
            if top:
                numbers.append("".join(c["text"] for c in top))
                assert {c["fontname"].split("+")[-1] for c in top} == {DIGIT_FAMILY.replace(" ", "")}
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) >= 3
    book = TTFont(find_fonts().regular)
    cmap = book.getBestCmap()
    thai = {outline: chr(code) for code in range(0x0E50, 0x0E5A) for outline in glyph_outlines(book, [cmap[code]]).values()}
    arabic = {outline for code in range(0x30, 0x3A) for outline in glyph_outlines(book, [cmap[code]]).values()}
    reader = PdfReader(lo_pdf)
    digit_fonts = {
        font["/BaseFont"]: font
        for page in reader.pages
        for font in (ref.get_object() for ref in page["/Resources"]["/Font"].values())
        if "PBThaiDigits" in font["/BaseFont"]
    }
    assert len(digit_fonts) == 1
    (font,) = digit_fonts.values()
    embedded = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_data()))
    drawn = glyph_outlines(embedded, embedded.getGlyphOrder()[1:])
    assert len(drawn) == len({d for n in numbers for d in n})
    for name, outline in drawn.items():
        assert outline in thai and outline not in arabic, name


def test_bars_are_thick_lines_across_the_months(lo_pdf, document):
    """Each bar is a 5 pt rule from the middle of its first month to the middle of its last."""
    table = next(b for s in document.sections for b in s.blocks if getattr(b, "style", "") == "schedule")
    wanted = []  # the months of each bar, row by row
    for row in table.body:
        for i, mark in enumerate(c.bar for c in row[-12:]):
            if mark in ("start", "single"):
                wanted.append([i])
            elif mark in ("mid", "end"):
                wanted[-1].append(i)
    found = []
    with pdfplumber.open(lo_pdf) as pdf:
        for page in pdf.pages:
            heads = [w for w in page.extract_words() if w["text"] in ("ต.ค.", "ก.ย.")]
            if len(heads) < 2:
                continue
            first, last = ((w["x0"] + w["x1"]) / 2 for w in heads[:2])
            centres = [first + i * (last - first) / 11 for i in range(12)]
            rules = {(round(e["x0"], 1), round(e["x1"], 1), round(e["top"])) for e in page.lines if e["linewidth"] >= 4}
            bars = []  # pieces on one height that touch make one bar
            for x0, x1, top in sorted(rules, key=lambda r: (r[2], r[0])):
                if bars and bars[-1][2] == top and x0 <= bars[-1][1] + 1.5:
                    bars[-1][1] = max(bars[-1][1], x1)
                else:
                    bars.append([x0, x1, top])
            for x0, x1, _ in bars:
                found.append([i for i, c in enumerate(centres) if x0 - 1 <= c <= x1 + 1])
    assert found == wanted and wanted


def merged_header_text(page, anchor: str) -> str | None:
    """Return the text inside the header cell holding the word ``anchor`` (between its rules), or None."""
    words = [w for w in page.extract_words() if w["text"].startswith(anchor)]
    if not words:
        return None
    w = words[0]
    v = [e for e in page.edges if e["orientation"] == "v" and e["top"] <= w["top"] <= e["bottom"]]
    left = max((e["x0"] for e in v if e["x0"] <= w["x0"] + 1), default=0)
    right = min((e["x0"] for e in v if e["x0"] >= w["x1"] - 1), default=page.width)
    h = [e for e in page.edges if e["orientation"] == "h" and e["x0"] <= left + 1 and e["x1"] >= right - 1]
    top = max((e["top"] for e in h if e["top"] <= w["top"]), default=0)
    bottom = min((e["top"] for e in h if e["top"] >= w["bottom"]), default=page.height)
    inside = [c for c in page.chars if left <= (c["x0"] + c["x1"]) / 2 <= right and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    inside.sort(key=lambda c: (round(c["top"]), c["x0"]))
    return "".join(c["text"] for c in inside if c["text"].strip())


def test_repeated_header_rows_are_whole_on_every_page(lo_pdf):
    """A merged header cell shows all its lines on the table's continuation pages too."""
    pages = 0
    with pdfplumber.open(lo_pdf) as pdf:
        for page in pdf.pages:
            if not [w for w in page.extract_words() if w["text"] == "ต.ค."]:
                continue
            pages += 1
            area = merged_header_text(page, "(สถ")  # พื้นที่ (สถานที่ดำเนินการ): its last line ends ")"
            unit = merged_header_text(page, "หน่วย")  # หน่วยดำเนินการ
            assert area and area.endswith(")"), (page.page_number, area)
            assert unit and unit.endswith("ร"), (page.page_number, unit)
    assert pages >= 2  # the table crosses a page


# -- the package --------------------------------------------------------------------


def test_fonts_are_embedded_obfuscated_and_named_as_declared(document):
    blob = render_docx(document)
    assert render_docx(document) == blob
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        table = z.read("word/fontTable.xml")
        rels = z.read("word/_rels/fontTable.xml.rels")
        settings = z.read("word/settings.xml").decode()
        types = z.read("[Content_Types].xml").decode()
        parts = {n: z.read(n) for n in z.namelist() if n.startswith("word/fonts/")}
    assert "<w:embedTrueTypeFonts/>" in settings and "<w:saveSubsetFonts/>" in settings
    assert "obfuscatedFont" in types
    root = etree.fromstring(table)
    embeds = {f.get(f"{W}name"): f for f in root.findall(f"{W}font")}
    assert {"TH SarabunPSK", DIGIT_FAMILY} <= set(embeds)
    targets = {r.get("Id"): r.get("Target") for r in etree.fromstring(rels)}
    found = {}
    for name, entry in embeds.items():
        for style in ("Regular", "Bold"):
            embed = entry.find(f"{W}embed{style}")
            if embed is None:
                continue
            key = embed.get(f"{W}fontKey")
            assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", key)
            assert embed.get(f"{W}subsetted") == "true"
            data = parts["word/" + targets[embed.get(f"{R}id")]]
            assert data[:4] != b"\x00\x01\x00\x00"  # obfuscated: not readable as it stands
            font = TTFont(io.BytesIO(obfuscate(data, key)))
            found[(name, style)] = (font["name"].getDebugName(1), font.getBestCmap())
    # bold as a second face of the same family; Thai block and ำ's parts there
    assert found[("TH SarabunPSK", "Regular")][0] == "TH SarabunPSK"
    assert found[("TH SarabunPSK", "Bold")][0] == "TH SarabunPSK"
    for style in ("Regular", "Bold"):
        cmap = found[("TH SarabunPSK", style)][1]
        assert all(code in cmap for code in (0x0E33, 0x0E4D, 0x0E32, 0x0E01, 0x0E2E, 0x0E50, 0x0E59, 0x41, 0x7A))
        assert len([c for c in cmap if 0x0E00 <= c <= 0x0E7F]) >= 85  # the whole Thai block Laksaman draws
    family, cmap = found[(DIGIT_FAMILY, "Regular")]
    assert family == DIGIT_FAMILY
    assert all(cmap[0x30 + i] == cmap[0x0E50 + i] for i in range(10))


def test_arabic_digit_books_carry_no_digit_font():
    plan, _ = load(OPS)
    blob = render_docx(build_document(plan, thai_digits=False))
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        assert DIGIT_FAMILY not in z.read("word/fontTable.xml").decode()
        assert len([n for n in z.namelist() if n.startswith("word/fonts/")]) == 2


def test_example_docx_stays_under_three_times_its_size_without_fonts(example_build):
    size = example_build["docx"].stat().st_size
    assert size < 3 * DOCX_BYTES_BEFORE_FONTS, size
    with zipfile.ZipFile(example_build["docx"]) as z:
        assert len([n for n in z.namelist() if n.startswith("word/fonts/")]) == 3


# -- Thai line breaks ------------------------------------------------------------------------

THAI_LETTER = re.compile("[\u0e01-\u0e4f]")


def ends(tokens) -> set[int]:
    out, pos = set(), 0
    for token in tokens:
        pos += len(token)
        out.add(pos)
    return out


def dictionary_words(text: str) -> bool:
    """Return whether ``text`` is a run of pythainlp dictionary words of two letters or more."""
    ok = [True] + [False] * len(text)
    for i in range(len(text)):
        if ok[i]:
            for j in range(i + 2, len(text) + 1):
                ok[j] = ok[j] or is_word(text[i:j])
    return ok[-1]


def break_context(before: str, after: str, paragraph: str) -> tuple[str, int]:
    """Return the words either side of a line break, joined, and where the break falls in them.

    A space pdftotext puts inside a word (ป่ วย) is dropped: the pieces join
    as the paragraph has them.
    """
    fold = lambda t: re.sub("[\u200b\u2060]", "", t.replace("\u0e4d\u0e32", "\u0e33"))  # noqa: E731
    head, tail = fold(before).split(), fold(after).split()
    left, right = head.pop(), tail.pop(0)
    while head and head[-1] + left in paragraph and f"{head[-1]} {left}" not in paragraph:
        left = head.pop() + left
    return left + right, len(left)


def cut_kind(context: str, cut: int) -> str | None:
    """Return "cluster" or "inside-word" for a line break cutting a Thai character cluster or a word, else None.

    The measure of the project's thai_breaks tool: a cut inside a pythainlp
    (newmm) word is acceptable only where both sides are dictionary words
    (หน่วย|งาน, การ|พิจารณา), never in อำ|นาจ or ศาสน|สถาน.
    """
    if cut not in ends(tcc.segment(context)):
        return "cluster"
    pos = 0
    for word in segment(context):
        if pos < cut < pos + len(word):
            inner = cut - pos
            return None if dictionary_words(word[:inner]) and dictionary_words(word[inner:]) else "inside-word"
        pos += len(word)
    return None


def test_the_break_measure_finds_cut_clusters_and_words():
    assert cut_kind(*break_context("เหล็", "ก", "เหล็ก")) == "cluster"
    assert cut_kind(*break_context("และศาสน", "สถาน ทุก", "และศาสนสถาน ทุก")) == "inside-word"
    assert cut_kind(*break_context("บ้านผู้ป่ วย", "ติดเตียง", "บ้านผู้ป่วยติดเตียง")) is None
    assert cut_kind(*break_context("หน่วย", "งาน", "หน่วยงาน")) is None


@pytest.fixture(scope="session")
def lo_operations(no_thai_env):
    """Return an operational-plan example's Document and LibreOffice's PDF of its DOCX."""
    plan, _ = load(ROOT / "examples" / "operations-2566.yaml")
    document = build_document(plan)
    return document, libreoffice_pdf(no_thai_env, render_docx(document), "operations")


def test_libreoffice_keeps_thai_words_whole_in_narrow_columns(lo_operations):
    """LibreOffice cuts no cluster, and (almost) no word, in the ผด.02 columns of the DOCX.

    Every line break between two Thai letters inside one paragraph or cell is
    measured; what remains are words wider than their column with the
    punctuation that stays with them (สาธารณ|สุข, in a 2 cm column, as the
    PDF cuts it) and LibreOffice's refusal to break before an opening bracket
    followed by Thai ((อปพ|ร.)).
    """
    document, pdf = lo_operations
    kinds, cuts = Counter(), []
    for before, after, found in line_breaks(document, pdf):
        if THAI_LETTER.match(before[-1]) and THAI_LETTER.match(after[0]):
            context, cut = break_context(before, after, found[0][1])
            kind = cut_kind(context, cut)
            kinds[kind] += 1
            if kind:
                cuts.append(f"{context[:cut]}|{context[cut:]}")
    joins = sum(kinds.values())
    assert joins > 500, kinds
    assert kinds["cluster"] == 0, cuts
    assert kinds["inside-word"] <= 0.005 * joins, (kinds, cuts)
