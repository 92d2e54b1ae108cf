"""Render a Document to DOCX with python-docx, laying out only what the Document says.

Thai is a complex script: Word takes a Thai run's font from ``w:rFonts/@w:cs``
and its size and weight from ``w:szCs``/``w:bCs``, so every style written here
declares the ascii, hAnsi, eastAsia and cs fonts, both sizes and both bolds,
and ``w:lang w:bidi="th-TH"``. Paragraphs carry style references only; a run
sets properties of its own only where it must (bold TOC header, page number),
and then sets the complex-script twin as well.

Page numbers are a PAGE field in the header of every numbered section; with
Thai digits the section's ``w:pgNumType w:fmt="thaiNumbers"`` makes Word show
๑, ๒, … The field carries no ``\\* ThaiArabic`` switch: LibreOffice (7.4)
imports that switch as Thai *letters* (ก, ข, ค …). It ignores ``thaiNumbers``
and has no DOCX markup for Thai page digits at all, so the field's runs have
a character style whose font is a tiny embedded one drawing 1, 2 … as ๑, ๒ …
(see docx_fonts; LibreOffice keeps a field's character style, not its runs'
direct fonts). The Header style is Thai (``w:lang w:val="th-TH"``) too, for
LibreOffice's "Context" numerals option.

The book's faces are embedded (subsets, see docx_fonts), so the file shows
right where TH SarabunPSK is not installed. Thai text carries zero-width
spaces at word boundaries (see word_breaks); Word refreshes fields on
opening (``w:updateFields``), so the สารบัญ gets Word's own page numbers.

The output is byte-identical for the same Document: fixed core properties and
a zip re-packed in a fixed order with fixed entry dates and permissions.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser
from docx.section import Section as DocxSection
from lxml import etree

from ..document import CELL_STEP_CM, HEAD_SMALL, PARA_STYLES, Cell, Document, Para, Section, Table, Toc, grid, text_blocks
from ..fonts import FontSet, find_fonts
from ..thai import CLOSING, OPENING, is_thai, is_word, segment, syllables
from ..ziputil import repack
from .docx_fonts import DIGIT_FAMILY, EmbeddedFont, Metrics, book_font, digit_font

# -- page geometry (twips: 1/1440 inch) ------------------------------------


def cm(value: float) -> int:
    """Return ``value`` centimetres in twips."""
    return round(value * 1440 / 2.54)


A4_SHORT, A4_LONG = 11906, 16838
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = cm(3), cm(2), cm(2.5), cm(2)
HEADER_DISTANCE = cm(1.25)
#: Text width per orientation: 16 cm portrait, 24.7 cm landscape.
TEXT_WIDTH = {
    "portrait": A4_SHORT - MARGIN_LEFT - MARGIN_RIGHT,
    "landscape": A4_LONG - MARGIN_LEFT - MARGIN_RIGHT,
}
FIXED_DATE = datetime(2000, 1, 1, 0, 0, 0)
SHADE = "D9D9D9"
#: A schedule bar: a 5 pt black rule (eighths of a point), as the PDF's .bar.
BAR_SIZE = 40
#: Where a bar starts or ends inside its first or last month cell (share of the cell
#: left blank on that side), as in the PDF's book.css: 40%, or 20% each side of a single month.
BAR_INSET = {"start": (0.4, 0.0), "mid": (0.0, 0.0), "end": (0.0, 0.4), "single": (0.2, 0.2)}
BORDER_SIZE = 6  # eighths of a point: 0.75 pt, as in the PDF
CELL_MARGIN_LR = 60  # twips, about 3 pt
CELL_MARGIN_TB = 20  # twips, 1 pt
ITEM_STEP = cm(1)  # extra indent per Para.level
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
PAGE_NUMBER_STYLE = "PBpagenumber"
FONT_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
TOC_FIELD = ' TOC \\o "1-2" \\h \\z \\u '
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ZWSP = "\u200b"
#: how much narrower than its cell's text room a word must be to stay whole there (pt):
#: LibreOffice measures it with the same advance widths, in twips
FIT_SLACK_PT = 0.25
_THAI = re.compile("[\u0e00-\u0e7f]")
_THAI_LETTER = re.compile("[\u0e01-\u0e4f]")  # not the digits
#: where LibreOffice's dictionary may start a word: before a consonant or a leading vowel
#: (เ แ โ ใ ไ), not after a leading vowel
_JOINS = re.compile("(?<=[\u0e01-\u0e3a\u0e45-\u0e4e])(?=[\u0e01-\u0e2e\u0e40-\u0e44])")
WORD_JOINER = "\u2060"
_NO_BREAK_BEFORE = re.compile("[\u0e30\u0e32\u0e33\u0e45\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


# -- styles -----------------------------------------------------------------


@dataclass(frozen=True)
class StyleSpec:
    """The look of one paragraph style (sizes in pt, or the body / table size of the Document)."""

    style_id: str
    name: str
    size: float | str = "body"  # pt, "body" or "table"
    bold: bool = False
    underline: bool = False
    align: str = "left"  # left | center | right | thaiDistribute
    left: int = 0  # twips
    first_line: int = 0
    hanging: int = 0
    before: int = 0  # twips
    after: int = 0
    keep_next: bool = False
    outline: int | None = None
    tabs: tuple[tuple[str, int, str], ...] = ()  # (kind, position, leader)
    right: int = 0


def _pb(name: str) -> tuple[str, str]:
    """Return (style id, style name) of the planbook style for PARA_STYLES ``name``."""
    return "PB" + name.replace("-", ""), f"PB {name}"


def para_style_specs(toc_width: int) -> dict[str, StyleSpec]:
    """Return the Word style of every PARA_STYLES name, plus the TOC and header styles."""
    spec = {}

    def add(name, **kw):
        style_id, style_name = _pb(name)
        spec[name] = StyleSpec(style_id, style_name, **kw)

    add("body", align="thaiDistribute", first_line=cm(2.5), after=40)
    add("plain", first_line=cm(1))
    add("center", align="center")
    add("cover-title", size=28, bold=True, align="center", before=cm(6), after=120)
    add("cover", size=22, bold=True, align="center", before=160)
    add("cover-small", size=18, bold=True, align="center")
    add("title", size=20, bold=True, align="center", after=240)
    spec["part"] = StyleSpec("Heading1", "heading 1", size=20, bold=True, align="center", after=160, keep_next=True, outline=0)
    spec["h2"] = StyleSpec("Heading2", "heading 2", size=18, bold=True, before=160, after=60, keep_next=True, outline=1)
    add("h3", bold=True, before=100, after=20, keep_next=True)
    add("sheet-no", size=18, bold=True, align="center", keep_next=True)
    add("sheet-context", size="table", align="center", after=120)
    add("label", bold=True, before=110)
    add("group", underline=True, left=cm(1))
    add("item", left=cm(2.2), hanging=cm(1.1))
    add("signature", align="center", left=cm(8))
    add("form-code", bold=True, align="right")
    add("cell", size="table")
    add("cell-center", size="table", align="center")
    add("cell-right", size="table", align="right")
    add("cell-bold", size="table", bold=True)
    add("cell-bold-center", size="table", bold=True, align="center")
    add("cell-bold-right", size="table", bold=True, align="right")
    add("cell-head-small", size="table", bold=True, align="center")
    assert set(spec) == set(PARA_STYLES), "every PARA_STYLES name needs a Word style"
    leader = (("right", toc_width, "dot"),)
    spec["toc 1"] = StyleSpec("TOC1", "toc 1", bold=True, before=100, tabs=leader)
    spec["toc 2"] = StyleSpec("TOC2", "toc 2", left=cm(1), tabs=leader)
    spec["toc head"] = StyleSpec("PBtochead", "PB toc-head", tabs=(("right", toc_width, "none"),), after=60)
    spec["header"] = StyleSpec("Header", "header", align="right")
    return spec


def el(tag: str, attrs: dict | None = None, *children) -> etree._Element:
    """Return a new WordprocessingML element, e.g. ``el("w:jc", {"w:val": "center"})``.

    (What docx.oxml.OxmlElement makes, with the tag's parts looked up once per tag.)
    """
    name, nsmap = _tag(tag)
    e = oxml_parser.makeelement(name, nsmap=nsmap)
    for key, value in (attrs or {}).items():
        e.set(_qn(key), str(value))
    for child in children:
        if child is not None:
            e.append(child)
    return e


@lru_cache(maxsize=None)
def _tag(tag: str) -> tuple[str, dict[str, str]]:
    """Return a prefixed tag's Clark name and namespace map (as OxmlElement finds them)."""
    nsptag = NamespacePrefixedTag(tag)
    return nsptag.clark_name, nsptag.nsmap


_qn = lru_cache(maxsize=None)(qn)


def half_points(pt: float) -> int:
    return round(pt * 2)


def rpr_fonts(font: str, size_hp: int | None, bold: bool = False, underline: bool = False, lang: bool = True):
    """Return a w:rPr with all four fonts, both sizes, both bolds and the Thai language."""
    rpr = el("w:rPr")
    rpr.append(el("w:rFonts", {"w:ascii": font, "w:hAnsi": font, "w:eastAsia": font, "w:cs": font}))
    if bold:
        rpr.append(el("w:b"))
        rpr.append(el("w:bCs"))
    rpr.append(el("w:color", {"w:val": "000000"}))
    if size_hp is not None:
        rpr.append(el("w:sz", {"w:val": size_hp}))
        rpr.append(el("w:szCs", {"w:val": size_hp}))
    if underline:
        rpr.append(el("w:u", {"w:val": "single"}))
    if lang:
        rpr.append(el("w:lang", {"w:val": "en-US", "w:eastAsia": "en-US", "w:bidi": "th-TH"}))
    return rpr


def ppr_of(spec: StyleSpec) -> etree._Element:
    """Return the w:pPr of a style (children in schema order)."""
    ppr = el("w:pPr")
    if spec.keep_next:
        ppr.append(el("w:keepNext"))
        ppr.append(el("w:keepLines"))
    ppr.append(el("w:widowControl"))
    if spec.tabs:
        tabs = el("w:tabs")
        for kind, pos, leader in spec.tabs:
            tabs.append(el("w:tab", {"w:val": kind, "w:leader": leader, "w:pos": pos}))
        ppr.append(tabs)
    ppr.append(el("w:spacing", {"w:before": spec.before, "w:after": spec.after, "w:line": 240, "w:lineRule": "auto"}))
    ind = {"w:left": spec.left, "w:right": spec.right}
    if spec.hanging:
        ind["w:hanging"] = spec.hanging
    else:
        ind["w:firstLine"] = spec.first_line
    ppr.append(el("w:ind", ind))
    ppr.append(el("w:jc", {"w:val": spec.align}))
    if spec.outline is not None:
        ppr.append(el("w:outlineLvl", {"w:val": spec.outline}))
    return ppr


def style_element(spec: StyleSpec, font: str, size_hp: int, custom: bool) -> etree._Element:
    """Return the w:style of ``spec``."""
    attrs = {"w:type": "paragraph", "w:styleId": spec.style_id}
    if custom:
        attrs["w:customStyle"] = 1
    style = el("w:style", attrs)
    style.append(el("w:name", {"w:val": spec.name}))
    style.append(el("w:basedOn", {"w:val": "Normal"}))
    style.append(el("w:next", {"w:val": "PBbody" if spec.outline is not None else spec.style_id}))
    if spec.style_id.startswith("TOC") or spec.style_id == "Header":
        style.append(el("w:uiPriority", {"w:val": 39 if spec.style_id.startswith("TOC") else 99}))
        style.append(el("w:unhideWhenUsed"))
    style.append(el("w:qFormat"))
    style.append(ppr_of(spec))
    style.append(rpr_fonts(font, size_hp, spec.bold, spec.underline))
    return style


# -- names ------------------------------------------------------------------


def bookmark_name(anchor: str) -> str:
    """Return a Word bookmark name for ``anchor``: ``_pb_`` + letters, digits, '_'; ≤ 40 chars.

    '-' and '.' become '_', Thai digits ASCII ones; an anchor with other
    characters, or too long, gets a short hash of the whole anchor appended.
    """
    out, lossy = [], False
    for ch in anchor:
        if ch.isascii() and (ch.isalnum() or ch == "_"):
            out.append(ch)
        elif ch in "-.":
            out.append("_")
        elif unicodedata.category(ch) == "Nd":
            out.append(str(unicodedata.digit(ch)))
        else:
            lossy = True
    name = "_pb_" + "".join(out)
    if lossy or len(name) > 40:
        digest = hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:8]
        name = f"{name[:31]}_{digest}"
    return name


