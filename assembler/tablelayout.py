"""Column widths from what the cells hold: one algorithm for the PDF and the DOCX.

Each column gets a *minimum* width (its widest unbreakable piece: a Thai word
as pythainlp cuts it, a money figure, a number) and a *preferred* width (its
longest paragraph on one line), both measured with the advance widths of the
book's font at the table's size, plus the cell padding. The page's text width
is then shared as CSS automatic table layout does: every column gets at least
its minimum, and the width left over goes to the columns in proportion to how
much more they would like (preferred minus minimum). Columns whose every body
cell is one unbreakable piece (money, numbers, month bars) are exactly as wide
as their widest piece and take no share.

The widths are computed in the view layer, before rendering, so both
renderers draw exactly the same columns (``Table.columns`` in cm).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .document import CELL_STEP_CM, HEAD_SMALL, Cell, Para, grid_cells
from .fonts import find_fonts
from .thai import CLOSING, OPENING, segment

PT_PER_CM = 72 / 2.54
#: width of one rule between cells (0.75 pt), half on each side of a cell
RULE_PT = 0.75
#: what rounding in the shaper and the renderers may add to a measured line
SLACK_PT = 0.5
#: a table's main text column narrower than this (or than its one-line width) is hard to read
READABLE_CM = 2.5
#: a cell spanning rows is set in at most this many lines when the table has the width: it counts
#: its text once, so sharing by text would set it narrow, and under a heading a page has
#: room for about twice this (a taller one pushes its table to the next page)
MERGED_MAX_LINES = 15
#: the text width of an A4 page, by orientation (margins 3 cm and 2 cm)
TEXT_WIDTH_CM = {"portrait": 16.0, "landscape": 24.7}
#: line spacing of the books' dense tables, a multiple of the font's single spacing
TABLE_LINE = 0.66

#: a word wider than this many em (องค์กรปกครองส่วนท้องถิ่น) does not set its column's
#: minimum: a column narrower than it breaks it between syllables
LONG_WORD_EM = 4.0
_ABBREVIATION = re.compile(r"(?:[\u0e01-\u0e4f]{1,3}\.)+")  # พ.ศ., เม.ย.: never broken

BOLD_STYLES = frozenset({"cell-bold", "cell-bold-center", "cell-bold-right", "cell-head-small"})
_LETTER = re.compile(r"[\u0e01-\u0e4f A-Za-z]")


class _CharWidths(dict):
    """Character → advance in em, each looked up once (combining marks and format characters: 0)."""

    def __init__(self, advances: dict[int, float], default: float):
        super().__init__()
        self.advances, self.default = advances, default

    def __missing__(self, ch: str) -> float:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Cf"):
            width = 0.0
        else:
            width = self.advances.get(ord(ch), self.default)
        self[ch] = width
        return width


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths of one font face, in em."""

    advances: dict[int, float]
    default: float
    chars: _CharWidths = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "chars", _CharWidths(self.advances, self.default))

    def width_em(self, text: str) -> float:
        """Return the advance width of ``text`` in em (combining marks add nothing)."""
        return sum(map(self.chars.__getitem__, text), 0.0)


