"""A table with merged cells laid out one page at a time, each page a piece of the book.

A ส่วนที่ ๒ มิติ (a heading and its table, render/pieces.py's flowing piece)
was laid out whole, in passes: each pass cut the merged cells where the
last one's pages broke, until the breaks stayed (render/pdf.py). Renaming
one item laid out its whole table again, three times.

Here the table is laid out page by page, front to back. A page that starts
at body row ``s`` and is to end with row ``e`` is laid out as a *trial*: the
rows ``s``..``e + 1``, the merged cells carried over from the page before
written with "(ต่อ)" (as the passes write them) and those reaching past
``e`` cut before row ``e + 1``. The trial is right when its first page holds
exactly rows ``s``..``e`` (row ``e + 1``, cut there, does not fit): the pass
layout's own test, for one page. Otherwise the next trial ends where this
one's page did, or further on when row ``e + 1`` fit too. The first trial's
end is estimated from the text (lines per cell from the font's widths, see
:func:`estimate_rows`), so that most pages take one trial; a right trial
whose page could take row ``e + 1`` were no merged cell stretching its rows
tries ``e + 1`` as well, and the page takes the most rows that fit.

Every step depends only on the records (a trial's facts are what its
layout found, cached or not), so a book comes out the same whatever the
cache held. Trials are cached by their content: an edit to one row lays out
again the page that holds it, and the pages after it only when its page
now ends elsewhere.
"""
from __future__ import annotations

import dataclasses

from ..document import Document, Para, Table, grid
from ..fonts import FontSet
from ..tablelayout import PT_PER_CM, Measure, book_metrics, pieces
from .cache import Entry, RenderCache

#: trials of one page at most; a page that has not settled by then lays out its table in passes
MAX_TRIALS = 10
#: px per pt (CSS)
PX_PER_PT = 96 / 72
#: rounding in the layout, px
EPSILON = 0.5


class NotPaged(Exception):
    """The table cannot be laid out page by page (a row taller than a page): lay it out in passes."""


def pageable(piece) -> bool:
    """Return whether a flowing piece is headings and then one table with merged cells, laid out page by page."""
    blocks = piece.section.blocks
    table = blocks[-1] if blocks else None
    return (
        piece.flows and isinstance(table, Table) and len(table.body) > 1
        and not table.loose_rows and not table.fill_pages
        and all(isinstance(b, Para) for b in blocks[:-1])
        and any(c.rowspan > 1 for row in table.body for c in row)
    )


def slice_table(table: Table, start: int, end: int, lines: list | None = None) -> Table:
    """Return body rows ``start``..``end`` of ``table`` as a table of their own.

    A merged cell reaching above ``start`` is written in row ``start`` with
    "(ต่อ)" after its text (pages.continued), one reaching below ``end`` ends there.
    ``lines``: the table's ``grid`` of its body, when the caller has it.
    """
    from .pages import continued

    rows = []
    lines = lines if lines is not None else grid(table, table.body)
    started: dict[int, int] = {}
    for r in range(len(table.body)):
        for cell, cont in lines[r]:
            if not cont:
                started[id(cell)] = r
        if r < start:
            continue
        if r > end:
            break
        row = []
        for cell, cont in lines[r]:
            if cont and r != start:
                continue
            last = started[id(cell)] + cell.rowspan - 1
            span = min(last, end) - r + 1
            written = continued(cell) if cont else cell
            row.append(dataclasses.replace(written, rowspan=span) if span != written.rowspan else written)
        rows.append(tuple(row))
    keep = tuple(r - start for r in table.keep_with_previous if start < r <= end)
    return dataclasses.replace(table, body=tuple(rows), keep_with_previous=keep, break_before=False)


def trial_document(piece, start: int, end: int, lines: list | None = None) -> Document:
    """Return the document of a trial: the piece's headings (on its first page) and rows ``start``..``end``."""
    section = piece.section
    table = section.blocks[-1]
    sliced = slice_table(table, start, end, lines)
    blocks = (*section.blocks[:-1], sliced) if start == 0 else (sliced,)
    return dataclasses.replace(piece.document, sections=(dataclasses.replace(section, blocks=blocks),))


def trial_key(document: Document, cut: int | None, offset, fonts: FontSet, root) -> str:
    from .pieces import _key

    return _key("table page 1", fonts, root, offset, cut, document)


