"""Render a Document to PDF: Jinja2 HTML + CSS, laid out by WeasyPrint.

Thai line breaking: Pango breaks Thai through libthai, which cuts some runs
where a reader would not (inside "พ.ศ.", inside compounds). The ``thai``
filter therefore joins the words pythainlp finds by zero-width spaces, and
render/weasy.py keeps the text between them whole (a word wider than its line
or cell breaks between syllables). render/weasy.py also justifies Thai lines
and writes the PDF text layer as the text is written.

WeasyPrint fetches only files inside the project's templates/ and fonts/
folders; any other URL (records are data and may contain anything) fails.
"""
from __future__ import annotations

import gc
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
from ..thai import segment
from . import weasy

ZWSP = "\u200b"
NBSP = "\u00a0"


def thai_markup(text: str, narrow: bool = False) -> Markup:
    """Return escaped ``text`` with a zero-width space between its words.

    render/weasy.py keeps the Thai text between zero-width spaces and spaces
    whole, so lines break only between pythainlp's words. A space inside a
    word ("ต่าง ๆ") becomes a no-break space. No break goes after an opening
    bracket or before closing punctuation, nor next to a space (already a
    break; a zero-width space after it would keep it at the line's end).
    ``narrow`` (table cells) is no longer needed: a word breaks between
    syllables when it is wider than its cell, whatever the cell.
    """
    out, previous = [], ""
    for word in segment(str(text)):
        if (previous and previous[-1] not in OPENING and word[0] not in CLOSING
                and not previous[-1].isspace() and not word[0].isspace()):
            out.append(ZWSP)
        out.append(word.replace(" ", NBSP) if word.strip() else word)
        previous = word
    return escape("".join(out))


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


@dataclass
class LaidOut:
    """A document laid out by WeasyPrint: its pages and where each anchor fell."""

    weasy: object
    anchor_pages: dict[str, int]  # anchor → printed page number (1 = first numbered page)
    fonts: FontSet

    def write_pdf(self) -> bytes:
        weasy.install()
        return self.weasy.write_pdf()


def layout(document: Document, fonts: FontSet | None = None, root: Path | None = None) -> LaidOut:
    """Return the laid-out document and the printed page number of every anchor."""
    root = root or project_root()
    fonts = fonts or find_fonts(root / "fonts")
    html = render_html(document, fonts, root)
    fetcher = ProjectFetcher([root / "templates", root / "fonts"])
    weasy.install()
    # layout makes millions of short-lived objects and no reference cycles worth
    # collecting before it ends: the cyclic collector only costs time here
    collecting = gc.isenabled()
    gc.disable()
    try:
        laid_out = HTML(string=html, base_url=str((root / "templates").resolve()) + "/", url_fetcher=fetcher).render()
    except Exception as exc:  # WeasyPrint raises many kinds; report one clear error
        raise RenderError(f"จัดหน้า PDF ไม่สำเร็จ: {exc} / PDF layout failed: {exc}") from exc
    finally:
        if collecting:
            gc.enable()
    index = {}
    for i, page in enumerate(laid_out.pages):
        for anchor in page.anchors:
            index.setdefault(anchor, i)
    first = index.get("pb-start", 0)
    return LaidOut(laid_out, {a: i - first + 1 for a, i in index.items()}, fonts)