def clean(text: str) -> str:
    """Return ``text`` without characters XML cannot hold (literal otherwise)."""
    return _XML_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def word_breaks(text: str, too_wide=None) -> str:
    """Return ``text`` with a zero-width space between every two Thai words that touch.

    Thai has no spaces between words. LibreOffice's own dictionary cuts words
    pythainlp keeps whole, and cuts a word wider than its cell anywhere, even
    inside a cluster (เหล็|ก); given the boundaries, it breaks lines there.
    Word treats the character the same way; both show nothing for it. A slash
    between Thai words (โครงการ/กิจกรรม) is a boundary too.

    In a table cell (``too_wide`` given) a word that is too wide for the cell,
    with the brackets and punctuation that stay on its line, also gets one
    between its parts (see narrow_parts), and a word (or part) that fits has
    its letters joined by word joiners (before each consonant and leading
    vowel): LibreOffice's dictionary still cuts a word it does not know
    (ศาสน|สถาน, เมทั|ลชีท) where a line ends, even between the zero-width
    spaces. Searching the DOCX for such a word then finds nothing; prose keeps
    its words searchable.
    """
    if not _THAI.search(text):
        return text
    tokens = segment(text)
    words: list[str] = []
    for i, word in enumerate(tokens):
        if too_wide is None or not _THAI_LETTER.match(word[0]):
            words.append(word)
            continue
        before = tokens[i - 1] if i and tokens[i - 1][-1] in OPENING else ""
        after = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1][0] in CLOSING else ""
        on_line = lambda part: too_wide(before + part + after)  # noqa: E731
        for part in narrow_parts(word, on_line):
            words.append(part if on_line(part) else _JOINS.sub(WORD_JOINER, part))
    out = [words[0]]
    for i, word in enumerate(words[1:], 1):
        before = words[i - 1]
        slash = before == "/" and i > 1 and _THAI_LETTER.match(words[i - 2][-1]) and _THAI_LETTER.match(word[0])
        if slash or is_thai(before[-1]) and is_thai(word[0]):
            out.append(ZWSP)
        out.append(word)
    # LibreOffice's dictionary cuts before sara a inside a word (สาธารณ|ะ): a word joiner forbids it
    return re.sub("(?<=[\u0e01-\u0e2e])\u0e30", WORD_JOINER + "\u0e30", "".join(out))


