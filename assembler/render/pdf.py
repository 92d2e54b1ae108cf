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

import dataclasses
import functools
import gc
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2
from markupsafe import Markup, escape
from .libraries import import_weasyprint

import_weasyprint()
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

from ..document import Cell, Document, Para, Table, grid
from ..errors import RenderError
from ..fonts import FontSet, find_fonts, project_root
from ..thai import CLOSING, OPENING, segment
from . import pages, weasy
from .pages import CONTINUED, continued  # noqa: F401 (CONTINUED: the agreement test reads it here)
from .pages import descendants as _descendants

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




@functools.lru_cache(maxsize=4)
def _environment(templates: Path) -> jinja2.Environment:
    """Return the Jinja2 environment of a templates folder (compiled templates are kept: one per process)."""
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
    """A body cell as the template writes it, with the rows it spans on its page."""

    cell: Cell
    rowspan: int = 1


@dataclass(frozen=True)
class HtmlRow:
    """A body row as the template writes it: ``part`` 1 is the rest of a row split across pages."""

    index: int  # the row of Table.body
    cells: list[HtmlCell]
    part: int = 0


_SPACE = re.compile(r"[\s\u200b]+")


def _cut(cell: Cell, shown: str) -> tuple[Cell, Cell]:
    """Return ``cell`` cut where the text ``shown`` (what fitted on a page) ends: (first part, rest)."""
    left = len(_SPACE.sub("", shown))
    first, rest = [], []
    for para in cell.paras:
        text = para.full_text
        size = len(_SPACE.sub("", text))
        if left >= size:
            first.append(para)
            left -= size
            continue
        if left <= 0:
            rest.append(para)
            continue
        at, seen = 0, 0
        while seen < left:  # the offset after ``left`` visible characters
            if not _SPACE.match(text[at]):
                seen += 1
            at += 1
        first.append(dataclasses.replace(para, text=text[:at].rstrip(), number="", anchor=""))
        rest.append(dataclasses.replace(para, text=text[at:].lstrip(), number="", anchor=""))
        left = 0
    return dataclasses.replace(cell, paras=tuple(first)), dataclasses.replace(cell, paras=tuple(rest))


def html_rows(table: Table, page_starts: frozenset[int] | tuple = (), split: dict | None = None) -> list[HtmlRow]:
    """Return the body rows with each vertically merged cell cut at the rows that start a page.

    WeasyPrint neither grows rows for a rowspan cell cut by a page break nor
    carries its text over (the text runs below the table). ``page_starts``
    (found by laying the table out once, see :func:`layout`) are the body
    rows first on a page: a merged cell spanning one of them is written as two
    merged cells, the second repeating its text with "(ต่อ)", so no merged
    cell crosses a page, each has all four rules, and a continuation page
    names its มิติ and ภารกิจ.

    ``split`` maps a row that page breaks cut (and that no merged cell
    covers) to its cuts: for each page but the last it spans, the text each
    of its cells shows there. The row is written as one row a page, and each
    after the first starts with the row's number and "(ต่อ)".
    """
    split = split or {}
    out: list[HtmlRow] = []
    started: dict[int, int] = {}  # id(cell) → row where it starts
    for r, line in enumerate(grid(table, table.body)):
        row = []
        for cell, cont in line:
            if not cont:
                started[id(cell)] = r
            elif r not in page_starts:
                continue
            if cell.rowspan == 1:
                row.append(HtmlCell(cell))
                continue
            last = started[id(cell)] + cell.rowspan - 1
            cut = next((s for s in sorted(page_starts) if r < s <= last), last + 1)
            row.append(HtmlCell(cell if not cont else continued(cell), cut - r))
        cuts = split.get(r)
        if cuts and all(len(shown) == len(row) for shown in cuts) and all(h.rowspan == 1 for h in row):
            parts, rest = [], [h.cell for h in row]
            for shown in cuts:
                first, rest = zip(*(_cut(c, text) for c, text in zip(rest, shown)))
                parts.append(first if not parts else (continued(row[0].cell), *first[1:]))
                # the rest carries text only: a schedule bar is drawn once, with its row's start
                rest = [continued(row[0].cell)] + [dataclasses.replace(b, bar="") for b in rest[1:]]
            if any(p.paras and any(x.text for x in p.paras) for p in rest[1:]):
                for number, cells in enumerate([*parts, rest]):
                    out.append(HtmlRow(r, [HtmlCell(c) for c in cells], part=number))
                continue
        out.append(HtmlRow(r, row))
    return out