@lru_cache(maxsize=4)
def font_metrics(path: Path) -> FontMetrics:
    """Return the advance widths of the font file at ``path``, read once per process."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        upem = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        advances = {code: hmtx[name][0] / upem for code, name in font.getBestCmap().items()}
    return FontMetrics(advances, advances.get(ord("ก"), 0.6))


@lru_cache(maxsize=1)
def book_metrics() -> tuple[FontMetrics, FontMetrics]:
    """Return the regular and bold metrics of the book font (fonts/)."""
    fonts = find_fonts()
    return font_metrics(fonts.regular), font_metrics(fonts.bold)


@lru_cache(maxsize=8192)
def pieces(text: str) -> tuple[str, ...]:
    """Return ``text`` cut into the pieces a line never breaks inside.

    Spaces separate pieces. A run without Thai or Latin letters (a money
    figure, a number, "๑.๒") is one piece; Thai is cut into pythainlp words,
    and punctuation stays with its word as the renderers keep it.
    """
    out: list[str] = []
    for chunk in text.split():
        if not _LETTER.search(chunk) or _ABBREVIATION.fullmatch(chunk):
            out.append(chunk)
            continue
        words: list[str] = []
        for word in segment(chunk):
            if words and (words[-1][-1] in OPENING or word[0] in CLOSING or not _LETTER.search(word)):
                words[-1] += word
            else:
                words.append(word)
        out.extend(words)
    return tuple(out)


@dataclass(frozen=True)
class Measure:
    """Measures cell text at one font size, with the table's cell padding."""

    size_pt: float
    padding_pt: float

    def text_pt(self, text: str, bold: bool) -> float:
        regular, heavy = book_metrics()
        return (heavy if bold else regular).width_em(text) * self.size_pt

    @property
    def extra_pt(self) -> float:
        """Return what a column adds around its text: padding, half a rule each side, slack."""
        return 2 * self.padding_pt + RULE_PT + SLACK_PT

    def para_widths(self, para: Para, whole_words: bool = False) -> tuple[float, float]:
        """Return (minimum, preferred) width in pt of one paragraph's text.

        A word longer than LONG_WORD_EM counts with that width only, unless
        ``whole_words`` (a header label, which must never break).
        """
        bold = para.style in BOLD_STYLES
        scale = HEAD_SMALL if para.style == "cell-head-small" else 1.0
        text = para.full_text
        longest = float("inf") if whole_words else LONG_WORD_EM * self.size_pt
        minimum = max(
            (self.text_pt(p, bold) if not _LETTER.search(p) else min(self.text_pt(p, bold), longest) for p in pieces(text)),
            default=0.0,
        )
        indent = para.level * CELL_STEP_CM * PT_PER_CM if para.style.startswith("cell") else 0.0
        return minimum * scale + indent, self.text_pt(" ".join(text.split()), bold) * scale + indent

    def cell_widths(self, cell: Cell, whole_words: bool = False) -> tuple[float, float, bool]:
        """Return (minimum, preferred) width in pt of a cell, and whether it is one piece."""
        minimum = preferred = 0.0
        solid = True
        for para in cell.paras:
            lo, hi = self.para_widths(para, whole_words)
            minimum, preferred = max(minimum, lo), max(preferred, hi)
            solid = solid and len(pieces(para.full_text)) <= 1
        extra = self.extra_pt - (2 * self.padding_pt if cell.tight else 0.0)
        return minimum + extra, preferred + extra, solid


@dataclass(frozen=True)
class ColumnNeeds:
    """What each column of a table needs, in pt."""

    minimum: tuple[float, ...]
    preferred: tuple[float, ...]
    fixed: tuple[bool, ...]  # exactly its minimum: money, numbers, months
    #: how much text the column holds: the one-line widths of its body cells added up
    text: tuple[float, ...] = ()
    #: the width its cells spanning rows need to take at most MERGED_MAX_LINES lines (0: none)
    merged: tuple[float, ...] = ()

    def readable_pt(self) -> float:
        """Return the narrowest readable width: every column at its minimum, and the
        column holding the most text at READABLE_CM (or its one-line width)."""
        total = sum(self.minimum)
        text = [(t, c) for c, t in enumerate(self.text or self.preferred) if not self.fixed[c]]
        if text:
            main = max(text)[1]
            readable = min(self.preferred[main], READABLE_CM * PT_PER_CM)
            total += max(0.0, readable - self.minimum[main])
        return total


def _spread(widths: list[float], cols: range, need: float, weights: list[float]) -> None:
    """Widen ``cols`` so that together they are at least ``need``, by their weights."""
    have = sum(widths[c] for c in cols)
    if need <= have:
        return
    total = sum(weights[c] for c in cols)
    for c in cols:
        widths[c] += (need - have) * (weights[c] / total if total else 1 / len(cols))


def column_needs(ncols: int, header, body, measure: Measure, groups=()) -> ColumnNeeds:
    """Return the minimum and preferred widths of each column of a table.

    Header cells count only with their minimum (a header may wrap between
    words, never inside one); caption
    rows (``frame`` False) span the table and count for nothing. A cell
    spanning rows may wrap over their height, so it asks only for its
    minimum (its text still counts in the column's share). A cell spanning columns widens them only if they are too
    narrow together, in proportion to what they already prefer.
    """
    minimum, preferred, text, merged = [0.0] * ncols, [0.0] * ncols, [0.0] * ncols, [0.0] * ncols
    fixed = [True] * ncols
    spanning = []
    for rows, is_header in ((header, True), (body, False)):
        for line in grid_cells(ncols, rows):
            for col, cell in line:
                if not cell.frame:
                    continue
                lo, hi, solid = measure.cell_widths(cell, whole_words=is_header or cell.keep_words)
                hi = lo if is_header or cell.rowspan > 1 else hi
                if cell.colspan > 1:
                    spanning.append((col, cell.colspan, lo, hi))
                    continue
                minimum[col] = max(minimum[col], lo)
                preferred[col] = max(preferred[col], hi)
                if not is_header and not solid:
                    fixed[col] = False
                if not is_header:
                    text[col] += measure.cell_widths(cell)[1]
                    if cell.rowspan > 1:  # (in whole steps: table_columns rounds the column no narrower)
                        need = _width_for_lines(measure, cell, lo, MERGED_MAX_LINES)
                        merged[col] = max(merged[col], math.ceil(need / (STEP_CM * PT_PER_CM) - 1e-9) * STEP_CM * PT_PER_CM)
    for col, span, lo, hi in spanning:
        cols = range(col, col + span)
        _spread(minimum, cols, lo, preferred)
        for c in cols:
            preferred[c] = max(preferred[c], minimum[c])
        if not all(fixed[c] for c in cols):
            _spread(preferred, cols, hi, preferred)
    for group in groups:  # columns of one kind (years, months) look alike
        for values in (minimum, preferred):
            widest = max(values[c] for c in group)
            for c in group:
                values[c] = widest
    return ColumnNeeds(tuple(minimum), tuple(preferred), tuple(fixed), tuple(text), tuple(merged))