def lay_out_trial(document: Document, cut: int | None, first: bool, offset, fonts: FontSet, root) -> Entry:
    """Lay out a trial; return its facts, and its first page's PDF (with the pages before it) when right.

    ``cut``: the body row (of the trial's table) the merged cells are cut
    before, or None (the table's last page). The facts: ``page`` (the page
    holding body row 0), ``last`` (the last body row wholly on that page),
    ``room`` (px left below it), ``next_cells`` (row ``last + 1``'s cells:
    their column and the height each needs, px), ``give`` (how much merged cells
    stretch the rows on the page, px), ``capacity`` (px from the first body
    row's top to the page's foot), ``page_height``, ``header`` (the header rows' height, px),
    ``line`` and ``pad`` (a body line's height
    and what a row adds to its lines, px).
    """
    from . import weasy
    from .pages import descendants, row_boxes
    from .pdf import Breaks, _weasy, render_css, render_html
    from .pieces import page_facts

    section = len(document.sections[0].blocks) - 1
    key = (0, section)
    breaks = Breaks({key: frozenset({cut})} if cut is not None else {}, {}, {},
                    frozenset() if first else frozenset({key}))
    html = render_html(document, fonts, root, breaks, numbers=False, embed_styles=False,
                       offset=offset if first else None)
    laid = _weasy(html, root, render_css(document, fonts, root, False), fonts)
    prefix = f"r-0-{section}-"
    rows: dict[int, list] = {}
    for number, ident, box in row_boxes(laid, prefix):
        rows.setdefault(int(ident[len(prefix):].split("-")[0]), []).append((number, box))
    if 0 not in rows:
        raise NotPaged
    page = rows[0][0][0]
    whole = [r for r, frags in sorted(rows.items()) if len(frags) == 1 and frags[0][0] == page]
    if not whole or whole[0] != 0:  # the first row does not fit a page
        raise NotPaged
    last = 0
    while last + 1 in whole:
        last += 1
    page_box = laid.pages[page]._page_box
    top, foot = page_box.content_box_y(), page_box.content_box_y() + page_box.height
    box = rows[last][0][1]
    room = foot - (box.position_y + box.height)
    after = rows.get(last + 1)
    first_box = rows[0][0][1]
    give = sum(max(0.0, rows[r][0][1].height - _need(rows[r][0][1])) for r in range(last + 1))
    line, pad = _line_and_pad(rows[0][0][1])
    facts = {
        "page": page, "last": last, "room": room,
        "next_cells": [[c.grid_x, _cell_need(c)] for c in after[0][1].children] if after else None,
        "give": give, "capacity": foot - first_box.position_y, "page_height": foot - top,
        "header": first_box.position_y - min((b.position_y for b in descendants(page_box)
                                               if getattr(b, "element_tag", "") == "thead"), default=first_box.position_y),
        "line": line, "pad": pad,
    }
    right = last == (cut - 1 if cut is not None else max(rows))
    if not right:
        return Entry(b"", facts)
    facts.update(page_facts(document, laid.pages[:page + 1], offset if first else None), settled=True)
    weasy.install()
    pdf = laid.copy(laid.pages[:page + 1]).write_pdf()
    return Entry(pdf, facts)


def _need(row) -> float:
    """Return the height a laid-out body row needs for its own cells (those spanning no other row)."""
    return max((_cell_need(c) for c in row.children if getattr(c, "rowspan", 1) == 1), default=0.0)


def _cell_need(cell) -> float:
    """Return the height a laid-out cell needs for its text, its padding and rules."""
    # (the cell's own padding below, not what stretching it to its row added to it)
    bottom = max((child.position_y + child.margin_height() for child in cell.children), default=cell.content_box_y())
    return bottom - cell.position_y + cell.style["padding_bottom"].value + cell.border_bottom_width


def _own_need(lines: list, row: int, cells) -> float | None:
    """Return what body ``row`` needs at the foot of a page, from a trial's ``next_cells``: all its
    cells but those merged from the rows above (a merged cell starting there is cut after it, so its
    whole text stands in that row; the trial measured it so)."""
    if cells is None or row >= len(lines):
        return None
    shared, col = set(), 0
    for cell, cont in lines[row]:
        if cont:
            shared.update(range(col, col + cell.colspan))
        col += cell.colspan
    return max((need for x, need in cells if x not in shared), default=0.0)


def _line_and_pad(row) -> tuple[float, float]:
    """Return a body line's height and what a row adds around its lines, from a laid-out row."""
    from weasyprint.formatting_structure.boxes import LineBox

    from .pages import descendants

    for cell in row.children:
        lines = [b for b in descendants(cell) if isinstance(b, LineBox)]
        if getattr(cell, "rowspan", 1) == 1 and lines:
            return lines[0].height, _cell_need(cell) - lines[0].height * len(lines)
    return 0.0, 0.0


