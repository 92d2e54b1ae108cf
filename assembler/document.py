"""The document both renderers lay out: sections of paragraphs, tables and a TOC.

A view model (``assembler.view``) computes every number and string of a book
and returns a :class:`Document`; the PDF and DOCX renderers only map these
blocks to HTML or WordprocessingML. Styles are names (``Para.style``,
``Table.style``) that each renderer gives the same look.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

#: the size of "cell-head-small" text, as a share of its table's text size
HEAD_SMALL = 0.8
#: the indent of a table cell paragraph per ``Para.level`` (a step under a detail line), in cm
CELL_STEP_CM = 0.35

#: Paragraph styles: name → (what it is). Both renderers implement each.
PARA_STYLES = {
    "body": "justified prose, first line indented",
    "plain": "left-aligned text, no indent",
    "center": "centred text",
    "cover-title": "large bold centred title on the cover",
    "cover": "centred cover line",
    "cover-small": "centred smaller cover line",
    "title": "bold centred page title (คำนำ, สารบัญ)",
    "part": "part heading (ส่วนที่ ๑), TOC level 1",
    "h2": "section heading (๑.๑), TOC level 2",
    "h3": "sub-heading inside a part, not in the TOC",
    "sheet-no": "bold centred ลำดับที่ N of a detail sheet",
    "sheet-context": "centred small line naming the มิติ/ภารกิจ of a sheet",
    "label": "bold label inside a detail sheet (๑. ชื่อโครงการ…)",
    "group": "underlined group label (เชิงปริมาณ)",
    "item": "numbered list entry with hanging indent; ``level`` nests it",
    "signature": "signature block line, centred in the right half",
    "form-code": "bold form code at the top right of a form (แบบ ผด.01)",
    "cell": "table cell text, left",
    "cell-center": "table cell text, centred",
    "cell-right": "table cell text, right (money)",
    "cell-bold": "bold table cell text, left",
    "cell-bold-center": "bold table cell text, centred",
    "cell-bold-right": "bold table cell text, right",
    "cell-head-small": "bold centred header text at HEAD_SMALL of the table's size (ผด.02 headings)",
}


@dataclass(frozen=True)
class Para:
    """A paragraph. ``number`` is printed before the text with a hanging indent."""

    text: str
    style: str = "body"
    number: str = ""
    level: int = 0
    anchor: str = ""
    break_before: bool = False
    keep_with_next: bool = False

    def __post_init__(self):
        if self.style not in PARA_STYLES:
            raise ValueError(f"unknown paragraph style {self.style!r}")

    @property
    def full_text(self) -> str:
        """Return the number and text as printed."""
        return f"{self.number} {self.text}" if self.number else self.text


@dataclass(frozen=True)
class Cell:
    """A table cell; a spanned cell is omitted from the rows it covers (as in HTML)."""

    paras: tuple[Para, ...]
    colspan: int = 1
    rowspan: int = 1
    shade: bool = False
    #: a schedule bar through this cell: "start", "mid", "end" or "single" (one month)
    bar: str = ""
    #: False for a caption row inside a table header (headings kept with their table)
    frame: bool = True
    #: no padding left and right (the month headings over schedule bars)
    tight: bool = False
    #: its words set its column's minimum width however long (unit names: never broken)
    keep_words: bool = False
    #: no rule above / below the cell: the lines of one ผด.02 row drawn as table rows
    #: (a detail line with its own bar) read as one row
    open_above: bool = False
    open_below: bool = False


@dataclass(frozen=True)
class Table:
    """A table with header rows that repeat on every page it crosses."""

    #: absolute column widths in cm, adding up to the text width (see assembler.tablelayout);
    #: both renderers draw exactly these
    columns: tuple[float, ...]
    header: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]
    style: str = "grid"  # grid | swot | matrix | schedule
    break_before: bool = False
    #: the table's text size; None = the document's ``table_font_size_pt``
    font_size_pt: float | None = None
    #: space between a cell's text and its left and right rules, in pt (the widths include it)
    padding_pt: float = 3.0
    #: line spacing of the cells, a multiple of the font's single spacing (both renderers)
    line_height: float = 1.0
    #: body rows (by index) too tall to keep whole on a page: they may split
    loose_rows: tuple[int, ...] = ()
    #: any body row may split at a page foot, its rest continuing on the next page
    #: with its number and "(ต่อ)": the pages are filled (ผด.02)
    fill_pages: bool = False
    #: the header rows the PDF repeats on the pages after a fill_pages table's first
    #: (the DOCX repeats ``header``); empty: ``header``
    continued_header: tuple[tuple[Cell, ...], ...] = ()
    #: body rows (by index) never first on a page: a รวม row stays with a row above it
    keep_with_previous: tuple[int, ...] = ()


@dataclass(frozen=True)
class TocEntry:
    """One line of the สารบัญ; ``page`` is filled in from the PDF layout."""

    level: int
    text: str
    anchor: str
    page: str = ""


@dataclass(frozen=True)
class Toc:
    """The สารบัญ: a heading row and its entries."""

    header: tuple[str, str]  # ("เรื่อง", "หน้า")
    entries: tuple[TocEntry, ...]


Block = Union[Para, Table, Toc]


@dataclass(frozen=True)
class Section:
    """Pages with one orientation; ``numbered`` sections carry page numbers."""

    blocks: tuple[Block, ...]
    orientation: str = "portrait"  # portrait | landscape
    numbered: bool = True
    #: printed at the top right of every page of the section, under the page number (แบบ ผด.๐๒)
    running_head: str = ""


@dataclass(frozen=True)
class Document:
    """A whole book, ready to render."""

    title: str
    author: str
    thai_digits: bool
    sections: tuple[Section, ...]
    font_size_pt: float = 16.0
    table_font_size_pt: float = 14.0

    def toc(self) -> Toc | None:
        """Return the document's table of contents, if it has one."""
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Toc):
                    return block
        return None