def _width_for_lines(measure: Measure, cell, least: float, lines: int) -> float:
    """Return the narrowest width (pt, from ``least``) at which ``cell`` takes at most ``lines`` lines."""
    paras = tuple(measure.para_widths(p)[1] for p in cell.paras if p.full_text.strip())
    widest = measure.cell_widths(cell)[1]  # one line each
    width, step = least, 0.05 * PT_PER_CM
    while width < widest and _cell_lines(paras, max(1.0, width - measure.extra_pt)) > lines:
        width += step
    return min(width, widest)


def distribute(needs: ColumnNeeds, width_pt: float) -> tuple[float, ...]:
    """Return column widths in pt that add up to ``width_pt``.

    Fixed columns get their minimum. A column of cells spanning rows gets at
    least the width at which they take MERGED_MAX_LINES lines, when the others
    can give it (``ColumnNeeds.merged``). The others get their minimum plus a share
    of the width left, in proportion to how much text each holds (the column
    with most lines to set gets most room, which keeps the table short), but
    none wider than its preferred width while another still wants more; once
    every column has its preferred width, the rest goes in proportion to it.
    A table whose minimums are wider than the page narrows its text columns
    to fit (their long words then break between syllables).
    """
    lo, hi, fixed = needs.minimum, needs.preferred, needs.fixed
    text = needs.text or hi
    flexible = [c for c in range(len(lo)) if not fixed[c]] or list(range(len(lo)))
    widths = list(lo)
    spare = width_pt - sum(lo)
    if spare <= 0:
        room = width_pt - sum(lo[c] for c in range(len(lo)) if c not in flexible)
        shrink = max(room, 0) / sum(lo[c] for c in flexible)
        for c in flexible:
            widths[c] = lo[c] * shrink
        return tuple(widths)
    wanting = [c for c in flexible if hi[c] > widths[c]]
    while spare > 1e-6 and wanting:
        total = sum(text[c] for c in wanting)
        share = {c: spare * (text[c] / total if total else 1 / len(wanting)) for c in wanting}
        given = {c: min(share[c], hi[c] - widths[c]) for c in wanting}
        for c, amount in given.items():
            widths[c] += amount
        spare -= sum(given.values())
        wanting = [c for c in wanting if hi[c] - widths[c] > 1e-6]
    if spare > 1e-6:
        total = sum(hi[c] for c in flexible)
        for c in flexible:
            widths[c] += spare * (hi[c] / total if total else 1 / len(flexible))
    _raise_merged(widths, needs, flexible)
    return tuple(widths)


def _raise_merged(widths: list[float], needs: ColumnNeeds, flexible: list[int]) -> None:
    """Widen columns below their ``needs.merged`` width, taking it from the other flexible columns
    in proportion to what they have above their own floor (as much as there is)."""
    if not needs.merged:
        return
    floor = [max(needs.minimum[c], needs.merged[c]) for c in range(len(widths))]
    short = {c: floor[c] - widths[c] for c in flexible if floor[c] - widths[c] > 1e-6}
    if not short:
        return
    slack = {c: widths[c] - floor[c] for c in flexible if c not in short and widths[c] - floor[c] > 1e-6}
    available, wanted = sum(slack.values()), sum(short.values())
    if available <= 1e-6:
        return
    moved = min(available, wanted)
    for c, amount in short.items():
        widths[c] += amount * moved / wanted
    for c, amount in slack.items():
        widths[c] -= amount * moved / available


def table_columns(ncols: int, header, body, width_cm: float, size_pt: float, padding_pt: float, groups=()) -> tuple[float, ...]:
    """Return the width of each column in cm, adding up to ``width_cm``.

    ``groups`` are tuples of columns given one width (the widest need of each).
    """
    needs = column_needs(ncols, header, body, Measure(size_pt, padding_pt), groups)
    widths = list(distribute(needs, width_cm * PT_PER_CM))
    step = STEP_CM * PT_PER_CM
    # (a column within a step of its widest word keeps its width: rounded down, the word would break)
    steady = [c for c in range(ncols) if not needs.fixed[c] and not any(c in g for g in groups)
              and widths[c] >= needs.minimum[c] + step]
    _in_steps(widths, steady, step)
    return _in_cm(widths)