def narrow_parts(word: str, too_wide, depth: int = 0) -> list[str]:
    """Return ``word`` cut into parts until none is too wide: dictionary parts, then their parts.

    สารบรรณอิเล็กทรอนิกส์ → สารบรรณ, อิเล็กทรอนิกส์, and the latter, when still too
    wide for its cell, → อิ, เล็ก, ทรอ, นิกส์.
    """
    if depth > 3 or not too_wide(word):
        return [word]
    parts = word_parts(word)
    if len(parts) == 1:
        return [word]
    return [piece for part in parts for piece in narrow_parts(part, too_wide, depth + 1)]


@lru_cache(maxsize=1024)
def word_parts(word: str) -> tuple[str, ...]:
    """Return a Thai word too wide for its cell cut where it may break: its longest dictionary parts, else syllables.

    คุณภาพชีวิต → คุณภาพ, ชีวิต; คอนกรีตเสริมเหล็ก → คอนกรีต, เสริม, เหล็ก; ประชาชน → ประ, ชา, ชน.
    """
    pieces = syllables(word)
    parts, i = [], 0
    while i < len(pieces):
        # the longest run of syllables from here that is a word (but not the whole word)
        j = next((j for j in range(len(pieces), i + 1, -1)
                  if (j - i) < len(pieces) and is_word("".join(pieces[i:j]))), i + 1)
        part = "".join(pieces[i:j])
        # never a break inside a character cluster (before ะ า ำ or a mark, after เ แ โ ใ ไ),
        # nor around a lone letter (the syllable list's guess at an unknown word)
        if parts and (_NO_BREAK_BEFORE.match(part) or parts[-1][-1] in "เแโใไ" or len(part) == 1 or len(parts[-1]) == 1):
            parts[-1] += part
        else:
            parts.append(part)
        i = j
    return tuple(parts)