@dataclass(frozen=True)
class TablePage:
    """The part of a table on one page of planned pages (the whole table otherwise)."""

    header: tuple
    rows: list[HtmlRow]
    break_before: bool
    #: a planned page start: the table starts flush with the page top (a forced
    #: break keeps the margin an unforced one drops, and the plan counts none)
    flush: bool = False


def table_pages(table: Table, key: tuple[int, int], breaks: "Breaks") -> list[TablePage]:
    """Return ``table`` as the template writes it: one table per planned page, or one in all.

    A table whose pages are planned (render/pages.py) is written as one table
    a page, each after the first starting a page with ``continued_header``.
    """
    rows = html_rows(table, breaks.starts.get(key, ()), breaks.split.get(key))
    forced = breaks.forced.get(key, ())
    planned = key in breaks.tables
    out = [TablePage(table.header, [], table.break_before or planned, planned)]
    for row in rows:
        if (row.index, row.part) in forced and out[-1].rows:
            out.append(TablePage(table.continued_header or table.header, [], True, True))
        out[-1].rows.append(row)
    return out


@dataclass(frozen=True)
class Breaks:
    """Where a layout broke the tables, per table (section, block) in the Document."""

    starts: dict  # body rows first on a page that the table continues onto
    split: dict  # body row → its cuts: per page but the last, the text each of its cells shows
    #: planned pages (render/pages.py): the (row, part) pieces that begin a page,
    #: and the tables that begin one
    forced: dict = dataclasses.field(default_factory=dict)
    tables: frozenset = frozenset()
    #: the last pass found the breaks it was given (False: BREAK_PASSES ran out first)
    settled: bool = True

    @classmethod
    def of(cls, weasy, prefix: str = "r-") -> "Breaks":
        """Return the breaks of a WeasyPrint document whose body rows have ids ``r-SECTION-BLOCK-ROW``.

        The rest of a row split in an earlier pass (``…-ROW-1``) counts as its row.
        """
        pages_of: dict[tuple[int, int], dict[int, list[int]]] = {}
        cut: dict[tuple[int, int], set[int]] = {}  # rows whose first part crosses a page
        shown: dict[tuple[int, int], dict[int, tuple[str, ...]]] = {}
        seen: dict[str, int] = {}
        joined: dict[tuple[int, int], set[int]] = {}
        for number, ident, box in pages.row_boxes(weasy, prefix):
            section, block, row, *part = (int(x) for x in ident[len(prefix):].split("-"))
            rows = pages_of.setdefault((section, block), {})
            if number not in rows.setdefault(row, []):
                rows[row].append(number)
            if part:
                if seen.get(ident.rsplit("-", 1)[0]) == number:  # both parts on one page: no split
                    joined.setdefault((section, block), set()).add(row)
                continue
            if ident not in seen:
                seen[ident] = number
                shown.setdefault((section, block), {})[row] = _shown_lines(box)
            elif seen[ident] != number:
                cut.setdefault((section, block), set()).add(row)
        starts, split = {}, {}
        for key, rows in joined.items():
            split[key] = {row: None for row in rows}  # None: write the row whole again
        for key, rows in pages_of.items():
            firsts = {}
            for row, on_pages in sorted(rows.items()):
                for page in on_pages:
                    firsts.setdefault(page, row)
            starts[key] = frozenset(row for page, row in firsts.items() if page != min(firsts))
            split.setdefault(key, {}).update({row: (shown[key][row],) for row in cut.get(key, ())})
        return cls(starts, split)