#: text columns are set in whole steps of this width: an edit that adds a word somewhere
#: moves no column (a ส่วนที่ ๒ table whose widths moved is laid out again, every มิติ)
STEP_CM = 0.1


def _in_steps(widths: list[float], columns: list[int], step: float) -> None:
    """Round ``columns`` of ``widths`` to whole steps (``step``), keeping their sum: each down, then a step
    more to those that lost most, the rest (less than a step) to the widest."""
    if len(columns) < 2:
        return
    total = sum(widths[c] for c in columns)
    down = {c: math.floor(widths[c] / step + 1e-9) * step for c in columns}
    left = total - sum(down.values())
    for c in sorted(columns, key=lambda c: (-(widths[c] - down[c]), c)):
        if left < step - 1e-9:
            break
        down[c] += step
        left -= step
    down[max(columns, key=lambda c: (down[c], -c))] += left
    for c in columns:
        widths[c] = down[c]


def _in_cm(widths_pt) -> tuple[float, ...]:
    """Return widths in pt as cm, rounded to a thousandth (what the renderers are given)."""
    return tuple(round(w / PT_PER_CM, 3) for w in widths_pt)


def fits(ncols: int, header, body, width_cm: float, size_pt: float, padding_pt: float, groups=()) -> bool:
    """Return whether a table can be set readably within ``width_cm``."""
    needs = column_needs(ncols, header, body, Measure(size_pt, padding_pt), groups)
    return needs.readable_pt() <= width_cm * PT_PER_CM


def _cell_lines(paras: tuple[float, ...], room_pt: float) -> int:
    """Return how many lines paragraphs of these one-line widths take in ``room_pt``."""
    return sum(max(1, math.ceil(w / room_pt)) for w in paras) if paras else 1


def shortest_rows(
    ncols: int, header, body, width_cm: float, size_pt: float, padding_pt: float, groups=(), step_cm: float = 0.05
) -> tuple[float, ...]:
    """Return column widths in cm (adding up to ``width_cm``) that make the rows short.

    Starts from :func:`table_columns` and moves width, ``step_cm`` at a time,
    from one text column to another while that lowers the sum of the rows'
    heights (each row as tall as its cell of most lines; the last header row
    of words counts once per body row it would repeat over, about one page in
    four). For a long table of tall rows (ผด.02) the height of the rows, not
    the one-line width of the text, decides how many pages it takes. No
    column goes below its minimum, nor a text column below READABLE_CM (or
its starting width, when that is narrower); fixed columns keep theirs.
    """
    measure = Measure(size_pt, padding_pt)
    needs = column_needs(ncols, header, body, measure, groups)
    widths = [w * PT_PER_CM for w in _in_cm(distribute(needs, width_cm * PT_PER_CM))]
    free = [c for c in range(ncols) if not needs.fixed[c] and not any(c in g for g in groups)]
    if len(free) < 2:
        return _in_cm(widths)
    # each row as (column, one-line widths of its paragraphs) of its one-column cells
    rows: list[tuple[int, list[tuple[int, tuple[float, ...]]]]] = []
    for rows_of, weight in ((header, max(1, len(body) // 4)), (body, 1)):
        for line in grid_cells(ncols, rows_of):
            cells = [
                (col, tuple(measure.para_widths(p)[1] for p in cell.paras if p.full_text.strip()))
                for col, cell in line
                if cell.frame and cell.colspan == 1 and col in free
            ]
            if cells:
                rows.append((weight, cells))

    def height(w: list[float]) -> int:
        return sum(
            weight * max(_cell_lines(paras, max(1.0, w[col] - measure.extra_pt)) for col, paras in cells)
            for weight, cells in rows
        )

    step = step_cm * PT_PER_CM
    # a column gives width only down to READABLE_CM (a narrower one, as it started),
    # and keeps a step above its minimum: the renderer's words may be a little wider
    floor = {c: max(needs.minimum[c] + step, min(widths[c], READABLE_CM * PT_PER_CM)) for c in free}
    best = height(widths)
    improved = True
    while improved:
        improved = False
        for give in free:
            if widths[give] - step < floor[give]:
                continue
            for take in free:
                if take == give:
                    continue
                trial = list(widths)
                trial[give] -= step
                trial[take] += step
                h = height(trial)
                if h < best:
                    best, widths, improved = h, trial, True
                    break
            if improved:
                break
    return _in_cm(widths)