def add_text(run: etree._Element, text: str, too_wide=None) -> None:
    """Append ``text`` to a w:r, with w:tab for tabs, w:br for line breaks, Thai word boundaries marked."""
    for i, line in enumerate(word_breaks(clean(text), too_wide).split("\n")):
        if i:
            run.append(el("w:br"))
        for j, piece in enumerate(line.split("\t")):
            if j:
                run.append(el("w:tab"))
            if piece:
                t = el("w:t")
                t.text = piece
                if piece != piece.strip():
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                run.append(t)


def text_run(text: str, rpr: etree._Element | None = None, too_wide=None) -> etree._Element:
    run = el("w:r", None, rpr)
    add_text(run, text, too_wide)
    return run


def field_runs(instr: str, rpr_factory=None) -> tuple[list, list]:
    """Return (begin+instr+separate runs, end run) of a complex field."""
    r = rpr_factory or (lambda: None)
    begin = el("w:r", None, r(), el("w:fldChar", {"w:fldCharType": "begin"}))
    it = el("w:instrText")
    it.text = instr
    it.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    code = el("w:r", None, r(), it)
    sep = el("w:r", None, r(), el("w:fldChar", {"w:fldCharType": "separate"}))
    end = el("w:r", None, r(), el("w:fldChar", {"w:fldCharType": "end"}))
    return [begin, code, sep], [end]


# -- the renderer -----------------------------------------------------------