def _shown_lines(row_box) -> tuple[str, ...]:
    """Return the text each cell of a row fragment shows, less the last line of the tallest cells.

    The first part of a split row is written with a bottom rule and padding
    the fragment did not have: one line less makes sure it fits where the
    fragment stood.
    """
    from weasyprint.formatting_structure.boxes import LineBox

    cells = []
    for cell in row_box.children:
        lines = [b for b in _descendants(cell) if isinstance(b, LineBox)]
        cells.append(["".join(getattr(t, "text", "") for t in _descendants(line)) for line in lines])
    most = max((len(lines) for lines in cells), default=0)
    return tuple("".join(lines[:-1] if len(lines) == most and most > 1 else lines) for lines in cells)


@dataclass(frozen=True)
class PageName:
    name: str
    landscape: bool
    numbered: bool
    head: str = ""  # the section's running head (a form code) under the page number


def _page_names(document: Document) -> list[PageName]:
    names, started = [], False
    for section in document.sections:
        if not section.numbered:
            kind = "front"
        elif not started:
            kind, started = "start", True
        else:
            kind = "num"
        name = f"{kind}-{section.orientation}"
        if section.running_head:  # a page type of its own, with its own top-right box
            name += f"-h{len(names)}"
        names.append(PageName(name, section.orientation == "landscape", section.numbered, section.running_head))
    return names


def render_html(
    document: Document, fonts: FontSet | None = None, root: Path | None = None,
    breaks: Breaks | None = None, section_numbers: tuple[int, ...] | None = None,
    numbers: bool = True, foreign_anchors: tuple[str, ...] = (), embed_styles: bool = True,
    offset: tuple[float, float] | None = None,
) -> str:
    """Return the HTML the PDF is laid out from.

    ``breaks`` (from an earlier layout) says where merged cells are cut;
    ``section_numbers`` are the sections'
    numbers in the whole book when ``document`` holds only some of them.
    ``numbers`` False leaves the page numbers (and running heads) out: a
    piece of a book (render/pieces.py) gets them stamped. ``foreign_anchors``
    are anchors of other pieces the สารบัญ links to, written as empty targets
    so its links are kept (the merged book points them at the real pages).
    ``embed_styles`` False leaves the style rules out: :func:`render_css`
    gives them (see :func:`_weasy`). ``offset`` (height, margin below, in px)
    starts the first page that far down, as if a block ended there: the
    blocks of a section that continue another piece's last page
    (render/pieces.py).
    """
    values = _template_values(document, fonts, root, numbers)
    breaks = breaks or Breaks({}, {})
    return _environment(values.pop("root") / "templates").get_template("book.html.j2").render(
        **values,
        embed_styles=embed_styles,
        foreign_anchors=foreign_anchors,
        table_pages=lambda table, key: table_pages(table, key, breaks),
        splits=breaks.split,
        section_numbers=section_numbers or tuple(range(len(document.sections))),
        offset=offset,
    )


def render_css(document: Document, fonts: FontSet | None = None, root: Path | None = None,
               numbers: bool = True, **overrides) -> str:
    """Return the style rules of ``document`` that book.css does not hold (its page types, sizes).

    ``overrides`` replace template values (the stamp's page type and number: render/pieces.py).
    """
    values = {**_template_values(document, fonts, root, numbers), **overrides}
    return _environment(values.pop("root") / "templates").get_template("book-style.css.j2").render(**values)


def _template_values(document: Document, fonts: FontSet | None, root: Path | None, numbers: bool) -> dict:
    root = root or project_root()
    fonts = fonts or find_fonts(root / "fonts")
    names = _page_names(document)
    counter_style = "thai" if document.thai_digits else "decimal"
    return dict(
        root=root,
        document=document,
        number=f"counter(page, {counter_style})" if numbers else "",
        font_faces=font_face_css(fonts),
        font_family=fonts.css_family,
        line_height=fonts.line_em,
        pages=list({p.name: p for p in names}.values()),
        section_pages=[p.name for p in names],
        counter_style=counter_style,
    )