def grid(table: Table, rows: tuple[tuple[Cell, ...], ...]) -> list[list[tuple[Cell, bool]]]:
    """Return each row as a full grid of (cell, is_continuation) per column.

    Rowspans are expanded: a cell covered from above appears again with
    ``is_continuation`` True (DOCX writes those as vMerge continue cells). A
    colspan cell stands once, at its first column.
    """
    return _grid(len(table.columns), rows)


def grid_cells(ncols: int, rows) -> list[list[tuple[int, Cell]]]:
    """Return each row's cells that start in it, with the column each starts at."""
    out = []
    for line in _grid(ncols, rows):
        cells, col = [], 0
        for cell, cont in line:
            if not cont:
                cells.append((col, cell))
            col += cell.colspan
        out.append(cells)
    return out


def _grid(ncols: int, rows) -> list[list[tuple[Cell, bool]]]:
    pending: dict[int, tuple[Cell, int]] = {}  # column → (cell, rows still covered)
    out = []
    for row in rows:
        line: list[tuple[Cell, bool]] = []
        col = 0
        cells = iter(row)
        while col < ncols:
            if col in pending:
                cell, left = pending[col]
                line.append((cell, True))
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (cell, left - 1)
                col += cell.colspan
                continue
            cell = next(cells, None)
            if cell is None:
                raise ValueError("table row has fewer cells than columns")
            line.append((cell, False))
            if cell.rowspan > 1:
                pending[col] = (cell, cell.rowspan - 1)
            col += cell.colspan
        if next(cells, None) is not None:
            raise ValueError("table row has more cells than columns")
        out.append(line)
    return out


def text_blocks(document: Document) -> list[str]:
    """Return every piece of text in reading order (the renderers' common content)."""
    out: list[str] = []
    for section in document.sections:  # (a running head, like a page number, is not content)
        for block in section.blocks:
            if isinstance(block, Para):
                out.append(block.full_text)
            elif isinstance(block, Toc):
                out.extend(block.header)
                for entry in block.entries:
                    out.extend([entry.text, entry.page])
            else:
                for row in block.header + block.body:
                    for cell in row:
                        out.extend(p.full_text for p in cell.paras)
    return [t for t in out if t]