def estimate_lines(table: Table, size_pt: float, lines: list) -> list[int]:
    """Return, for each body row, how many lines its tallest own cell takes, estimated from the font's
    widths (words filled into lines as a line breaker does; a word wider than its cell counts whole).
    ``lines``: the table's ``grid`` of its body."""
    regular, bold = book_metrics()
    measure = Measure(size_pt, table.padding_pt)
    space = regular.width_em(" ") * size_pt
    out = []
    starts = [0.0]
    for w in table.columns:
        starts.append(starts[-1] + w)
    for line in lines:
        most, col = 1, 0
        for cell, cont in line:
            if not cont and cell.rowspan == 1:
                width = (starts[min(col + cell.colspan, len(table.columns))] - starts[col]) * PT_PER_CM - measure.extra_pt
                lines = 0
                for para in cell.paras:
                    font = bold if para.style.startswith("cell-bold") else regular
                    lines += _fill(para.full_text, max(1.0, width - para.level * 0.35 * PT_PER_CM), font, size_pt, space)
                most = max(most, lines)
            col += cell.colspan
        out.append(most)
    return out


def _fill(text: str, width: float, font, size_pt: float, space: float) -> int:
    lines, used = 1, 0.0
    for chunk in text.split():
        for n, word in enumerate(pieces(chunk)):
            w = font.width_em(word) * size_pt
            gap = space if (n == 0 and used) else 0.0
            if used and used + gap + w > width:
                lines += 1
                used = w
            else:
                used += gap + w
    return lines


def estimate_rows(lines: list[int], start: int, room: float, line: float, pad: float) -> int:
    """Return the last row from ``start`` that fits in ``room`` px, estimated (``start - 1``: none)."""
    used, r = 0.0, start
    while r < len(lines):
        used += pad + lines[r] * line
        if used > room:
            break
        r += 1
    return r - 1


def lay_out_table(piece, fonts: FontSet, root, offset, cache: RenderCache) -> list[tuple]:
    """Return the pages of a flowing piece's table as (Piece, Entry) pairs, laid out or from ``cache``.

    Raises :class:`NotPaged` when the table cannot be cut into pages (the caller lays it out whole).
    The pages found are kept under the whole table's key too: the table again, starting where it
    did, takes one lookup a page.
    """
    from .pieces import Piece, _key, collector_paused, freed

    table = piece.section.blocks[-1]
    n = len(table.body)
    grid_lines = grid(table, table.body)
    # the table laid out before, the same, where it started: its pages' right trials, looked up directly
    whole = _key("table pages 1", fonts, root, offset, piece.document)
    known = cache.get(whole)
    if known is not None:
        pages = [(start, end, cache.get(key)) for start, end, key in known.facts["pages"]]
        if all(entry is not None for _, _, entry in pages):
            return [(Piece(trial_document(piece, start, end, grid_lines), flows=start == 0), entry)
                    for start, end, entry in pages]
    size = table.font_size_pt or piece.document.table_font_size_pt
    lines = estimate_lines(table, size, grid_lines)
    # a first guess of a body line and of a row's rules and padding, until a trial measures them
    line = size * PX_PER_PT * table.line_height * 1.5
    pad = 3.5 * PX_PER_PT
    capacity = None
    out = []
    found = []  # each page: its first and last row, its right trial's key
    start = 0
    while start < n:
        first = start == 0
        tried: dict[int, dict] = {}
        best = None

        def trial(end: int) -> tuple[Entry, str]:
            document = trial_document(piece, start, min(end + 1, n - 1), grid_lines)
            cut = end + 1 - start if end + 1 < n else None
            key = trial_key(document, cut, offset if first else None, fonts, root)
            entry = cache.get(key)
            if entry is None:
                with collector_paused():
                    entry = lay_out_trial(document, cut, first, offset, fonts, root)
                    freed(entry.facts["page"] + 2)
                cache.put(key, entry)
            return entry, key

        if capacity is None:  # the first page: its room is known once a trial has been laid out
            end = min(n - 1, start + 7)
        else:
            end = max(start, estimate_rows(lines, start, capacity, line, pad))
        for _ in range(MAX_TRIALS):
            entry, key = trial(end)
            facts = entry.facts
            tried[end] = facts
            line, pad = facts["line"] or line, facts["pad"] or pad
            last = start + facts["last"]
            if last == end and entry.pdf:
                best = (end, entry, key)
                need = _own_need(grid_lines, end + 1, facts["next_cells"])
                if end + 1 < n and end + 1 not in tried and need is not None and need <= facts["room"] + facts["give"] - EPSILON:
                    end += 1  # row end + 1 may fit with the merged cells cut after it
                    continue
                break
            if last < end:
                if best is not None and last <= best[0]:
                    break
                end = last
            else:  # row end + 1 fit as well: estimate how many more do
                end = max(last, estimate_rows(lines, last + 1, facts["room"], line, pad))
            if end in tried:
                break
        if best is None:
            raise NotPaged
        end, entry, key = best
        # the next page's body rows start under the repeated header, at the page's top
        facts = tried[end]
        capacity = facts["capacity"] if not first else facts["page_height"] - facts["header"]
        document = trial_document(piece, start, end, grid_lines)
        out.append((Piece(document, flows=first), entry))
        found.append([start, end, key])
        start = end + 1
    cache.put(whole, Entry(b"", {"pages": found}))
    return out