def font_face_css(fonts: FontSet) -> Markup:
    """Return the @font-face rules of a book's fonts (regular and bold)."""
    return Markup("\n".join(
        f'@font-face {{ font-family: "{fonts.css_family}"; src: url("{path.resolve().as_uri()}"); font-weight: {weight}; }}'
        for path, weight in ((fonts.regular, "normal"), (fonts.bold, "bold"))
    ))


@dataclass
class LaidOut:
    """A document laid out by WeasyPrint: its pages and where each anchor fell."""

    weasy: object
    anchor_pages: dict[str, int]  # anchor → printed page number (1 = first numbered page)
    fonts: FontSet
    settled: bool = True  # every table's merged cells are cut where its pages break (Breaks.settled)

    def write_pdf(self) -> bytes:
        weasy.install()
        return self.weasy.write_pdf()


#: layouts of a section to find where its tables break, at most
BREAK_PASSES = 3
#: a layout of this many pages is collected before the next pass (a long ส่วนที่ ๒ held
#: every pass's boxes until the end: hundreds of megabytes)
COLLECT_FROM_PAGES = 20


def _weasy(html: str, root: Path, css: str | None = None, fonts: FontSet | None = None):
    """Return WeasyPrint's layout of ``html`` (planbook's patches applied, fetching only project files).

    ``css`` (:func:`render_css`) is given when ``html`` holds no style rules
    (``embed_styles=False``): the fonts and book.css are then parsed once per
    process, and the fonts loaded once, instead of once per layout (a book
    in pieces is hundreds of layouts). Both ways the rules are the same
    style sheets in the same order.
    """
    fetcher = ProjectFetcher([root / "templates", root / "fonts"])
    weasy.install()
    # layout makes millions of short-lived objects and no reference cycles worth
    # collecting before it ends: the cyclic collector only costs time here
    collecting = gc.isenabled()
    gc.disable()
    try:
        page = HTML(string=html, base_url=str((root / "templates").resolve()) + "/", url_fetcher=fetcher)
        if css is None:
            return page.render()
        config, faces, book = _shared_styles(root, fonts or find_fonts(root / "fonts"))
        own = CSS(string=css, font_config=config, url_fetcher=fetcher)
        return page.render(stylesheets=[faces, own, book], font_config=config)
    except Exception as exc:  # WeasyPrint raises many kinds; report one clear error
        raise RenderError(f"จัดหน้า PDF ไม่สำเร็จ: {exc} / PDF layout failed: {exc}") from exc
    finally:
        if collecting:
            gc.enable()


@functools.lru_cache(maxsize=4)
def _shared_styles(root: Path, fonts: FontSet):
    """Return a font configuration with the book's fonts, their @font-face rules and book.css, parsed once.

    They are user style sheets, as the page's own rules are then too (_weasy):
    the cascade orders them as book.html.j2's <style> and <link> are.
    """
    from weasyprint.text.fonts import FontConfiguration

    fetcher = ProjectFetcher([root / "templates", root / "fonts"])
    config = FontConfiguration()
    return (
        config,
        CSS(string=font_face_css(fonts), font_config=config, url_fetcher=fetcher),
        CSS(filename=str(root / "templates" / "book.css"), font_config=config, url_fetcher=fetcher),
    )


