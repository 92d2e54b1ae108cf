"""Render a Document to PDF: Jinja2 HTML + CSS, laid out by WeasyPrint.

Thai line breaking: Pango breaks Thai through libthai, which cuts some runs
where a reader would not (inside "พ.ศ.", inside compounds). The words pythainlp
finds are therefore joined by zero-width spaces and set as unbreakable spans,
so lines break only between pythainlp words (and, in table cells, between the
syllables of long words: see ``thai.break_units``).

WeasyPrint fetches only files inside the project's templates/ and fonts/
folders; any other URL (records are data and may contain anything) fails.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2
from markupsafe import Markup, escape
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from ..document import Cell, Document, Table, grid
from ..errors import RenderError
from ..fonts import FontSet, find_fonts, project_root
from ..thai import break_units, is_thai

ZWSP = "\u200b"


def thai_markup(text: str, narrow: bool = False) -> Markup:
    """Return escaped HTML of ``text`` where lines can break only between words.

    Words are joined by zero-width spaces (break opportunities) and every
    word with a Thai letter is an unbreakable span. (Wrapping only the words
    libthai would cut is twice as fast but not enough: WeasyPrint still broke
    some other words.) ``narrow`` (table cells) also lets long words break
    between syllables.
    """
    out, previous = [], ""
    for word in break_units(str(text), narrow):
        # no break after an opening bracket or before closing punctuation
        if previous and previous[-1] not in OPENING and word[0] not in CLOSING:
            out.append(ZWSP)
        if len(word) > 1 and any(is_thai(c) for c in word):
            out.append(f'<span class="w">{escape(word)}</span>')
        else:
            out.append(str(escape(word)))
        previous = word
    return Markup("".join(out))


OPENING = "([{“‘\"'"
CLOSING = ")]}”’\"',.:;!?%ๆฯ"


def _environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    env.filters["thai"] = thai_markup
    return env


class ProjectFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only files under the given folders."""

    def __init__(self, allowed: list[Path]):
        super().__init__(allowed_protocols={"file"})
        self.roots = [p.resolve() for p in allowed]

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        path = Path(unquote(parsed.path)).resolve()
        if parsed.scheme != "file" or not any(path == r or r in path.parents for r in self.roots):
            raise ValueError(f"planbook does not fetch {url!r}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class HtmlCell:
    """A cell as the template writes it: ``joins_above``/``joins_below`` hide that border."""

    cell: Cell
    joins_above: bool = False
    joins_below: bool = False


def html_rows(table: Table) -> list[list[HtmlCell]]:
    """Return the body rows with vertically merged cells drawn row by row.

    WeasyPrint neither grows rows for a rowspan cell cut by a page break nor
    carries its text over, so the text runs below the table. A merged cell is
    therefore written as its text in the first row and empty cells below it,
    with the borders between them hidden: it reads as one merged cell, and
    every row breaks across pages cleanly. The DOCX keeps a true vertical merge.
    """
    out = []
    started: dict[int, int] = {}  # id(cell) -> row where it starts
    for r, line in enumerate(grid(table, table.body)):
        row = []
        for cell, cont in line:
            if not cont:
                started[id(cell)] = r
                row.append(HtmlCell(cell, joins_below=cell.rowspan > 1))
            else:
                last = started[id(cell)] + cell.rowspan - 1
                blank = Cell((), colspan=cell.colspan, shade=cell.shade)
                row.append(HtmlCell(blank, joins_above=True, joins_below=r < last))
        out.append(row)
    return out


@dataclass(frozen=True)
class PageName:
    name: str
    landscape: bool
    numbered: bool


def _page_names(document: Document) -> list[PageName]:
    names, started = [], False
    for section in document.sections:
        if not section.numbered:
            kind = "front"
        elif not started:
            kind, started = "start", True
        else:
            kind = "num"
        names.append(PageName(f"{kind}-{section.orientation}", section.orientation == "landscape", section.numbered))
    return names


def render_html(document: Document, fonts: FontSet | None = None, root: Path | None = None) -> str:
    """Return the HTML the PDF is laid out from."""
    root = root or project_root()
    fonts = fonts or find_fonts(root / "fonts")
    env = _environment(root / "templates")
    names = _page_names(document)
    unique = list({p.name: p for p in names}.values())
    faces = [
        {"family": fonts.css_family, "url": fonts.regular.resolve().as_uri(), "weight": "normal"},
        {"family": fonts.css_family, "url": fonts.bold.resolve().as_uri(), "weight": "bold"},
    ]
    return env.get_template("book.html.j2").render(
        document=document,
        fonts=faces,
        font_family=fonts.css_family,
        line_height=fonts.line_em,
        pages=unique,
        section_pages=[p.name for p in names],
        counter_style="thai" if document.thai_digits else "decimal",
        html_rows=html_rows,
    )


def thai_glyph_text(font_path: Path) -> tuple[str, dict[int, str]]:
    """Return a font's PostScript name and the Thai character each glyph draws.

    Variant glyphs carry their character in their name: ``uni0E48.low_left``
    is MAI EK lowered and moved left (U+0E48).
    """
    from fontTools.ttLib import TTFont

    with TTFont(font_path, lazy=True) as font:
        postscript = font["name"].getDebugName(6)
        names = font.getGlyphOrder()
    out = {}
    for gid, name in enumerate(names):
        base = name.split(".")[0]
        if base.startswith("uni") and len(base) == 7:
            char = chr(int(base[3:], 16))
            if "\u0e00" <= char <= "\u0e7f":
                out[gid] = char
    return postscript, out


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class ThaiTextLayer:
    """A WeasyPrint finisher that gives each Thai glyph its own character in the text layer.

    WeasyPrint maps every glyph to the text of the first cluster it was drawn
    in. HarfBuzz draws SARA AM (ำ) as NIKHAHIT + SARA AA in one cluster and
    tone marks with upper vowels as variant glyphs, so a whole PDF could read
    า as ำ, or lose tone marks, when copied or searched. This rewrites the
    ToUnicode map of the book fonts glyph by glyph: ำ then reads ํา (its
    compatibility decomposition) and every other Thai letter reads as itself.
    """

    def __init__(self, fonts: FontSet):
        self.by_name = dict(thai_glyph_text(path) for path in (fonts.regular, fonts.bold))

    def __call__(self, document, pdf) -> None:
        for obj in pdf.objects:
            if not isinstance(obj, dict) or obj.get("Type") != "/Font" or "ToUnicode" not in obj:
                continue
            postscript = _text(obj.get("BaseFont", "")).lstrip("/").split("+")[-1]
            glyphs = self.by_name.get(postscript)
            if not glyphs:
                continue
            stream = pdf.objects[int(_text(obj["ToUnicode"]).split()[0])]
            for i, line in enumerate(stream.stream):
                if line.startswith(b"<") and b"> <" in line:
                    gid = int(line[1 : line.index(b">")], 16)
                    if gid in glyphs:
                        stream.stream[i] = f"<{gid:04x}> <{glyphs[gid].encode('utf-16-be').hex()}>".encode()


@dataclass
class LaidOut:
    """A document laid out by WeasyPrint: its pages and where each anchor fell."""

    weasy: object
    anchor_pages: dict[str, int]  # anchor → printed page number (1 = first numbered page)
    fonts: FontSet

    def write_pdf(self) -> bytes:
        return self.weasy.write_pdf(finisher=ThaiTextLayer(self.fonts))


def layout(document: Document, fonts: FontSet | None = None, root: Path | None = None) -> LaidOut:
    """Return the laid-out document and the printed page number of every anchor."""
    root = root or project_root()
    fonts = fonts or find_fonts(root / "fonts")
    html = render_html(document, fonts, root)
    fetcher = ProjectFetcher([root / "templates", root / "fonts"])
    try:
        weasy = HTML(string=html, base_url=str((root / "templates").resolve()) + "/", url_fetcher=fetcher).render()
    except Exception as exc:  # WeasyPrint raises many kinds; report one clear error
        raise RenderError(f"จัดหน้า PDF ไม่สำเร็จ: {exc} / PDF layout failed: {exc}") from exc
    index = {}
    for i, page in enumerate(weasy.pages):
        for anchor in page.anchors:
            index.setdefault(anchor, i)
    first = index.get("pb-start", 0)
    return LaidOut(weasy, {a: i - first + 1 for a, i in index.items()}, fonts)
