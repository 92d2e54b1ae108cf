"""Planned pages for tables whose rows may split at a page foot (ผด.02).

WeasyPrint keeps a row whole (a row split by WeasyPrint itself gives no sign
of whose text continues), so a tall row moves to the next page and leaves the
foot of the page empty. Writing split rows as two rows and laying out again
moves every row after the first split, and such passes need not settle.

Instead, one layout of the section with every row whole measures what the
pages need: the page's content box, each table's repeated header, and the
lines of every cell. :func:`plan` then fills the pages in Python, front to
back: a row that does not fit is cut at a line boundary (at least
``MIN_LINES`` lines on either side, else it moves whole), its rest continues
on the next page with its number and "(ต่อ)", and every page after the first
starts with a forced break. WeasyPrint is left no break to choose.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from ..document import Cell, Para, Table
from ..tablelayout import PT_PER_CM, Measure

#: what a merged cell carried onto a new page says after its text
CONTINUED = "(ต่อ)"
#: a row cut at a page foot shows at least this many lines on each side of the cut
MIN_LINES = 2
#: room kept free at a page foot, in px: rounding in the layout
SLACK_PX = 0.5


@dataclass
class RowLines:
    """The lines of each cell of a body row, as one layout set them (text, height in px)."""

    cells: list[list[tuple[str, float]]]


@dataclass
class TableMeasure:
    """What one table needs on a page, in px."""

    header: float = 0.0  # the header rows (captions included)
    #: each header row: its height, and the heights of the lines of its tallest cell
    header_rows: list[tuple[float, list[float]]] = field(default_factory=list)
    margin_top: float = 0.0
    margin_bottom: float = 0.0
    pad_top: float = 0.0  # a body cell's rule and padding above its first line
    pad_bottom: float = 0.0  # and below its last
    line: float = 0.0  # a body line's height
    rows: dict[int, RowLines] = field(default_factory=dict)


@dataclass
class SectionMeasure:
    """The pages of a section and its tables, as laid out once with every row whole."""

    top: float = 0.0  # the page's content box, in px
    bottom: float = 0.0
    first_top: float | None = None  # where the first table's border box starts on the first page
    tables: dict[tuple[int, int], TableMeasure] = field(default_factory=dict)


@dataclass
class Plan:
    """Where the pages of a section break its tables.

    ``cuts`` maps a body row to the text each of its cells shows on each page
    but the last it spans; ``forced`` holds the (row, part) pieces that begin
    a page; ``tables`` the tables whose first piece begins a page. Rows kept
    with the row above (``Table.keep_with_previous``) start a page together
    when they fit on one.
    """

    cuts: dict = field(default_factory=dict)  # key → {row: ((cell texts of part 0), (… of part 1), …)}
    forced: dict = field(default_factory=dict)  # key → {(row, part)}
    tables: set = field(default_factory=set)  # keys


def continued(cell: Cell) -> Cell:
    """Return ``cell`` as it reads on a continuation page: its text followed by "(ต่อ)"."""
    paras = cell.paras[:1]
    if paras and paras[0].text:
        paras = (dataclasses.replace(paras[0], text=f"{paras[0].full_text} {CONTINUED}", number="", anchor=""),)
    return dataclasses.replace(cell, paras=paras)


def _line_text(line) -> str:
    return "".join(getattr(box, "text", "") for box in descendants(line))


def descendants(box):
    """Yield a WeasyPrint box and every box inside it, in tree order."""
    yield box
    for child in getattr(box, "children", ()):
        yield from descendants(child)


def row_boxes(weasy, prefix: str):
    """Yield (page number, id, box) for each table row box of a laid-out document whose id starts with
    ``prefix`` (the template's body rows: ``r-SECTION-BLOCK-ROW``), page by page."""
    for number, page in enumerate(weasy.pages):
        for box in descendants(page._page_box):
            element = getattr(box, "element", None)
            if getattr(box, "element_tag", "") != "tr" or element is None:
                continue
            ident = element.get("id", "")
            if ident.startswith(prefix):
                yield number, ident, box


def measure(weasy, prefix: str = "r-") -> SectionMeasure:
    """Return the measures of the tables of a laid-out section whose body rows have ids ``r-S-B-R``."""
    from weasyprint.formatting_structure.boxes import LineBox, TableBox

    found = SectionMeasure()
    for number, page in enumerate(weasy.pages):
        page_box = page._page_box
        found.top = page_box.content_box_y()
        found.bottom = found.top + page_box.height
        before = None  # the last block before the first table on the first page
        for box in descendants(page_box):
            if getattr(box, "element_tag", "") == "p" and number == 0 and not found.tables:
                before = box
            if not getattr(box, "is_table_wrapper", False):
                continue
            table = next(c for c in box.children if isinstance(c, TableBox))
            groups = [g for g in table.children if not g.is_header and not g.is_footer]
            rows = [r for g in groups for r in g.children if r.element is not None and r.element.get("id", "").startswith(prefix)]
            if not rows:
                continue
            key = tuple(int(x) for x in rows[0].element.get("id")[len(prefix):].split("-")[:2])
            if key not in found.tables:
                t = found.tables[key] = TableMeasure()
                # computed lengths are in px
                t.margin_top, t.margin_bottom = box.style["margin_top"].value, box.style["margin_bottom"].value
                if len(found.tables) == 1:  # the first table: where it starts on the first page
                    if number == 0:
                        found.first_top = table.position_y
                    elif before is not None:
                        below = before.position_y + before.margin_height()
                        found.first_top = below - before.margin_bottom + max(before.margin_bottom, t.margin_top)
            t = found.tables[key]
            heads = [r for g in table.children if g.is_header for r in g.children]
            t.header = sum(r.height for r in heads)
            t.header_rows = [
                (r.height, max(([l.height for l in descendants(c) if isinstance(l, LineBox)] for c in r.children), key=len))
                for r in heads
            ]
            for row in rows:
                index = int(row.element.get("id")[len(prefix):].split("-")[2])
                cells = [[(_line_text(l), l.height) for l in descendants(c) if isinstance(l, LineBox)] for c in row.children]
                if index in t.rows:  # the rest of a row WeasyPrint itself split (a row taller than a page)
                    for have, more in zip(t.rows[index].cells, cells):
                        have.extend(more)
                    continue
                t.rows[index] = RowLines(cells)
                text_cells = [(c, n) for c, n in zip(row.children, cells) if n]
                if not t.line and text_cells:
                    cell, _ = text_cells[0]
                    t.pad_top = cell.content_box_y() - row.position_y
                    t.line = text_cells[0][1][0][1]
                    t.pad_bottom = row.height - t.pad_top - max(sum(h for _, h in n) for _, n in text_cells)
    return found


def plan(tables: list[tuple[tuple[int, int], Table]], measured: SectionMeasure, continued_lines) -> Plan:
    """Return the pages of ``tables`` (in order, all in one section), filled front to back.

    ``continued_lines(table, row)`` returns how many lines the row's first cell
    takes when it reads "N (ต่อ)" on a continuation page.
    """
    out = Plan()
    top, bottom = measured.top, measured.bottom - SLACK_PX
    y = measured.first_top if measured.first_top is not None else top
    previous = None
    for key, table in tables:
        m = measured.tables[key]
        repeated = _repeated_header(table, m)
        if previous is not None and y > top:
            y += max(previous.margin_bottom, m.margin_top)  # margins collapse, and vanish at a page top
        header_placed = False  # on this page
        kept = set(table.keep_with_previous)
        for index in range(len(table.body)):
            # rows kept with the row above go with it to the next page when they
            # do not fit here but fit on a page together
            group = [index] if index in kept else list(range(index, next(
                (r for r in range(index + 1, len(table.body)) if r not in kept), len(table.body))))
            if len(group) > 1:
                together = sum(_height(m, m.rows[r].cells) for r in group)
                head = 0.0 if header_placed else m.header
                if y + head + together > bottom and together <= bottom - top - repeated:
                    if header_placed:
                        out.forced.setdefault(key, set()).add((index, 0))
                        y = top + repeated
                    else:
                        out.tables.add(key)
                        y = top
            cells = [list(c) for c in m.rows[index].cells]
            part, cuts = 0, []
            while True:
                head = 0.0 if header_placed else m.header
                tallest = max(sum(h for _, h in c) for c in cells)
                if y + head + m.pad_top + tallest + m.pad_bottom <= bottom:
                    y += head + m.pad_top + tallest + m.pad_bottom
                    header_placed = True
                    break
                room = bottom - y - head - m.pad_top - m.pad_bottom
                at_page_top = y <= top + (repeated if header_placed else 0.0) + 1e-6
                shown = _fit(cells, room) or (_fit(cells, room, least=1) if at_page_top else None)
                if shown is None and at_page_top:  # a line taller than the page: let it run over
                    y += head + m.pad_top + tallest + m.pad_bottom
                    header_placed = True
                    break
                if shown is None:  # nothing worth showing here: the piece starts the next page
                    if header_placed:
                        out.forced.setdefault(key, set()).add((index, part))
                        y = top + repeated
                    else:
                        out.tables.add(key)
                        y = top
                    continue
                cuts.append(tuple("".join(t for t, _ in c[:k]) for c, k in zip(cells, shown)))
                cells = [c[k:] for c, k in zip(cells, shown)]
                cells[0] = [("", m.line)] * continued_lines(table, index)
                part += 1
                out.forced.setdefault(key, set()).add((index, part))
                header_placed, y = True, top + repeated
            if cuts:
                out.cuts.setdefault(key, {})[index] = tuple(cuts)
        previous = m
    return out


def _height(m: TableMeasure, cells) -> float:
    """Return the height of a row whose cells hold these lines."""
    return m.pad_top + max(sum(h for _, h in c) for c in cells) + m.pad_bottom


def _repeated_header(table: Table, m: TableMeasure) -> float:
    """Return the height of the header a table repeats on its continuation pages.

    That is ``table.continued_header`` when it has one: its column header rows
    are the table's last header rows, and each caption row takes one line
    (as the table's last caption row does, less its other lines).
    """
    if not table.continued_header:
        return m.header
    captions = sum(1 for row in table.continued_header if not any(c.frame for c in row))
    plain = len(table.continued_header) - captions
    rows = m.header_rows
    height, lines = rows[len(rows) - plain - 1] if len(rows) > plain else (0.0, [])
    return sum(h for h, _ in rows[len(rows) - plain:]) + captions * (height - sum(lines[1:]))


def _fit(cells: list[list[tuple[str, float]]], room: float, least: int = MIN_LINES) -> list[int] | None:
    """Return how many lines of each cell fit in ``room`` px, leaving at least ``least`` lines on
    each side of the cut in the tallest cell, or None when no such cut exists."""
    fitting = []
    for c in cells:
        k, used = 0, 0.0
        while k < len(c) and used + c[k][1] <= room + 1e-6:
            used += c[k][1]
            k += 1
        fitting.append(k)
    tallest = max(len(c) for c in cells)
    most = min(max(fitting), tallest - least)
    if most < least:
        return None
    return [min(k, most) for k in fitting]


def text_lines(table: Table, column: int, text: str, size_pt: float) -> int:
    """Return how many lines ``text`` takes in a body cell of ``column`` of ``table`` (text of ``size_pt``)."""
    from ..document import Para

    measure = Measure(size_pt, table.padding_pt)
    room = max(1.0, table.columns[column] * PT_PER_CM - measure.extra_pt)
    return max(1, math.ceil(measure.para_widths(Para(text, "cell"))[1] / room))


def breaks_between_pages(section) -> bool:
    """Return whether a section has tables with merged cells or rows a page break may cut (render/pdf.py
    lays it out in passes, or plans its pages)."""
    return any(
        isinstance(b, Table) and (b.loose_rows or b.fill_pages or any(c.rowspan > 1 for row in b.body for c in row))
        for b in section.blocks
    )


def fills_pages(section) -> bool:
    """Return whether a section's pages are planned: text first, then only tables that fill pages."""
    kinds = [isinstance(b, Table) and b.fill_pages for b in section.blocks]
    return any(kinds) and kinds == sorted(kinds) and all(
        isinstance(b, Para) for b in section.blocks if not (isinstance(b, Table) and b.fill_pages)
    )