def find_breaks(document: Document, fonts: FontSet, root: Path, numbers: bool = True,
                laid_out: dict | None = None, offset: tuple[float, float] | None = None) -> Breaks:
    """Return where the tables break across pages, laying out only the sections that need it.

    Every section starts a page, so a section laid out alone breaks where it
    does in the book. A section of tables that fill their pages is laid out
    once, and its pages are planned from that (render/pages.py). Otherwise
    each pass cuts merged cells at the page starts the last pass found and
    writes split rows as two (which can move rows); the passes stop when
    nothing changes. ``laid_out``, when given, receives the last pass's HTML
    and layout (a document of one section laid out whole is that HTML again).
    """
    starts: dict = {}
    split: dict = {}
    forced: dict = {}
    tables: set = set()
    settled = True
    for number, section in enumerate(document.sections):
        if not pages.breaks_between_pages(section):
            continue
        alone = dataclasses.replace(document, sections=(section,))
        if pages.fills_pages(section):
            if offset is not None and number == 0:
                raise RenderError("หน้าที่วางแผนไว้ต้องขึ้นหน้าใหม่ / planned pages cannot continue a page")
            planned = _planned_pages(document, alone, number, fonts, root)
            split.update(planned.cuts)
            forced.update(planned.forced)
            tables |= planned.tables
            continue
        # where a page starts matters only to tables with merged cells
        merged = [
            (number, b) for b, t in enumerate(section.blocks)
            if isinstance(t, Table) and any(c.rowspan > 1 for row in t.body for c in row)
        ]
        found = Breaks({}, {})
        weasy_document = None
        css = render_css(alone, fonts, root, numbers)
        for _ in range(BREAK_PASSES):
            html = render_html(alone, fonts, root, found, (number,), numbers=numbers, embed_styles=False,
                               offset=offset if number == 0 else None)
            if weasy_document is not None and len(weasy_document.pages) >= COLLECT_FROM_PAGES:
                # the last pass's boxes are reference cycles: free them before laying out again
                if laid_out is not None:
                    laid_out.clear()
                weasy_document = None
                gc.collect()
            weasy_document = _weasy(html, root, css, fonts)
            if laid_out is not None:
                laid_out.clear()
                laid_out[html] = weasy_document
            new = Breaks.of(weasy_document)
            # a row once split stays split where it was, unless its parts met on one
            # page (None); rows split anew are added
            split = {}
            for k in set(new.split) | set(found.split):
                rows = {**found.split.get(k, {}), **new.split.get(k, {})}
                split[k] = {r: t for r, t in rows.items() if t is not None}
            done = split == found.split and all(new.starts.get(k) == found.starts.get(k) for k in merged)
            found = Breaks(new.starts, split)
            if done:
                break
        settled = settled and done
        starts.update(found.starts)
        split.update(found.split)
    return Breaks(starts, split, forced, frozenset(tables), settled)


def _planned_pages(document: Document, alone: Document, number: int, fonts: FontSet, root: Path) -> pages.Plan:
    """Return the pages of a section of tables that fill pages, from one layout of it with rows whole."""
    html = render_html(alone, fonts, root, None, (number,), embed_styles=False)
    measured = pages.measure(_weasy(html, root, render_css(alone, fonts, root), fonts))
    section = alone.sections[0]
    tables = [((number, b), t) for b, t in enumerate(section.blocks) if isinstance(t, Table)]

    def continued_lines(table: Table, row: int) -> int:
        text = continued(table.body[row][0]).paras[0].full_text
        return pages.text_lines(table, 0, text, table.font_size_pt or document.table_font_size_pt)

    return pages.plan(tables, measured, continued_lines)


def layout(
    document: Document, fonts: FontSet | None = None, root: Path | None = None,
    numbers: bool = True, foreign_anchors: tuple[str, ...] = (), offset: tuple[float, float] | None = None,
) -> LaidOut:
    """Return the laid-out document and the printed page number of every anchor.

    ``numbers``, ``foreign_anchors`` and ``offset``: see :func:`render_html`.
    """
    root = root or project_root()
    fonts = fonts or find_fonts(root / "fonts")
    passes: dict = {}
    breaks = find_breaks(document, fonts, root, numbers, passes, offset)
    html = render_html(document, fonts, root, breaks, numbers=numbers, foreign_anchors=foreign_anchors,
                       embed_styles=False, offset=offset)
    # a one-section document whose last pass found its breaks again was laid out as this HTML already
    laid_out = passes[html] if html in passes else _weasy(html, root, render_css(document, fonts, root, numbers), fonts)
    index = {}
    for i, page in enumerate(laid_out.pages):
        for anchor in page.anchors:
            index.setdefault(anchor, i)
    first = index.get("pb-start", 0)
    return LaidOut(laid_out, {a: i - first + 1 for a, i in index.items()}, fonts, breaks.settled)