class DocxRenderer:
    """Lays out one Document into a python-docx document."""

    def __init__(self, document: Document, fonts: FontSet):
        self.document = document
        self.fonts = fonts
        self.font = fonts.docx_family
        self.metrics = Metrics(fonts.regular, fonts.bold)
        self.body_hp = half_points(document.font_size_pt)
        self.table_hp = half_points(document.table_font_size_pt)
        self.cell_size_hp: int | None = None  # the current table's own size, if it has one
        self.cell_room: float | None = None  # the text width (pt) of the cell being written
        self.cell_line = 240  # the current table's line spacing (240 = single)
        self.cell_keep = False  # the current row keeps with the next
        toc_section = next(
            (s for s in document.sections if any(isinstance(b, Toc) for b in s.blocks)), None
        )
        self.toc_width = TEXT_WIDTH[toc_section.orientation if toc_section else "portrait"]
        self.specs = para_style_specs(self.toc_width)
        self.bookmark_ids = 0
        self.bookmarks: dict[str, str] = {}  # anchor → bookmark name
        self._collect_anchors()
        self.doc = docx.Document()

    # -- setup --
    def _collect_anchors(self) -> None:
        used: set[str] = set()

        def visit(para: Para):
            if para.anchor and para.anchor not in self.bookmarks:
                name = bookmark_name(para.anchor)
                if name in used:
                    digest = hashlib.sha1(para.anchor.encode("utf-8")).hexdigest()[:8]
                    name = f"{name[:31]}_{digest}"
                used.add(name)
                self.bookmarks[para.anchor] = name

        for section in self.document.sections:
            for block in section.blocks:
                if isinstance(block, Para):
                    visit(block)
                elif isinstance(block, Table):
                    for row in block.header + block.body:
                        for cell in row:
                            for para in cell.paras:
                                visit(para)

    def size_of(self, spec: StyleSpec) -> int:
        if spec.size == "body":
            return self.body_hp
        if spec.size == "table":
            return self.table_hp
        return half_points(spec.size)

    def setup_styles(self) -> None:
        styles = self.doc.styles.element
        font = self.font
        # document defaults: fonts, body size, Thai language, single spacing
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is not None:
            styles.remove(defaults)
        rpr_default = el("w:rPrDefault", None, rpr_fonts(font, self.body_hp))
        ppr_default = el(
            "w:pPrDefault", None,
            el("w:pPr", None, el("w:spacing", {"w:after": 0, "w:line": 240, "w:lineRule": "auto"})),
        )
        styles.insert(0, el("w:docDefaults", None, rpr_default, ppr_default))
        # no theme fonts anywhere: a theme font overrides the explicit one
        for rfonts in styles.iter(qn("w:rFonts")):
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attr), None)
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                rfonts.set(qn(attr), font)
        by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
        # Normal
        normal = el("w:style", {"w:type": "paragraph", "w:default": 1, "w:styleId": "Normal"})
        normal.append(el("w:name", {"w:val": "Normal"}))
        normal.append(el("w:qFormat"))
        normal.append(el("w:pPr", None, el("w:widowControl"), el("w:spacing", {"w:after": 0, "w:line": 240, "w:lineRule": "auto"})))
        normal.append(rpr_fonts(font, self.body_hp))
        self._replace_style(styles, by_id, normal)
        for spec in self.specs.values():
            custom = spec.style_id.startswith("PB")
            self._replace_style(styles, by_id, style_element(spec, font, self.size_of(spec), custom))
        if self.document.thai_digits:
            # LibreOffice takes a page-number field's language from the paragraph style:
            # Thai there lets its "Context" numerals option draw ๑, ๒, …
            lang = by_id["Header"].find(f"{qn('w:rPr')}/{qn('w:lang')}")
            lang.set(qn("w:val"), "th-TH")
            lang.set(qn("w:eastAsia"), "th-TH")
            # the page number's character style: the digit font, whose 1, 2 … draw ๑, ๒ …
            # (LibreOffice keeps a field's character style, not its runs' direct fonts)
            family = DIGIT_FAMILY
            fonts = el("w:rFonts", {"w:ascii": family, "w:hAnsi": family, "w:eastAsia": family, "w:cs": family})
            page_number = el("w:style", {"w:type": "character", "w:customStyle": 1, "w:styleId": PAGE_NUMBER_STYLE})
            page_number.append(el("w:name", {"w:val": "PB page number"}))
            page_number.append(el("w:rPr", None, fonts))
            self._replace_style(styles, by_id, page_number)

    @staticmethod
    def _replace_style(styles, by_id, new) -> None:
        old = by_id.get(new.get(qn("w:styleId")))
        if old is not None:
            old.addprevious(new)
            styles.remove(old)
        else:
            styles.append(new)
        by_id[new.get(qn("w:styleId"))] = new

    def setup_package(self) -> None:
        doc = self.doc
        package = doc.part.package
        # drop python-docx's sample thumbnail and the Word 2010 style copy
        for rels, reltype in ((package.rels, RT.THUMBNAIL), (doc.part.rels, STYLES_WITH_EFFECTS)):
            for r_id, rel in list(rels.items()):
                if rel.reltype == reltype:
                    del rels[r_id]
                    rels.related_parts.pop(r_id, None)
        settings = doc.settings.element
        # embedded (subset) fonts, then the fields (สารบัญ page numbers) refreshed on open
        zoom = settings.find(qn("w:zoom"))
        zoom.addnext(el("w:saveSubsetFonts"))
        zoom.addnext(el("w:embedTrueTypeFonts"))
        settings.find(qn("w:compat")).addprevious(el("w:updateFields", {"w:val": "true"}))
        for compat in settings.iter(qn("w:compatSetting")):
            if compat.get(qn("w:name")) == "compatibilityMode":
                compat.set(qn("w:val"), "15")
        for lang in settings.findall(qn("w:themeFontLang")):
            lang.set(qn("w:bidi"), "th-TH")
        # font table: the family is a Thai (charset DE) font, and its faces travel with the file
        for part in package.iter_parts():
            if part.partname == "/word/fontTable.xml":
                root = etree.fromstring(part.blob)
                for font in self.embedded_fonts():
                    entry = next((f for f in root.findall(qn("w:font")) if f.get(qn("w:name")) == font.family), None)
                    if entry is None:
                        entry = etree.SubElement(root, qn("w:font"))
                        entry.set(qn("w:name"), font.family)
                        for tag, val in (("w:charset", "DE"), ("w:family", "swiss"), ("w:pitch", "variable")):
                            etree.SubElement(entry, qn(tag)).set(qn("w:val"), val)
                    number = len(part.rels) + 1
                    blob = Part(PackURI(f"/word/fonts/font{number}.odttf"), FONT_CONTENT_TYPE, font.odttf, package)
                    r_id = part.relate_to(blob, RT.FONT)
                    entry.append(el(f"w:embed{font.style}", {"r:id": r_id, "w:fontKey": font.key, "w:subsetted": "true"}))
                part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        props = doc.core_properties
        props.title = core_property(self.document.title)
        props.author = core_property(self.document.author)
        props.last_modified_by = core_property(self.document.author)
        props.comments = ""
        props.subject = ""
        props.keywords = ""
        props.category = ""
        props.language = "th-TH"
        props.created = FIXED_DATE
        props.modified = FIXED_DATE
        props.last_printed = FIXED_DATE
        props.revision = 1

    def embedded_fonts(self) -> list[EmbeddedFont]:
        """Return the fonts the DOCX carries: both book faces, and the page-digit font for Thai digits."""
        used = frozenset(map(ord, set("".join(text_blocks(self.document)))))
        fonts = [
            book_font(self.fonts.regular, self.font, "Regular", used),
            book_font(self.fonts.bold, self.font, "Bold", used),
        ]
        if self.document.thai_digits:
            fonts.append(digit_font(self.fonts.regular))
        return fonts

    # -- paragraphs --
    def paragraph(self, para: Para, first_of_kind: bool = False, page_break: bool = False) -> etree._Element:
        spec = self.specs[para.style]
        ppr = el("w:pPr", None, el("w:pStyle", {"w:val": spec.style_id}))
        in_cell = para.style.startswith("cell")
        if para.keep_with_next or (in_cell and self.cell_keep):
            ppr.append(el("w:keepNext"))
        if para.break_before or page_break:
            ppr.append(el("w:pageBreakBefore"))
        if in_cell and self.cell_line != 240:
            ppr.append(el("w:spacing", {"w:line": self.cell_line, "w:lineRule": "auto"}))
        if para.style == "signature" and first_of_kind:
            ppr.append(el("w:spacing", {"w:before": 280}))
        if para.level:
            ind = {"w:left": spec.left + para.level * (cm(CELL_STEP_CM) if in_cell else ITEM_STEP)}
            if spec.hanging:
                ind["w:hanging"] = spec.hanging
            ppr.append(el("w:ind", ind))
        p = el("w:p", None, ppr)
        bookmark = self.bookmarks.get(para.anchor) if para.anchor else None
        if bookmark:
            self.bookmark_ids += 1
            bid = self.bookmark_ids
            p.append(el("w:bookmarkStart", {"w:id": bid, "w:name": bookmark}))
        text = f"{para.number}\t{para.text}" if para.number else para.text
        if text:
            size = self.cell_size_hp if para.style.startswith("cell") else None
            if para.style == "cell-head-small":
                size = round((size or self.table_hp) * HEAD_SMALL)
            rpr = el("w:rPr", None, el("w:sz", {"w:val": size}), el("w:szCs", {"w:val": size})) if size else None
            too_wide = None
            if self.cell_room is not None:
                # a word wider than its cell may break, between its syllables; LibreOffice's text
                # room is the cell less its margins, and it measures words with the same advances
                pt = (size or self.size_of(spec)) / 2
                room = self.cell_room - (spec.left + spec.right + para.level * (cm(CELL_STEP_CM) if in_cell else ITEM_STEP)) / 20
                too_wide = lambda word: self.metrics.width(word, pt, spec.bold) > room - FIT_SLACK_PT  # noqa: E731
            p.append(text_run(text, rpr, too_wide))
        if bookmark:
            p.append(el("w:bookmarkEnd", {"w:id": bid}))
        return p

    def empty_paragraph(self, style: str = "plain") -> etree._Element:
        """Return an empty paragraph (between tables, or to carry a section break)."""
        return el("w:p", None, el("w:pPr", None, el("w:pStyle", {"w:val": self.specs[style].style_id})))

    # -- tables --
    def table(self, table: Table, width: int) -> etree._Element:
        self.cell_size_hp = half_points(table.font_size_pt) if table.font_size_pt else None
        self.cell_line = round(240 * table.line_height)
        # LibreOffice draws a cell's text in less room than the PDF's cell of the same width
        # (its rules take room inside the cell): half a point less margin each side, so a
        # word that fits the PDF's cell fits here too (measured: fewer words cut in LibreOffice)
        margin_lr = round(table.padding_pt * 20) - 10
        self.margin_lr = margin_lr
        # the Document's widths in cm, as the PDF draws them; the last column takes
        # the rounding to whole twips (at most a twip per column)
        cols = [cm(c) for c in table.columns]
        if abs(width - sum(cols)) <= len(cols):
            cols[-1] += width - sum(cols)
        width = sum(cols)
        border = {"w:val": "single", "w:sz": BORDER_SIZE, "w:space": 0, "w:color": "000000"}
        tblpr = el(
            "w:tblPr", None,
            el("w:tblW", {"w:w": width, "w:type": "dxa"}),
            el("w:tblInd", {"w:w": 0, "w:type": "dxa"}),
            el("w:tblBorders", None, *(el(f"w:{side}", border) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))),
            el("w:tblLayout", {"w:type": "fixed"}),
            el("w:tblCellMar", None,
               el("w:top", {"w:w": CELL_MARGIN_TB, "w:type": "dxa"}),
               el("w:left", {"w:w": margin_lr, "w:type": "dxa"}),
               el("w:bottom", {"w:w": CELL_MARGIN_TB, "w:type": "dxa"}),
               el("w:right", {"w:w": margin_lr, "w:type": "dxa"})),
            el("w:tblLook", {"w:val": "0000", "w:firstRow": 0, "w:lastRow": 0, "w:firstColumn": 0, "w:lastColumn": 0, "w:noHBand": 1, "w:noVBand": 1}),
        )
        tbl = el("w:tbl", None, tblpr, el("w:tblGrid", None, *(el("w:gridCol", {"w:w": w}) for w in cols)))
        heights = self.header_heights(table, cols, margin_lr)
        first = True
        for rows, is_header in ((table.header, True), (table.body, False)):
            lines = grid(table, rows)
            for r, line in enumerate(lines):
                loose = not is_header and (table.fill_pages or r in table.loose_rows)
                # Word keeps a row with the next when its paragraphs keep with the next
                self.cell_keep = not is_header and r + 1 in table.keep_with_previous
                trpr = el("w:trPr", None, None if loose else el("w:cantSplit"))
                if is_header and r in heights:
                    trpr.append(el("w:trHeight", {"w:val": heights[r], "w:hRule": "atLeast"}))
                if is_header:
                    trpr.append(el("w:tblHeader"))
                tr = el("w:tr", None, trpr)
                col = 0
                for cell, continuation in line:
                    span = cell.colspan
                    tr.append(self.cell(cell, continuation, sum(cols[col:col + span]), is_header, first and table.break_before))
                    first = False
                    col += span
                tbl.append(tr)
        return tbl

    def cell_height(self, cell: Cell, width: int, margin_lr: int) -> float:
        """Return the height in twips that ``cell``'s text takes in a cell ``width`` twips wide."""
        height = 2 * CELL_MARGIN_TB
        for para in cell.paras:
            spec = self.specs[para.style]
            size = (self.cell_size_hp or self.table_hp) / 2 if spec.size == "table" else self.size_of(spec) / 2
            room = (width - 2 * margin_lr - spec.left - spec.right) / 20
            lines = self.metrics.lines(para.full_text, room, size, spec.bold)
            # the table's own line spacing (cell_line, in 240ths of single spacing)
            height += lines * size * self.fonts.line_em * self.cell_line / 240 * 20 + spec.before + spec.after
        return height

    def header_heights(self, table: Table, cols: list[int], margin_lr: int) -> dict[int, int]:
        """Return the least height (twips) of each header row under a vertically merged cell.

        LibreOffice grows the last row a merged cell spans so its text fits,
        but not in the copies of the header it repeats on later pages: there
        the merged cell is cut off. A row height stated in the file holds in
        every copy, so the rows a merged cell spans are given the height its
        text needs (estimated from the font's advance widths, slightly generous).
        """
        lines = grid(table, table.header)
        natural = [0.0] * len(lines)
        spans = []  # (first row, rows, height needed)
        for r, line in enumerate(lines):
            col = 0
            for cell, continuation in line:
                if not continuation:
                    need = self.cell_height(cell, sum(cols[col:col + cell.colspan]), margin_lr)
                    if cell.rowspan == 1:
                        natural[r] = max(natural[r], need)
                    else:
                        spans.append((r, cell.rowspan, need))
                col += cell.colspan
        out: dict[int, int] = {}
        for first, count, need in spans:
            last = first + count - 1
            above = sum(natural[first:last])
            if above + natural[last] < need:
                natural[last] = need - above
                out[last] = round(natural[last] * 1.05)
        return out

    def cell(self, cell: Cell, continuation: bool, width: int, header: bool, page_break: bool) -> etree._Element:
        tcpr = el("w:tcPr", None, el("w:tcW", {"w:w": width, "w:type": "dxa"}))
        if cell.colspan > 1:
            tcpr.append(el("w:gridSpan", {"w:val": cell.colspan}))
        if cell.rowspan > 1:
            tcpr.append(el("w:vMerge", {"w:val": "continue"} if continuation else {"w:val": "restart"}))
        if not cell.frame:
            # a caption row: no lines but the one above the real header below it
            nil = {"w:val": "nil"}
            tcpr.append(el("w:tcBorders", None, el("w:top", nil), el("w:left", nil), el("w:right", nil)))
        elif cell.open_above or cell.open_below:
            # the lines of one ผด.02 row: no rule between them (both cells say so, as Word asks)
            nil = {"w:val": "nil"}
            sides = [el("w:top", nil)] if cell.open_above else []
            sides += [el("w:bottom", nil)] if cell.open_below else []
            tcpr.append(el("w:tcBorders", None, *sides))
        if cell.shade:
            tcpr.append(el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": SHADE}))
        if cell.bar or cell.tight:
            # no side margins: the bar's rule runs to the cell edges and meets its neighbours'
            # (a tight heading fills its narrow column)
            tcpr.append(el("w:tcMar", None, el("w:left", {"w:w": 0, "w:type": "dxa"}), el("w:right", {"w:w": 0, "w:type": "dxa"})))
        tcpr.append(el("w:vAlign", {"w:val": "center" if header or cell.bar else "top"}))
        tc = el("w:tc", None, tcpr)
        paras = cell.paras if not continuation else ()
        if cell.bar:
            tc.append(self.bar_paragraph(cell.bar, width))
        elif paras:
            self.cell_room = (width - 2 * self.margin_lr) / 20
            for i, para in enumerate(paras):
                tc.append(self.paragraph(para, page_break=page_break and i == 0))
            self.cell_room = None
        else:
            style = cell.paras[0].style if cell.paras else "cell"
            tc.append(self.empty_paragraph(style))
        return tc

    def bar_paragraph(self, bar: str, width: int) -> etree._Element:
        """Return the paragraph drawing a schedule bar's part in one month cell of ``width`` twips.

        The bar is the paragraph's bottom border under a 1 pt line, between
        indents: a rule from the middle of the first month to the middle of
        the last, continuous across the months (and the black column rules)
        between, in Word and LibreOffice alike.
        """
        left, right = BAR_INSET[bar]
        border = {"w:val": "single", "w:sz": BAR_SIZE, "w:space": 0, "w:color": "000000"}
        ppr = el(
            "w:pPr", None,
            el("w:pStyle", {"w:val": self.specs["cell"].style_id}),
            el("w:pBdr", None, el("w:bottom", border)),
            el("w:spacing", {"w:before": 0, "w:after": 0, "w:line": 20, "w:lineRule": "exact"}),
            el("w:ind", {"w:left": round(width * left), "w:right": round(width * right), "w:firstLine": 0}),
        )
        return el("w:p", None, ppr)

    # -- table of contents --
    def toc(self, toc: Toc) -> list[etree._Element]:
        head_spec = self.specs["toc head"]
        bold = lambda: el("w:rPr", None, el("w:b"), el("w:bCs"))  # noqa: E731
        head = el("w:p", None, el("w:pPr", None, el("w:pStyle", {"w:val": head_spec.style_id})))
        head.append(text_run(f"{toc.header[0]}\t{toc.header[1]}", bold()))
        out = [head]
        begin, end = field_runs(TOC_FIELD)
        for i, entry in enumerate(toc.entries):
            style = self.specs["toc 1" if entry.level <= 1 else "toc 2"]
            p = el("w:p", None, el("w:pPr", None, el("w:pStyle", {"w:val": style.style_id})))
            if i == 0:
                for r in begin:
                    p.append(r)
            runs = [text_run(entry.text), el("w:r", None, el("w:tab")), text_run(entry.page)]
            target = self.bookmarks.get(entry.anchor)
            if target:
                link = el("w:hyperlink", {"w:anchor": target, "w:history": 1})
                for r in runs:
                    link.append(r)
                p.append(link)
            else:
                for r in runs:
                    p.append(r)
            out.append(p)
        if not toc.entries:
            p = el("w:p", None, el("w:pPr", None, el("w:pStyle", {"w:val": self.specs["toc 1"].style_id})))
            for r in begin:
                p.append(r)
            out.append(p)
        # the field ends in a paragraph of its own: a section break after it stays outside the result
        last = self.empty_paragraph()
        for r in end:
            last.append(r)
        out.append(last)
        return out

    # -- sections --
    def sect_pr(self, section: Section, numbering: str | None) -> etree._Element:
        landscape = section.orientation == "landscape"
        size = {"w:w": A4_LONG, "w:h": A4_SHORT, "w:orient": "landscape"} if landscape else {"w:w": A4_SHORT, "w:h": A4_LONG}
        sect = el("w:sectPr", None, el("w:type", {"w:val": "nextPage"}), el("w:pgSz", size))
        sect.append(el("w:pgMar", {
            "w:top": MARGIN_TOP, "w:right": MARGIN_RIGHT, "w:bottom": MARGIN_BOTTOM, "w:left": MARGIN_LEFT,
            "w:header": HEADER_DISTANCE, "w:footer": HEADER_DISTANCE, "w:gutter": 0,
        }))
        if section.numbered:
            fmt = {"w:fmt": "thaiNumbers" if self.document.thai_digits else "decimal"}
            if numbering == "start":
                fmt["w:start"] = 1
            sect.append(el("w:pgNumType", fmt))
        sect.append(el("w:cols", {"w:space": 708}))
        sect.append(el("w:docGrid", {"w:linePitch": 360}))
        return sect

    def header(self, sect: etree._Element, numbered: bool, running_head: str = "") -> None:
        """Give the section a header of its own: the page number (or nothing), then its running head."""
        header = DocxSection(sect, self.doc.part).header
        header.is_linked_to_previous = False
        root = header._element
        for child in list(root):
            root.remove(child)
        p = el("w:p", None, el("w:pPr", None, el("w:pStyle", {"w:val": "Header"}), el("w:jc", {"w:val": "right"})))
        if numbered:
            thai = self.document.thai_digits

            def rpr():
                if not thai:
                    return None
                # the digit font draws 1, 2 … as ๑, ๒ … in LibreOffice (it ignores thaiNumbers)
                style = el("w:rStyle", {"w:val": PAGE_NUMBER_STYLE})
                return el("w:rPr", None, style, el("w:lang", {"w:val": "th-TH", "w:eastAsia": "th-TH", "w:bidi": "th-TH"}))

            begin, end = field_runs(" PAGE ", rpr)
            for r in begin:
                p.append(r)
            p.append(text_run("๑" if thai else "1", rpr()))
            for r in end:
                p.append(r)
        root.append(p)
        if running_head:  # the form code on every page of its form
            head = el("w:p", None, el("w:pPr", None, el("w:pStyle", {"w:val": "Header"}), el("w:jc", {"w:val": "right"})))
            head.append(text_run(running_head, el("w:rPr", None, el("w:b"), el("w:bCs"))))
            root.append(head)

    def render(self) -> bytes:
        self.setup_styles()
        self.setup_package()
        body = self.doc.element.body
        for child in list(body):
            body.remove(child)
        started = False
        sections = self.document.sections
        for index, section in enumerate(sections):
            width = TEXT_WIDTH[section.orientation]
            elements: list[etree._Element] = []
            prev = None
            for block in section.blocks:
                if isinstance(block, Para):
                    first_sig = block.style == "signature" and not (isinstance(prev, Para) and prev.style == "signature")
                    elements.append(self.paragraph(block, first_of_kind=first_sig))
                elif isinstance(block, Table):
                    if isinstance(prev, Table):
                        elements.append(self.empty_paragraph())  # Word joins adjacent tables
                    elements.append(self.table(block, width))
                elif isinstance(block, Toc):
                    elements.extend(self.toc(block))
                else:  # pragma: no cover - the Document model has no other block
                    raise TypeError(f"unknown block {block!r}")
                prev = block
            numbering = None
            if section.numbered:
                numbering = "continue" if started else "start"
                started = True
            sect = self.sect_pr(section, numbering)
            last = index == len(sections) - 1
            if not elements or elements[-1].tag != qn("w:p"):
                elements.append(self.empty_paragraph())
            for e in elements:
                body.append(e)
            if last:
                body.append(sect)
            else:
                ppr = elements[-1].find(qn("w:pPr"))
                if ppr is None:
                    ppr = el("w:pPr")
                    elements[-1].insert(0, ppr)
                ppr.append(sect)
            self.header(sect, section.numbered, section.running_head)
        out = io.BytesIO()
        self.doc.save(out)
        return repack(out.getvalue())


def render_docx(document: Document, fonts: FontSet | None = None) -> bytes:
    """Return the DOCX of ``document`` (the same bytes for the same Document), its fonts embedded."""
    return DocxRenderer(document, fonts or find_fonts()).render()


#: the longest text a DOCX core property (docProps/core.xml) may hold
CORE_PROPERTY_CHARS = 255


def core_property(text: str) -> str:
    """Return ``text`` cut to fit a core property (title, author): the book itself prints it whole."""
    return text if len(text) <= CORE_PROPERTY_CHARS else text[: CORE_PROPERTY_CHARS - 1] + "…"
